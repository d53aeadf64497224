/* The runner of a chain of stages: stamps that skip what is up to date, the
 * one-line-per-stage report on the terminal, every later stage re-run after
 * one that ran. The chain itself (which stages, in which order) is the
 * caller's: kbuild's is stages/chain.h, tests pass their own. */
#ifndef KBUILD_ENGINE_PIPELINE_H
#define KBUILD_ENGINE_PIPELINE_H

#include "engine/stage.h"

/* Runs stages[0..last] (inclusive), skipping those whose stamp matches.
 * Returns 0, or the failing stage's exit code (at least 1). */
int pipeline_run(struct run *r, const struct stage *const *stages, size_t n, size_t last);
/* Prints every stage as done / stale (why) / not run. */
int pipeline_status(struct run *r, const struct stage *const *stages, size_t n, FILE *out);

#endif
