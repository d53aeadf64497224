/* Running programs: the one place kbuild starts a process. Always from an
 * argv vector, never through a shell; each child leads its own process
 * group, which is stopped as a whole on timeout, on spawn_stop() and when
 * kbuild gets SIGINT/SIGTERM (spawn_stop_children_on_signals), so no child
 * outlives kbuild. */
#ifndef KBUILD_LIB_SPAWN_H
#define KBUILD_LIB_SPAWN_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct spawn_opts {
	const char *cwd;      /* NULL: current directory */
	int stdin_fd;         /* -1: /dev/null (or the feed, below) */
	int stdout_fd;        /* -1: inherit; usually a stage log */
	int stderr_fd;        /* -1: same as stdout_fd */
	char *const *env_add; /* NULL or "KEY=VALUE" entries added to the environment */
	unsigned timeout_sec; /* 0: none; on expiry the process group is killed */
	/* Stdin fed from a pipe: feed (feed_len bytes) written over and over,
	 * feed_total bytes in all; stdin then stays open without EOF until the
	 * program ends, so one that keeps asking blocks (and its timeout ends
	 * it) rather than spinning on EOF. NULL: no feed. */
	const char *feed;
	size_t feed_len, feed_total;
};

/* A started child. */
struct spawn_proc {
	pid_t pid;    /* the child, leader of its own process group */
	pid_t feeder; /* the stdin feeder (in the child's group), or -1 */
	char *name;   /* argv[0], for messages */
};

/* Start argv[0] (searched in PATH). Returns 0, or -1 with kb_fail() (also
 * when kbuild is being interrupted: nothing new starts then). */
int spawn_start(char *const argv[], const struct spawn_opts *opts, struct spawn_proc *p);

/* Wait for p until deadline (a now_seconds() time; 0: no deadline). Returns 1
 * when it ended, *status then its exit status (0..255) or 128+signal; 0 when
 * it is still running at the deadline; -1 with kb_fail() when waiting failed
 * or kbuild was interrupted (p's group is then stopped and reaped). */
int spawn_wait(struct spawn_proc *p, double deadline, int *status);

/* SIGTERM to p's group, SIGKILL after grace_s; p reaped and its group empty
 * on return. Returns p's status as spawn_wait does. */
int spawn_stop(struct spawn_proc *p, double grace_s);

/* Run argv[0] (searched in PATH) and wait. Returns the exit status (0..255),
 * 128+signal when killed, or -1 with kb_fail() when it could not be started,
 * timed out or was interrupted (the message says which). */
int spawn_run(char *const argv[], const struct spawn_opts *opts);

/* Run argv as a step of a stage: "$ command" and then its stdout and stderr
 * go to log (NULL: inherited); the rest of opts (may be NULL: stdin from
 * /dev/null) as given. Returns 0, or -1 with kb_fail(): the program and its
 * Debian package when it is not installed, else "<program> failed (exit N);
 * see the log". */
int spawn_logged(char *const argv[], const struct spawn_opts *opts, FILE *log);

/* Run and capture stdout into a malloc'd NUL-terminated string (stderr goes to
 * opts->stderr_fd). Returns the exit status as spawn_run, *out set on success. */
int spawn_capture(char *const argv[], const struct spawn_opts *opts, char **out);

/* Run with stdout (and stderr, unless opts->stderr_fd is set) read line by
 * line: each line goes to on_line (without its newline). */
int spawn_lines(char *const argv[], const struct spawn_opts *opts,
		void (*on_line)(const char *line, void *ctx), void *ctx);

/* Format argv as a shell-quoted line for logs and reproducer commands. */
char *argv_to_string(char *const argv[]);

/* From now on SIGINT and SIGTERM stop every running child's process group
 * (SIGTERM, SIGKILL on a second signal or after a grace period); the waits
 * above then return -1 and nothing new starts, so the caller unwinds, and
 * exits with spawn_exit_status(). With no child running, kbuild exits at once
 * with 128+signal (its outputs are written atomically). Also makes kbuild
 * the reaper of its children's orphans, so their groups can be waited for. */
void spawn_stop_children_on_signals(void);

/* The signal that interrupted kbuild (SIGINT, SIGTERM), or 0. */
int spawn_interrupted(void);

/* rc, or 128+signal when kbuild was interrupted: what main returns. */
int spawn_exit_status(int rc);

#endif
