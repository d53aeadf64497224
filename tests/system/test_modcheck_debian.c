/* modcheck_tree on a staging root made of Debian's real 6.1 modules (the
 * kernel tools/test-kernel downloads, see testkernel.h), and tampered copies
 * of it. The checks that need no Debian kernel: tests/unit/test_modcheck.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/modcheck.h"
#include "suites.h"
#include "lib/outfile.h"
#include "testkernel.h"
#include "testutil.h"
#include "lib/util.h"

static const char *const stage_modules[] = {
	"kernel/net/ceph/libceph.ko",      "kernel/fs/ceph/ceph.ko",   "kernel/drivers/block/rbd.ko",
	"kernel/lib/libcrc32c.ko",         "kernel/fs/netfs/netfs.ko", "kernel/fs/fscache/fscache.ko",
	"kernel/crypto/crc32c_generic.ko",
};

static char *tmpdir;
static char *stage;

static char *moddir_of(const char *root)
{
	return xasprintf("%s/lib/modules/%s", root, tk_release());
}

/* Copy the chosen Debian modules into <tmp>/stage and run depmod on it.
 * Returns false (test skipped) when the Debian kernel is not there. */
static bool make_stage(const char *test)
{
	(void)test; /* tu_skip names the running test itself */
	if (tk_unavailable()) {
		tu_skip(TU_SKIP_ENV, "%s", tk_unavailable());
		return false;
	}
	tk_install_modules(stage, stage_modules, sizeof(stage_modules) / sizeof(stage_modules[0]));
	return true;
}

static void show_failure(void)
{
	fprintf(stderr, "expected failure: %s\n", kb_last_error());
}

static void setup(void)
{
	tmpdir = tu_tmpdir("modcheck");
	stage = path_join(tmpdir, "stage");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
	free(stage);
}

static const char *const expected[] = {"libceph", "ceph", "rbd"};

START_TEST(good_stage_passes)
{
	if (!make_stage("good_stage_passes"))
		return;
	FILE *log = tmpfile();
	int rc = modcheck_tree(stage, tk_release(), expected, 3, log);
	ck_assert_msg(rc == 0, "%s", kb_last_error());
	fclose(log);
}
END_TEST

START_TEST(missing_expected_module_fails)
{
	if (!make_stage("missing_expected_module_fails"))
		return;
	const char *want[] = {"rbd", "kbuild_no_such_module"};
	ck_assert_int_eq(modcheck_tree(stage, tk_release(), want, 2, NULL), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "kbuild_no_such_module"), "%s", kb_last_error());
}
END_TEST

START_TEST(wrong_release_fails)
{
	if (!make_stage("wrong_release_fails"))
		return;
	/* the same files under another release name: every vermagic disagrees */
	char *md = moddir_of(stage), *other = xasprintf("%s/lib/modules/0.0.0-kbuild", stage);
	ck_assert_int_eq(rename(md, other), 0);
	ck_assert_int_eq(modcheck_tree(stage, "0.0.0-kbuild", NULL, 0, NULL), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "vermagic"), "%s", kb_last_error());
	free(md);
	free(other);
}
END_TEST

/* Rewrite "vermagic=<release> " inside rbd.ko, keeping the length: the
 * first digit of the ABI number changes (6.1.0-56-amd64 -> 6.1.0-96-amd64). */
START_TEST(altered_vermagic_fails)
{
	if (!make_stage("altered_vermagic_fails"))
		return;
	char *md = moddir_of(stage), *ko = path_join(md, "kernel/drivers/block/rbd.ko");
	size_t len;
	char *data = read_file(ko, &len);
	ck_assert_ptr_nonnull(data);
	char *needle = xasprintf("vermagic=%s ", tk_release());
	char *p = memmem(data, len, needle, strlen(needle));
	ck_assert_msg(p != NULL, "no %s in rbd.ko", needle);
	char *abi = memchr(p, '-', strlen(needle));
	ck_assert_msg(abi && abi[1] >= '0' && abi[1] <= '9', "no ABI number in %s", needle);
	abi[1] = abi[1] == '9' ? '8' : '9';
	char *altered = xstrndup(p + strlen("vermagic="), strlen(tk_release()));
	ck_assert_int_eq(write_file_atomic(ko, data, len), 0);
	free(data);
	FILE *log = tmpfile();
	ck_assert_int_eq(modcheck_tree(stage, tk_release(), expected, 3, log), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "rbd") && strstr(kb_last_error(), altered), "%s",
		      kb_last_error());
	fclose(log);
	free(altered);
	free(needle);
	free(ko);
	free(md);
}
END_TEST

START_TEST(missing_dependency_fails)
{
	if (!make_stage("missing_dependency_fails"))
		return;
	char *md = moddir_of(stage), *ko = path_join(md, "kernel/net/ceph/libceph.ko");
	ck_assert_int_eq(unlink(ko), 0);
	const char *want[] = {"rbd"};
	ck_assert_int_eq(modcheck_tree(stage, tk_release(), want, 1, NULL), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "libceph"), "%s", kb_last_error());
	free(ko);
	free(md);
}
END_TEST

Suite *modcheck_debian_suite(void)
{
	Suite *s = suite_create("modcheck_debian");
	TCase *tc = tcase_create("stage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, good_stage_passes);
	tcase_add_test(tc, missing_expected_module_fails);
	tcase_add_test(tc, wrong_release_fails);
	tcase_add_test(tc, altered_vermagic_fails);
	tcase_add_test(tc, missing_dependency_fails);
	suite_add_tcase(s, tc);
	return s;
}
