/* Config verification on real kernel trees: config_resolve and
 * config_verify on KBUILD_TEST_SRC_61 / KBUILD_TEST_SRC_2639 when they point
 * at trees, else on Debian's linux-source-6.1 and ../shared/trees' 2.6.39.4,
 * unpacked once into a cache. The small hand-made tree:
 * tests/unit/test_config_verify.c. */
#include "kconfig/resolve.h"
#include "suites.h"
#include "kconfig/verify.h"
#include "kconfig/db.h"
#include "testutil.h"
#include "testskip.h"
#include "legacytrees.h"
#include "source/unpack.h"
#include "lib/sha256.h"

#include "lib/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *tree;

static void setup(void)
{
	tree = tu_tmpdir("kconfig-real");
}

static void teardown(void)
{
	rm_rf(tree);
	free(tree);
}

/* --- the real trees (minutes of make on 2 cores; skipped unless pointed at) --- */

/* The tree a real-tree test reads: $env when set, else the tarball it names
 * (KBUILD_TEST_SRC_61, _612: Debian's linux-source-6.1, -6.12;
 * KBUILD_TEST_SRC_2639: ../shared/trees), unpacked once. */
static char *real_tree(const char *env)
{
	char *why = NULL;
	const char *version = !strcmp(env, "KBUILD_TEST_SRC_2639")  ? "2.6.39.4"
			      : !strcmp(env, "KBUILD_TEST_SRC_612") ? "6.12"
								    : "6.1";
	char *dir = lt_real_tree(version, env, &why);
	if (!dir)
		tu_skip(TU_SKIP_ENV, "%s", why);
	free(why);
	return dir;
}

static char *real_run(const char *env, const char *base, const char *fragment, char **srcp)
{
	char *src = real_tree(env);
	if (!src)
		return NULL;
	*srcp = src;
	tu_write(tree, "frag.config", fragment);
	char *fp = path_join(tree, "frag.config");
	struct kopt_set req = {0};
	ck_assert_msg(fragment_parse(fp, &req, false, NULL) == 0, "%s", kb_last_error());
	char *obj = path_join(tree, "obj");
	char *logp = path_join(tree, "config.log");
	FILE *log = fopen(logp, "w");
	ck_assert_ptr_nonnull(log);
	struct strv mk = {0};
	struct config_job j = {.srctree = src,
			       .objdir = obj,
			       .make = tu_make_line(&mk, src, obj, "x86_64"),
			       .base = base,
			       .req = &req,
			       .log = log};
	double t0 = now_seconds();
	int r = config_resolve(&j);
	fclose(log);
	ck_assert_msg(r == 0, "%s (log %s)", kb_last_error(), logp);
	char *dc = path_join(obj, ".config"), *report = NULL;
	double t1 = now_seconds();
	int bad = config_verify(src, dc, &req, &report);
	double t2 = now_seconds();
	ck_assert_msg(bad >= 0, "%s", kb_last_error());
	fprintf(stderr, "%s: %s + fragment resolved in %.1f s, verified in %.2f s:\n%s", src, base, t1 - t0,
		t2 - t1, report);
	kopt_set_free(&req);
	free(dc);
	free(logp);
	free(obj);
	strv_free(&mk);
	free(fp);
	return report;
}

START_TEST(real_tree_61)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_61", "tinyconfig",
				"CONFIG_64BIT=y\nCONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\n"
				"CONFIG_CEPH_LIB=m\n# BLOCK deliberately left out\nCONFIG_BLK_DEV_RBD=m\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 1 of 6 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					     "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(strstr(report, ": depends on INET && BLOCK;"));
	ck_assert_ptr_nonnull(strstr(report, "off: BLOCK"));

	struct kconfig_db *db = kconfig_db_load(src, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_gt(kconfig_db_nfiles(db), 1000);
	ck_assert_str_eq(kconfig_db_warnings(db), "");
	kconfig_db_free(db);
	free(report);
	free(src);
}
END_TEST

/* 6.12's Kconfig (Debian's linux-source-6.12, pristine: without the TIME_WAIT
 * patch): read without a warning, the dropped option explained from its
 * dependencies (an "if" block included), CEPH_FS kept, and the patch's
 * option reported as absent from this tree. */
START_TEST(real_tree_612)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_612", "tinyconfig",
				"CONFIG_64BIT=y\nCONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\n"
				"CONFIG_CEPH_LIB=m\n# BLOCK deliberately left out\nCONFIG_BLK_DEV_RBD=m\n"
				"CONFIG_CEPH_FS=m\nCONFIG_TCP_TW_TIMEOUT=10\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 2 of 8 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					     "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(strstr(report, ": depends on INET && BLOCK;"));
	ck_assert_ptr_nonnull(strstr(report, "off: BLOCK"));
	ck_assert_ptr_nonnull(
		strstr(report, "drivers/block/Kconfig:17: inside if BLK_DEV; off: BLOCK, BLK_DEV"));
	ck_assert_ptr_null(strstr(report, "CONFIG_CEPH_FS:")); /* it needs no BLOCK: kept */
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_TCP_TW_TIMEOUT: requested 10, but TCP_TW_TIMEOUT does "
					     "not exist in this kernel"));

	struct kconfig_db *db = kconfig_db_load(src, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_gt(kconfig_db_nfiles(db), 1000);
	ck_assert_str_eq(kconfig_db_warnings(db), "");
	kconfig_db_free(db);
	free(report);
	free(src);
}
END_TEST

START_TEST(real_tree_2639)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_2639", "allnoconfig",
				"CONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\nCONFIG_BLK_DEV=y\n"
				"# EXPERIMENTAL deliberately left out\nCONFIG_BLK_DEV_RBD=m\nCONFIG_TTY=y\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 2 of 6 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					     "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(strstr(report, "depends on INET && EXPERIMENTAL && BLOCK; off: EXPERIMENTAL"));
	ck_assert_ptr_nonnull(
		strstr(report, "CONFIG_TTY: requested y, but TTY does not exist in this kernel"));
	free(report);
	free(src);
}
END_TEST

Suite *config_verify_real_suite(void)
{
	Suite *s = suite_create("config_verify_real");
	TCase *real = tcase_create("real trees");
	tcase_add_checked_fixture(real, setup, teardown);
	tcase_set_timeout(real, 1800);
	tcase_add_test(real, real_tree_61);
	tcase_add_test(real, real_tree_612);
	tcase_add_test(real, real_tree_2639);
	suite_add_tcase(s, real);
	return s;
}
