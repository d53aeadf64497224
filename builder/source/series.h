/* A quilt-style patch series: which patches to apply, in which order. */
#ifndef KBUILD_SOURCE_SERIES_H
#define KBUILD_SOURCE_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/sha256.h"

struct series_entry {
	char *path;    /* absolute path of the patch file */
	char *name;    /* as written in the series file */
	int strip;     /* -pN, default 1 */
	bool optional; /* "#kbuild: optional": applied only if its dry-run succeeds, else skipped */
	unsigned line; /* line in the series file */
	char sha256[SHA256_HEX_LEN + 1]; /* digest of the patch file */
};

struct series {
	char *file; /* the series file, as given */
	struct series_entry *e;
	size_t n;
};

/* Quilt format: one patch per line, its path relative to the series file's
 * directory, optionally followed by -pN (or "-p N"); '#' starts a comment;
 * blank lines are ignored. A comment "#kbuild: optional" on a patch's line
 * marks it optional. A missing patch file, an unknown option or a patch
 * listed twice is an error naming series:line, raised before anything is
 * applied. Returns 0, or -1 with kb_fail(); *out is empty on failure. */
int series_load(const char *series_path, struct series *out);
void series_free(struct series *s);
/* Keeps the first n entries (n <= s->n). */
void series_truncate(struct series *s, size_t n);

#endif
