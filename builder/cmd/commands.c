/* The command table: dispatch and --help read it. help and version live
 * here because they are about the table and the program itself. */
#include "cmd/cmd.h"
#include "core/profile.h"
#include "core/version.h"
#include "stages/chain.h"

#include <string.h>

static int cmd_help(struct run *r);
static int cmd_version(struct run *r);

static const struct command command_help = {"help", CMD_HOME, cmd_help, "this text (also --help, -h)"};
static const struct command command_version = {"version", CMD_HOME, cmd_version,
					       "kbuild's version (also --version)"};

static const struct command *const commands[] = {
	&command_make,   &command_rollout, &command_bisect,  &command_status,  &command_clean,
	&command_list,   &command_keys,    &command_matrix,  &command_compare, &command_verify,
	&command_report, &command_help,    &command_version,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void command_usage(FILE *f)
{
	fprintf(f,
		"usage: kbuild COMMAND [profile=NAME] [O=DIR] [key=value | key+=value ...]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->help);
	fprintf(f, "\nstages (kbuild STAGE runs the chain up to and including STAGE):\n");
	for (size_t i = 0; i < chain_n_stages; i++)
		fprintf(f, "  %-10s %s\n", chain_stages[i]->name, chain_stages[i]->summary);
	fprintf(f,
		"\n"
		"profile defaults to $KBUILD_PROFILE, else %s; O defaults to out/<profile>.\n"
		"Any profile key can be given as key=value or section.key=value; lists can be\n"
		"extended with key+=value. See README.md.\n",
		PROFILE_DEFAULT);
}

static int cmd_help(struct run *r)
{
	(void)r;
	command_usage(stdout);
	return 0;
}

static int cmd_version(struct run *r)
{
	(void)r;
	printf("kbuild %s\n", KBUILD_VERSION);
	return 0;
}

const struct command *command_find(const char *name, struct run *r)
{
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	r->stages = chain_stages;
	r->n_stages = chain_n_stages;
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name)) {
			r->last = chain_n_stages - 1;
			return commands[i];
		}
	int stage = chain_stage_index(name);
	if (stage < 0)
		return NULL;
	r->last = (size_t)stage;
	return &command_stage;
}
