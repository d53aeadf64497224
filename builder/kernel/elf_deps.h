/* Shared-library closure of an ELF program, resolved the way the dynamic
 * loader does it, so the initramfs can carry exactly what a binary needs. */
#ifndef KBUILD_KERNEL_ELF_DEPS_H
#define KBUILD_KERNEL_ELF_DEPS_H

#include "lib/util.h"

/* Append to out the absolute host paths of binary's interpreter (first) and
 * of every library it needs, directly or indirectly, each once. Libraries
 * are searched in DT_RUNPATH (or DT_RPATH), the directories of
 * <sysroot>/etc/ld.so.conf (with its includes), then the default
 * directories; a candidate of another ELF class or machine is skipped.
 * sysroot is "" or NULL for the running system. A static binary adds
 * nothing. Returns 0, or -1 with kb_fail() naming the binary and the library
 * that was not found (out may then hold part of the list). */
int elf_needed_closure(const char *binary, const char *sysroot, struct strv *out);

#endif
