/* End to end: the real kbuild binary on real kernels. Debian's
 * linux-source-6.1 is built, booted and self-tested, and so is 2.6.39.4 from
 * ../shared/trees (or KBUILD_TEST_LEGACY_SOURCE; kernel.org cannot be reached
 * from CI); the test says why it skips where neither is there.
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

/* Returns the output directory (malloc'd), left in place. */
static char *e2e_profile(const char *profile, const char *const *extra, size_t n_extra)
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
	char *tuning = xasprintf("profile=%s", strcmp(profile, "ceph") ? "debian-6.1-tuning" : "ceph-tuning");
	args[1] = tuning;
	run_timed(&st, &out, args, n);
	ck_assert_msg(st == 0, "kbuild qa %s failed (status %d)", tuning, st);
	assert_results_pass(dir);
	free(out);
	free(tuning);

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
	free(e2e_profile("debian-6.1-ceph", NULL, 0));
}
END_TEST

START_TEST(legacy_2639_ceph)
{
	/* KBUILD_TEST_LEGACY_SOURCE overrides the tarball of ../shared/trees */
	char hex[SHA256_HEX_LEN + 1];
	char *why = NULL;
	char *src = lt_find_2639(hex, &why);
	if (!src) {
		tu_skip(TU_SKIP_E2E, "ceph (2.6.39.4): %s", why);
		free(why);
		return;
	}
	char *s = xasprintf("source=%s", src);
	char *h = xasprintf("sha256=%s", hex);
	const char *extra[] = {s, h};
	char *dir = e2e_profile("ceph", extra, 2);
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
	return s;
}
