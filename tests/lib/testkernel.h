/* The prebuilt Debian kernel some tests boot or take modules from: an
 * extracted linux-image package whose root tools/test-kernel prints and
 * `make check` passes in KBUILD_TEST_DEBIAN_ROOT. Results are cached; NULL
 * means unavailable, and tk_unavailable() says why. */
#ifndef KBUILD_TESTKERNEL_H
#define KBUILD_TESTKERNEL_H

#include <stddef.h>

/* $KBUILD_TEST_DEBIAN_ROOT, or NULL when unset or empty. */
const char *tk_root(void);
/* The one directory name under <root>/lib/modules/, e.g. "6.1.0-56-amd64". */
const char *tk_release(void);
/* <root>/lib/modules/<release> */
const char *tk_moddir(void);
/* <root>/boot/vmlinuz-<release>, when readable. */
const char *tk_vmlinuz(void);
/* NULL when all of the above are available, else the reason they are not. */
const char *tk_unavailable(void);

/* A staging root made of Debian's modules: copy files (relative to
 * tk_moddir()) into <root>/lib/modules/<release>, then modules.order,
 * modules.builtin and modules.builtin.modinfo when Debian has them and files
 * did not name them, and run depmod -b root. Fails the test on any error;
 * call only when tk_unavailable() is NULL. */
void tk_install_modules(const char *root, const char *const *files, size_t n);

#endif
