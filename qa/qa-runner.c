/* qa-runner: the guest's test driver, exec'd by /init as PID 1.
 *
 * usage: qa-runner [-t SECONDS] [-x] PLAN
 *
 * PLAN holds one test a line: "<name> <binary> [args...]" (blank separated,
 * '#' starts a comment). Each test runs in its own process group with a
 * timeout (default 120 s) and its output is passed through indented by four
 * spaces, so its KTAP becomes a subtest of ours. A line that starts with
 * "& " marks a test that shares no state with its neighbours: consecutive
 * such tests run at the same time (their waits overlap), each one's output
 * held back and printed whole, in plan order, when the batch is finished.
 * Exit status 0 is a pass, 4 a skip, anything else (or a signal, or the
 * timeout) a failure.
 * Before each result we print "# duration_ms: N", which the host parses.
 *
 * At the end QEMU is told the verdict through isa-debug-exit (port 0xf4:
 * 0 all passed/skipped, 1 otherwise; QEMU exits with (code << 1) | 1). If
 * the port cannot be reached we power off. As PID 1 we must never return.
 * When not PID 1 (a run on a workstation) we only exit with the code,
 * unless -x asks for the QEMU exit anyway. */
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
	char **argv;     /* NULL-terminated */
	bool concurrent; /* "& " line: may run alongside its "& " neighbours */
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
		bool concurrent = name && !strcmp(name, "&");
		if (concurrent)
			name = strtok_r(NULL, " \t\r\n", &save);
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
		t->concurrent = concurrent;
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

enum verdict { PASS, FAIL, SKIP };

/* A test under way: its process, its pipe, and where its output goes
 * (straight to the console when live, else held in held/held_len). */
struct running {
	const struct test *t;
	pid_t pid;
	int fd;
	bool live, exited, timed_out, finished;
	int status;
	double start, exited_at;
	char line[4096]; /* the output line being assembled */
	size_t len;
	char *held;
	size_t held_len, held_cap;
	long duration_ms;
	enum verdict verdict;
};

static void emit(struct running *r, const char *p, size_t n)
{
	if (r->live) {
		write_all(p, n);
		return;
	}
	if (r->held_len + n > r->held_cap) {
		size_t cap = r->held_cap ? r->held_cap : 4096;
		while (cap < r->held_len + n)
			cap *= 2;
		char *h = realloc(r->held, cap);
		if (!h)
			return; /* out of memory: lose output, not the verdict */
		r->held = h;
		r->held_cap = cap;
	}
	memcpy(r->held + r->held_len, p, n);
	r->held_len += n;
}

static void emitf(struct running *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emitf(struct running *r, const char *fmt, ...)
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
	emit(r, buf, (size_t)n);
}

/* One line of the test's output, four spaces in, in a single write. */
static void emit_indented(struct running *r, const char *line, size_t n)
{
	char buf[4 + sizeof(r->line) + 1];
	if (n > sizeof(r->line))
		n = sizeof(r->line);
	memcpy(buf, "    ", 4);
	memcpy(buf + 4, line, n);
	buf[4 + n] = '\n';
	emit(r, buf, n + 5);
}

static void relay_data(struct running *r, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			emit_indented(r, r->line, r->len);
			r->len = 0;
			continue;
		}
		if (r->len == sizeof(r->line)) { /* overlong line: break it */
			emit_indented(r, r->line, r->len);
			r->len = 0;
		}
		r->line[r->len++] = data[i];
	}
}

static void start_test(struct running *r, const struct test *t, bool live)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->live = live;
	r->fd = -1;
	r->start = now();
	emitf(r, "    # Subtest: %s\n", t->name);
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		emitf(r, "# qa-runner: pipe: %s\n", strerror(errno));
		r->finished = true;
		r->verdict = FAIL;
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		emitf(r, "# qa-runner: fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		r->finished = true;
		r->verdict = FAIL;
		return;
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
		dprintf(STDOUT_FILENO, "# qa-runner: cannot execute %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pipefd[1]);
	r->pid = pid;
	r->fd = pipefd[0];
}

/* The test is over (EOF, or its timeout, or a grandchild holding the pipe
 * past its grace): kill what is left and work out the verdict. */
static void finish_test(struct running *r)
{
	if (r->len)
		emit_indented(r, r->line, r->len);
	r->len = 0;
	close(r->fd);
	r->fd = -1;
	/* EOF comes as the test exits, a moment before its status: give it a
	 * second to become a zombie so the kill below cannot be its verdict. */
	for (int i = 0; !r->exited && !r->timed_out && i < 100; i++) {
		if (waitpid(r->pid, &r->status, WNOHANG) == r->pid)
			r->exited = true;
		else
			usleep(10000);
	}
	kill(-r->pid, SIGKILL); /* the test's process group, stragglers included */
	if (!r->exited)
		while (waitpid(r->pid, &r->status, 0) < 0 && errno == EINTR)
			;
	r->duration_ms = (long)((now() - r->start) * 1000);
	r->finished = true;
	int code = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
	if (r->timed_out) {
		emitf(r, "# %s: timed out after %ld s, killed\n", r->t->name, timeout_s);
		r->verdict = FAIL;
	} else if (WIFSIGNALED(r->status)) {
		emitf(r, "# %s: killed by signal %d\n", r->t->name, WTERMSIG(r->status));
		r->verdict = FAIL;
	} else if (code == 4) {
		r->verdict = SKIP;
	} else {
		if (code != 0)
			emitf(r, "# %s: exit status %d\n", r->t->name, code);
		r->verdict = code == 0 ? PASS : FAIL;
	}
}

/* Run tests[0..n) at the same time (n == 1: one test, its output live) until
 * each has finished. */
static void run_batch(struct running *runs, const struct test *tests, int n)
{
	for (int i = 0; i < n; i++)
		start_test(&runs[i], &tests[i], n == 1);
	/* sized for this batch: the plan has no fixed limit */
	struct pollfd *p = grow(NULL, sizeof(*p) * (size_t)n);
	int *idx = grow(NULL, sizeof(*idx) * (size_t)n);
	for (;;) {
		int np = 0;
		double wait = 0.2;
		for (int i = 0; i < n; i++) {
			struct running *r = &runs[i];
			if (r->finished)
				continue;
			if (!r->exited && waitpid(r->pid, &r->status, WNOHANG) == r->pid) {
				r->exited = true;
				r->exited_at = now();
			}
			/* a grandchild holding the pipe gets one more second */
			double left = r->exited ? r->exited_at + 1 - now()
						: r->start + (double)timeout_s - now();
			if (left <= 0) {
				r->timed_out = !r->exited;
				finish_test(r);
				continue;
			}
			if (left < wait)
				wait = left;
			p[np].fd = r->fd;
			p[np].events = POLLIN;
			idx[np++] = i;
		}
		if (np == 0)
			break;
		if (poll(p, (nfds_t)np, (int)(wait * 1000) + 1) <= 0)
			continue;
		for (int k = 0; k < np; k++) {
			if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct running *r = &runs[idx[k]];
			char buf[4096];
			ssize_t got = read(r->fd, buf, sizeof(buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) { /* EOF: every writer is gone */
				finish_test(r);
				continue;
			}
			relay_data(r, buf, (size_t)got);
		}
	}
	free(p);
	free(idx);
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
		out("# qa-runner: ioperm(0x%x): %s; powering off\n", DEBUG_EXIT_PORT, strerror(errno));
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
	struct running *runs = grow(NULL, sizeof(*runs) * (size_t)(n > 0 ? n : 1));
	memset(runs, 0, sizeof(*runs) * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n;) {
		int batch = 1;
		while (tests[i].concurrent && i + batch < n && tests[i + batch].concurrent)
			batch++;
		run_batch(&runs[i], &tests[i], batch);
		reap();
		for (int j = i; j < i + batch; j++) {
			struct running *r = &runs[j];
			if (r->held_len)
				write_all(r->held, r->held_len);
			free(r->held);
			out("# duration_ms: %ld\n", r->duration_ms);
			if (r->verdict == PASS) {
				passed++;
				out("ok %d %s\n", j + 1, tests[j].name);
			} else if (r->verdict == SKIP) {
				skipped++;
				out("ok %d %s # SKIP\n", j + 1, tests[j].name);
			} else {
				failed++;
				out("not ok %d %s\n", j + 1, tests[j].name);
			}
		}
		i += batch;
	}
	out("# Totals: pass:%d fail:%d skip:%d total:%d (%.1f s)\n", passed, failed, skipped, n,
	    now() - start);
	finish(failed ? 1 : 0);
}
