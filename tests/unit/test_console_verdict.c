/* The panic matcher: the kernel's own header lines (6.1 and 2.6.3x shapes,
 * with and without printk timestamps) are panics; the same words elsewhere
 * on a line are not. */
#include <check.h>

#include "guest/console_verdict.h"
#include "suites.h"

static const char *const panics[] = {
	"[    2.345678] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100",
	"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
	"[    1.000000] BUG: unable to handle page fault for address: ffffffffc0000000",
	"BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
	"[    3.1] BUG: kernel NULL pointer dereference, address: 0000000000000000",
	"[   12.000001][    T1] BUG: soft lockup - CPU#0 stuck for 22s! [swapper/0:1]",
	"[    4.000000] Oops: 0002 [#1] PREEMPT SMP NOPTI",
	"Oops: 0000 [#1] SMP ",
	"[    5.5] general protection fault, probably for non-canonical address 0xdead000000000100",
	"general protection fault: 0000 [#1] SMP ",
	"[    6.0] kernel BUG at mm/slub.c:3902!",
	"<0>Kernel panic - not syncing: Fatal exception",
};

static const char *const not_panics[] = {
	"DEBUG: all good",
	"[    1.0] DEBUG: BUG: is only a word here",
	"    BUG: indented output of a self-test",
	"ok 1 - BUG: regression test for a fixed bug",
	"[    2.0] my_driver: Oops: recovered",
	"# Kernel panic - not syncing would be bad",
	"BUG:",
	"Oops:",
	"[    1.0] ",
	"",
	"[ x] BUG: malformed timestamp is text",
	"general protection faults are explained in the manual",
};

START_TEST(kernel_panic_lines_match)
{
	ck_assert_msg(console_line_is_panic(panics[_i]), "not matched: %s", panics[_i]);
}
END_TEST

START_TEST(other_lines_do_not_match)
{
	ck_assert_msg(!console_line_is_panic(not_panics[_i]), "matched: %s", not_panics[_i]);
}
END_TEST

Suite *console_verdict_suite(void)
{
	Suite *s = suite_create("console_verdict");
	TCase *tc = tcase_create("console_verdict");
	tcase_add_loop_test(tc, kernel_panic_lines_match, 0, sizeof(panics) / sizeof(panics[0]));
	tcase_add_loop_test(tc, other_lines_do_not_match, 0, sizeof(not_panics) / sizeof(not_panics[0]));
	suite_add_tcase(s, tc);
	return s;
}
