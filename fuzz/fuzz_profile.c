/* libFuzzer target: the profile reader (inih + schema checks + inheritance)
 * and the command-line override parser. */
#include "core/profile.h"
#include "core/settings.h"
#include "fuzz_util.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file("configs/profiles/f.ini", data, size);
	/* a parent, so that inherit = p is exercised too */
	static const char parent[] = "[source]\nversion = 1\n[config]\nbase = allnoconfig\nfragments = a b\n";
	fuzz_file("configs/profiles/p.ini", (const uint8_t *)parent, sizeof(parent) - 1);
	struct profile p;
	if (profile_load(fuzz_dir(), "f", &p) == 0) {
		/* every line of the input as a command-line override too */
		char *text = xstrndup((const char *)data, size);
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			profile_override(&p, l);
		profile_check_required(&p);
		struct settings s;
		settings_resolve(&p, &s);
		settings_free(&s);
		free(text);
		profile_free(&p);
	}
	kb_clear_error();
	return 0;
}
