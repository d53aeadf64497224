/* The /qa/plan the guest runs: which tests, in which order, which of them
 * side by side, with the profile's [qa] keys; and qa.sysctl's multi-word
 * values. Uses the shipped profiles (the tests run from the project root). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testskip.h"
#include "suites.h"
#include "core/profile.h"
#include "lib/outfile.h"
#include "guest/qaplan.h"
#include "lib/spawn.h"
#include "lib/util.h"

static struct profile prof;
static struct settings set;
static struct run run;

/* run's settings from prof as it stands (again after an override). */
static void resolve(void)
{
	settings_free(&set);
	settings_resolve(&prof, &set);
}

static void load(const char *name)
{
	memset(&prof, 0, sizeof(prof));
	ck_assert_msg(profile_load(".", name, &prof) == 0, "%s", kb_last_error());
	memset(&run, 0, sizeof(run));
	resolve();
	run.set = &set;
	run.home = ".";
	run.objdir = "/nonexistent"; /* no .config: the upstream TIME_WAIT default */
}

static char *plan(void)
{
	char *text = NULL;
	ck_assert_msg(qaplan_text(&run, &text) == 0, "%s", kb_last_error());
	return text;
}

START_TEST(default_plan_runs_every_test_waiting_ones_together)
{
	load("debian-6.1-ceph");
	char *text = plan();
	struct strv known = {0};
	ck_assert_int_eq(qaplan_known(&run, &known), 0);
	for (size_t i = 0; i < known.n; i++) {
		ck_assert_msg(strcmp(known.v[i], "&"), "the mark is not a test");
		char *plain = xasprintf("%s /qa/%s", known.v[i], known.v[i]);
		ck_assert_msg(strstr(text, plain), "%s missing from the plan:\n%s", known.v[i], text);
		free(plain);
	}
	ck_assert_uint_eq(known.n, 11);
	strv_free(&known);
	/* the waiting tests carry "& ", the state-changing ones do not */
	ck_assert_ptr_nonnull(strstr(text, "\n& tcp_timewait /qa/tcp_timewait --default 60"));
	ck_assert_ptr_nonnull(strstr(text, "\n& keepalive /qa/keepalive\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n& syn_backlog /qa/syn_backlog\n"));
	ck_assert_ptr_nonnull(strstr(text, "\ntw_reuse /qa/tw_reuse\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nport_range /qa/port_range\n"));
	ck_assert_ptr_null(strstr(text, "& tw_buckets"));
	/* the serial ones come before the concurrent block */
	ck_assert(strstr(text, "tw_recycle /qa") < strstr(text, "& tcp_timewait"));
	free(text);
	settings_free(&set);
	profile_free(&prof);
}
END_TEST

START_TEST(tests_key_selects_and_rejects)
{
	load("ceph");
	ck_assert_int_eq(profile_override(&prof, "tests=keepalive tw_reuse"), 0);
	resolve();
	char *text = plan();
	ck_assert_str_eq(text, "& keepalive /qa/keepalive\ntw_reuse /qa/tw_reuse\n");
	free(text);
	ck_assert_int_eq(profile_override(&prof, "tests=keepalive tw_rouse"), 0);
	resolve();
	char *bad = NULL;
	ck_assert_int_eq(qaplan_text(&run, &bad), -1);
	ck_assert_msg(strstr(kb_last_error(), "unknown self-test 'tw_rouse'") &&
			      strstr(kb_last_error(), "syn_backlog"),
		      "%s", kb_last_error());
	settings_free(&set);
	profile_free(&prof);
}
END_TEST

START_TEST(tuning_profile_sysctls_keep_multiword_values)
{
	load("debian-6.1-tuning");
	struct strv s = {0};
	qaplan_sysctls(&run, &s);
	ck_assert_uint_eq(s.n, 9);
	bool range = false, reuse = false;
	for (size_t i = 0; i < s.n; i++) {
		ck_assert_msg(strchr(s.v[i], '='), "entry %s", s.v[i]);
		range |= !strcmp(s.v[i], "net.ipv4.ip_local_port_range=1024 65000");
		reuse |= !strcmp(s.v[i], "net.ipv4.tcp_tw_reuse=1");
	}
	ck_assert(range && reuse);
	strv_free(&s);
	settings_free(&set);
	profile_free(&prof);
}
END_TEST

/* "&" on a line of the list marks its test; the mark is never part of a name. */
START_TEST(list_marks_concurrent_tests)
{
	char *home = xstrdup("/tmp/kbuild-qaplan-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(home));
	char *qa = path_join(home, "qa"), *list = path_join(home, QA_TESTS_LIST);
	ck_assert_int_eq(mkdir_p(qa, 0755), 0);
	const char *text = "one\ntwo &  # waits\nthree&\nfour &\n";
	ck_assert_int_eq(write_file_atomic(list, text, strlen(text)), 0);
	struct run r = {.home = home};
	struct strv names = {0};
	ck_assert_int_eq(qaplan_known(&r, &names), 0);
	ck_assert_uint_eq(names.n, 4);
	ck_assert_str_eq(names.v[2], "three"); /* stripped wherever it is, as make does */
	ck_assert(!qaplan_concurrent(&r, "one"));
	ck_assert(qaplan_concurrent(&r, "two"));
	ck_assert(qaplan_concurrent(&r, "three"));
	ck_assert(qaplan_concurrent(&r, "four"));
	strv_free(&names);
	rm_rf(home);
	free(qa);
	free(list);
	free(home);
}
END_TEST

START_TEST(join_rule)
{
	struct strv words = {0}, out = {0};
	const char *w[] = {"stray", "a.b=1", "2", "3", "c=4", "d=5", "6"};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		strv_push(&words, w[i]);
	ck_assert_uint_eq(qaplan_join_sysctls(&words, &out), 4);
	/* a leading word has nothing to continue: kept, and /init's check refuses it */
	ck_assert_str_eq(out.v[0], "stray");
	ck_assert_str_eq(out.v[1], "a.b=1 2 3");
	ck_assert_str_eq(out.v[2], "c=4");
	ck_assert_str_eq(out.v[3], "d=5 6");
	strv_free(&words);
	strv_free(&out);
}
END_TEST

/* Run qa/qa-runner (built by make) on a plan of two 1-second tests, both
 * with mark or neither; returns its output and the seconds it took. */
static char *run_two_sleepers(const char *mark, double *seconds)
{
	char *dir = xstrdup("/tmp/kbuild-runner-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *slow = path_join(dir, "slow"), *plan_file = path_join(dir, "plan");
	const char *script = "#!/bin/sh\necho start $0; sleep 1; echo end\n";
	ck_assert_int_eq(write_file_atomic(slow, script, strlen(script)), 0);
	ck_assert_int_eq(chmod(slow, 0755), 0);
	char *plan_text = xasprintf("%sfirst %s\n%ssecond %s\n", mark, slow, mark, slow);
	ck_assert_int_eq(write_file_atomic(plan_file, plan_text, strlen(plan_text)), 0);
	char *argv[] = {"build/qa/qa-runner", "-t", "10", plan_file, NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *out = NULL;
	double t0 = now_seconds();
	ck_assert_int_eq(spawn_capture(argv, &o, &out), 0);
	*seconds = now_seconds() - t0;
	rm_rf(dir);
	free(plan_text);
	free(slow);
	free(plan_file);
	free(dir);
	return out;
}

/* Marked tests overlap, and each one's output stays in one piece, in plan
 * order; unmarked ones (the negative case) take their time one by one. */
START_TEST(runner_overlaps_marked_tests)
{
	if (access("build/qa/qa-runner", X_OK) < 0) {
		tu_skip(TU_SKIP_ENV, "build/qa/qa-runner is not built (make qa)");
		return;
	}
	double together, alone;
	char *out = run_two_sleepers("& ", &together);
	char *serial = run_two_sleepers("", &alone);
	fprintf(stderr, "runner: two 1 s tests side by side %.2f s, one by one %.2f s\n", together, alone);
	ck_assert_msg(together < 1.8, "side by side took %.2f s:\n%s", together, out);
	ck_assert_msg(alone >= 2.0, "one by one took %.2f s", alone);
	const char *a = strstr(out, "    # Subtest: first\n    start");
	const char *a_end = a ? strstr(a, "    end\n# duration_ms: ") : NULL;
	const char *a_ok = strstr(out, "\nok 1 first\n");
	const char *b = strstr(out, "    # Subtest: second\n    start");
	ck_assert_msg(a && a_end && a_ok && b && a_end < a_ok && a_ok < b,
		      "blocks not whole or not in order:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\nok 2 second\n"));
	free(out);
	free(serial);
}
END_TEST

Suite *qaplan_suite(void)
{
	Suite *s = suite_create("qaplan");
	TCase *tc = tcase_create("plan");
	tcase_set_timeout(
		tc, 60); /* programs run here (grub tools, shellcheck, the runner): minutes under load */
	tcase_add_test(tc, default_plan_runs_every_test_waiting_ones_together);
	tcase_add_test(tc, tests_key_selects_and_rejects);
	tcase_add_test(tc, tuning_profile_sysctls_keep_multiword_values);
	tcase_add_test(tc, join_rule);
	tcase_add_test(tc, list_marks_concurrent_tests);
	tcase_add_test(tc, runner_overlaps_marked_tests);
	suite_add_tcase(s, tc);
	return s;
}
