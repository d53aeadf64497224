#include <sched.h>
#include "testskip.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define SKIP_LOG_ENV "KBUILD_TEST_SKIP_LOG"

static const char *kind_name(enum tu_skip_kind k)
{
	return k == TU_SKIP_BOOT ? "boot" : k == TU_SKIP_E2E ? "e2e" : "env";
}

static bool in_ci(void)
{
	const char *ci = getenv("CI");
	return ci && (!strcmp(ci, "true") || !strcmp(ci, "1") || !strcmp(ci, "yes"));
}

void tu_skip(enum tu_skip_kind kind, const char *fmt, ...)
{
	char why[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	const char *test = tcase_name();
	fprintf(stderr, "SKIP %s (%s): %s\n", test ? test : "?", kind_name(kind), why);
	const char *log = getenv(SKIP_LOG_ENV);
	FILE *f = log && *log ? fopen(log, "a") : NULL;
	if (f) {
		/* one line per skip, written in one go: tests may run in parallel forks */
		fprintf(f, "%s (%s): %s\n", test ? test : "?", kind_name(kind), why);
		fclose(f);
	}
	if (kind != TU_SKIP_ENV && in_ci())
		ck_abort_msg("%s test skipped in CI (CI=true), which counts as a failure: %s",
			     kind_name(kind), why);
}

static char *skip_log;

void tu_skips_begin(void)
{
	const char *env = getenv(SKIP_LOG_ENV);
	skip_log = env && *env ? xstrdup(env)
			       : xasprintf("%s/kbuild-test-skips.%ld",
					   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	unlink(skip_log);
	setenv(SKIP_LOG_ENV, skip_log, 1);
}

int tu_skips_report(void)
{
	size_t len = 0;
	char *text = skip_log ? read_file(skip_log, &len) : NULL;
	int n = 0;
	for (size_t i = 0; text && i < len; i++)
		n += text[i] == '\n';
	if (n)
		printf("%d test%s SKIPPED (not passed):\n%s", n, n == 1 ? "" : "s", text);
	else
		printf("no test skipped\n");
	free(text);
	kb_clear_error();
	if (skip_log)
		unlink(skip_log);
	free(skip_log);
	skip_log = NULL;
	return n;
}

/* Mounts go into a private mount namespace of the test's process (Check
 * forks one per test): a test that fails half-way cannot leave its tmpfs
 * mounted on the machine. */
static void private_mounts(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

char *tu_tmpfs(const char *tag, const char *size)
{
	private_mounts();
	char *dir = tu_tmpdir(tag);
	char *opts = xasprintf("size=%s,mode=0755", size);
	int r = mount("kbuild-test", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts);
	int e = errno;
	free(opts);
	if (r < 0) {
		rmdir(dir);
		free(dir);
		tu_skip(TU_SKIP_ENV,
			"cannot mount a %s tmpfs for the disk-full test: %s "
			"(needs root or CAP_SYS_ADMIN)",
			size, strerror(e));
		return NULL;
	}
	return dir;
}

void tu_tmpfs_release(char *dir)
{
	if (!dir)
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	free(dir);
}
