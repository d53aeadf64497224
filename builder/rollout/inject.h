/* rollout.inject: the fault planted in the new kernel's trial boot. The
 * host does the rest; kbuild judges what it sees (rollout/verdict.h). */
#ifndef KBUILD_ROLLOUT_INJECT_H
#define KBUILD_ROLLOUT_INJECT_H

#include "core/settings.h"

/* What the new entry's command line gets ("" for none):
 *   panic: an init the initramfs does not hold, and no root to fall back on;
 *   hang:  a shell as init, reading a console nobody types on. */
const char *inject_cmdline(enum rollout_inject inject);

/* unhealthy: writes to dest the new kernel's initramfs with one more gzip'd
 * cpio member (the kernel unpacks concatenated archives in order) whose
 * /etc/kbuild/init-extra adds a self-test that fails. 0, or -1 with kb_fail(). */
int inject_unhealthy_initrd(const char *initrd, const char *dest, const char *work);

#endif
