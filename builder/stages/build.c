/* build: bzImage and modules, every object under <out>/build (make O=),
 * the source tree left clean. */
#define _GNU_SOURCE
#include "kernel/kmake.h"
#include "stages/stage.h"
#include "kernel/toolchain.h"

#include <stdlib.h>
#include <string.h>

static void targets(struct run *r, struct strv *t)
{
	if (!profile_get_list(r->prof, "build", "targets", t)) {
		strv_push(t, "bzImage");
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
	long jobs = profile_get_int(r->prof, "build", "jobs", toolchain_cpus());
	char *last = run_record_get(r, "build.rec", "steps");
	size_t expected = last ? strtoul(last, NULL, 10) : 0;
	free(last);

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
		char *text = xasprintf("steps %zu\nwarnings %zu\nerrors %zu\nseconds %.1f\njobs %ld\n", b.steps,
				       b.warnings, b.errors, secs, jobs);
		rc = run_record_write(r, "build.rec", text);
		free(text);
		fprintf(r->log, "%zu steps, %zu warnings, %.1f s\n", b.steps, b.warnings, secs);
	}
	buildlog_free(&b);
	strv_free(&t);
	return rc;
}

const struct stage stage_build = {
	.name = "build",
	.summary = "make bzImage and modules",
	.inputs = build_inputs,
	.run = build_run,
};
