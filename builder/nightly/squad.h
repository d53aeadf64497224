/* A SQUAD (LKFT) submission from a run record: what
 * POST /api/submit/GROUP/PROJECT/BUILD/ENV takes as its tests, metrics and
 * metadata fields, plus the suggested BUILD and ENV names. */
#ifndef KBUILD_NIGHTLY_SQUAD_H
#define KBUILD_NIGHTLY_SQUAD_H

#include <jansson.h>

/* {"tests": {"suite/test": "pass"|"fail"|"skip"|"xfail"}, "metrics":
 * {"suite/name": number}, "metadata": {...}, "build": ..., "environment": ...}.
 * Never NULL. */
json_t *squad_from_record(const json_t *rec);

/* SQUAD's result for a kbuild result status: pass, fail, skip, xfail (todo);
 * a missing test is a failure. */
const char *squad_result(const char *status);

#endif
