/* Locating the prebuilt Debian kernel of the tests (see testkernel.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testkernel.h"
#include "util.h"

#define ROOT_VAR "KBUILD_TEST_DEBIAN_ROOT"

static bool looked;
static const char *root, *why;
static char *release, *moddir, *vmlinuz;

/* The single directory under dir, or NULL (with why set). */
static char *only_subdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		why = xasprintf("%s is not readable (" ROOT_VAR " wrong? run tools/test-kernel)",
				dir);
		return NULL;
	}
	char *found = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = path_join(dir, de->d_name);
		if (is_dir(p) && n++ == 0)
			found = xstrdup(de->d_name);
		free(p);
	}
	closedir(d);
	if (n != 1) {
		why = xasprintf("%s holds %zu release directories, not one", dir, n);
		free(found);
		return NULL;
	}
	return found;
}

/* Everything is looked up once per process, on first use. */
static void look(void)
{
	if (looked)
		return;
	looked = true;
	const char *env = getenv(ROOT_VAR);
	if (!env || !*env) {
		why = ROOT_VAR " is not set (run tools/test-kernel)";
		return;
	}
	root = env;
	char *modules = path_join(root, "lib/modules");
	release = only_subdir(modules);
	free(modules);
	if (!release)
		return;
	moddir = xasprintf("%s/lib/modules/%s", root, release);
	char *image = xasprintf("%s/boot/vmlinuz-%s", root, release);
	if (access(image, R_OK) == 0)
		vmlinuz = image;
	else {
		why = xasprintf("%s is not readable", image);
		free(image);
	}
}

const char *tk_root(void)
{
	look();
	return root;
}

const char *tk_release(void)
{
	look();
	return release;
}

const char *tk_moddir(void)
{
	look();
	return moddir;
}

const char *tk_vmlinuz(void)
{
	look();
	return vmlinuz;
}

const char *tk_unavailable(void)
{
	look();
	return why;
}
