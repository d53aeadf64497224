/* The make-output reader behind the build progress and the first error. */
#include "kernel/buildlog.h"
#include "suites.h"

#include <check.h>
#include <stdlib.h>

static struct buildlog feed(const char *const *lines)
{
	struct buildlog b = {0};
	for (size_t i = 0; lines[i]; i++)
		buildlog_line(&b, lines[i]);
	return b;
}

START_TEST(counts_steps)
{
	const char *lines[] = {
		"  CC      kernel/fork.o",
		"  LD [M]  fs/ceph/ceph.ko",
		"  HOSTCC  scripts/basic/fixdep",
		"  GEN     Makefile",
		"make[1]: Entering directory '/x/build'",
		"  This line is indented prose, not a step",
		"scripts/kconfig/conf  --syncconfig Kconfig",
		NULL,
	};
	struct buildlog b = feed(lines);
	ck_assert_uint_eq(b.steps, 4);
	ck_assert_uint_eq(b.errors, 0);
	ck_assert_ptr_null(b.first_error);
	buildlog_free(&b);
}
END_TEST

START_TEST(first_error_and_warnings)
{
	const char *lines[] = {
		"  CC      net/ipv4/tcp.o",
		"net/ipv4/tcp.c:12:5: warning: unused variable 'x' [-Wunused-variable]",
		"ld: warning: vmlinux has a LOAD segment with RWX permissions",
		"ld: .tmp_vmlinux1:(*ABS*+0xffffffff812cf8c0): warning: multiple definition of `jiffies_64'; kernel/built-in.o:(.data+0x24c0): first defined here",
		"ld: NOTE: This behaviour is deprecated and will be removed in a future version of the linker",
		"net/ipv4/tcp_minisocks.c:300:9: error: 'foo' undeclared (first use in this function)",
		"net/ipv4/tcp_minisocks.c:310:9: error: second error",
		"make[3]: *** [scripts/Makefile.build:250: net/ipv4/tcp_minisocks.o] Error 1",
		NULL,
	};
	struct buildlog b = feed(lines);
	ck_assert_uint_eq(b.warnings, 3);
	ck_assert_uint_eq(b.errors, 3);
	ck_assert_str_eq(b.first_error, "net/ipv4/tcp_minisocks.c:300:9: error: 'foo' undeclared (first use in this function)");
	buildlog_free(&b);
}
END_TEST

START_TEST(linker_and_assembler_errors)
{
	const char *a[] = {"arch/x86/boot/video.o: Error: 4-byte relocation cannot be applied to 2-byte field", NULL};
	struct buildlog b = feed(a);
	ck_assert_ptr_nonnull(b.first_error);
	buildlog_free(&b);
	const char *l[] = {"ld: kernel/fork.o: in function `x': fork.c:(.text+0x1): undefined reference to `y'", NULL};
	b = feed(l);
	ck_assert_uint_eq(b.errors, 1);
	buildlog_free(&b);
	const char *fatal[] = {"include/linux/compiler-gcc.h:90:1: fatal error: linux/compiler-gcc12.h: No such file or directory", NULL};
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
