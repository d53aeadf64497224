/* A program and the shared libraries it needs, added to the initramfs at
 * their host paths (kernel/elf_deps finds them). */
#ifndef KBUILD_GUEST_ELF_CLOSURE_H
#define KBUILD_GUEST_ELF_CLOSURE_H

#include "guest/cpio.h"
#include "lib/util.h"

/* Add binary's libraries to t (not binary itself); each library directory
 * the guest's loader would not search is pushed to lib_dirs once (for
 * LD_LIBRARY_PATH: the guest has no ld.so.cache). */
int closure_add_libs(struct cpio_tree *t, const char *binary, struct strv *lib_dirs);

/* The last component of a path. */
const char *base_name(const char *p);

#endif
