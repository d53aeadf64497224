/* Small helpers shared by every part of kbuild: error reporting, memory,
 * paths. */
#ifndef KBUILD_LIB_UTIL_H
#define KBUILD_LIB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Errors: a failing function records a one-line message with kb_fail() and
 * returns -1; the caller that reports to the user prints kb_last_error().
 * Messages name the file, line, option or URL concerned. */
int kb_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kb_vfail(const char *fmt, va_list ap);
const char *kb_last_error(void);
void kb_clear_error(void);

/* Allocation that aborts on exhaustion (there is nothing sensible to do). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of owned strings. */
struct strv {
	char **v;
	size_t n, cap;
};
void strv_push(struct strv *s, const char *str);     /* copies str */
void strv_push_owned(struct strv *s, char *str);     /* takes str */
void strv_free(struct strv *s);
/* NULL-terminated view for execv and friends (valid until the next push). */
char **strv_argv(struct strv *s);
/* Split on blanks (space, tab, comma) into s; returns the count added. */
size_t strv_split(struct strv *s, const char *text);
/* The strings of v with sep between them, malloc'd ("" for none). */
char *strv_join(const struct strv *v, const char *sep);
/* lines[from..to) each followed by a newline, as one malloc'd string. */
char *lines_join(char *const *lines, size_t from, size_t to);

/* Files and directories. */
int mkdir_p(const char *path, unsigned mode);
int rm_rf(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
/* The last max_lines lines of a file, at most max_bytes of them (a cut
 * line is kept whole only when it fits), malloc'd; "" when unreadable. */
char *file_tail(const char *path, int max_lines, size_t max_bytes);
/* Read a whole file (NUL-terminated); *len may be NULL. */
char *read_file(const char *path, size_t *len);
/* Join two path components with exactly one '/'. */
char *path_join(const char *a, const char *b);
/* Absolute, canonical form of an existing path (realpath). */
char *path_abs(const char *path);

/* The CPUs online (at least 1): the default of build.jobs, the matrix's width. */
long cpu_count(void);

/* Monotonic seconds, for stage durations. */
double now_seconds(void);

#endif
