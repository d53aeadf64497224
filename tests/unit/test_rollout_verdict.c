/* The rollout's verdicts over recorded and synthetic consoles
 * (rollout/verdict.h), the unhealthy fault's initramfs (rollout/inject.h),
 * and the QMP client against a scripted QMP server (guest/qmp.h). The
 * end-to-end rollout is tests/e2e/test_rollout.c. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest/qmp.h"
#include "lib/outfile.h"
#include "lib/util.h"
#include "rollout/console.h"
#include "rollout/inject.h"
#include "rollout/verdict.h"
#include "rollout/watch.h"
#include "suites.h"
#include "testutil.h"

static const struct host_kernel new61 = {"kbuild-6.1.192", "6.1.192"};
static const struct host_kernel old61 = {"old-6.1.0-57-amd64", "6.1.0-57-amd64"};

static size_t parse_data(const char *name, struct fleet_boot **b)
{
	char *p = tu_data_path(name);
	char *log = read_file(p, NULL);
	ck_assert_msg(log != NULL, "%s missing", p);
	size_t n = fleet_console_parse(log, b);
	free(log);
	free(p);
	return n;
}

/* Recorded: the new kernel panics, the host comes back on the old one. */
START_TEST(verdict_recorded_panic)
{
	struct fleet_boot *b;
	size_t n = parse_data("rollout_console/serial-rollback.log", &b);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_PANIC);
	/* a reset during a panicked boot is still a panic */
	ck_assert_int_eq(rollout_trial(&b[0], &new61, true), TRIAL_PANIC);
	ck_assert(rollout_came_up(&b[1], &old61));
	ck_assert(!rollout_came_up(&b[1], &new61));
	enum rollout_verdict v = rollout_fallback_verdict(TRIAL_PANIC, rollout_came_up(&b[1], &old61));
	ck_assert_int_eq(v, VERDICT_ROLLED_BACK_PANIC);
	ck_assert_str_eq(rollout_verdict_names[v], "rolled back (panic)");
	ck_assert_int_eq(rollout_verdict_exit[v], 4);
	ck_assert_ptr_nonnull(strstr(b[0].excerpt, "Kernel panic - not syncing"));
	fleet_boots_free(b, n);
}
END_TEST

/* Recorded: rollout.inject=hang (a shell as init, reset at the deadline),
 * then the old kernel; and rollout.inject=unhealthy (one failing self-test). */
START_TEST(verdict_recorded_hang_unhealthy)
{
	struct fleet_boot *b;
	size_t n = parse_data("rollout_console/serial-hang.log", &b);
	ck_assert_uint_eq(n, 2);
	ck_assert(!b[0].userspace && !b[0].panicked);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, true), TRIAL_HANG);
	/* without kbuild's reset the same console would read as a crash */
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_PANIC);
	ck_assert_int_eq(rollout_fallback_verdict(TRIAL_HANG, rollout_came_up(&b[1], &old61)),
			 VERDICT_ROLLED_BACK_HANG);
	fleet_boots_free(b, n);
	n = parse_data("rollout_console/serial-unhealthy.log", &b);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_UNHEALTHY);
	ck_assert_uint_eq(b[0].failed, 1);
	ck_assert_ptr_nonnull(strstr(b[0].excerpt, "rollout-injected-failure"));
	fleet_boots_free(b, n);
}
END_TEST

#define NEW_BOOT \
	FLEET_ENTRY_MARK "kbuild-6.1.192\r\n[    0.000000] Linux version 6.1.192 (kbuild@kbuild) #1\r\n"
#define OLD_BOOT                                                                                             \
	FLEET_ENTRY_MARK "old-6.1.0-57-amd64\r\n[    0.000000] Linux version 6.1.0-57-amd64 (debian) #1\r\n" \
			 "KTAP version 1\r\n1..2\r\nok 1 boot\r\nnot ok 2 tcp_timewait\r\n"

START_TEST(verdict_hang_unhealthy_healthy)
{
	struct fleet_boot *b;
	/* hang: a shell as init, no KTAP; kbuild reset it at the deadline */
	size_t n = fleet_console_parse(NEW_BOOT
				       "/bin/sh: can't access tty; job control turned off\r\n~ # " OLD_BOOT,
				       &b);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, true), TRIAL_HANG);
	ck_assert_int_eq(rollout_fallback_verdict(TRIAL_HANG, rollout_came_up(&b[1], &old61)),
			 VERDICT_ROLLED_BACK_HANG);
	ck_assert_ptr_nonnull(strstr(b[0].excerpt, "job control turned off"));
	fleet_boots_free(b, n);

	/* unhealthy: user space, one self-test failed; the excerpt names it */
	n = fleet_console_parse(NEW_BOOT "KTAP version 1\r\n1..3\r\nok 1 boot\r\nok 2 modules\r\n"
					 "not ok 3 rollout-injected-failure\r\n# totals: pass:2 fail:1\r\n",
				&b);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_UNHEALTHY);
	ck_assert_str_eq(b[0].excerpt, "not ok 3 rollout-injected-failure\n");
	/* the old kernel did not come back: the worst verdict */
	ck_assert_int_eq(rollout_fallback_verdict(TRIAL_UNHEALTHY, false), VERDICT_HOST_LOST);
	ck_assert_int_eq(rollout_verdict_exit[VERDICT_HOST_LOST], 7);
	fleet_boots_free(b, n);

	/* healthy */
	n = fleet_console_parse(NEW_BOOT "KTAP version 1\r\n1..1\r\nok 1 boot\r\n", &b);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_HEALTHY);
	ck_assert(rollout_came_up(&b[0], &new61));
	fleet_boots_free(b, n);

	/* a reboot before user space without a panic line counts as a crash */
	n = fleet_console_parse(NEW_BOOT "[    0.500000] x86: triple fault\r\n" OLD_BOOT, &b);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_PANIC);
	fleet_boots_free(b, n);

	/* the boot loader started the old kernel instead: nothing was tried */
	n = fleet_console_parse(OLD_BOOT, &b);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_WRONG_ENTRY);
	ck_assert_int_eq(rollout_fallback_verdict(TRIAL_WRONG_ENTRY, true), VERDICT_ERROR);
	fleet_boots_free(b, n);
	ck_assert_int_eq(rollout_trial(NULL, &new61, false), TRIAL_WRONG_ENTRY);
	/* the right entry with another kernel in it */
	n = fleet_console_parse(FLEET_ENTRY_MARK "kbuild-6.1.192\r\nLinux version 6.1.191 (x) #1\r\n", &b);
	ck_assert_int_eq(rollout_trial(&b[0], &new61, false), TRIAL_WRONG_ENTRY);
	fleet_boots_free(b, n);
}
END_TEST

/* The watchdog with a clock: the deadline counts from each boot's start, a
 * reset restarts it, the spent resets stop the run, and so does a boot the
 * verdict does not need. */
START_TEST(watch_deadline_reset_stop)
{
	struct boot_watch w;
	boot_watch_init(&w, 30, 2, 1, 100.0);
	ck_assert_int_eq(boot_watch_look(&w, 0, 110, NULL), WATCH_GO_ON); /* firmware */
	ck_assert_int_eq(boot_watch_look(&w, 1, 115, NULL), WATCH_GO_ON); /* the trial boot begins */
	ck_assert_int_eq(boot_watch_look(&w, 1, 145, NULL), WATCH_GO_ON); /* 30 s: not yet over */
	ck_assert_int_eq(boot_watch_look(&w, 1, 145.5, NULL), WATCH_RESET);
	ck_assert_int_eq(w.reset_boot, 0);
	ck_assert_int_eq(boot_watch_look(&w, 1, 170, NULL), WATCH_GO_ON);  /* 24.5 s since the reset */
	ck_assert_int_eq(boot_watch_look(&w, 2, 172, NULL), WATCH_GO_ON);  /* the fallback begins */
	ck_assert_int_eq(boot_watch_look(&w, 2, 202.5, NULL), WATCH_STOP); /* overdue, no reset left */
	ck_assert_int_eq(w.reset_boot, 0);
	ck_assert_double_eq_tol(boot_watch_seconds(&w, 0, 2, 203), 57, 1e-9);
	ck_assert_double_eq_tol(boot_watch_seconds(&w, 1, 2, 203), 31, 1e-9);
	/* a boot seen only in the final console: no time of its own */
	ck_assert_double_eq_tol(boot_watch_seconds(&w, 2, 3, 203), 0, 1e-9);
	ck_assert_int_eq(boot_watch_look(&w, 3, 203, NULL), WATCH_STOP); /* past max_boots */
	boot_watch_free(&w);

	/* a panic loop on a one-boot run: the second boot stops it at once */
	boot_watch_init(&w, 300, 1, 0, 0);
	ck_assert_int_eq(boot_watch_look(&w, 1, 1, NULL), WATCH_GO_ON);
	ck_assert_int_eq(boot_watch_look(&w, 2, 5, NULL), WATCH_STOP);
	ck_assert_int_eq(w.reset_boot, -1);
	boot_watch_free(&w);
}
END_TEST

/* Every verdict its own exit code and name. */
START_TEST(verdict_codes_distinct)
{
	for (int i = VERDICT_BLESSED; i <= VERDICT_HOST_LOST; i++)
		for (int j = i + 1; j <= VERDICT_HOST_LOST; j++) {
			ck_assert_int_ne(rollout_verdict_exit[i], rollout_verdict_exit[j]);
			ck_assert_str_ne(rollout_verdict_names[i], rollout_verdict_names[j]);
		}
	ck_assert_int_eq(rollout_verdict_exit[VERDICT_BLESSED], 0);
	ck_assert_int_eq(rollout_verdict_exit[VERDICT_ERROR], 1);
}
END_TEST

/* The unhealthy initramfs: the original bytes, then a gzip'd cpio whose
 * init-extra adds a failing plan line. */
START_TEST(inject_unhealthy_appends_cpio)
{
	char *dir = tu_tmpdir("inject");
	tu_write(dir, "initrd", "ORIGINAL");
	char *src = path_join(dir, "initrd"), *dest = path_join(dir, "out.img");
	ck_assert_int_eq(inject_unhealthy_initrd(src, dest, dir), 0);
	size_t len;
	char *all = read_file(dest, &len);
	ck_assert_ptr_nonnull(all);
	ck_assert(len > 8 && !memcmp(all, "ORIGINAL", 8));
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_cpio(a);
	ck_assert_int_eq(archive_read_open_memory(a, all + 8, len - 8), ARCHIVE_OK);
	struct archive_entry *e;
	bool found = false;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), "etc/kbuild/init-extra"))
			continue;
		char body[512] = {0};
		ck_assert(archive_read_data(a, body, sizeof(body) - 1) > 0);
		ck_assert_ptr_nonnull(strstr(body, "rollout-injected-failure /bin/sh -c false' >> /qa/plan"));
		found = true;
	}
	ck_assert(found);
	archive_read_free(a);
	ck_assert_str_eq(inject_cmdline(INJECT_NONE), "");
	ck_assert_str_eq(inject_cmdline(INJECT_HANG), "rdinit=/bin/sh");
	/* negative: a missing initramfs is named */
	ck_assert_int_eq(inject_unhealthy_initrd("/nonexistent/initrd", dest, dir), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "/nonexistent/initrd"));
	free(all);
	free(src);
	free(dest);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* A scripted QMP server: greeting, capabilities, then an event before the
 * answer to the command (or an error). */
struct fake_qmp {
	int listen_fd;
	bool refuse;
	char got[512];
};

static void *serve(void *arg)
{
	struct fake_qmp *f = arg;
	int c = accept(f->listen_fd, NULL, NULL);
	if (c < 0)
		return NULL;
	const char *greet = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";
	ck_assert(write(c, greet, strlen(greet)) > 0);
	size_t len = 0;
	int answered = 0;
	while (answered < 2 && len < sizeof(f->got) - 1) {
		ssize_t n = read(c, f->got + len, sizeof(f->got) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		f->got[len] = '\0';
		int lines = 0;
		for (char *p = f->got; (p = strchr(p, '\n')); p++)
			lines++;
		for (; answered < lines; answered++) {
			const char *reply =
				answered == 0 ? "{\"return\": {}}\r\n"
				: f->refuse
					? "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}\r\n"
					: "{\"event\": \"RESET\"}\r\n{\"return\": {}}\r\n";
			ck_assert(write(c, reply, strlen(reply)) > 0);
		}
	}
	close(c);
	return NULL;
}

static void qmp_round(bool refuse)
{
	char *dir = tu_tmpdir("qmp");
	char *path = path_join(dir, "q.sock");
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	struct fake_qmp f = {.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0), .refuse = refuse};
	ck_assert_int_eq(bind(f.listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(f.listen_fd, 1), 0);
	pthread_t t;
	pthread_create(&t, NULL, serve, &f);
	int rc = qmp_command(path, "system_reset", 5.0);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(
		strstr(f.got, "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"system_reset\"}\n"));
	if (refuse) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(strstr(kb_last_error(), "system_reset: no"));
	} else {
		ck_assert_int_eq(rc, 0);
	}
	close(f.listen_fd);
	rm_rf(dir);
	free(path);
	free(dir);
}

START_TEST(qmp_reset_and_refusal)
{
	qmp_round(false);
	qmp_round(true);
	/* nobody listening: named */
	ck_assert_int_eq(qmp_command("/nonexistent/qmp.sock", "system_reset", 1.0), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "/nonexistent/qmp.sock"));
}
END_TEST

Suite *rollout_verdict_suite(void)
{
	Suite *s = suite_create("rollout_verdict");
	TCase *tc = tcase_create("verdict");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, verdict_recorded_panic);
	tcase_add_test(tc, verdict_recorded_hang_unhealthy);
	tcase_add_test(tc, verdict_hang_unhealthy_healthy);
	tcase_add_test(tc, verdict_codes_distinct);
	tcase_add_test(tc, watch_deadline_reset_stop);
	tcase_add_test(tc, inject_unhealthy_appends_cpio);
	tcase_add_test(tc, qmp_reset_and_refusal);
	suite_add_tcase(s, tc);
	return s;
}
