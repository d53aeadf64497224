/* Running programs: always from an argv vector, never through a shell. */
#ifndef KBUILD_SPAWN_H
#define KBUILD_SPAWN_H

#include <stdio.h>

struct spawn_opts {
	const char *cwd;        /* NULL: current directory */
	int stdin_fd;           /* -1: /dev/null */
	int stdout_fd;          /* -1: inherit; usually a stage log */
	int stderr_fd;          /* -1: same as stdout_fd */
	char *const *env_add;   /* NULL or "KEY=VALUE" entries added to the environment */
	unsigned timeout_sec;   /* 0: none; on expiry the process group is killed */
};

/* Run argv[0] (searched in PATH) and wait. Returns the exit status (0..255),
 * 128+signal when killed, or -1 with kb_fail() when it could not be started
 * or timed out (the message says which). */
int spawn_run(char *const argv[], const struct spawn_opts *opts);

/* Run and capture stdout into a malloc'd NUL-terminated string (stderr goes to
 * opts->stderr_fd). Returns the exit status as spawn_run, *out set on success. */
int spawn_capture(char *const argv[], const struct spawn_opts *opts, char **out);

/* Run with stdout (and stderr, unless opts->stderr_fd is set) read line by
 * line: each line goes to on_line (without its newline). */
int spawn_lines(char *const argv[], const struct spawn_opts *opts,
		void (*on_line)(const char *line, void *ctx), void *ctx);

/* Format argv as a shell-quoted line for logs and reproducer commands. */
char *argv_to_string(char *const argv[]);

#endif
