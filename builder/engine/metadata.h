/* metadata.json: what a run did, rendered from the run document when the
 * run starts and again after every stage, so a killed run still leaves a
 * record. The layout follows tuxmake's (source, compiler, build variables,
 * results with per-stage status and durations, warnings/errors, artifacts),
 * which CI systems read. */
#ifndef KBUILD_ENGINE_METADATA_H
#define KBUILD_ENGINE_METADATA_H

#include "core/run.h"

/* Renders r->doc into O/metadata.json (a write error is a warning: the run
 * goes on, its records are written at the end). */
void metadata_write(struct run *r);

#endif
