/* The bundle round trip on a small fake staged kernel: build, verify
 * (tarball, unpacked, installed root), tamper/add/remove and see each named,
 * the same build twice bit-identical; the MANIFEST parser and templates. */
#include "fakebundle.h"
#include "suites.h"
#include "package/bundle_tree.h"
#include "package/bundle_tar.h"
#include "package/template.h"
#include "package/manifest_verify.h"
#include "core/profile.h"
#include "source/unpack.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODULE "lib/modules/" FAKE_KREL "/kernel/net/ceph/libceph.ko"

/* verify_bundle's exit code and its report (malloc'd into *report). */
static int verify(const char *bundle, const char *root, char **report)
{
	size_t len;
	FILE *f = open_memstream(report, &len);
	int rc = verify_bundle(bundle, root, NULL, f);
	fclose(f);
	fprintf(stderr, "%s", *report);
	return rc;
}

static void tamper(const char *tree)
{
	fake_flip_byte(tree, MODULE);
	tu_write(tree, "lib/modules/" FAKE_KREL "/kernel/evil.ko", "\177ELF evil\n");
	char *p = path_join(tree, "boot/System.map-" FAKE_KREL);
	ck_assert_int_eq(unlink(p), 0);
	free(p);
}

static void assert_names_each(const char *report)
{
	ck_assert_ptr_nonnull(strstr(report, "changed " MODULE " (sha256 "));
	ck_assert_ptr_nonnull(strstr(report, "extra lib/modules/" FAKE_KREL "/kernel/evil.ko\n"));
	ck_assert_ptr_nonnull(strstr(report, "missing boot/System.map-" FAKE_KREL "\n"));
	ck_assert_ptr_nonnull(strstr(report, "3 differences"));
}

START_TEST(round_trip_and_tamper)
{
	struct fakebundle fb;
	fake_stage(&fb, "bundle");
	fake_bundle(&fb, "tree", "b.tar.xz");
	char *rep;
	ck_assert_int_eq(verify(fb.tarball, NULL, &rep), 0);
	free(rep);
	ck_assert_int_eq(verify(fb.tree, NULL, &rep), 0);
	ck_assert_ptr_nonnull(strstr(rep, "all "));
	free(rep);

	/* Unpacked: tamper the tree itself. */
	tamper(fb.tree);
	ck_assert_int_eq(verify(fb.tree, NULL, &rep), 1);
	assert_names_each(rep);
	free(rep);

	/* Packed: a tarball of the tampered tree, MANIFEST unchanged. */
	struct manifest now = {0};
	ck_assert_int_eq(manifest_scan(&now, fb.tree, NULL), 0);
	manifest_sort(&now);
	char *bad = path_join(fb.dir, "bad.tar.xz");
	ck_assert_int_eq(bundle_tar_write(fb.tree, &now, 1700000000, bad), 0);
	ck_assert_int_eq(verify(bad, NULL, &rep), 1);
	assert_names_each(rep);
	free(rep);
	/* A changed mode is named too. */
	char *p = path_join(fb.tree, "boot/config-" FAKE_KREL);
	ck_assert_int_eq(chmod(p, 0600), 0);
	ck_assert_int_eq(verify(fb.tree, NULL, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep, "changed boot/config-" FAKE_KREL " (mode 0600, expected 0644)"));
	free(rep);
	free(p);
	/* A second entry of one name in a tarball is named too. */
	char *dup = path_join(fb.dir, "dup.tar.xz");
	manifest_push(&now, MF_FILE, MODULE, 0644, NULL, NULL);
	manifest_sort(&now);
	ck_assert_int_eq(bundle_tar_write(fb.tree, &now, 1700000000, dup), 0);
	ck_assert_int_eq(verify(dup, NULL, &rep), 1);
	ck_assert_ptr_nonnull(strstr(rep, "extra " MODULE " (a second entry of that name)"));
	free(rep);
	free(dup);
	manifest_free(&now);
	free(bad);
	fake_free(&fb);
}
END_TEST

/* An installed root: the host's other files in shared directories are not
 * extra, files in the kernel's own directories are. */
START_TEST(installed_root)
{
	struct fakebundle fb;
	fake_stage(&fb, "bundle-root");
	fake_bundle(&fb, "tree", "b.tar.xz");
	char *root = path_join(fb.dir, "host");
	ck_assert_int_eq(extract_archive(fb.tarball, root, NULL), 0);
	tu_write(root, "boot/vmlinuz-4.4.4", "another kernel\n");
	tu_write(root, "lib/modules/4.4.4/modules.dep", "\n");
	char *rep;
	ck_assert_int_eq(verify(fb.tarball, root, &rep), 0);
	free(rep);
	/* Without bundle=: the root's own MANIFEST. */
	ck_assert_int_eq(verify(NULL, root, &rep), 0);
	free(rep);
	tamper(root);
	ck_assert_int_eq(verify(fb.tarball, root, &rep), 1);
	assert_names_each(rep);
	ck_assert_ptr_null(strstr(rep, "4.4.4"));
	free(rep);
	free(root);
	fake_free(&fb);
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
	char *t = read_file(path, len);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* Same staged kernel, different file times and umask: same bytes. */
START_TEST(reproducible)
{
	struct fakebundle fb;
	fake_stage(&fb, "bundle-repro");
	fake_bundle(&fb, "tree1", "one.tar.xz");
	char *one = xstrdup(fb.tarball);
	char *p = path_join(fb.stage, "boot/vmlinuz-" FAKE_KREL);
	struct timespec t[2] = {{.tv_sec = 12345}, {.tv_sec = 12345}};
	ck_assert_int_eq(utimensat(AT_FDCWD, p, t, 0), 0);
	mode_t old = umask(077);
	fake_bundle(&fb, "tree2", "two.tar.xz");
	umask(old);
	size_t l1, l2;
	char *a = slurp(one, &l1), *b = slurp(fb.tarball, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(a, b, l1), 0);
	free(a);
	free(b);
	/* Negative: one byte of content changes the tarball. */
	fake_flip_byte(fb.stage, "boot/vmlinuz-" FAKE_KREL);
	fake_bundle(&fb, "tree3", "three.tar.xz");
	a = slurp(one, &l1), b = slurp(fb.tarball, &l2);
	ck_assert(l1 != l2 || memcmp(a, b, l1) != 0);
	free(a);
	free(b);
	free(p);
	free(one);
	fake_free(&fb);
}
END_TEST

START_TEST(manifest_text)
{
	struct fakebundle fb;
	fake_stage(&fb, "bundle-mf");
	fake_bundle(&fb, "tree", "b.tar.xz");
	char *text = manifest_format(&fb.m);
	ck_assert_ptr_nonnull(strstr(text, "kbuild-manifest 1\nprofile fake\n"));
	ck_assert_ptr_nonnull(strstr(text, "owns lib/modules/" FAKE_KREL "\n"));
	ck_assert_ptr_nonnull(strstr(text, "file 0755 ")); /* the grub install script */
	ck_assert_ptr_nonnull(strstr(text, " usr/share/kbuild/" FAKE_KREL "/grub/install.sh\n"));
	ck_assert_ptr_nonnull(strstr(text, " lib/modules/" FAKE_KREL "/modules.alias -> modules.dep\n"));
	struct manifest back = {0};
	ck_assert_int_eq(manifest_parse(text, "MANIFEST", &back), 0);
	char *again = manifest_format(&back);
	ck_assert_str_eq(text, again);
	manifest_free(&back);
	/* Errors name the line. */
	char *broken = xasprintf("%sfile 0644 nothex boot/x\n", text);
	ck_assert_int_eq(manifest_parse(broken, "M", &back), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "bad sha256"));
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "M:"));
	manifest_free(&back);
	ck_assert_int_eq(manifest_parse("file 0644 x y\n", "M", &back), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "M:1: not a kbuild MANIFEST"));
	manifest_free(&back);
	ck_assert(!manifest_path_ok("boot/../etc/passwd"));
	ck_assert(!manifest_path_ok("boot/a b"));
	ck_assert(!manifest_path_ok("/boot"));
	ck_assert(manifest_path_ok("lib/modules/6.1.0+x/kernel/a-b_c.ko"));
	free(broken);
	free(again);
	free(text);
	fake_free(&fb);
}
END_TEST

/* A file whose name would need quoting is refused, naming it. */
START_TEST(unsafe_name_refused)
{
	struct fakebundle fb;
	fake_stage(&fb, "bundle-unsafe");
	tu_write(fb.stage, "boot/a b", "x\n");
	struct manifest m = {0};
	char *tree = path_join(fb.dir, "tree");
	ck_assert_int_eq(bundle_make_tree(fb.stage, NULL, FAKE_KREL, 0, &m, tree), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "boot/a b"));
	manifest_free(&m);
	free(tree);
	fake_free(&fb);
}
END_TEST

START_TEST(templates)
{
	struct strv n = {0}, v = {0};
	strv_push(&n, "KREL"), strv_push(&v, "6.1.192");
	char *t = template_fill("a @KREL@ b \"$@@\"\n", "T", &n, &v);
	ck_assert_str_eq(t, "a 6.1.192 b \"$@\"\n");
	free(t);
	ck_assert_ptr_null(template_fill("x\n@NOPE@\n", "T", &n, &v));
	ck_assert_str_eq(kb_last_error(), "T:2: unknown placeholder @NOPE@");
	ck_assert_ptr_null(template_fill("mail@host\n", "T", &n, &v));
	strv_free(&n);
	strv_free(&v);
}
END_TEST

/* package.* keys are checked like the others, naming the key. */
START_TEST(package_keys_checked)
{
	struct profile p;
	ck_assert_msg(profile_load(tu_repo(), "ceph", &p) == 0, "%s", kb_last_error());
	ck_assert_int_eq(profile_override(&p, "package.suffix=ceph2"), 0);
	ck_assert_int_eq(profile_override(&p, "release=3.el6"), 0);
	ck_assert_int_eq(profile_override(&p, "vendor=Fleet Ops <ops@example.org>"), 0);
	ck_assert_str_eq(profile_get(&p, "package", "release"), "3.el6");
	const char *bad[] = {"suffix=Kbuild", "suffix=a-b",         "release=1 2",
			     "vendor=nobody", "vendor=Ops <a@b> x", "vendor=%(rm) <a@b>"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(profile_override(&p, bad[i]) == -1, "%s accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(kb_last_error(), "package."));
	}
	profile_free(&p);
}
END_TEST

Suite *bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("bundle");
	tcase_add_test(tc, round_trip_and_tamper);
	tcase_add_test(tc, installed_root);
	tcase_add_test(tc, reproducible);
	tcase_add_test(tc, manifest_text);
	tcase_add_test(tc, unsafe_name_refused);
	tcase_add_test(tc, templates);
	tcase_add_test(tc, package_keys_checked);
	suite_add_tcase(s, tc);
	return s;
}
