/* The outcomes a run records, as enums with one name table each: what the
 * run documents store as strings and every reader (KCIDB, SQUAD, compare,
 * matrix) parses back with the same table, so a spelling cannot drift. */
#ifndef KBUILD_CORE_STATUS_H
#define KBUILD_CORE_STATUS_H

#include <stdbool.h>

/* A stage of a run: ran and passed, ran and failed, or up to date. */
enum stage_status { STAGE_PASS, STAGE_FAIL, STAGE_SKIP };
/* A whole run: under way (a killed run leaves this), passed, failed. */
enum run_status { RUN_RUNNING, RUN_PASS, RUN_FAIL };
/* A self-test, as KTAP reports it: TODO is a known failure (not counted),
 * MISSING was promised (by the plan or the expected list) but never reported. */
enum test_status { TEST_PASS, TEST_FAIL, TEST_SKIP, TEST_TODO, TEST_MISSING };
/* How a boot ended (guest/qemu.c decides). */
enum boot_verdict {
	BOOT_PASSED,       /* guest wrote 0 to the exit port */
	BOOT_TESTS_FAILED, /* guest wrote 1 */
	BOOT_PANIC,        /* kernel panic or oops on the console */
	BOOT_TIMEOUT,      /* still running at the deadline */
	BOOT_NO_REPORT,    /* guest powered off without a result */
	BOOT_ERROR,        /* QEMU failed or exited in an unexpected way */
	BOOT_KVM_SILENT,   /* under KVM the guest printed nothing within the grace period */
};

/* A prefix of a series under `kbuild bisect`: passes the check, fails it,
 * or cannot be tested (it does not apply, or fails before the check). */
enum bisect_verdict { BISECT_GOOD, BISECT_BAD, BISECT_SKIP };
/* How a bisect ended: the first bad patch found, nothing fails, a range
 * (skipped prefixes, or the good prefix fails too), or refused input. */
enum bisect_result { BISECT_FOUND, BISECT_NOT_FOUND, BISECT_INCONCLUSIVE, BISECT_BAD_INPUT };

/* Each name as the documents write it ("pass", "tests-failed", ...). */
const char *stage_status_name(enum stage_status s);
const char *run_status_name(enum run_status s);
const char *test_status_name(enum test_status s);
const char *boot_verdict_name(enum boot_verdict v);
const char *bisect_verdict_name(enum bisect_verdict v);
const char *bisect_result_name(enum bisect_result r);
/* Parse a name back; false (out untouched) for NULL or an unknown name. */
bool stage_status_parse(const char *name, enum stage_status *out);
bool run_status_parse(const char *name, enum run_status *out);
bool test_status_parse(const char *name, enum test_status *out);
bool boot_verdict_parse(const char *name, enum boot_verdict *out);
bool bisect_verdict_parse(const char *name, enum bisect_verdict *out);
bool bisect_result_parse(const char *name, enum bisect_result *out);

#endif
