/* The data files the guest's /init (initramfs/init) reads: what depends on
 * the profile reaches the guest as data, not as shell spliced into /init. */
#ifndef KBUILD_GUEST_INIT_DATA_H
#define KBUILD_GUEST_INIT_DATA_H

#include <stddef.h>

/* Paths inside the initramfs, as initramfs/init reads them. */
#define INIT_QA_DIR "qa"                            /* the self-tests and their runner */
#define INIT_QA_PLAN INIT_QA_DIR "/plan"            /* the runner's plan */
#define INIT_SYSCTL_CONF "etc/kbuild/sysctl.conf"   /* key=value lines */
#define INIT_LIBRARY_PATH "etc/kbuild/library-path" /* LD_LIBRARY_PATH */
#define INIT_EXTRA "etc/kbuild/init-extra"          /* shell sourced before the runner */

/* The text of sysctl.conf for sysctls ("key=value"), malloc'd; NULL with
 * kb_fail() for an entry without a key of letters, digits, '.', '_', '-',
 * '/' or with a value of more than one line. */
char *init_sysctl_conf(const char *const *sysctls, size_t n);

#endif
