/* GRUB 2 menuentries. GRUB's script language expands $, splits on blanks
 * and treats ; { } | & < > and quotes specially, so every value is one
 * single-quoted word unless it is plainly safe. */
#include "boot/grub2.h"
#include "boot/quote.h"

#include <stdlib.h>
#include <string.h>

static void append(char **buf, const char *s)
{
	size_t a = strlen(*buf), b = strlen(s);
	*buf = xrealloc(*buf, a + b + 1);
	memcpy(*buf + a, s, b + 1);
}

static void append_owned(char **buf, char *s)
{
	append(buf, s);
	free(s);
}

char *grub2_menuentry(const struct boot_entry *e, const char *echo_marker)
{
	char *title = grub2_quote(e->title), *id = boot_entry_grub2_id(e), *qid = grub2_quote(id);
	char *kernel = boot_entry_kernel_path(e), *initrd = boot_entry_initrd_path(e);
	char *buf = xasprintf("menuentry %s --class kbuild --id %s {\n", title, qid);
	if (echo_marker && *echo_marker) {
		char *m = grub2_quote(echo_marker);
		append_owned(&buf, xasprintf("\techo %s\n", m));
		free(m);
	}
	append(&buf, "\techo 'Loading Linux'\n");
	char *qk = grub2_quote(kernel);
	append_owned(&buf, xasprintf("\tlinux %s", qk));
	free(qk);
	struct strv args = {0};
	boot_entry_kernel_argv(e, &args);
	for (size_t i = 0; i < args.n; i++) {
		char *q = grub2_quote(args.v[i]);
		append_owned(&buf, xasprintf(" %s", q));
		free(q);
	}
	strv_free(&args);
	char *qi = grub2_quote(initrd);
	append_owned(&buf, xasprintf("\n\tinitrd %s\n}\n", qi));
	free(qi);
	free(title);
	free(id);
	free(qid);
	free(kernel);
	free(initrd);
	return buf;
}

char *grub2_snippet(const struct boot_entry *e)
{
	char *entry = grub2_menuentry(e, NULL);
	char *s = xasprintf("#!/bin/sh\n"
			    "exec tail -n +3 $0\n"
			    "# Written by kbuild for %s: install as /etc/grub.d/09_kbuild-%s (executable),\n"
			    "# then run update-grub; the entry's id is %s-%s.\n"
			    "%s",
			    e->release, e->release, e->id, e->release, entry);
	free(entry);
	return s;
}
