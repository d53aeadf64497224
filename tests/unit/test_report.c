/* The nightly records: the run document as the stages describe an output
 * directory (record.json), the KCIDB document validated against the KCIDB
 * schema (by python3's jsonschema), the SQUAD submission's shape, and the
 * history. */
#include "nightly/history.h"
#include "suites.h"
#include "core/profile.h"
#include "nightly/kcidb.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "kernel/buildlog.h"
#include "stages/chain.h"
#include "nightly/finish.h"
#include "nightly/squad.h"
#include "lib/spawn.h"
#include "testutil.h"
#include "kcidb_check.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir;
static struct profile prof;
static struct settings set;
static struct run run;
static struct rundoc run_doc;

/* A finished output directory, as the stages leave it
 * (tests/data/report/outdir; also kbuild's home: configs/). */
static void setup(void)
{
	dir = tu_tmpdir("report");
	tu_copy_data("report/outdir", dir);
	ck_assert_int_eq(profile_load(dir, "n", &prof), 0);
	settings_resolve(&prof, &set);
	run = (struct run){.set = &set, .home = dir, .outdir = dir};
	run.srcdir = path_join(dir, "src");
	run.objdir = path_join(dir, "build");
	run.installroot = path_join(dir, "stage");
	run.logdir = path_join(dir, "logs");
	run.stampdir = path_join(dir, "stamps");
	/* The records as the stages write them (core/records.h), never by hand. */
	struct source_rec src = {"tarball", "/usr/src/linux-source-6.1.tar.xz",
				 "cacdc3830989309d042083be3307969e55600ed7f908cf00df544c5ff50759a1", "yes",
				 "debian:linux-source-6.1=6.1.192-3"};
	struct build_rec build = {.steps = 1855, .warnings = 3, .seconds = 198.2, .jobs = 2};
	struct install_rec inst = {"6.1.192"};
	struct boot_rec boot = {(char *)boot_verdict_name(BOOT_TESTS_FAILED), 10.4, 3, "tcg", "test"};
	ck_assert_int_eq(source_rec_put(&run, &src), 0);
	ck_assert_int_eq(build_rec_put(&run, &build), 0);
	ck_assert_int_eq(install_rec_put(&run, &inst), 0);
	ck_assert_int_eq(boot_rec_put(&run, &boot), 0);
}

/* The run document as kbuild's pipeline makes it: each stage up to last
 * described (the others not reached), with these outcomes, then the end. */
static json_t *describe_run(size_t last, enum stage_status last_status, int exit_code)
{
	char *argv[] = {"kbuild", "make", NULL};
	rundoc_begin(&run_doc, set.name, dir, set.build.arch, 2, argv);
	for (size_t i = 0; i <= last; i++) {
		if (chain_stages[i]->describe)
			chain_stages[i]->describe(&run, &run_doc);
		kb_clear_error();
		rundoc_stage(&run_doc, chain_stages[i]->name, i == last ? last_status : STAGE_PASS, 1.5);
	}
	rundoc_end(&run_doc, exit_code, run.logdir);
	run.doc = &run_doc;
	return json_incref(run_doc.root);
}

static size_t stage(const char *name)
{
	int i = chain_stage_index(name);
	ck_assert_int_ge(i, 0);
	return (size_t)i;
}

static void teardown(void)
{
	rundoc_free(&run_doc);
	run.doc = NULL;
	settings_free(&set);
	profile_free(&prof);
	free(run.srcdir);
	free(run.objdir);
	free(run.installroot);
	free(run.logdir);
	free(run.stampdir);
	rm_rf(dir);
	free(dir);
}

static const char *jstr(const json_t *o, const char *path)
{
	/* "a.b" walks objects */
	char *p = xstrdup(path), *save = NULL;
	const json_t *cur = o;
	for (char *k = strtok_r(p, ".", &save); k && cur; k = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, k);
	free(p);
	return json_string_value(cur);
}

/* One parser for warnings: the list and the count agree (the linker's
 * warnings are in both). */
START_TEST(warning_lines_are_split)
{
	char *f, *m;
	long l;
	ck_assert(buildlog_warning("fs/a.c:10:5: warning: x [-Wy]", &f, &l, &m));
	ck_assert_str_eq(f, "fs/a.c");
	ck_assert_int_eq(l, 10);
	ck_assert_str_eq(m, "x [-Wy]");
	free(f);
	free(m);
	ck_assert(buildlog_warning("arch/x86/boot/header.S:20: warning: w", &f, &l, &m));
	ck_assert_str_eq(f, "arch/x86/boot/header.S");
	ck_assert_int_eq(l, 20);
	free(f);
	free(m);
	ck_assert(buildlog_warning("ld: warning: creating DT_TEXTREL", &f, &l, &m));
	ck_assert_str_eq(f, "ld");
	ck_assert_int_eq(l, 0);
	ck_assert_str_eq(m, "creating DT_TEXTREL");
	free(f);
	free(m);
	ck_assert(!buildlog_warning("  CC      fs/a.o", &f, &l, &m));
}
END_TEST

START_TEST(record_gathers_the_output_directory)
{
	json_t *rec = describe_run(stage("qa"), STAGE_FAIL, 1);
	ck_assert_str_eq(jstr(rec, "format"), RUNDOC_FORMAT);
	ck_assert_str_eq(jstr(rec, "status"), "fail");
	ck_assert_str_eq(jstr(rec, "kernel_release"), "6.1.192");
	ck_assert_str_eq(jstr(rec, "source.version"), "6.1");
	ck_assert_str_eq(json_string_value(
				 json_object_get(json_array_get(json_object_get(rec, "patches"), 0), "name")),
			 "0001-tw.patch");
	/* resolved config without =n; requested with it */
	ck_assert_str_eq(jstr(rec, "config.NET"), "y");
	ck_assert_ptr_null(jstr(rec, "config.DEBUG"));
	ck_assert_str_eq(jstr(rec, "requested.DEBUG"), "n");
	ck_assert_str_eq(jstr(rec, "requested.CEPH_LIB"), "m");
	/* warnings: each once, the linker's too */
	json_t *w = json_object_get(rec, "warnings");
	ck_assert_uint_eq(json_array_size(w), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(w, 0), "file")), "net/ipv4/tcp.c");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(w, 0), "line")), 120);
	/* sizes */
	json_t *sz = json_object_get(rec, "sizes");
	ck_assert_int_eq(json_integer_value(json_object_get(sz, "vmlinux")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(sz, "bzImage")), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(sz, "modules_total")), 20);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sz, "modules"), "rbd.ko")), 4);
	/* tests, subtests as test.sub, measurements */
	ck_assert_str_eq(jstr(rec, "tests.tcp_timewait.status"), "fail");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(rec, "tests"), "modules.rbd_loads"));
	json_t *m = json_object_get(rec, "measurements");
	ck_assert_double_eq_tol(json_number_value(json_object_get(m, "lifetime_2s")), 2.09, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(m, "lifetime_4s")), 4.16, 1e-9);
	ck_assert_str_eq(jstr(rec, "boot.verdict"), "tests-failed");
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(rec, "build"), "seconds")),
				198.2, 1e-9);
	json_decref(rec);
}
END_TEST

START_TEST(kcidb_document_is_valid)
{
	json_t *rec = describe_run(stage("qa"), STAGE_FAIL, 1);
	json_t *doc = kcidb_from_record(rec, "kbuild");
	char *p = path_join(dir, "kcidb.json");
	ck_assert_int_eq(rundoc_write(doc, p), 0);
	ck_assert_int_eq(kcidb_check(p), 0);

	/* The content, not only the shape. */
	json_t *b = json_array_get(json_object_get(doc, "builds"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "status")), "PASS");
	ck_assert_str_eq(json_string_value(json_object_get(b, "config_name")), "n");
	json_t *c = json_array_get(json_object_get(doc, "checkouts"), 0);
	/* sha256 of "<patch sha256>\n", as `sha256sum *.patch | cut -c-64 | sha256sum` gives */
	ck_assert_str_eq(json_string_value(json_object_get(c, "patchset_hash")),
			 "137e91f8f9f96a200ad6e6a74bcb88ca8ce94c34ff49a81801ca4b2a33029c37");
	size_t i;
	json_t *t;
	int seen = 0;
	json_array_foreach(json_object_get(doc, "tests"), i, t)
	{
		const char *path = json_string_value(json_object_get(t, "path"));
		const char *st = json_string_value(json_object_get(t, "status"));
		if (!strcmp(path, "kbuild.tcp_timewait"))
			seen += !strcmp(st, "FAIL");
		if (!strcmp(path, "kbuild.sysctl"))
			seen += !strcmp(st, "MISS");
		if (!strcmp(path, "kbuild.boot"))
			seen += !strcmp(st, "PASS");
		if (!strcmp(path, "kbuild.tcp_timewait.lifetime_2s"))
			seen += !strcmp(st, "DONE") &&
				json_number_value(json_object_get(json_object_get(t, "number"), "value")) ==
					2.09;
	}
	ck_assert_int_eq(seen, 4);

	/* kbuild rollout's verdict: one test, FAIL for a rollback, the trial
	 * boot's console as its excerpt; still valid */
	json_object_set_new(rec, "rollout",
			    json_pack("{s:s,s:i,s:s,s:[{s:s,s:s}]}", "verdict", "rolled back (hang)",
				      "exit_code", 5, "inject", "hang", "boots", "session", "trial",
				      "console", "/bin/sh: can't access tty; job control turned off"));
	json_decref(doc);
	doc = kcidb_from_record(rec, "kbuild");
	ck_assert_int_eq(rundoc_write(doc, p), 0);
	ck_assert_int_eq(kcidb_check(p), 0);
	t = json_array_get(json_object_get(doc, "tests"), json_array_size(json_object_get(doc, "tests")) - 1);
	ck_assert_str_eq(json_string_value(json_object_get(t, "path")), "kbuild.rollout");
	ck_assert_str_eq(json_string_value(json_object_get(t, "status")), "FAIL");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(t, "misc"), "verdict")),
			 "rolled back (hang)");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(t, "log_excerpt")), "job control"));
	b = json_array_get(json_object_get(doc, "builds"), 0);

	/* It can fail: SQUAD's lower-case status is not KCIDB's vocabulary. */
	json_object_set_new(b, "status", json_string("pass"));
	ck_assert_int_eq(rundoc_write(doc, p), 0);
	ck_assert_int_ne(kcidb_check(p), 0);
	free(p);
	json_decref(doc);
	json_decref(rec);
}
END_TEST

START_TEST(squad_submission_shape)
{
	json_t *rec = describe_run(stage("qa"), STAGE_FAIL, 1);
	json_t *doc = squad_from_record(rec);
	json_t *tests = json_object_get(doc, "tests"), *metrics = json_object_get(doc, "metrics"),
	       *meta = json_object_get(doc, "metadata");
	ck_assert(json_is_object(tests) && json_is_object(metrics) && json_is_object(meta));
	const char *k;
	json_t *v;
	json_object_foreach(tests, k, v)
	{
		ck_assert_msg(strchr(k, '/'), "test %s has no suite/", k);
		const char *r = json_string_value(v);
		ck_assert_msg(r && (!strcmp(r, "pass") || !strcmp(r, "fail") || !strcmp(r, "skip") ||
				    !strcmp(r, "xfail")),
			      "test %s: result %s", k, r ? r : "(not a string)");
	}
	json_object_foreach(metrics, k, v)
	{
		ck_assert_msg(strchr(k, '/'), "metric %s has no suite/", k);
		ck_assert(json_is_number(v));
	}
	ck_assert_str_eq(json_string_value(json_object_get(tests, "kbuild-qa/tcp_timewait")), "fail");
	ck_assert_str_eq(json_string_value(json_object_get(tests, "kbuild-qa/sysctl")), "fail");
	ck_assert_str_eq(json_string_value(json_object_get(tests, "kbuild-qa/backlog")), "skip");
	ck_assert_str_eq(json_string_value(json_object_get(tests, "kbuild-stages/qa")), "fail");
	ck_assert_double_eq_tol(json_number_value(json_object_get(metrics, "kbuild/build-time")), 198.2,
				1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(metrics, "kbuild/boot-to-verdict")), 10.4,
				1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(metrics, "kbuild/warnings")), 3, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(metrics, "kbuild/bzImage-size")), 5, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(metrics, "kbuild/modules-size")), 20, 1e-9);
	ck_assert_double_eq_tol(json_number_value(
					json_object_get(metrics, "kbuild-qa/tcp_timewait-lifetime_4s")),
				4.16, 1e-9);
	json_object_foreach(meta, k, v) ck_assert_msg(!json_is_null(v), "metadata %s is null", k);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(meta, "job_id")));
	ck_assert_str_eq(json_string_value(json_object_get(meta, "kernel_release")), "6.1.192");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "build")), "6.1.192");
	json_decref(doc);
	json_decref(rec);
}
END_TEST

/* A failed build: FAIL with the end of its log as the excerpt, no tests. */
START_TEST(kcidb_failed_build)
{
	tu_write(dir, "logs/build.log",
		 "  CC      fs/a.o\nfs/a.c:3:1: error: expected ';'\nmake: *** [fs] Error 1\n");
	char *rec_file = path_join(dir, "build.rec");
	unlink(rec_file); /* a failed build writes none */
	free(rec_file);
	json_t *rec = describe_run(stage("build"), STAGE_FAIL, 1);
	/* results.json and boot.rec are an earlier run's: not this one's */
	ck_assert_uint_eq(json_object_size(json_object_get(rec, "tests")), 0);
	ck_assert_ptr_null(jstr(rec, "boot.verdict"));
	ck_assert_str_eq(jstr(rec, "failure.stage"), "build");
	ck_assert_ptr_nonnull(strstr(jstr(rec, "failure.log_tail"), "fs/a.c:3:1: error"));
	json_t *doc = kcidb_from_record(rec, "kbuild");
	json_t *b = json_array_get(json_object_get(doc, "builds"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "status")), "FAIL");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(b, "log_excerpt")), "Error 1"));
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "tests")), 0);
	char *p = path_join(dir, "kcidb.json");
	ck_assert_int_eq(rundoc_write(doc, p), 0);
	ck_assert_int_eq(kcidb_check(p), 0);
	free(p);
	json_decref(doc);
	json_decref(rec);
}
END_TEST

/* A good run becomes the history; a failed one leaves it; the next run
 * gets changes.txt against it. */
START_TEST(history_keeps_the_last_good_run)
{
	json_decref(describe_run(stage("qa"), STAGE_PASS, 0));
	ck_assert_int_eq(nightly_finish(&run, 0), 0);
	char *hist = path_join(dir, "history");
	char *hrec = path_join(hist, "record.json");
	json_t *h = rundoc_load(hrec);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(jstr(h, "status"), "pass");
	json_decref(h);
	char *changes = path_join(dir, "changes.txt");
	ck_assert(!path_exists(changes)); /* nothing to compare with yet */

	/* The next run fails: history untouched, changes name the regression. */
	rundoc_free(&run_doc);
	json_decref(describe_run(stage("qa"), STAGE_FAIL, 1));
	ck_assert_int_eq(nightly_finish(&run, 1), 1);
	h = rundoc_load(hrec);
	ck_assert_str_eq(jstr(h, "status"), "pass");
	json_decref(h);
	char *text = read_file(changes, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "result: REGRESSION"));
	free(text);

	/* A good run again replaces the history as one directory, leaving no
	 * temporary behind. */
	ck_assert_int_eq(history_save(dir, hist), 0);
	struct stat st;
	char *tmp = xasprintf("%s.tmp.%d", hist, (int)getpid());
	ck_assert_int_ne(stat(tmp, &st), 0);
	free(tmp);
	free(changes);
	free(hrec);
	free(hist);
}
END_TEST

/* runs/ keeps the last report.keep runs, good or failed, across a good
 * run's swap of the history; the page is written at every run's end. */
START_TEST(history_keeps_the_last_runs)
{
	char *hist = path_join(dir, "history");
	json_t *rec = describe_run(stage("qa"), STAGE_PASS, 0);
	for (int i = 0; i < 5; i++) {
		json_object_set_new(rec, "finished", json_sprintf("2026-11-0%dT02:00:00Z", i + 1));
		ck_assert_int_eq(history_add_run(hist, rec, 3), 0);
	}
	json_t *runs = history_runs(hist);
	ck_assert_uint_eq(json_array_size(runs), 3);
	ck_assert_str_eq(jstr(json_array_get(runs, 0), "finished"), "2026-11-03T02:00:00Z");
	ck_assert_str_eq(jstr(json_array_get(runs, 2), "finished"), "2026-11-05T02:00:00Z");
	json_decref(runs);
	char *p = path_join(hist, "runs/000005.json");
	ck_assert(path_exists(p));
	free(p);
	/* A good run's swap keeps them, and adds itself. */
	ck_assert_int_eq(nightly_finish(&run, 0), 0);
	runs = history_runs(hist);
	ck_assert_uint_eq(json_array_size(runs), 4);
	json_decref(runs);
	char *page = path_join(dir, "report.html");
	ck_assert(path_exists(page));
	char *html = read_file(page, NULL);
	ck_assert_ptr_nonnull(strstr(html, "Trends over the last 4 runs"));
	free(html);
	/* A failed run joins the trends too; keep=0 removes them. */
	rundoc_free(&run_doc);
	json_decref(describe_run(stage("qa"), STAGE_FAIL, 1));
	ck_assert_int_eq(nightly_finish(&run, 1), 1);
	runs = history_runs(hist);
	ck_assert_uint_eq(json_array_size(runs), 5);
	ck_assert_str_eq(jstr(json_array_get(runs, 4), "status"), "fail");
	json_decref(runs);
	ck_assert_int_eq(history_add_run(hist, rec, 0), 0);
	runs = history_runs(hist);
	ck_assert_uint_eq(json_array_size(runs), 0);
	json_decref(runs);
	free(page);
	json_decref(rec);
	free(hist);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("records");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, warning_lines_are_split);
	tcase_add_test(tc, record_gathers_the_output_directory);
	tcase_add_test(tc, kcidb_document_is_valid);
	tcase_add_test(tc, kcidb_failed_build);
	tcase_add_test(tc, squad_submission_shape);
	tcase_add_test(tc, history_keeps_the_last_good_run);
	tcase_add_test(tc, history_keeps_the_last_runs);
	suite_add_tcase(s, tc);
	return s;
}
