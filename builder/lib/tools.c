#include "lib/tools.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *program, *package;
} table[] = {
	{"patch", "patch"},
	{"make", "make"},
	{"gcc", "gcc"},
	{"cc", "gcc"},
	{"ld", "binutils"},
	{"as", "binutils"},
	{"ccache", "ccache"},
	{"distcc", "distcc"},
	{"icecc", "icecc"},
	{"bc", "bc"},
	{"flex", "flex"},
	{"bison", "bison"},
	{"perl", "perl"},
	{"depmod", "kmod"},
	{"xz", "xz-utils"},
	{"openssl", "openssl"},
	{"qemu-system-x86_64", "qemu-system-x86"},
	{"busybox", "busybox-static"},
	{"dpkg", "dpkg"},
	{"dpkg-query", "dpkg"},
	{"dpkg-deb", "dpkg"},
	{"rpmbuild", "rpm"},
	{"grub-mkimage", "grub-common"},
	{"grub-mkrescue", "grub-common"},
	{"mcopy", "mtools"},
	{"mmd", "mtools"},
	{"mformat", "mtools"},
	{"sfdisk", "fdisk"},
	{"grub-editenv", "grub-common"},
	{"grub-script-check", "grub-common"},
	{"mke2fs", "e2fsprogs"},
	{"debugfs", "e2fsprogs"},
	{"mmdebstrap", "mmdebstrap"},
	{"qemu-img", "qemu-utils"},
	{"ssh", "openssh-client"},
	{"ssh-keygen", "openssh-client"},
	{"ansible-playbook", "ansible-core"},
	{"ansible-lint", "ansible-lint"},
	{"gnuplot", "gnuplot-nox"},
	{"chromium", "chromium"},
	{"mkfs.vfat", "dosfstools"},
	{"pahole", "dwarves"},
};

const char *tool_debian_package(const char *program)
{
	const char *slash = strrchr(program, '/');
	const char *name = slash ? slash + 1 : program;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].program, name))
			return table[i].package;
	/* versioned compilers are packaged under their own name */
	if (!strncmp(name, "gcc-", 4) || !strncmp(name, "clang-", 6))
		return name;
	return NULL;
}

bool tool_available(const char *program)
{
	if (strchr(program, '/'))
		return access(program, X_OK) == 0;
	const char *path = getenv("PATH");
	char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = path_join(*d ? d : ".", program);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

int tool_missing(const char *program)
{
	const char *pkg = tool_debian_package(program);
	if (pkg)
		return kb_fail("%s is not installed (apt-get install %s)", program, pkg);
	return kb_fail("%s could not be run: not installed or not in PATH", program);
}

int tool_require(const char *program)
{
	return tool_available(program) ? 0 : tool_missing(program);
}

int tool_missing_or_failed(const char *program)
{
	if (!tool_available(program))
		return tool_missing(program);
	return kb_fail("%s exited with status 127 (a program it runs was not found?)", program);
}
