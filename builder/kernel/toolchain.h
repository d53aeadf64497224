/* The compiler a profile builds with, as make sees it. */
#ifndef KBUILD_KERNEL_TOOLCHAIN_H
#define KBUILD_KERNEL_TOOLCHAIN_H

#include "core/run.h"

/* The CC= value for make: build.cc (default gcc, or <cross>gcc), prefixed
 * with ccache when asked for and installed, unless it already starts with a
 * compiler wrapper (ccache, distcc, icecc). Malloc'd. */
char *toolchain_cc(const struct run *r);
/* First line of `<cc without wrappers> --version`, malloc'd; "unknown" when it fails. */
char *toolchain_version(const struct run *r);
/* The make variables common to every make call: ARCH=, CROSS_COMPILE=, CC=, O=.
 * Appends to argv. */
void toolchain_make_vars(const struct run *r, struct strv *argv);
/* Every program the CC= value names (wrappers and the compiler: words that
 * are neither options nor VAR=value) is installed. Returns 0, or -1 with
 * kb_fail() naming the program and its Debian package. */
int toolchain_check(const struct run *r);

#endif
