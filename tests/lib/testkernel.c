/* Locating the prebuilt Debian kernel of the tests (see testkernel.h). */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testkernel.h"
#include "lib/outfile.h"
#include "testutil.h"
#include "lib/util.h"

#define ROOT_VAR "KBUILD_TEST_DEBIAN_ROOT"
#define DEPMOD (path_exists("/usr/sbin/depmod") ? "/usr/sbin/depmod" : "depmod")

static bool looked;
static const char *kernel_root, *why;
static char *release, *moddir, *vmlinuz;

/* The single directory under dir, or NULL (with why set). */
static char *only_subdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		why = xasprintf("%s is not readable (" ROOT_VAR " wrong? run tools/test-kernel)", dir);
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
	kernel_root = env;
	char *modules = path_join(kernel_root, "lib/modules");
	release = only_subdir(modules);
	free(modules);
	if (!release)
		return;
	moddir = xasprintf("%s/lib/modules/%s", kernel_root, release);
	char *image = xasprintf("%s/boot/vmlinuz-%s", kernel_root, release);
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
	return kernel_root;
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

static void install_one(const char *md, const char *file)
{
	char *from = path_join(tk_moddir(), file), *to = path_join(md, file);
	char *dir = xstrdup(to);
	*strrchr(dir, '/') = '\0';
	ck_assert_int_eq(mkdir_p(dir, 0755), 0);
	ck_assert_msg(copy_file(from, to) == 0, "%s", kb_last_error());
	free(from);
	free(to);
	free(dir);
}

void tk_install_modules(const char *root, const char *const *files, size_t n)
{
	char *md = xasprintf("%s/lib/modules/%s", root, tk_release());
	for (size_t k = 0; k < n; k++)
		install_one(md, files[k]);
	/* depmod's inputs besides the modules, if the list left them out */
	static const char *const index_inputs[] = {"modules.builtin", "modules.order",
						   "modules.builtin.modinfo"};
	for (size_t k = 0; k < sizeof(index_inputs) / sizeof(index_inputs[0]); k++) {
		char *from = path_join(tk_moddir(), index_inputs[k]), *to = path_join(md, index_inputs[k]);
		if (path_exists(from) && !path_exists(to))
			ck_assert_int_eq(copy_file(from, to), 0);
		free(from);
		free(to);
	}
	char *argv[] = {DEPMOD, "-b", (char *)root, (char *)tk_release(), NULL};
	ck_assert_msg(tu_run(argv) == 0, "depmod failed: %s", kb_last_error());
	free(md);
}
