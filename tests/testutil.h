/* Small helpers for kbuild's Check tests. */
#ifndef KBUILD_TESTUTIL_H
#define KBUILD_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "testskip.h"

/* A fresh directory under $TMPDIR (malloc'd). */
char *tu_tmpdir(const char *tag);
/* Write text to dir/name, creating parent directories. */
void tu_write(const char *dir, const char *name, const char *text);
/* Directory of the kbuild checkout the tests run from (where ./kbuild is). */
const char *tu_repo(void);
/* Run <repo>/kbuild args[0..n) (env_add: extra NAME=value entries or NULL),
 * echoing its output to stderr; *out gets that output (malloc'd). Returns the
 * exit status. */
int tu_kbuild(const char *tag, const char *const args[], size_t n, char *const *env_add, char **out);
/* Run argv (spawn_run) without stdin, its output going to the test's stderr;
 * returns what spawn_run returns. */
int tu_run(char *const argv[]);
/* A public schema kept for the tests: $KBUILD_TEST_SCHEMAS/name, else
 * <repo>/../shared/schemas/name (malloc'd), or NULL when absent. */
char *tu_schema(const char *name);
/* Whether prog is an executable file in a directory of $PATH. */
bool tu_in_path(const char *prog);

/* A fixed, emptied output directory for an end-to-end run: the build is
 * from scratch, and ccache (whose keys include these absolute paths) makes
 * the next run's build cheap. $KBUILD_E2E_DIR/<name>, else
 * /dev/shm/kbuild-e2e/<name> when that tmpfs has 8 GiB free (deleting a
 * kernel tree there is instant; on this disk it takes minutes), else
 * ~/.cache/kbuild-e2e/<name>. */
char *tu_e2e_dir(const char *name);
/* The same path, neither emptied nor created (to reuse what an e2e test built). */
char *tu_e2e_path(const char *name);

#endif
