/* The guest's root put together: the skeleton and /init from initramfs/,
 * busybox, the self-tests with their libraries, the profile's modules, and
 * the data files /init reads. */
#include "guest/image.h"
#include "guest/busybox.h"
#include "guest/cpio.h"
#include "guest/modtree.h"
#include "guest/elf_closure.h"
#include "guest/init_data.h"
#include "guest/modsel.h"
#include "guest/skeleton.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_qa(struct cpio_tree *t, const struct initramfs_spec *s, struct strv *lib_dirs)
{
	for (size_t k = 0; k < s->n_qa_bins; k++) {
		const char *b = s->qa_bins[k];
		if (access(b, X_OK) < 0)
			return kb_fail("qa program %s: %s", b, strerror(errno));
		char *dest = xasprintf(INIT_QA_DIR "/%s", base_name(b));
		cpio_add(t, dest, CPIO_FILE, 0755, b, 0);
		free(dest);
		if (closure_add_libs(t, b, lib_dirs) < 0)
			return -1;
	}
	const char *plan = s->plan ? s->plan : "";
	cpio_add(t, INIT_QA_PLAN, CPIO_DATA, 0644, plan, strlen(plan));
	return 0;
}

static int add_modules(struct cpio_tree *t, const struct initramfs_spec *s, const char *tmp, FILE *log)
{
	if (!s->modules_root)
		return 0;
	if (!s->release)
		return kb_fail("initramfs: modules_root given without a release");
	char *moddir = xasprintf("%s/lib/modules/%s", s->modules_root, s->release);
	char *dest = xasprintf("lib/modules/%s", s->release);
	int rc;
	if (!is_dir(moddir)) {
		rc = kb_fail("%s: no such module directory", moddir);
	} else if (s->n_modules == 0) {
		rc = cpio_add_dir_contents(t, moddir, dest);
	} else {
		struct modset m = {0};
		rc = modsel_choose(moddir, s->modules, s->n_modules, &m);
		if (rc == 0)
			rc = modtree_build(moddir, s->release, &m, tmp, log);
		if (rc == 0) {
			char *staged = xasprintf("%s/lib/modules/%s", tmp, s->release);
			rc = cpio_add_dir_contents(t, staged, dest);
			free(staged);
		}
		if (rc == 0 && log)
			fprintf(log, "initramfs: %zu modules (with dependencies) for %zu requested\n",
				m.names.n, s->n_modules);
		modsel_free(&m);
	}
	free(dest);
	free(moddir);
	return rc;
}

/* The files /init reads: the library path, the sysctls, a test's extra shell. */
static int add_init_data(struct cpio_tree *t, const struct initramfs_spec *s, const struct strv *lib_dirs)
{
	char *conf = init_sysctl_conf(s->sysctls, s->n_sysctls);
	if (!conf)
		return -1;
	cpio_add(t, INIT_SYSCTL_CONF, CPIO_DATA, 0644, conf, strlen(conf));
	free(conf);
	char *ld_path = xstrdup("");
	for (size_t k = 0; k < lib_dirs->n; k++) {
		char *p = xasprintf("%s%s%s", ld_path, k ? ":" : "", lib_dirs->v[k]);
		free(ld_path);
		ld_path = p;
	}
	if (*ld_path)
		cpio_add(t, INIT_LIBRARY_PATH, CPIO_DATA, 0644, ld_path, strlen(ld_path));
	free(ld_path);
	if (s->init_extra && *s->init_extra)
		cpio_add(t, INIT_EXTRA, CPIO_DATA, 0644, s->init_extra, strlen(s->init_extra));
	return 0;
}

int initramfs_build(const struct initramfs_spec *s, const char *out_path, FILE *log)
{
	struct cpio_tree t = {0};
	struct strv lib_dirs = {0};
	char *tmpdir = xasprintf("%s.modtree.XXXXXX", out_path);
	int rc = 0;
	if (!mkdtemp(tmpdir)) {
		rc = kb_fail("%s: cannot create: %s", tmpdir, strerror(errno));
		free(tmpdir);
		tmpdir = NULL;
		goto out;
	}
	char *skel = s->skeleton_dir ? xstrdup(s->skeleton_dir) : skeleton_default_dir();
	rc = skeleton_add(&t, skel);
	free(skel);
	if (rc < 0)
		goto out;
	if ((rc = busybox_add(&t, s->busybox ? s->busybox : "/bin/busybox", &lib_dirs)) < 0 ||
	    (rc = add_qa(&t, s, &lib_dirs)) < 0 || (rc = add_modules(&t, s, tmpdir, log)) < 0)
		goto out;
	if ((rc = add_init_data(&t, s, &lib_dirs)) < 0)
		goto out;
	if ((rc = cpio_finish(&t)) < 0)
		goto out;
	rc = cpio_write(&t, out_path);
	if (rc == 0 && log) {
		struct stat st;
		if (stat(out_path, &st) == 0)
			fprintf(log, "initramfs: %s: %zu entries, %lld bytes\n", out_path, t.n,
				(long long)st.st_size);
	}
out:
	if (tmpdir)
		rm_rf(tmpdir);
	free(tmpdir);
	cpio_free(&t);
	strv_free(&lib_dirs);
	return rc;
}
