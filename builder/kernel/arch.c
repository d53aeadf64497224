#include "kernel/arch.h"

#include <stdlib.h>
#include <string.h>

static const struct kernel_arch arches[] = {
	{"x86_64", "x86", "bzImage"}, {"x86", "x86", "bzImage"},   {"i386", "x86", "bzImage"},
	{"arm64", "arm64", "Image"},  {"arm", "arm", "zImage"},    {"riscv", "riscv", "Image"},
};

const char *kernel_arch_name(const struct run *r)
{
	return r->set->build.arch;
}

const struct kernel_arch *kernel_arch(const struct run *r)
{
	const char *name = kernel_arch_name(r);
	char known[128] = "";
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (!strcmp(arches[i].arch, name))
			return &arches[i];
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? " " : "",
			 arches[i].arch);
	}
	kb_fail("%s: build.arch=%s: kbuild does not know where its boot image is (known: %s)",
		settings_origin(r->set, &r->set->build.arch), name, known);
	return NULL;
}

char *kernel_arch_image_path(const struct kernel_arch *a)
{
	return xasprintf("arch/%s/boot/%s", a->srcarch, a->image);
}
