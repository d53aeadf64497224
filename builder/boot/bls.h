/* Boot Loader Spec entries (loader/entries/NAME.conf), with systemd's boot
 * counting in the file name when asked. */
#ifndef KBUILD_BOOT_BLS_H
#define KBUILD_BOOT_BLS_H

#include "boot/entry.h"

/* "<id>-R.conf", or "<id>-R+TRIES.conf" when tries > 0. malloc'd. */
char *bls_file_name(const struct boot_entry *e, long tries);

/* The entry: title, version, linux, initrd, options. Keys take the rest of
 * their line, so checked values are written as they are. malloc'd. */
char *bls_entry(const struct boot_entry *e);

#endif
