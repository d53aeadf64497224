/* The make-output reader behind the build progress and the first error. */
#include "kernel/buildlog.h"
#include "suites.h"
#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct buildlog feed(const char *const *lines)
{
	struct buildlog b = {0};
	for (size_t i = 0; lines[i]; i++)
		buildlog_line(&b, lines[i]);
	return b;
}

/* The lines of a sample build log in tests/data/buildlog/. */
static struct buildlog feed_data(const char *rel)
{
	char *text = tu_data(rel, NULL);
	struct buildlog b = {0};
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		buildlog_line(&b, line);
	free(text);
	return b;
}

START_TEST(counts_steps)
{
	struct buildlog b = feed_data("buildlog/counts-steps.log");
	ck_assert_uint_eq(b.steps, 4);
	ck_assert_uint_eq(b.errors, 0);
	ck_assert_ptr_null(b.first_error);
	buildlog_free(&b);
}
END_TEST

START_TEST(first_error_and_warnings)
{
	struct buildlog b = feed_data("buildlog/first-error.log");
	ck_assert_uint_eq(b.warnings, 3);
	ck_assert_uint_eq(b.errors, 3);
	ck_assert_str_eq(
		b.first_error,
		"net/ipv4/tcp_minisocks.c:300:9: error: 'foo' undeclared (first use in this function)");
	buildlog_free(&b);
}
END_TEST

START_TEST(linker_and_assembler_errors)
{
	const char *a[] =
		{"arch/x86/boot/video.o: Error: 4-byte relocation cannot be applied to 2-byte field", NULL};
	struct buildlog b = feed(a);
	ck_assert_ptr_nonnull(b.first_error);
	buildlog_free(&b);
	const char *l[] =
		{"ld: kernel/fork.o: in function `x': fork.c:(.text+0x1): undefined reference to `y'", NULL};
	b = feed(l);
	ck_assert_uint_eq(b.errors, 1);
	buildlog_free(&b);
	const char *fatal[] = {
		"include/linux/compiler-gcc.h:90:1: fatal error: linux/compiler-gcc12.h: No such file or directory",
		NULL};
	b = feed(fatal);
	ck_assert_ptr_nonnull(b.first_error);
	buildlog_free(&b);
}
END_TEST

Suite *buildlog_suite(void)
{
	Suite *s = suite_create("buildlog");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, counts_steps);
	tcase_add_test(tc, first_error_and_warnings);
	tcase_add_test(tc, linker_and_assembler_errors);
	suite_add_tcase(s, tc);
	return s;
}
