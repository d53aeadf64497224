/* Running depmod: the one place that finds it (in /sbin, which a user's
 * PATH may lack) and runs it for one release below a root. */
#ifndef KBUILD_KERNEL_DEPMOD_H
#define KBUILD_KERNEL_DEPMOD_H

#include <stdio.h>

/* `depmod -b root release`, its output to log (may be NULL). Returns 0, or
 * -1 with kb_fail() naming the command and status (or the Debian package
 * when depmod is not installed). */
int depmod_run(const char *root, const char *release, FILE *log);

#endif
