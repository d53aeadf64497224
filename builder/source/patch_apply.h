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

/* Returned when the tree cannot be proven to hold a prefix of the series
 * (an interrupted run, a file a patch touched changed by hand, a patch that
 * does not reverse cleanly, a record without its proof): the caller must
 * re-extract the tree and start again. */
#define SERIES_REEXTRACT (-2)

/* Bring tree to "pristine + s" with GNU patch (`patch -pN -N -s --batch
 * --no-backup-if-mismatch -d tree -i file`), output to log (may be NULL).
 *
 * The tree keeps the longest prefix of what it holds that s starts with
 * (names and contents); the patches after it are reversed, last first, and
 * the rest of s is applied. Before anything is reversed, every file the
 * recorded patches touched must hold the state the last of them left
 * (source/patch_proof.h); each reversal is dry-run first (`patch -R
 * --dry-run`) from the stored copy of the patch as it was applied, and after
 * it every file it touched must be back in its state from before the patch.
 * Files no patch touches keep their mtimes, so make rebuilds only what the
 * changed patches reach.
 *
 * Each patch is dry-run before it is applied; one that does not apply leaves
 * the tree as it was before it, and the error names the patch (series:line),
 * the file and the failing hunk. A patch that does not apply but reverses
 * cleanly is reported as already applied. An optional patch that does not
 * apply is skipped and logged.
 *
 * applied_path records the tree's state, one line per patch handled:
 *   "<sha256> <name>"          applied
 *   "<sha256> <name> skipped"  optional, did not apply, skipped
 *   "<sha256> <name> applying" patch was running for real, forwards or in
 *                              reverse (an interrupted run leaves it: the
 *                              tree is then re-extracted)
 * rewritten atomically before and after each patch; its proof is
 * <applied_path>.d (source/patch_proof.h), written before it. An "applying"
 * line, or a tree that cannot be proven as above, returns SERIES_REEXTRACT
 * with kb_fail(); the caller then re-extracts (applied_forget first) and
 * calls again. Returns 0, -1 (kb_fail), or SERIES_REEXTRACT. */
int series_apply(const struct series *s, const char *tree, const char *applied_path, FILE *log);

/* Removes the applied list and its proof (the tree is being re-extracted). */
int applied_forget(const char *applied_path);

#endif
