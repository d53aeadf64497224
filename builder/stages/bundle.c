/* bundle: the last stage. The staged kernel and the grub stage's files become
 * O/bundle/kbuild-<profile>-R.tar.xz (reproducible, with a MANIFEST of every
 * file and of where the kernel came from and how it tested), an RPM for
 * CentOS 6-era hosts and a .deb for Debian-family hosts. */
#include "package/bundle_tree.h"
#include "lib/outfile.h"
#include "package/pkginfo.h"
#include "source/patch_apply.h"
#include "kernel/toolchain.h"
#include "core/records.h"
#include "core/version.h"
#include "stages/chain.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const templates[] = {
	"packaging/rpm/kernel.spec.in", "packaging/rpm/post-once.in", "packaging/rpm/post-default.in",
	"packaging/deb/control.in", "packaging/deb/preinst.in", "packaging/deb/postinst.in",
	"packaging/deb/prerm.in", "packaging/deb/postrm.in", "packaging/deb/copyright",
	"packaging/deb/changelog.in",
};

static int bundle_inputs(struct run *r, struct stamp *s)
{
	stamp_add(s, "package suffix", r->set->package.suffix);
	stamp_add(s, "package release", r->set->package.release);
	stamp_add(s, "package vendor", r->set->package.vendor);
	stamp_add(s, "boot mode", boot_mode_names[r->set->boot.mode]);
	stamp_add(s, "kbuild", KBUILD_VERSION);
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		char *p = home_path(r, templates[i]);
		stamp_add_file(s, templates[i], p);
		free(p);
	}
	return 0;
}

static long long build_epoch(const struct run *r)
{
	/* As kmake_env: SOURCE_DATE_EPOCH, else the unpatched source's date. */
	const char *env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env)
		return atoll(env);
	struct source_date_rec d;
	long long e = source_date_rec_get(r, &d) == 0 ? d.epoch : 0;
	kb_clear_error();
	return e;
}

/* results.json's verdicts as "selftest <name> <status>" lines. */
static int add_verdicts(struct run *r, struct manifest *m)
{
	char *p = run_path(r, OUT_RESULTS_JSON);
	json_error_t err;
	json_t *root = json_load_file(p, 0, &err);
	int rc = 0;
	json_t *tests = root ? json_object_get(root, "tests") : NULL;
	if (!json_is_array(tests)) {
		rc = kb_fail("%s: no self-test results (%s): run the qa stage", p, root ? "no tests" : err.text);
	} else {
		size_t i;
		json_t *t;
		json_array_foreach(tests, i, t) {
			const char *name = json_string_value(json_object_get(t, "name"));
			const char *status = json_string_value(json_object_get(t, "status"));
			char *v = xasprintf("%s %s", name ? name : "?", status ? status : "?");
			manifest_set(m, "selftest", v);
			free(v);
		}
	}
	json_decref(root);
	free(p);
	return rc;
}

static int add_header(struct run *r, struct manifest *m, const char *krel)
{
	manifest_set(m, "profile", r->set->name);
	manifest_set(m, "release", krel);
	manifest_set(m, "kbuild", KBUILD_VERSION);
	manifest_set(m, "arch", r->set->build.arch);
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		return -1;
	const char *src_keys[] = {"source-kind", "source-origin", "source-sha256", "source-verified"};
	const char *src_vals[] = {src.kind, src.origin, src.sha256, src.verified};
	for (size_t i = 0; i < 4; i++)
		if (src_vals[i])
			manifest_set(m, src_keys[i], src_vals[i]);
	source_rec_free(&src);
	char *applied_path = record_applied_path(r);
	struct applied list;
	if (applied_load(applied_path, &list) < 0) {
		free(applied_path);
		return -1;
	}
	for (size_t i = 0; i < list.n; i++) {
		char *l = xasprintf("%s %s%s", list.l[i].sha256, list.l[i].name,
				    list.l[i].state == PATCH_SKIPPED ? " skipped" : "");
		manifest_set(m, "patch", l);
		free(l);
	}
	applied_free(&list);
	free(applied_path);
	char *cc = toolchain_version(r);
	manifest_set(m, "compiler", cc);
	free(cc);
	return add_verdicts(r, m);
}

static int bundle_run(struct run *r)
{
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0)
		return -1;
	char *krel = inst.release;
	if (!krel || !*krel) {
		install_rec_free(&inst);
		return kb_fail("no release in %s/install.rec: run the install stage", r->outdir);
	}
	long long epoch = build_epoch(r);
	char *final = run_path(r, "bundle");
	char *work = run_path(r, "bundle.tmp");
	char *tree = path_join(work, "root");
	char *outdir = path_join(work, "out");
	char *grub = run_path(r, "grub");
	struct manifest m = {0};
	/* The old artifacts are about to be replaced: their record goes first. */
	int rc = record_remove(r, &bundle_rec_desc) < 0 || rm_rf(work) < 0 || mkdir_p(outdir, 0755) < 0 ? -1 : 0;
	/* the grub stage ran before this one: its files missing means O was tampered with */
	if (rc == 0 && !is_dir(grub))
		rc = kb_fail("%s is missing: run the grub stage again (kbuild grub)", grub);
	if (rc == 0)
		rc = add_header(r, &m, krel);
	if (rc == 0)
		rc = bundle_make_tree(r->installroot, grub, krel, epoch, &m, tree);
	if (rc == 0)
		fprintf(r->log, "bundle tree: %zu entries (grub files included)\n", m.n);
	char *tarball = xasprintf("%s/kbuild-%s-%s.tar.xz", outdir, r->set->name, krel);
	if (rc == 0)
		rc = bundle_write_tarball(tree, &m, krel, epoch, tarball);
	struct pkg_info p = {
		.home = r->home, .tree = tree, .m = &m, .krel = krel, .profile = r->set->name,
		.suffix = r->set->package.suffix,
		.pkgrel = r->set->package.release,
		.vendor = r->set->package.vendor,
		.boot_mode = boot_mode_names[r->set->boot.mode], .arch = r->set->build.arch,
		.epoch = epoch, .log = r->log,
	};
	char *rpm = NULL, *deb = NULL;
	if (rc == 0)
		rc = rpm_build(&p, work, outdir, &rpm);
	if (rc == 0)
		rc = deb_build(&p, work, outdir, &deb);
	if (rc == 0) {
		char *mf = manifest_relpath(krel);
		char *from = path_join(tree, mf);
		char *to = path_join(outdir, "MANIFEST");
		rc = copy_file(from, to);
		free(to);
		free(from);
		free(mf);
	}
	if (rc == 0)
		rc = rm_rf(final);
	if (rc == 0 && rename(outdir, final) < 0)
		rc = kb_fail("cannot rename %s to %s: %s", outdir, final, strerror(errno));
	if (rc == 0) {
		struct bundle_rec rec = {
			.tarball = xasprintf("%s/%s", final, strrchr(tarball, '/') + 1),
			.rpm = xasprintf("%s/%s", final, strrchr(rpm, '/') + 1),
			.deb = xasprintf("%s/%s", final, strrchr(deb, '/') + 1),
		};
		fprintf(r->log, "tarball %s\nrpm %s\ndeb %s\n", rec.tarball, rec.rpm, rec.deb);
		rc = bundle_rec_put(r, &rec);
		bundle_rec_free(&rec);
	}
	if (rc == 0)
		rm_rf(work);
	manifest_free(&m);
	free(rpm);
	free(deb);
	free(tarball);
	free(grub);
	free(outdir);
	free(tree);
	free(work);
	free(final);
	install_rec_free(&inst);
	return rc;
}

/* The tarball, the packages and the MANIFEST as artifacts. */
static void bundle_describe(struct run *r, struct rundoc *doc)
{
	struct bundle_rec rec;
	if (bundle_rec_get(r, &rec) < 0)
		return;
	const char *const files[] = {rec.tarball, rec.rpm, rec.deb};
	for (size_t i = 0; i < 3; i++)
		if (files[i])
			rundoc_artifact(doc, files[i]);
	char *mf = run_path(r, "bundle/MANIFEST");
	rundoc_artifact(doc, mf);
	free(mf);
	bundle_rec_free(&rec);
}

const struct stage stage_bundle = {
	.name = "bundle",
	.summary = "reproducible tarball with a sha256 MANIFEST, RPM and .deb",
	.inputs = bundle_inputs,
	.run = bundle_run,
	.describe = bundle_describe,
};
