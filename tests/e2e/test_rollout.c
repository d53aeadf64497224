/* The rollout proof: `kbuild rollout` end to end on a built kernel: the good
 * scenario (one-shot, bless, reboot, legacy stanza) and the bad one (panic,
 * reboot, old kernel). The tests reuse the kernel the e2e suite built in
 * its output directory (or build it there, ccache making that cheap); the
 * old kernel is Debian's prebuilt one (tools/test-kernel). The console
 * reader and the disk image: tests/unit/test_rollout_console.c. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"
#include "suites.h"
#include "lib/util.h"
#include "testkernel.h"
#include "testutil.h"
#include "legacytrees.h"

static json_t *load_results(const char *outdir)
{
	char *p = xasprintf("%s/rollout/results.json", outdir);
	json_error_t err;
	json_t *root = json_load_file(p, 0, &err);
	if (!root)
		ck_abort_msg("%s: %s", p, err.text);
	free(p);
	return root;
}

static void assert_test(json_t *root, const char *name, const char *status)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(root, "tests"), i, t)
	{
		if (!strcmp(json_string_value(json_object_get(t, "name")), name)) {
			ck_assert_str_eq(json_string_value(json_object_get(t, "status")), status);
			return;
		}
	}
	ck_abort_msg("results.json has no test %s", name);
}

/* Both scenarios on the output directory of profile's e2e test. */
static void rollout_both(const char *profile, const char *const *extra, size_t n_extra)
{
	if (tk_unavailable()) {
		tu_skip(TU_SKIP_E2E, "%s: no old kernel: %s", profile, tk_unavailable());
		return;
	}
	if (!tu_in_path("mcopy") || !tu_in_path("grub-mkimage") || !tu_in_path("sfdisk")) {
		tu_skip(TU_SKIP_E2E, "%s: mtools, grub-common or fdisk missing", profile);
		return;
	}
	char *dir = tu_e2e_path(profile);
	char *qa = path_join(dir, "stamps/qa");
	fprintf(stderr, "rollout: %s: %s\n", profile,
		path_exists(qa) ? "reusing the e2e test's kernel"
				: "no e2e build: building the kernel first");
	char *o = xasprintf("O=%s", dir), *pa = xasprintf("profile=%s", profile);
	char *old = xasprintf("rollout.old_kernel=%s", tk_vmlinuz());
	/* a hung guest costs 5 minutes, not the default 10 */
	const char *args[16] =
		{"rollout", pa, o, old, "panic=3", "rollout.timeout=300", "rollout.scenario=good"};
	size_t n = 7;
	for (size_t i = 0; i < n_extra && n < 16; i++)
		args[n++] = extra[i];
	char *out;
	double t0 = now_seconds();
	int st = tu_kbuild("rollout", args, n, NULL, &out);
	fprintf(stderr, "rollout: %s good: %.1f s, exit %d\n", profile, now_seconds() - t0, st);
	ck_assert_msg(st == 0, "kbuild rollout scenario=good: exit %d", st);
	ck_assert_ptr_nonnull(strstr(out, "passed"));
	json_t *root = load_results(dir);
	ck_assert_str_eq(json_string_value(json_object_get(root, "verdict")), "passed");
	assert_test(root, "rollout/one-shot", "pass");
	assert_test(root, "rollout/blessed-reboot", "pass");
	assert_test(root, "rollout/legacy-stanza", "pass");
	json_decref(root);
	char *junit = xasprintf("%s/rollout/junit.xml", dir);
	ck_assert(path_exists(junit));
	free(junit);
	free(out);

	args[6] = "rollout.scenario=bad";
	t0 = now_seconds();
	st = tu_kbuild("rollout", args, n, NULL, &out);
	fprintf(stderr, "rollout: %s bad: %.1f s, exit %d\n", profile, now_seconds() - t0, st);
	/* 4, not 0 (a pass) nor 1 (a test failure) */
	ck_assert_msg(st == 4, "kbuild rollout scenario=bad: exit %d, expected 4 (rolled back)", st);
	ck_assert_ptr_nonnull(strstr(out, "rolled back"));
	ck_assert_ptr_nonnull(strstr(out, "Kernel panic - not syncing"));
	ck_assert_ptr_nonnull(strstr(out, "entry old-"));
	root = load_results(dir);
	ck_assert_str_eq(json_string_value(json_object_get(root, "verdict")), "rolled back");
	assert_test(root, "rollout/rolled-back", "pass");
	json_decref(root);
	free(out);

	/* negative: without an old kernel there is nothing to fall back to
	 * (the other arguments unchanged, so no stage reruns) */
	args[3] = "rollout.old_kernel=";
	st = tu_kbuild("rollout", args, n, NULL, &out);
	ck_assert_int_eq(st, 1);
	ck_assert_ptr_nonnull(strstr(out, "rollout.old_kernel"));
	ck_assert_ptr_null(strstr(out, " done "));
	free(out);
	free(old);
	free(o);
	free(pa);
	free(qa);
	free(dir);
}

START_TEST(rollout_debian_61)
{
	if (!path_exists("/usr/src/linux-source-6.1.tar.xz")) {
		tu_skip(TU_SKIP_E2E, "debian-6.1-ceph: linux-source-6.1 is not installed");
		return;
	}
	rollout_both("debian-6.1-ceph", NULL, 0);
}
END_TEST

START_TEST(rollout_legacy_2639)
{
	char hex[SHA256_HEX_LEN + 1];
	char *why = NULL;
	char *src = lt_find_2639(hex, &why);
	if (!src) {
		tu_skip(TU_SKIP_E2E, "ceph (2.6.39.4): %s", why);
		free(why);
		return;
	}
	char *s = xasprintf("source=%s", src), *h = xasprintf("sha256=%s", hex);
	const char *extra[] = {s, h};
	rollout_both("ceph", extra, 2);
	free(s);
	free(h);
	free(src);
}
END_TEST

Suite *rollout_suite(void)
{
	Suite *s = suite_create("rollout");
	TCase *tc = tcase_create("fleet");
	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, rollout_debian_61);
	tcase_add_test(tc, rollout_legacy_2639);
	suite_add_tcase(s, tc);
	return s;
}
