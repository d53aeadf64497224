/* kbuild's commands, as kmod's kmod_cmds[]: one file per command, each
 * defining its `struct command`; cmd/commands.c holds the table that
 * dispatch and --help read. */
#ifndef KBUILD_CMD_CMD_H
#define KBUILD_CMD_CMD_H

#include "core/run.h"

/* CMD_RUN commands get a profile, an output directory and its lock (and
 * children are stopped on signals); CMD_HOME ones only kbuild's home. */
enum command_needs { CMD_HOME, CMD_RUN };

struct command {
	const char *name;
	enum command_needs needs;
	int (*fn)(struct run *r);
	const char *help;
};

extern const struct command command_make, command_rollout, command_status, command_clean, command_list,
	command_keys, command_matrix, command_compare, command_verify, command_report, command_bisect;
/* `kbuild STAGE`: the chain up to and including that stage (r->last). */
extern const struct command command_stage;

/* The command named (a stage name too: r->last is set), or NULL. */
const struct command *command_find(const char *name, struct run *r);
/* The usage text: every command of the table and every stage. */
void command_usage(FILE *f);
/* The whole chain up to r->last: the run document around it (metadata.json
 * from the start), the nightly records after it. Returns the exit code. */
int command_run_chain(struct run *r);
/* The same, with after(r) run when the chain passed, before the run's end
 * is recorded (its exit code is the run's). */
int command_run_chain_then(struct run *r, int (*after)(struct run *r));

#endif
