/* A digest of a directory tree's listing, for stamping a tree= source: an
 * edit anywhere in it (content, size, mode, a file added, removed or renamed,
 * a symlink retargeted) changes the digest without hashing every byte. */
#ifndef KBUILD_SOURCE_TREE_DIGEST_H
#define KBUILD_SOURCE_TREE_DIGEST_H

#include "lib/sha256.h"

/* sha256 over every entry below root in name order: relative path, type,
 * mode, size, mtime to the nanosecond, ctime (an edit that restores the
 * mtime still moves ctime), and symlink targets. Returns 0, or -1 with
 * kb_fail(). */
int tree_digest(const char *root, char hex[SHA256_HEX_LEN + 1]);

#endif
