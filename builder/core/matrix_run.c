/* matrix_main (matrix.h): runs the plan's rows as child kbuild processes,
 * at most plan.parallel at once, and prints the summary. */
#define _GNU_SOURCE
#include "core/matrix.h"
#include "core/pipeline.h"
#include "kernel/toolchain.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "report/record.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	const struct matrix_entry *e;
	char *outdir, *log;
	int exit_code;
	double seconds;
};

struct pool {
	const struct matrix_plan *plan;
	struct row *rows;
	char *self;        /* this kbuild executable */
	char *env_pristine;
	size_t next;
	pthread_mutex_t mu;
};

static void run_row(struct pool *p, struct row *r)
{
	struct strv argv = {0};
	strv_push(&argv, p->self);
	strv_push(&argv, p->plan->command);
	for (size_t i = 0; i < r->e->nargs; i++)
		strv_push(&argv, r->e->args[i]);
	strv_push_owned(&argv, xasprintf("O=%s", r->outdir));
	int fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	double t0 = now_seconds();
	if (fd < 0) {
		r->exit_code = 1;
		fprintf(stderr, "matrix: %s: cannot write %s: %s\n", r->e->label, r->log, strerror(errno));
	} else {
		char *env[] = {p->env_pristine, NULL};
		struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fd, .stderr_fd = fd, .env_add = env};
		int st = spawn_run(strv_argv(&argv), &o);
		r->exit_code = st < 0 ? 1 : st;
		close(fd);
	}
	r->seconds = now_seconds() - t0;
	strv_free(&argv);
}

/* The last non-empty line of a row's log: the failing child's one-line
 * reason (malloc'd, or NULL). */
static char *last_line(const char *path)
{
	char *text = read_file(path, NULL);
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

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		if (i < p->plan->n)
			fprintf(stderr, "matrix: %-20s started   (log %s)\n", p->rows[i].e->label, p->rows[i].log);
		pthread_mutex_unlock(&p->mu);
		if (i >= p->plan->n)
			return NULL;
		run_row(p, &p->rows[i]);
		char *why = p->rows[i].exit_code ? last_line(p->rows[i].log) : NULL;
		pthread_mutex_lock(&p->mu);
		fprintf(stderr, "matrix: %-20s exit %d  after %.1f s%s%s\n", p->rows[i].e->label,
			p->rows[i].exit_code, p->rows[i].seconds, why ? ": " : "", why ? why : "");
		pthread_mutex_unlock(&p->mu);
		free(why);
	}
}

/* One cell: a stage that ran shows its duration, one up to date "ok". */
static void cell(char *buf, size_t n, const json_t *st)
{
	const char *s = json_string_value(json_object_get(st, "status"));
	double d = json_number_value(json_object_get(st, "duration"));
	if (!s)
		snprintf(buf, n, "-");
	else if (!strcmp(s, "fail"))
		snprintf(buf, n, "FAIL");
	else if (!strcmp(s, "skip"))
		snprintf(buf, n, "ok");
	else
		snprintf(buf, n, "%.0fs", d);
}

static void count_tests(const json_t *rec, int *pass, int *fail)
{
	*pass = *fail = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(rec, "tests"), k, v) {
		if (strchr(k, '.'))
			continue; /* subtests are inside their test's verdict */
		const char *s = json_string_value(json_object_get(v, "status"));
		if (s && !strcmp(s, "pass"))
			(*pass)++;
		else if (s && (!strcmp(s, "fail") || !strcmp(s, "missing")))
			(*fail)++;
	}
}

static int col_width(size_t stage)
{
	int n = (int)strlen(pipeline_stages[stage]->name);
	return n > 5 ? n : 5;
}

/* The table (and matrix.json): profile x stage, tests, exit code. */
static char *summary(const struct matrix_plan *plan, const struct row *rows, json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fprintf(f, "%-20s", "profile");
	for (size_t s = 0; s < pipeline_n_stages; s++)
		fprintf(f, " %*s", col_width(s), pipeline_stages[s]->name);
	fprintf(f, " %9s %4s %6s\n", "tests p/f", "exit", "wall");
	json_t *arr = json_object_get(doc, "profiles");
	for (size_t i = 0; i < plan->n; i++) {
		json_t *rec = record_load(rows[i].outdir);
		kb_clear_error();
		const json_t *stages = json_object_get(rec, "stages");
		fprintf(f, "%-20s", rows[i].e->label);
		for (size_t s = 0; s < pipeline_n_stages; s++) {
			char c[32];
			cell(c, sizeof(c), json_object_get(stages, pipeline_stages[s]->name));
			fprintf(f, " %*s", col_width(s), c);
		}
		int pass, fail;
		count_tests(rec, &pass, &fail);
		char t[32];
		snprintf(t, sizeof(t), "%d/%d", pass, fail);
		fprintf(f, " %9s %4d %5.0fs\n", json_object_size(json_object_get(rec, "tests")) ? t : "-",
			rows[i].exit_code, rows[i].seconds);
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:i,s:f,s:O?,s:i,s:i}", "label", rows[i].e->label,
						     "outdir", rows[i].outdir, "log", rows[i].log, "exit_code",
						     rows[i].exit_code, "seconds", rows[i].seconds, "stages", stages,
						     "tests_passed", pass, "tests_failed", fail));
		json_decref(rec);
	}
	fclose(f);
	return buf;
}

int matrix_main(const char *home, int argc, char **argv)
{
	(void)home;
	struct matrix_plan plan;
	if (matrix_parse(argc, argv, toolchain_cpus(), &plan) < 0) {
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
	struct pool p = {.plan = &plan, .rows = xcalloc(plan.n, sizeof(struct row))};
	p.self = realpath("/proc/self/exe", NULL);
	char *pristine = path_join(dir, "pristine");
	p.env_pristine = xasprintf("KBUILD_PRISTINE=%s", pristine);
	pthread_mutex_init(&p.mu, NULL);
	for (size_t i = 0; i < plan.n; i++) {
		p.rows[i].e = &plan.v[i];
		p.rows[i].outdir = path_join(dir, plan.v[i].label);
		p.rows[i].log = xasprintf("%s/%s.log", dir, plan.v[i].label);
	}
	size_t nthreads = (size_t)plan.parallel < plan.n ? (size_t)plan.parallel : plan.n;
	fprintf(stderr, "matrix: %zu profiles, %zu at a time, `kbuild %s` each, output in %s\n", plan.n, nthreads,
		plan.command, dir);
	double t0 = now_seconds();
	pthread_t *th = xcalloc(nthreads, sizeof(pthread_t));
	for (size_t i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, &p);
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	double wall = now_seconds() - t0;

	int worst = 0;
	for (size_t i = 0; i < plan.n; i++)
		worst = p.rows[i].exit_code > worst ? p.rows[i].exit_code : worst;
	json_t *doc = json_pack("{s:s,s:s,s:I,s:f,s:i,s:[]}", "command", plan.command, "pristine", pristine,
				"parallel", (json_int_t)nthreads, "seconds", wall, "exit_code", worst, "profiles");
	char *table = summary(&plan, p.rows, doc);
	fprintf(stdout, "%s", table);
	printf("matrix: %zu profiles in %.0f s, exit %d (the worst)\n", plan.n, wall, worst);
	char *tp = path_join(dir, "matrix.txt"), *jp = path_join(dir, "matrix.json");
	if (write_file_atomic(tp, table, strlen(table)) < 0 || record_write_json(doc, jp) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		worst = worst ? worst : 1;
	}
	free(tp);
	free(jp);
	free(table);
	json_decref(doc);
	for (size_t i = 0; i < plan.n; i++) {
		free(p.rows[i].outdir);
		free(p.rows[i].log);
	}
	free(th);
	free(p.rows);
	free(p.self);
	free(p.env_pristine);
	free(pristine);
	free(dir);
	pthread_mutex_destroy(&p.mu);
	matrix_plan_free(&plan);
	return worst;
}
