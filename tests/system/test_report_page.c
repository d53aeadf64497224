/* report.html opened in headless Chromium (Debian's chromium): no console
 * message at all (the page's Content-Security-Policy turns any attempt to
 * load something into one, and a control page proves such messages are
 * caught), and the DOM after loading holds the stage timeline, the
 * self-test table and the trend plots with the run's numbers. Pages: one
 * run, ten runs in history, a failed run, a matrix. Each page's screenshot
 * is kept as a CI artifact in build/report-screenshots/. */
#include "suites.h"
#include "guest/results.h"
#include "report/html.h"
#include "lib/json.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static const char results_json[] =
	"{\"reported\": true, \"exit_code\": %d, \"tests\": ["
	"{\"name\": \"modules\", \"status\": \"pass\", \"duration\": 0.84, \"log\": \"# rbd: loaded with libceph\\n\", "
	"\"subtests\": [{\"name\": \"rbd loads\", \"status\": \"pass\", \"duration\": 0.2, \"log\": \"\", \"subtests\": []}]},"
	"{\"name\": \"tcp_timewait\", \"status\": \"%s\", \"duration\": 7.31, \"log\": \"# net.ipv4.tcp_tw_timeout=2: "
	"TIME_WAIT lasted %s s (bounds 1.50..3.75 s, state from inet_diag netlink)\\n# net.ipv4.tcp_tw_timeout=4: TIME_WAIT "
	"lasted 4.06 s (bounds 3.25..6.00 s, state from inet_diag netlink)\\n\", \"subtests\": []},"
	"{\"name\": \"fin_timeout\", \"status\": \"pass\", \"duration\": 2.9, \"log\": \"# net.ipv4.tcp_fin_timeout=2: "
	"FIN-WAIT-2 lasted 2.04 s (bounds 1.50..3.75 s)\\n\", \"subtests\": []},"
	"{\"name\": \"keepalive\", \"status\": \"pass\", \"duration\": 3.4, \"log\": \"# peer dropping every segment: "
	"Connection timed out after 3.02 s (expected 3 s = 1 + 1 x 2, bounds 2.75..4.88 s)\\n\", \"subtests\": []},"
	"{\"name\": \"backlog\", \"status\": \"pass\", \"duration\": 0.5, \"log\": \"# listener maximum backlog "
	"(inet_diag idiag_wqueue): 16\\n# 20 clients connected without accept(): 18 established on the client side, "
	"17 in the accept queue (somaxconn 16, listen asked 1000)\\n\", \"subtests\": []}]}\n";

/* A run document as kbuild writes it, with its numbers from seed. */
static json_t *run_doc(const char *outdir, int seed, bool failed_test, bool failed_build, const char *profile)
{
	char *fin = xasprintf("2026-11-%02dT02:%02d:00Z", 1 + seed % 28, seed % 60);
	double build = 200 + 7 * seed, boot = 12.5 + 0.1 * seed;
	json_t *d = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:{s:s,s:s,s:s,s:s},s:s}", "format",
			      "kbuild-record", "version", 2, "profile", profile, "status",
			      failed_test || failed_build ? "fail" : "pass", "outdir", outdir, "arch",
			      "x86_64", "started", "2026-11-01T02:00:00Z", "finished", fin, "reproducer",
			      "kbuild make profile=test", "exit_code", failed_test || failed_build ? 1 : 0,
			      "source", "version", "6.1", "kind", "tarball", "origin",
			      "debian:linux-source-6.1=6.1.192-3", "sha256",
			      "cacdc3830989309d042083be3307969e55600ed7f908cf00df544c5ff50759a1", "compiler",
			      "gcc (Debian 12.2.0-14) 12.2.0");
	json_t *stages = json_object();
	const char *names[] = {"fetch",     "extract", "patch", "config", "build", "install",
			       "initramfs", "boot",    "qa",    "grub",   "bundle"};
	double secs[] = {0.4, 60, 1.1, 20, build, 9, 3, boot, 0.2, 0.3, 30};
	for (size_t i = 0; i < 11; i++) {
		const char *st = "pass";
		if (failed_build && !strcmp(names[i], "build"))
			st = "fail";
		if (failed_test && !strcmp(names[i], "qa"))
			st = "fail";
		json_object_set_new(stages, names[i],
				    json_pack("{s:s,s:f}", "status", st, "duration", secs[i]));
		if (!strcmp(st, "fail"))
			break;
	}
	json_object_set_new(d, "stages", stages);
	json_object_set_new(d, "fragments", json_pack("[s,s]", "6.1/qemu-guest", "6.1/ceph"));
	json_object_set_new(d, "requested",
			    json_pack("{s:s,s:s,s:s}", "CEPH_LIB", "m", "BLK_DEV_RBD", "m", "TCP_TW_TIMEOUT",
				      "10"));
	json_object_set_new(d, "config",
			    json_pack("{s:s,s:s,s:s}", "CEPH_LIB", "m", "TCP_TW_TIMEOUT", "10", "NET", "y"));
	json_object_set_new(d, "warnings",
			    json_pack("[{s:s,s:i,s:s},{s:s,s:i,s:s},{s:s,s:i,s:s}]", "file", "fs/a.c", "line",
				      3, "message", "unused variable 'x' [-Wunused-variable]", "file",
				      "fs/b.c", "line", 9, "message",
				      "unused variable 'y' [-Wunused-variable]", "file", "ld", "line", 0,
				      "message", "creating DT_TEXTREL in a PIE"));
	json_object_set_new(d, "build",
			    json_pack("{s:i,s:i,s:i,s:f}", "steps", 1855, "warnings", 3 + seed % 4, "errors",
				      0, "seconds", build));
	if (!failed_build) {
		json_object_set_new(d, "kernel_release", json_string("6.1.192"));
		json_object_set_new(d, "sizes",
				    json_pack("{s:I,s:I,s:I}", "vmlinux", (json_int_t)60000000, "bzImage",
					      (json_int_t)(9000000 + 10000 * seed), "modules_total",
					      (json_int_t)(1500000 + 5000 * seed)));
		json_object_set_new(d, "boot",
				    json_pack("{s:s,s:f,s:s,s:s}", "verdict",
					      failed_test ? "tests-failed" : "passed", "seconds", boot,
					      "accel", "tcg", "accel_why", "auto: no /dev/kvm"));
		json_object_set_new(d, "tests",
				    json_pack("{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}}", "modules",
					      "status", "pass", "modules.rbd_loads", "status", "pass",
					      "tcp_timewait", "status", failed_test ? "fail" : "pass",
					      "fin_timeout", "status", "pass", "keepalive", "status", "pass",
					      "backlog", "status", "pass"));
		json_object_set_new(d, "measurements",
				    json_pack("{s:f,s:f}", "lifetime_2s",
					      failed_test ? 5.2 : 2.0 + 0.01 * seed, "lifetime_4s", 4.06));
		/* the figures as the qa stage gives them, from this run's results.json */
		char *rj = path_join(outdir, "results.json");
		json_t *results = json_read_file(rj);
		json_t *figures = json_array(), *tests = json_object(), *measurements = json_object();
		if (results)
			results_flatten(results, tests, measurements, figures);
		json_object_set_new(d, "figures", figures);
		json_decref(tests);
		json_decref(measurements);
		json_decref(results);
		free(rj);
		char *tar = xasprintf("%s/bundle/kbuild-test-6.1.192.tar.xz", outdir);
		json_object_set_new(
			d, "artifacts",
			json_pack("[{s:s,s:i,s:s}]", "path", tar, "size", 28521267, "sha256",
				  "4d9e3c1f55d0e5a3a0d3bd2f3c2c4b2f6b5a1c0d9e8f7a6b5c4d3e2f1a0b9c8d"));
		free(tar);
	}
	json_object_set_new(
		d, "failure",
		failed_build
			? json_pack(
				  "{s:s,s:s}", "stage", "build", "log_tail",
				  "fs/a.c:3:1: error: expected ';'\nkbuild: build failed: make failed (exit 2); "
				  "see the log\n")
		: failed_test
			? json_pack("{s:s,s:s}", "stage", "qa", "log_tail",
				    "not ok 2 tcp_timewait\nkbuild: qa failed: 1 of 5 self-tests failed\n")
			: json_null());
	free(fin);
	return d;
}

/* An output directory with results.json and config-report.txt. */
static char *outdir(const char *name, bool failed_test)
{
	char *o = path_join(dir, name);
	char *res = xasprintf(results_json, failed_test ? 1 : 0, failed_test ? "fail" : "pass",
			      failed_test ? "5.20" : "2.09");
	tu_write(o, "results.json", res);
	tu_write(o, "config-report.txt",
		 "config: 1 of 3 requested options did not survive\n"
		 "CONFIG_BLK_DEV_RBD: requested m, got n (not set); drivers/block/Kconfig:388: depends on "
		 "INET && BLOCK; off: BLOCK\n");
	free(res);
	return o;
}

struct page {
	char *html, *dom, *console;
};

static void page_free(struct page *p)
{
	free(p->html);
	free(p->dom);
	free(p->console);
}

/* Chromium with the flags a root CI needs, on a fresh profile. */
static int chromium(const char *url, const char *extra, const char *extra2, char **out, char **console)
{
	char *ud = xasprintf("%s/chromium-profile", dir);
	rm_rf(ud);
	char *udf = xasprintf("--user-data-dir=%s", ud);
	char *errp = path_join(dir, "chromium.err");
	char *argv[] = {"chromium",
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			udf,
			"--enable-logging=stderr",
			"--v=0",
			(char *)extra,
			(char *)extra2,
			(char *)url,
			NULL};
	if (!extra2) {
		argv[13] = (char *)url;
		argv[14] = NULL;
	}
	FILE *ef = fopen(errp, "w");
	ck_assert_ptr_nonnull(ef);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = fileno(ef), .timeout_sec = 120};
	char *captured = NULL;
	int st = spawn_capture(argv, &o, &captured);
	fclose(ef);
	char *err = read_file(errp, NULL);
	/* Console messages: Chromium logs each as ":INFO:CONSOLE" (any level). */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (char *l = err, *e; l && *l; l = e ? e + 1 : NULL) {
		e = strchr(l, '\n');
		if (e)
			*e = '\0';
		if (strstr(l, ":CONSOLE"))
			fprintf(m, "%s\n", l);
	}
	fclose(m);
	*console = buf;
	*out = captured;
	free(err);
	free(errp);
	free(udf);
	free(ud);
	return st;
}

/* Writes the page, loads it (DOM and console), takes its screenshot. */
static void load(struct page *p, const char *name, const struct report_run *runs, size_t n, bool matrix)
{
	p->html = xasprintf("%s/%s.html", dir, name);
	ck_assert_msg(report_html_write(p->html, name, runs, n, matrix) == 0, "%s", kb_last_error());
	char *url = xasprintf("file://%s", p->html);
	int st = chromium(url, "--dump-dom", NULL, &p->dom, &p->console);
	ck_assert_msg(st == 0 && p->dom, "chromium --dump-dom exit %d", st);
	ck_assert_msg(!*p->console, "%s: console messages:\n%s", name, p->console);
	char *shots = path_join(tu_repo(), "build/report-screenshots");
	ck_assert_int_eq(mkdir_p(shots, 0755), 0);
	char *shot = xasprintf("--screenshot=%s/%s.png", shots, name);
	char *out = NULL, *console = NULL;
	st = chromium(url, shot, "--window-size=1280,2000", &out, &console);
	ck_assert_int_eq(st, 0);
	char *png = xasprintf("%s/%s.png", shots, name);
	ck_assert_msg(path_exists(png), "no screenshot %s", png);
	fprintf(stderr, "report_page: %s: screenshot %s\n", name, png);
	free(png);
	free(out);
	free(console);
	free(shot);
	free(shots);
	free(url);
}

static void has(const struct page *p, const char *what)
{
	ck_assert_msg(strstr(p->dom, what), "%s: the DOM lacks %s", p->html, what);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void setup(void)
{
	dir = tu_tmpdir("report-page");
}

static void teardown(void)
{
	rm_rf(dir);
	free(dir);
}

#define NEED_CHROMIUM()                                                                                        \
	do {                                                                                                   \
		if (!tu_in_path("chromium"))                                                                   \
			TU_SKIP(TU_SKIP_ENV,                                                                   \
				"report page: no chromium (Debian package chromium, in debian-packages.txt)"); \
	} while (0)

/* The catcher catches: a page that logs to the console is seen. */
START_TEST(console_messages_are_caught)
{
	NEED_CHROMIUM();
	tu_write(dir, "control.html",
		 "<!DOCTYPE html><html><body><p>control</p>"
		 "<script>console.error('kbuild-control-error')</script></body></html>");
	char *url = xasprintf("file://%s/control.html", dir), *out = NULL, *console = NULL;
	ck_assert_int_eq(chromium(url, "--dump-dom", NULL, &out, &console), 0);
	ck_assert_ptr_nonnull(strstr(console, "kbuild-control-error"));
	free(out);
	free(console);
	/* And the page's policy turns a load from outside into a console message. */
	tu_write(dir, "csp.html",
		 "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
		 "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"></head>"
		 "<body><img src=\"http://127.0.0.1:9/x.png\"></body></html>");
	free(url);
	url = xasprintf("file://%s/csp.html", dir);
	ck_assert_int_eq(chromium(url, "--dump-dom", NULL, &out, &console), 0);
	ck_assert_ptr_nonnull(strstr(console, "Content Security Policy"));
	free(out);
	free(console);
	free(url);
}
END_TEST

START_TEST(one_run)
{
	NEED_CHROMIUM();
	char *o = outdir("one", false);
	json_t *doc = run_doc(o, 1, false, false, "debian-6.1-ceph");
	/* A rollout section, shaped as builder/rollout/ may write it: lists of
	 * objects become tables, whatever their members. */
	json_object_set_new(doc, "rollout",
			    json_pack("{s:s,s:[{s:s,s:s}],s:[{s:i,s:s,s:s,s:s},{s:i,s:s,s:s,s:s}]}",
				      "verdict", "passed", "hosts", "name", "fleet-1", "verdict", "pass",
				      "boots", "boot", 1, "entry", "kbuild-6.1.192", "kernel", "6.1.192",
				      "verdict", "pass", "boot", 2, "entry", "kbuild-6.1.192", "kernel",
				      "6.1.192", "verdict", "pass"));
	struct report_run rr = {.doc = doc};
	struct page p = {0};
	load(&p, "one-run", &rr, 1, false);
	has(&p, "<section class=\"rollout\">");
	has(&p, "<table class=\"rollout-boots\">");
	has(&p, "<td>fleet-1</td>");
	has(&p, "id=\"verdict\" data-status=\"pass\"");
	has(&p, "<b class=\"release\">6.1.192</b>");
	has(&p, "data-passed=\"5\" data-total=\"5\"");
	/* the timeline, with the run's seconds */
	has(&p, "<svg class=\"timeline\"");
	ck_assert_uint_eq(count(p.dom, "<rect class=\"stage\""), 11);
	has(&p, "data-stage=\"build\" data-status=\"pass\" data-seconds=\"207.0\"");
	/* the self-tests with verdicts, durations and KTAP diagnostics */
	has(&p, "<table class=\"selftests\">");
	has(&p, "data-test=\"tcp_timewait\" data-status=\"pass\"");
	has(&p, "data-passed=\"1\" data-total=\"1\">1/1 subtests pass");
	has(&p, "7.31 s");
	has(&p, "TIME_WAIT lasted 2.09 s");
	/* TCP figures against what was set */
	has(&p, "data-figure=\"TIME_WAIT length\"");
	has(&p, "net.ipv4.tcp_tw_timeout=2 s");
	has(&p, "data-figure=\"FIN-WAIT-2 length (fin_timeout)\"");
	has(&p, "data-figure=\"keepalive: dead peer declared\"");
	has(&p, "listen(1000), somaxconn 16");
	/* config: requested, resolved, dropped and why */
	has(&p, "data-count=\"1\">1 dropped");
	has(&p, "depends on INET &amp;&amp; BLOCK");
	/* warnings by kind, artifacts with sha256 */
	has(&p, "data-kind=\"-Wunused-variable\"");
	has(&p, "data-kind=\"linker\"");
	has(&p, "4d9e3c1f55d0e5a3a0d3bd2f3c2c4b2f6b5a1c0d9e8f7a6b5c4d3e2f1a0b9c8d");
	/* a trend plot with this run's point */
	has(&p, "<svg class=\"trend\" data-metric=\"build_seconds\"");
	has(&p, "data-value=\"207\"");
	has(&p, "data-metric=\"timewait_seconds\"");
	page_free(&p);
	json_decref(doc);
	free(o);
}
END_TEST

START_TEST(ten_in_history)
{
	NEED_CHROMIUM();
	char *o = outdir("ten", false);
	json_t *hist = json_array();
	for (int i = 0; i < 10; i++)
		json_array_append_new(hist, run_doc(o, i, i == 6, false, "debian-6.1-ceph"));
	struct report_run rr = {.doc = json_array_get(hist, 9), .history = hist};
	struct page p = {0};
	load(&p, "ten-runs", &rr, 1, false);
	has(&p, "Trends over the last 10 runs");
	/* every run's build time is a point of the build plot */
	for (int i = 0; i < 10; i++) {
		char *v =
			xasprintf("data-series=\"Build time\" data-run=\"11-%02d 02:%02d\" data-value=\"%d\"",
				  1 + i, i, 200 + 7 * i);
		has(&p, v);
		free(v);
	}
	ck_assert_uint_eq(count(p.dom, "data-series=\"Boot to verdict\""), 10);
	ck_assert_uint_eq(count(p.dom, "data-series=\"bzImage size\""), 10);
	ck_assert_uint_eq(count(p.dom, "data-series=\"Compiler warnings\""), 10);
	/* the TIME_WAIT the guest measured, against the value set */
	has(&p, "<line class=\"ref\" data-value=\"2\"");
	has(&p,
	    "<circle class=\"point fail\" data-series=\"lasted at tcp_tw_timeout=2\" data-run=\"11-07 02:06\" "
	    "data-value=\"5.2\"");
	page_free(&p);
	json_decref(hist);
	free(o);
}
END_TEST

START_TEST(failed_run)
{
	NEED_CHROMIUM();
	char *o = outdir("failed", true);
	json_t *doc = run_doc(o, 3, true, false, "debian-6.1-ceph");
	struct report_run rr = {.doc = doc};
	struct page p = {0};
	load(&p, "failed-run", &rr, 1, false);
	has(&p, "id=\"verdict\" data-status=\"fail\"");
	has(&p, "Why it failed");
	has(&p, "1 of 5 self-tests failed");
	has(&p, "data-test=\"tcp_timewait\" data-status=\"fail\"");
	has(&p, "TIME_WAIT lasted 5.20 s");
	has(&p, "<span class=\"fail\">outside</span>");
	page_free(&p);
	json_decref(doc);
	free(o);
	/* A build failure: no self-tests, the build's reason. */
	o = outdir("build-failed", false);
	doc = run_doc(o, 4, false, true, "ceph");
	rr.doc = doc;
	load(&p, "build-failed", &rr, 1, false);
	has(&p, "data-stage=\"build\" data-status=\"fail\"");
	has(&p, "make failed (exit 2); see the log");
	has(&p, "The self-tests did not run in this run.");
	page_free(&p);
	json_decref(doc);
	free(o);
}
END_TEST

START_TEST(matrix_page)
{
	NEED_CHROMIUM();
	char *o1 = outdir("m-a", false), *o2 = outdir("m-b", true);
	json_t *d1 = run_doc(o1, 2, false, false, "debian-6.1-ceph"),
	       *d2 = run_doc(o2, 5, true, false, "ceph");
	struct report_run rows[] = {
		{.doc = d1, .label = "debian-6.1-ceph", .link = "debian-6.1-ceph/report.html"},
		{.doc = d2, .label = "variant", .link = "variant/report.html"},
		{.doc = NULL, .label = "broken"},
	};
	struct page p = {0};
	load(&p, "matrix", rows, 3, true);
	has(&p, "<table class=\"matrix\">");
	has(&p, "data-row=\"debian-6.1-ceph\"");
	has(&p, "data-row=\"variant\"");
	has(&p, "data-row=\"broken\"");
	ck_assert_uint_eq(count(p.dom, "<article class=\"run\""), 3);
	ck_assert_uint_eq(count(p.dom, "<svg class=\"timeline\""), 2);
	has(&p, "data-label=\"variant\"");
	page_free(&p);
	json_decref(d1);
	json_decref(d2);
	free(o1);
	free(o2);
}
END_TEST

Suite *report_page_suite(void)
{
	Suite *s = suite_create("report_page");
	TCase *tc = tcase_create("chromium");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, console_messages_are_caught);
	tcase_add_test(tc, one_run);
	tcase_add_test(tc, ten_in_history);
	tcase_add_test(tc, failed_run);
	tcase_add_test(tc, matrix_page);
	suite_add_tcase(s, tc);
	return s;
}
