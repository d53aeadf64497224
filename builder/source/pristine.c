#include "source/pristine.h"
#include "source/patch_apply.h"
#include "source/unpack.h"
#include "source/shared_tree.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "lib/sha256.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* The tarball still has the digest the fetch stage recorded: the patch
 * stage's re-extract comes here too, long after fetch verified it. */
static int verify_recorded(struct run *r, const struct source_rec *src)
{
	char got[SHA256_HEX_LEN + 1];
	if (!src->sha256 || !sha256_valid_hex(src->sha256))
		return kb_fail("the source record has no sha256 for %s; run the fetch stage again", src->path);
	if (sha256_file(src->path, got) < 0)
		return -1;
	if (strcasecmp(got, src->sha256))
		return kb_fail("%s changed since it was verified: sha256 %s, expected %s; refusing to "
			       "extract it (run kbuild fetch again)", src->path, got, src->sha256);
	fprintf(r->log, "sha256 %s  %s (verified again)\n", got, src->path);
	return 0;
}

int pristine_tree(struct run *r)
{
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		return -1;
	char *applied = record_applied_path(r);
	int rc = applied_forget(applied);
	free(applied);
	if (rc < 0) {
		/* the old record stays: nothing is unpacked over a tree it describes */
	} else if (!src.kind || !src.path) {
		rc = kb_fail("the source record names no kind or path: run the fetch stage again");
	} else if (rm_rf(r->srcdir) < 0) {
		rc = -1;
	} else if (!strcmp(src.kind, "tree")) {
		fprintf(r->log, "copying %s to %s\n", src.path, r->srcdir);
		rc = copy_tree(src.path, r->srcdir, r->log);
	} else if ((rc = verify_recorded(r, &src)) != 0) {
		/* the tarball changed since it was verified: nothing is unpacked */
	} else if (shared_tree_root() && src.sha256) {
		/* kbuild matrix: one unpacked tree per digest, linked into each O/src. */
		rc = shared_tree_extract(shared_tree_root(), src.sha256, src.path, r->srcdir, r->log);
	} else {
		fprintf(r->log, "extracting %s to %s\n", src.path, r->srcdir);
		rc = extract_archive(src.path, r->srcdir, r->log);
	}
	/* on disk (and its write-back errors seen) before a stamp vouches for it */
	if (rc == 0)
		rc = sync_tree(r->srcdir);
	if (rc == 0)
		rc = record_source_date(r);
	source_rec_free(&src);
	return rc;
}
