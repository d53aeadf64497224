/* The rollout proof: `kbuild rollout` end to end on a built kernel, the
 * verdict from the host's boots: a healthy kernel blessed (one-shot, bless,
 * reboot); injected faults (panic, hang, a failing self-test) rolled back
 * to the old kernel with their own verdicts and exit codes; an old kernel
 * that cannot come back: host lost. The tests reuse the kernel the e2e suite built in
 * its output directory (or build it there, ccache making that cheap); the
 * old kernel is Debian's prebuilt one (tools/test-kernel). The console
 * reader and the disk image: tests/unit/test_rollout_console.c. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kcidb_check.h"
#include "lib/outfile.h"
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

/* One boot row of results.json: session, entry prefix, outcome (NULL: it
 * came up, healthy or not). */
static void assert_boot(json_t *root, size_t i, const char *session, const char *entry_prefix,
			const char *outcome)
{
	json_t *b = json_array_get(json_object_get(root, "boots"), i);
	ck_assert_msg(b != NULL, "results.json has no boot %zu", i + 1);
	ck_assert_str_eq(json_string_value(json_object_get(b, "session")), session);
	const char *entry = json_string_value(json_object_get(b, "entry"));
	ck_assert_msg(entry && !strncmp(entry, entry_prefix, strlen(entry_prefix)),
		      "boot %zu: entry %s, not %s...", i + 1, entry ? entry : "(none)", entry_prefix);
	const char *got = json_string_value(json_object_get(b, "outcome"));
	if (outcome)
		ck_assert_str_eq(got, outcome);
	else /* the old kernel's boot: up, whatever the new kernel's self-tests say of it */
		ck_assert_msg(!strcmp(got, "healthy") || !strncmp(got, "came up", 7), "boot %zu: %s", i + 1,
			      got);
	ck_assert(json_is_string(json_object_get(b, "console")));
}

/* kcidb.json of the run: valid, and its kbuild.rollout test has status. */
static void assert_kcidb_rollout(const char *dir, const char *status)
{
	char *k = xasprintf("%s/kcidb.json", dir);
	ck_assert_int_eq(kcidb_check(k), 0);
	json_error_t err;
	json_t *doc = json_load_file(k, 0, &err);
	ck_assert_msg(doc != NULL, "%s: %s", k, err.text);
	size_t i;
	json_t *t;
	const char *got = NULL;
	json_array_foreach(json_object_get(doc, "tests"), i, t)
	{
		if (!strcmp(json_string_value(json_object_get(t, "path")), "kbuild.rollout"))
			got = json_string_value(json_object_get(t, "status"));
	}
	ck_assert_msg(got && !strcmp(got, status), "%s: kbuild.rollout %s, expected %s", k,
		      got ? got : "missing", status);
	json_decref(doc);
	free(k);
}

/* kbuild rollout with the common arguments and more; returns the exit code
 * and the output (malloc'd), checks results.json's verdict. */
static int rollout(const char *profile, const char *dir, const char *const *more, size_t n_more,
		   const char *verdict, char **out)
{
	char *o = xasprintf("O=%s", dir), *pa = xasprintf("profile=%s", profile);
	char *old = xasprintf("rollout.old_kernel=%s", tk_vmlinuz());
	/* a hung guest costs 30 s (a TCG boot to its verdict takes 10-15 s,
	 * the old kernel's too); no run longer than 5 minutes */
	const char *args[16] =
		{"rollout", pa, o, old, "panic=3", "rollout.deadline=30", "rollout.timeout=300"};
	size_t n = 7;
	for (size_t i = 0; i < n_more && n < 16; i++)
		args[n++] = more[i];
	double t0 = now_seconds();
	int st = tu_kbuild("rollout", args, n, NULL, out);
	fprintf(stderr, "rollout: %s %s: %.1f s, exit %d\n", profile, verdict ? verdict : "(a refusal)",
		now_seconds() - t0, st);
	if (verdict) {
		json_t *root = load_results(dir);
		ck_assert_str_eq(json_string_value(json_object_get(root, "verdict")), verdict);
		json_decref(root);
	}
	free(old);
	free(o);
	free(pa);
	return st;
}

/* The e2e test's output directory of profile (its kernel reused, or built
 * there first), or NULL when a tool or the old kernel is missing. */
static char *rollout_dir(const char *profile)
{
	if (tk_unavailable()) {
		tu_skip(TU_SKIP_E2E, "%s: no old kernel: %s", profile, tk_unavailable());
		return NULL;
	}
	if (!tu_in_path("mcopy") || !tu_in_path("grub-mkimage") || !tu_in_path("sfdisk")) {
		tu_skip(TU_SKIP_E2E, "%s: mtools, grub-common or fdisk missing", profile);
		return NULL;
	}
	char *dir = tu_e2e_path(profile);
	char *qa = path_join(dir, "stamps/qa");
	fprintf(stderr, "rollout: %s: %s\n", profile,
		path_exists(qa) ? "reusing the e2e test's kernel"
				: "no e2e build: building the kernel first");
	free(qa);
	return dir;
}

/* A healthy kernel: the one-shot boots it, it is blessed and comes up again. */
static void rollout_blessed(const char *profile, const char *dir, const char *const *extra, size_t n_extra)
{
	char *out;
	int st = rollout(profile, dir, extra, n_extra, "blessed", &out);
	ck_assert_msg(st == 0, "kbuild rollout of a healthy kernel: exit %d", st);
	ck_assert_ptr_nonnull(strstr(out, "blessed and up again"));
	json_t *root = load_results(dir);
	assert_test(root, "rollout/trial", "pass");
	assert_test(root, "rollout/blessed-reboot", "pass");
	assert_boot(root, 0, "trial", "kbuild-", "healthy");
	assert_boot(root, 1, "blessed", "kbuild-", "healthy");
	json_decref(root);
	char *junit = xasprintf("%s/rollout/junit.xml", dir);
	ck_assert(path_exists(junit));
	free(junit);
	assert_kcidb_rollout(dir, "PASS");
	free(out);
}

/* An injected fault: exit code, verdict, the trial boot's outcome, and the
 * host back on the old kernel (in the trial run, or powered on again). */
static void rollout_injected(const char *profile, const char *dir, const char *const *extra, size_t n_extra,
			     const char *inject, int code, const char *verdict, const char *outcome,
			     const char *fallback_session, size_t fallback_boot)
{
	const char *more[8];
	size_t n = 0;
	char *arg = xasprintf("rollout.inject=%s", inject);
	more[n++] = arg;
	for (size_t i = 0; i < n_extra && n < 8; i++)
		more[n++] = extra[i];
	char *out;
	int st = rollout(profile, dir, more, n, verdict, &out);
	ck_assert_msg(st == code, "kbuild rollout rollout.inject=%s: exit %d, expected %d (%s)", inject, st,
		      code, verdict);
	ck_assert_ptr_nonnull(strstr(out, verdict));
	ck_assert_ptr_nonnull(strstr(out, "entry old-"));
	json_t *root = load_results(dir);
	assert_test(root, "rollout/trial", "fail");
	assert_test(root, "rollout/fallback", "pass");
	assert_boot(root, 0, "trial", "kbuild-", outcome);
	assert_boot(root, fallback_boot, fallback_session, "old-", NULL);
	json_decref(root);
	assert_kcidb_rollout(dir, "FAIL");
	free(out);
	free(arg);
}

START_TEST(rollout_debian_61)
{
	if (!path_exists("/usr/src/linux-source-6.1.tar.xz")) {
		tu_skip(TU_SKIP_E2E, "debian-6.1-ceph: linux-source-6.1 is not installed");
		return;
	}
	const char *p = "debian-6.1-ceph";
	char *dir = rollout_dir(p);
	if (!dir)
		return;
	rollout_blessed(p, dir, NULL, 0);
	char *out;
	rollout_injected(p, dir, NULL, 0, "panic", 4, "rolled back (panic)", "panic", "trial", 1);
	rollout_injected(p, dir, NULL, 0, "hang", 5, "rolled back (hang)", "hang (reset)", "trial", 1);
	rollout_injected(p, dir, NULL, 0, "unhealthy", 6, "rolled back (unhealthy)",
			 "came up, self-tests failed", "fallback", 1);
	json_t *root = load_results(dir);
	json_t *trial = json_array_get(json_object_get(root, "boots"), 0);
	ck_assert_ptr_nonnull(
		strstr(json_string_value(json_object_get(trial, "console")), "rollout-injected-failure"));
	json_decref(root);

	/* the old kernel cannot come back (its initramfs is empty): host lost */
	char *empty = xasprintf("%s/rollout-empty-initrd", dir);
	ck_assert_int_eq(write_file_atomic(empty, "", 0), 0);
	char *oi = xasprintf("rollout.old_initrd=%s", empty);
	const char *lost[] = {"rollout.inject=panic", oi};
	int st = rollout(p, dir, lost, 2, "host lost", &out);
	ck_assert_msg(st == 7, "old kernel without an initramfs: exit %d, expected 7 (host lost)", st);
	ck_assert_ptr_nonnull(strstr(out, "host lost"));
	free(out);
	free(oi);
	free(empty);

	/* negative: without an old kernel there is nothing to fall back to
	 * (the other arguments unchanged, so no stage reruns) */
	const char *none[] = {"rollout.old_kernel="};
	st = rollout(p, dir, none, 1, NULL, &out);
	ck_assert_int_eq(st, 1);
	ck_assert_ptr_nonnull(strstr(out, "rollout.old_kernel"));
	ck_assert_ptr_null(strstr(out, " done "));
	free(out);
	const char *bad[] = {"rollout.inject=sometimes"};
	st = rollout(p, dir, bad, 1, NULL, &out);
	ck_assert_int_ne(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "rollout.inject"));
	free(out);
	free(dir);
}
END_TEST

START_TEST(rollout_legacy_2639)
{
	char hex[SHA256_HEX_LEN + 1];
	char *src = lt_2639_or_skip(hex, "ceph");
	if (!src)
		return;
	char *dir = rollout_dir("ceph");
	if (!dir)
		return;
	char *s = xasprintf("source=%s", src), *h = xasprintf("sha256=%s", hex);
	const char *extra[] = {s, h};
	rollout_blessed("ceph", dir, extra, 2);
	rollout_injected("ceph", dir, extra, 2, "panic", 4, "rolled back (panic)", "panic", "trial", 1);
	free(dir);
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
