/* kbuild make, and kbuild STAGE: the chain up to r->last, with metadata.json
 * around it and the nightly records after it. */
#include "cmd/cmd.h"
#include "engine/metadata.h"
#include "engine/pipeline.h"
#include "lib/spawn.h"
#include "nightly/finish.h"

int command_run_chain(struct run *r)
{
	metadata_begin(r, r->argc, r->argv);
	/* an interrupted run's status is the signal's (130, 143), in
	 * metadata.json and the records as in kbuild's own exit status */
	int rc = spawn_exit_status(pipeline_run(r, r->stages, r->n_stages, r->last));
	metadata_end(r, rc);
	return report_finish(r, rc);
}

const struct command command_make = {"make", CMD_RUN, command_run_chain, "run the whole chain"};
const struct command command_stage = {"STAGE", CMD_RUN, command_run_chain, NULL};
