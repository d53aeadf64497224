/* Shared helpers for the in-guest self-tests: KTAP output and sysctl access.
 * Every test prints its own KTAP document on stdout and exits with
 * 0 (all passed), 1 (a failure) or 4 (entirely skipped), kselftest's codes. */
#ifndef QA_H
#define QA_H

#include <stdbool.h>
#include <stddef.h>

#define QA_EXIT_PASS 0
#define QA_EXIT_FAIL 1
#define QA_EXIT_SKIP 4

struct qa_ktap {
	int planned, done, failed, skipped;
};

/* Print "KTAP version 1" and the plan; makes stdout line buffered. */
void qa_begin(struct qa_ktap *k, int planned);
/* "ok N desc" or "not ok N desc"; returns ok. */
bool qa_result(struct qa_ktap *k, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "ok N desc # SKIP reason". */
void qa_skip(struct qa_ktap *k, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "# ..." diagnostic line. */
void qa_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints results owed to the plan as failures, then the exit code. */
int qa_end(struct qa_ktap *k);

/* /proc/sys path for a dotted key ("net.ipv4.tcp_tw_timeout"). */
void qa_sysctl_path(const char *key, char *buf, size_t size);
/* Read a sysctl, whitespace-normalised (runs of blanks become one space,
 * no trailing newline). Returns 0 or -errno. */
int qa_sysctl_read(const char *key, char *buf, size_t size);
int qa_sysctl_read_long(const char *key, long *value);
/* Write value (a newline is appended). Returns 0 or -errno. */
int qa_sysctl_write(const char *key, const char *value);
int qa_sysctl_write_long(const char *key, long value);
/* Value /init recorded in /run/sysctl.boot before applying the profile;
 * returns 0 when the key is there, -ENOENT otherwise. */
int qa_sysctl_boot_value(const char *key, char *buf, size_t size);
/* Set key for the rest of this test and put the value it had back at exit
 * (atexit; the first value seen is the one restored). Returns 0 or -errno
 * and prints a diagnostic on failure. */
int qa_sysctl_set_temp(const char *key, const char *value);
int qa_sysctl_set_temp_long(const char *key, long value);
/* Collapse whitespace runs to one space and trim both ends, in place. */
void qa_normalise(char *s);

/* Number argument of option opt; exits with status 2 and a message when s
 * is not one. */
long qa_arg_long(const char *s, const char *opt);

/* Monotonic clock in seconds. */
double qa_now(void);
void qa_sleep_ms(long ms);

#endif
