/* GRUB 2: a menuentry for one kernel and the /etc/grub.d/ script that adds
 * it to a host's generated grub.cfg (update-grub / grub-mkconfig). */
#ifndef KBUILD_BOOT_GRUB2_H
#define KBUILD_BOOT_GRUB2_H

#include "boot/entry.h"

/* "menuentry 'T' --id ID {...}" with every value quoted as one GRUB word;
 * echo_marker (or NULL) is echoed first, so a serial console shows which
 * entry GRUB started. e must have passed boot_entry_check(). malloc'd. */
char *grub2_menuentry(const struct boot_entry *e, const char *echo_marker);

/* An /etc/grub.d/ script (40_custom's pattern: it prints itself from its
 * third line on) holding grub2_menuentry(e). malloc'd. */
char *grub2_snippet(const struct boot_entry *e);

#endif
