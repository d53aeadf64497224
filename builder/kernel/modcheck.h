/* Checks of an installed module tree: the modules are complete and belong to
 * the kernel that was built. */
#ifndef KBUILD_KERNEL_MODCHECK_H
#define KBUILD_KERNEL_MODCHECK_H

#include <stddef.h>
#include <stdio.h>

/* Check <root>/lib/modules/<release> with libkmod: every module listed
 * in modules.dep exists and its dependencies resolve to existing files;
 * every expected module is found (as a module or built in); every module's
 * vermagic begins with "<release> ". Each problem is written to log (may be
 * NULL); returns 0, or -1 with kb_fail() naming the first failing module and
 * the count of problems. */
int modcheck_tree(const char *root, const char *release, const char *const *expected_modules, size_t n,
		  FILE *log);

#endif
