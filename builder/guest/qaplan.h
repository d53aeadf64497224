/* Which self-tests the guest runs, with which arguments: the /qa/plan text,
 * derived from the profile and the resolved .config. */
#ifndef KBUILD_GUEST_QAPLAN_H
#define KBUILD_GUEST_QAPLAN_H

#include "core/run.h"

/* The one list of self-tests, in kbuild's home (the Makefile reads it too). */
#define QA_TESTS_LIST "qa/tests.list"

/* Every self-test kbuild knows, in the order they run, from QA_TESTS_LIST. */
int qaplan_known(const struct run *r, struct strv *names);

/* Whether QA_TESTS_LIST marks name with "&": it shares no state with the
 * other marked tests, and the runner may run it side by side with its
 * marked neighbours. */
bool qaplan_concurrent(const struct run *r, const char *name);

/* The plan's test names (the profile's [qa] tests, default all), checked
 * against the known ones. */
int qaplan_tests(const struct run *r, struct strv *names);
/* The /qa/plan text: one "<name> /qa/<binary> [args]" line per test, with
 * "& " in front of the tests the runner may run side by side. */
int qaplan_text(const struct run *r, char **text);

/* The profile's [qa] sysctl entries as key=value strings. The list splits
 * on blanks, so a word without '=' continues the value before it:
 * "net.ipv4.ip_local_port_range=1024 65000" is one entry. */
size_t qaplan_sysctls(const struct run *r, struct strv *out);
/* That joining rule on an already split list (words), appended to out. */
size_t qaplan_join_sysctls(const struct strv *words, struct strv *out);

#endif
