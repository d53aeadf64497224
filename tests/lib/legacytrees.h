/* Pristine legacy kernel tarballs for the end-to-end tests: ../shared/trees/
 * next to the checkout (or $KBUILD_TEST_TREES), digests from its SHA256SUMS. */
#ifndef KBUILD_LEGACYTREES_H
#define KBUILD_LEGACYTREES_H

#include "lib/sha256.h"

/* Folder holding the trees: $KBUILD_TEST_TREES, else <repo>/../shared/trees
 * (malloc'd; it may not exist). */
char *lt_dir(void);

/* The tarball `file` (e.g. "linux-2.6.32.71.tar.xz") and its digest as listed
 * in SHA256SUMS: returns its path (malloc'd) and fills hex, or returns NULL
 * and sets *why (malloc'd) to the reason a test must skip. */
char *lt_find(const char *file, char hex[SHA256_HEX_LEN + 1], char **why);

/* The 2.6.39.4 tarball: $KBUILD_TEST_LEGACY_SOURCE when set (its digest
 * computed), else lt_find()'s. NULL and *why as lt_find. */
char *lt_find_2639(char hex[SHA256_HEX_LEN + 1], char **why);

/* lt_find_2639 for an end-to-end test: the tarball, or NULL after skipping
 * the test with the reason, "<what> (2.6.39.4): <why>". */
char *lt_2639_or_skip(char hex[SHA256_HEX_LEN + 1], const char *what);

/* A pristine tree of kernel version (2.6.32.71, 2.6.39.4: from lt_find /
 * lt_find_2639; 6.1, 6.12: Debian's /usr/src/linux-source-V.tar.xz) for the
 * tests on real Kconfig files: $env when set, else the tarball unpacked once
 * into ~/.cache/kbuild-test-trees/<sha256> (like ccache, it outlives a
 * clone; it appears only when complete). NULL with *why (malloc'd) when
 * there is neither. */
char *lt_real_tree(const char *version, const char *env, char **why);

/* The digest SHA256SUMS text lists for file: 0 and hex filled, or -1.
 * Lines are "<64 hex>  <name>" (sha256sum's format, '*' binary marker allowed). */
int lt_sums_lookup(const char *sums_text, const char *file, char hex[SHA256_HEX_LEN + 1]);

#endif
