/* The bundle tarball: written with libarchive so that the same tree gives the
 * same bytes (pax, entries in path order, one fixed mtime, owner root:root,
 * xz), and read back into a manifest for `kbuild verify`. */
#ifndef KBUILD_PACKAGE_BUNDLE_TAR_H
#define KBUILD_PACKAGE_BUNDLE_TAR_H

#include "package/manifest.h"

/* Write out (through out.tmp.<pid>, renamed when complete) from root: every
 * entry of m in order, where every path is taken from disk. Returns 0 or -1. */
int bundle_tar_write(const char *root, const struct manifest *m, long long mtime, const char *out);

/* Read a tarball written that way into entries (sorted, with their digests);
 * the MANIFEST found in it (its path per manifest_is_manifest_path) is left
 * out of entries and returned in *manifest_text (NULL when absent).
 * Returns 0 or -1 with kb_fail() naming the archive. */
int bundle_tar_read(const char *path, struct manifest *entries, char **manifest_text);

/* The same, and *text gets the content of the first file whose path ends
 * with suffix (NULL when there is none); that file stays in entries. */
int bundle_tar_read_with(const char *path, struct manifest *entries, char **manifest_text, const char *suffix,
			 char **text);

#endif
