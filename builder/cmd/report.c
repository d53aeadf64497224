/* kbuild report: O/report.html written again from O/record.json and the
 * history's kept runs (what every run does at its end), and the summary;
 * for a page made by an older kbuild, or to time the page. */
#include "cmd/cmd.h"
#include "core/rundoc.h"
#include "nightly/finish.h"
#include "nightly/history.h"
#include "report/html.h"
#include "report/summary.h"
#include "lib/json.h"

#include <stdlib.h>

static int cmd_report(struct run *r)
{
	json_t *doc = rundoc_load(r->outdir);
	if (!doc) {
		fprintf(stderr, "kbuild: report: %s\n", kb_last_error());
		return 1;
	}
	char *hist = nightly_history_dir(r);
	double t_load = now_seconds();
	json_t *runs = history_runs(hist);
	t_load = now_seconds() - t_load;
	char *page = run_path(r, REPORT_HTML);
	char *title = xasprintf("kbuild %s: %s", r->set->name, json_member_str(doc, "reproducer") ?: "");
	struct report_run rr = {.doc = doc, .history = runs};
	double t0 = now_seconds();
	int rc = report_html_write(page, title, &rr, 1, false);
	if (rc < 0)
		fprintf(stderr, "kbuild: report: %s\n", kb_last_error());
	else
		fprintf(stderr,
			"report: %s from %zu kept run%s: history read in %.3f s, page written in %.3f s\n",
			page, json_array_size(runs), json_array_size(runs) == 1 ? "" : "s", t_load,
			now_seconds() - t0);
	report_summary(stderr, doc, rc == 0 ? page : NULL, report_use_color(stderr));
	free(title);
	free(page);
	json_decref(runs);
	free(hist);
	json_decref(doc);
	return rc < 0 ? 1 : 0;
}

const struct command command_report =
	{"report", CMD_RUN, cmd_report,
	 "write O/report.html again from O/record.json and the history, and print the summary"};
