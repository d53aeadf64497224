/* One pristine tree per source digest, shared by every output directory
 * that builds that source (kbuild matrix sets KBUILD_PRISTINE): unpacked once under
 * ROOT/<sha256>, then hard-linked into each O/src. GNU patch replaces the
 * files it changes (it writes a new file and renames it), so patching one
 * tree never changes the pristine copy or another profile's tree. */
#ifndef KBUILD_SOURCE_SHARED_TREE_H
#define KBUILD_SOURCE_SHARED_TREE_H

#include <stdio.h>

/* The shared root from $KBUILD_PRISTINE, or NULL when unset (each output
 * directory then unpacks its own tree). */
const char *shared_tree_root(void);

/* Makes ROOT/<sha256> from archive unless it is there (under an flock, so
 * that profiles running at once unpack it once), then links it into dest,
 * which must not exist: a temporary directory renamed into place. Returns 0,
 * or -1 with kb_fail(). log may be NULL. */
int shared_tree_extract(const char *root, const char *sha256, const char *archive, const char *dest,
			FILE *log);

/* Recreates the tree src at dest (which must not exist) with directories
 * made, regular files hard-linked (copied across filesystems) and symlinks
 * copied. Returns 0, or -1 with kb_fail(). */
int link_tree(const char *src, const char *dest);

#endif
