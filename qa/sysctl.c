/* qa/sysctl: every "key=value" argument is in force: /proc/sys/<key> reads
 * back the value, whitespace-normalised (so "4096 87380 6291456" matches a
 * tab-separated file). */
#define _GNU_SOURCE
#include "qa.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct qa_ktap k;
	qa_begin(&k, argc - 1);
	if (argc < 2) {
		qa_diag("no key=value arguments: nothing to check");
		return QA_EXIT_SKIP;
	}
	for (int i = 1; i < argc; i++) {
		char key[256], want[256], got[512];
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			qa_result(&k, false, "%s: not a key=value argument", argv[i]);
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i]), argv[i]);
		qa_normalise(key);
		snprintf(want, sizeof(want), "%s", eq + 1);
		qa_normalise(want);
		int r = qa_sysctl_read(key, got, sizeof(got));
		if (r < 0) {
			qa_diag("cannot read %s: %s", key, strerror(-r));
			qa_result(&k, false, "%s = %s", key, want);
			continue;
		}
		if (strcmp(got, want))
			qa_diag("%s is \"%s\", expected \"%s\"", key, got, want);
		qa_result(&k, !strcmp(got, want), "%s = %s", key, want);
	}
	return qa_end(&k);
}
