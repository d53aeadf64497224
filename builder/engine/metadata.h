/* metadata.json: what a run did, written when it starts and rewritten after
 * every stage, so a killed run still leaves a record. The layout follows
 * tuxmake's (source, compiler, build variables, results with per-stage
 * status and durations, warnings/errors, artifacts), which CI systems read. */
#ifndef KBUILD_METADATA_H
#define KBUILD_METADATA_H

#include "core/run.h"

#include <jansson.h>

/* Starts the record; argv is the command line, for the reproducer. */
void metadata_begin(struct run *r, int argc, char **argv);
/* Records a stage's outcome ("pass", "fail", "skip") and rewrites the file. */
void metadata_stage(struct run *r, const char *stage, const char *status, double seconds);
/* Final status of the run; rewrites the file. */
void metadata_end(struct run *r, int exit_code);

#endif
