/* kbuild make, and kbuild STAGE: the chain up to r->last, with the run
 * document around it (metadata.json from the start) and the nightly records
 * after it,
 * and the end-of-run summary (report/summary.h) last. */
#include "cmd/cmd.h"
#include "core/rundoc.h"
#include "engine/metadata.h"
#include "engine/pipeline.h"
#include "lib/spawn.h"
#include "nightly/finish.h"
#include "report/html.h"
#include "report/summary.h"

#include <stdlib.h>

int command_run_chain_then(struct run *r, int (*after)(struct run *r))
{
	struct rundoc doc;
	rundoc_begin(&doc, r->set->name, r->outdir, r->set->build.arch, r->argc, r->argv);
	r->doc = &doc;
	metadata_write(r);
	/* an interrupted run's status is the signal's (130, 143), in
	 * metadata.json and the records as in kbuild's own exit status */
	int rc = spawn_exit_status(pipeline_run(r, r->stages, r->n_stages, r->last));
	if (rc == 0 && after)
		rc = after(r);
	rundoc_end(&doc, rc, r->logdir);
	metadata_write(r);
	rc = nightly_finish(r, rc);
	char *page = run_path(r, REPORT_HTML);
	report_summary(stderr, doc.root, path_exists(page) ? page : NULL, report_use_color(stderr));
	free(page);
	r->doc = NULL;
	rundoc_free(&doc);
	return rc;
}

int command_run_chain(struct run *r)
{
	return command_run_chain_then(r, NULL);
}

const struct command command_make = {"make", CMD_RUN, command_run_chain, "run the whole chain"};
const struct command command_stage = {"STAGE", CMD_RUN, command_run_chain, NULL};
