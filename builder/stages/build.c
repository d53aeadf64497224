/* build: the boot image and modules, every object under <out>/build (make O=),
 * the source tree left clean. */
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
				     b.first_error ? ", first error: " : "", b.first_error ? b.first_error : "",
				     log);
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

/* metadata.json "compiler", "build" (how make ran), "kernel_release", and
 * the build's counts in "results". */
static void build_metadata(struct run *r, json_t *meta)
{
	char *cc = toolchain_cc(r), *ver = toolchain_version(r);
	json_object_set_new(meta, "compiler", json_pack("{s:s,s:s}", "command", cc, "version_full", ver));
	free(cc);
	free(ver);
	struct strv vars = {0}, env = {0}, t = {0};
	toolchain_make_vars(r, &vars);
	kmake_env(r, &env);
	if (!kmake_epoch_known(r)) /* before extract: no date to report yet */
		for (size_t i = env.n; i-- > 0;)
			if (!strncmp(env.v[i], "SOURCE_DATE_EPOCH=", 18) ||
			    !strncmp(env.v[i], "KBUILD_BUILD_TIMESTAMP=", 23)) {
				free(env.v[i]);
				memmove(&env.v[i], &env.v[i + 1], (env.n - i) * sizeof(*env.v));
				env.n--;
			}
	targets(r, &t);
	const char *arch = kernel_arch_name(r);
	json_object_set_new(meta, "build",
			    json_pack("{s:o,s:s,s:s?,s:o,s:o,s:I}", "make_variables", json_strings(&vars),
				      "arch", arch, "cross", r->set->build.cross, "environment", json_strings(&env),
				      "targets", json_strings(&t), "jobs",
				      (json_int_t)r->set->build.jobs));
	strv_free(&vars);
	strv_free(&env);
	strv_free(&t);
	char *rel = kmake_release(r);
	kb_clear_error();
	json_object_set_new(meta, "kernel_release", json_str_or_null(rel));
	free(rel);
	struct build_rec b;
	bool built = build_rec_get(r, &b) == 0;
	kb_clear_error();
	json_t *results = json_object_get(meta, "results");
	json_object_set_new(results, "warnings", built ? json_integer((json_int_t)b.warnings) : json_null());
	json_object_set_new(results, "errors", built ? json_integer((json_int_t)b.errors) : json_null());
	json_object_set_new(results, "steps", built ? json_integer((json_int_t)b.steps) : json_null());
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
	.metadata = build_metadata,
};
