/* patch: bring the tree to the profile's quilt series (or its first
 * patches.upto patches), recording what was applied so a re-run neither
 * re-applies nor double-applies; a changed series is re-patched from the
 * longest prefix the tree already holds (source/patch_apply.h). */
#include "source/series.h"
#include "lib/json.h"
#include "source/patch_apply.h"
#include "source/pristine.h"
#include "stages/chain.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "lib/spawn.h"
#include "source/tree_links.h"

#include <stdlib.h>

static char *series_path(struct run *r)
{
	const char *s = r->set->patches.series;
	return s ? home_path(r, s) : NULL;
}

/* The series the run asks for: the profile's, cut to patches.upto; no
 * series is the empty one (the tree then loses any patch it holds). *full
 * is the length of the whole series. */
static int load_series(struct run *r, struct series *ser, size_t *full)
{
	long upto = r->set->patches.upto;
	char *path = series_path(r);
	*full = 0;
	if (!path) {
		*ser = (struct series){.file = xstrdup("(no series)")};
		if (upto > 0)
			return kb_fail("patches.upto=%ld (%s) but the profile names no patch series", upto,
				       settings_origin(r->set, &r->set->patches.upto));
		return 0;
	}
	int rc = series_load(path, ser);
	free(path);
	if (rc < 0)
		return -1;
	*full = ser->n;
	if (upto >= 0 && (size_t)upto > ser->n) {
		rc = kb_fail("patches.upto=%ld (%s) is beyond the series %s (%zu patches)", upto,
			     settings_origin(r->set, &r->set->patches.upto), ser->file, ser->n);
		series_free(ser);
		return rc;
	}
	if (upto >= 0)
		series_truncate(ser, (size_t)upto);
	return 0;
}

static int patch_inputs(struct run *r, struct stamp *s)
{
	/* As the profile names it: moving the kbuild checkout changes nothing. */
	const char *named = r->set->patches.series;
	stamp_add(s, "series", named ? named : "none");
	struct series ser;
	size_t full;
	if (load_series(r, &ser, &full) < 0)
		return -1;
	if (named) {
		char *path = series_path(r);
		stamp_add_file(s, "series file", path);
		free(path);
	}
	if (r->set->patches.upto >= 0) {
		char n[32];
		snprintf(n, sizeof(n), "%ld of %zu", r->set->patches.upto, full);
		stamp_add(s, "upto", n);
	}
	for (size_t i = 0; i < ser.n; i++)
		stamp_add(s, ser.e[i].name, ser.e[i].sha256);
	series_free(&ser);
	return 0;
}

static int patch_run(struct run *r)
{
	struct series ser;
	size_t full;
	if (load_series(r, &ser, &full) < 0)
		return -1;
	if (!r->set->patches.series)
		fprintf(r->log, "the profile names no patch series\n");
	char *applied = record_applied_path(r);
	int rc = series_apply(&ser, r->srcdir, applied, r->log);
	if (rc == SERIES_REEXTRACT && spawn_interrupted()) {
		/* the record keeps its "applying" mark: the next run re-extracts */
		fprintf(r->log, "%s\n", kb_last_error());
		rc = -1;
	} else if (rc == SERIES_REEXTRACT) {
		/* The tree cannot be proven to hold a prefix of the series: start
		 * again from a pristine tree rather than guess. */
		fprintf(r->log, "%s\nre-extracting a pristine tree\n", kb_last_error());
		rc = pristine_tree(r);
		if (rc == 0)
			rc = series_apply(&ser, r->srcdir, applied, r->log);
	}
	/* a patch may create symlinks: none may lead out of the tree */
	if (rc == 0)
		rc = tree_links_scan("the patch series", r->srcdir);
	if (rc == 0)
		rc = sync_tree(r->srcdir);
	if (rc == 0 && ser.n < full)
		fprintf(r->log, "%zu of the series' %zu patches applied (patches.upto=%ld)\n", ser.n, full,
			r->set->patches.upto);
	else if (rc == 0)
		fprintf(r->log, "%zu patches applied\n", ser.n);
	free(applied);
	series_free(&ser);
	return rc < 0 ? -1 : 0;
}

/* "patches": the patches the tree holds (O/applied), in order, with their
 * sha256; a skipped optional patch is not one of them. */
static void patch_describe(struct run *r, struct rundoc *doc)
{
	char *path = record_applied_path(r);
	struct applied list;
	if (applied_load(path, &list) == 0) {
		json_t *a = json_array();
		for (size_t i = 0; i < list.n; i++)
			if (list.l[i].state == PATCH_APPLIED)
				json_array_append_new(a, json_pack("{s:s,s:s}", "name", list.l[i].name,
								   "sha256", list.l[i].sha256));
		rundoc_set(doc, "patches", a);
		applied_free(&list);
	}
	free(path);
	/* "series": which series, how long, and how much of it the run asked for */
	struct series ser;
	size_t full;
	if (load_series(r, &ser, &full) == 0) {
		long upto = r->set->patches.upto;
		rundoc_set(doc, "series",
			   json_pack("{s:o,s:I,s:o}", "file", json_str_or_null(r->set->patches.series),
				     "length", (json_int_t)full, "upto",
				     upto >= 0 ? json_integer(upto) : json_null()));
		series_free(&ser);
	}
}

const struct stage stage_patch = {
	.name = "patch",
	.summary = "apply the patch series",
	.inputs = patch_inputs,
	.run = patch_run,
	.describe = patch_describe,
};
