/* Skipped tests are not passes: every test that cannot run says why through
 * tu_skip(), the runner lists the skips in its summary, and in CI (CI=true)
 * a skipped boot or end-to-end test fails the run. */
#ifndef KBUILD_TESTSKIP_H
#define KBUILD_TESTSKIP_H

enum tu_skip_kind {
	TU_SKIP_ENV,  /* an optional tool or input is absent: listed, never fatal */
	TU_SKIP_BOOT, /* a QEMU boot could not run: fatal when CI=true */
	TU_SKIP_E2E,  /* an end-to-end build could not run: fatal when CI=true */
};

/* Records that the running test skips, and why (printf format): printed,
 * appended to the runner's skip list; in CI a boot/e2e skip fails the test
 * here (ck_abort). The caller returns right after (TU_SKIP does both). */
void tu_skip(enum tu_skip_kind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define TU_SKIP(kind, ...)                  \
	do {                                \
		tu_skip(kind, __VA_ARGS__); \
		return;                     \
	} while (0)

/* The runner: start an empty skip list (before srunner_run_all), then print
 * it after the results. Returns how many tests skipped. */
void tu_skips_begin(void);
int tu_skips_report(void);

/* A fresh tmpfs of the given size ("1M") mounted on a new directory, for
 * disk-full tests; NULL (and a skip recorded) where mounting is not allowed. */
char *tu_tmpfs(const char *tag, const char *size);
/* Unmount and remove a directory from tu_tmpfs. */
void tu_tmpfs_release(char *dir);

#endif
