/* modcheck_tree without a kernel (an empty module directory), and
 * elf_has_symbols on a program compiled here. The checks on Debian's real
 * modules: tests/system/test_modcheck_debian.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/modcheck.h"
#include "suites.h"
#include "lib/outfile.h"
#include "kernel/elf_symbols.h"
#include "testutil.h"
#include "lib/util.h"

static char *tmpdir;
static char *stage;

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

START_TEST(no_depmod_fails)
{
	/* needs no Debian kernel: an empty module directory */
	char *md = path_join(stage, "lib/modules/0.0.0-kbuild");
	ck_assert_int_eq(mkdir_p(md, 0755), 0);
	ck_assert_int_eq(modcheck_tree(stage, "0.0.0-kbuild", NULL, 0, NULL), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "modules.dep"), "%s", kb_last_error());
	free(md);
}
END_TEST

START_TEST(symbols_of_a_program)
{
	char *src = path_join(tmpdir, "s.c"), *bin = path_join(tmpdir, "s");
	const char *code = "int kbuild_marker_symbol(void){return 1;}\n"
			   "int main(void){return kbuild_marker_symbol() - 1;}\n";
	ck_assert_int_eq(write_file_atomic(src, code, strlen(code)), 0);
	char *argv[] = {"gcc", "-o", bin, src, NULL};
	if (tu_run(argv) != 0) {
		tu_skip(TU_SKIP_ENV, "gcc failed");
		return;
	}
	const char *good[] = {"kbuild_marker_symbol", "main"};
	ck_assert_msg(elf_has_symbols(bin, good, 2) == 0, "%s", kb_last_error());
	const char *bad[] = {"main", "kbuild_absent_symbol"};
	ck_assert_int_eq(elf_has_symbols(bin, bad, 2), -1);
	show_failure();
	ck_assert_msg(strstr(kb_last_error(), "kbuild_absent_symbol") && !strstr(kb_last_error(), "main"),
		      "%s", kb_last_error());
	char *strip[] = {"strip", bin, NULL};
	if (tu_run(strip) == 0) {
		ck_assert_int_eq(elf_has_symbols(bin, good, 1), -1);
		ck_assert_msg(strstr(kb_last_error(), ".symtab"), "%s", kb_last_error());
	}
	free(src);
	free(bin);
}
END_TEST

Suite *modcheck_suite(void)
{
	Suite *s = suite_create("modcheck");
	TCase *tc = tcase_create("stage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, no_depmod_fails);
	suite_add_tcase(s, tc);
	TCase *sy = tcase_create("symbols");
	tcase_add_checked_fixture(sy, setup, teardown);
	tcase_set_timeout(sy, 120);
	tcase_add_test(sy, symbols_of_a_program);
	suite_add_tcase(s, sy);
	return s;
}
