/* A KCIDB (KernelCI) v5 document from a run record: one checkout (the source
 * and patch series), one build, and a test per self-test, subtest, boot and
 * TIME_WAIT measurement, with KCIDB's status vocabulary. */
#ifndef KBUILD_NIGHTLY_KCIDB_H
#define KBUILD_NIGHTLY_KCIDB_H

#include <jansson.h>

#define KCIDB_MAJOR 5
#define KCIDB_MINOR 3

/* origin: the submitter's KCIDB origin ([a-z0-9_]+, e.g. "kbuild").
 * Never NULL. */
json_t *kcidb_from_record(const json_t *rec, const char *origin);

/* KCIDB's test status for a kbuild result status (pass, fail, skip, todo,
 * missing): PASS, FAIL, SKIP, SKIP, MISS. */
const char *kcidb_test_status(const char *status);

#endif
