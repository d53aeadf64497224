/* Assembling the bundle: the staged kernel (boot/, lib/modules/R) and the
 * grub stage's files (under usr/share/kbuild/R/grub) in one tree laid out as
 * the install root, every timestamp set to the build's epoch, the MANIFEST
 * written into it, and the reproducible tarball made from it. */
#ifndef KBUILD_PACKAGE_BUNDLE_TREE_H
#define KBUILD_PACKAGE_BUNDLE_TREE_H

#include "package/manifest.h"

/* Build tree (which must not exist) from installroot and grubdir (NULL or
 * absent: none). m holds the header lines on entry; its entries and owned
 * directories are filled from the tree. The MANIFEST goes to
 * tree/manifest_relpath(krel). Returns 0 or -1 with kb_fail(). */
int bundle_make_tree(const char *installroot, const char *grubdir, const char *krel, long long epoch,
		     struct manifest *m, const char *tree);

/* The same, with before_manifest(ctx, tree, m) called when the tree is
 * complete and scanned, before the MANIFEST is written: a file it adds to
 * the tree (the SBOM) and to m (manifest_add_path, manifest_sort) is listed
 * in the MANIFEST and packed like the others. */
int bundle_make_tree_with(const char *installroot, const char *grubdir, const char *krel, long long epoch,
			  struct manifest *m, const char *tree,
			  int (*before_manifest)(void *ctx, const char *tree, struct manifest *m), void *ctx);

/* The tarball of such a tree: its entries and the MANIFEST, in path order. */
int bundle_write_tarball(const char *tree, const struct manifest *m, const char *krel, long long epoch,
			 const char *out);

#endif
