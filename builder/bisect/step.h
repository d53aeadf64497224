/* One step of `kbuild bisect`: the check a prefix must pass, and the
 * verdict a step's run document gives under it. Pure functions of the
 * record (core/rundoc.h), so they are tested without building kernels. */
#ifndef KBUILD_BISECT_STEP_H
#define KBUILD_BISECT_STEP_H

#include <jansson.h>
#include <stdbool.h>

#include "core/status.h"

/* What a prefix must pass: build (config, build and install: the kernel and
 * its modules), boot (the guest reports: passed or tests-failed), or one
 * self-test. */
enum check_kind { CHECK_BUILD, CHECK_BOOT, CHECK_TEST };
struct bisect_check {
	enum check_kind kind;
	char *test; /* CHECK_TEST: the self-test's name (malloc'd) */
};

/* "build", "boot", or the test's name, as bisect.until spells it. */
const char *check_name(const struct bisect_check *c);
/* The last stage a step under this check runs: install, boot or qa. */
const char *check_last_stage(const struct bisect_check *c);
/* bisect.until parsed; tests: the profile's self-tests. Returns 0, or -1
 * with kb_fail() naming what is accepted. */
int check_parse(const char *until, const char *const *tests, size_t ntests, struct bisect_check *c);
void check_free(struct bisect_check *c);

/* The outcome of one step under a check. ERROR: the step says nothing about
 * the prefix (the source could not be prepared, QEMU could not run). */
enum step_outcome { STEP_GOOD = BISECT_GOOD, STEP_BAD = BISECT_BAD, STEP_SKIP = BISECT_SKIP, STEP_ERROR };
/* The verdict of rec (a step's record) under c; *why: one line (malloc'd);
 * *value: what the check saw, for "the verdict that changed" (pass, fail,
 * a boot verdict, a test status; malloc'd). */
enum step_outcome step_verdict(const json_t *rec, const struct bisect_check *c, char **why, char **value);

/* The check the run's first failure names (the whole series' run, up to
 * qa): 0 and c filled; 1 when the run passed everything; with *why, -1 when
 * the run says nothing about the series (the source could not be prepared,
 * QEMU could not run), -2 when its failure is not one a bisect looks for
 * (the series does not apply, the initramfs stage failed). */
int check_from_record(const json_t *rec, struct bisect_check *c, char **why);

/* The lines that show a bad step's failure (malloc'd): the compiler's
 * errors from the build log's tail, the end of the console for a boot, the
 * test's KTAP from results (results.json's document, may be NULL), or the
 * failed stage's log tail. serial_tail: the end of the guest's console
 * (may be NULL). */
char *step_excerpt(const json_t *rec, const struct bisect_check *c, const json_t *results,
		   const char *serial_tail);

#endif
