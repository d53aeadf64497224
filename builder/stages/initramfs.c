/* initramfs: busybox, the C self-tests with the libraries they need, the
 * profile's modules, and an /init that runs the tests and ends QEMU. */
#include "guest/image.h"
#include "kernel/kmake.h"
#include "guest/qaplan.h"
#include "lib/tools.h"
#include "stages/chain.h"
#include "core/records.h"

#include <dirent.h>

#include <stdlib.h>
#include <string.h>

#define BUSYBOX "/bin/busybox"
#define INITRAMFS_FOLDER "initramfs" /* in kbuild's home */

/* The built self-test binary (qa/Makefile.inc builds them into build/qa). */
static char *qa_binary(struct run *r, const char *name)
{
	char *rel = xasprintf("build/qa/%s", name);
	char *p = home_path(r, rel);
	free(rel);
	return p;
}

/* Every file of the initramfs/ folder (the skeleton list, /init, ...). */
static int add_folder_inputs(struct run *r, struct stamp *s)
{
	char *dir = home_path(r, INITRAMFS_FOLDER);
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		kb_fail("cannot read %s (the guest's skeleton and /init)", dir);
		free(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char *p = path_join(dir, ents[i]->d_name);
			char *key = xasprintf("%s/%s", INITRAMFS_FOLDER, ents[i]->d_name);
			stamp_add_file(s, key, p);
			free(key);
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return 0;
}

static int initramfs_inputs(struct run *r, struct stamp *s)
{
	if (add_folder_inputs(r, s) < 0)
		return -1;
	char *plan = NULL;
	if (qaplan_text(r, &plan) < 0)
		return -1;
	stamp_add(s, "plan", plan);
	free(plan);
	struct strv l = {0};
	qaplan_tests(r, &l);
	strv_push(&l, "qa-runner");
	for (size_t i = 0; i < l.n; i++) {
		char *p = qa_binary(r, l.v[i]);
		stamp_add_file(s, l.v[i], p);
		free(p);
	}
	strv_free(&l);
	stamp_add_file(s, "busybox", BUSYBOX);
	qaplan_sysctls(r, &l);
	for (size_t i = 0; i < l.n; i++)
		stamp_add(s, "sysctl", l.v[i]);
	strv_free(&l);
	return 0;
}

static int initramfs_run(struct run *r)
{
	if (!path_exists(BUSYBOX))
		return tool_missing(BUSYBOX);
	struct strv tests = {0}, bins = {0}, sysctls = {0}, mods = {0};
	char *plan = NULL, *out = NULL;
	struct install_rec inst = {0};
	int rc = qaplan_tests(r, &tests);
	if (rc == 0)
		rc = qaplan_text(r, &plan);
	strv_push(&tests, "qa-runner");
	for (size_t i = 0; rc == 0 && i < tests.n; i++) {
		char *p = qa_binary(r, tests.v[i]);
		if (!path_exists(p))
			rc = kb_fail("self-test %s is not built (run make in %s)", p, r->home);
		strv_push_owned(&bins, p);
	}
	if (rc == 0) {
		rc = install_rec_get(r, &inst);
	}
	if (rc == 0) {
		qaplan_sysctls(r, &sysctls);
		for (size_t i = 0; i < r->set->qa.modules.n; i++)
			strv_push(&mods, r->set->qa.modules.v[i]);
		char *mod_root = r->installroot;
		char *skel = home_path(r, INITRAMFS_FOLDER);
		struct initramfs_spec spec = {
			.busybox = BUSYBOX,
			.qa_bins = (const char *const *)bins.v,
			.n_qa_bins = bins.n,
			.plan = plan,
			.sysctls = (const char *const *)sysctls.v,
			.n_sysctls = sysctls.n,
			.modules_root = mod_root,
			.release = inst.release,
			.modules = (const char *const *)mods.v,
			.n_modules = mods.n,
			.skeleton_dir = skel,
		};
		fprintf(r->log, "plan:\n%s", plan);
		out = run_path(r, OUT_INITRAMFS);
		rc = initramfs_build(&spec, out, r->log);
		free(skel);
	}
	free(out);
	install_rec_free(&inst);
	free(plan);
	strv_free(&tests);
	strv_free(&bins);
	strv_free(&sysctls);
	strv_free(&mods);
	return rc;
}

static void initramfs_describe(struct run *r, struct rundoc *doc)
{
	char *p = run_path(r, OUT_INITRAMFS);
	rundoc_artifact(doc, p);
	free(p);
}

const struct stage stage_initramfs = {
	.name = "initramfs",
	.summary = "busybox initramfs with the self-tests and modules",
	.inputs = initramfs_inputs,
	.run = initramfs_run,
	.describe = initramfs_describe,
};
