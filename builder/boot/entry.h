/* One kernel's boot entry, as every boot loader format sees it, checked
 * once before any file is written. */
#ifndef KBUILD_BOOT_ENTRY_H
#define KBUILD_BOOT_ENTRY_H

#include "core/settings.h"
#include "lib/util.h"

struct boot_entry {
	const char *release;     /* R: vmlinuz-R, initramfs-R.img */
	const char *title;       /* menu title */
	const char *id;          /* GRUB2 --id prefix and BLS file name prefix, e.g. "kbuild" */
	const char *root;        /* the kernel's root= value: /dev/sda2, UUID=..., LABEL=... */
	const char *cmdline;     /* further kernel arguments, or NULL */
	const char *legacy_root; /* GRUB legacy device of /boot, e.g. "(hd0,0)" */
	const char *
		bootdir; /* directory of the kernel files on that device: "" (a /boot partition) or "/boot" */
	long panic;      /* panic=N seconds; 0: none */
};

/* 0, or -1 with kb_fail() naming the boot.* key of the first value that
 * would break a format's syntax (and cannot be quoted in all of them). */
int boot_entry_check(const struct boot_entry *e);

/* The kernel's command line: "ro root=ROOT CMDLINE panic=N". malloc'd. */
char *boot_entry_kernel_args(const struct boot_entry *e);

/* The kernel's arguments one by one (for GRUB2's per-word quoting). */
void boot_entry_kernel_argv(const struct boot_entry *e, struct strv *out);

/* "<bootdir>/vmlinuz-R" and "<bootdir>/initramfs-R.img". malloc'd. */
char *boot_entry_kernel_path(const struct boot_entry *e);
char *boot_entry_initrd_path(const struct boot_entry *e);

/* "<id>-R", the GRUB2 menuentry id. malloc'd. */
char *boot_entry_grub2_id(const struct boot_entry *e);

#endif
