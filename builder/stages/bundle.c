/* bundle: the last stage. The staged kernel and the grub stage's files become
 * O/bundle/kbuild-<profile>-R.tar.xz (reproducible, with a MANIFEST of every
 * file and of where the kernel came from and how it tested), an RPM for
 * CentOS 6-era hosts and a .deb for Debian-family hosts. */
#include "package/attest.h"
#include "package/bundle_tree.h"
#include "core/profile.h"
#include "core/rundoc.h"
#include "lib/json.h"
#include "lib/spawn.h"
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
#include <sys/stat.h>
#include <time.h>

static const char *const templates[] = {
	"packaging/rpm/kernel.spec.in", "packaging/rpm/post-once.in", "packaging/rpm/post-default.in",
	"packaging/deb/control.in",     "packaging/deb/preinst.in",   "packaging/deb/postinst.in",
	"packaging/deb/prerm.in",       "packaging/deb/postrm.in",    "packaging/deb/copyright",
	"packaging/deb/changelog.in",
};

/* The linker as the build used it: the first line of <cross>ld --version. */
static char *binutils_version(const struct run *r)
{
	char *ld = xasprintf("%sld", r->set->build.cross ? r->set->build.cross : "");
	char *argv[] = {ld, "--version", NULL};
	char *out = NULL;
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	int st = spawn_capture(argv, &o, &out);
	kb_clear_error();
	free(ld);
	if (st != 0 || !out) {
		free(out);
		return xstrdup("unknown");
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static int bundle_inputs(struct run *r, struct stamp *s)
{
	stamp_add(s, "package suffix", r->set->package.suffix);
	stamp_add(s, "package release", r->set->package.release);
	stamp_add(s, "package vendor", r->set->package.vendor);
	stamp_add(s, "boot mode", boot_mode_names[r->set->boot.mode]);
	stamp_add(s, "kbuild", KBUILD_VERSION);
	char *ld = binutils_version(r);
	stamp_add(s, "binutils", ld);
	free(ld);
	const char *key = r->set->package.signing_key;
	stamp_add(s, "signing key", key && *key ? key : "none");
	if (key && *key)
		stamp_add_file(s, "signing key file", key);
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
		rc = kb_fail("%s: no self-test results (%s): run the qa stage", p,
			     root ? "no tests" : err.text);
	} else {
		size_t i;
		json_t *t;
		json_array_foreach(tests, i, t)
		{
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

/* What the SBOM and the provenance say, with the strings it owns. */
struct attest {
	struct attest_input in;
	FILE *log;
	struct source_rec src;
	struct strv owned;
};

static const char *own(struct attest *a, char *s)
{
	strv_push_owned(&a->owned, s);
	return s;
}

static void attest_free(struct attest *a)
{
	attest_items_free(&a->in.patches);
	attest_items_free(&a->in.params);
	source_rec_free(&a->src);
	strv_free(&a->owned);
}

static char *now_iso(void)
{
	time_t t = time(NULL);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

/* The profile files that gave a value (inherited ones too), once each. */
static int add_profile_files(struct run *r, struct attest *a)
{
	const struct profile *p = r->set->prof;
	struct strv seen = {0};
	int rc = 0;
	for (size_t i = 0; p && rc == 0 && i < p->n; i++) {
		const char *o = p->v[i].origin;
		const char *colon = o ? strrchr(o, ':') : NULL;
		if (!colon || o[0] != '/')
			continue;
		char *file = xstrndup(o, (size_t)(colon - o));
		bool dup = false;
		for (size_t j = 0; j < seen.n; j++)
			dup |= !strcmp(seen.v[j], file);
		if (!dup && path_exists(file)) {
			size_t hl = strlen(r->home);
			const char *name = !strncmp(file, r->home, hl) && file[hl] == '/' ? file + hl + 1
											  : file;
			rc = attest_items_add(&a->in.params, name, file, NULL);
			strv_push(&seen, file);
		}
		free(file);
	}
	strv_free(&seen);
	return rc;
}

static int attest_gather(struct run *r, const char *krel, long long epoch, struct attest *a)
{
	memset(a, 0, sizeof(*a));
	struct attest_input *in = &a->in;
	const struct package_settings *ps = &r->set->package;
	in->profile = r->set->name;
	in->krel = krel;
	in->arch = r->set->build.arch;
	in->vendor = ps->vendor;
	in->kbuild_version = KBUILD_VERSION;
	in->compiler = own(a, toolchain_version(r));
	in->binutils = own(a, binutils_version(r));
	in->epoch = epoch;
	if (source_rec_get(r, &a->src) < 0)
		return -1;
	in->src_version = r->set->source.version;
	in->src_kind = a->src.kind;
	in->src_origin = a->src.origin;
	in->src_sha256 = a->src.sha256;
	in->src_verified = a->src.verified;
	in->series = r->set->patches.series;
	char *applied_path = record_applied_path(r);
	struct applied list;
	int rc = applied_load(applied_path, &list);
	free(applied_path);
	if (rc < 0)
		return -1;
	char *dir = in->series ? xstrdup(in->series) : xstrdup(".");
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	for (size_t i = 0; i < list.n; i++) {
		if (list.l[i].state == PATCH_SKIPPED)
			continue;
		char *name = xasprintf("%s/%s", dir, list.l[i].name);
		attest_items_add(&in->patches, name, NULL, list.l[i].sha256);
		char *p = home_path(r, name);
		if (path_exists(p))
			in->patches.v[in->patches.n - 1].path = p;
		else
			free(p);
		free(name);
	}
	free(dir);
	applied_free(&list);
	rc = add_profile_files(r, a);
	for (size_t i = 0; rc == 0 && i < r->set->config.fragments.n; i++) {
		char *p = config_fragment_path(r, r->set->config.fragments.v[i]);
		if (!p)
			return -1;
		size_t hl = strlen(r->home);
		rc = attest_items_add(&in->params, !strncmp(p, r->home, hl) && p[hl] == '/' ? p + hl + 1 : p,
				      p, NULL);
		free(p);
	}
	if (rc < 0)
		return -1;
	in->config_name = own(a, xasprintf("boot/config-%s", krel));
	char *cfg = run_path(r, OUT_CONFIG);
	rc = sha256_file(cfg, in->config_sha256);
	free(cfg);
	if (rc < 0)
		return -1;
	in->rpm_name = own(a, xasprintf("kernel-%s", ps->suffix));
	in->rpm_file = own(a, xasprintf("kernel-%s-%s-%s.x86_64.rpm", ps->suffix, krel, ps->release));
	in->deb_name = own(a, xasprintf("linux-image-%s-%s", krel, ps->suffix));
	in->deb_file = own(a, xasprintf("linux-image-%s-%s_%s-%s_amd64.deb", krel, ps->suffix, krel,
					ps->release));
	in->pkg_version = own(a, xasprintf("%s-%s", krel, ps->release));
	in->command = r->doc ? json_member_str(r->doc->root, "reproducer") : NULL;
	in->started = r->doc ? json_member_str(r->doc->root, "started") : NULL;
	a->log = r->log;
	return 0;
}

/* bundle_make_tree_with's hook: the SBOM into the tree and its MANIFEST. */
static int add_sbom(void *ctx, const char *tree, struct manifest *m)
{
	struct attest *a = ctx;
	double t0 = now_seconds();
	if (sbom_write(&a->in, m, tree) < 0)
		return -1;
	char *rel = sbom_relpath(a->in.krel);
	int rc = manifest_add_path(m, tree, rel);
	manifest_sort(m);
	const struct mf_entry *e = manifest_find(m, rel);
	char *full = path_join(tree, rel);
	struct stat st;
	if (rc >= 0 && e && stat(full, &st) == 0 && a->log)
		fprintf(a->log, "sbom: %s, %lld bytes, %zu patches, written in %.3f s\n", rel,
			(long long)st.st_size, a->in.patches.n, now_seconds() - t0);
	free(full);
	free(rel);
	return rc < 0 ? -1 : 0;
}

/* The package file the SBOM named is the one built. */
static int same_name(const char *built, const char *named)
{
	const char *b = strrchr(built, '/');
	b = b ? b + 1 : built;
	return strcmp(b, named) ? kb_fail("built %s, but the SBOM names %s", b, named) : 0;
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
	int rc = record_remove(r, &bundle_rec_desc) < 0 || rm_rf(work) < 0 || mkdir_p(outdir, 0755) < 0 ? -1
													: 0;
	/* the grub stage ran before this one: its files missing means O was tampered with */
	if (rc == 0 && !is_dir(grub))
		rc = kb_fail("%s is missing: run the grub stage again (kbuild grub)", grub);
	if (rc == 0)
		rc = add_header(r, &m, krel);
	struct attest at = {0};
	if (rc == 0)
		rc = attest_gather(r, krel, epoch, &at);
	if (rc == 0)
		rc = bundle_make_tree_with(r->installroot, grub, krel, epoch, &m, tree, add_sbom, &at);
	if (rc == 0)
		fprintf(r->log, "bundle tree: %zu entries (grub files included)\n", m.n);
	char *tarball = xasprintf("%s/kbuild-%s-%s.tar.xz", outdir, r->set->name, krel);
	if (rc == 0)
		rc = bundle_write_tarball(tree, &m, krel, epoch, tarball);
	struct pkg_info p = {
		.home = r->home,
		.tree = tree,
		.m = &m,
		.krel = krel,
		.profile = r->set->name,
		.suffix = r->set->package.suffix,
		.pkgrel = r->set->package.release,
		.vendor = r->set->package.vendor,
		.boot_mode = boot_mode_names[r->set->boot.mode],
		.arch = r->set->build.arch,
		.epoch = epoch,
		.log = r->log,
	};
	char *rpm = NULL, *deb = NULL;
	if (rc == 0)
		rc = rpm_build(&p, work, outdir, &rpm);
	if (rc == 0)
		rc = deb_build(&p, work, outdir, &deb);
	if (rc == 0)
		rc = same_name(rpm, at.in.rpm_file);
	if (rc == 0)
		rc = same_name(deb, at.in.deb_file);
	if (rc == 0) {
		char *mf = manifest_relpath(krel);
		char *from = path_join(tree, mf);
		char *to = path_join(outdir, "MANIFEST");
		rc = copy_file(from, to);
		free(to);
		free(from);
		free(mf);
	}
	char *sbom = xasprintf("%s/kbuild-%s-%s.spdx.json", outdir, r->set->name, krel);
	char *prov = xasprintf("%s/kbuild-%s-%s.intoto.json", outdir, r->set->name, krel);
	if (rc == 0) {
		char *rel = sbom_relpath(krel);
		char *from = path_join(tree, rel);
		rc = copy_file(from, sbom);
		free(from);
		free(rel);
	}
	if (rc == 0) {
		char *finished = now_iso();
		at.in.finished = finished;
		const struct attest_subject subj[] = {
			{strrchr(tarball, '/') + 1, tarball},
			{strrchr(rpm, '/') + 1, rpm},
			{strrchr(deb, '/') + 1, deb},
			{strrchr(sbom, '/') + 1, sbom},
		};
		const char *key = r->set->package.signing_key;
		rc = provenance_write(&at.in, subj, 4, key, prov);
		if (rc == 0)
			fprintf(r->log, "provenance: %s (%s)\n", strrchr(prov, '/') + 1,
				key && *key ? "signed: DSSE envelope" : "unsigned");
		at.in.finished = NULL;
		free(finished);
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
			.sbom = xasprintf("%s/%s", final, strrchr(sbom, '/') + 1),
			.provenance = xasprintf("%s/%s", final, strrchr(prov, '/') + 1),
		};
		fprintf(r->log, "tarball %s\nrpm %s\ndeb %s\nsbom %s\nprovenance %s\n", rec.tarball, rec.rpm,
			rec.deb, rec.sbom, rec.provenance);
		rc = bundle_rec_put(r, &rec);
		bundle_rec_free(&rec);
	}
	if (rc == 0)
		rm_rf(work);
	manifest_free(&m);
	if (at.in.krel)
		attest_free(&at);
	free(sbom);
	free(prov);
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

/* The tarball, the packages, the SBOM, the provenance and the MANIFEST as artifacts. */
static void bundle_describe(struct run *r, struct rundoc *doc)
{
	struct bundle_rec rec;
	if (bundle_rec_get(r, &rec) < 0)
		return;
	const char *const files[] = {rec.tarball, rec.rpm, rec.deb, rec.sbom, rec.provenance};
	for (size_t i = 0; i < 5; i++)
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
