/* Symbols an ELF file defines, read with libelf. */
#include "kernel/elf_symbols.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int elf_has_symbols(const char *vmlinux, const char *const *symbols, size_t n)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kb_fail("libelf: %s", elf_errmsg(-1));
	int fd = open(vmlinux, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("%s: %s", vmlinux, strerror(errno));
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return kb_fail("%s: not an ELF file", vmlinux);
	}
	bool *found = xcalloc(n, sizeof(bool));
	bool have_symtab = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		have_symtab = true;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t count = data ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t k = 0; k < count; k++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)k, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			for (size_t j = 0; j < n; j++)
				if (!found[j] && strcmp(name, symbols[j]) == 0)
					found[j] = true;
		}
	}
	elf_end(e);
	close(fd);
	int rc = 0;
	if (!have_symtab) {
		rc = kb_fail("%s: no .symtab (stripped?)", vmlinux);
	} else {
		size_t missing = 0;
		char *list = xstrdup("");
		for (size_t j = 0; j < n; j++) {
			if (found[j])
				continue;
			char *l = xasprintf("%s%s%s", list, missing ? ", " : "", symbols[j]);
			free(list);
			list = l;
			missing++;
		}
		if (missing)
			rc = kb_fail("%s: symbol%s not defined: %s", vmlinux, missing > 1 ? "s" : "", list);
		free(list);
	}
	free(found);
	return rc;
}
