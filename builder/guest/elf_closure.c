#include "guest/elf_closure.h"
#include "kernel/elf_deps.h"

#include <stdlib.h>
#include <string.h>

const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Directories the guest's loader searches without ld.so.cache. */
static bool loader_default_dir(const char *dir)
{
	static const char *const dirs[] = {"/lib/x86_64-linux-gnu",
					   "/usr/lib/x86_64-linux-gnu",
					   "/lib64",
					   "/usr/lib64",
					   "/lib",
					   "/usr/lib"};
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		if (strcmp(dir, dirs[k]) == 0)
			return true;
	return false;
}

/* Remember a library's directory for LD_LIBRARY_PATH unless the loader
 * searches it anyway. */
static void note_lib_dir(struct strv *dirs, const char *lib)
{
	char *dir = xstrdup(lib);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	bool have = loader_default_dir(dir);
	for (size_t k = 0; !have && k < dirs->n; k++)
		have = strcmp(dirs->v[k], dir) == 0;
	if (!have)
		strv_push(dirs, dir);
	free(dir);
}

int closure_add_libs(struct cpio_tree *t, const char *binary, struct strv *lib_dirs)
{
	struct strv libs = {0};
	if (elf_needed_closure(binary, NULL, &libs) < 0) {
		strv_free(&libs);
		return -1;
	}
	for (size_t k = 0; k < libs.n; k++) {
		cpio_add(t, libs.v[k], CPIO_FILE, 0755, libs.v[k], 0);
		if (k > 0 || !strstr(libs.v[k], "/ld-")) /* the interpreter is found by path */
			note_lib_dir(lib_dirs, libs.v[k]);
	}
	strv_free(&libs);
	return 0;
}
