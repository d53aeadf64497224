#define _GNU_SOURCE
#include "source/pristine.h"
#include "source/extract.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The source's own date, taken before any patch touches the tree: the
 * build's KBUILD_BUILD_TIMESTAMP (a patched Makefile would carry the time
 * the patch was applied). */
static int record_source_date(struct run *r)
{
	char *mk = path_join(r->srcdir, "Makefile");
	struct stat st;
	int rc = 0;
	if (stat(mk, &st) == 0) {
		struct source_date_rec rec = {(long long)st.st_mtime};
		rc = source_date_rec_put(r, &rec);
	}
	free(mk);
	return rc;
}

int pristine_tree(struct run *r)
{
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		return -1;
	char *applied = record_applied_path(r);
	unlink(applied);
	free(applied);
	int rc;
	if (!src.kind || !src.path) {
		rc = kb_fail("the source record names no kind or path: run the fetch stage again");
	} else if (rm_rf(r->srcdir) < 0) {
		rc = -1;
	} else if (!strcmp(src.kind, "tree")) {
		fprintf(r->log, "copying %s to %s\n", src.path, r->srcdir);
		rc = copy_tree(src.path, r->srcdir, r->log);
	} else {
		fprintf(r->log, "extracting %s to %s\n", src.path, r->srcdir);
		rc = extract_archive(src.path, r->srcdir, r->log);
	}
	if (rc == 0)
		rc = record_source_date(r);
	source_rec_free(&src);
	return rc;
}
