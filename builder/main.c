/* kbuild: from a kernel version, a patch series and config fragments to a
 * kernel proven to boot. This file is only the command line: the commands
 * are in cmd/, their table in cmd/commands.c. */
#include "cmd/cmd.h"
#include "core/home.h"
#include "core/lock.h"
#include "core/outdir.h"
#include "core/profile.h"
#include "lib/spawn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Profile, overrides and directories for a CMD_RUN command; exit status on error. */
static int setup_run(struct run *r, struct profile *prof, struct settings *set, int argc, char **argv)
{
	const char *name = getenv("KBUILD_PROFILE");
	const char *outdir = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "profile=", 8))
			name = argv[i] + 8;
		else if (!strncmp(argv[i], "O=", 2))
			outdir = argv[i] + 2;
	}
	if (!name || !*name)
		name = PROFILE_DEFAULT;
	if (profile_load(r->home, name, prof) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "profile=", 8) || !strncmp(argv[i], "O=", 2))
			continue;
		if (profile_override(prof, argv[i]) < 0) {
			fprintf(stderr, "kbuild: %s\n", kb_last_error());
			return 2;
		}
	}
	if (profile_check_required(prof) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 2;
	}
	settings_resolve(prof, set);
	r->set = set;
	/* created (or not) and locked by outdir_open in main */
	r->outdir = outdir ? xstrdup(outdir) : xasprintf("out/%s", name);
	r->cache = kbuild_cache();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		command_usage(stderr);
		return 2;
	}
	struct run r = {.home = kbuild_home(), .tty = isatty(2), .argc = argc, .argv = argv};
	const struct command *cmd = command_find(argv[1], &r);
	if (!cmd) {
		fprintf(stderr, "kbuild: unknown command '%s' (see kbuild --help)\n", argv[1]);
		return 2;
	}
	if (cmd->needs == CMD_HOME)
		return cmd->fn(&r);

	struct profile prof;
	struct settings set;
	int rc = setup_run(&r, &prof, &set, argc, argv);
	if (rc)
		return rc;
	/* From here on children are stopped on SIGINT/SIGTERM before the lock goes. */
	spawn_stop_children_on_signals();
	/* status reads (shared lock, creates nothing), clean removes only what
	 * kbuild made, the stage commands create and mark O (core/outdir.c) */
	enum outdir_use use = cmd == &command_status  ? OUTDIR_STATUS
			      : cmd == &command_clean ? OUTDIR_CLEAN
						      : OUTDIR_RUN;
	char *dir = r.outdir;
	int lock;
	if (outdir_open(&r, dir, use, &lock) < 0) {
		free(dir);
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 1;
	}
	free(dir);
	rc = cmd->fn(&r);
	unlock_outdir(lock); /* last: every child has been reaped */
	settings_free(&set);
	profile_free(&prof);
	return spawn_exit_status(rc);
}
