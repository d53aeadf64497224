/* extract: a pristine source tree in <out>/src, from the fetched tarball
 * (libarchive, refusing entries that escape the tree) or a copy of tree=. */
#define _GNU_SOURCE
#include "extract.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int extract_inputs(struct run *r, struct stamp *s)
{
	char *kind = run_record_get(r, "source.rec", "kind");
	char *path = run_record_get(r, "source.rec", "path");
	char *sha = run_record_get(r, "source.rec", "sha256");
	stamp_add(s, "source kind", kind);
	stamp_add(s, "source path", path);
	stamp_add(s, "source sha256", sha);
	free(kind);
	free(path);
	free(sha);
	return 0;
}

/* Also used by the patch stage when the tree holds another series. */
int extract_pristine(struct run *r)
{
	char *kind = run_record_get(r, "source.rec", "kind");
	char *path = run_record_get(r, "source.rec", "path");
	int rc;
	char *applied = run_path(r, "applied");
	unlink(applied);
	free(applied);
	if (!kind || !path) {
		rc = kb_fail("no source record: run the fetch stage first");
	} else if (rm_rf(r->srcdir) < 0) {
		rc = -1;
	} else if (!strcmp(kind, "tree")) {
		fprintf(r->log, "copying %s to %s\n", path, r->srcdir);
		rc = copy_tree(path, r->srcdir, r->log);
	} else {
		fprintf(r->log, "extracting %s to %s\n", path, r->srcdir);
		rc = extract_archive(path, r->srcdir, r->log);
	}
	free(kind);
	free(path);
	return rc;
}

const struct stage stage_extract = {
	.name = "extract",
	.summary = "unpack a pristine tree",
	.inputs = extract_inputs,
	.run = extract_pristine,
};
