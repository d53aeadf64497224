#define _GNU_SOURCE
#include "lib/spawn.h"
#include "lib/util.h"
#include "lib/tools.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child_exec(char *const argv[], const struct spawn_opts *o, int out_fd)
{
	setpgid(0, 0);
	int in = o && o->stdin_fd >= 0 ? o->stdin_fd : open("/dev/null", O_RDONLY);
	if (in >= 0 && in != 0)
		dup2(in, 0);
	if (out_fd >= 0 && out_fd != 1)
		dup2(out_fd, 1);
	int err = o && o->stderr_fd >= 0 ? o->stderr_fd : out_fd;
	if (err >= 0 && err != 2)
		dup2(err, 2);
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

static int wait_child(pid_t pid, const char *name, unsigned timeout_sec)
{
	int status;
	double deadline = timeout_sec ? now_seconds() + timeout_sec : 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, timeout_sec ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return kb_fail("waiting for %s: %s", name, strerror(errno));
		if (r == 0) {
			if (now_seconds() > deadline) {
				kill(-pid, SIGKILL);
				waitpid(pid, &status, 0);
				return kb_fail("%s did not finish within %u s and was killed", name,
					       timeout_sec);
			}
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 127)
			tool_missing_or_failed(name);
		return WEXITSTATUS(status);
	}
	return 128 + WTERMSIG(status);
}

int spawn_run(char *const argv[], const struct spawn_opts *opts)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return kb_fail("cannot fork for %s: %s", argv[0], strerror(errno));
	if (pid == 0)
		child_exec(argv, opts, opts ? opts->stdout_fd : -1);
	setpgid(pid, pid);
	return wait_child(pid, argv[0], opts ? opts->timeout_sec : 0);
}

/* Starts argv with its stdout on a pipe; returns the read end, or -1.
 * stderr goes to opts->stderr_fd, else to the pipe too when merge_stderr,
 * else to kbuild's own stderr. */
static int start_piped(char *const argv[], const struct spawn_opts *opts, bool merge_stderr, pid_t *pid)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return kb_fail("pipe: %s", strerror(errno));
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return kb_fail("cannot fork for %s: %s", argv[0], strerror(errno));
	}
	if (*pid == 0) {
		struct spawn_opts o = opts ? *opts : (struct spawn_opts){.stdin_fd = -1, .stderr_fd = -1};
		if (o.stderr_fd < 0 && !merge_stderr)
			o.stderr_fd = 2;
		child_exec(argv, &o, pfd[1]);
	}
	setpgid(*pid, *pid);
	close(pfd[1]);
	return pfd[0];
}

int spawn_capture(char *const argv[], const struct spawn_opts *opts, char **out)
{
	pid_t pid;
	int fd = start_piped(argv, opts, false, &pid);
	if (fd < 0)
		return -1;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + n, cap - n - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += (size_t)r;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	close(fd);
	buf[n] = '\0';
	int st = wait_child(pid, argv[0], opts ? opts->timeout_sec : 0);
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
	pid_t pid;
	int fd = start_piped(argv, opts, true, &pid);
	if (fd < 0)
		return -1;
	FILE *in = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		on_line(line, ctx);
	}
	free(line);
	fclose(in);
	return wait_child(pid, argv[0], opts ? opts->timeout_sec : 0);
}

char *argv_to_string(char *const argv[])
{
	size_t cap = 256, n = 0;
	char *s = xmalloc(cap);
	s[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") == strlen(a);
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
