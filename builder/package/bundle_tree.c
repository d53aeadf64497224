#include "package/bundle_tree.h"
#include "lib/outfile.h"
#include "package/bundle_tar.h"
#include "source/unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int set_time(const char *tree, const char *rel, long long epoch)
{
	char *full = path_join(tree, rel);
	struct timespec t[2] = {{.tv_sec = epoch}, {.tv_sec = epoch}};
	int rc = utimensat(AT_FDCWD, full, t, AT_SYMLINK_NOFOLLOW) < 0
			 ? kb_fail("%s: %s", full, strerror(errno))
			 : 0;
	free(full);
	return rc;
}

int bundle_make_tree(const char *installroot, const char *grubdir, const char *krel, long long epoch,
		     struct manifest *m, const char *tree)
{
	return bundle_make_tree_with(installroot, grubdir, krel, epoch, m, tree, NULL, NULL);
}

int bundle_make_tree_with(const char *installroot, const char *grubdir, const char *krel, long long epoch,
			  struct manifest *m, const char *tree,
			  int (*before_manifest)(void *ctx, const char *tree, struct manifest *m), void *ctx)
{
	if (!is_dir(installroot))
		return kb_fail("%s: no staged kernel (run the install stage)", installroot);
	int rc = copy_tree(installroot, tree, NULL);
	char *share = xasprintf("usr/share/kbuild/%s", krel);
	char *share_full = path_join(tree, share);
	if (rc == 0 && grubdir && is_dir(grubdir)) {
		char *dest = path_join(share_full, "grub");
		rc = copy_tree(grubdir, dest, NULL);
		free(dest);
	} else if (rc == 0) {
		rc = mkdir_p(share_full, 0755);
	}
	char *modules = xasprintf("lib/modules/%s", krel);
	strv_push(&m->owns, modules);
	strv_push(&m->owns, share);
	if (rc == 0)
		rc = manifest_scan(m, tree, NULL);
	manifest_sort(m);
	/* Directories made here get the usual mode whatever the umask. */
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		struct mf_entry *e = &m->e[i];
		if (e->kind == MF_DIR && (!strcmp(e->path, "usr") || !strncmp(e->path, "usr/", 4))) {
			char *full = path_join(tree, e->path);
			if (chmod(full, 0755) < 0)
				rc = kb_fail("%s: %s", full, strerror(errno));
			e->mode = 0755;
			free(full);
		}
	}
	if (rc == 0 && before_manifest)
		rc = before_manifest(ctx, tree, m);
	char *mf_rel = manifest_relpath(krel);
	char *mf_full = path_join(tree, mf_rel);
	if (rc == 0) {
		char *text = manifest_format(m);
		rc = write_file_atomic(mf_full, text, strlen(text));
		free(text);
		if (rc == 0 && chmod(mf_full, 0644) < 0)
			rc = kb_fail("%s: %s", mf_full, strerror(errno));
	}
	/* Children before parents, so that setting a file's time does not
	 * move its directory's again. */
	if (rc == 0)
		rc = set_time(tree, mf_rel, epoch);
	for (size_t i = m->n; rc == 0 && i-- > 0;)
		rc = set_time(tree, m->e[i].path, epoch);
	free(mf_full);
	free(mf_rel);
	free(modules);
	free(share);
	free(share_full);
	return rc;
}

int bundle_write_tarball(const char *tree, const struct manifest *m, const char *krel, long long epoch,
			 const char *out)
{
	struct manifest all = {0};
	for (size_t i = 0; i < m->n; i++)
		manifest_push(&all, m->e[i].kind, m->e[i].path, m->e[i].mode, m->e[i].sha256, m->e[i].target);
	char *mf = manifest_relpath(krel);
	manifest_push(&all, MF_FILE, mf, 0644, NULL, NULL);
	manifest_sort(&all);
	int rc = bundle_tar_write(tree, &all, epoch, out);
	free(mf);
	manifest_free(&all);
	return rc;
}
