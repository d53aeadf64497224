#include "lib/spawn.h"
#include "lib/children.h"
#include "lib/util.h"
#include "lib/tools.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a group gets between SIGTERM and SIGKILL when kbuild is interrupted. */
#define INTERRUPT_GRACE_S 5.0
/* How long leftovers of a group that ended get before kbuild stops waiting. */
#define LEFTOVER_GRACE_S 2.0

/* stdin, stdout and stderr of the child to be. */
struct child_fds {
	int in, out, err;
};

static void child_exec(char *const argv[], const struct spawn_opts *o, struct child_fds fds,
		       const sigset_t *mask, pid_t parent)
{
	setpgid(0, 0);
	children_reset_in_child(mask);
	/* kbuild killed without a chance to clean up: its child follows */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	int in = fds.in >= 0 ? fds.in : open("/dev/null", O_RDONLY);
	if (in >= 0 && in != 0)
		dup2(in, 0);
	if (fds.out >= 0 && fds.out != 1)
		dup2(fds.out, 1);
	if (fds.err >= 0 && fds.err != 2)
		dup2(fds.err, 2);
	if (o && o->env_add)
		for (char *const *e = o->env_add; *e; e++)
			putenv(*e);
	if (o && o->cwd && chdir(o->cwd) < 0) {
		fprintf(stderr, "kbuild: cannot enter %s: %s\n", o->cwd, strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "kbuild: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The feeder: o->feed written to fd until o->feed_total bytes went, then
 * the pipe held open (no EOF) until the group is killed. */
static void feeder_loop(const struct spawn_opts *o, int fd)
{
	signal(SIGPIPE, SIG_DFL); /* the reader is gone: so is the feeder */
	for (size_t sent = 0; sent < o->feed_total;) {
		size_t n = o->feed_len < o->feed_total - sent ? o->feed_len : o->feed_total - sent;
		ssize_t w = write(fd, o->feed, n);
		if (w < 0 && errno != EINTR)
			_exit(0);
		sent += w > 0 ? (size_t)w : 0;
	}
	for (;;)
		pause();
}

/* Forks the feeder into the child's group; returns its pid or -1. */
static pid_t start_feeder(const struct spawn_opts *o, int fds[2], pid_t child, const sigset_t *mask,
			  pid_t parent)
{
	pid_t f = fork();
	if (f == 0) {
		setpgid(0, child);
		children_reset_in_child(mask);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(fds[0]);
		feeder_loop(o, fds[1]);
	}
	if (f > 0)
		setpgid(f, child);
	return f;
}

/* The common start: fds as given, stdin from a feeder when o->feed is set. */
static int start(char *const argv[], const struct spawn_opts *o, struct child_fds fds, struct spawn_proc *p)
{
	*p = (struct spawn_proc){.pid = -1, .feeder = -1};
	if (children_interrupted())
		return kb_fail("not starting %s: kbuild is being interrupted", argv[0]);
	if (o && o->feed && !o->feed_len)
		return kb_fail("spawn: an empty feed for %s", argv[0]);
	int feed[2] = {-1, -1};
	if (o && o->feed) {
		if (pipe2(feed, O_CLOEXEC) < 0)
			return kb_fail("pipe: %s", strerror(errno));
		fds.in = feed[0];
	}
	fflush(NULL);
	sigset_t mask;
	children_block_signals(&mask);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		child_exec(argv, o, fds, &mask, parent);
	int rc = 0;
	if (pid < 0) {
		rc = kb_fail("cannot fork for %s: %s", argv[0], strerror(errno));
	} else {
		setpgid(pid, pid);
		p->pid = pid;
		p->name = xstrdup(argv[0]);
		if (!children_add(pid)) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			rc = kb_fail("too many children running to start %s", argv[0]);
		} else if (feed[1] >= 0 && (p->feeder = start_feeder(o, feed, pid, &mask, parent)) < 0) {
			rc = kb_fail("cannot fork the stdin feeder for %s: %s", argv[0], strerror(errno));
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			children_remove(pid);
		}
		if (rc < 0) {
			free(p->name);
			*p = (struct spawn_proc){.pid = -1, .feeder = -1};
		}
	}
	children_restore_signals(&mask);
	if (feed[0] >= 0) {
		close(feed[0]);
		close(feed[1]);
	}
	return rc;
}

int spawn_start(char *const argv[], const struct spawn_opts *o, struct spawn_proc *p)
{
	struct child_fds fds = {o ? o->stdin_fd : -1, o ? o->stdout_fd : -1, -1};
	fds.err = o && o->stderr_fd >= 0 ? o->stderr_fd : fds.out;
	return start(argv, o, fds, p);
}

static int decode_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* p has been reaped: the feeder and anything else left in its group go. */
static void finish(struct spawn_proc *p, double grace_s)
{
	if (p->feeder > 0) {
		kill(p->feeder, SIGKILL);
		waitpid(p->feeder, NULL, 0);
	}
	if (kill(-p->pid, 0) == 0) {
		kill(-p->pid, SIGKILL);
		children_drain_group(p->pid, grace_s);
	}
	sigset_t mask;
	children_block_signals(&mask);
	children_remove(p->pid);
	children_restore_signals(&mask);
	free(p->name);
	p->name = NULL;
	p->pid = p->feeder = -1;
}

static void nap(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

int spawn_wait(struct spawn_proc *p, double deadline, int *status)
{
	double kill_at = 0, step = 0.001;
	for (;;) {
		bool stopping = children_interrupted() != 0;
		/* Block in waitpid unless a deadline or an interrupt needs watching;
		 * a signal breaks the block (EINTR). */
		int st;
		pid_t r = waitpid(p->pid, &st, deadline || stopping ? WNOHANG : 0);
		if (r == p->pid) {
			*status = decode_status(st);
			if (stopping)
				kb_fail("kbuild was interrupted (%s) and stopped %s",
					strsignal(children_interrupted()), p->name);
			finish(p, stopping ? INTERRUPT_GRACE_S : LEFTOVER_GRACE_S);
			return stopping ? -1 : 1;
		}
		if (r < 0 && errno != EINTR) {
			int e = errno;
			kill(-p->pid, SIGKILL);
			char *name = xstrdup(p->name ? p->name : "?");
			finish(p, LEFTOVER_GRACE_S);
			kb_fail("waiting for %s: %s", name, strerror(e));
			free(name);
			return -1;
		}
		double now = now_seconds();
		if (stopping) {
			if (!kill_at)
				kill_at = now + INTERRUPT_GRACE_S;
			else if (now > kill_at)
				kill(-p->pid, SIGKILL);
		} else if (deadline && now >= deadline) {
			return 0;
		}
		if (r == 0) {
			nap(step);
			step = step * 2 < 0.05 ? step * 2 : 0.05;
		}
	}
}

int spawn_stop(struct spawn_proc *p, double grace_s)
{
	kill(-p->pid, SIGTERM);
	int status = 0;
	int r = spawn_wait(p, now_seconds() + grace_s, &status);
	if (r == 0) {
		kill(-p->pid, SIGKILL);
		r = spawn_wait(p, 0, &status);
	}
	return r < 0 ? -1 : status;
}

/* Wait with the timeout of opts; a child that outlives it is killed. */
static int wait_timed(struct spawn_proc *p, const struct spawn_opts *o)
{
	unsigned timeout = o ? o->timeout_sec : 0;
	char *name = xstrdup(p->name);
	int status = -1;
	int r = spawn_wait(p, timeout ? now_seconds() + timeout : 0, &status);
	if (r == 0) {
		kill(-p->pid, SIGKILL);
		spawn_wait(p, 0, &status);
		r = kb_fail("%s did not finish within %u s and was killed", name, timeout);
	} else if (r == 1) {
		r = status;
		if (status == 127)
			tool_missing_or_failed(name);
	}
	free(name);
	return r;
}

int spawn_run(char *const argv[], const struct spawn_opts *opts)
{
	struct spawn_proc p;
	if (spawn_start(argv, opts, &p) < 0)
		return -1;
	return wait_timed(&p, opts);
}

int spawn_logged(char *const argv[], const struct spawn_opts *opts, FILE *log)
{
	int fd = log ? fileno(log) : -1;
	if (log) {
		char *cmd = argv_to_string(argv);
		fprintf(log, "$ %s\n", cmd);
		free(cmd);
		fflush(log);
	}
	struct spawn_opts o = opts ? *opts : (struct spawn_opts){.stdin_fd = -1};
	o.stdout_fd = o.stderr_fd = fd;
	int st = spawn_run(argv, &o);
	if (st == 127)
		return -1; /* spawn_run named the missing program and its package */
	if (st > 0)
		return kb_fail("%s failed (exit %d); see the log", argv[0], st);
	return st;
}

/* Starts argv with its stdout on a pipe; returns the read end, or -1.
 * stderr goes to opts->stderr_fd, else to the pipe too when merge_stderr,
 * else to kbuild's own stderr. */
static int start_piped(char *const argv[], const struct spawn_opts *opts, bool merge_stderr,
		       struct spawn_proc *p)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return kb_fail("pipe: %s", strerror(errno));
	struct child_fds fds = {opts ? opts->stdin_fd : -1, pfd[1], -1};
	fds.err = opts && opts->stderr_fd >= 0 ? opts->stderr_fd : merge_stderr ? pfd[1] : 2;
	int rc = start(argv, opts, fds, p);
	close(pfd[1]);
	if (rc < 0) {
		close(pfd[0]);
		return -1;
	}
	return pfd[0];
}

int spawn_capture(char *const argv[], const struct spawn_opts *opts, char **out)
{
	struct spawn_proc p;
	int fd = start_piped(argv, opts, false, &p);
	if (fd < 0)
		return -1;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + n, cap - n - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR && !children_interrupted())
				continue;
			break;
		}
		n += (size_t)r;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	close(fd);
	buf[n] = '\0';
	int st = wait_timed(&p, opts);
	if (st < 0) {
		free(buf);
		return st;
	}
	*out = buf;
	return st;
}

int spawn_lines(char *const argv[], const struct spawn_opts *opts,
		void (*on_line)(const char *line, void *ctx), void *ctx)
{
	struct spawn_proc p;
	int fd = start_piped(argv, opts, true, &p);
	if (fd < 0)
		return -1;
	FILE *in = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	for (;;) {
		errno = 0;
		len = getline(&line, &cap, in);
		if (len < 0 && errno == EINTR && !children_interrupted()) {
			clearerr(in);
			continue;
		}
		if (len < 0)
			break;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		on_line(line, ctx);
	}
	free(line);
	fclose(in);
	return wait_timed(&p, opts);
}

void spawn_stop_children_on_signals(void)
{
	children_install_handlers();
}

int spawn_interrupted(void)
{
	return children_interrupted();
}

int spawn_exit_status(int rc)
{
	int sig = children_interrupted();
	return sig ? 128 + sig : rc;
}

char *argv_to_string(char *const argv[])
{
	size_t cap = 256, n = 0;
	char *s = xmalloc(cap);
	s[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain =
			*a &&
			strspn(a,
			       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") ==
				strlen(a);
		size_t need = strlen(a) * 4 + 4;
		while (n + need + 1 > cap)
			s = xrealloc(s, cap *= 2);
		if (i)
			s[n++] = ' ';
		if (plain) {
			n += (size_t)sprintf(s + n, "%s", a);
			continue;
		}
		s[n++] = '\'';
		for (; *a; a++) {
			if (*a == '\'') {
				memcpy(s + n, "'\\''", 4);
				n += 4;
			} else {
				s[n++] = *a;
			}
		}
		s[n++] = '\'';
		s[n] = '\0';
	}
	return s;
}
