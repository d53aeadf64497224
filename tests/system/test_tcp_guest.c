/* The TCP self-tests (qa/tw_reuse ... qa/tw_recycle, built by make) in a real
 * guest: Debian's prebuilt 6.1 kernel (tools/test-kernel) boots an initramfs
 * holding them, with inet_diag and tcp_diag loaded from Debian's modules.
 * Once as the plan runs them (every test must pass), once with --wrong on
 * each (the opposite sysctl, the same expectation: every test must fail):
 * the negative check that none of them passes by construction. The e2e
 * test of the ceph profile does the --wrong boot on its 2.6.39.4 kernel. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest/image.h"
#include "suites.h"
#include "core/profile.h"
#include "guest/qaplan.h"
#include "guest/qemu.h"
#include "lib/util.h"
#include "tcp_guest.h"
#include "testkernel.h"
#include "testutil.h"

#define BUSYBOX "/bin/busybox"

static const char *const tcp_tests[] = {"tw_buckets",  "port_range", "tw_reuse",   "tw_recycle",
					"fin_timeout", "keepalive",  "syn_backlog"};
#define N_TCP (sizeof(tcp_tests) / sizeof(tcp_tests[0]))

static bool can_boot(const char *test)
{
	const char *why = NULL;
	if (!tu_in_path("qemu-system-x86_64"))
		why = "qemu-system-x86_64 not installed";
	else if (tk_unavailable())
		why = tk_unavailable();
	else if (access(BUSYBOX, X_OK) < 0)
		why = BUSYBOX " absent (install busybox-static)";
	else if (access("build/qa/qa-runner", X_OK) < 0 || access("build/qa/syn_backlog", X_OK) < 0)
		why = "the qa binaries are not built (run make in the project root)";
	if (why)
		tu_skip(TU_SKIP_BOOT, "%s: %s", test, why);
	return !why;
}

/* The real plan for these tests (from the shipped default profile, so the
 * "& " concurrency is the one kbuild uses), each line ending in suffix. */
static char *tcp_plan(const char *suffix)
{
	struct profile prof;
	ck_assert_msg(profile_load(".", "debian-6.1-ceph", &prof) == 0, "%s", kb_last_error());
	char *sel = xstrdup("tests=");
	for (size_t i = 0; i < N_TCP; i++) {
		char *s = xasprintf("%s %s", sel, tcp_tests[i]);
		free(sel);
		sel = s;
	}
	ck_assert_int_eq(profile_override(&prof, sel), 0);
	struct settings set;
	settings_resolve(&prof, &set);
	struct run run = {.set = &set, .home = ".", .objdir = "/nonexistent"};
	char *text = NULL;
	ck_assert_msg(qaplan_text(&run, &text) == 0, "%s", kb_last_error());
	char *out = xstrdup("");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *o = xasprintf("%s%s%s\n", out, line, suffix);
		free(out);
		out = o;
	}
	free(text);
	free(sel);
	settings_free(&set);
	profile_free(&prof);
	return out;
}

/* Boot the plan on kernel (Debian's when NULL, with its inet_diag and
 * tcp_diag modules; another kernel must have them built in); returns the
 * serial log (malloc'd) and fills r. */
static char *boot_plan(const char *name, const char *kernel, const char *plan, struct boot_result *r)
{
	char *dir = tu_tmpdir("tcp-guest");
	char *root = NULL;
	static const char *const files[] = {"kernel/net/ipv4/inet_diag.ko", "kernel/net/ipv4/tcp_diag.ko"};
	if (!kernel) {
		root = path_join(dir, "stage");
		tk_install_modules(root, files, 2);
	}
	const char *bins[1 + N_TCP];
	char *paths[1 + N_TCP];
	paths[0] = xstrdup("build/qa/qa-runner");
	for (size_t i = 0; i < N_TCP; i++)
		paths[i + 1] = xasprintf("build/qa/%s", tcp_tests[i]);
	for (size_t i = 0; i <= N_TCP; i++)
		bins[i] = paths[i];
	const char *mods[] = {"tcp_diag"};
	char *initrd = path_join(dir, "initramfs.cpio.gz"), *serial = path_join(dir, "serial.log");
	struct initramfs_spec s = {.busybox = BUSYBOX, .qa_bins = bins, .n_qa_bins = 1 + N_TCP, .plan = plan};
	if (root) {
		s.init_extra = "modprobe tcp_diag";
		s.modules_root = root;
		s.release = tk_release();
		s.modules = mods;
		s.n_modules = 1;
	}
	ck_assert_msg(initramfs_build(&s, initrd, NULL) == 0, "%s", kb_last_error());
	struct qemu_opts o = {.kernel = kernel ? kernel : tk_vmlinuz(),
			      .initrd = initrd,
			      .mem_mb = 256,
			      .timeout_s = 240,
			      .serial_log = serial,
			      .accel = ACCEL_AUTO};
	ck_assert_msg(qemu_boot(&o, r) == 0, "%s", kb_last_error());
	char *log = read_file(serial, NULL);
	ck_assert_ptr_nonnull(log);
	fprintf(stderr, "boot %s: verdict %s, %.2f s QEMU start to verdict\n", name,
		boot_verdict_name(r->verdict), r->seconds);
	for (size_t i = 0; i <= N_TCP; i++)
		free(paths[i]);
	rm_rf(dir);
	free(initrd);
	free(serial);
	free(root);
	free(dir);
	return log;
}

/* The runner's top-level result line for test number i (1-based). */
static bool has_result(const char *log, bool ok, size_t i, const char *name)
{
	char *line = xasprintf("\n%s %zu %s", ok ? "ok" : "not ok", i, name);
	char *at = strstr(log, line);
	bool found = at && (at[strlen(line)] == '\n' || at[strlen(line)] == '\r');
	free(line);
	return found;
}

START_TEST(tcp_tests_pass)
{
	if (!can_boot("tcp_tests_pass"))
		return;
	char *plan = tcp_plan("");
	struct boot_result r;
	char *log = boot_plan("TCP tests", NULL, plan, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s:\n%s", boot_verdict_name(r.verdict), log);
	for (size_t i = 0; i < N_TCP; i++)
		ck_assert_msg(has_result(log, true, i + 1, tcp_tests[i]), "%s did not pass:\n%s",
			      tcp_tests[i], log);
	ck_assert_ptr_null(strstr(log, "not ok"));
	boot_result_free(&r);
	free(log);
	free(plan);
}
END_TEST

void tcp_guest_expect_wrong_fails(const char *kernel)
{
	char *plan = tcp_plan(" --wrong");
	struct boot_result r;
	char *log = boot_plan("TCP tests --wrong", kernel, plan, &r);
	ck_assert_msg(r.verdict == BOOT_TESTS_FAILED, "verdict %s:\n%s", boot_verdict_name(r.verdict), log);
	for (size_t i = 0; i < N_TCP; i++)
		ck_assert_msg(has_result(log, false, i + 1, tcp_tests[i]),
			      "%s did not fail with --wrong:\n%s", tcp_tests[i], log);
	boot_result_free(&r);
	free(log);
	free(plan);
}

START_TEST(tcp_tests_fail_when_wrong)
{
	if (!can_boot("tcp_tests_fail_when_wrong"))
		return;
	tcp_guest_expect_wrong_fails(NULL);
}
END_TEST

Suite *tcp_guest_suite(void)
{
	Suite *s = suite_create("tcp_guest");
	TCase *tc = tcase_create("debian-6.1");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, tcp_tests_pass);
	tcase_add_test(tc, tcp_tests_fail_when_wrong);
	suite_add_tcase(s, tc);
	return s;
}
