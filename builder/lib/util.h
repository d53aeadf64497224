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
void strv_push(struct strv *s, const char *str); /* copies str */
void strv_push_owned(struct strv *s, char *str); /* takes str */
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
/* Opens path for reading only when it is a regular file: a FIFO, device,
 * socket or directory is refused without blocking on it (O_NONBLOCK until
 * fstat has said what it is). Returns the fd, or -1 with kb_fail(). */
int open_regular(const char *path);
/* Bounds of the whole-file readers: any file kbuild reads whole (a serial
 * log, a file copied into an image), and a text input (profile, series,
 * fragment, base config, record, stamp, MANIFEST). */
#define READ_FILE_MAX ((size_t)1 << 30)
#define READ_TEXT_MAX ((size_t)16 << 20)
/* Read a whole regular file (NUL-terminated) of at most max bytes; *len may
 * be NULL. Returns NULL with kb_fail() naming the file (not a regular file,
 * larger than max, unreadable). */
char *read_file_max(const char *path, size_t max, size_t *len);
/* read_file_max(path, READ_FILE_MAX, len). */
char *read_file(const char *path, size_t *len);
/* A text input: read_file_max(path, READ_TEXT_MAX), and a NUL byte is
 * refused naming path:line (a NUL would end every C string parser early and
 * silently drop the rest of the file). */
char *read_text(const char *path, size_t *len);
/* The line (from 1) of the first NUL in data[0..len), 0 when none. */
size_t nul_line(const char *data, size_t len);
/* Join two path components with exactly one '/'. */
char *path_join(const char *a, const char *b);
/* Absolute, canonical form of an existing path (realpath). */
char *path_abs(const char *path);

/* The CPUs online (at least 1): the default of build.jobs, the matrix's width. */
long cpu_count(void);

/* Monotonic seconds, for stage durations. */
double now_seconds(void);

#endif
