/* libFuzzer target: config fragments and .config files (kconfig/fragment.c). */
#include "fuzz_util.h"
#include "kconfig/fragment.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("frag.config", data, size);
	struct kopt_set set = {0};
	int rc = fragment_parse(path, &set, false, NULL);
	/* a NUL must be refused, never end the fragment early (docs/faults.md) */
	if (rc == 0 && memchr(data, 0, size))
		abort();
	/* the same text again, merged over itself with and without override */
	fragment_parse(path, &set, true, NULL);
	kopt_set_free(&set);
	struct kopt_set dot = {0};
	rc = dotconfig_read(path, &dot);
	if (rc == 0 && memchr(data, 0, size))
		abort();
	if (rc == 0 && dot.n) {
		const char *copy = fuzz_file(".config", data, size);
		dotconfig_apply(copy, &dot);
		kopt_value_equal(dot.v[0].value, dot.v[dot.n - 1].value);
	}
	kopt_set_free(&dot);
	kb_clear_error();
	return 0;
}
