/* The guest's fixed parts: the top-level initramfs/ folder, whose skeleton
 * list (the kernel's gen_init_cpio format) names the directories, device
 * nodes and files such as /init that every initramfs has. */
#ifndef KBUILD_GUEST_SKELETON_H
#define KBUILD_GUEST_SKELETON_H

#include "guest/cpio.h"

/* The list file inside the folder. */
#define SKELETON_LIST "skeleton"

/* Add the entries of dir/skeleton (dir, nod, slink, file; a file's location
 * is relative to dir) to t. Only owner 0:0 is accepted: the archive is
 * written so. Returns 0, or -1 with kb_fail() naming the file and line. */
int skeleton_add(struct cpio_tree *t, const char *dir);

/* The initramfs/ folder of kbuild's home (malloc'd). */
char *skeleton_default_dir(void);

#endif
