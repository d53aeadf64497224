#include "guest/busybox.h"
#include "guest/elf_closure.h"
#include "lib/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int busybox_add(struct cpio_tree *t, const char *busybox, struct strv *lib_dirs)
{
	if (access(busybox, X_OK) < 0)
		return kb_fail("busybox %s: %s", busybox, strerror(errno));
	cpio_add(t, "bin/busybox", CPIO_FILE, 0755, busybox, 0);
	if (closure_add_libs(t, busybox, lib_dirs) < 0)
		return -1;
	/* --list-full gives each applet's usual directory (bin/sh, sbin/modprobe, ...) */
	char *argv[] = {(char *)busybox, "--list-full", NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *list = NULL;
	bool full = true;
	if (spawn_capture(argv, &o, &list) != 0) {
		free(list);
		list = NULL;
		argv[1] = "--list";
		full = false;
		if (spawn_capture(argv, &o, &list) != 0) {
			free(list);
			return kb_fail("%s --list failed: is it a busybox binary?", busybox);
		}
	}
	size_t applets = 0;
	char *save = NULL;
	for (char *l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!*l || strcmp(base_name(l), "busybox") == 0)
			continue;
		char *path = full ? xstrdup(l) : xasprintf("bin/%s", l);
		cpio_add(t, path, CPIO_SYMLINK, 0777, "/bin/busybox", 0);
		free(path);
		applets++;
	}
	free(list);
	if (!applets)
		return kb_fail("%s lists no applets", busybox);
	/* the kernel runs /sbin/modprobe for module requests */
	cpio_add(t, "sbin/modprobe", CPIO_SYMLINK, 0777, "/bin/busybox", 0);
	return 0;
}
