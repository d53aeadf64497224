/* The rollout proof: the console reader on a recorded fleet-host console
 * (unit), and `kbuild rollout` end to end on a built kernel (e2e): the good
 * scenario (one-shot, bless, reboot, legacy stanza) and the bad one (panic,
 * reboot, old kernel). The e2e tests reuse the kernel the e2e suite built in
 * its output directory (or build it there, ccache making that cheap); the
 * old kernel is Debian's prebuilt one (tools/test-kernel). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"
#include "suites.h"
#include "lib/util.h"
#include "rollout/console.h"
#include "rollout/disk_image.h"
#include "testkernel.h"
#include "testutil.h"
#include "legacytrees.h"

START_TEST(console_recorded_rollback)
{
	/* a real console: OVMF, GRUB, the new kernel panicking, the reboot,
	 * the old kernel reaching its self-tests (trimmed, escapes kept) */
	char *p = path_join(tu_repo(), "tests/golden/rollout/serial-rollback.log");
	char *log = read_file(p, NULL);
	ck_assert_ptr_nonnull(log);
	struct fleet_boot *b;
	size_t n = fleet_console_parse(log, &b);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(b[0].entry, "kbuild-6.1.192");
	ck_assert_str_eq(b[0].release, "6.1.192");
	ck_assert(b[0].panicked);
	ck_assert_ptr_nonnull(strstr(b[0].panic_lines, "Kernel panic - not syncing"));
	ck_assert(!b[0].userspace);
	ck_assert(!fleet_boot_passed(&b[0]));
	ck_assert_str_eq(b[1].entry, "old-6.1.0-57-amd64");
	ck_assert_str_eq(b[1].release, "6.1.0-57-amd64");
	ck_assert(!b[1].panicked);
	ck_assert(b[1].userspace);
	char *d = fleet_boots_describe(b, n);
	ck_assert_ptr_nonnull(strstr(d, "boot 1: entry kbuild-6.1.192, kernel 6.1.192: kernel panic\n"));
	ck_assert_ptr_nonnull(strstr(d, "boot 2: entry old-6.1.0-57-amd64, kernel 6.1.0-57-amd64"));
	free(d);
	fleet_boots_free(b, n);
	free(log);
	free(p);
}
END_TEST

START_TEST(console_synthetic)
{
	const char *log = "\x1b[2J\x1b[01;01H" FLEET_ENTRY_MARK "kbuild-R\r\n"
			  "[    0.000000] Linux version R (kbuild@kbuild) #1\r\n"
			  "KTAP version 1\r\n1..2\r\nok 1 modules\r\nok 2 sysctl\r\n"
			  "[    0.000000] Linux version S (x@y) #2\r\n"
			  "KTAP version 1\r\nnot ok 1 modules\r\n";
	struct fleet_boot *b;
	size_t n = fleet_console_parse(log, &b);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(b[0].entry, "kbuild-R");
	ck_assert(fleet_boot_passed(&b[0]));
	ck_assert_uint_eq(b[0].passed, 2);
	/* a banner without a marker: a boot GRUB did not announce */
	ck_assert_ptr_null(b[1].entry);
	ck_assert_str_eq(b[1].release, "S");
	ck_assert(!fleet_boot_passed(&b[1]));
	fleet_boots_free(b, n);
	ck_assert_uint_eq(fleet_console_parse("", &b), 0);
	fleet_boots_free(b, 0);
}
END_TEST

/* The image without QEMU: files, grub.cfg and grubenv land on the FAT
 * partition; grubenv keeps its 1024 bytes through an edit. */
START_TEST(fleet_image_and_env)
{
	if (!tu_in_path("mcopy") || !tu_in_path("grub-mkimage") || !tu_in_path("sfdisk") ||
	    !tu_in_path("grub-editenv")) {
		tu_skip(TU_SKIP_BOOT, "image test: mtools, grub-common or fdisk missing");
		return;
	}
	char *dir = tu_tmpdir("fleetimg");
	tu_write(dir, "vmlinuz-R", "not a kernel\n");
	char *src = path_join(dir, "vmlinuz-R"), *img = path_join(dir, "disk.img"), *work = path_join(dir, "work");
	struct fleet_file files[] = {{src, "/vmlinuz-R"}, {src, "/grub/sub/dir/copy"}};
	const char *env[] = {"saved_entry=old-X", "next_entry=kbuild-R"};
	ck_assert_int_eq(fleet_image_create(img, work, files, 2, "set timeout=0\n", env, 2, NULL), 0);
	char *list = fleet_env_list(img, work, NULL);
	ck_assert_ptr_nonnull(list);
	char *v = fleet_env_value(list, "next_entry");
	ck_assert_str_eq(v, "kbuild-R");
	free(v);
	free(list);
	const char *set[] = {"next_entry=", "saved_entry=kbuild-R"};
	ck_assert_int_eq(fleet_env_set(img, work, set, 2, NULL), 0);
	list = fleet_env_list(img, work, NULL);
	v = fleet_env_value(list, "next_entry");
	ck_assert_str_eq(v, "");
	free(v);
	v = fleet_env_value(list, "saved_entry");
	ck_assert_str_eq(v, "kbuild-R");
	free(v);
	ck_assert_ptr_null(fleet_env_value(list, "boot_once"));
	free(list);
	/* the files are on the partition, byte for byte */
	char *back = path_join(dir, "back");
	char *part = xasprintf("%s@@1M", img);
	char *argv[] = {"mcopy", "-n", "-i", part, "::/grub/sub/dir/copy", back, NULL};
	ck_assert_int_eq(tu_run(argv), 0);
	char *text = read_file(back, NULL);
	ck_assert_str_eq(text, "not a kernel\n");
	free(text);
	/* negative: a missing source file is reported, naming it */
	struct fleet_file missing[] = {{"/nonexistent/vmlinuz", "/vmlinuz-X"}};
	ck_assert_int_eq(fleet_image_create(img, work, missing, 1, "", NULL, 0, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "/nonexistent/vmlinuz"));
	rm_rf(dir);
	free(part);
	free(back);
	free(src);
	free(img);
	free(work);
	free(dir);
}
END_TEST

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
	json_array_foreach(json_object_get(root, "tests"), i, t) {
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
		path_exists(qa) ? "reusing the e2e test's kernel" : "no e2e build: building the kernel first");
	char *o = xasprintf("O=%s", dir), *pa = xasprintf("profile=%s", profile);
	char *old = xasprintf("rollout.old_kernel=%s", tk_vmlinuz());
	/* a hung guest costs 5 minutes, not the default 10 */
	const char *args[16] = {"rollout", pa, o, old, "panic=3", "rollout.timeout=300", "rollout.scenario=good"};
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

Suite *rollout_console_suite(void)
{
	Suite *s = suite_create("rollout_console");
	TCase *tc = tcase_create("console");
	tcase_add_test(tc, console_recorded_rollback);
	tcase_add_test(tc, console_synthetic);
	tcase_add_test(tc, fleet_image_and_env);
	suite_add_tcase(s, tc);
	return s;
}

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
