/* qa-runner: the guest's test driver, exec'd by /init as PID 1.
 *
 * usage: qa-runner [-t SECONDS] [-x] PLAN
 *
 * PLAN holds one test a line: "<name> <binary> [args...]" (blank separated,
 * '#' starts a comment). Each test runs in its own process group with a
 * timeout (default 120 s) and its output is passed through indented by four
 * spaces, so its KTAP becomes a subtest of ours. Exit status 0 is a pass,
 * 4 a skip, anything else (or a signal, or the timeout) a failure.
 * Before each result we print "# duration_ms: N", which the host parses.
 *
 * At the end QEMU is told the verdict through isa-debug-exit (port 0xf4:
 * 0 all passed/skipped, 1 otherwise; QEMU exits with (code << 1) | 1). If
 * the port cannot be reached we power off. As PID 1 we must never return.
 * When not PID 1 (a run on a workstation) we only exit with the code,
 * unless -x asks for the QEMU exit anyway. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

/* No fixed limits: a plan of any number of tests, each with any number of
 * arguments (one per module or sysctl) on a line of any length. A limit
 * that dropped the rest silently would let them pass unchecked. */
struct test {
	char *name;
	char **argv; /* NULL-terminated */
};

static long timeout_s = 120;
static bool force_exit;

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
}

/* The console may be a slow serial line: write whole lines, unbuffered. */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) { /* keep the line a line */
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	write_all(buf, (size_t)n);
}

/* One line of a test's output, four spaces in, in a single write. */
static void out_indented(const char *line, size_t n)
{
	char buf[4 + 4096 + 1];
	if (n > 4096)
		n = 4096;
	memcpy(buf, "    ", 4);
	memcpy(buf + 4, line, n);
	buf[4 + n] = '\n';
	write_all(buf, n + 5);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		out("# qa-runner: out of memory\n");
		exit(1);
	}
	return q;
}

/* Reads the plan into *tests (malloc'd); returns the count, or -1. */
static int read_plan(const char *path, struct test **tests)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		out("# qa-runner: cannot open plan %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	*tests = NULL;
	while (getline(&line, &cap, f) >= 0) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *save = NULL, *tok, *name = strtok_r(line, " \t\r\n", &save);
		if (!name)
			continue;
		*tests = grow(*tests, sizeof(**tests) * (size_t)(n + 1));
		struct test *t = &(*tests)[n];
		t->name = strdup(name);
		size_t argc = 0;
		t->argv = grow(NULL, sizeof(char *));
		while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
			t->argv = grow(t->argv, sizeof(char *) * (argc + 2));
			t->argv[argc++] = strdup(tok);
		}
		if (argc == 0) {
			out("# qa-runner: test %s has no binary in %s\n", name, path);
			t->argv = grow(t->argv, sizeof(char *) * 2);
			t->argv[argc++] = strdup("/nonexistent");
		}
		t->argv[argc] = NULL;
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Pass the child's output through, four spaces in, one line at a time. */
struct relay {
	char buf[4096];
	size_t len;
};

static void relay_flush_line(struct relay *r, size_t n)
{
	out_indented(r->buf, n);
	memmove(r->buf, r->buf + n + 1, r->len - n - 1);
	r->len -= n + 1;
}

static void relay_data(struct relay *r, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (r->len == sizeof(r->buf)) { /* overlong line: break it */
			out_indented(r->buf, r->len);
			r->len = 0;
		}
		r->buf[r->len++] = data[i];
		if (data[i] == '\n')
			relay_flush_line(r, r->len - 1);
	}
}

static void relay_end(struct relay *r)
{
	if (r->len)
		out_indented(r->buf, r->len);
	r->len = 0;
}

enum verdict { PASS, FAIL, SKIP };

static enum verdict run_test(const struct test *t, long *duration_ms)
{
	int pipefd[2];
	double start = now();
	*duration_ms = 0;
	out("    # Subtest: %s\n", t->name);
	if (pipe(pipefd) < 0) {
		out("# qa-runner: pipe: %s\n", strerror(errno));
		return FAIL;
	}
	pid_t pid = fork();
	if (pid < 0) {
		out("# qa-runner: fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return FAIL;
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		signal(SIGPIPE, SIG_DFL);
		execv(t->argv[0], t->argv);
		dprintf(STDOUT_FILENO, "# qa-runner: cannot execute %s: %s\n", t->argv[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pipefd[1]);

	struct relay relay = { .len = 0 };
	double deadline = start + (double)timeout_s, exited_at = 0;
	int status = 0;
	bool exited = false, timed_out = false;
	for (;;) {
		double left = deadline - now();
		if (exited) /* a grandchild holding the pipe gets one more second */
			left = exited_at + 1 - now();
		if (left <= 0) {
			if (!exited)
				timed_out = true;
			break;
		}
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		int pr = poll(&p, 1, left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (pr > 0) {
			char buf[4096];
			ssize_t n = read(pipefd[0], buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break; /* EOF: every writer is gone */
			relay_data(&relay, buf, (size_t)n);
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			exited_at = now();
		}
	}
	relay_end(&relay);
	close(pipefd[0]);
	kill(-pid, SIGKILL); /* the test's process group, stragglers included */
	if (!exited)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	*duration_ms = (long)((now() - start) * 1000);

	if (timed_out) {
		out("# %s: timed out after %ld s, killed\n", t->name, timeout_s);
		return FAIL;
	}
	if (WIFSIGNALED(status)) {
		out("# %s: killed by signal %d\n", t->name, WTERMSIG(status));
		return FAIL;
	}
	int code = WEXITSTATUS(status);
	if (code == 4)
		return SKIP;
	if (code != 0)
		out("# %s: exit status %d\n", t->name, code);
	return code == 0 ? PASS : FAIL;
}

/* Reap orphans reparented to us (we are PID 1) without blocking. */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void __attribute__((noreturn)) finish(int code)
{
	sync();
	if (getpid() != 1 && !force_exit)
		exit(code);
	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0) {
		outb((unsigned char)code, DEBUG_EXIT_PORT);
		out("# qa-runner: isa-debug-exit did not end QEMU\n");
	} else {
		out("# qa-runner: ioperm(0x%x): %s; powering off\n", DEBUG_EXIT_PORT,
		    strerror(errno));
	}
	reboot(RB_POWER_OFF);
	out("# qa-runner: power off failed: %s\n", strerror(errno));
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = getopt(argc, argv, "t:x")) != -1) {
		if (opt == 't')
			timeout_s = strtol(optarg, NULL, 10);
		else if (opt == 'x')
			force_exit = true;
		else
			timeout_s = -1;
	}
	if (optind != argc - 1 || timeout_s <= 0) {
		out("# qa-runner: usage: qa-runner [-t SECONDS] [-x] PLAN\n");
		finish(1);
	}
	/* Tests write to our pipe; never die of SIGPIPE ourselves. */
	signal(SIGPIPE, SIG_IGN);

	struct test *tests = NULL;
	int n = read_plan(argv[optind], &tests);
	out("KTAP version 1\n");
	if (n < 0) {
		out("1..0\n# qa-runner: no plan\n");
		finish(1);
	}
	out("1..%d\n", n);
	struct utsname u;
	if (uname(&u) == 0)
		out("# qa-runner: kernel %s %s\n", u.release, u.version);

	int passed = 0, failed = 0, skipped = 0;
	double start = now();
	for (int i = 0; i < n; i++) {
		long ms;
		enum verdict v = run_test(&tests[i], &ms);
		reap();
		out("# duration_ms: %ld\n", ms);
		if (v == PASS) {
			passed++;
			out("ok %d %s\n", i + 1, tests[i].name);
		} else if (v == SKIP) {
			skipped++;
			out("ok %d %s # SKIP\n", i + 1, tests[i].name);
		} else {
			failed++;
			out("not ok %d %s\n", i + 1, tests[i].name);
		}
	}
	out("# Totals: pass:%d fail:%d skip:%d total:%d (%.1f s)\n", passed, failed, skipped,
	    n, now() - start);
	finish(failed ? 1 : 0);
}
