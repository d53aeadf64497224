/* What build.arch means for the kernel tree: its arch/ folder and the boot
 * image make builds there. The one place these facts are declared. */
#ifndef KBUILD_KERNEL_ARCH_H
#define KBUILD_KERNEL_ARCH_H

#include "core/run.h"

struct kernel_arch {
	const char *arch;    /* ARCH= as the profile names it */
	const char *srcarch; /* its folder under arch/ (x86 for x86_64) */
	const char *image;   /* the boot image: a make target and a file in arch/<srcarch>/boot/ */
};

/* build.arch (the schema gives its default). */
const char *kernel_arch_name(const struct run *r);
/* The facts for build.arch; NULL with kb_fail() naming the arches known. */
const struct kernel_arch *kernel_arch(const struct run *r);
/* The boot image below the object directory: arch/<srcarch>/boot/<image>, malloc'd. */
char *kernel_arch_image_path(const struct kernel_arch *a);

#endif
