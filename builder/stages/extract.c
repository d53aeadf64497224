/* extract: a pristine source tree in <out>/src, from the fetched tarball
 * (libarchive, refusing entries that escape the tree) or a copy of tree=. */
#define _GNU_SOURCE
#include "source/extract.h"
#include "source/pristine.h"
#include "stages/stage.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The source's own date, taken before any patch touches the tree: the
 * build's KBUILD_BUILD_TIMESTAMP (a patched Makefile would carry the time
 * the patch was applied). */
static int record_source_date(struct run *r)
{
	char *mk = path_join(r->srcdir, "Makefile");
	struct stat st;
	int rc = 0;
	if (stat(mk, &st) == 0) {
		char *text = xasprintf("epoch %lld\n", (long long)st.st_mtime);
		rc = run_record_write(r, "source-date.rec", text);
		free(text);
	}
	free(mk);
	return rc;
}

/* Also used by the patch stage when the tree holds another series. */
int extract_pristine(struct run *r)
{
	char *kind = run_record_get(r, "source.rec", "kind");
	char *path = run_record_get(r, "source.rec", "path");
	char *sha = run_record_get(r, "source.rec", "sha256");
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
	} else if (pristine_root() && sha) {
		/* kbuild matrix: one unpacked tree per digest, linked into each O/src. */
		rc = pristine_extract(pristine_root(), sha, path, r->srcdir, r->log);
	} else {
		fprintf(r->log, "extracting %s to %s\n", path, r->srcdir);
		rc = extract_archive(path, r->srcdir, r->log);
	}
	if (rc == 0)
		rc = record_source_date(r);
	free(kind);
	free(path);
	free(sha);
	return rc;
}

const struct stage stage_extract = {
	.name = "extract",
	.summary = "unpack a pristine tree",
	.inputs = extract_inputs,
	.run = extract_pristine,
};
