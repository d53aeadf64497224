/* patch: apply the profile's quilt series to the tree, recording what was
 * applied so a re-run neither re-applies nor double-applies. */
#include "source/series.h"
#include "lib/json.h"
#include "source/patch_apply.h"
#include "source/pristine.h"
#include "stages/chain.h"
#include "core/records.h"
#include "lib/outfile.h"
#include "source/tree_links.h"

#include <stdlib.h>

static char *series_path(struct run *r)
{
	const char *s = r->set->patches.series;
	return s ? home_path(r, s) : NULL;
}

static int patch_inputs(struct run *r, struct stamp *s)
{
	char *path = series_path(r);
	/* As the profile names it: moving the kbuild checkout changes nothing. */
	const char *named = r->set->patches.series;
	stamp_add(s, "series", named ? named : "none");
	if (!path)
		return 0;
	struct series ser;
	if (series_load(path, &ser) < 0) {
		free(path);
		return -1;
	}
	stamp_add_file(s, "series file", path);
	for (size_t i = 0; i < ser.n; i++)
		stamp_add(s, ser.e[i].name, ser.e[i].sha256);
	series_free(&ser);
	free(path);
	return 0;
}

static int patch_run(struct run *r)
{
	char *path = series_path(r);
	if (!path) {
		fprintf(r->log, "the profile names no patch series\n");
		return 0;
	}
	struct series ser;
	int rc = series_load(path, &ser);
	free(path);
	if (rc < 0)
		return -1;
	char *applied = record_applied_path(r);
	rc = series_apply(&ser, r->srcdir, applied, r->log);
	if (rc == SERIES_REEXTRACT) {
		/* The tree carries another version of the series: start again
		 * from a pristine tree rather than guess what to revert. */
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
	if (rc == 0)
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
				json_array_append_new(a, json_pack("{s:s,s:s}", "name", list.l[i].name, "sha256",
								   list.l[i].sha256));
		rundoc_set(doc, "patches", a);
		applied_free(&list);
	}
	free(path);
}

const struct stage stage_patch = {
	.name = "patch",
	.summary = "apply the patch series",
	.inputs = patch_inputs,
	.run = patch_run,
	.describe = patch_describe,
};
