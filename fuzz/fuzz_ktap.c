/* libFuzzer target: the KTAP reader of the guest's console (guest/ktap.c)
 * and the panic matcher applied to each line. */
#include "guest/console_verdict.h"
#include "guest/ktap.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktap_report r;
	if (ktap_parse((const char *)data, size, &r) == 0) {
		ktap_find(&r, "modules");
		ktap_report_free(&r);
	}
	char *text = xstrndup((const char *)data, size);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		console_line_is_panic(l);
	free(text);
	kb_clear_error();
	return 0;
}
