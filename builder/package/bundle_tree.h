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

/* The tarball of such a tree: its entries and the MANIFEST, in path order. */
int bundle_write_tarball(const char *tree, const struct manifest *m, const char *krel, long long epoch,
			 const char *out);

#endif
