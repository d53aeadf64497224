/* What lets the patch stage take patches out of a tree again and prove the
 * result: beside the applied list (O/applied), a directory <applied>.d
 * holding a copy of every patch applied (so that it can be reversed after
 * the series changed or dropped it) and the list of the files each one
 * touched, with their state before and after it ran.
 *
 * <applied>.d/files, one block per line of the applied list, in its order:
 *   patch <sha256> -p<N> <name>
 *   file <before> <after> <path>     a file the patch touched (path relative
 *                                    to the tree); a state is "-" (absent),
 *                                    "<sha256>:<mode>" (a regular file, mode
 *                                    in octal) or "link:<sha256 of target>"
 *   dir <mode> <path>                a directory that held a file the patch
 *                                    created (GNU patch removes it when
 *                                    reversing leaves it empty)
 * <applied>.d/<sha256>.patch         the patch as it was applied
 *
 * The record proves "the tree is pristine + the applied list" for the files
 * patches touch: each holds the state the last patch touching it left. A
 * file no patch touched is outside it (the tree is kbuild's own: nothing is
 * built in O/src). */
#ifndef KBUILD_SOURCE_PATCH_PROOF_H
#define KBUILD_SOURCE_PATCH_PROOF_H

#include <stddef.h>

#include "lib/sha256.h"

#define PROOF_STATE_LEN (SHA256_HEX_LEN + 16)

struct proof_file {
	char *path;
	char before[PROOF_STATE_LEN], after[PROOF_STATE_LEN];
};
struct proof_dir {
	char *path;
	unsigned mode;
};
struct proof_patch {
	char sha256[SHA256_HEX_LEN + 1];
	char *name;
	int strip;
	struct proof_file *f;
	size_t nf;
	struct proof_dir *d;
	size_t n_dirs;
};
struct proof {
	char *dir; /* <applied>.d */
	struct proof_patch *p;
	size_t n;
};

/* The record beside applied_path: an absent one is empty (pf->n == 0).
 * Returns 0, or -1 with kb_fail() for a record that cannot be read or is
 * malformed (pf is then empty too). */
int proof_load(const char *applied_path, struct proof *pf);
void proof_free(struct proof *pf);
/* Writes <dir>/files atomically (the directory is created). */
int proof_write(const struct proof *pf);
/* Removes the record and the copies (the tree is being re-extracted, or
 * holds something the record cannot describe). */
int proof_forget(const char *applied_path);

/* A new block for a patch (its files added with proof_add_file). */
struct proof_patch *proof_push(struct proof *pf, const char *sha256, int strip, const char *name);
void proof_add_file(struct proof_patch *pp, const char *path, const char *before, const char *after);
void proof_add_dir(struct proof_patch *pp, const char *path, unsigned mode);
/* Drops the blocks from n on. */
void proof_truncate(struct proof *pf, size_t n);

/* The path of the stored copy of the patch with this digest (malloc'd). */
char *proof_copy_path(const struct proof *pf, const char *sha256);
/* Stores the patch file src as the copy of digest sha256; fails when its
 * content does not have that digest (it changed since the series was read). */
int proof_store_copy(const struct proof *pf, const char *src, const char *sha256);

/* The state of tree/rel as the record writes it. Returns 0, or -1 with
 * kb_fail() when it cannot be read. */
int proof_file_state(const char *tree, const char *rel, char out[PROOF_STATE_LEN]);
/* Every file the record names holds the state the last patch touching it
 * left. Returns 0, or -1 with kb_fail() naming the first file that does not. */
int proof_check(const struct proof *pf, const char *tree);

#endif
