/* Real boots of Debian's 6.1 kernel (the one tools/test-kernel fetches, see
 * testkernel.h) with initramfs_build's output: each verdict is produced by a
 * guest that really behaves that way. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/image.h"
#include "suites.h"
#include "lib/outfile.h"
#include "guest/qemu.h"
#include "testkernel.h"
#include "testutil.h"
#include "lib/util.h"

#define BUSYBOX "/bin/busybox"

static char *tmpdir;

/* Stand-in for the real qa runner: prints KTAP, then ends QEMU through
 * isa-debug-exit with 1 when the plan says "fail", else 0. */
static const char exit_prog[] =
	"#include <stdio.h>\n#include <string.h>\n#include <sys/io.h>\n"
	"int main(int argc, char **argv) {\n"
	"  char plan[256] = \"\"; FILE *f = argc > 1 ? fopen(argv[1], \"r\") : NULL;\n"
	"  if (f) { size_t n = fread(plan, 1, sizeof(plan) - 1, f); plan[n] = 0; fclose(f); }\n"
	"  int fail = strstr(plan, \"fail\") != NULL;\n"
	"  printf(\"KTAP version 1\\n1..1\\n%sok 1 boot\\n\", fail ? \"not \" : \"\");\n"
	"  fflush(stdout);\n"
	"  if (ioperm(0xf4, 1, 1) < 0) { perror(\"ioperm\"); return 1; }\n"
	"  outb(fail, 0xf4);\n  return 1;\n}\n";

/* KBUILD_TEST_KERNEL boots another kernel (it needs serial 8250 console,
 * devtmpfs, gzip initrd, X86_IOPL_IOPERM, MAGIC_SYSRQ and ACPI for poweroff);
 * NULL when neither it nor Debian's kernel is there. */
static const char *kernel(void)
{
	const char *k = getenv("KBUILD_TEST_KERNEL");
	return k && *k ? k : tk_vmlinuz();
}

static void setup(void)
{
	tmpdir = tu_tmpdir("qemu");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

static bool can_boot(const char *test)
{
	(void)test; /* tu_skip names the running test itself */
	const char *why = NULL;
	if (!tu_in_path("qemu-system-x86_64"))
		why = "qemu-system-x86_64 not installed";
	else if (!kernel())
		why = tk_unavailable();
	else if (access(kernel(), R_OK) < 0)
		why = "KBUILD_TEST_KERNEL names no readable file";
	else if (access(BUSYBOX, X_OK) < 0)
		why = BUSYBOX " absent (install busybox-static)";
	if (why)
		tu_skip(TU_SKIP_BOOT, "%s", why);
	return !why;
}

/* Compile the exit program as <tmp>/qa-runner, static or dynamic with
 * extra_flags; NULL when that cannot be linked here. */
static char *build_runner_with(const char *code, const char *flag1, const char *flag2)
{
	char *src = path_join(tmpdir, "runner.c"), *bin = path_join(tmpdir, "qa-runner");
	ck_assert_int_eq(write_file_atomic(src, code, strlen(code)), 0);
	char *argv[] = {"gcc", "-O2", "-o", bin, src, (char *)flag1, (char *)flag2, NULL};
	int rc = tu_run(argv);
	free(src);
	if (rc != 0) {
		tu_skip(TU_SKIP_BOOT, "cannot link the runner with %s", flag1);
		free(bin);
		return NULL;
	}
	return bin;
}

static char *build_runner(void)
{
	return build_runner_with(exit_prog, "-static", NULL);
}

/* Build an initramfs around runner (may be NULL: no runner) and boot it;
 * modules (n of them) come from the staging root mod_root. */
static void boot_with_modules(const char *name, const char *runner, const char *plan, const char *extra,
			      unsigned timeout, const char *mod_root, const char *const *modules, size_t n,
			      struct boot_result *r)
{
	char *initrd = path_join(tmpdir, "initramfs.cpio.gz");
	char *serial = path_join(tmpdir, "serial.log");
	const char *bins[] = {runner};
	struct initramfs_spec s = {.busybox = BUSYBOX,
				   .qa_bins = bins,
				   .n_qa_bins = runner != NULL,
				   .plan = plan,
				   .init_extra = extra,
				   .modules_root = mod_root,
				   .release = mod_root ? tk_release() : NULL,
				   .modules = modules,
				   .n_modules = n};
	ck_assert_msg(initramfs_build(&s, initrd, NULL) == 0, "%s", kb_last_error());
	struct stat st;
	ck_assert_int_eq(stat(initrd, &st), 0);
	FILE *log = tmpfile();
	struct qemu_opts o = {.kernel = kernel(),
			      .initrd = initrd,
			      .mem_mb = 256,
			      .timeout_s = timeout,
			      .serial_log = serial,
			      .accel = ACCEL_AUTO,
			      .log = log};
	ck_assert_msg(qemu_boot(&o, r) == 0, "%s", kb_last_error());
	fclose(log);
	fprintf(stderr,
		"boot %s: verdict %s, QEMU status %d, %.2f s QEMU start to verdict, "
		"initramfs %lld bytes\n",
		name, boot_verdict_name(r->verdict), r->qemu_status, r->seconds, (long long)st.st_size);
	free(initrd);
	free(serial);
}

static void boot(const char *name, const char *runner, const char *plan, const char *extra, unsigned timeout,
		 struct boot_result *r)
{
	boot_with_modules(name, runner, plan, extra, timeout, NULL, NULL, 0, r);
}

/* No process may still have our serial log on its command line. */
static void assert_no_qemu_left(void)
{
	DIR *d = opendir("/proc");
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char *p = xasprintf("/proc/%s/cmdline", de->d_name);
		size_t len = 0;
		char *cmd = read_file(p, &len);
		free(p);
		if (!cmd)
			continue;
		for (size_t k = 0; k + 1 < len; k++)
			if (!cmd[k])
				cmd[k] = ' ';
		bool ours = strstr(cmd, "qemu-system") && strstr(cmd, tmpdir);
		free(cmd);
		ck_assert_msg(!ours, "QEMU process %s is still running", de->d_name);
	}
	closedir(d);
}

/* A passing guest that prints "DEBUG:" or an indented "BUG:" is not a panic:
 * only the kernel's own line shapes are (guest/console_verdict.c). */
START_TEST(debug_lines_are_not_a_panic)
{
	if (!can_boot("debug_lines_are_not_a_panic"))
		return;
	char *runner = build_runner();
	if (!runner)
		return;
	struct boot_result r;
	boot("debug lines", runner, "boot /qa/qa-runner\n",
	     "echo 'DEBUG: BUG: this is only a word'; echo '    Oops: indented test output'", 180, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s, status %d:\n%s", boot_verdict_name(r.verdict),
		      r.qemu_status, r.excerpt);
	boot_result_free(&r);
	assert_no_qemu_left();
	free(runner);
}
END_TEST

START_TEST(guest_exit_zero_passes)
{
	if (!can_boot("guest_exit_zero_passes"))
		return;
	char *runner = build_runner();
	if (!runner)
		return;
	struct boot_result r;
	boot("exit 0", runner, "boot /qa/qa-runner\n", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s, status %d:\n%s", boot_verdict_name(r.verdict),
		      r.qemu_status, r.excerpt);
	ck_assert_int_eq(r.qemu_status, 1);
	ck_assert_ptr_nonnull(strstr(r.excerpt, "ok 1 boot"));
	boot_result_free(&r);
	assert_no_qemu_left();
	free(runner);
}
END_TEST

/* The real runner is dynamically linked with libkmod: its libraries must
 * load in the guest from where initramfs_build put them. */
START_TEST(dynamic_runner_with_libkmod_passes)
{
	if (!can_boot("dynamic_runner_with_libkmod_passes"))
		return;
	char *code = xasprintf("#include <libkmod.h>\n%s", exit_prog);
	char *p = strstr(code, "  int fail");
	ck_assert_ptr_nonnull(p);
	/* touch libkmod before anything else so a missing library shows */
	char *with_kmod = xasprintf("%.*s  kmod_unref(kmod_new(NULL, NULL));\n%s", (int)(p - code), code, p);
	char *runner = build_runner_with(with_kmod, "-lkmod", NULL);
	free(code);
	free(with_kmod);
	if (!runner)
		return;
	struct boot_result r;
	boot("dynamic runner", runner, "boot /qa/qa-runner\n", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s, status %d:\n%s", boot_verdict_name(r.verdict),
		      r.qemu_status, r.excerpt);
	boot_result_free(&r);
	free(runner);
}
END_TEST

/* The project's own runner (qa/qa-runner.c, when the tests run from the
 * source tree) with busybox's true and false as the tests. */
START_TEST(real_runner_verdicts)
{
	if (!can_boot("real_runner_verdicts"))
		return;
	size_t len;
	char *code = read_file("qa/qa-runner.c", &len);
	if (!code) {
		tu_skip(TU_SKIP_BOOT, "qa/qa-runner.c not found from %s",
			getenv("PWD") ? getenv("PWD") : ".");
		return;
	}
	char *runner = build_runner_with(code, "-static", NULL);
	free(code);
	if (!runner)
		return;
	struct boot_result r;
	boot("real runner, passing", runner, "truth /bin/true\n", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s, status %d:\n%s", boot_verdict_name(r.verdict),
		      r.qemu_status, r.excerpt);
	boot_result_free(&r);
	boot("real runner, failing", runner, "truth /bin/true\nlie /bin/false\n", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_TESTS_FAILED, "verdict %s, status %d:\n%s",
		      boot_verdict_name(r.verdict), r.qemu_status, r.excerpt);
	ck_assert_msg(strstr(r.excerpt, "not ok"), "excerpt:\n%s", r.excerpt);
	boot_result_free(&r);
	free(runner);
}
END_TEST

/* rbd and its dependencies from a depmod'ed staging root load in the guest
 * with busybox's modprobe. */
START_TEST(modules_load_in_guest)
{
	if (!can_boot("modules_load_in_guest"))
		return;
	if (tk_unavailable() || strcmp(kernel(), tk_vmlinuz()) != 0) {
		tu_skip(TU_SKIP_BOOT, "needs Debian's kernel and modules: %s",
			tk_unavailable() ? tk_unavailable() : "KBUILD_TEST_KERNEL boots another");
		return;
	}
	static const char *const files[] = {
		"kernel/net/ceph/libceph.ko",
		"kernel/drivers/block/rbd.ko",
		"kernel/lib/libcrc32c.ko",
		"kernel/crypto/crc32c_generic.ko",
		"modules.order",
		"modules.builtin",
		"modules.builtin.modinfo",
	};
	char *root = path_join(tmpdir, "stage");
	tk_install_modules(root, files, sizeof(files) / sizeof(files[0]));
	char *runner = build_runner();
	if (!runner)
		return;
	const char *mods[] = {"rbd"};
	struct boot_result r;
	boot_with_modules("modprobe rbd", runner, "boot /qa/qa-runner\n",
			  "modprobe rbd && [ -d /sys/bus/rbd ] && grep -q '^libceph ' /proc/modules "
			  "&& echo kbuild-rbd-loaded",
			  180, root, mods, 1, &r);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s:\n%s", boot_verdict_name(r.verdict), r.excerpt);
	ck_assert_msg(strstr(r.excerpt, "kbuild-rbd-loaded"), "rbd did not load:\n%s", r.excerpt);
	boot_result_free(&r);
	free(runner);
	free(root);
}
END_TEST

START_TEST(guest_exit_one_fails_tests)
{
	if (!can_boot("guest_exit_one_fails_tests"))
		return;
	char *runner = build_runner();
	if (!runner)
		return;
	struct boot_result r;
	boot("exit 1", runner, "fail /qa/qa-runner\n", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_TESTS_FAILED, "verdict %s, status %d:\n%s",
		      boot_verdict_name(r.verdict), r.qemu_status, r.excerpt);
	ck_assert_int_eq(r.qemu_status, 3);
	boot_result_free(&r);
	free(runner);
}
END_TEST

START_TEST(kernel_panic_detected)
{
	if (!can_boot("kernel_panic_detected"))
		return;
	struct boot_result r;
	boot("panic", NULL, "", "echo c > /proc/sysrq-trigger", 180, &r);
	ck_assert_msg(r.verdict == BOOT_PANIC, "verdict %s:\n%s", boot_verdict_name(r.verdict), r.excerpt);
	ck_assert_msg(strstr(r.excerpt, "Kernel panic - not syncing"), "excerpt:\n%s", r.excerpt);
	ck_assert(r.seconds < 180);
	boot_result_free(&r);
	assert_no_qemu_left();
}
END_TEST

START_TEST(init_exit_is_a_panic)
{
	if (!can_boot("init_exit_is_a_panic"))
		return;
	struct boot_result r;
	boot("init exits", NULL, "", "exit 3", 180, &r);
	ck_assert_msg(r.verdict == BOOT_PANIC, "verdict %s:\n%s", boot_verdict_name(r.verdict), r.excerpt);
	ck_assert_msg(strstr(r.excerpt, "Attempted to kill init"), "excerpt:\n%s", r.excerpt);
	boot_result_free(&r);
}
END_TEST

START_TEST(hung_guest_times_out)
{
	if (!can_boot("hung_guest_times_out"))
		return;
	struct boot_result r;
	boot("hang", NULL, "", "echo kbuild-test-hang; while :; do sleep 1000; done", 20, &r);
	ck_assert_msg(r.verdict == BOOT_TIMEOUT, "verdict %s:\n%s", boot_verdict_name(r.verdict), r.excerpt);
	ck_assert(r.seconds >= 20 && r.seconds < 30);
	ck_assert_msg(strstr(r.excerpt, "kbuild-test-hang"), "tail:\n%s", r.excerpt);
	boot_result_free(&r);
	assert_no_qemu_left();
}
END_TEST

START_TEST(poweroff_without_results_is_no_report)
{
	if (!can_boot("poweroff_without_results_is_no_report"))
		return;
	struct boot_result r;
	boot("no runner", NULL, "", NULL, 180, &r);
	ck_assert_msg(r.verdict == BOOT_NO_REPORT, "verdict %s, status %d:\n%s", boot_verdict_name(r.verdict),
		      r.qemu_status, r.excerpt);
	ck_assert_msg(strstr(r.excerpt, "cannot run /qa/qa-runner"), "tail:\n%s", r.excerpt);
	boot_result_free(&r);
}
END_TEST

/* QEMU refuses a kernel that is not one: it exits 1 like a passing guest. */
START_TEST(qemu_error_is_not_a_pass)
{
	if (!tu_in_path("qemu-system-x86_64")) { /* no kernel needed */
		tu_skip(TU_SKIP_BOOT, "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)");
		return;
	}
	char *fake = path_join(tmpdir, "not-a-kernel"), *serial = path_join(tmpdir, "s.log");
	ck_assert_int_eq(write_file_atomic(fake, "nothing\n", 8), 0);
	struct qemu_opts o = {.kernel = fake, .timeout_s = 60, .serial_log = serial, .accel = ACCEL_TCG};
	struct boot_result r;
	ck_assert_int_eq(qemu_boot(&o, &r), 0);
	ck_assert_msg(r.verdict == BOOT_ERROR, "verdict %s, status %d", boot_verdict_name(r.verdict),
		      r.qemu_status);
	ck_assert_msg(strstr(r.excerpt, "qemu"), "QEMU's message expected: %s", r.excerpt);
	boot_result_free(&r);
	struct qemu_opts missing = o;
	missing.kernel = "/nonexistent/bzImage";
	ck_assert_int_eq(qemu_boot(&missing, &r), -1);
	ck_assert_msg(strstr(kb_last_error(), "/nonexistent/bzImage"), "%s", kb_last_error());
	free(fake);
	free(serial);
}
END_TEST

/* An oops does not stop the guest: the watcher must, after a short grace,
 * killing the whole process group. A stand-in "QEMU" (first in PATH) writes
 * an oops to the serial log and waits on a child that must die with it. */
static const char fake_qemu[] =
	"#!/bin/sh\n"
	"for a in \"$@\"; do case \"$a\" in file,id=serial0,path=*) log=${a#*path=};; esac; done\n"
	"printf 'booting\\nBUG: kernel NULL pointer dereference, address: 0000000000000000\\n"
	"Oops: 0002 [#1] PREEMPT SMP NOPTI\\nCall Trace:\\n <TASK>\\n' > \"$log\"\n"
	"sleep 600 &\necho $! > \"$log.child\"\nwait\n";

static bool process_gone(const char *pid)
{
	char *p = xasprintf("/proc/%s/stat", pid);
	char *st = read_file(p, NULL);
	free(p);
	bool gone = !st || strstr(st, ") Z ") != NULL;
	free(st);
	return gone;
}

START_TEST(oops_without_panic_detected)
{
	char *bindir = path_join(tmpdir, "bin"), *fake = path_join(bindir, "qemu-system-x86_64");
	char *kernel = path_join(tmpdir, "bzImage"), *serial = path_join(tmpdir, "serial.log");
	ck_assert_int_eq(mkdir_p(bindir, 0755), 0);
	ck_assert_int_eq(write_file_atomic(fake, fake_qemu, strlen(fake_qemu)), 0);
	ck_assert_int_eq(chmod(fake, 0755), 0);
	ck_assert_int_eq(write_file_atomic(kernel, "x", 1), 0);
	char *old_path = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char *new_path = xasprintf("%s:%s", bindir, old_path);
	setenv("PATH", new_path, 1);
	struct qemu_opts o = {.kernel = kernel, .timeout_s = 60, .serial_log = serial, .accel = ACCEL_TCG};
	struct boot_result r;
	int rc = qemu_boot(&o, &r);
	setenv("PATH", old_path, 1);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(r.verdict == BOOT_PANIC, "verdict %s", boot_verdict_name(r.verdict));
	ck_assert_msg(r.seconds < 10, "took %.1f s", r.seconds);
	ck_assert_msg(strstr(r.excerpt, "BUG: kernel NULL pointer") && strstr(r.excerpt, "Call Trace"),
		      "excerpt:\n%s", r.excerpt);
	char *child_file = xasprintf("%s.child", serial);
	char *child = read_file(child_file, NULL);
	ck_assert_ptr_nonnull(child);
	child[strcspn(child, "\n")] = '\0';
	double until = now_seconds() + 3;
	while (!process_gone(child) && now_seconds() < until)
		usleep(100000);
	ck_assert_msg(process_gone(child), "a child of QEMU (pid %s) survived", child);
	boot_result_free(&r);
	free(child);
	free(child_file);
	free(old_path);
	free(new_path);
	free(bindir);
	free(fake);
	free(kernel);
	free(serial);
}
END_TEST

/* kbuild killed outright (SIGKILL, no cleanup) must not leave QEMU running. */
START_TEST(qemu_dies_with_its_parent)
{
	if (!can_boot("qemu_dies_with_its_parent"))
		return;
	char *initrd = path_join(tmpdir, "initramfs.cpio.gz");
	char *serial = path_join(tmpdir, "serial.log");
	struct initramfs_spec s = {.busybox = BUSYBOX, .init_extra = "while :; do sleep 1000; done"};
	ck_assert_msg(initramfs_build(&s, initrd, NULL) == 0, "%s", kb_last_error());
	fflush(NULL);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct qemu_opts o = {.kernel = kernel(),
				      .initrd = initrd,
				      .mem_mb = 256,
				      .timeout_s = 120,
				      .serial_log = serial,
				      .accel = ACCEL_AUTO};
		struct boot_result r;
		qemu_boot(&o, &r);
		_exit(0);
	}
	sleep(3);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	usleep(500 * 1000);
	assert_no_qemu_left();
	free(initrd);
	free(serial);
}
END_TEST

/* Under auto, a KVM that cannot run the guest costs one grace period, then
 * TCG runs it. The host facts are injected as a real-KVM host; where this
 * machine's KVM really runs guests, KVM is kept and the boot passes on it. */
START_TEST(auto_falls_back_from_unfit_kvm)
{
	if (!can_boot("auto_falls_back_from_unfit_kvm"))
		return;
	char *runner = build_runner();
	if (!runner)
		return;
	struct accel_facts host;
	accel_facts_read("/", &host);
	struct accel_choice real;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &host, &real), 0);

	char *root = tu_tmpdir("fake-kvm-host");
	tu_write(root, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vmx\n");
	tu_write(root, "sys/module/kvm_intel/refcnt", "0\n");
	tu_write(root, "dev/kvm", "");
	setenv("KBUILD_ACCEL_ROOT", root, 1);

	char *initrd = path_join(tmpdir, "initramfs.cpio.gz");
	char *serial = path_join(tmpdir, "serial.log");
	const char *bins[] = {runner};
	struct initramfs_spec s = {.busybox = BUSYBOX,
				   .qa_bins = bins,
				   .n_qa_bins = 1,
				   .plan = "boot /qa/qa-runner\n"};
	ck_assert_msg(initramfs_build(&s, initrd, NULL) == 0, "%s", kb_last_error());
	FILE *log = tmpfile();
	struct qemu_opts o = {.kernel = kernel(),
			      .initrd = initrd,
			      .mem_mb = 256,
			      .timeout_s = 180,
			      .serial_log = serial,
			      .accel = ACCEL_AUTO,
			      .kvm_grace_s = 5,
			      .log = log};
	struct boot_result r;
	ck_assert_msg(qemu_boot(&o, &r) == 0, "%s", kb_last_error());
	unsetenv("KBUILD_ACCEL_ROOT");
	fprintf(stderr, "boot fallback: verdict %s, %s (%s), %.2f s\n", boot_verdict_name(r.verdict),
		r.accel.kvm ? "kvm" : "tcg", r.accel.why, r.seconds);
	ck_assert_msg(r.verdict == BOOT_PASSED, "verdict %s:\n%s", boot_verdict_name(r.verdict), r.excerpt);
	/* KVM either ran it (a host where it can) or was given up for TCG */
	ck_assert(r.accel.kvm != r.fell_back);
	if (!real.kvm)
		ck_assert_msg(r.fell_back && strstr(r.accel.why, "fell back"), "%s", r.accel.why);

	/* accel=kvm on the same facts: no fallback, the verdict names the remedy */
	if (!real.kvm && host.kvm_dev_opens) {
		o.accel = ACCEL_KVM;
		boot_result_free(&r);
		ck_assert_int_eq(qemu_boot(&o, &r), 0);
		ck_assert_int_eq(r.verdict, BOOT_KVM_SILENT);
		ck_assert_msg(strstr(r.excerpt, "accel=tcg"), "%s", r.excerpt);
	}
	fclose(log);
	boot_result_free(&r);
	assert_no_qemu_left();
	free(initrd);
	free(serial);
	free(root);
	free(runner);
}
END_TEST

Suite *qemu_suite(void)
{
	Suite *s = suite_create("qemu");
	TCase *tc = tcase_create("boot");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, qemu_error_is_not_a_pass);
	tcase_add_test(tc, oops_without_panic_detected);
	tcase_add_test(tc, debug_lines_are_not_a_panic);
	tcase_add_test(tc, qemu_dies_with_its_parent);
	tcase_add_test(tc, guest_exit_zero_passes);
	tcase_add_test(tc, auto_falls_back_from_unfit_kvm);
	tcase_add_test(tc, guest_exit_one_fails_tests);
	tcase_add_test(tc, dynamic_runner_with_libkmod_passes);
	tcase_add_test(tc, real_runner_verdicts);
	tcase_add_test(tc, modules_load_in_guest);
	tcase_add_test(tc, kernel_panic_detected);
	tcase_add_test(tc, init_exit_is_a_panic);
	tcase_add_test(tc, hung_guest_times_out);
	tcase_add_test(tc, poweroff_without_results_is_no_report);
	suite_add_tcase(s, tc);
	return s;
}
