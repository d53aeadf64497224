/* Busybox in the initramfs: the binary, its libraries, and a link per applet. */
#ifndef KBUILD_GUEST_BUSYBOX_H
#define KBUILD_GUEST_BUSYBOX_H

#include "guest/cpio.h"
#include "lib/util.h"

/* Add busybox as /bin/busybox with its applets at their usual paths
 * (`--list-full`), and /sbin/modprobe. */
int busybox_add(struct cpio_tree *t, const char *busybox, struct strv *lib_dirs);

#endif
