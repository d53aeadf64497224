/* The rollout's console reader on a recorded fleet-host console and on a
 * synthetic one, and the fleet host's disk image without QEMU (files,
 * grub.cfg and grubenv on the FAT partition). The end-to-end rollout is
 * tests/e2e/test_rollout.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "lib/util.h"
#include "rollout/console.h"
#include "rollout/disk_image.h"
#include "testutil.h"

START_TEST(console_recorded_rollback)
{
	/* a real console: OVMF, GRUB, the new kernel panicking, the reboot,
	 * the old kernel reaching its self-tests (trimmed, escapes kept) */
	char *p = tu_data_path("rollout_console/serial-rollback.log");
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
	char *src = path_join(dir, "vmlinuz-R"), *img = path_join(dir, "disk.img"),
	     *work = path_join(dir, "work");
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

Suite *rollout_console_suite(void)
{
	Suite *s = suite_create("rollout_console");
	TCase *tc = tcase_create("console");
	tcase_set_timeout(
		tc, 60); /* programs run here (grub tools, shellcheck, the runner): minutes under load */
	tcase_add_test(tc, console_recorded_rollback);
	tcase_add_test(tc, console_synthetic);
	tcase_add_test(tc, fleet_image_and_env);
	suite_add_tcase(s, tc);
	return s;
}
