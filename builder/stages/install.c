/* install: modules_install into a staging root, depmod for exactly this
 * release, boot/ files, then proof that what was staged is what was asked
 * for: libkmod over the modules, libelf over vmlinux. */
#include "kernel/depmod.h"
#include "kernel/kmake.h"
#include "lib/outfile.h"
#include "kernel/arch.h"
#include "kernel/modcheck.h"
#include "kernel/elf_symbols.h"
#include "lib/spawn.h"
#include "stages/chain.h"
#include "core/records.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int install_inputs(struct run *r, struct stamp *s)
{
	const struct strv *mods = &r->set->qa.modules, *syms = &r->set->qa.symbols;
	for (size_t i = 0; i < mods->n; i++)
		stamp_add(s, "expected module", mods->v[i]);
	for (size_t i = 0; i < syms->n; i++)
		stamp_add(s, "expected symbol", syms->v[i]);
	return 0;
}

static int modules_enabled(struct run *r)
{
	char *p = path_join(r->objdir, ".config");
	char *text = read_file(p, NULL);
	free(p);
	int on = text && strstr(text, "\nCONFIG_MODULES=y") != NULL;
	free(text);
	return on;
}

static int install_boot_files(struct run *r, const char *root, const char *rel)
{
	char *boot = path_join(root, "boot");
	if (mkdir_p(boot, 0755) < 0) {
		free(boot);
		return -1;
	}
	const struct kernel_arch *a = kernel_arch(r);
	if (!a) {
		free(boot);
		return -1;
	}
	char *image = kernel_arch_image_path(a);
	struct {
		const char *from, *name;
	} files[] = {
		{image, "vmlinuz"},
		{"System.map", "System.map"},
		{".config", "config"},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++) {
		char *src = path_join(r->objdir, files[i].from);
		char *dst = xasprintf("%s/%s-%s", boot, files[i].name, rel);
		rc = copy_file(src, dst);
		free(src);
		free(dst);
	}
	free(image);
	free(boot);
	return rc;
}

static int install_run(struct run *r)
{
	char *rel = kmake_release(r);
	if (!rel)
		return kb_fail("no kernel release in %s/include/config/kernel.release: run the build stage",
			       r->objdir);
	char *tmp = xasprintf("%s.tmp", r->installroot);
	int rc = rm_rf(tmp);
	if (rc == 0 && modules_enabled(r)) {
		char *var = xasprintf("INSTALL_MOD_PATH=%s", tmp);
		const char *targets[] = {"modules_install", var};
		int st = kmake(r, targets, 2, 0, NULL, 0);
		free(var);
		if (st != 0)
			rc = st < 0 ? -1 : kb_fail("make modules_install failed (status %d)", st);
		if (rc == 0)
			rc = depmod_run(tmp, rel, r->log);
		/* Links back into this machine's build tree mean nothing elsewhere. */
		for (const char *const *l = (const char *const[]){"build", "source", NULL}; rc == 0 && *l;
		     l++) {
			char *link = xasprintf("%s/lib/modules/%s/%s", tmp, rel, *l);
			unlink(link);
			free(link);
		}
	} else if (rc == 0) {
		fprintf(r->log, "CONFIG_MODULES is off: no modules to install\n");
		rc = mkdir_p(tmp, 0755);
	}
	if (rc == 0)
		rc = install_boot_files(r, tmp, rel);

	const struct strv *mods = &r->set->qa.modules, *syms = &r->set->qa.symbols;
	if (rc == 0 && modules_enabled(r))
		rc = modcheck_tree(tmp, rel, (const char *const *)mods->v, mods->n, r->log);
	else if (rc == 0 && mods->n)
		rc = kb_fail("the profile expects modules (%s) but CONFIG_MODULES is off", mods->v[0]);
	if (rc == 0 && syms->n) {
		char *vmlinux = path_join(r->objdir, "vmlinux");
		rc = elf_has_symbols(vmlinux, (const char *const *)syms->v, syms->n);
		if (rc == 0)
			fprintf(r->log, "vmlinux defines %zu expected symbols\n", syms->n);
		free(vmlinux);
	}
	if (rc == 0) {
		fprintf(r->log, "modules and vmlinux checked for release %s\n", rel);
		rc = rm_rf(r->installroot);
	}
	if (rc == 0 && rename(tmp, r->installroot) < 0)
		rc = kb_fail("cannot rename %s to %s", tmp, r->installroot);
	/* the installed tree on disk before a stamp vouches for it */
	if (rc == 0)
		rc = sync_tree(r->installroot);
	if (rc == 0) {
		struct install_rec rec = {rel};
		rc = install_rec_put(r, &rec);
	}
	free(tmp);
	free(rel);
	return rc;
}

static json_int_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (json_int_t)st.st_size : -1;
}

/* The modules under stage/lib/modules/R: each .ko's size, and the total. */
static void module_sizes(const char *dir, json_t *mods, json_int_t *total)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			module_sizes(p, mods, total);
		} else if (S_ISREG(st.st_mode) && strstr(e->d_name, ".ko")) {
			json_object_set_new(mods, e->d_name, json_integer((json_int_t)st.st_size));
			*total += (json_int_t)st.st_size;
		}
		free(p);
	}
	if (d)
		closedir(d);
}

/* "kernel_release" as installed, "sizes" (vmlinux, the boot image keyed
 * "bzImage" whatever the arch calls it so that records compare, every
 * module), and the installed kernel, System.map and config as artifacts. */
static void install_describe(struct run *r, struct rundoc *doc)
{
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0 || !inst.release) {
		install_rec_free(&inst);
		return;
	}
	rundoc_set(doc, "kernel_release", json_string(inst.release));
	json_t *sizes = json_object();
	char *vmlinux = path_join(r->objdir, "vmlinux");
	if (file_size(vmlinux) >= 0)
		json_object_set_new(sizes, "vmlinux", json_integer(file_size(vmlinux)));
	free(vmlinux);
	const struct kernel_arch *a = kernel_arch(r);
	char *rel = a ? kernel_arch_image_path(a) : NULL;
	char *image = rel ? path_join(r->objdir, rel) : NULL;
	if (image && file_size(image) >= 0)
		json_object_set_new(sizes, "bzImage", json_integer(file_size(image)));
	free(image);
	free(rel);
	char *mods_dir = xasprintf("%s/lib/modules/%s", r->installroot, inst.release);
	if (is_dir(mods_dir)) {
		json_t *mods = json_object();
		json_int_t total = 0;
		module_sizes(mods_dir, mods, &total);
		json_object_set_new(sizes, "modules_total", json_integer(total));
		json_object_set_new(sizes, "modules", mods);
	}
	free(mods_dir);
	rundoc_set(doc, "sizes", sizes);
	static const char *const names[] = {"vmlinuz", "System.map", "config"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = xasprintf("%s/boot/%s-%s", r->installroot, names[i], inst.release);
		rundoc_artifact(doc, p);
		free(p);
	}
	install_rec_free(&inst);
}

static char *install_missing(struct run *r)
{
	return is_dir(r->installroot) ? NULL : xasprintf("%s is gone", r->installroot);
}

const struct stage stage_install = {
	.name = "install",
	.summary = "modules_install, depmod, boot files, module and symbol checks",
	.inputs = install_inputs,
	.missing = install_missing,
	.run = install_run,
	.describe = install_describe,
};
