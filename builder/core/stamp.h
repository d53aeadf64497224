/* Stage stamps: the inputs a stage ran with, and one digest over them.
 *
 * A stamp file holds "digest <hex>" and then one "key<TAB>value" line per
 * input, so that `kbuild status` can say which input changed. Each stage's
 * inputs include the previous stage's digest, so a change anywhere makes
 * every later stage stale. */
#ifndef KBUILD_CORE_STAMP_H
#define KBUILD_CORE_STAMP_H

#include "lib/util.h"

struct stamp {
	struct strv keys;
	struct strv vals;
};

void stamp_add(struct stamp *s, const char *key, const char *value);
/* Adds the sha256 of a file (or "missing" when it does not exist). */
void stamp_add_file(struct stamp *s, const char *key, const char *path);
void stamp_free(struct stamp *s);
/* Digest over all keys and values, 64 hex digits, malloc'd. */
char *stamp_digest(const struct stamp *s);
int stamp_write(const char *path, const struct stamp *s);

enum stamp_state { STAMP_MATCH, STAMP_MISSING, STAMP_DIFFERS };
/* Compares the stamp file with s. When it differs, *why (malloc'd) names the
 * first input that changed, appeared or disappeared. */
enum stamp_state stamp_compare(const char *path, const struct stamp *s, char **why);
/* The digest recorded in a stamp file, or NULL. */
char *stamp_read_digest(const char *path);

#endif
