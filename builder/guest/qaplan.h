/* Which self-tests the guest runs, with which arguments: the /qa/plan text,
 * derived from the profile and the resolved .config. */
#ifndef KBUILD_QAPLAN_H
#define KBUILD_QAPLAN_H

#include "core/run.h"

/* The one list of self-tests, in kbuild's home (the Makefile reads it too). */
#define QA_TESTS_LIST "qa/tests.list"

/* Every self-test kbuild knows, in the order they run, from QA_TESTS_LIST. */
int qaplan_known(const struct run *r, struct strv *names);

/* The plan's test names (the profile's [qa] tests, default all), checked
 * against the known ones. */
int qaplan_tests(const struct run *r, struct strv *names);
/* The /qa/plan text: one "<name> /qa/<binary> [args]" line per test. */
int qaplan_text(const struct run *r, char **text);

#endif
