/* extract: a pristine source tree in <out>/src, from the fetched tarball
 * (libarchive, refusing entries that escape the tree) or a copy of tree=. */
#define _GNU_SOURCE
#include "source/pristine.h"
#include "stages/stage.h"
#include "core/records.h"

static int extract_inputs(struct run *r, struct stamp *s)
{
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		kb_clear_error(); /* not fetched yet: the stage is simply stale */
	stamp_add(s, "source kind", src.kind);
	stamp_add(s, "source path", src.path);
	stamp_add(s, "source sha256", src.sha256);
	source_rec_free(&src);
	return 0;
}

const struct stage stage_extract = {
	.name = "extract",
	.summary = "unpack a pristine tree",
	.inputs = extract_inputs,
	.run = pristine_tree,
};
