/* Running the kernel's make for a profile: the common variables, the
 * reproducibility environment, and the streamed log. */
#ifndef KBUILD_KERNEL_KMAKE_H
#define KBUILD_KERNEL_KMAKE_H

#include <stdbool.h>

#include "kernel/buildlog.h"
#include "core/run.h"

/* Environment for reproducible builds: KBUILD_BUILD_TIMESTAMP (from
 * SOURCE_DATE_EPOCH, else the unpatched source's Makefile date that the
 * extract stage recorded), fixed
 * KBUILD_BUILD_USER/HOST, KCFLAGS with -ffile-prefix-map, CCACHE_BASEDIR. */
void kmake_env(const struct run *r, struct strv *env);

/* The command line every kernel make starts from: make -C srcdir ARCH=
 * [CROSS_COMPILE=] CC= O= (toolchain_make_vars), into argv; the environment
 * of kmake_env into env. */
void kmake_command(const struct run *r, struct strv *argv, struct strv *env);

/* make -C src <vars> [-jN] targets..., output to r->log and parsed into b
 * (may be NULL). progress_total: the expected number of steps (0: unknown)
 * for the progress display. Returns make's status, or -1. */
int kmake(struct run *r, const char *const *targets, size_t n, long jobs, struct buildlog *b,
	  size_t progress_total);

/* The release string the tree builds (include/config/kernel.release), malloc'd. */
char *kmake_release(const struct run *r);

#endif
