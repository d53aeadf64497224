/* The host-side commands of a staged upgrade, written out as small sh
 * scripts for the fleet host (kbuild never runs them: the build machine's
 * own /boot is never touched). */
#ifndef KBUILD_BOOT_INSTALL_SCRIPT_H
#define KBUILD_BOOT_INSTALL_SCRIPT_H

#include "boot/entry.h"

/* install-grub2.sh: installs the /etc/grub.d snippet, runs update-grub,
 * then `grub-reboot ID` (mode once) or `grub-set-default ID` (mode
 * default); `bless` makes ID the saved default after a good boot. */
char *install_script_grub2(const struct boot_entry *e, enum boot_mode mode);

/* install-legacy.sh for GRUB legacy hosts (CentOS 6). With conf_sha256
 * (the digest of the grub.conf kbuild edited): puts kbuild's grub.conf in
 * place when the host's still has that digest; without: adds the entry
 * with grubby --copy-default. Then, in mode once, `savedefault
 * --default=once_entry --once` through `grub --batch`; `bless` is
 * `grubby --set-default`. malloc'd. */
char *install_script_legacy(const struct boot_entry *e, enum boot_mode mode, const char *conf_sha256,
			    long once_entry);

#endif
