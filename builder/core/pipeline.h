/* The fixed chain of stages, stamps that skip what is up to date, and the
 * one-line-per-stage report on the terminal. */
#ifndef KBUILD_PIPELINE_H
#define KBUILD_PIPELINE_H

#include "stages/stage.h"

extern const struct stage *const pipeline_stages[];
extern const size_t pipeline_n_stages;

/* The same over any table of stages (tests use their own). */
int pipeline_run_table(struct run *r, const struct stage *const *stages, size_t n, size_t last);
int pipeline_status_table(struct run *r, const struct stage *const *stages, size_t n, FILE *out);

/* Index of a stage by name, or -1. */
int pipeline_stage_index(const char *name);
/* Runs stages 0..last (inclusive), skipping those whose stamp matches.
 * Returns 0, or the failing stage's exit code (at least 1). */
int pipeline_run(struct run *r, size_t last);
/* Prints every stage as done / stale (why) / not run. */
int pipeline_status(struct run *r);

#endif
