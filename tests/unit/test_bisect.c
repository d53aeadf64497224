/* kbuild bisect without kernels: bisect_main with a fake chain that writes
 * the record a real step would (a build failure, a panic, a failed
 * self-test from a planted patch on), so the search, the verdicts, the
 * answers, bisect.json and the records are checked in milliseconds: every
 * planted position found in ceil(log2(N+1)) steps or fewer, skipped
 * prefixes giving a range, a "good" prefix that fails, a series that passes
 * everywhere, and bad input answered in one line. The search alone
 * (bisect/search.h) is checked against every position too. */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect/bisect.h"
#include "bisect/search.h"
#include "bisect/step.h"
#include "core/profile.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "core/settings.h"
#include "lib/json.h"
#include "lib/spawn.h"
#include "nightly/compare.h"
#include "stages/chain.h"
#include "suites.h"
#include "testutil.h"

static char *g_home;

/* What the fake chain plants: the first bad patch and how it fails. */
static struct {
	size_t bad_at;                     /* 0: nothing fails */
	enum check_kind kind;              /* what breaks */
	size_t no_apply_from, no_apply_to; /* prefixes that do not apply (0: none) */
	size_t calls;
	size_t prefixes[64];
	size_t ntests[64];
	char *reproducers[64];
} plant;

static json_t *stage_obj(const char *status)
{
	return json_pack("{s:s,s:f}", "status", status, "duration", 1.0);
}

/* The record a real step would leave in O. */
static int fake_chain(struct run *r)
{
	size_t n = r->set->patches.upto < 0 ? 99 : (size_t)r->set->patches.upto;
	if (plant.calls < 64) {
		plant.prefixes[plant.calls] = n;
		plant.ntests[plant.calls] = r->set->qa.tests.n;
		plant.reproducers[plant.calls] = argv_to_string(r->argv);
	}
	plant.calls++;
	bool broken = plant.bad_at && n >= plant.bad_at;
	bool no_apply = plant.no_apply_from && n >= plant.no_apply_from && n <= plant.no_apply_to;
	json_t *stages = json_object(),
	       *rec = json_pack("{s:s,s:i,s:s,s:s}", "format", RUNDOC_FORMAT, "version", RUNDOC_VERSION,
				"profile", "t", "outdir", r->outdir);
	const char *fail = NULL;
	for (size_t i = 0; i <= r->last; i++) {
		const char *st = chain_stages[i]->name;
		bool f = (no_apply && !strcmp(st, "patch")) ||
			 (broken && plant.kind == CHECK_BUILD && !strcmp(st, "build")) ||
			 (broken && plant.kind == CHECK_BOOT && !strcmp(st, "boot")) ||
			 (broken && plant.kind == CHECK_TEST && !strcmp(st, "qa"));
		json_object_set_new(stages, st, stage_obj(f ? "fail" : "pass"));
		if (f) {
			fail = st;
			break;
		}
	}
	json_object_set_new(rec, "stages", stages);
	if (json_object_get(stages, "boot"))
		json_object_set_new(rec, "boot",
				    json_pack("{s:s}", "verdict",
					      broken && plant.kind == CHECK_BOOT ? "panic" : "passed"));
	if (json_object_get(stages, "qa")) {
		bool tf = broken && plant.kind == CHECK_TEST;
		json_object_set_new(rec, "tests",
				    json_pack("{s:{s:s},s:{s:s},s:{s:s}}", "sysctl", "status", "pass",
					      "tcp_timewait", "status", tf ? "fail" : "pass",
					      "tcp_timewait.default value is 10 (got 11)", "status",
					      tf ? "fail" : "pass"));
		char *results =
			xasprintf("{\"tests\": [{\"name\": \"tcp_timewait\", \"log\": \"%sok 2 default "
				  "value is 10 (got %s)\\n\"}]}",
				  tf ? "not " : "", tf ? "11" : "10");
		tu_write(r->outdir, OUT_RESULTS_JSON, results);
		free(results);
	}
	if (json_object_get(stages, "boot"))
		tu_write(r->outdir, OUT_SERIAL_LOG,
			 broken && plant.kind == CHECK_BOOT ? "Booting\nKernel panic - not syncing: planted\n"
							    : "Booting\nqa: all passed\n");
	json_object_set_new(rec, "status", json_string(fail ? "fail" : "pass"));
	json_object_set_new(
		rec, "failure",
		fail ? json_pack("{s:s,s:s}", "stage", fail, "log_tail",
				 !strcmp(fail, "build")
					 ? "  CC kernel/planted.o\nkernel/planted.c:3:1: "
					   "error: expected ';' before '}' token\nmake: *** Error 2\n"
					 : "failed\n")
		     : json_null());
	char *p = path_join(r->outdir, OUT_RECORD_JSON);
	ck_assert_int_eq(rundoc_write(rec, p), 0);
	free(p);
	json_decref(rec);
	return fail ? 1 : 0;
}

#define NPATCH 20

static void setup(void)
{
	g_home = tu_tmpdir("bisect");
	char *series = xstrdup("");
	for (int i = 1; i <= NPATCH; i++) {
		char *name = xasprintf("patches/%04d-p.patch", i);
		char *text = xasprintf(
			"From: x\nSubject: [PATCH %d/%d] patch number %d\n\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n",
			i, NPATCH, i);
		tu_write(g_home, name, text);
		char *t = xasprintf("%s%04d-p.patch\n", series, i);
		free(series);
		series = t;
		free(name);
		free(text);
	}
	tu_write(g_home, "patches/series", series);
	tu_write(g_home, "patches/one", "0001-p.patch\n");
	tu_write(g_home, "patches/empty", "# nothing\n");
	free(series);
	tu_write(g_home, "qa/tests.list", "sysctl\ntcp_timewait &\n");
	tu_write(g_home, "configs/profiles/t.ini",
		 "[source]\nversion = 1.0\ntree = /nonexistent\n[patches]\nseries = patches/series\n"
		 "[config]\nbase = allnoconfig\n");
	tu_write(g_home, "out/.keep", "");
	for (size_t i = 0; i < 64; i++)
		free(plant.reproducers[i]);
	memset(&plant, 0, sizeof(plant));
}

static void teardown(void)
{
	rm_rf(g_home);
	free(g_home);
	for (size_t i = 0; i < 64 && i < plant.calls; i++)
		free(plant.reproducers[i]);
	memset(&plant, 0, sizeof(plant));
}

/* kbuild bisect profile=t O=<home>/out ARGS with the fake chain; the exit
 * code, and stdout+stderr in *out. */
static int bisect(const char *const *args, size_t nargs, char **out)
{
	struct profile p;
	ck_assert_msg(profile_load(g_home, "t", &p) == 0, "%s", kb_last_error());
	int rc = 0;
	for (size_t i = 0; i < nargs && rc == 0; i++)
		rc = profile_override(&p, args[i]);
	if (rc < 0) {
		/* the schema refuses it before kbuild bisect sees it */
		*out = xstrdup(kb_last_error());
		profile_free(&p);
		return 2;
	}
	struct settings set;
	settings_resolve(&p, &set);
	char *o = path_join(g_home, "out");
	char *argv[16] = {"kbuild", "bisect", "profile=t"};
	int argc = 3;
	for (size_t i = 0; i < nargs && argc < 15; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	struct run r = {.set = &set,
			.home = g_home,
			.outdir = o,
			.argc = argc,
			.argv = argv,
			.stages = chain_stages,
			.n_stages = chain_n_stages,
			.last = chain_n_stages - 1};
	/* stdout (the answer) and stderr (bad input, the steps) into one file */
	fflush(stdout);
	fflush(stderr);
	char *cap = path_join(g_home, "output");
	int fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int saved_out = dup(1), saved_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	int code = bisect_main(&r, fake_chain);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	*out = read_file(cap, NULL);
	fprintf(stderr, "%s", *out);
	free(cap);
	free(o);
	settings_free(&set);
	profile_free(&p);
	return code;
}

static json_t *bisect_doc(void)
{
	char *p = path_join(g_home, "out/" OUT_BISECT_JSON);
	json_t *d = json_read_file(p);
	ck_assert_msg(d, "%s", kb_last_error());
	free(p);
	return d;
}

static size_t ceil_log2(size_t n)
{
	size_t k = 0;
	while (((size_t)1 << k) < n)
		k++;
	return k;
}

/* ---- the search alone ---- */

START_TEST(search_finds_every_position)
{
	for (size_t good = 0; good < 5; good++)
		for (size_t bad = good + 1; bad < 40; bad++)
			for (size_t at = good + 1; at <= bad + 1; at++) { /* bad+1: nothing fails */
				struct bisect_search s;
				search_init(&s, good, bad);
				size_t tests = 0;
				long p;
				bool good_tested = false;
				while ((p = search_next(&s)) >= 0) {
					tests++;
					good_tested |= (size_t)p == good;
					search_record(&s, (size_t)p,
						      (size_t)p >= at ? BISECT_BAD : BISECT_GOOD);
				}
				struct search_outcome o;
				search_outcome(&s, &o);
				if (at <= bad) {
					ck_assert_int_eq(o.result, BISECT_FOUND);
					ck_assert_uint_eq(o.first, at);
				} else {
					ck_assert_int_eq(o.result, BISECT_NOT_FOUND);
				}
				/* the proof of the "good" prefix costs one more when the answer is next to it */
				ck_assert_msg(tests <= ceil_log2(bad - good + 1) + (good_tested ? 1 : 0),
					      "good=%zu bad=%zu at=%zu: %zu tests", good, bad, at, tests);
				search_free(&s);
			}
}
END_TEST

START_TEST(search_skips_give_a_range)
{
	struct bisect_search s;
	search_init(&s, 0, 8);
	search_record(&s, 0, BISECT_GOOD);
	long p;
	while ((p = search_next(&s)) >= 0)
		search_record(&s, (size_t)p,
			      p == 4 || p == 5 ? BISECT_SKIP
			      : p >= 5         ? BISECT_BAD
					       : BISECT_GOOD);
	struct search_outcome o;
	search_outcome(&s, &o);
	ck_assert_int_eq(o.result, BISECT_INCONCLUSIVE);
	ck_assert_uint_eq(o.first, 4);
	ck_assert_uint_eq(o.last, 6);
	search_free(&s);
}
END_TEST

/* ---- bisect_main with the fake chain ---- */

static void expect_found(const char *until, enum check_kind kind, size_t at, size_t max_steps,
			 const char *says)
{
	plant.bad_at = at;
	plant.kind = kind;
	char *u = until ? xasprintf("until=%s", until) : NULL;
	const char *args[] = {"good=12", u};
	char *out;
	int code = bisect(args, u ? 2 : 1, &out);
	ck_assert_msg(code == BISECT_EXIT_FOUND, "exit %d: %s", code, out);
	char *want = xasprintf("kbuild bisect: found: patch %zu of 20, %04zu-p.patch (\"patch number %zu\")",
			       at, at, at);
	ck_assert_msg(strstr(out, want), "%s", out);
	ck_assert_msg(strstr(out, says), "no '%s' in: %s", says, out);
	ck_assert_msg(plant.calls <= max_steps, "%zu steps for patch %zu", plant.calls, at);
	json_t *d = bisect_doc();
	ck_assert_str_eq(json_member_str(d, "result"), "found");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(d, "first_bad"), "index")),
			 (json_int_t)at);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "builds")), (json_int_t)plant.calls);
	ck_assert_uint_eq(json_array_size(json_object_get(d, "steps")), plant.calls);
	ck_assert_ptr_nonnull(json_member_str(json_object_get(d, "verdict"), "good"));
	/* the last step's record carries the answer, for compare and KCIDB */
	char *rp = path_join(g_home, "out/record.json");
	json_t *rec = rundoc_load(rp);
	ck_assert_str_eq(json_member_str(json_object_get(rec, "bisect"), "result"), "found");
	char *kp = path_join(g_home, "out/kcidb.json");
	json_t *k = json_read_file(kp);
	ck_assert_ptr_nonnull(k);
	const json_t *misc = json_object_get(json_array_get(json_object_get(k, "checkouts"), 0), "misc");
	ck_assert_str_eq(json_member_str(json_object_get(misc, "bisect"), "result"), "found");
	json_decref(k);
	free(kp);
	/* kbuild compare shows it (here: the first step's record against the last's) */
	char *first = xasprintf("%s/out/bisect/step-1.json", g_home);
	json_t *old = rundoc_load(first);
	struct compare_opts co;
	compare_opts_default(&co);
	json_t *ch = compare_records(old, rec, &co);
	char *text = compare_text(ch);
	ck_assert_msg(strstr(text, "bisect: found: patch"), "%s", text);
	ck_assert_msg(strstr(text, "series: old a prefix (patches.upto), new a prefix (patches.upto)") ||
			      !json_object_get(json_object_get(old, "series"), "upto"),
		      "%s", text);
	free(text);
	json_decref(ch);
	json_decref(old);
	free(first);
	/* each step is a normal run with patches.upto, its record kept */
	for (size_t i = 0; i < plant.calls; i++) {
		char *up = xasprintf("upto=%zu", plant.prefixes[i]);
		ck_assert_msg(strstr(plant.reproducers[i], up) && !strstr(plant.reproducers[i], "good="),
			      "%s", plant.reproducers[i]);
		free(up);
		char *sp = xasprintf("%s/out/bisect/step-%zu.json", g_home, i + 1);
		ck_assert_msg(path_exists(sp), "%s", sp);
		free(sp);
	}
	json_decref(rec);
	json_decref(d);
	free(rp);
	free(want);
	free(out);
	free(u);
}

START_TEST(finds_a_build_break)
{
	expect_found("build", CHECK_BUILD, 15, ceil_log2(20 - 12 + 1), "error: expected ';'");
	ck_assert_msg(strstr(plant.reproducers[0], "kbuild install "), "%s", plant.reproducers[0]);
}
END_TEST

START_TEST(finds_a_panic_from_the_whole_series)
{
	/* no until: the whole series' run says what to look for (one more step) */
	expect_found(NULL, CHECK_BOOT, 17, 1 + ceil_log2(20 - 12), "Kernel panic - not syncing: planted");
	ck_assert_msg(strstr(plant.reproducers[0], "kbuild qa ") && strstr(plant.reproducers[0], "upto=20"),
		      "%s", plant.reproducers[0]);
	ck_assert_msg(strstr(plant.reproducers[1], "kbuild boot "), "%s", plant.reproducers[1]);
}
END_TEST

START_TEST(finds_a_failed_self_test)
{
	expect_found("tcp_timewait", CHECK_TEST, 18, ceil_log2(20 - 12 + 1),
		     "not ok 2 default value is 10 (got 11)");
	/* the guest runs only the test the steps are judged by */
	ck_assert_msg(strstr(plant.reproducers[0], "qa.tests=tcp_timewait"), "%s", plant.reproducers[0]);
	ck_assert_uint_eq(plant.ntests[0], 1);
	json_t *d = bisect_doc();
	const json_t *v = json_object_get(d, "verdict");
	ck_assert_str_eq(json_member_str(v, "good"), "pass");
	ck_assert_str_eq(json_member_str(v, "bad"), "fail");
	json_decref(d);
}
END_TEST

START_TEST(every_position_within_the_bound)
{
	for (size_t at = 13; at <= 20; at++) {
		teardown();
		setup();
		/* next to good=12 the "good" prefix is proven too: one more */
		expect_found("build", CHECK_BUILD, at, ceil_log2(20 - 12 + 1) + (at == 13), "error");
	}
}
END_TEST

START_TEST(good_that_fails_is_inconclusive)
{
	plant.bad_at = 1; /* even prefix 12 fails */
	plant.kind = CHECK_BUILD;
	const char *args[] = {"good=12", "until=build"};
	char *out;
	int code = bisect(args, 2, &out);
	ck_assert_msg(code == BISECT_EXIT_INCONCLUSIVE, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "inconclusive: the first 12 patches (good=12) fail build too"), "%s", out);
	free(out);
}
END_TEST

START_TEST(unappliable_prefixes_are_skipped)
{
	plant.bad_at = 16;
	plant.kind = CHECK_BUILD;
	plant.no_apply_from = 14;
	plant.no_apply_to = 15;
	const char *args[] = {"good=12", "until=build"};
	char *out;
	int code = bisect(args, 2, &out);
	ck_assert_msg(code == BISECT_EXIT_INCONCLUSIVE, "exit %d: %s", code, out);
	ck_assert_msg(
		strstr(out, "inconclusive: the first bad patch is one of 14..16 (0014-p.patch .. "
			    "0016-p.patch): prefixes 14, 15 (the prefix does not apply) could not be tested"),
		"%s", out);
	json_t *d = bisect_doc();
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(d, "range"), "patches")), 3);
	json_decref(d);
	free(out);
}
END_TEST

START_TEST(passes_everywhere)
{
	char *out;
	int code = bisect(NULL, 0, &out);
	ck_assert_msg(code == BISECT_EXIT_NOT_FOUND, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "kbuild bisect: not found: the first 20 patches pass build, boot and every "
				  "self-test: nothing to bisect"),
		      "%s", out);
	ck_assert_uint_eq(plant.calls, 1);
	free(out);
	/* with a check given, the search proves it in ceil(log2(N+1)) steps */
	teardown();
	setup();
	const char *args[] = {"until=boot"};
	code = bisect(args, 1, &out);
	ck_assert_msg(code == BISECT_EXIT_NOT_FOUND, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "not found: the first 20 patches pass boot (the whole series)"), "%s", out);
	ck_assert_uint_le(plant.calls, ceil_log2(21));
	free(out);
}
END_TEST

static void expect_bad_input(const char *const *args, size_t n, const char *says)
{
	char *out;
	plant.calls = 0;
	int code = bisect(args, n, &out);
	ck_assert_msg(code == BISECT_EXIT_BAD_INPUT, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, says), "no '%s' in: %s", says, out);
	ck_assert_uint_eq(plant.calls, 0);
	free(out);
}

START_TEST(bad_input_is_one_line)
{
	const char *reversed[] = {"good=5", "bad=3"};
	expect_bad_input(reversed, 2, "good=5 is not below bad=3");
	const char *equal[] = {"good=4", "bad=4"};
	expect_bad_input(equal, 2, "good=4 is not below bad=4");
	const char *beyond[] = {"bad=30"};
	expect_bad_input(beyond, 1, "bad=30 is out of range: the series");
	const char *good_beyond[] = {"good=20"};
	expect_bad_input(good_beyond, 1, "good=20 is out of range");
	const char *negative[] = {"good=-1"};
	expect_bad_input(negative, 1, "bad value for bisect.good '-1'");
	const char *until[] = {"until=nonsense"};
	expect_bad_input(
		until, 1,
		"until=nonsense: not build, boot or a self-test this profile runs (sysctl, tcp_timewait)");
	const char *upto[] = {"upto=3"};
	expect_bad_input(upto, 1, "patches.upto is kbuild bisect's own");
	const char *empty[] = {"series=patches/empty"};
	expect_bad_input(empty, 1, "has no patches: nothing to bisect");
	const char *none[] = {"series="};
	expect_bad_input(none, 1, "the profile names no patch series");
	/* one line on stderr, and bisect.json says why */
	json_t *d = bisect_doc();
	ck_assert_str_eq(json_member_str(d, "result"), "bad-input");
	json_decref(d);
}
END_TEST

/* Without until=, a whole series that does not apply is no failure to look for. */
START_TEST(whole_series_does_not_apply)
{
	plant.no_apply_from = 20;
	plant.no_apply_to = 20;
	char *out;
	int code = bisect(NULL, 0, &out);
	ck_assert_msg(code == BISECT_EXIT_BAD_INPUT, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "kbuild bisect: the first 20 patches: the series does not apply"), "%s",
		      out);
	ck_assert_uint_eq(plant.calls, 1);
	free(out);
}
END_TEST

START_TEST(series_with_one_patch)
{
	plant.bad_at = 1;
	plant.kind = CHECK_BUILD;
	const char *args[] = {"series=patches/one", "until=build"};
	char *out;
	int code = bisect(args, 2, &out);
	ck_assert_msg(code == BISECT_EXIT_FOUND, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out,
			     "found: patch 1 of 1, 0001-p.patch (\"patch number 1\"): build pass -> fail"),
		      "%s", out);
	free(out);
}
END_TEST

Suite *bisect_suite(void)
{
	Suite *s = suite_create("bisect");
	TCase *t = tcase_create("search");
	tcase_add_test(t, search_finds_every_position);
	tcase_add_test(t, search_skips_give_a_range);
	suite_add_tcase(s, t);
	t = tcase_create("main");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, finds_a_build_break);
	tcase_add_test(t, finds_a_panic_from_the_whole_series);
	tcase_add_test(t, finds_a_failed_self_test);
	tcase_add_test(t, every_position_within_the_bound);
	tcase_add_test(t, good_that_fails_is_inconclusive);
	tcase_add_test(t, unappliable_prefixes_are_skipped);
	tcase_add_test(t, passes_everywhere);
	tcase_add_test(t, bad_input_is_one_line);
	tcase_add_test(t, whole_series_does_not_apply);
	tcase_add_test(t, series_with_one_patch);
	suite_add_tcase(s, t);
	return s;
}
