/* Tests for the KTAP parser (builder/guest/ktap.c); the longer sample
 * consoles are in tests/data/ktap/. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "guest/ktap.h"
#include "suites.h"
#include "testutil.h"

static struct ktap_report parse(const char *text)
{
	struct ktap_report r;
	ck_assert_int_eq(ktap_parse(text, strlen(text), &r), 0);
	return r;
}

/* A sample of tests/data/ktap/, parsed. */
static struct ktap_report parse_data(const char *rel)
{
	char *text = tu_data(rel, NULL);
	struct ktap_report r = parse(text);
	free(text);
	return r;
}

static bool log_has(const struct ktap_test *t, const char *line)
{
	for (size_t i = 0; i < t->log.n; i++)
		if (!strcmp(t->log.v[i], line))
			return true;
	return false;
}

START_TEST(test_nested_subtests)
{
	struct ktap_report r = parse_data("ktap/nested-subtests.ktap");
	ck_assert(r.header);
	ck_assert_int_eq(r.root.plan, 2);
	ck_assert_uint_eq(r.root.nsub, 2);
	const struct ktap_test *outer = &r.root.sub[0];
	ck_assert_str_eq(outer->name, "outer");
	ck_assert_int_eq(outer->status, TEST_FAIL);
	ck_assert_int_eq(outer->duration_ms, 1234);
	ck_assert_int_eq(outer->depth, 0);
	ck_assert_int_eq(outer->plan, 2);
	ck_assert_uint_eq(outer->nsub, 2);
	const struct ktap_test *middle = &outer->sub[0];
	ck_assert_str_eq(middle->name, "middle");
	ck_assert_int_eq(middle->depth, 1);
	ck_assert_uint_eq(middle->nsub, 2);
	ck_assert_str_eq(middle->sub[1].name, "deep two");
	ck_assert_int_eq(middle->sub[1].status, TEST_FAIL);
	ck_assert_int_eq(middle->sub[1].depth, 2);
	ck_assert_str_eq(outer->sub[1].name, "second middle");
	ck_assert(log_has(&outer->sub[1], "# a diagnostic"));
	ck_assert(log_has(outer, "        ok 1 deep one"));
	ck_assert_str_eq(r.root.sub[1].name, "flat");
	ck_assert_int_eq(r.root.sub[1].status, TEST_PASS);
	ck_assert_int_eq(r.root.sub[1].duration_ms, -1);
	ck_assert_ptr_eq(ktap_find(&r, "flat"), &r.root.sub[1]);
	ck_assert_ptr_null(ktap_find(&r, "nope"));
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_directives)
{
	struct ktap_report r = parse_data("ktap/directives.ktap");
	ck_assert(r.header);
	ck_assert_uint_eq(r.root.nsub, 5);
	ck_assert_int_eq(r.root.sub[0].status, TEST_SKIP);
	ck_assert_str_eq(r.root.sub[0].name, "needs hw");
	ck_assert_str_eq(r.root.sub[0].reason, "no device");
	ck_assert_int_eq(r.root.sub[1].status, TEST_TODO);
	ck_assert_str_eq(r.root.sub[1].reason, "fix later");
	ck_assert_int_eq(r.root.sub[2].status, TEST_SKIP);
	ck_assert_str_eq(r.root.sub[2].name, "lower case");
	ck_assert_str_eq(r.root.sub[2].reason, ": nothing to do");
	ck_assert_int_eq(r.root.sub[3].status, TEST_PASS);
	ck_assert_ptr_null(r.root.sub[3].reason);
	ck_assert_int_eq(r.root.sub[4].status, TEST_PASS);
	ck_assert_int_eq(r.root.sub[4].number, 5);
	ck_assert_str_eq(test_status_name(TEST_TODO), "todo");
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_garbage_lines)
{
	struct ktap_report r = parse_data("ktap/garbage-lines.ktap");
	ck_assert(r.header);
	ck_assert_uint_eq(r.root.nsub, 2);
	const struct ktap_test *mods = &r.root.sub[0];
	ck_assert_str_eq(mods->name, "mods");
	ck_assert_int_eq(mods->status, TEST_PASS);
	ck_assert_uint_eq(mods->nsub, 1);
	ck_assert_str_eq(mods->sub[0].name, "mods loaded");
	ck_assert_int_eq(mods->sub[0].status, TEST_PASS);
	/* kernel messages land in the log of the test under way */
	ck_assert(log_has(&mods->sub[0], "libceph: loaded (mon/osd proto 15/24)"));
	ck_assert(log_has(&mods->sub[0], "ok 7 odd indentation is noise"));
	ck_assert(log_has(mods, "okay, not a result"));
	ck_assert_int_eq(r.root.sub[1].status, TEST_FAIL);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_timestamps_keep_indentation)
{
	struct ktap_report r = parse_data("ktap/timestamps.ktap");
	ck_assert_uint_eq(r.root.nsub, 1);
	const struct ktap_test *ex = &r.root.sub[0];
	ck_assert_str_eq(ex->name, "example");
	ck_assert_uint_eq(ex->nsub, 2);
	ck_assert_int_eq(ex->sub[1].status, TEST_SKIP);
	ck_assert(log_has(&ex->sub[1], "kmemleak: a kernel message"));
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_truncated)
{
	struct ktap_report r = parse_data("ktap/truncated.ktap");
	ck_assert(r.header);
	ck_assert_uint_eq(r.root.nsub, 3);
	ck_assert_int_eq(r.root.sub[0].status, TEST_PASS);
	const struct ktap_test *second = &r.root.sub[1];
	ck_assert_str_eq(second->name, "second");
	ck_assert_int_eq(second->status, TEST_MISSING);
	ck_assert_int_eq(second->number, 2);
	ck_assert(log_has(second, "BUG: kernel NULL pointer dereference, address: 0000000000000000"));
	ck_assert(log_has(second, "    # half a li"));
	ck_assert_uint_eq(second->nsub, 4);
	ck_assert_int_eq(second->sub[2].status, TEST_FAIL);
	ck_assert_int_eq(second->sub[3].status, TEST_MISSING);
	ck_assert_int_eq(second->sub[3].number, 4);
	ck_assert_int_eq(r.root.sub[2].status, TEST_MISSING);
	ck_assert_int_eq(r.root.sub[2].number, 3);
	ck_assert_str_eq(r.root.sub[2].name, "");
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_no_header)
{
	struct ktap_report r = parse("Linux version 6.1.0\n"
				     "Kernel panic - not syncing: VFS: Unable to mount root fs\n"
				     "1..2\nok 1 looks like tap\n");
	ck_assert(!r.header);
	ck_assert_uint_eq(r.root.nsub, 0);
	ktap_report_free(&r);
	r = parse("");
	ck_assert(!r.header);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_last_document_wins)
{
	struct ktap_report r = parse("KTAP version 1\n1..1\nok 1 kunit_boot_suite\n"
				     "# the runner starts\n"
				     "KTAP version 1\n1..2\nok 1 a\nok 2 b\n"
				     "# Totals: pass:2\n");
	ck_assert_uint_eq(r.root.nsub, 2);
	ck_assert_str_eq(r.root.sub[0].name, "a");
	ck_assert(r.trailing.n == 1 && !strcmp(r.trailing.v[0], "# Totals: pass:2"));
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_plan_complete_no_missing)
{
	/* Output after the last result is trailing, not a missing test. */
	struct ktap_report r = parse("KTAP version 1\n1..1\nok 1 a\nreboot: Power down\n");
	ck_assert_uint_eq(r.root.nsub, 1);
	ck_assert_uint_eq(r.trailing.n, 1);
	ktap_report_free(&r);
}
END_TEST

Suite *ktap_suite(void)
{
	Suite *s = suite_create("ktap");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_nested_subtests);
	tcase_add_test(tc, test_directives);
	tcase_add_test(tc, test_garbage_lines);
	tcase_add_test(tc, test_timestamps_keep_indentation);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_no_header);
	tcase_add_test(tc, test_last_document_wins);
	tcase_add_test(tc, test_plan_complete_no_missing);
	suite_add_tcase(s, tc);
	return s;
}
