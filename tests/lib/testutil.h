/* Small helpers for kbuild's Check tests. */
#ifndef KBUILD_TESTUTIL_H
#define KBUILD_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "testskip.h"

/* A fresh directory under $TMPDIR (malloc'd). */
char *tu_tmpdir(const char *tag);
/* Lines "<prefix>1" .. "<prefix>n" (malloc'd): files patches can change. */
char *tu_numbered_lines(const char *prefix, int n);
/* Write text to dir/name, creating parent directories. */
void tu_write(const char *dir, const char *name, const char *text);
/* Directory of the kbuild checkout the tests run from (where ./kbuild is). */
const char *tu_repo(void);

/* Fixtures are files under tests/data/<suite>/; rel is "<suite>/<name>".
 * tu_data_path: <repo>/tests/data/<rel> (malloc'd). tu_data: the file's
 * contents (malloc'd, NUL-terminated, *len its size when len is not NULL);
 * fails the test when it cannot be read. tu_write_data: a copy of it as
 * dir/name (parent directories created). tu_copy_data: everything in the
 * folder tests/data/<rel> copied into the existing directory dir. */
char *tu_data_path(const char *rel);
char *tu_data(const char *rel, size_t *len);
void tu_write_data(const char *dir, const char *name, const char *rel);
void tu_copy_data(const char *rel, const char *dir);
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
/* The make line of a config job, as kmake_command starts it for a profile:
 * make -C src ARCH=arch O=obj, pushed onto v; returns v's argv. */
struct strv;
char *const *tu_make_line(struct strv *v, const char *src, const char *obj, const char *arch);

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
