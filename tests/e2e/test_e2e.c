/* End to end: the real kbuild binary on real kernels. Debian's
 * linux-source-6.1 and linux-source-6.12 are built, booted and self-tested,
 * and so is 2.6.39.4 from ../shared/trees (or KBUILD_TEST_LEGACY_SOURCE;
 * kernel.org cannot be reached from CI); the test says why it skips where
 * one is not there. The 6.12 patch series is dry-run on its pristine tree.
 * Each of these takes minutes; timings go to stderr for BENCHMARKS.md. */
#include "bundle_e2e.h"
#include "suites.h"
#include "lib/sha256.h"
#include "legacytrees.h"
#include "system/tcp_guest.h"
#include "testskip.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double run_timed(int *status, char **out, const char *args[], size_t n)
{
	double t0 = now_seconds();
	*status = tu_kbuild("e2e", args, n, NULL, out);
	double dt = now_seconds() - t0;
	fprintf(stderr, "e2e: took %.2f s, status %d\n", dt, *status);
	return dt;
}

/* results.json says every expected test passed. */
static void assert_results_pass(const char *outdir)
{
	char *p = path_join(outdir, "results.json");
	json_error_t err;
	json_t *root = json_load_file(p, 0, &err);
	if (!root)
		ck_abort_msg("%s: %s", p, err.text);
	json_t *tests = json_object_get(root, "tests");
	ck_assert(json_is_array(tests));
	ck_assert_uint_ge(json_array_size(tests), 4);
	/* every test the plan expected reported: none missing from the guest */
	json_t *summary = json_object_get(root, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(summary, "missing")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(summary, "total")),
			 (json_int_t)json_array_size(tests));
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *status = json_string_value(json_object_get(t, "status"));
		if (!status || strcmp(status, "pass"))
			ck_abort_msg("self-test %s: %s", name ? name : "?", status ? status : "no status");
	}
	json_decref(root);
	free(p);
}

/* Every self-test of qa/tests.list is in results.json and passed: none
 * missing, none left out of the plan. */
static void assert_every_listed_test(const char *outdir)
{
	char *lp = path_join(tu_repo(), "qa/tests.list");
	char *list = read_file(lp, NULL);
	ck_assert_msg(list != NULL, "%s unreadable", lp);
	char *rp = path_join(outdir, "results.json");
	json_error_t err;
	json_t *root = json_load_file(rp, 0, &err);
	if (!root)
		ck_abort_msg("%s: %s", rp, err.text);
	json_t *tests = json_object_get(root, "tests");
	size_t listed = 0;
	char *save = NULL, *wsave = NULL;
	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#&")] = '\0';
		char *w = strtok_r(line, " \t", &wsave);
		if (!w)
			continue;
		listed++;
		const char *status = NULL;
		size_t i;
		json_t *t;
		json_array_foreach(tests, i, t) if (!strcmp(json_string_value(json_object_get(t, "name")), w))
			status = json_string_value(json_object_get(t, "status"));
		ck_assert_msg(status && !strcmp(status, "pass"), "%s: self-test %s: %s", rp, w,
			      status ? status : "not in results.json");
	}
	ck_assert_uint_ge(listed, 11);
	ck_assert_uint_eq(json_array_size(tests), listed);
	json_decref(root);
	free(rp);
	free(list);
	free(lp);
}

/* tw_recycle on a kernel after 4.12: the presence check passes and the
 * TIME_WAIT subtest is a SKIP that says why. */
static void assert_tw_recycle_skips(const char *outdir)
{
	char *rp = path_join(outdir, "results.json");
	json_error_t err;
	json_t *root = json_load_file(rp, 0, &err);
	if (!root)
		ck_abort_msg("%s: %s", rp, err.text);
	json_t *tw = NULL, *t;
	size_t i;
	json_array_foreach(json_object_get(root, "tests"), i,
			   t) if (!strcmp(json_string_value(json_object_get(t, "name")), "tw_recycle"))
		tw = t;
	ck_assert_msg(tw != NULL, "%s: no tw_recycle", rp);
	json_t *subs = json_object_get(tw, "subtests");
	ck_assert_uint_eq(json_array_size(subs), 2);
	json_t *present = json_array_get(subs, 0), *skip = json_array_get(subs, 1);
	ck_assert_str_eq(json_string_value(json_object_get(present, "status")), "pass");
	ck_assert_str_eq(json_string_value(json_object_get(skip, "status")), "skip");
	const char *reason = json_string_value(json_object_get(skip, "reason"));
	ck_assert_msg(reason && strstr(reason, "removed in 4.12"), "tw_recycle skip reason: %s",
		      reason ? reason : "none");
	json_decref(root);
	free(rp);
}

/* Returns the output directory (malloc'd), left in place. tuning is the
 * line's tuning variant, run in the same output directory; check (may be
 * NULL) looks at the profile's own results before that. */
static char *e2e_profile(const char *profile, const char *tuning, void (*check)(const char *outdir),
			 const char *const *extra, size_t n_extra)
{
	char *dir = tu_e2e_dir(profile);
	char *o = xasprintf("O=%s", dir);
	char *pa = xasprintf("profile=%s", profile);
	const char *args[16] = {"qa", pa, o};
	size_t n = 3;
	for (size_t i = 0; i < n_extra && n < 16; i++)
		args[n++] = extra[i];
	int st;
	char *out;
	run_timed(&st, &out, args, n);
	ck_assert_msg(st == 0, "kbuild qa profile=%s failed (status %d)", profile, st);
	assert_results_pass(dir);
	if (check)
		check(dir);
	char *junit = path_join(dir, "junit.xml");
	ck_assert(path_exists(junit));
	free(junit);
	free(out);

	/* A second run finds everything up to date and builds nothing. */
	double dt = run_timed(&st, &out, args, n);
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_null(strstr(out, " done "));
	ck_assert_ptr_nonnull(strstr(out, "qa         up to date"));
	fprintf(stderr, "e2e: %s no-op re-run: %.2f s\n", profile, dt);
	free(out);

	/* The staged kernel carries what the profile asked for. */
	char *cfg = path_join(dir, "config");
	char *text = read_file(cfg, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_CEPH_LIB=m"));
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_CEPH_FS=m"));
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_BLK_DEV_RBD=m"));
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_TCP_TW_TIMEOUT=10"));
	free(text);
	free(cfg);

	/* grub and bundle: the packages fleets install. */
	e2e_bundle_check(dir, args, n);

	/* The tuning variant of the line in the same output directory: only the
	 * guest stages run again, with the fleet's sysctls applied. */
	char *pt = xasprintf("profile=%s", tuning);
	args[1] = pt;
	run_timed(&st, &out, args, n);
	ck_assert_msg(st == 0, "kbuild qa %s failed (status %d)", pt, st);
	assert_results_pass(dir);
	free(out);
	free(pt);

	/* The tree stays for inspection until the next run cleans it. */
	free(o);
	free(pa);
	return dir;
}

START_TEST(debian_61_ceph)
{
	if (!path_exists("/usr/src/linux-source-6.1.tar.xz")) {
		tu_skip(TU_SKIP_E2E, "debian-6.1-ceph: linux-source-6.1 is not installed");
		return;
	}
	free(e2e_profile("debian-6.1-ceph", "debian-6.1-tuning", NULL, NULL, 0));
}
END_TEST

START_TEST(legacy_2639_ceph)
{
	/* KBUILD_TEST_LEGACY_SOURCE overrides the tarball of ../shared/trees */
	char hex[SHA256_HEX_LEN + 1];
	char *src = lt_2639_or_skip(hex, "ceph");
	if (!src)
		return;
	char *s = xasprintf("source=%s", src);
	char *h = xasprintf("sha256=%s", hex);
	const char *extra[] = {s, h};
	char *dir = e2e_profile("ceph", "ceph-tuning", NULL, extra, 2);
	free(s);
	free(h);
	free(src);
	/* The negative check of the TCP tests on this line's kernel. */
	char *kernel = xasprintf("%s/stage/boot/vmlinuz-2.6.39.4", dir);
	tcp_guest_expect_wrong_fails(kernel);
	free(kernel);
	free(dir);
}
END_TEST

#define DEBIAN_SOURCE_612 "/usr/src/linux-source-6.12.tar.xz"

/* The release check_612 read from install.rec ("6.12.118"). */
static char release_612[64];

/* debian-6.12-ceph's own run: a 6.12 kernel (not the default line's), every
 * listed self-test passed, tw_recycle skipping with its reason. */
static void check_612(const char *outdir)
{
	char *rec = path_join(outdir, "install.rec");
	char *text = read_file(rec, NULL);
	char *r = text ? strstr(text, "release 6.12.") : NULL;
	ck_assert_msg(r, "%s: %s", rec, text ? text : "unreadable");
	snprintf(release_612, sizeof(release_612), "%.*s", (int)strcspn(r + 8, "\n"), r + 8);
	free(text);
	free(rec);
	assert_every_listed_test(outdir);
	assert_tw_recycle_skips(outdir);
}

/* Debian 13's line as Debian 12 ships it: built, booted, every self-test of
 * qa/tests.list passed (tw_recycle's TIME_WAIT subtest a SKIP with its
 * reason), then the tuning variant, the grub files and the packages. */
START_TEST(debian_612_ceph)
{
	if (!path_exists(DEBIAN_SOURCE_612)) {
		tu_skip(TU_SKIP_E2E, "debian-6.12-ceph: linux-source-6.12 is not installed");
		return;
	}
	char *dir = e2e_profile("debian-6.12-ceph", "debian-6.12-tuning", check_612, NULL, 0);
	assert_every_listed_test(dir); /* the tuning variant's run too */
	/* The negative check of the TCP tests on this line's kernel. */
	char *kernel = xasprintf("%s/stage/boot/vmlinuz-%s", dir, release_612);
	tcp_guest_expect_wrong_fails(kernel);
	free(kernel);
	free(dir);
}
END_TEST

/* The 6.12 series on the pristine linux-source-6.12: the 6.1 series stops
 * where the issue says it did (the netns_ipv4 hunk), the 6.12 one applies
 * without fuzz (every patch dry-run first by the patch stage), and the tree
 * then holds the port's sysctl. */
START_TEST(series_612_dry_run)
{
	if (!path_exists(DEBIAN_SOURCE_612)) {
		tu_skip(TU_SKIP_E2E, "6.12 series dry-run: linux-source-6.12 is not installed");
		return;
	}
	char *dir = tu_e2e_dir("debian-6.12-series");
	char *o = xasprintf("O=%s", dir);
	const char *old[] = {"patch", "profile=debian-6.12-ceph", o, "series=patches/6.1/series"};
	int st;
	char *out;
	run_timed(&st, &out, old, 4);
	ck_assert_int_ne(st, 0);
	ck_assert_msg(strstr(out, "include/net/netns/ipv4.h") && strstr(out, "FAILED"), "%s", out);
	free(out);

	const char *args[] = {"patch", "profile=debian-6.12-ceph", o};
	run_timed(&st, &out, args, 3);
	ck_assert_msg(st == 0, "kbuild patch profile=debian-6.12-ceph failed (status %d): %s", st, out);
	free(out);
	char *lp = path_join(dir, "logs/patch.log"), *ap = path_join(dir, "applied");
	char *log = read_file(lp, NULL), *applied = read_file(ap, NULL);
	ck_assert_ptr_nonnull(log);
	ck_assert_ptr_nonnull(applied);
	ck_assert_msg(!strstr(log, "fuzz"), "%s", log); /* kbuild warns "applies with fuzz; refresh it" */
	ck_assert_msg(strstr(applied, " 0001-tcp-tunable-TIME_WAIT-length.patch\n") &&
			      !strstr(applied, "skipped"),
		      "%s", applied);
	char *sp = path_join(dir, "src/net/ipv4/sysctl_net_ipv4.c");
	char *src = read_file(sp, NULL);
	ck_assert_ptr_nonnull(src);
	ck_assert_ptr_nonnull(strstr(src, "\"tcp_tw_timeout\""));
	free(src), free(sp), free(log), free(applied), free(lp), free(ap), free(o);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* A fragment asking for something the kernel cannot give fails the config
 * stage with the reason. */
START_TEST(impossible_fragment_is_reported)
{
	if (!path_exists("/usr/src/linux-source-6.1.tar.xz")) {
		tu_skip(TU_SKIP_E2E, "impossible fragment: linux-source-6.1 is not installed");
		return;
	}
	char *dir = tu_tmpdir("impossible");
	tu_write_data(dir, "impossible.config", "e2e/impossible.config");
	char *o = xasprintf("O=%s/out", dir);
	char *frag = xasprintf("fragments=6.1/qemu-guest %s/impossible.config", dir);
	const char *args[] = {"config", "profile=debian-6.1-ceph", o, frag};
	int st;
	char *out;
	run_timed(&st, &out, args, 4);
	ck_assert_int_ne(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "BLK_DEV_RBD"));
	ck_assert_ptr_nonnull(strstr(out, "BLOCK"));
	free(out);
	rm_rf(dir);
	free(frag);
	free(o);
	free(dir);
}
END_TEST

Suite *e2e_suite(void)
{
	Suite *s = suite_create("e2e");
	TCase *tc = tcase_create("kernels");
	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, impossible_fragment_is_reported);
	tcase_add_test(tc, debian_61_ceph);
	tcase_add_test(tc, legacy_2639_ceph);
	suite_add_tcase(s, tc);
	/* CK_RUN_CASE=6.12 runs only these */
	TCase *l612 = tcase_create("6.12");
	tcase_set_timeout(l612, 3600);
	tcase_add_test(l612, series_612_dry_run);
	tcase_add_test(l612, debian_612_ceph);
	suite_add_tcase(s, l612);
	return s;
}
