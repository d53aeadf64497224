/* The guest's /init: a busybox sh script that prepares the system, applies
 * the profile's sysctls and hands over to the qa runner. */
#ifndef KBUILD_INIT_SCRIPT_H
#define KBUILD_INIT_SCRIPT_H

#include <stddef.h>

#define INIT_QA_RUNNER "/qa/qa-runner"
#define INIT_QA_PLAN "/qa/plan"

/* Return the text of /init (malloc'd). sysctls are "key=value"; each is
 * applied with `sysctl -w` after its previous value is recorded in
 * /run/sysctl.boot, and a failure is reported as a KTAP comment line
 * ("# ...") without stopping. extra (may be NULL) is inserted verbatim just
 * before the runner is started. Returns NULL with kb_fail() for a malformed
 * sysctl entry. library_path (may be NULL) is exported as LD_LIBRARY_PATH:
 * the guest has no ld.so.cache, so libraries that the host found through
 * ld.so.conf must be named to the loader this way. */
char *init_script_generate(const char *const *sysctls, size_t n_sysctls, const char *extra,
			   const char *library_path);

#endif
