#include "nightly/finish.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "nightly/compare.h"
#include "nightly/history.h"
#include "nightly/kcidb.h"
#include "core/rundoc.h"
#include "nightly/squad.h"
#include "report/html.h"
#include "lib/json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A relative history path is taken from the current directory, like O=. */
static char *from_cwd(const char *path)
{
	char *cwd = get_current_dir_name();
	char *p = cwd ? path_join(cwd, path) : xstrdup(path);
	free(cwd);
	return p;
}

char *nightly_history_dir(const struct run *r)
{
	const char *h = r->set->report.history;
	if (!h || !*h)
		return run_path(r, "history");
	return h[0] == '/' ? xstrdup(h) : from_cwd(h);
}

static int write_doc(struct run *r, const char *name, json_t *doc)
{
	char *p = run_path(r, name);
	int rc = rundoc_write(doc, p);
	free(p);
	json_decref(doc);
	return rc;
}

/* changes.{txt,json} against the history's record, or neither. */
static int write_changes(struct run *r, const json_t *rec, const char *hist)
{
	char *txt = run_path(r, "changes.txt"), *js = run_path(r, "changes.json");
	unlink(txt);
	unlink(js);
	int rc = 0;
	char *old_path = path_join(hist, OUT_RECORD_JSON);
	json_t *old = path_exists(old_path) ? rundoc_load(old_path) : NULL;
	kb_clear_error();
	if (old) {
		struct compare_opts o;
		compare_opts_default(&o);
		json_t *ch = compare_records(old, rec, &o);
		char *text = compare_text(ch);
		rc = write_file_atomic(txt, text, strlen(text));
		if (rc == 0)
			rc = rundoc_write(ch, js);
		free(text);
		json_decref(ch);
		json_decref(old);
	}
	free(old_path);
	free(txt);
	free(js);
	return rc;
}

/* O/report.html: this run, with the history's kept runs as trends. */
static int write_report(struct run *r, const json_t *rec, const char *hist)
{
	json_t *runs = history_runs(hist);
	char *p = run_path(r, REPORT_HTML);
	char *title = xasprintf("kbuild %s: %s", r->set->name, json_member_str(rec, "reproducer") ?: "");
	struct report_run rr = {.doc = rec, .history = runs};
	int rc = report_html_write(p, title, &rr, 1, false);
	free(title);
	free(p);
	json_decref(runs);
	return rc;
}

int nightly_finish(struct run *r, int exit_code)
{
	if (!r->doc)
		return exit_code;
	json_t *rec = json_incref(r->doc->root);
	char *hist = nightly_history_dir(r);
	int rc = write_doc(r, OUT_KCIDB_JSON, kcidb_from_record(rec, r->set->report.origin));
	if (rc == 0)
		rc = write_doc(r, OUT_SQUAD_JSON, squad_from_record(rec));
	if (rc == 0)
		rc = write_changes(r, rec, hist);
	/* record.json last: the other records are derived from it. */
	if (rc == 0)
		rc = write_doc(r, OUT_RECORD_JSON, json_incref(rec));
	if (rc == 0)
		rc = history_add_run(hist, rec, r->set->report.keep);
	if (rc == 0 && exit_code == 0)
		rc = history_save(r->outdir, hist);
	if (rc == 0)
		rc = write_report(r, rec, hist);
	if (rc < 0)
		fprintf(stderr, "kbuild: records: %s\n", kb_last_error());
	json_decref(rec);
	free(hist);
	return rc < 0 && exit_code == 0 ? 1 : exit_code;
}
