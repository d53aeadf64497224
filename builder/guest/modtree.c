#include "guest/modtree.h"
#include "kernel/depmod.h"
#include "lib/outfile.h"
#include "guest/elf_closure.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A hard link when possible: the temporary tree only feeds depmod. */
static int link_or_copy(const char *from, const char *to)
{
	return link(from, to) == 0 ? 0 : copy_file(from, to);
}

/* Copy the chosen modules into tmp/lib/modules/<release> and regenerate the
 * index files there with depmod, so the guest's modules.dep lists only what
 * it has. */
int modtree_build(const char *moddir, const char *release, const struct modset *m, const char *tmp, FILE *log)
{
	char *dest = xasprintf("%s/lib/modules/%s", tmp, release);
	int rc = mkdir_p(dest, 0755);
	size_t dl = strlen(moddir);
	for (size_t k = 0; rc == 0 && k < m->paths.n; k++) {
		const char *p = m->paths.v[k];
		char *rel = strncmp(p, moddir, dl) == 0 && p[dl] == '/' ? xstrdup(p + dl + 1)
									: xasprintf("extra/%s", base_name(p));
		char *to = path_join(dest, rel);
		char *dir = xstrdup(to);
		*strrchr(dir, '/') = '\0';
		rc = mkdir_p(dir, 0755);
		if (rc == 0)
			rc = link_or_copy(p, to);
		free(dir);
		free(to);
		free(rel);
	}
	static const char *const keep[] = {"modules.order", "modules.builtin", "modules.builtin.modinfo"};
	for (size_t k = 0; rc == 0 && k < sizeof(keep) / sizeof(keep[0]); k++) {
		char *from = path_join(moddir, keep[k]), *to = path_join(dest, keep[k]);
		if (path_exists(from))
			rc = link_or_copy(from, to);
		free(from);
		free(to);
	}
	if (rc == 0)
		rc = depmod_run(tmp, release, log);
	free(dest);
	return rc;
}
