/* GRUB legacy (0.97, as CentOS 6 ships it): the stanza for one kernel. */
#ifndef KBUILD_BOOT_LEGACY_H
#define KBUILD_BOOT_LEGACY_H

#include "boot/entry.h"

/* "title T\n\troot (hd0,0)\n\tkernel /vmlinuz-R ro root=...\n\tinitrd
 * /initramfs-R.img\n", CentOS 6's form. e must have passed
 * boot_entry_check(). malloc'd. */
char *legacy_stanza(const struct boot_entry *e);

#endif
