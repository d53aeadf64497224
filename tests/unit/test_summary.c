/* The end-of-run summary: its lines for a pass, a failed self-test and a
 * build failure, with colour (a terminal) and without (a pipe, NO_COLOR). */
#include "suites.h"
#include "report/summary.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char pass_doc[] =
	"{\"format\":\"kbuild-record\",\"version\":2,\"profile\":\"debian-6.1-ceph\",\"status\":\"pass\","
	"\"outdir\":\"/srv/out/61\",\"exit_code\":0,\"kernel_release\":\"6.1.192\","
	"\"stages\":{\"fetch\":{\"status\":\"skip\",\"duration\":0.5},\"build\":{\"status\":\"pass\",\"duration\":250.0},"
	"\"qa\":{\"status\":\"pass\",\"duration\":60.0},\"bundle\":{\"status\":\"pass\",\"duration\":2.0}},"
	"\"boot\":{\"verdict\":\"passed\",\"accel\":\"tcg\"},"
	"\"tests\":{\"modules\":{\"status\":\"pass\"},\"modules.rbd_loads\":{\"status\":\"pass\"},"
	"\"tcp_timewait\":{\"status\":\"pass\"},\"backlog\":{\"status\":\"pass\"}},"
	"\"artifacts\":[{\"path\":\"/srv/out/61/results.json\",\"size\":100,\"sha256\":\"x\"},"
	"{\"path\":\"/srv/out/61/bundle/kernel-kbuild-6.1.192-1.x86_64.rpm\",\"size\":29360128,\"sha256\":\"x\"},"
	"{\"path\":\"/srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.tar.xz\",\"size\":28521267,\"sha256\":\"x\"},"
	"{\"path\":\"/srv/out/61/bundle/linux-image-6.1.192-kbuild_6.1.192-1_amd64.deb\",\"size\":28000000,\"sha256\":\"x\"},"
	"{\"path\":\"/srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.spdx.json\",\"size\":51200,\"sha256\":\"x\"},"
	"{\"path\":\"/srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.intoto.json\",\"size\":3000,\"sha256\":\"x\"}],"
	"\"failure\":null}";

static const char qa_fail_doc[] =
	"{\"format\":\"kbuild-record\",\"version\":2,\"profile\":\"ceph\",\"status\":\"fail\",\"outdir\":\"/srv/out/ceph\","
	"\"exit_code\":1,\"kernel_release\":\"2.6.39.4\","
	"\"stages\":{\"build\":{\"status\":\"skip\",\"duration\":11.0},\"qa\":{\"status\":\"fail\",\"duration\":14.0}},"
	"\"boot\":{\"verdict\":\"tests-failed\",\"accel\":\"kvm\"},"
	"\"tests\":{\"modules\":{\"status\":\"pass\"},\"tcp_timewait\":{\"status\":\"fail\"},"
	"\"sysctl\":{\"status\":\"missing\"}},"
	"\"failure\":{\"stage\":\"qa\",\"log_tail\":\"ok 1 modules\\nnot ok 2 tcp_timewait\\n"
	"kbuild: qa failed: 2 of 3 self-tests failed (tcp_timewait, sysctl)\\n\"}}";

static const char build_fail_doc[] =
	"{\"format\":\"kbuild-record\",\"version\":2,\"profile\":\"ceph\",\"status\":\"fail\",\"outdir\":\"/srv/out/ceph\","
	"\"exit_code\":1,\"stages\":{\"config\":{\"status\":\"pass\",\"duration\":3.0},"
	"\"build\":{\"status\":\"fail\",\"duration\":42.0}},"
	"\"failure\":{\"stage\":\"build\",\"log_tail\":\"fs/a.c:3:1: error: expected ';'\\nmake: *** [fs] Error 1\\n"
	"kbuild: build failed: make failed (exit 2); see the log\\n\"}}";

static char *summary_of(const char *doc_text, bool color)
{
	json_error_t err;
	json_t *doc = json_loads(doc_text, 0, &err);
	ck_assert_msg(doc, "%s", err.text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_summary(f, doc, "/srv/out/x/report.html", color);
	fclose(f);
	json_decref(doc);
	fprintf(stderr, "%s", buf);
	return buf;
}

START_TEST(summary_pass)
{
	char *s = summary_of(pass_doc, false);
	ck_assert_str_eq(
		s,
		"PASS  kernel 6.1.192, 3/3 self-tests passed, accelerator tcg (debian-6.1-ceph, 5 min 13 s)\n"
		"  bundle     /srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.tar.xz              27 MiB\n"
		"  rpm        /srv/out/61/bundle/kernel-kbuild-6.1.192-1.x86_64.rpm                 28 MiB\n"
		"  deb        /srv/out/61/bundle/linux-image-6.1.192-kbuild_6.1.192-1_amd64.deb     27 MiB\n"
		"  sbom       /srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.spdx.json           50 KiB\n"
		"  provenance /srv/out/61/bundle/kbuild-debian-6.1-ceph-6.1.192.intoto.json        2.9 KiB\n"
		"  report     /srv/out/x/report.html\n");
	ck_assert_ptr_null(strchr(s, '\033'));
	free(s);
}
END_TEST

START_TEST(summary_failed_selftest)
{
	char *s = summary_of(qa_fail_doc, false);
	ck_assert_str_eq(
		s,
		"FAIL  kernel 2.6.39.4, 1/3 self-tests passed (failed: tcp_timewait, sysctl), accelerator kvm "
		"(ceph, 25 s)\n"
		"  reason     2 of 3 self-tests failed (tcp_timewait, sysctl)\n"
		"  log        /srv/out/ceph/logs/qa.log\n"
		"  report     /srv/out/x/report.html\n");
	free(s);
}
END_TEST

START_TEST(summary_build_failure)
{
	char *s = summary_of(build_fail_doc, false);
	ck_assert_str_eq(s, "FAIL  build failed (ceph, 45 s)\n"
			    "  reason     make failed (exit 2); see the log\n"
			    "  log        /srv/out/ceph/logs/build.log\n"
			    "  report     /srv/out/x/report.html\n");
	free(s);
}
END_TEST

/* On a terminal the verdict is coloured (and only it and the labels); the
 * words are the same once the escapes are taken out. */
START_TEST(summary_colour)
{
	const char *const docs[] = {pass_doc, qa_fail_doc, build_fail_doc};
	for (size_t i = 0; i < 3; i++) {
		char *plain = summary_of(docs[i], false), *col = summary_of(docs[i], true);
		ck_assert_ptr_nonnull(
			strstr(col, i == 0 ? "\033[1;32mPASS\033[0m" : "\033[1;31mFAIL\033[0m"));
		char *w = col;
		for (char *r = col; *r;) {
			if (*r == '\033') {
				r = strchr(r, 'm') + 1;
				continue;
			}
			*w++ = *r++;
		}
		*w = '\0';
		ck_assert_str_eq(col, plain);
		free(plain);
		free(col);
	}
}
END_TEST

/* Colour only on a terminal, and never with NO_COLOR set. */
START_TEST(colour_only_on_a_terminal)
{
	FILE *pipe_end = tmpfile();
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	ck_assert(!report_use_color(pipe_end));
	fclose(pipe_end);
	FILE *tty = fopen("/dev/tty", "w");
	if (!tty) {
		int master = posix_openpt(O_RDWR | O_NOCTTY);
		ck_assert_int_ge(master, 0);
		ck_assert_int_eq(grantpt(master), 0);
		ck_assert_int_eq(unlockpt(master), 0);
		tty = fopen(ptsname(master), "w");
	}
	ck_assert_ptr_nonnull(tty);
	ck_assert(report_use_color(tty));
	setenv("NO_COLOR", "1", 1);
	ck_assert(!report_use_color(tty));
	unsetenv("NO_COLOR");
	fclose(tty);
}
END_TEST

/* What kbuild prints on a pipe: the summary after the stage lines, no escape. */
START_TEST(summary_from_kbuild_on_a_pipe)
{
	char *dir = tu_tmpdir("summary-run");
	tu_write(dir, "configs/profiles/s.ini",
		 "[source]\nversion = 1.0\nsource = /nonexistent.tar.xz\n"
		 "sha256 = 63c89dd833a67d21f4a0002b92826e3a5380153097d9ec29d62a884ca5310105\n"
		 "[config]\nbase = tinyconfig\n");
	char *o = xasprintf("O=%s/out", dir), *home = xasprintf("KBUILD_HOME=%s", dir);
	const char *args[] = {"fetch", "profile=s", o};
	char *env[] = {home, "NO_COLOR=", NULL};
	char *out = NULL;
	int st = tu_kbuild("summary", args, 3, env, &out);
	ck_assert_int_ne(st, 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(strchr(out, '\033'));
	ck_assert_ptr_nonnull(strstr(out, "\nFAIL  fetch failed (s, "));
	ck_assert_ptr_nonnull(strstr(out, "\n  reason     "));
	ck_assert_ptr_nonnull(strstr(out, "/logs/fetch.log\n"));
	ck_assert_ptr_nonnull(strstr(out, "/report.html\n"));
	free(out);
	free(o);
	free(home);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* A matrix: one verdict line per row, labels aligned, a failed row's reason. */
START_TEST(summary_matrix)
{
	json_error_t err;
	json_t *a = json_loads(pass_doc, 0, &err), *b = json_loads(build_fail_doc, 0, &err);
	const char *labels[] = {"debian-6.1-ceph", "ceph", "gone"};
	const json_t *docs[] = {a, b, NULL};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_summary_matrix(f, labels, docs, 3, "/srv/m/report.html", false);
	fclose(f);
	fprintf(stderr, "%s", buf);
	ck_assert_str_eq(
		buf,
		"PASS  debian-6.1-ceph: kernel 6.1.192, 3/3 self-tests passed, accelerator tcg "
		"(debian-6.1-ceph, 5 min 13 s)\n"
		"FAIL  ceph:            build failed (ceph, 45 s)\n"
		"                       make failed (exit 2); see the log; log /srv/out/ceph/logs/build.log\n"
		"FAIL  gone:            no record (see its log)\n"
		"  report     /srv/m/report.html\n");
	free(buf);
	json_decref(a);
	json_decref(b);
}
END_TEST

Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("lines");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, summary_pass);
	tcase_add_test(tc, summary_failed_selftest);
	tcase_add_test(tc, summary_build_failure);
	tcase_add_test(tc, summary_colour);
	tcase_add_test(tc, summary_matrix);
	tcase_add_test(tc, colour_only_on_a_terminal);
	tcase_add_test(tc, summary_from_kbuild_on_a_pipe);
	suite_add_tcase(s, tc);
	return s;
}
