/* The fleet host's disk, made without loop devices or mounts: an MBR
 * (sfdisk on the image file) with one FAT partition (mtools) holding GRUB
 * for UEFI (grub-mkimage, booted by OVMF from \EFI\BOOT\BOOTX64.EFI), its
 * grub.cfg and a preallocated, writable grubenv (grub-editenv), and the
 * kernels at the partition's top level, as on a /boot partition. */
#ifndef KBUILD_ROLLOUT_DISK_IMAGE_H
#define KBUILD_ROLLOUT_DISK_IMAGE_H

#include <stddef.h>
#include <stdio.h>

struct fleet_file {
	const char *src;  /* file on the build machine */
	const char *dest; /* path on the partition, e.g. "/vmlinuz-R" or "/grub/grub.conf" */
};

/* Creates image (replacing it) holding files, grub.cfg text at
 * /grub/grub.cfg and a grubenv with env ("name=value" entries). work is a
 * scratch directory. Tools' output goes to log. 0, or -1 with kb_fail()
 * naming the missing tool's package. */
int fleet_image_create(const char *image, const char *work, const struct fleet_file *files, size_t n,
		       const char *grub_cfg, const char *const *env, size_t n_env, FILE *log);

/* grub-editenv set/unset on the image's grubenv (copied out and back, the
 * file keeping its 1024 bytes). set: "name=value" entries. */
int fleet_env_set(const char *image, const char *work, const char *const *set, size_t n, FILE *log);

/* The image's grubenv as `grub-editenv list` prints it (malloc'd), or NULL
 * with kb_fail(). */
char *fleet_env_list(const char *image, const char *work, FILE *log);

/* One value from fleet_env_list() text ("" when set empty), or NULL. malloc'd. */
char *fleet_env_value(const char *list, const char *name);

#endif
