/* extract: a pristine source tree in <out>/src, from the fetched tarball
 * (libarchive, refusing entries that escape the tree) or a copy of tree=. */
#define _GNU_SOURCE
#include "source/extract.h"
#include "stages/stage.h"
#include "source/tree_digest.h"
#include "lib/outfile.h"
#include "lib/sha256.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	/* a tree= source has no digest of its own: its listing is stamped, so
	 * an edit in it makes extract copy it again */
	if (kind && path && !strcmp(kind, "tree")) {
		char hex[SHA256_HEX_LEN + 1];
		if (tree_digest(path, hex) < 0) {
			free(kind);
			free(path);
			free(sha);
			return -1;
		}
		stamp_add(s, "source tree listing", hex);
	}
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

/* The tarball still has the digest the fetch stage recorded. */
static int verify_recorded(struct run *r, const char *path)
{
	char *want = run_record_get(r, "source.rec", "sha256");
	char got[SHA256_HEX_LEN + 1];
	int rc = 0;
	if (!want || !sha256_valid_hex(want))
		rc = kb_fail("%s: the source record has no sha256 for %s; run the fetch stage again",
			     "source.rec", path);
	else if (sha256_file(path, got) < 0)
		rc = -1;
	else if (strcasecmp(got, want))
		rc = kb_fail("%s changed since it was verified: sha256 %s, expected %s; refusing to "
			     "extract it (run kbuild fetch again)", path, got, want);
	else
		fprintf(r->log, "sha256 %s  %s (verified again)\n", got, path);
	free(want);
	return rc;
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
		/* the patch stage's re-extract comes here too: the file named in the
		 * record is checked against the digest fetch verified, every time */
		rc = verify_recorded(r, path);
		if (rc == 0) {
			fprintf(r->log, "extracting %s to %s\n", path, r->srcdir);
			rc = extract_archive(path, r->srcdir, r->log);
		}
	}
	if (rc == 0)
		rc = sync_tree(r->srcdir);
	if (rc == 0)
		rc = record_source_date(r);
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
