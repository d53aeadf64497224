/* Boot Loader Spec type #1 entries. Paths are relative to the partition the
 * loader reads them from, like the GRUB entries' paths. */
#include "boot/bls.h"

#include <stdlib.h>

char *bls_file_name(const struct boot_entry *e, long tries)
{
	if (tries > 0)
		return xasprintf("%s-%s+%ld.conf", e->id, e->release, tries);
	return xasprintf("%s-%s.conf", e->id, e->release);
}

char *bls_entry(const struct boot_entry *e)
{
	char *args = boot_entry_kernel_args(e);
	char *kernel = boot_entry_kernel_path(e), *initrd = boot_entry_initrd_path(e);
	char *s = xasprintf("title %s\nversion %s\nlinux %s\ninitrd %s\noptions %s\n", e->title, e->release,
			    kernel, initrd, args);
	free(args);
	free(kernel);
	free(initrd);
	return s;
}
