/* Applying a quilt series to a source tree with GNU patch, each patch
 * dry-run first, and the list of what the tree holds (O/applied). */
#ifndef KBUILD_SOURCE_PATCH_APPLY_H
#define KBUILD_SOURCE_PATCH_APPLY_H

#include <stdio.h>

#include "lib/sha256.h"
#include "source/series.h"

/* The applied list (O/applied, format below): what the tree holds. */
enum patch_state { PATCH_APPLIED, PATCH_SKIPPED, PATCH_APPLYING };
struct applied_line {
	char sha256[SHA256_HEX_LEN + 1];
	char *name;
	enum patch_state state;
};
struct applied {
	struct applied_line *l;
	size_t n;
};
/* Reads the list; a missing file is an empty list, a malformed one is an
 * error (kb_fail naming file:line): nobody can know what the tree holds. */
int applied_load(const char *path, struct applied *list);
void applied_free(struct applied *list);

/* Returned when the tree holds something other than a prefix of the series
 * (a recorded patch changed, the record lists other patches, or a patch
 * failed half-way): the caller must re-extract the tree and start again. */
#define SERIES_REEXTRACT (-2)

/* Apply s in order to tree with GNU patch (`patch -pN -N -s --batch
 * --no-backup-if-mismatch -d tree -i file`), output to log (may be NULL).
 * Each patch is dry-run first; one that does not apply leaves the tree as it
 * was before it, and the error names the patch (series:line), the file and the
 * failing hunk. A patch that does not apply but reverses cleanly is reported
 * as already applied. An optional patch that does not apply is skipped and
 * logged.
 *
 * applied_path records the tree's state, one line per patch handled:
 *   "<sha256> <name>"          applied
 *   "<sha256> <name> skipped"  optional, did not apply, skipped
 *   "<sha256> <name> applying" patch was running for real (an interrupted
 *                              run leaves it: the tree is then re-extracted)
 * rewritten atomically before and after each patch. On a re-run the recorded prefix is
 * not re-applied. A recorded patch whose digest differs, or a record that is
 * not a prefix of the series, or an "applying" line, returns SERIES_REEXTRACT with kb_fail(); the
 * caller then removes tree and applied_path, re-extracts, and calls again.
 * Returns 0, -1 (kb_fail), or SERIES_REEXTRACT. */
int series_apply(const struct series *s, const char *tree, const char *applied_path, FILE *log);

#endif
