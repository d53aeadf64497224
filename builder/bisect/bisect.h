/* kbuild bisect: the first patch of the profile's series whose prefix fails
 * a check (the build, the boot, or one self-test), found by binary search
 * over the prefixes (bisect/search.h). Each step is a normal run of the
 * chain into the same output directory with patches.upto set, so the tree
 * is re-patched in place and make rebuilds only what the changed patches
 * reach; its record is kept as O/bisect/step-K.json. The answer goes to
 * stdout (first line: the one-line answer), to O/bisect.json, and as the
 * member "bisect" into the last step's record.json and kcidb.json. */
#ifndef KBUILD_BISECT_BISECT_H
#define KBUILD_BISECT_BISECT_H

#include "core/run.h"

/* Exit codes (README): found, not found, inconclusive; 2 bad input, 1 a
 * step that could not say anything about its prefix (e.g. the source could
 * not be prepared). */
#define BISECT_EXIT_FOUND 0
#define BISECT_EXIT_ERROR 1
#define BISECT_EXIT_BAD_INPUT 2
#define BISECT_EXIT_NOT_FOUND 3
#define BISECT_EXIT_INCONCLUSIVE 4

#define BISECT_FORMAT "kbuild-bisect"
#define BISECT_VERSION 1

/* Runs the bisect on r (profile, O and its lock set up by main); each step
 * runs the chain through run_chain (cmd/make.c's command_run_chain: the run
 * document, the records) with r->set, r->last and r->argv changed for the
 * step and restored after it. Returns the exit code. */
int bisect_main(struct run *r, int (*run_chain)(struct run *r));

#endif
