/* The pipeline engine with stand-in stages: stamps, staleness that flows
 * downstream only, failures that leave no stamp, and the output lock. */
#include "core/lock.h"
#include "suites.h"
#include "engine/pipeline.h"
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir;
static int runs[3];
static bool fail_b;
static struct settings set = {.name = "test"};

static int add_input(struct run *r, struct stamp *s, const char *name)
{
	char *p = path_join(r->outdir, name);
	stamp_add_file(s, name, p);
	free(p);
	return 0;
}

static int in_a(struct run *r, struct stamp *s)
{
	return add_input(r, s, "input-a");
}
static int in_b(struct run *r, struct stamp *s)
{
	return add_input(r, s, "input-b");
}
static int in_c(struct run *r, struct stamp *s)
{
	return add_input(r, s, "input-c");
}
static int run_a(struct run *r)
{
	(void)r;
	runs[0]++;
	return 0;
}
static int run_b(struct run *r)
{
	(void)r;
	runs[1]++;
	return fail_b ? kb_fail("b failed on purpose") : 0;
}
static int run_c(struct run *r)
{
	(void)r;
	runs[2]++;
	return 0;
}

static const struct stage sa = {.name = "a", .inputs = in_a, .run = run_a},
			  sb = {.name = "b", .inputs = in_b, .run = run_b},
			  sc = {.name = "c", .inputs = in_c, .run = run_c};
static const struct stage *const table[] = {&sa, &sb, &sc};

static struct run make_run(void)
{
	struct run r = {.set = &set, .home = dir, .outdir = dir};
	r.stampdir = path_join(dir, "stamps");
	r.logdir = path_join(dir, "logs");
	return r;
}

static void setup(void)
{
	dir = tu_tmpdir("pipeline");
	tu_write(dir, "input-a", "1");
	tu_write(dir, "input-b", "1");
	tu_write(dir, "input-c", "1");
	memset(runs, 0, sizeof(runs));
	fail_b = false;
}

static void teardown(void)
{
	rm_rf(dir);
	free(dir);
}

static void free_run(struct run *r)
{
	free(r->stampdir);
	free(r->logdir);
}

static char *status_text(struct run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	pipeline_status(r, table, 3, f);
	fclose(f);
	return buf;
}

START_TEST(runs_then_skips)
{
	struct run r = make_run();
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	ck_assert_int_eq(runs[0] + runs[1] + runs[2], 3);
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	ck_assert_int_eq(runs[0] + runs[1] + runs[2], 3); /* nothing re-ran */
	char *st = status_text(&r);
	ck_assert_ptr_nonnull(strstr(st, "a           done"));
	ck_assert_ptr_nonnull(strstr(st, "c           done"));
	free(st);
	free_run(&r);
}
END_TEST

START_TEST(change_makes_later_stages_stale_only)
{
	struct run r = make_run();
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	tu_write(dir, "input-b", "2");
	char *st = status_text(&r);
	ck_assert_ptr_nonnull(strstr(st, "a           done"));
	ck_assert_ptr_nonnull(strstr(st, "b           stale      (input-b changed)"));
	ck_assert_ptr_nonnull(strstr(st, "c           not run    (after b)"));
	free(st);
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	ck_assert_int_eq(runs[0], 1);
	ck_assert_int_eq(runs[1], 2);
	ck_assert_int_eq(runs[2], 2);
	free_run(&r);
}
END_TEST

START_TEST(prefix_of_chain)
{
	struct run r = make_run();
	ck_assert_int_eq(pipeline_run(&r, table, 3, 0), 0);
	ck_assert_int_eq(runs[0], 1);
	ck_assert_int_eq(runs[1] + runs[2], 0);
	free_run(&r);
}
END_TEST

START_TEST(failure_leaves_no_stamp)
{
	struct run r = make_run();
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	tu_write(dir, "input-b", "2");
	fail_b = true;
	ck_assert_int_ne(pipeline_run(&r, table, 3, 2), 0);
	ck_assert_int_eq(runs[2], 1); /* c did not run after b failed */
	char *stamp = path_join(dir, "stamps/b");
	ck_assert(!path_exists(stamp)); /* the old stamp no longer vouches */
	free(stamp);
	char *log = path_join(dir, "logs/b.log");
	char *text = read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "b failed on purpose"));
	free(text);
	free(log);
	fail_b = false;
	ck_assert_int_eq(pipeline_run(&r, table, 3, 2), 0);
	ck_assert_int_eq(runs[1], 3);
	ck_assert_int_eq(runs[2], 2);
	free_run(&r);
}
END_TEST

START_TEST(lock_refuses_second_holder)
{
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t child = fork();
	if (child == 0) {
		int fd = lock_outdir(dir);
		char c = fd >= 0 ? 'y' : 'n';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');
	ck_assert_int_eq(lock_outdir(dir), -1);
	char pid[32];
	snprintf(pid, sizeof(pid), "pid %d", (int)child);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), pid));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	int fd = lock_outdir(dir);
	ck_assert_int_ge(fd, 0); /* released when the holder died */
	unlock_outdir(fd);
}
END_TEST

Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("stamps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, runs_then_skips);
	tcase_add_test(tc, change_makes_later_stages_stale_only);
	tcase_add_test(tc, prefix_of_chain);
	tcase_add_test(tc, failure_leaves_no_stamp);
	tcase_add_test(tc, lock_refuses_second_holder);
	suite_add_tcase(s, tc);
	return s;
}
