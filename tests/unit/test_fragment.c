/* Config fragments: values, comments, `is not set`, malformed lines with
 * file:line, conflicts naming both places, overrides, and applying a set to a
 * .config. */
#include "kconfig/fragment.h"
#include "suites.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir("fragment");
}

static void teardown(void)
{
	rm_rf(dir);
	free(dir);
}

/* Write name in the temp dir and return its path (static buffer per call site is
 * not enough: callers free it). */
static char *frag(const char *name, const char *text)
{
	tu_write(dir, name, text);
	return path_join(dir, name);
}

/* The same with the text of a sample in tests/data/fragment/. */
static char *frag_data(const char *name, const char *rel)
{
	tu_write_data(dir, name, rel);
	return path_join(dir, name);
}

static const char *value(const struct kopt_set *s, const char *name)
{
	const struct kopt *o = kopt_set_find(s, name);
	return o ? o->value : NULL;
}

START_TEST(parses_every_value_form)
{
	/* one line ends in CRLF, one has blanks around it: on purpose */
	char *p = frag_data("a.config", "fragment/every-value-form.config");
	struct kopt_set s = {0};
	ck_assert_int_eq(fragment_parse(p, &s, false, NULL), 0);
	ck_assert_uint_eq(s.n, 7);
	ck_assert_str_eq(value(&s, "Y"), "y");
	ck_assert_str_eq(value(&s, "M"), "m");
	ck_assert_str_eq(value(&s, "N"), "n");
	ck_assert_str_eq(value(&s, "UNSET"), "n");
	ck_assert_str_eq(value(&s, "INT"), "-42");
	ck_assert_str_eq(value(&s, "HEX"), "0x1F");
	ck_assert_str_eq(value(&s, "STR"), "\"with \\\"quotes\\\" and # hash\"");
	ck_assert_ptr_null(value(&s, "NOT_A_VALUE"));
	const struct kopt *o = kopt_set_find(&s, "INT");
	ck_assert_str_eq(o->file, p);
	ck_assert_uint_eq(o->line, 7);
	kopt_set_free(&s);
	free(p);
}
END_TEST

static void expect_malformed(const char *line, unsigned lineno_expected)
{
	char *text = xasprintf("CONFIG_OK=y\n%s\n", line);
	char *p = frag("bad.config", text);
	struct kopt_set s = {0};
	ck_assert_int_eq(fragment_parse(p, &s, false, NULL), -1);
	char *where = xasprintf("%s:%u: ", p, lineno_expected);
	ck_assert_msg(strstr(kb_last_error(), where), "'%s' gave: %s", line, kb_last_error());
	kopt_set_free(&s);
	free(where);
	free(p);
	free(text);
}

START_TEST(malformed_lines_name_file_and_line)
{
	expect_malformed("CONFIG_FOO=yes", 2);
	expect_malformed("FOO=y", 2);
	expect_malformed("CONFIG_FOO", 2);
	expect_malformed("CONFIG_FOO=", 2);
	expect_malformed("CONFIG_FOO=\"unterminated", 2);
	expect_malformed("CONFIG_FOO=0x", 2);
	expect_malformed("CONFIG_FOO=y # trailing comment", 2);
	expect_malformed("CONFIG_=y", 2);
}
END_TEST

START_TEST(conflict_names_both_places)
{
	char *a = frag("a.config", "CONFIG_X=y\n\nCONFIG_SAME=m\n");
	char *b = frag("b.config", "# first line\nCONFIG_SAME=m\n# CONFIG_X is not set\n");
	struct kopt_set s = {0};
	ck_assert_int_eq(fragment_parse(a, &s, false, NULL), 0);
	ck_assert_int_eq(fragment_parse(b, &s, false, NULL), -1);
	const char *e = kb_last_error();
	char *pa = xasprintf("%s:1", a), *pb = xasprintf("%s:3", b);
	ck_assert_msg(strstr(e, "CONFIG_X") && strstr(e, pa) && strstr(e, pb), "got: %s", e);
	kopt_set_free(&s);
	free(pa);
	free(pb);
	free(a);
	free(b);
}
END_TEST

START_TEST(same_value_twice_is_fine)
{
	char *a = frag("a.config", "# CONFIG_X is not set\nCONFIG_H=0x10\n");
	char *b = frag("b.config", "CONFIG_X=n\nCONFIG_H=0x010\n");
	struct kopt_set s = {0};
	ck_assert_int_eq(fragment_parse(a, &s, false, NULL), 0);
	ck_assert_int_eq(fragment_parse(b, &s, false, NULL), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(kopt_set_find(&s, "X")->file, a); /* the first place is kept */
	kopt_set_free(&s);
	free(a);
	free(b);
}
END_TEST

START_TEST(override_allowed_later_wins_and_is_logged)
{
	char *a = frag("a.config", "CONFIG_X=y\nCONFIG_S=\"one\"\n");
	char *b = frag("b.config", "CONFIG_X=m\n");
	struct kopt_set s = {0};
	char *logtext = NULL;
	size_t loglen = 0;
	FILE *log = open_memstream(&logtext, &loglen);
	ck_assert_int_eq(fragment_parse(a, &s, true, log), 0);
	ck_assert_int_eq(fragment_parse(b, &s, true, log), 0);
	fclose(log);
	ck_assert_str_eq(value(&s, "X"), "m");
	ck_assert_str_eq(kopt_set_find(&s, "X")->file, b);
	ck_assert_msg(strstr(logtext, "CONFIG_X=m overrides y"), "log: %s", logtext);
	kopt_set_free(&s);
	free(logtext);
	free(a);
	free(b);
}
END_TEST

START_TEST(value_equality)
{
	ck_assert(kopt_value_equal("y", "y"));
	ck_assert(kopt_value_equal("0x10", "0x010"));
	ck_assert(kopt_value_equal("010", "10"));
	ck_assert(!kopt_value_equal("10", "0x10"));
	ck_assert(!kopt_value_equal("y", "m"));
	ck_assert(!kopt_value_equal("\"a\"", "\"b\""));
}
END_TEST

START_TEST(dotconfig_read_and_apply)
{
	char *dc = frag_data("dot.config", "fragment/dot.config");
	struct kopt_set req = {0};
	kopt_set_put(&req, "A", "n", "f", 1);
	kopt_set_put(&req, "B", "m", "f", 2);
	kopt_set_put(&req, "S", "\"new\"", "f", 3);
	kopt_set_put(&req, "NEW", "0x20", "f", 4);
	ck_assert_int_eq(dotconfig_apply(dc, &req), 0);

	char *text = read_file(dc, NULL);
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_KEEP=m\n"));
	ck_assert_ptr_null(strstr(text, "CONFIG_A=y"));
	ck_assert_ptr_null(strstr(text, "\"old\""));
	ck_assert_ptr_nonnull(strstr(text, "# CONFIG_A is not set\nCONFIG_B=m\n"
					   "CONFIG_S=\"new\"\nCONFIG_NEW=0x20\n"));
	/* each symbol appears once */
	ck_assert_ptr_null(strstr(strstr(text, "CONFIG_B=m") + 1, "CONFIG_B"));

	struct kopt_set got = {0};
	ck_assert_int_eq(dotconfig_read(dc, &got), 0);
	ck_assert_uint_eq(got.n, 5);
	ck_assert_str_eq(value(&got, "A"), "n");
	ck_assert_str_eq(value(&got, "B"), "m");
	ck_assert_str_eq(value(&got, "KEEP"), "m");
	ck_assert_str_eq(value(&got, "NEW"), "0x20");
	kopt_set_free(&got);
	kopt_set_free(&req);
	free(text);
	free(dc);
}
END_TEST

START_TEST(missing_file_is_an_error)
{
	struct kopt_set s = {0};
	char *p = path_join(dir, "absent.config");
	ck_assert_int_eq(fragment_parse(p, &s, false, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), p));
	free(p);
}
END_TEST

Suite *fragment_suite(void)
{
	Suite *s = suite_create("fragment");
	TCase *tc = tcase_create("fragment");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parses_every_value_form);
	tcase_add_test(tc, malformed_lines_name_file_and_line);
	tcase_add_test(tc, conflict_names_both_places);
	tcase_add_test(tc, same_value_twice_is_fine);
	tcase_add_test(tc, override_allowed_later_wins_and_is_logged);
	tcase_add_test(tc, value_equality);
	tcase_add_test(tc, dotconfig_read_and_apply);
	tcase_add_test(tc, missing_file_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
