/* The few things every reader and writer of kbuild's JSON documents needs
 * beyond jansson: nulls for absent strings, a member's string, and whole
 * documents read and written (atomically, through lib/outfile). */
#ifndef KBUILD_LIB_JSON_H
#define KBUILD_LIB_JSON_H

#include <jansson.h>

/* The formatting of every document kbuild writes. */
#define JSON_DOC_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* A JSON string, or null for NULL (new reference). */
json_t *json_str_or_null(const char *s);
/* The string member key of o, or NULL when o is not an object, the member
 * is absent or not a string. */
const char *json_member_str(const json_t *o, const char *key);
/* doc as text (flags as json_dumps) and a newline, written atomically to
 * path. Returns 0, or -1 with kb_fail() naming path. */
int json_write_file(const json_t *doc, const char *path, size_t flags);
/* The document in path (new reference); NULL with kb_fail() naming
 * path:line when it cannot be read or parsed. */
json_t *json_read_file(const char *path);

#endif
