/* kbuild: from a kernel version, a patch series and config fragments to a
 * kernel proven to boot. This file is only the command line. */
#define _GNU_SOURCE
#include "core/home.h"
#include "core/lock.h"
#include "core/metadata.h"
#include "core/outdir.h"
#include "core/pipeline.h"
#include "core/profile.h"
#include "core/version.h"
#include "lib/spawn.h"
#include "core/matrix.h"
#include "report/compare.h"
#include "report/report.h"
#include "package/verify.h"
#include "rollout/rollout.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PROFILE "debian-6.1-ceph"

static int cmd_list(struct run *r)
{
	const char *home = r->home;
	char *dir = path_join(home, "configs/profiles");
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "kbuild: cannot read %s\n", dir);
		free(dir);
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char *name = ents[i]->d_name;
		size_t l = strlen(name);
		if (l > 4 && !strcmp(name + l - 4, ".ini") && name[0] != '.') {
			name[l - 4] = '\0';
			struct profile p;
			if (profile_load(home, name, &p) < 0) {
				printf("%-20s (broken: %s)\n", name, kb_last_error());
				rc = 1;
			} else {
				const char *d = profile_get(&p, "profile", "description");
				printf("%-20s %s\n", name, d ? d : "");
				profile_free(&p);
			}
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return rc;
}

static int cmd_keys(struct run *r)
{
	(void)r;
	for (const struct key_def *d = profile_keys; d->name; d++) {
		char key[64];
		snprintf(key, sizeof(key), "%s.%s", d->section, d->name);
		printf("%-20s %s%s", key, d->help, d->required ? " (required)" : "");
		if (d->type == KEY_CHOICE)
			printf(" [%s]", profile_choices(d));
		printf("\n");
	}
	return 0;
}

static int cmd_status(struct run *r)
{
	return pipeline_status(r);
}

static int cmd_clean(struct run *r)
{
	if (!is_dir(r->outdir)) {
		fprintf(stderr, "kbuild: %s does not exist\n", r->outdir);
		return 0;
	}
	/* only a marked kbuild output directory; stamps first (core/outdir.c) */
	int rc = outdir_clean(r) < 0;
	if (rc)
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
	else
		fprintf(stderr, "kbuild: removed %s\n", r->outdir);
	return rc;
}

/* The chain up to r->last, with metadata.json around it. */
static int cmd_chain(struct run *r)
{
	metadata_begin(r, r->argc, r->argv);
	int rc = pipeline_run(r, r->last);
	metadata_end(r, rc);
	return report_finish(r, rc);
}

static int cmd_matrix(struct run *r)
{
	spawn_stop_children_on_signals();
	return spawn_exit_status(matrix_main(r->home, r->argc - 2, r->argv + 2));
}

static int cmd_compare(struct run *r)
{
	return compare_main(r->argc - 2, r->argv + 2);
}

/* The chain up to grub, then the staged upgrade proven on a QEMU fleet host. */
static int cmd_rollout(struct run *r)
{
	r->last = (size_t)pipeline_stage_index("grub");
	int rc = cmd_chain(r);
	return rc ? rc : rollout_run(r);
}

static int cmd_help(struct run *r);

static int cmd_verify(struct run *r)
{
	return verify_command(r->argc - 1, r->argv + 1);
}

static int cmd_version(struct run *r)
{
	(void)r;
	printf("kbuild %s\n", KBUILD_VERSION);
	return 0;
}

/* Every command, as kmod's kmod_cmds[]: dispatch and --help read this table.
 * CMD_RUN commands get a profile, an output directory and its lock. */
enum command_needs { CMD_HOME, CMD_RUN };
static const struct command {
	const char *name;
	enum command_needs needs;
	int (*fn)(struct run *r);
	const char *help;
} commands[] = {
	{"make", CMD_RUN, cmd_chain, "run the whole chain"},
	{"rollout", CMD_RUN, cmd_rollout,
	 "up to grub, then prove the staged upgrade on a QEMU fleet host (exit 0 passed, 4 rolled back, 1 failed)"},
	{"status", CMD_RUN, cmd_status, "show each stage as done, stale (and why) or not run"},
	{"clean", CMD_RUN, cmd_clean, "remove the profile's output directory"},
	{"list", CMD_HOME, cmd_list, "list the profiles"},
	{"keys", CMD_HOME, cmd_keys, "list every profile key"},
	{"matrix", CMD_HOME, cmd_matrix, "several profiles at once: matrix profile=a,b|LIST [O=DIR] [jobs=N]"},
	{"compare", CMD_HOME, cmd_compare, "what changed between two runs: compare OLD NEW [format=json]"},
	{"verify", CMD_HOME, cmd_verify, "bundle=PATH [root=DIR]: check a bundle or an installed root against its MANIFEST"},
	{"help", CMD_HOME, cmd_help, "this text (also --help, -h)"},
	{"version", CMD_HOME, cmd_version, "kbuild's version (also --version)"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The stage commands run the chain up to and including the stage. */
static const struct command stage_command = {"STAGE", CMD_RUN, cmd_chain, NULL};

static void usage(FILE *f)
{
	fprintf(f, "usage: kbuild COMMAND [profile=NAME] [O=DIR] [key=value | key+=value ...]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nstages (kbuild STAGE runs the chain up to and including STAGE):\n");
	for (size_t i = 0; i < pipeline_n_stages; i++)
		fprintf(f, "  %-10s %s\n", pipeline_stages[i]->name, pipeline_stages[i]->summary);
	fprintf(f,
		"\n"
		"profile defaults to $KBUILD_PROFILE, else %s; O defaults to out/<profile>.\n"
		"Any profile key can be given as key=value or section.key=value; lists can be\n"
		"extended with key+=value. See README.md.\n",
		DEFAULT_PROFILE);
}

static int cmd_help(struct run *r)
{
	(void)r;
	usage(stdout);
	return 0;
}

/* The command named, a stage (r->last set), or NULL. */
static const struct command *find_command(const char *name, struct run *r)
{
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name)) {
			r->last = pipeline_n_stages - 1;
			return &commands[i];
		}
	int stage = pipeline_stage_index(name);
	if (stage < 0)
		return NULL;
	r->last = (size_t)stage;
	return &stage_command;
}

/* Profile, overrides and directories for a CMD_RUN command; exit status on error. */
static int setup_run(struct run *r, struct profile *prof, int argc, char **argv)
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
		name = DEFAULT_PROFILE;
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
	r->prof = prof;
	/* created (or not) and locked by outdir_open in main */
	r->outdir = outdir ? xstrdup(outdir) : xasprintf("out/%s", name);
	r->cache = kbuild_cache();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	struct run r = {.home = kbuild_home(), .tty = isatty(2), .argc = argc, .argv = argv};
	const struct command *cmd = find_command(argv[1], &r);
	if (!cmd) {
		fprintf(stderr, "kbuild: unknown command '%s' (see kbuild --help)\n", argv[1]);
		return 2;
	}
	if (cmd->needs == CMD_HOME)
		return cmd->fn(&r);

	struct profile prof;
	int rc = setup_run(&r, &prof, argc, argv);
	if (rc)
		return rc;
	/* From here on children are stopped on SIGINT/SIGTERM before the lock goes. */
	spawn_stop_children_on_signals();
	/* status reads (shared lock, creates nothing), clean removes only what
	 * kbuild made, the stage commands create and mark O (core/outdir.c) */
	enum outdir_use use = cmd->fn == cmd_status ? OUTDIR_STATUS
		: cmd->fn == cmd_clean ? OUTDIR_CLEAN : OUTDIR_RUN;
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
	profile_free(&prof);
	return spawn_exit_status(rc);
}
