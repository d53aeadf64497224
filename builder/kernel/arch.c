#include "kernel/arch.h"
#include "kconfig/db.h"

#include <stdlib.h>
#include <string.h>

/* srcarch is filled from kconfig_srcarch(), the one map of arch to folder. */
static struct kernel_arch arches[] = {
	{"x86_64", NULL, "bzImage"}, {"x86", NULL, "bzImage"}, {"i386", NULL, "bzImage"},
	{"arm64", NULL, "Image"},    {"arm", NULL, "zImage"},  {"riscv", NULL, "Image"},
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
		if (!strcmp(arches[i].arch, name)) {
			arches[i].srcarch = kconfig_srcarch(arches[i].arch);
			return &arches[i];
		}
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
