/* The output directory O: which commands may create it, how it is locked,
 * and proof that a directory is one kbuild made before `clean` removes it. */
#ifndef KBUILD_CORE_OUTDIR_H
#define KBUILD_CORE_OUTDIR_H

#include "core/run.h"

#define OUTDIR_MARKER ".kbuild-output"

enum outdir_use {
	OUTDIR_RUN,    /* a stage command: creates O, marks it, exclusive lock */
	OUTDIR_STATUS, /* reads only: never creates O, shared lock */
	OUTDIR_CLEAN,  /* never creates O, exclusive lock */
};

/* Sets r->outdir (absolute) and the directories under it, and locks O as use
 * needs; *lock_fd gets the lock (-1 when none was taken). Returns 0, 1 when O
 * does not exist (status, clean: nothing was created), or -1 with kb_fail()
 * (e.g. O is in use, naming the pid). */
int outdir_open(struct run *r, const char *dir, enum outdir_use use, int *lock_fd);

/* Whether dir may be removed by `kbuild clean`: it holds the marker kbuild
 * writes into every output directory, and it is not /, $HOME, kbuild's
 * checkout (home), the current directory or a parent of any of these.
 * Returns 0, or -1 with kb_fail() saying why not. */
int outdir_check_removable(const char *dir, const char *home);

/* `kbuild clean`: the checks above, then stamps first (an interrupted clean
 * leaves nothing trusted), then the whole directory. Returns 0 or -1. */
int outdir_clean(const struct run *r);

#endif
