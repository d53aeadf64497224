#include "kconfig/resolve.h"
#include "lib/outfile.h"
#include "lib/tools.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_SEC 900

bool config_base_is_target(const char *base)
{
	size_t l = strlen(base);
	if (l < 6 || base[0] == '-' || strcmp(base + l - 6, "config") != 0)
		return false;
	return strspn(base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == l;
}

bool config_tree_has_olddefconfig(const char *srctree)
{
	char *mk = path_join(srctree, "scripts/kconfig/Makefile");
	char *text = read_file(mk, NULL);
	free(mk);
	bool has = text && strstr(text, "olddefconfig");
	free(text);
	return has;
}

/* Empty answers fed to oldconfig: far more than a kernel has symbols (6.1 x86
 * defines about 16,500), but finite: a question kconfig repeats forever (an
 * int with no default and an invalid empty answer) then blocks on read until
 * the timeout instead of filling the log at full speed. */
#define MAX_EMPTY_ANSWERS 100000

static int run_make(const struct config_job *j, const char *target, FILE *log, int out_fd, bool feed_answers)
{
	if (tool_require("make") < 0)
		return -1;
	struct strv argv = {0};
	for (char *const *a = j->make; *a; a++)
		strv_push(&argv, *a);
	strv_push(&argv, target);

	char *line = argv_to_string(strv_argv(&argv));
	if (log) {
		fprintf(log, "kbuild: %s%s\n", feed_answers ? "(empty answers on stdin) " : "", line);
		fflush(log);
	}
	static const char newlines[4096] = {[0 ... 4095] = '\n'}; /* `yes ''` without a shell */
	struct spawn_opts o = {
		.stdin_fd = -1,
		.stdout_fd = out_fd,
		.stderr_fd = out_fd,
		.env_add = j->env,
		.timeout_sec = j->timeout_sec ? j->timeout_sec : DEFAULT_TIMEOUT_SEC,
	};
	if (feed_answers) {
		o.feed = newlines;
		o.feed_len = sizeof(newlines);
		o.feed_total = MAX_EMPTY_ANSWERS;
	}
	int st = spawn_run(strv_argv(&argv), &o);
	if (st > 0)
		kb_fail("%s failed with status %d (see the config log)", line, st);
	free(line);
	strv_free(&argv);
	return st == 0 ? 0 : -1;
}

/* A base file must be a kernel config: blank lines, comments and CONFIG_
 * assignments only, at least one of those (not /etc/passwd, not a script). */
static int check_config_text(const char *base, const char *data)
{
	unsigned line = 0, options = 0;
	if (!strncmp(data, "\xef\xbb\xbf", 3))
		return kb_fail(
			"%s:1: starts with a UTF-8 byte order mark (bytes EF BB BF); save it without one",
			base);
	for (const char *p = data; *p;) {
		size_t len = strcspn(p, "\n");
		line++;
		size_t ws = strspn(p, " \t\r"); /* a CRLF file's blank line is "\r" */
		bool blank = ws == len;
		if (!blank && p[ws] != '#') {
			if (strncmp(p + ws, "CONFIG_", 7) || !memchr(p + ws, '=', len - ws))
				return kb_fail("%s:%u: not a kernel config line (config.base must be a "
					       ".config file or a *config make target)",
					       base, line);
			options++;
		} else if (!blank && !strncmp(p + ws, "# CONFIG_", 9)) {
			options++;
		}
		p += len;
		if (*p)
			p++;
	}
	if (!options)
		return kb_fail("%s: no CONFIG_ option in it (config.base must be a .config file or a "
			       "*config make target)",
			       base);
	return 0;
}

static int copy_base(const char *base, const char *dotconfig)
{
	size_t len;
	char *data = read_text(base, &len);
	if (!data)
		return -1; /* read_text named the file and the error */
	if (check_config_text(base, data) < 0) {
		free(data);
		return -1;
	}
	int r = write_file_atomic(dotconfig, data, len);
	free(data);
	return r;
}

int config_resolve(const struct config_job *j)
{
	if (!j->srctree || !j->objdir || !j->make || !j->base)
		return kb_fail("config: srctree, objdir, make and base are all needed");
	bool target = config_base_is_target(j->base);
	if (!target && !path_exists(j->base))
		return kb_fail("config base %s is neither a *config make target nor an existing file",
			       j->base);
	if (mkdir_p(j->objdir, 0755) < 0)
		return -1;
	char *dotconfig = path_join(j->objdir, ".config");
	/* make writes to a descriptor: the log's own, or a temporary file copied
	 * into the log afterwards (a memory stream has none), or /dev/null. */
	int out_fd = -1, r = -1;
	FILE *spool = NULL;
	if (j->log) {
		fflush(j->log);
		out_fd = fileno(j->log);
		if (out_fd < 0) {
			spool = tmpfile();
			if (!spool) {
				free(dotconfig);
				return kb_fail("cannot create a temporary file for make's output: %s",
					       strerror(errno));
			}
			out_fd = fileno(spool);
		}
	} else {
		out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	}

	if (target)
		r = run_make(j, j->base, spool ? spool : j->log, out_fd, false);
	else
		r = copy_base(j->base, dotconfig);
	if (r == 0 && !path_exists(dotconfig))
		r = kb_fail("make %s wrote no %s", j->base, dotconfig);
	if (r == 0 && j->req && j->req->n)
		r = dotconfig_apply(dotconfig, j->req);
	if (r == 0) {
		bool olddef = config_tree_has_olddefconfig(j->srctree);
		r = run_make(j, olddef ? "olddefconfig" : "oldconfig", spool ? spool : j->log, out_fd,
			     !olddef);
	}
	if (spool) {
		char buf[8192];
		size_t got;
		rewind(spool);
		while ((got = fread(buf, 1, sizeof(buf), spool)) > 0)
			fwrite(buf, 1, got, j->log);
		fclose(spool);
	} else if (!j->log && out_fd >= 0) {
		close(out_fd);
	}
	free(dotconfig);
	return r;
}
