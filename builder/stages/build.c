/* build: the boot image and modules, every object under <out>/build (make O=),
 * the source tree left clean. */
#include "kernel/buildlog.h"
#include "lib/outfile.h"
#include "kernel/kmake.h"
#include "lib/json.h"
#include "stages/chain.h"
#include "core/records.h"
#include "kernel/toolchain.h"
#include "kernel/arch.h"

#include <stdlib.h>
#include <string.h>

/* build.targets, else the arch's boot image and the modules. */
static void targets(struct run *r, struct strv *t)
{
	for (size_t i = 0; i < r->set->build.targets.n; i++)
		strv_push(t, r->set->build.targets.v[i]);
	if (!t->n) {
		const struct kernel_arch *a = kernel_arch(r);
		kb_clear_error(); /* an unknown arch fails the install stage, which needs the image */
		strv_push(t, a ? a->image : "bzImage");
		strv_push(t, "modules");
	}
}

static int build_inputs(struct run *r, struct stamp *s)
{
	char *dotconfig = path_join(r->objdir, ".config");
	stamp_add_file(s, ".config", dotconfig);
	free(dotconfig);
	struct strv t = {0}, env = {0};
	targets(r, &t);
	for (size_t i = 0; i < t.n; i++)
		stamp_add(s, "target", t.v[i]);
	kmake_env(r, &env);
	for (size_t i = 0; i < env.n; i++)
		stamp_add(s, "env", env.v[i]);
	strv_free(&t);
	strv_free(&env);
	char *ver = toolchain_version(r);
	stamp_add(s, "compiler", ver);
	free(ver);
	return 0;
}

static int build_run(struct run *r)
{
	if (toolchain_check(r) < 0)
		return -1;
	struct strv t = {0};
	targets(r, &t);
	long jobs = r->set->build.jobs;
	struct build_rec last;
	size_t expected = build_rec_get(r, &last) == 0 ? last.steps : 0; /* for the progress */
	kb_clear_error();

	struct buildlog b = {0};
	double t0 = now_seconds();
	int st = kmake(r, (const char *const *)t.v, t.n, jobs, &b, expected);
	double secs = now_seconds() - t0;
	int rc = 0;
	if (st != 0) {
		char *log = xasprintf("%s/build.log", r->logdir);
		if (st > 0)
			rc = kb_fail("make failed (status %d)%s%s; full log: %s", st,
				     b.first_error ? ", first error: " : "",
				     b.first_error ? b.first_error : "", log);
		else
			rc = -1;
		free(log);
	} else {
		struct build_rec rec = {b.steps, b.warnings, b.errors, secs, jobs};
		/* the objects on disk (and write-back errors seen) before a stamp vouches for them */
		rc = sync_tree(r->objdir);
		if (rc == 0)
			rc = build_rec_put(r, &rec);
		fprintf(r->log, "%zu steps, %zu warnings, %.1f s\n", b.steps, b.warnings, secs);
	}
	buildlog_free(&b);
	strv_free(&t);
	return rc;
}

static json_t *json_strings(const struct strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

/* The compiler warnings of the build that made the kernel (logs/build.log),
 * each once, in the order make printed them. */
static json_t *warning_list(struct run *r)
{
	json_t *a = json_array(), *seen = json_object();
	char *p = path_join(r->logdir, "build.log");
	char *text = path_exists(p) ? read_file(p, NULL) : NULL;
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *file, *msg;
		long line;
		if (!buildlog_warning(l, &file, &line, &msg))
			continue;
		char *key = xasprintf("%s:%ld: %s", file, line, msg);
		if (!json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_array_append_new(a, json_pack("{s:s,s:I,s:s}", "file", file, "line",
							   (json_int_t)line, "message", msg));
		}
		free(key);
		free(file);
		free(msg);
	}
	json_decref(seen);
	free(text);
	free(p);
	return a;
}

/* "toolchain" and "compiler", "make" (how make ran), "kernel_release", and
 * what the build counted ("build") and warned ("warnings"). */
static void build_describe(struct run *r, struct rundoc *doc)
{
	char *cc = toolchain_cc(r), *ver = toolchain_version(r);
	rundoc_set(doc, "toolchain", json_pack("{s:s,s:s}", "command", cc, "version_full", ver));
	rundoc_set(doc, "compiler", json_string(ver));
	free(cc);
	free(ver);
	struct strv vars = {0}, env = {0}, t = {0};
	toolchain_make_vars(r, &vars);
	kmake_env(r, &env);
	targets(r, &t);
	rundoc_set(doc, "make",
		   json_pack("{s:o,s:s,s:s?,s:o,s:o,s:I}", "make_variables", json_strings(&vars), "arch",
			     kernel_arch_name(r), "cross", r->set->build.cross, "environment",
			     json_strings(&env), "targets", json_strings(&t), "jobs",
			     (json_int_t)r->set->build.jobs));
	strv_free(&vars);
	strv_free(&env);
	strv_free(&t);
	char *rel = kmake_release(r);
	if (rel)
		rundoc_set(doc, "kernel_release", json_string(rel));
	free(rel);
	struct build_rec b;
	if (build_rec_get(r, &b) == 0) {
		rundoc_set(doc, "build",
			   json_pack("{s:I,s:I,s:I,s:f}", "steps", (json_int_t)b.steps, "warnings",
				     (json_int_t)b.warnings, "errors", (json_int_t)b.errors, "seconds",
				     b.seconds));
		rundoc_set(doc, "warnings", warning_list(r));
		build_rec_free(&b);
	}
}

static char *build_missing(struct run *r)
{
	return is_dir(r->objdir) ? NULL : xasprintf("%s is gone", r->objdir);
}

const struct stage stage_build = {
	.name = "build",
	.summary = "make the boot image and modules",
	.inputs = build_inputs,
	.missing = build_missing,
	.run = build_run,
	.describe = build_describe,
};
