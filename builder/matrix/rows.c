/* matrix_main (matrix/rows.h): runs the plan's rows as child kbuild processes,
 * at most plan.parallel at once (started and polled through lib/spawn, so an
 * interrupt stops them all), and prints the summary. */
#include "matrix/rows.h"
#include "matrix/plan.h"
#include "lib/outfile.h"
#include "stages/chain.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "core/rundoc.h"
#include "nightly/history.h"
#include "report/facts.h"
#include "report/html.h"
#include "report/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	const struct matrix_entry *e;
	char *outdir, *log;
	int exit_code;
	double started, seconds;
	struct spawn_proc proc;
	int fd; /* the row's log while it runs, else -1 */
	enum { ROW_WAITING, ROW_RUNNING, ROW_DONE } state;
};

/* The last non-empty line of a row's log: the failing child's one-line
 * reason (malloc'd, or NULL). */
static char *last_line(const char *path)
{
	char *text = read_text(path, NULL);
	if (!text) {
		kb_clear_error();
		return NULL;
	}
	char *end = text + strlen(text);
	while (end > text && end[-1] == '\n')
		*--end = '\0';
	char *nl = strrchr(text, '\n');
	char *line = *text ? xstrdup(nl ? nl + 1 : text) : NULL;
	free(text);
	return line;
}

/* Why a row failed: its record's one reason (report/facts.h), else the
 * last line of its log. */
static char *row_reason(const struct row *r)
{
	json_t *doc = rundoc_load(r->outdir);
	kb_clear_error();
	char *why = NULL;
	if (doc) {
		struct report_facts f;
		report_facts(doc, &f);
		if (f.reason)
			why = xasprintf("%s: %s", f.failed_stage, f.reason);
		report_facts_free(&f);
		json_decref(doc);
	}
	return why ? why : last_line(r->log);
}

static void row_finished(struct row *r, int status)
{
	r->exit_code = status;
	r->seconds = now_seconds() - r->started;
	r->state = ROW_DONE;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	char *why = status ? row_reason(r) : NULL;
	fprintf(stderr, "matrix: %-20s exit %d  after %.1f s%s%s\n", r->e->label, status, r->seconds,
		why ? ": " : "", why ? why : "");
	free(why);
}

/* Starts one row's kbuild; a row that cannot start is finished with 1. */
static void row_start(struct row *r, const char *self, const char *command, char *pristine_env)
{
	struct strv argv = {0};
	strv_push(&argv, self);
	strv_push(&argv, command);
	for (size_t i = 0; i < r->e->nargs; i++)
		strv_push(&argv, r->e->args[i]);
	strv_push_owned(&argv, xasprintf("O=%s", r->outdir));
	r->started = now_seconds();
	r->fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r->fd < 0) {
		fprintf(stderr, "matrix: %s: cannot write %s: %s\n", r->e->label, r->log, strerror(errno));
		row_finished(r, 1);
	} else {
		char *env[] = {pristine_env, NULL};
		struct spawn_opts o = {.stdin_fd = -1,
				       .stdout_fd = r->fd,
				       .stderr_fd = r->fd,
				       .env_add = env};
		fprintf(stderr, "matrix: %-20s started   (log %s)\n", r->e->label, r->log);
		if (spawn_start(strv_argv(&argv), &o, &r->proc) < 0) {
			fprintf(stderr, "matrix: %s: %s\n", r->e->label, kb_last_error());
			row_finished(r, 1);
		} else {
			r->state = ROW_RUNNING;
		}
	}
	strv_free(&argv);
}

/* Runs the rows, at most parallel at once, polling the running ones. Stops
 * starting rows when kbuild is interrupted (spawn then stops the children). */
static void run_rows(struct row *rows, size_t n, size_t parallel, const char *self, const char *command,
		     char *pristine_env)
{
	size_t next = 0, running = 0, done = 0;
	while (done < n) {
		while (running < parallel && next < n && !spawn_interrupted()) {
			row_start(&rows[next], self, command, pristine_env);
			if (rows[next].state == ROW_RUNNING)
				running++;
			else
				done++;
			next++;
		}
		if (spawn_interrupted() && !running) {
			for (; next < n; next++, done++)
				rows[next].state = ROW_DONE, rows[next].exit_code = 128 + spawn_interrupted();
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (rows[i].state != ROW_RUNNING)
				continue;
			int status = 0;
			int w = spawn_wait(&rows[i].proc, now_seconds() + 0.2 / (double)running, &status);
			if (w != 0) {
				row_finished(&rows[i], w > 0                 ? status
						       : spawn_interrupted() ? 128 + spawn_interrupted()
									     : 1);
				running--;
				done++;
			}
		}
	}
}

/* One cell: a stage that ran shows its duration, one up to date "ok". */
static void cell(char *buf, size_t n, const json_t *st)
{
	enum stage_status s;
	double d = json_number_value(json_object_get(st, "duration"));
	if (!stage_status_parse(json_string_value(json_object_get(st, "status")), &s))
		snprintf(buf, n, "-");
	else if (s == STAGE_FAIL)
		snprintf(buf, n, "FAIL");
	else if (s == STAGE_SKIP)
		snprintf(buf, n, "ok");
	else
		snprintf(buf, n, "%.0fs", d);
}

static void count_tests(const json_t *rec, int *pass, int *fail)
{
	*pass = *fail = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(rec, "tests"), k, v)
	{
		if (strchr(k, '.'))
			continue; /* subtests are inside their test's verdict */
		enum test_status s;
		if (!test_status_parse(json_string_value(json_object_get(v, "status")), &s))
			continue;
		if (s == TEST_PASS)
			(*pass)++;
		else if (s == TEST_FAIL || s == TEST_MISSING)
			(*fail)++;
	}
}

static int col_width(size_t stage)
{
	int n = (int)strlen(chain_stages[stage]->name);
	return n > 5 ? n : 5;
}

/* The table (and matrix.json): profile x stage, tests, exit code. */
static char *summary(const struct matrix_plan *plan, const struct row *rows, json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fprintf(f, "%-20s", "profile");
	for (size_t s = 0; s < chain_n_stages; s++)
		fprintf(f, " %*s", col_width(s), chain_stages[s]->name);
	fprintf(f, " %9s %4s %6s\n", "tests p/f", "exit", "wall");
	json_t *arr = json_object_get(doc, "profiles");
	for (size_t i = 0; i < plan->n; i++) {
		json_t *rec = rundoc_load(rows[i].outdir);
		kb_clear_error();
		const json_t *stages = json_object_get(rec, "stages");
		fprintf(f, "%-20s", rows[i].e->label);
		for (size_t s = 0; s < chain_n_stages; s++) {
			char c[32];
			cell(c, sizeof(c), json_object_get(stages, chain_stages[s]->name));
			fprintf(f, " %*s", col_width(s), c);
		}
		int pass, fail;
		count_tests(rec, &pass, &fail);
		char t[32];
		snprintf(t, sizeof(t), "%d/%d", pass, fail);
		fprintf(f, " %9s %4d %5.0fs\n", json_object_size(json_object_get(rec, "tests")) ? t : "-",
			rows[i].exit_code, rows[i].seconds);
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:i,s:f,s:O?,s:i,s:i}", "label",
						     rows[i].e->label, "outdir", rows[i].outdir, "log",
						     rows[i].log, "exit_code", rows[i].exit_code, "seconds",
						     rows[i].seconds, "stages", stages, "tests_passed", pass,
						     "tests_failed", fail));
		json_decref(rec);
	}
	fclose(f);
	return buf;
}

/* DIR/report.html: every row on one page (each with its own history's
 * trends), and the summary: one verdict line per row. */
static int matrix_report(const char *dir, const struct matrix_plan *plan, const struct row *rows)
{
	struct report_run *rr = xcalloc(plan->n, sizeof(*rr));
	const char **labels = xcalloc(plan->n, sizeof(char *));
	const json_t **docs = xcalloc(plan->n, sizeof(json_t *));
	char **links = xcalloc(plan->n, sizeof(char *));
	for (size_t i = 0; i < plan->n; i++) {
		json_t *doc = rundoc_load(rows[i].outdir);
		kb_clear_error();
		char *hist = path_join(rows[i].outdir, "history");
		links[i] = xasprintf("%s/%s", rows[i].e->label, REPORT_HTML);
		rr[i] = (struct report_run){.doc = doc,
					    .history = doc ? history_runs(hist) : NULL,
					    .label = rows[i].e->label,
					    .link = links[i]};
		labels[i] = rows[i].e->label;
		docs[i] = doc;
		free(hist);
	}
	char *page = path_join(dir, REPORT_HTML);
	char *title = xasprintf("kbuild matrix: %zu rows (%s)", plan->n, dir);
	int rc = report_html_write(page, title, rr, plan->n, true);
	fflush(stdout); /* the table first */
	report_summary_matrix(stderr, labels, docs, plan->n, rc == 0 ? page : NULL, report_use_color(stderr));
	for (size_t i = 0; i < plan->n; i++) {
		json_decref((json_t *)rr[i].doc);
		json_decref((json_t *)rr[i].history);
		free(links[i]);
	}
	free(title);
	free(page);
	free(links);
	free(docs);
	free(labels);
	free(rr);
	return rc;
}

int matrix_main(const char *home, int argc, char **argv)
{
	(void)home;
	struct matrix_plan plan;
	if (matrix_parse(argc, argv, cpu_count(), &plan) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		matrix_plan_free(&plan);
		return 2;
	}
	if (mkdir_p(plan.outdir, 0755) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		matrix_plan_free(&plan);
		return 1;
	}
	char *dir = path_abs(plan.outdir);
	struct row *rows = xcalloc(plan.n, sizeof(struct row));
	char *self = realpath("/proc/self/exe", NULL);
	char *pristine = path_join(dir, "pristine");
	char *pristine_env = xasprintf("KBUILD_PRISTINE=%s", pristine);
	for (size_t i = 0; i < plan.n; i++) {
		rows[i].e = &plan.v[i];
		rows[i].fd = -1;
		rows[i].outdir = path_join(dir, plan.v[i].label);
		rows[i].log = xasprintf("%s/%s.log", dir, plan.v[i].label);
	}
	size_t parallel = (size_t)plan.parallel < plan.n ? (size_t)plan.parallel : plan.n;
	fprintf(stderr, "matrix: %zu profiles, %zu at a time, `kbuild %s` each, output in %s\n", plan.n,
		parallel, plan.command, dir);
	double t0 = now_seconds();
	run_rows(rows, plan.n, parallel, self ? self : "kbuild", plan.command, pristine_env);
	double wall = now_seconds() - t0;

	int worst = 0;
	for (size_t i = 0; i < plan.n; i++)
		worst = rows[i].exit_code > worst ? rows[i].exit_code : worst;
	json_t *doc = json_pack("{s:s,s:s,s:I,s:f,s:i,s:[]}", "command", plan.command, "pristine", pristine,
				"parallel", (json_int_t)parallel, "seconds", wall, "exit_code", worst,
				"profiles");
	char *table = summary(&plan, rows, doc);
	fprintf(stdout, "%s", table);
	printf("matrix: %zu profiles in %.0f s, exit %d (the worst)\n", plan.n, wall, worst);
	char *tp = path_join(dir, "matrix.txt"), *jp = path_join(dir, "matrix.json");
	if (write_file_atomic(tp, table, strlen(table)) < 0 || rundoc_write(doc, jp) < 0 ||
	    matrix_report(dir, &plan, rows) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		worst = worst ? worst : 1;
	}
	free(tp);
	free(jp);
	free(table);
	json_decref(doc);
	for (size_t i = 0; i < plan.n; i++) {
		free(rows[i].outdir);
		free(rows[i].log);
	}
	free(rows);
	free(self);
	free(pristine_env);
	free(pristine);
	free(dir);
	matrix_plan_free(&plan);
	return worst;
}
