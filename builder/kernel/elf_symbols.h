/* Proof that the patches are in: symbols vmlinux defines. */
#ifndef KBUILD_KERNEL_ELF_SYMBOLS_H
#define KBUILD_KERNEL_ELF_SYMBOLS_H

#include <stddef.h>

/* Check that vmlinux (or any ELF) defines every symbol in its .symtab.
 * Returns 0, or -1 with kb_fail() naming the missing symbols. */
int elf_has_symbols(const char *vmlinux, const char *const *symbols, size_t n);

#endif
