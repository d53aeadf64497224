/* qa/sysctl: every "key=value" argument is in force: /proc/sys/<key> reads
 * back the value, whitespace-normalised (so "4096 87380 6291456" matches a
 * tab-separated file). The plan splits on blanks, so an argument without
 * '=' continues the value before it ("key=1024" "65000" is "1024 65000"). */
#include "qa.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	/* Join continuation words onto the entry before them. */
	static char entries[64][512];
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (n > 0 && !strchr(argv[i], '=') && strchr(entries[n - 1], '=')) {
			size_t l = strlen(entries[n - 1]);
			snprintf(entries[n - 1] + l, sizeof(entries[0]) - l, " %s", argv[i]);
		} else if (n < 64) {
			snprintf(entries[n++], sizeof(entries[0]), "%s", argv[i]);
		}
	}
	struct qa_ktap k;
	qa_begin(&k, n);
	if (n == 0) {
		qa_diag("no key=value arguments: nothing to check");
		return QA_EXIT_SKIP;
	}
	for (int i = 0; i < n; i++) {
		char key[256], want[256], got[512];
		const char *entry = entries[i], *eq = strchr(entry, '=');
		if (!eq || eq == entry) {
			qa_result(&k, false, "%s: not a key=value argument", entry);
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - entry), entry);
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
