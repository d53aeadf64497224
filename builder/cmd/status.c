/* kbuild status: every stage as done, stale (and why) or not run; reads
 * only (a shared lock, creates nothing). */
#include "cmd/cmd.h"
#include "engine/pipeline.h"

static int cmd_status(struct run *r)
{
	return pipeline_status(r, r->stages, r->n_stages, stdout);
}

const struct command command_status = {"status", CMD_RUN, cmd_status,
				       "show each stage as done, stale (and why) or not run"};
