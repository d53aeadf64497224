/* The GRUB legacy stanza. GRUB legacy reads each command to the end of its
 * line without any quoting or expansion, so checked values (no control
 * characters) are written as they are. */
#include "boot/legacy.h"

#include <stdlib.h>

char *legacy_stanza(const struct boot_entry *e)
{
	char *args = boot_entry_kernel_args(e);
	char *kernel = boot_entry_kernel_path(e), *initrd = boot_entry_initrd_path(e);
	char *s = xasprintf("title %s\n\troot %s\n\tkernel %s %s\n\tinitrd %s\n", e->title, e->legacy_root,
			    kernel, args, initrd);
	free(args);
	free(kernel);
	free(initrd);
	return s;
}
