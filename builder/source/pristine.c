#include "source/pristine.h"
#include "source/patch_apply.h"
#include "source/unpack.h"
#include "source/shared_tree.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "lib/sha256.h"

#include <dirent.h>
#include <errno.h>
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
		return kb_fail("the source record has no sha256 for %s; run the fetch stage again",
			       src->path);
	if (sha256_file(src->path, got) < 0)
		return -1;
	if (strcasecmp(got, src->sha256))
		return kb_fail("%s changed since it was verified: sha256 %s, expected %s; refusing to "
			       "extract it (run kbuild fetch again)",
			       src->path, got, src->sha256);
	fprintf(r->log, "sha256 %s  %s (verified again)\n", got, src->path);
	return 0;
}

/* What a source tarball unpacked to is one tree: its root holds a file
 * (the kernel's Makefile, ...), not only directories side by side (an
 * archive of two top-level directories, which extract does not strip) and
 * not nothing (an archive of one empty directory). */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int check_one_tree(const char *archive, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return kb_fail("cannot read %s: %s", dir, strerror(errno));
	struct strv dirs = {0};
	bool file = false;
	struct dirent *de;
	while (!file && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = path_join(dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			strv_push(&dirs, de->d_name);
		else
			file = true;
		free(p);
	}
	closedir(d);
	if (dirs.n > 1)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_names);
	int rc = 0;
	if (!file && dirs.n == 0)
		rc = kb_fail("%s: the archive unpacked to an empty tree; refusing it", archive);
	else if (!file && dirs.n > 1)
		rc = kb_fail(
			"%s: %zu top-level directories ('%s/', '%s/', ...) and no file beside them; a source "
			"tarball holds one tree; refusing it",
			archive, dirs.n, dirs.v[0], dirs.v[1]);
	strv_free(&dirs);
	return rc;
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
	if (rc == 0 && strcmp(src.kind, "tree") && (rc = check_one_tree(src.path, r->srcdir)) < 0) {
		/* not a tree a later stage may use: nothing is left as src */
		char *saved = xstrdup(kb_last_error());
		rm_rf(r->srcdir);
		kb_fail("%s", saved);
		free(saved);
	}
	/* on disk (and its write-back errors seen) before a stamp vouches for it */
	if (rc == 0)
		rc = sync_tree(r->srcdir);
	if (rc == 0)
		rc = record_source_date(r);
	source_rec_free(&src);
	return rc;
}
