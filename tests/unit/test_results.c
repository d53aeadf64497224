/* Tests for results.json, junit.xml and the exit-code rule (builder/guest/results.c). */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "guest/ktap.h"
#include "suites.h"
#include "guest/results.h"
#include "testutil.h"
#include "lib/util.h"

static char *tmpdir;

static void setup(void)
{
	tmpdir = tu_tmpdir("results");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

/* Exit code of a serial log against the expected names. */
static int exit_code(const char *log, const char *const *expected, size_t n)
{
	struct ktap_report r;
	struct results res;
	ktap_parse(log, strlen(log), &r);
	results_build(&res, &r, expected, n);
	int code = results_exit_code(&res);
	results_free(&res);
	ktap_report_free(&r);
	return code;
}

static const char *const two[] = {"a", "b"};

START_TEST(test_exit_all_pass)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..2\nok 1 a\nok 2 b\n", two, 2), 0);
}
END_TEST

START_TEST(test_exit_skip_and_todo_pass)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..2\nok 1 a # SKIP no hw\n"
				   "not ok 2 b # TODO known\n",
				   two, 2),
			 0);
}
END_TEST

START_TEST(test_exit_failure)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n", two, 2), 1);
}
END_TEST

START_TEST(test_exit_failed_subtest_under_pass)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..2\n    KTAP version 1\n    1..1\n"
				   "    not ok 1 inner\nok 1 a\nok 2 b\n",
				   two, 2),
			 1);
}
END_TEST

START_TEST(test_exit_missing_expected)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..1\nok 1 a\n", two, 2), 2);
	/* missing wins over a failure: the run is incomplete */
	ck_assert_int_eq(exit_code("KTAP version 1\n1..2\nnot ok 1 a\n", two, 2), 2);
}
END_TEST

START_TEST(test_exit_never_reported)
{
	ck_assert_int_eq(exit_code("Kernel panic - not syncing: Attempted to kill init!\n", two, 2), 2);
	ck_assert_int_eq(exit_code("", NULL, 0), 2);
}
END_TEST

START_TEST(test_exit_truncated_without_expected_list)
{
	ck_assert_int_eq(exit_code("KTAP version 1\n1..3\nok 1 a\nok 2 b\n", NULL, 0), 2);
}
END_TEST

static struct results build(struct ktap_report *r, const char *const *expected, size_t n)
{
	struct results res;
	/* escapes, markup characters and bytes that are not UTF-8, on purpose */
	char *log_doc = tu_data("results/log.ktap", NULL);
	ktap_parse(log_doc, strlen(log_doc), r);
	free(log_doc);
	results_build(&res, r, expected, n);
	return res;
}

START_TEST(test_json)
{
	static const char *const expected[] = {"a", "b", "c"};
	struct ktap_report r;
	struct results res = build(&r, expected, 3);
	char *path = path_join(tmpdir, "results.json");
	ck_assert_int_eq(results_write_json(&res, path), 0);

	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	ck_assert_msg(root != NULL, "results.json does not parse: %s", err.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "exit_code")), 2);
	ck_assert(json_is_true(json_object_get(root, "reported")));
	json_t *tests = json_object_get(root, "tests");
	ck_assert_uint_eq(json_array_size(tests), 3);
	json_t *a = json_array_get(tests, 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "name")), "a");
	ck_assert_str_eq(json_string_value(json_object_get(a, "status")), "fail");
	ck_assert_int_eq(json_integer_value(json_object_get(a, "duration_ms")), 1500);
	ck_assert_uint_eq(json_array_size(json_object_get(a, "subtests")), 2);
	const char *log = json_string_value(json_object_get(a, "log"));
	ck_assert_ptr_nonnull(log);
	ck_assert_ptr_nonnull(strstr(log, "not ok 2 second <check> & co"));
	ck_assert_ptr_nonnull(strstr(log, "bad? byte caf\xc3\xa9"));
	json_t *b = json_array_get(tests, 1);
	ck_assert_str_eq(json_string_value(json_object_get(b, "status")), "skip");
	ck_assert_str_eq(json_string_value(json_object_get(b, "reason")), "nothing \"here\"");
	json_t *c = json_array_get(tests, 2);
	ck_assert_str_eq(json_string_value(json_object_get(c, "status")), "missing");
	ck_assert(json_is_null(json_object_get(c, "duration_ms")));
	json_t *sum = json_object_get(root, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "fail")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "skip")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "missing")), 1);
	json_decref(root);
	free(path);
	results_free(&res);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_junit_escaping)
{
	static const char *const expected[] = {"a", "b", "x<&>\"'"};
	struct ktap_report r;
	struct results res = build(&r, expected, 3);
	char *path = path_join(tmpdir, "junit.xml");
	ck_assert_int_eq(results_write_junit(&res, path), 0);
	char *xml = read_file(path, NULL);
	ck_assert_ptr_nonnull(xml);
	ck_assert_ptr_nonnull(strstr(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	ck_assert_ptr_nonnull(strstr(xml, "name=\"x&lt;&amp;&gt;&quot;&apos;\""));
	ck_assert_ptr_nonnull(strstr(xml, "name=\"second &lt;check&gt; &amp; co\""));
	ck_assert_ptr_nonnull(strstr(xml, "value &lt;7&gt; &amp; \"quoted\""));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"SKIP: nothing &quot;here&quot;\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "time=\"1.500\""));
	ck_assert_ptr_nonnull(strstr(xml, "<error message="));
	ck_assert_ptr_nonnull(strstr(xml, "caf\xc3\xa9"));
	/* no raw control characters or invalid bytes survive */
	for (const unsigned char *p = (const unsigned char *)xml; *p; p++) {
		ck_assert_msg(*p >= 0x20 || *p == '\n' || *p == '\t', "control byte 0x%02x", *p);
		ck_assert_msg(*p != 0xff, "invalid UTF-8 byte kept");
	}
	ck_assert_ptr_nonnull(strstr(xml, "</testsuites>\n"));
	free(xml);
	free(path);
	results_free(&res);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_junit_never_reported)
{
	struct ktap_report r;
	struct results res;
	const char *log = "Kernel panic - not syncing <oops>\n";
	ktap_parse(log, strlen(log), &r);
	static const char *const expected[] = {"modules"};
	results_build(&res, &r, expected, 1);
	char *path = path_join(tmpdir, "junit.xml");
	ck_assert_int_eq(results_write_junit(&res, path), 0);
	char *xml = read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(xml, "the guest printed no KTAP"));
	ck_assert_ptr_nonnull(strstr(xml, "name=\"modules\""));
	free(xml);
	free(path);
	results_free(&res);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_atomic_no_leftovers)
{
	struct ktap_report r;
	struct results res = build(&r, two, 2);
	char *json = path_join(tmpdir, "results.json");
	char *junit = path_join(tmpdir, "junit.xml");
	ck_assert_int_eq(results_write_json(&res, json), 0);
	ck_assert_int_eq(results_write_junit(&res, junit), 0);
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		files++;
		ck_assert_msg(!strstr(e->d_name, ".tmp"), "left behind: %s", e->d_name);
	}
	closedir(d);
	ck_assert_int_eq(files, 2);
	/* an unwritable place fails with a message */
	ck_assert_int_eq(results_write_json(&res, "/nonexistent-dir/results.json"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "/nonexistent-dir/results.json"));
	free(json);
	free(junit);
	results_free(&res);
	ktap_report_free(&r);
}
END_TEST

START_TEST(test_clean_text)
{
	char *s = results_clean_text(
		"ok\tline\n\x01\x1b[1m \xc3\xa9 \xe2\x82\xac \xc3 \xed\xa0\x80 \xef\xbf\xbe");
	ck_assert_str_eq(s, "ok\tline\n??[1m \xc3\xa9 \xe2\x82\xac ? ??? ???");
	free(s);
}
END_TEST

/* The TCP figures (guest/tcp_figures): each shape the qa/ programs print,
 * judged against its bounds; the backlog cap against the somaxconn the test
 * printed later; only tcp_tw_timeout's TIME_WAIT lengths as measurements
 * (tw_recycle's shortened one is not "lifetime_1s"). */
START_TEST(test_tcp_figures)
{
	json_t *results = json_pack(
		"{s:[{s:s,s:s,s:s},{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]},{s:s,s:s,s:s}]}", "tests", "name",
		"tcp_timewait", "status", "pass", "log",
		"# net.ipv4.tcp_tw_timeout=2: TIME_WAIT lasted 2.09 s (bounds 1.50..3.75 s, state from inet_diag)\n"
		"# net.ipv4.tcp_tw_timeout=4: TIME_WAIT lasted 9.00 s (bounds 3.25..6.00 s)\n",
		"name", "backlog", "status", "pass", "log", "", "subtests", "name", "cap", "status", "pass",
		"log",
		"# listener maximum backlog (inet_diag idiag_wqueue): 16\n"
		"# 17 clients connected without accept(): 17 established on the client side, 17 in the accept "
		"queue (somaxconn 16)\n",
		"name", "tw_recycle", "status", "pass", "log",
		"# net.ipv4.tcp_tw_recycle=1: TIME_WAIT lasted 0.70 s (expected 3.5 x RTO, at most 2 s)\n"
		"# net.ipv4.tcp_fin_timeout=3: FIN-WAIT-2 still there after 9.00 s (bounds 2.00..5.00 s)\n");
	ck_assert_ptr_nonnull(results);
	json_t *tests = json_object(), *m = json_object(), *figs = json_array();
	results_flatten(results, tests, m, figs);
	ck_assert_uint_eq(json_object_size(m), 2);
	ck_assert_double_eq_tol(json_number_value(json_object_get(m, "lifetime_2s")), 2.09, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(m, "lifetime_4s")), 9.0, 1e-9);
	ck_assert_ptr_null(json_object_get(m, "lifetime_1s"));
	ck_assert_uint_eq(json_array_size(figs), 5);
	const char *want[][4] = {
		{"tcp_timewait", "TIME_WAIT length", "net.ipv4.tcp_tw_timeout=2 s", "t"},
		{"tcp_timewait", "TIME_WAIT length", "net.ipv4.tcp_tw_timeout=4 s", "f"},
		{"backlog", "listen backlog cap", "listen(1000), somaxconn 16", "t"},
		{"backlog", "accept queue without accept()", "somaxconn 16", "t"},
		{"tw_recycle", "FIN-WAIT-2 length (fin_timeout)", "net.ipv4.tcp_fin_timeout=3 s", "f"},
	};
	for (size_t i = 0; i < 5; i++) {
		json_t *g = json_array_get(figs, i);
		ck_assert_str_eq(json_string_value(json_object_get(g, "test")), want[i][0]);
		ck_assert_str_eq(json_string_value(json_object_get(g, "what")), want[i][1]);
		ck_assert_str_eq(json_string_value(json_object_get(g, "set")), want[i][2]);
		ck_assert_msg(json_is_true(json_object_get(g, "within")) == (want[i][3][0] == 't'),
			      "figure %zu", i);
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(figs, 4), "measured")),
			 "still there after 9.00 s");
	json_decref(results);
	json_decref(tests);
	json_decref(m);
	json_decref(figs);
}
END_TEST

Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *codes = tcase_create("exit-code");
	tcase_add_test(codes, test_exit_all_pass);
	tcase_add_test(codes, test_exit_skip_and_todo_pass);
	tcase_add_test(codes, test_exit_failure);
	tcase_add_test(codes, test_exit_failed_subtest_under_pass);
	tcase_add_test(codes, test_exit_missing_expected);
	tcase_add_test(codes, test_exit_never_reported);
	tcase_add_test(codes, test_exit_truncated_without_expected_list);
	suite_add_tcase(s, codes);
	TCase *files = tcase_create("files");
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, test_json);
	tcase_add_test(files, test_junit_escaping);
	tcase_add_test(files, test_junit_never_reported);
	tcase_add_test(files, test_atomic_no_leftovers);
	tcase_add_test(files, test_clean_text);
	tcase_add_test(files, test_tcp_figures);
	suite_add_tcase(s, files);
	return s;
}
