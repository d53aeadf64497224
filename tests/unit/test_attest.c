/* The bundle's SBOM and provenance on a small fake staged kernel: the SPDX
 * document validates against the official SPDX 2.3 schema, every digest in
 * it matches the file it names, it is byte-identical on a rebuild; the
 * provenance statement's subjects match the artifacts, `verify` names a
 * tampered one; a signed statement verifies with its key and not with
 * another, nor once its payload is changed. */
#include "fakebundle.h"
#include "suites.h"
#include "package/attest.h"
#include "package/bundle_tree.h"
#include "package/manifest_verify.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/spawn.h"
#include "testutil.h"

#include <check.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fake_attest {
	struct attest_input in;
	char *patch_dir;
};

static void fake_input(struct fake_attest *fa, const char *dir)
{
	memset(fa, 0, sizeof(*fa));
	fa->patch_dir = path_join(dir, "home");
	tu_write(fa->patch_dir, "patches/9.9/0001-tw.patch", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n");
	tu_write(fa->patch_dir, "configs/9.9/ceph.config", "CONFIG_CEPH_LIB=m\n");
	char *p = path_join(fa->patch_dir, "patches/9.9/0001-tw.patch");
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(p, hex), 0);
	ck_assert_int_eq(attest_items_add(&fa->in.patches, "patches/9.9/0001-tw.patch", NULL, hex), 0);
	fa->in.patches.v[0].path = p;
	char *frag = path_join(fa->patch_dir, "configs/9.9/ceph.config");
	ck_assert_int_eq(attest_items_add(&fa->in.params, "configs/9.9/ceph.config", frag, NULL), 0);
	free(frag);
	struct attest_input *in = &fa->in;
	in->profile = "fake";
	in->krel = FAKE_KREL;
	in->arch = "x86_64";
	in->vendor = "Fleet Ops <ops@example.org>";
	in->kbuild_version = "0.test";
	in->compiler = "gcc (Debian 12.2.0-14) 12.2.0";
	in->binutils = "GNU ld (GNU Binutils for Debian) 2.40";
	in->epoch = 1700000000;
	in->src_version = "9.9.9";
	in->src_kind = "tarball";
	in->src_origin = "https://cdn.kernel.org/pub/linux/kernel/v9.x/linux-9.9.9.tar.xz";
	in->src_sha256 = "63c89dd833a67d21f4a0002b92826e3a5380153097d9ec29d62a884ca5310105";
	in->src_verified = "yes (sha256)";
	in->series = "patches/9.9/series";
	in->config_name = "boot/config-" FAKE_KREL;
	memcpy(in->config_sha256, hex, sizeof(hex));
	in->rpm_name = "kernel-kbuild";
	in->rpm_file = "kernel-kbuild-" FAKE_KREL "-1.x86_64.rpm";
	in->deb_name = "linux-image-" FAKE_KREL "-kbuild";
	in->deb_file = "linux-image-" FAKE_KREL "-kbuild_" FAKE_KREL "-1_amd64.deb";
	in->pkg_version = FAKE_KREL "-1";
	in->command = "kbuild make profile=fake";
	in->started = "2026-12-03T18:00:00Z";
	in->finished = "2026-12-03T18:05:00Z";
}

static void fake_input_free(struct fake_attest *fa)
{
	attest_items_free(&fa->in.patches);
	attest_items_free(&fa->in.params);
	free(fa->patch_dir);
}

static int hook(void *ctx, const char *tree, struct manifest *m)
{
	struct attest_input *in = ctx;
	if (sbom_write(in, m, tree) < 0)
		return -1;
	char *rel = sbom_relpath(in->krel);
	int rc = manifest_add_path(m, tree, rel);
	manifest_sort(m);
	free(rel);
	return rc < 0 ? -1 : 0;
}

/* fb's tree (tree_name) and tarball (tar_name) with the SBOM inside. */
static void bundle_with_sbom(struct fakebundle *fb, struct fake_attest *fa, const char *tree_name,
			     const char *tar_name)
{
	manifest_free(&fb->m);
	free(fb->tree);
	free(fb->tarball);
	fb->tree = path_join(fb->dir, tree_name);
	fb->tarball = path_join(fb->dir, tar_name);
	manifest_set(&fb->m, "profile", "fake");
	int rc = bundle_make_tree_with(fb->stage, fb->grub, FAKE_KREL, 1700000000, &fb->m, fb->tree, hook,
				       &fa->in);
	ck_assert_msg(rc == 0, "bundle_make_tree_with: %s", kb_last_error());
	rc = bundle_write_tarball(fb->tree, &fb->m, FAKE_KREL, 1700000000, fb->tarball);
	ck_assert_msg(rc == 0, "bundle_write_tarball: %s", kb_last_error());
}

static char *sbom_path(const struct fakebundle *fb)
{
	char *rel = sbom_relpath(FAKE_KREL);
	char *p = path_join(fb->tree, rel);
	free(rel);
	return p;
}

static void sha1_of(const char *path, char hex[41])
{
	size_t len;
	char *data = read_file(path, &len);
	ck_assert_ptr_nonnull(data);
	unsigned char md[20];
	EVP_Digest(data, len, md, NULL, EVP_sha1(), NULL);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	free(data);
}

START_TEST(sbom_validates_and_names_every_file)
{
	struct fakebundle fb;
	struct fake_attest fa;
	fake_stage(&fb, "sbom");
	fake_input(&fa, fb.dir);
	bundle_with_sbom(&fb, &fa, "tree", "kbuild-fake-" FAKE_KREL ".tar.xz");
	char *sp = sbom_path(&fb);
	/* In the MANIFEST. */
	char *mf = manifest_relpath(FAKE_KREL);
	char *mfp = path_join(fb.tree, mf);
	char *mtext = read_file(mfp, NULL);
	ck_assert_ptr_nonnull(strstr(mtext, " usr/share/kbuild/" FAKE_KREL "/sbom.spdx.json\n"));

	/* The official schema (python3-jsonschema). */
	char *schema = tu_schema("spdx-2.3.schema.json");
	if (!schema) {
		tu_skip(TU_SKIP_ENV,
			"sbom: schema check: ../shared/schemas/spdx-2.3.schema.json is absent (KBUILD_TEST_SCHEMAS); digests checked");
	} else {
		char *argv[] = {
			"python3",
			"-c",
			"import json, sys, jsonschema\n"
			"s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))\n"
			"jsonschema.Draft7Validator(s, format_checker=jsonschema.FormatChecker()).validate(d)\n"
			"print('valid against the SPDX 2.3 schema', file=sys.stderr)\n",
			schema,
			sp,
			NULL};
		ck_assert_int_eq(tu_run(argv), 0);
		free(schema);
	}

	/* Every digest matches the file it names. */
	json_t *doc = json_read_file(sp);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_member_str(doc, "spdxVersion"), "SPDX-2.3");
	ck_assert_str_eq(json_member_str(json_object_get(doc, "creationInfo"), "created"),
			 "2023-11-14T22:13:20Z");
	size_t i, nfiles = 0, npatches = 0;
	json_t *f;
	json_array_foreach(json_object_get(doc, "files"), i, f)
	{
		const char *id = json_member_str(f, "SPDXID"), *name = json_member_str(f, "fileName");
		bool patch = !strncmp(id, "SPDXRef-Patch-", 14);
		char *p = path_join(patch ? fa.patch_dir : fb.tree, name + 2);
		char sha256[SHA256_HEX_LEN + 1], sha1[41];
		ck_assert_int_eq(sha256_file(p, sha256), 0);
		sha1_of(p, sha1);
		size_t j;
		json_t *c;
		int checked = 0;
		json_array_foreach(json_object_get(f, "checksums"), j, c)
		{
			const char *alg = json_member_str(c, "algorithm"),
				   *v = json_member_str(c, "checksumValue");
			ck_assert_str_eq(v, !strcmp(alg, "SHA1") ? sha1 : sha256);
			checked++;
		}
		ck_assert_int_eq(checked, 2);
		nfiles += !patch;
		npatches += patch;
		free(p);
	}
	/* vmlinuz, System.map, config, 2 modules, modules.dep, 2 grub files */
	ck_assert_uint_eq(nfiles, 8);
	ck_assert_uint_eq(npatches, 1);
	/* The relationships asked for, and the license. */
	char *text = read_file(sp, NULL);
	const char *const wanted[] = {"\"GENERATED_FROM\"",
				      "\"PATCH_APPLIED\"",
				      "\"CONTAINS\"",
				      "\"BUILD_TOOL_OF\"",
				      "\"GPL-2.0-only\"",
				      "pkg:rpm/kernel-kbuild@" FAKE_KREL "-1?arch=x86_64",
				      "\"binutils\"",
				      "GNU ld (GNU Binutils for Debian) 2.40",
				      "patches/9.9/series"};
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		ck_assert_msg(strstr(text, wanted[i]), "the SBOM lacks %s", wanted[i]);
	free(text);
	json_decref(doc);
	free(mtext);
	free(mfp);
	free(mf);
	free(sp);
	fake_input_free(&fa);
	fake_free(&fb);
}
END_TEST

START_TEST(sbom_is_reproducible)
{
	struct fakebundle fb;
	struct fake_attest fa;
	fake_stage(&fb, "sbom-repro");
	fake_input(&fa, fb.dir);
	bundle_with_sbom(&fb, &fa, "tree1", "one.tar.xz");
	char *s1 = sbom_path(&fb), *t1 = xstrdup(fb.tarball);
	sleep(1); /* a wall-clock time anywhere would now differ */
	bundle_with_sbom(&fb, &fa, "tree2", "two.tar.xz");
	char *s2 = sbom_path(&fb);
	size_t l1, l2;
	char *a = read_file(s1, &l1), *b = read_file(s2, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(a, b, l1), 0);
	char *ta = read_file(t1, &l1), *tb = read_file(fb.tarball, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(ta, tb, l1), 0);
	free(ta);
	free(tb);
	free(a);
	free(b);
	free(s1);
	free(s2);
	free(t1);
	fake_input_free(&fa);
	fake_free(&fb);
}
END_TEST

/* The artifacts next to the tarball, as the bundle stage leaves them. */
static void artifacts(struct fakebundle *fb, struct fake_attest *fa, const char *key, char **prov)
{
	bundle_with_sbom(fb, fa, "tree", "kbuild-fake-" FAKE_KREL ".tar.xz");
	tu_write(fb->dir, fa->in.rpm_file, "fake rpm\n");
	tu_write(fb->dir, fa->in.deb_file, "fake deb\n");
	char *in = sbom_path(fb), *copy = path_join(fb->dir, "kbuild-fake-" FAKE_KREL ".spdx.json");
	ck_assert_int_eq(copy_file(in, copy), 0);
	char *rpm = path_join(fb->dir, fa->in.rpm_file), *deb = path_join(fb->dir, fa->in.deb_file);
	const struct attest_subject subj[] = {
		{"kbuild-fake-" FAKE_KREL ".tar.xz", fb->tarball},
		{fa->in.rpm_file, rpm},
		{fa->in.deb_file, deb},
		{"kbuild-fake-" FAKE_KREL ".spdx.json", copy},
	};
	*prov = path_join(fb->dir, "kbuild-fake-" FAKE_KREL ".intoto.json");
	ck_assert_msg(provenance_write(&fa->in, subj, 4, key, *prov) == 0, "provenance_write: %s",
		      kb_last_error());
	free(rpm);
	free(deb);
	free(in);
	free(copy);
}

static int verify_att(const char *bundle, const char *prov, const char *pubkey, char **report)
{
	size_t len;
	FILE *f = open_memstream(report, &len);
	int rc = verify_attestations(bundle, prov, pubkey, f);
	fclose(f);
	fprintf(stderr, "%s", *report);
	return rc;
}

START_TEST(provenance_subjects_and_tamper)
{
	struct fakebundle fb;
	struct fake_attest fa;
	fake_stage(&fb, "prov");
	fake_input(&fa, fb.dir);
	char *prov;
	artifacts(&fb, &fa, NULL, &prov);
	json_t *st = json_read_file(prov);
	ck_assert_str_eq(json_member_str(st, "_type"), "https://in-toto.io/Statement/v1");
	ck_assert_str_eq(json_member_str(st, "predicateType"), "https://slsa.dev/provenance/v1");
	/* The subjects are the artifacts, by name and digest. */
	json_t *subj = json_object_get(st, "subject");
	ck_assert_uint_eq(json_array_size(subj), 4);
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(fb.tarball, hex), 0);
	ck_assert_str_eq(json_member_str(json_array_get(subj, 0), "name"),
			 "kbuild-fake-" FAKE_KREL ".tar.xz");
	ck_assert_str_eq(json_member_str(json_object_get(json_array_get(subj, 0), "digest"), "sha256"), hex);
	char *text = json_dumps(st, 0);
	ck_assert_ptr_nonnull(strstr(text, "\"resolvedDependencies\""));
	ck_assert_ptr_nonnull(strstr(text, "patches/9.9/0001-tw.patch"));
	ck_assert_ptr_nonnull(strstr(text, "configs/9.9/ceph.config"));
	ck_assert_ptr_nonnull(strstr(text, "\"startedOn\": \"2026-12-03T18:00:00Z\""));
	free(text);
	json_decref(st);

	char *rep;
	ck_assert_int_eq(verify_att(fb.tarball, NULL, NULL, &rep), 0);
	ck_assert_ptr_nonnull(strstr(rep, "provenance: 4 subjects, 0 differences"));
	ck_assert_ptr_nonnull(strstr(rep, "sbom: 8 files named, 0 differences"));
	free(rep);
	/* A tarball whose MANIFEST lists the SBOM, without the SBOM. */
	struct manifest less = {0};
	for (size_t j = 0; j < fb.m.n; j++)
		if (!strstr(fb.m.e[j].path, "sbom.spdx.json"))
			manifest_push(&less, fb.m.e[j].kind, fb.m.e[j].path, fb.m.e[j].mode, fb.m.e[j].sha256,
				      fb.m.e[j].target);
	char *nosbom = path_join(fb.dir, "nosbom.tar.xz");
	ck_assert_int_eq(bundle_write_tarball(fb.tree, &less, FAKE_KREL, 1700000000, nosbom), 0);
	ck_assert_int_eq(verify_att(nosbom, NULL, NULL, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep, "sbom: missing (the MANIFEST lists one)"));
	free(rep);
	free(nosbom);
	manifest_free(&less);
	/* A tampered RPM is named. */
	fake_flip_byte(fb.dir, fa.in.rpm_file);
	ck_assert_int_eq(verify_att(fb.tarball, NULL, NULL, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep, "provenance: changed "
					  "kernel-kbuild-" FAKE_KREL "-1.x86_64.rpm (sha256 "));
	free(rep);
	/* A tampered module in an unpacked bundle is named by the SBOM check. */
	fake_flip_byte(fb.tree, "lib/modules/" FAKE_KREL "/kernel/net/ceph/libceph.ko");
	ck_assert_int_eq(verify_att(fb.tree, NULL, NULL, &rep), 1);
	ck_assert_ptr_nonnull(
		strstr(rep, "sbom: changed lib/modules/" FAKE_KREL "/kernel/net/ceph/libceph.ko"));
	free(rep);
	free(prov);
	fake_input_free(&fa);
	fake_free(&fb);
}
END_TEST

static void genkey(const char *dir, const char *name, const char *alg)
{
	char *key = xasprintf("%s/%s.pem", dir, name), *pub = xasprintf("%s/%s.pub", dir, name);
	char *gen[] = {"openssl", "genpkey", "-algorithm", (char *)alg, "-out", key, NULL};
	char *gen_ec[] = {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
			  "-out",    key,       NULL};
	ck_assert_int_eq(tu_run(strcmp(alg, "EC") ? gen : gen_ec), 0);
	char *out[] = {"openssl", "pkey", "-in", key, "-pubout", "-out", pub, NULL};
	ck_assert_int_eq(tu_run(out), 0);
	free(key);
	free(pub);
}

START_TEST(signed_provenance)
{
	if (!tu_in_path("openssl"))
		TU_SKIP(TU_SKIP_ENV,
			"signed provenance: the openssl command makes the test keys (Debian package openssl)");
	struct fakebundle fb;
	struct fake_attest fa;
	fake_stage(&fb, "prov-signed");
	fake_input(&fa, fb.dir);
	const char *const algs[] = {"ed25519", "EC"};
	for (size_t a = 0; a < 2; a++) {
		genkey(fb.dir, "k", algs[a]);
		genkey(fb.dir, "other", "ed25519");
		char *key = path_join(fb.dir, "k.pem"), *pub = path_join(fb.dir, "k.pub"),
		     *other = path_join(fb.dir, "other.pub");
		char *prov;
		artifacts(&fb, &fa, key, &prov);
		json_t *env = json_read_file(prov);
		ck_assert_str_eq(json_member_str(env, "payloadType"), "application/vnd.in-toto+json");
		char *rep;
		ck_assert_int_eq(verify_att(fb.tarball, NULL, pub, &rep), 0);
		ck_assert_ptr_nonnull(strstr(rep, "signed (DSSE), every signature verifies"));
		free(rep);
		ck_assert_int_eq(verify_att(fb.tarball, NULL, other, &rep), 1);
		ck_assert_ptr_nonnull(strstr(rep, "does not verify"));
		free(rep);
		/* A payload changed after signing (the subjects rewritten) fails. */
		const char *p64 = json_member_str(env, "payload");
		char *changed = xstrdup(p64);
		changed[10] = changed[10] == 'A' ? 'B' : 'A';
		json_object_set_new(env, "payload", json_string(changed));
		ck_assert_int_eq(json_write_file(env, prov, JSON_DOC_FLAGS), 0);
		ck_assert_int_eq(verify_att(fb.tarball, NULL, pub, &rep), 1);
		free(rep);
		free(changed);
		json_decref(env);
		rm_rf(fb.tree);
		free(prov);
		free(key);
		free(pub);
		free(other);
	}
	fake_input_free(&fa);
	fake_free(&fb);
}
END_TEST

Suite *attest_suite(void)
{
	Suite *s = suite_create("attest");
	TCase *tc = tcase_create("sbom-provenance");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sbom_validates_and_names_every_file);
	tcase_add_test(tc, sbom_is_reproducible);
	tcase_add_test(tc, provenance_subjects_and_tamper);
	tcase_add_test(tc, signed_provenance);
	suite_add_tcase(s, tc);
	return s;
}
