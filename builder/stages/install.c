/* install: modules_install into a staging root, depmod for exactly this
 * release, boot/ files, then proof that what was staged is what was asked
 * for: libkmod over the modules, libelf over vmlinux. */
#include "kernel/kmake.h"
#include "lib/outfile.h"
#include "kernel/arch.h"
#include "kernel/modcheck.h"
#include "kernel/elf_symbols.h"
#include "lib/spawn.h"
#include "stages/chain.h"
#include "core/records.h"

#include <stdio.h>
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

static int stage_boot_files(struct run *r, const char *root, const char *rel)
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
	struct { const char *from, *name; } files[] = {
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

static int run_depmod(struct run *r, const char *root, const char *rel)
{
	char *argv[] = {"depmod", "-b", (char *)root, (char *)rel, NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fileno(r->log), .stderr_fd = -1};
	fprintf(r->log, "$ depmod -b %s %s\n", root, rel);
	int st = spawn_run(argv, &o);
	return st == 0 ? 0 : kb_fail("depmod -b %s %s failed (status %d)", root, rel, st);
}

static int install_run(struct run *r)
{
	char *rel = kmake_release(r);
	if (!rel)
		return kb_fail("no kernel release in %s/include/config/kernel.release: run the build stage", r->objdir);
	char *tmp = xasprintf("%s.tmp", r->stagedir);
	int rc = rm_rf(tmp);
	if (rc == 0 && modules_enabled(r)) {
		char *var = xasprintf("INSTALL_MOD_PATH=%s", tmp);
		const char *targets[] = {"modules_install", var};
		int st = kmake(r, targets, 2, 0, NULL, 0);
		free(var);
		if (st != 0)
			rc = st < 0 ? -1 : kb_fail("make modules_install failed (status %d)", st);
		if (rc == 0)
			rc = run_depmod(r, tmp, rel);
		/* Links back into this machine's build tree mean nothing elsewhere. */
		for (const char *const *l = (const char *const[]){"build", "source", NULL}; rc == 0 && *l; l++) {
			char *link = xasprintf("%s/lib/modules/%s/%s", tmp, rel, *l);
			unlink(link);
			free(link);
		}
	} else if (rc == 0) {
		fprintf(r->log, "CONFIG_MODULES is off: no modules to install\n");
		rc = mkdir_p(tmp, 0755);
	}
	if (rc == 0)
		rc = stage_boot_files(r, tmp, rel);

	const struct strv *mods = &r->set->qa.modules, *syms = &r->set->qa.symbols;
	if (rc == 0 && modules_enabled(r))
		rc = modcheck_stage(tmp, rel, (const char *const *)mods->v, mods->n, r->log);
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
		rc = rm_rf(r->stagedir);
	}
	if (rc == 0 && rename(tmp, r->stagedir) < 0)
		rc = kb_fail("cannot rename %s to %s", tmp, r->stagedir);
	/* the installed tree on disk before a stamp vouches for it */
	if (rc == 0)
		rc = sync_tree(r->stagedir);
	if (rc == 0) {
		struct install_rec rec = {rel};
		rc = install_rec_put(r, &rec);
	}
	free(tmp);
	free(rel);
	return rc;
}

/* The installed kernel, its System.map and config. */
static void install_artifacts(struct run *r, struct strv *paths)
{
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0) {
		kb_clear_error(); /* not installed yet */
		return;
	}
	static const char *const names[] = {"vmlinuz", "System.map", "config"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		strv_push_owned(paths, xasprintf("%s/boot/%s-%s", r->stagedir, names[i], inst.release));
	install_rec_free(&inst);
}

static char *install_missing(struct run *r)
{
	return is_dir(r->stagedir) ? NULL : xasprintf("%s is gone", r->stagedir);
}

const struct stage stage_install = {
	.name = "install",
	.summary = "modules_install, depmod, boot files, module and symbol checks",
	.inputs = install_inputs,
	.missing = install_missing,
	.run = install_run,
	.artifacts = install_artifacts,
};
