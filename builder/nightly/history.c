#include "nightly/history.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const history_files[] = {
	OUT_RECORD_JSON, OUT_KCIDB_JSON, OUT_SQUAD_JSON, OUT_RESULTS_JSON,  OUT_JUNIT_XML,
	OUT_METADATA_JSON, OUT_CONFIG,	    OUT_CONFIG_REPORT, OUT_APPLIED,	NULL,
};

int history_save(const char *outdir, const char *dir)
{
	char *tmp = xasprintf("%s.tmp.%d", dir, (int)getpid());
	int rc = rm_rf(tmp);
	if (rc == 0)
		rc = mkdir_p(tmp, 0755);
	for (size_t i = 0; rc == 0 && history_files[i]; i++) {
		char *src = path_join(outdir, history_files[i]);
		char *dst = path_join(tmp, history_files[i]);
		if (path_exists(src))
			rc = copy_file(src, dst);
		free(src);
		free(dst);
	}
	if (rc == 0) {
		if (is_dir(dir)) {
			if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) < 0)
				rc = kb_fail("cannot replace %s: %s", dir, strerror(errno));
		} else if (rename(tmp, dir) < 0) {
			rc = kb_fail("cannot rename %s to %s: %s", tmp, dir, strerror(errno));
		}
	}
	/* After an exchange tmp holds the previous run; after a failure, the
	 * partial copy. Either way it goes. */
	int rm = rm_rf(tmp);
	free(tmp);
	return rc ? rc : rm;
}
