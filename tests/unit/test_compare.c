/* `kbuild compare` on hand-made record pairs: each kind of change, and no
 * change; the exit code of the command. */
#include "nightly/compare.h"
#include "suites.h"
#include "core/rundoc.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A record of a good run (tests/data/compare/base-record.json); tests
 * change one part of a copy. */
static json_t *base_record(void)
{
	json_error_t err;
	char *p = tu_data_path("compare/base-record.json");
	json_t *r = json_load_file(p, 0, &err);
	free(p);
	if (!r)
		ck_abort_msg("fixture: %s", err.text);
	return r;
}

static json_t *cmp(const json_t *a, const json_t *b)
{
	struct compare_opts o;
	compare_opts_default(&o);
	return compare_records(a, b, &o);
}

static json_t *at(json_t *o, const char *a, const char *b)
{
	json_t *x = json_object_get(o, a);
	return b ? json_object_get(x, b) : x;
}

static bool regressed(const json_t *ch)
{
	return json_is_true(json_object_get(ch, "regression"));
}

START_TEST(no_change)
{
	json_t *a = base_record(), *b = base_record();
	json_t *ch = cmp(a, b);
	ck_assert(!regressed(ch));
	ck_assert_uint_eq(json_object_size(at(ch, "source", NULL)), 0);
	ck_assert_uint_eq(json_array_size(at(ch, "patches", "added")) +
				  json_array_size(at(ch, "patches", "removed")) +
				  json_array_size(at(ch, "patches", "changed")),
			  0);
	ck_assert_uint_eq(json_object_size(at(ch, "config", "added")) +
				  json_object_size(at(ch, "config", "removed")) +
				  json_object_size(at(ch, "config", "changed")) +
				  json_object_size(at(ch, "config", "dropped")),
			  0);
	ck_assert_uint_eq(json_array_size(at(ch, "warnings", "new")), 0);
	ck_assert_uint_eq(json_array_size(at(ch, "sizes", NULL)), 0);
	ck_assert_uint_eq(json_array_size(at(ch, "timings", NULL)), 0);
	ck_assert_uint_eq(json_array_size(at(ch, "tests", "regressions")) +
				  json_array_size(at(ch, "tests", "fixes")) +
				  json_array_size(at(ch, "tests", "new")) +
				  json_array_size(at(ch, "tests", "missing")),
			  0);
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(strstr(text, "source: unchanged"));
	ck_assert_ptr_nonnull(strstr(text, "result: no regression"));
	free(text);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(source_and_patches)
{
	json_t *a = base_record(), *b = base_record();
	json_object_set_new(at(b, "source", NULL), "sha256", json_string("bb"));
	json_t *p = at(b, "patches", NULL);
	json_object_set_new(json_array_get(p, 0), "sha256", json_string("99"));
	json_array_remove(p, 1);
	json_array_append_new(p, json_pack("{s:s,s:s}", "name", "0003-c.patch", "sha256", "33"));
	json_t *ch = cmp(a, b);
	ck_assert_str_eq(json_string_value(at(at(ch, "source", "sha256"), "new", NULL)), "bb");
	ck_assert_str_eq(json_string_value(json_array_get(at(ch, "patches", "added"), 0)), "0003-c.patch");
	ck_assert_str_eq(json_string_value(json_array_get(at(ch, "patches", "removed"), 0)), "0002-b.patch");
	ck_assert_str_eq(json_string_value(json_array_get(at(ch, "patches", "changed"), 0)), "0001-a.patch");
	ck_assert(!regressed(ch));
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(strstr(text, "source: sha256 aa -> bb"));
	ck_assert_ptr_nonnull(strstr(text, "  + 0003-c.patch"));
	free(text);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(config_options_and_dropped_requests)
{
	json_t *a = base_record(), *b = base_record();
	json_t *c = at(b, "config", NULL);
	json_object_set_new(c, "CRYPTO_SHA256", json_string("m"));   /* added */
	json_object_del(c, "NET");                                   /* removed */
	json_object_set_new(c, "TCP_TW_TIMEOUT", json_string("60")); /* changed, and requested 10: dropped */
	json_t *ch = cmp(a, b);
	ck_assert_str_eq(json_string_value(at(at(ch, "config", "added"), "CRYPTO_SHA256", NULL)), "m");
	ck_assert_str_eq(json_string_value(at(at(ch, "config", "removed"), "NET", NULL)), "y");
	ck_assert_str_eq(json_string_value(at(at(ch, "config", "changed"), "TCP_TW_TIMEOUT", "new")), "60");
	ck_assert_str_eq(json_string_value(at(at(ch, "config", "dropped"), "TCP_TW_TIMEOUT", "got")), "60");
	ck_assert(regressed(ch));
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(strstr(text, "DROPPED CONFIG_TCP_TW_TIMEOUT: requested 10, got 60"));
	ck_assert_ptr_nonnull(strstr(text, "+ CONFIG_CRYPTO_SHA256=m"));
	ck_assert_ptr_nonnull(strstr(text, "- CONFIG_NET=y"));
	free(text);
	json_decref(ch);

	/* Only the value change: not requested, so no regression. */
	json_decref(b);
	b = base_record();
	json_object_set_new(at(b, "config", NULL), "NET", json_string("m"));
	ch = cmp(a, b);
	ck_assert(!regressed(ch));
	ck_assert_uint_eq(json_object_size(at(ch, "config", "changed")), 1);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(new_warnings_with_file_and_line)
{
	json_t *a = base_record(), *b = base_record();
	json_t *w = at(b, "warnings", NULL);
	/* the old warning moved down: the same warning, not a new one */
	json_object_set_new(json_array_get(w, 0), "line", json_integer(14));
	json_array_append_new(w, json_pack("{s:s,s:i,s:s}", "file", "fs/ceph/super.c", "line", 77, "message",
					   "comparison is always true [-Wtype-limits]"));
	json_t *ch = cmp(a, b);
	ck_assert_uint_eq(json_array_size(at(ch, "warnings", "new")), 1);
	ck_assert_int_eq(json_integer_value(at(ch, "warnings", "gone")), 0);
	ck_assert(!regressed(ch));
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(
		strstr(text, "+ fs/ceph/super.c:77: comparison is always true [-Wtype-limits]"));
	free(text);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(sizes_beyond_the_threshold)
{
	json_t *a = base_record(), *b = base_record();
	json_t *s = at(b, "sizes", NULL);
	json_object_set_new(s, "vmlinux", json_integer(1050000)); /* +5 %: below 10 % */
	json_object_set_new(s, "bzImage", json_integer(150000));  /* +50 % */
	json_object_set_new(at(s, "modules", NULL), "sha256_generic.ko", json_integer(500));
	json_object_del(at(s, "modules", NULL), "rbd.ko");
	json_t *ch = cmp(a, b);
	json_t *list = at(ch, "sizes", NULL);
	bool bz = false, vm = false, added = false, gone = false;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		bz |= !strcmp(n, "bzImage") && json_number_value(json_object_get(e, "change_pct")) == 50.0;
		vm |= !strcmp(n, "vmlinux");
		added |= !strcmp(n, "sha256_generic.ko") && json_is_null(json_object_get(e, "old"));
		gone |= !strcmp(n, "rbd.ko") && json_is_null(json_object_get(e, "new"));
	}
	ck_assert(bz && !vm && added && gone);
	ck_assert(!regressed(ch));
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(strstr(text, "~ bzImage: 100000 -> 150000 bytes (+50.0 %)"));
	free(text);
	json_decref(ch);

	/* A lower threshold reports the 5 % too. */
	struct compare_opts o;
	compare_opts_default(&o);
	o.size_pct = 1;
	ch = compare_records(a, b, &o);
	vm = false;
	json_array_foreach(at(ch, "sizes", NULL), i, e)
		vm |= !strcmp(json_string_value(json_object_get(e, "name")), "vmlinux");
	ck_assert(vm);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(tests_regressions_fixes_new_missing)
{
	json_t *a = base_record(), *b = base_record();
	json_t *t = at(b, "tests", NULL);
	json_object_set_new(t, "tcp_timewait", json_pack("{s:s}", "status", "fail")); /* regression */
	json_object_set_new(t, "backlog", json_pack("{s:s}", "status", "pass"));      /* fix */
	json_object_set_new(t, "ktls", json_pack("{s:s}", "status", "pass"));         /* new */
	json_object_del(t, "sysctl");                                                 /* missing */
	json_t *ch = cmp(a, b);
	ck_assert(regressed(ch));
	ck_assert_str_eq(json_string_value(
				 at(json_array_get(at(ch, "tests", "regressions"), 0), "name", NULL)),
			 "tcp_timewait");
	ck_assert_str_eq(json_string_value(at(json_array_get(at(ch, "tests", "fixes"), 0), "name", NULL)),
			 "backlog");
	ck_assert_str_eq(json_string_value(at(json_array_get(at(ch, "tests", "new"), 0), "name", NULL)),
			 "ktls");
	ck_assert_str_eq(json_string_value(at(json_array_get(at(ch, "tests", "missing"), 0), "name", NULL)),
			 "sysctl");
	ck_assert_uint_eq(json_array_size(at(ch, "regressions", NULL)), 2); /* tcp_timewait, sysctl */
	char *text = compare_text(ch);
	ck_assert_ptr_nonnull(strstr(text, "REGRESSION tcp_timewait: pass -> fail"));
	ck_assert_ptr_nonnull(strstr(text, "fixed backlog: fail -> pass"));
	ck_assert_ptr_nonnull(strstr(text, "result: REGRESSION (2)"));
	free(text);
	json_decref(ch);

	/* A subtest renamed under a test that still passes is missing and new,
	 * not a regression; with its test failing it is one. */
	json_decref(b);
	json_object_set_new(at(a, "tests", NULL), "modules.vermagic_matches_6_1_191",
			    json_pack("{s:s}", "status", "pass"));
	b = base_record();
	json_object_set_new(at(b, "tests", NULL), "modules.vermagic_matches_6_1_192",
			    json_pack("{s:s}", "status", "pass"));
	ch = cmp(a, b);
	ck_assert(!regressed(ch));
	ck_assert_uint_eq(json_array_size(at(ch, "tests", "missing")), 1);
	ck_assert_uint_eq(json_array_size(at(ch, "tests", "new")), 1);
	json_decref(ch);
	json_object_set_new(at(b, "tests", NULL), "modules", json_pack("{s:s}", "status", "fail"));
	ch = cmp(a, b);
	ck_assert_uint_eq(json_array_size(at(ch, "regressions", NULL)), 2); /* modules, and its subtest */
	json_decref(ch);
	json_decref(a);
	a = base_record();

	/* pass -> skip is a change, not a regression. */
	json_decref(b);
	b = base_record();
	json_object_set_new(at(b, "tests", NULL), "modules", json_pack("{s:s}", "status", "skip"));
	ch = cmp(a, b);
	ck_assert(!regressed(ch));
	ck_assert_uint_eq(json_array_size(at(ch, "tests", "changed")), 1);
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(timings_beyond_the_threshold)
{
	json_t *a = base_record(), *b = base_record();
	json_object_set_new(at(at(b, "stages", NULL), "build", NULL), "duration",
			    json_real(300.0)); /* +200 % */
	json_object_set_new(at(at(b, "stages", NULL), "config", NULL), "duration",
			    json_real(14.0)); /* +40 %, 4 s */
	json_object_set_new(at(at(b, "stages", NULL), "fetch", NULL), "duration",
			    json_real(30.0)); /* up to date in old */
	json_object_set_new(at(b, "boot", NULL), "seconds", json_real(30.0));
	json_t *ch = cmp(a, b);
	json_t *list = at(ch, "timings", NULL);
	ck_assert_uint_eq(json_array_size(list), 2);
	ck_assert_str_eq(json_string_value(at(json_array_get(list, 0), "name", NULL)), "build");
	ck_assert_str_eq(json_string_value(at(json_array_get(list, 1), "name", NULL)), "boot to verdict");
	ck_assert(!regressed(ch));
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(run_that_stopped_passing)
{
	json_t *a = base_record(), *b = base_record();
	json_object_set_new(b, "status", json_string("fail"));
	json_object_set_new(b, "exit_code", json_integer(1));
	json_object_set_new(at(at(b, "stages", NULL), "build", NULL), "status", json_string("fail"));
	json_t *ch = cmp(a, b);
	ck_assert(regressed(ch));
	ck_assert_str_eq(json_string_value(json_array_get(at(ch, "regressions", NULL), 0)),
			 "run: pass -> fail (exit 1)");
	json_decref(ch);
	/* and back: a fix, not a regression */
	ch = cmp(b, a);
	ck_assert(!regressed(ch));
	json_decref(ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* The command: 0 without regression, 1 with one, 2 for bad input; JSON on
 * request. */
START_TEST(compare_command_exit_codes)
{
	char *d = tu_tmpdir("compare");
	json_t *a = base_record(), *b = base_record();
	char *pa = path_join(d, "old.json"), *pb = path_join(d, "new.json");
	ck_assert_int_eq(rundoc_write(a, pa), 0);
	ck_assert_int_eq(rundoc_write(b, pb), 0);
	const char *same[] = {"compare", pa, pb};
	char *out;
	ck_assert_int_eq(tu_kbuild("compare", same, 3, NULL, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "result: no regression"));
	free(out);

	json_object_set_new(at(b, "tests", NULL), "sysctl", json_pack("{s:s}", "status", "fail"));
	ck_assert_int_eq(rundoc_write(b, pb), 0);
	const char *js[] = {"compare", pa, pb, "format=json"};
	ck_assert_int_eq(tu_kbuild("compare", js, 4, NULL, &out), 1);
	json_error_t err;
	json_t *ch = json_loads(strstr(out, "{"), JSON_DISABLE_EOF_CHECK, &err);
	ck_assert_msg(ch != NULL, "not JSON: %s", err.text);
	ck_assert(regressed(ch));
	json_decref(ch);
	free(out);

	/* a directory without a record, and a file that is not one */
	tu_write(d, "other.json", "{\"tests\": {}}\n");
	char *po = path_join(d, "other.json");
	const char *bad[] = {"compare", d, pb};
	ck_assert_int_eq(tu_kbuild("compare", bad, 3, NULL, &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "record.json"));
	free(out);
	const char *bad2[] = {"compare", po, pb};
	ck_assert_int_eq(tu_kbuild("compare", bad2, 3, NULL, &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "not a kbuild record"));
	free(out);
	free(po);
	json_decref(a);
	json_decref(b);
	free(pa);
	free(pb);
	rm_rf(d);
	free(d);
}
END_TEST

Suite *compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("pairs");
	tcase_add_test(tc, no_change);
	tcase_add_test(tc, source_and_patches);
	tcase_add_test(tc, config_options_and_dropped_requests);
	tcase_add_test(tc, new_warnings_with_file_and_line);
	tcase_add_test(tc, sizes_beyond_the_threshold);
	tcase_add_test(tc, tests_regressions_fixes_new_missing);
	tcase_add_test(tc, timings_beyond_the_threshold);
	tcase_add_test(tc, run_that_stopped_passing);
	tcase_add_test(tc, compare_command_exit_codes);
	suite_add_tcase(s, tc);
	return s;
}
