#include "engine/pipeline.h"
#include "engine/metadata.h"
#include "engine/stagelog.h"
#include "lib/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *stamp_path(const struct run *r, const struct stage *st)
{
	return xasprintf("%s/%s", r->stampdir, st->name);
}

/* The inputs of stage i, chained to the digest of stage i-1's stamp. */
static int collect_inputs(struct run *r, const struct stage *const *stages, size_t i, struct stamp *s)
{
	if (i > 0) {
		char *prev = stamp_path(r, stages[i - 1]);
		char *d = stamp_read_digest(prev);
		free(prev);
		char key[64];
		snprintf(key, sizeof(key), "after %s", stages[i - 1]->name);
		stamp_add(s, key, d ? d : "none");
		free(d);
	}
	return stages[i]->inputs ? stages[i]->inputs(r, s) : 0;
}

/* What the stage learnt goes into the run document, and metadata.json is
 * written again from it. */
static void record_stage(struct run *r, const struct stage *st, enum stage_status status, double seconds)
{
	if (!r->doc)
		return;
	if (st->describe)
		st->describe(r, r->doc);
	kb_clear_error(); /* a describe hook reads what is there; absence is not an error */
	rundoc_stage(r->doc, st->name, status, seconds);
	metadata_write(r);
}

/* Removes the stamps of stages[from..n): a stage that runs (re)makes its
 * output, so no later stage's stamp may vouch for what that stage made from
 * the old one. Stamps hash inputs only: without this, a re-run that brings
 * back the earlier inputs (extract X, extract Y, extract X) gives the earlier
 * digest, and a later stage would match its old stamp over the new output
 * (the patch stage "up to date" over an unpatched tree). */
static int invalidate_from(const struct run *r, const struct stage *const *stages, size_t from, size_t n)
{
	for (size_t k = from; k < n; k++) {
		char *sp = stamp_path(r, stages[k]);
		int rc = unlink(sp) < 0 && errno != ENOENT
				 ? kb_fail("cannot remove %s: %s", sp, strerror(errno))
				 : 0;
		free(sp);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int pipeline_run(struct run *r, const struct stage *const *stages, size_t n, size_t last)
{
	bool rerun_rest = false;
	if (mkdir_p(r->stampdir, 0755) < 0 || mkdir_p(r->logdir, 0755) < 0)
		return stagelog_fatal(kb_last_error());
	for (size_t i = 0; i <= last && i < n; i++) {
		const struct stage *st = stages[i];
		double t0 = now_seconds();
		if (spawn_interrupted()) { /* a signal between stages: start nothing more */
			fprintf(stderr, "kbuild: interrupted before %s\n", st->name);
			return 1;
		}
		struct stamp s = {0};
		char *sp = stamp_path(r, st);
		char *why = NULL;
		if (collect_inputs(r, stages, i, &s) < 0) {
			stagelog_line(i, n, st->name, "FAILED", now_seconds() - t0, NULL);
			fprintf(stderr, "kbuild: %s: %s\n", st->name, kb_last_error());
			stamp_free(&s);
			free(sp);
			return 1;
		}
		enum stamp_state state = rerun_rest ? STAMP_DIFFERS : stamp_compare(sp, &s, &why);
		if (state == STAMP_MATCH && st->missing && (why = st->missing(r)))
			state = STAMP_DIFFERS; /* inputs unchanged, output gone: run again */
		if (state == STAMP_MATCH) {
			stagelog_line(i, n, st->name, "up to date", now_seconds() - t0, NULL);
			record_stage(r, st, STAGE_SKIP, now_seconds() - t0);
			stamp_free(&s);
			free(sp);
			continue;
		}
		rerun_rest = true;
		/* The old stamp goes first, and every later stage's with it: a run
		 * killed from here on must not leave a stamp that vouches for a
		 * half-written output, nor for one made from the old output. */
		if (invalidate_from(r, stages, i, n) < 0) {
			stagelog_line(i, n, st->name, "FAILED", now_seconds() - t0, NULL);
			fprintf(stderr, "kbuild: %s: %s\n", st->name, kb_last_error());
			free(why);
			stamp_free(&s);
			free(sp);
			return 1;
		}
		stagelog_begin(r, st->name, why);
		free(why);
		kb_clear_error();
		int rc = st->run(r);
		double dt = now_seconds() - t0;
		if (rc == 0 && spawn_interrupted())
			rc = kb_fail("interrupted"); /* whatever it did, no stamp vouches for it */
		if (rc != 0) {
			stagelog_fail(r, i, n, st->name, dt);
			record_stage(r, st, STAGE_FAIL, dt);
			stamp_free(&s);
			free(sp);
			return rc > 0 ? rc : 1;
		}
		if (stagelog_close(r) < 0 || stamp_write(sp, &s) < 0) {
			stagelog_fail(r, i, n, st->name, dt);
			stamp_free(&s);
			free(sp);
			return 1;
		}
		stagelog_end(r, i, n, st->name, dt);
		record_stage(r, st, STAGE_PASS, dt);
		stamp_free(&s);
		free(sp);
	}
	return 0;
}

int pipeline_status(struct run *r, const struct stage *const *stages, size_t n, FILE *out)
{
	bool blocked = false;
	const char *blocker = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct stage *st = stages[i];
		char *sp = stamp_path(r, st);
		if (blocked) {
			fprintf(out, "%-10s  not run    (after %s)\n", st->name, blocker);
			free(sp);
			continue;
		}
		struct stamp s = {0};
		char *why = NULL;
		enum stamp_state state = STAMP_MISSING;
		if (collect_inputs(r, stages, i, &s) < 0)
			why = xasprintf("cannot read inputs: %s", kb_last_error());
		else
			state = stamp_compare(sp, &s, &why);
		if (state == STAMP_MATCH && st->missing && (why = st->missing(r)))
			state = STAMP_DIFFERS;
		if (state == STAMP_MATCH)
			fprintf(out, "%-10s  done\n", st->name);
		else if (state == STAMP_DIFFERS || why)
			fprintf(out, "%-10s  stale      (%s)\n", st->name, why);
		else
			fprintf(out, "%-10s  not run\n", st->name);
		if (state != STAMP_MATCH) {
			blocked = true;
			blocker = st->name;
		}
		free(why);
		stamp_free(&s);
		free(sp);
	}
	return 0;
}
