/* Kconfig's root: "Kconfig" since 2.6.36, arch/$(SRCARCH)/Kconfig before
 * (2.6.32's layout), and a tree with neither is refused with a reason. */
#include "kconfig/db.h"
#include "suites.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(arch_kconfig_is_the_root_before_2636)
{
	char *tree = tu_tmpdir("kroot");
	tu_write(tree, "arch/x86/Kconfig", "config X86\n\tdef_bool y\nsource \"net/Kconfig\"\n");
	tu_write(tree, "net/Kconfig", "config INET\n\tbool \"TCP/IP\"\n");
	struct kconfig_db *db = kconfig_db_load(tree, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_eq(kconfig_db_nfiles(db), 2);
	ck_assert_ptr_nonnull(kconfig_db_find(db, "INET"));
	ck_assert_ptr_nonnull(kconfig_db_find(db, "X86"));
	kconfig_db_free(db);

	/* a top-level Kconfig wins when both exist (2.6.36 and later) */
	tu_write(tree, "Kconfig", "source \"arch/$SRCARCH/Kconfig\"\nconfig TOP\n\tbool\n");
	db = kconfig_db_load(tree, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_eq(kconfig_db_nfiles(db), 3);
	ck_assert_ptr_nonnull(kconfig_db_find(db, "TOP"));
	kconfig_db_free(db);

	/* negative: another arch's tree has no root for x86 */
	char *other = tu_tmpdir("kroot-arm");
	tu_write(other, "arch/arm/Kconfig", "config ARM\n\tdef_bool y\n");
	ck_assert_ptr_null(kconfig_db_load(other, "x86"));
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "arch/x86/Kconfig"));
	rm_rf(other);
	rm_rf(tree);
	free(other);
	free(tree);
}
END_TEST

Suite *kconfig_root_suite(void)
{
	Suite *s = suite_create("kconfig_root");
	TCase *tc = tcase_create("root");
	tcase_add_test(tc, arch_kconfig_is_the_root_before_2636);
	suite_add_tcase(s, tc);
	return s;
}
