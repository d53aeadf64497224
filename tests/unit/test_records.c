/* Records between stages: typed round trips, escaping that keeps a newline
 * in a value from adding a key, and the message for a missing record. */
#include "core/records.h"
#include "suites.h"
#include "core/run.h"
#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static struct run r;

static void setup(void)
{
	dir = tu_tmpdir("records");
	r = (struct run){.outdir = dir};
}

static void teardown(void)
{
	rm_rf(dir);
	free(dir);
}

START_TEST(round_trip_with_hostile_values)
{
	struct source_rec in = {"tarball", "/a path/with\nsha256 forged\\n and \\ back\tslash", "abc",
				"yes (sha256)", "https://example.org/x,y"};
	ck_assert_int_eq(source_rec_put(&r, &in), 0);
	struct source_rec out;
	ck_assert_int_eq(source_rec_get(&r, &out), 0);
	ck_assert_str_eq(out.path, in.path);
	ck_assert_str_eq(out.sha256, "abc"); /* the newline in path added no key */
	ck_assert_str_eq(out.origin, in.origin);
	source_rec_free(&out);
	ck_assert_ptr_null(out.path);

	struct build_rec b = {.steps = 4321, .warnings = 7, .errors = 0, .seconds = 12.5, .jobs = 2};
	ck_assert_int_eq(build_rec_put(&r, &b), 0);
	struct build_rec b2;
	ck_assert_int_eq(build_rec_get(&r, &b2), 0);
	ck_assert_uint_eq(b2.steps, 4321);
	ck_assert_uint_eq(b2.warnings, 7);
	ck_assert_double_eq_tol(b2.seconds, 12.5, 0.001);
	ck_assert_int_eq(b2.jobs, 2);
}
END_TEST

START_TEST(missing_record_names_the_stage)
{
	struct install_rec inst;
	ck_assert_int_eq(install_rec_get(&r, &inst), -1);
	ck_assert_msg(strstr(kb_last_error(), "run the install stage first"), "%s", kb_last_error());
	ck_assert_ptr_null(inst.release);
	/* an older, unescaped record still reads */
	tu_write(dir, "install.rec", "release 6.1.0-kbuild\n");
	ck_assert_int_eq(install_rec_get(&r, &inst), 0);
	ck_assert_str_eq(inst.release, "6.1.0-kbuild");
	install_rec_free(&inst);
	ck_assert_int_eq(record_remove(&r, &install_rec_desc), 0);
	ck_assert_int_eq(install_rec_get(&r, &inst), -1);
}
END_TEST

Suite *records_suite(void)
{
	Suite *s = suite_create("records");
	TCase *tc = tcase_create("records");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip_with_hostile_values);
	tcase_add_test(tc, missing_record_names_the_stage);
	suite_add_tcase(s, tc);
	return s;
}
