/* Small helpers for kbuild's Check tests. */
#ifndef KBUILD_TESTUTIL_H
#define KBUILD_TESTUTIL_H

/* A fresh directory under $TMPDIR (malloc'd). */
char *tu_tmpdir(const char *tag);
/* Write text to dir/name, creating parent directories. */
void tu_write(const char *dir, const char *name, const char *text);
/* Directory of the kbuild checkout the tests run from (where ./kbuild is). */
const char *tu_repo(void);

#endif
