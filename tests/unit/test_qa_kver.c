/* The self-tests' kernel version gate (qa/kver.h), which qa/tw_recycle uses
 * to decide whether net.ipv4.tcp_tw_recycle must exist (before 4.12) or must
 * not (4.12 on): the releases of every line kbuild builds, the edges of the
 * gate, and release strings it cannot read. */
#include "../../qa/kver.h"
#include "suites.h"

#include <check.h>

START_TEST(lines_kbuild_builds)
{
	/* tcp_tw_recycle present: the 2.6.3x lines */
	ck_assert_int_eq(qa_release_at_least("2.6.32.71", 4, 12), 0);
	ck_assert_int_eq(qa_release_at_least("2.6.39.4", 4, 12), 0);
	ck_assert_int_eq(qa_release_at_least("2.6.38.8-kbuild", 4, 12), 0);
	/* removed: Debian's 6.1 and 6.12 as kbuild builds and Debian ships them */
	ck_assert_int_eq(qa_release_at_least("6.1.192", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("6.1.0-42-amd64", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("6.12.118", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("6.12.57+deb13-amd64", 4, 12), 1);
}
END_TEST

START_TEST(edges_are_numeric)
{
	ck_assert_int_eq(qa_release_at_least("4.11.12", 4, 12), 0);
	ck_assert_int_eq(qa_release_at_least("4.12", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("4.12.0-rc1", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("4.13.0", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("5.0.0", 4, 12), 1);
	/* numbers, not strings: 4.9 < 4.12, 6.12 > 6.1, 10.0 > 4.12 */
	ck_assert_int_eq(qa_release_at_least("4.9.337", 4, 12), 0);
	ck_assert_int_eq(qa_release_at_least("6.12.0", 6, 1), 1);
	ck_assert_int_eq(qa_release_at_least("6.1.0", 6, 12), 0);
	ck_assert_int_eq(qa_release_at_least("10.0", 4, 12), 1);
	ck_assert_int_eq(qa_release_at_least("3.10.0-1160.el7.x86_64", 4, 12), 0);
}
END_TEST

START_TEST(unreadable_releases)
{
	ck_assert_int_eq(qa_release_at_least("", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("?", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("6", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("6.", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("6-12", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("v6.12", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("-6.12", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least(".12", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least(NULL, 4, 12), -1);
	/* more digits than an int holds are not a version */
	ck_assert_int_eq(qa_release_at_least("99999999999.1", 4, 12), -1);
	ck_assert_int_eq(qa_release_at_least("6.99999999999", 4, 12), -1);
}
END_TEST

Suite *qa_kver_suite(void)
{
	Suite *s = suite_create("qa_kver");
	TCase *tc = tcase_create("gate");
	tcase_add_test(tc, lines_kbuild_builds);
	tcase_add_test(tc, edges_are_numeric);
	tcase_add_test(tc, unreadable_releases);
	suite_add_tcase(s, tc);
	return s;
}
