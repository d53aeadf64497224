/* kbuild bisect end to end on 2.6.39.4 (../shared/trees, or
 * KBUILD_TEST_LEGACY_SOURCE): three series under tests/data/bisect, each the
 * 2.6.39 series (12 patches, good=12) with six harmless patches and one
 * planted bad one: a syntax error (the build breaks at patch 15), a panic in
 * a late initcall (the boot, patch 17), the compiled-in TIME_WAIT length
 * back at 60 s (tcp_timewait fails, patch 19). Each is found in
 * ceil(log2(7+1)) = 3 steps or fewer. The three share one output directory,
 * so only the first step builds the whole kernel; the others re-patch the
 * tree and rebuild what the changed patches reach. Timings go to stderr
 * for BENCHMARKS.md. */
#include "legacytrees.h"
#include "lib/json.h"
#include "lib/sha256.h"
#include "lib/util.h"
#include "suites.h"
#include "testutil.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct planted {
	const char *series, *until, *name, *bad_value, *excerpt;
	size_t index;
} cases[] = {
	{"series-build", "build", "planted-build-break.patch", "fail", "error: expected", 15},
	{"series-panic", "boot", "planted-boot-panic.patch", "panic", "kbuild bisect test: planted panic",
	 17},
	{"series-timewait", "tcp_timewait", "planted-timewait-default.patch", "fail",
	 "default value is 10 (got 60)", 19},
};

#define GOOD 12
#define NCAND 7 /* patches 13..19 */

START_TEST(planted_2639)
{
	char hex[SHA256_HEX_LEN + 1];
	char *src = lt_2639_or_skip(hex, "bisect");
	if (!src)
		return;
	char *dir = tu_e2e_dir("bisect-2639");
	char *o = xasprintf("O=%s", dir), *s = xasprintf("source=%s", src), *h = xasprintf("sha256=%s", hex);
	double total = 0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct planted *p = &cases[c];
		char *series = xasprintf("series=tests/data/bisect/%s", p->series);
		char *until = xasprintf("until=%s", p->until);
		const char *args[] = {"bisect", "profile=ceph", o, s, h, series, "good=12", until};
		char *out;
		double t0 = now_seconds();
		int st = tu_kbuild("bisect-e2e", args, 8, NULL, &out);
		double dt = now_seconds() - t0;
		total += dt;
		ck_assert_msg(st == 0, "kbuild bisect %s: exit %d", p->series, st);
		char *want = xasprintf("kbuild bisect: found: patch %zu of 19, %s", p->index, p->name);
		ck_assert_msg(strstr(out, want), "no '%s' in the output", want);

		char *bp = path_join(dir, "bisect.json");
		json_t *d = json_read_file(bp);
		ck_assert_msg(d, "%s", kb_last_error());
		ck_assert_str_eq(json_member_str(d, "result"), "found");
		const json_t *fb = json_object_get(d, "first_bad");
		ck_assert_int_eq(json_integer_value(json_object_get(fb, "index")), (json_int_t)p->index);
		ck_assert_str_eq(json_member_str(fb, "name"), p->name);
		ck_assert_str_eq(json_member_str(json_object_get(d, "verdict"), "bad"), p->bad_value);
		ck_assert_msg(strstr(json_member_str(d, "excerpt") ?: "", p->excerpt), "excerpt: %s",
			      json_member_str(d, "excerpt") ?: "(none)");
		json_int_t builds = json_integer_value(json_object_get(d, "builds"));
		ck_assert_msg(builds <= 3, "%s: %lld steps for %d candidates", p->series, (long long)builds,
			      NCAND);
		fprintf(stderr, "bisect-e2e: %s: patch %zu found in %lld steps, %.1f s (", p->series,
			p->index, (long long)builds, dt);
		size_t i;
		json_t *step;
		json_array_foreach(json_object_get(d, "steps"), i, step)
			fprintf(stderr, "%s%lld %s %.1f s", i ? ", " : "",
				(long long)json_integer_value(json_object_get(step, "prefix")),
				json_member_str(step, "verdict"),
				json_number_value(json_object_get(step, "seconds")));
		fprintf(stderr, ")\n");
		json_decref(d);
		free(bp);
		free(want);
		free(out);
		free(series);
		free(until);
	}
	fprintf(stderr, "bisect-e2e: the three planted cases: %.1f s\n", total);
	free(o), free(s), free(h), free(src), free(dir);
}
END_TEST

Suite *bisect_e2e_suite(void)
{
	Suite *s = suite_create("bisect_e2e");
	TCase *tc = tcase_create("planted");
	tcase_set_timeout(tc, 7200);
	tcase_add_test(tc, planted_2639);
	suite_add_tcase(s, tc);
	return s;
}
