/* Config fragments and .config files: parse, merge, apply.
 *
 * A fragment holds `CONFIG_X=y|m|n|<int>|<hex>|"string"` lines and
 * `# CONFIG_X is not set` (the same as =n); other `#` lines are comments. */
#ifndef KBUILD_KCONFIG_FRAGMENT_H
#define KBUILD_KCONFIG_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct kopt {
	char *name;  /* without CONFIG_ */
	char *value; /* "y", "m", "n", "\"str\"", "10", "0x10" */
	char *file;  /* where it was set (for messages) */
	unsigned line;
};

struct kopt_set {
	struct kopt *v;
	size_t n, cap;
};

/* Parse one fragment and merge it into set. A malformed line is an error
 * "file:line: ...". An option set twice to different values is an error naming
 * both places, unless allow_override (then the later wins and a line saying so
 * goes to log, which may be NULL). The same value twice is fine. */
int fragment_parse(const char *path, struct kopt_set *set, bool allow_override, FILE *log);

/* Read a .config into out (which should be empty). Later lines win, as in kconfig. */
int dotconfig_read(const char *path, struct kopt_set *out);

/* Rewrite dotconfig with the requested options applied: existing lines for
 * those symbols are removed and the requested values appended at the end, so
 * that a requested choice member is read after the base's one and wins. */
int dotconfig_apply(const char *dotconfig, const struct kopt_set *req);

/* Lookup by name (without CONFIG_); NULL when absent. Linear. */
const struct kopt *kopt_set_find(const struct kopt_set *s, const char *name);
/* Sorts v (pointers into a set) by name, for kopt_sorted_value. */
void kopt_sort(const struct kopt **v, size_t n);
/* The value of name in v sorted by kopt_sort; NULL when absent. Binary search. */
const char *kopt_sorted_value(const struct kopt *const *v, size_t n, const char *name);
/* Add or replace name=value (copies all strings). */
void kopt_set_put(struct kopt_set *s, const char *name, const char *value, const char *file, unsigned line);
void kopt_set_free(struct kopt_set *s);

/* True when two values mean the same: identical, or equal numbers (10 / 0xa
 * are not mixed: hex compares with hex, decimal with decimal). */
bool kopt_value_equal(const char *a, const char *b);

/* Parse one line. Returns 1 with *name and *value set (malloc'd) for an option,
 * 0 for a blank or comment line, -1 for a malformed one (*why set to a static
 * description). Exposed for tests and for dotconfig readers. */
int kopt_parse_line(const char *line, char **name, char **value, const char **why);

#endif
