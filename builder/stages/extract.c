/* extract: a pristine source tree in <out>/src, from the fetched tarball
 * (libarchive, refusing entries that escape the tree) or a copy of tree=. */
#include "source/pristine.h"
#include "stages/chain.h"
#include "core/records.h"
#include "source/tree_digest.h"

#include <string.h>

static int extract_inputs(struct run *r, struct stamp *s)
{
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		kb_clear_error(); /* not fetched yet: the stage is simply stale */
	stamp_add(s, "source kind", src.kind);
	stamp_add(s, "source path", src.path);
	stamp_add(s, "source sha256", src.sha256);
	/* a tree= source has no digest of its own: its listing is stamped, so
	 * an edit in it makes extract copy it again */
	if (src.kind && src.path && !strcmp(src.kind, "tree")) {
		char hex[SHA256_HEX_LEN + 1];
		if (tree_digest(src.path, hex) < 0) {
			source_rec_free(&src);
			return -1;
		}
		stamp_add(s, "source tree listing", hex);
	}
	source_rec_free(&src);
	return 0;
}

static char *tree_missing(struct run *r)
{
	return is_dir(r->srcdir) ? NULL : xasprintf("%s is gone", r->srcdir);
}

const struct stage stage_extract = {
	.name = "extract",
	.summary = "unpack a pristine tree",
	.inputs = extract_inputs,
	.missing = tree_missing,
	.run = pristine_tree,
};
