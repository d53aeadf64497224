/* compare_text (compare.h): the report for people and the
 * command line. */
#include "nightly/compare.h"
#include "lib/json.h"
#include "core/rundoc.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void names(FILE *f, const char *sign, const json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) fprintf(f, "  %s %s\n", sign, json_string_value(v));
}

static void section_config(FILE *f, const json_t *c)
{
	const json_t *add = json_object_get(c, "added"), *rem = json_object_get(c, "removed"),
		     *chg = json_object_get(c, "changed"), *drop = json_object_get(c, "dropped");
	fprintf(f, "config: %zu added, %zu removed, %zu changed, %zu requested but dropped\n",
		json_object_size(add), json_object_size(rem), json_object_size(chg), json_object_size(drop));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)drop, k, v)
		fprintf(f, "  DROPPED CONFIG_%s: requested %s, got %s\n", k, json_member_str(v, "requested"),
			json_member_str(v, "got"));
	json_object_foreach((json_t *)add, k, v) fprintf(f, "  + CONFIG_%s=%s\n", k, json_string_value(v));
	json_object_foreach((json_t *)rem, k, v) fprintf(f, "  - CONFIG_%s=%s\n", k, json_string_value(v));
	json_object_foreach((json_t *)chg, k, v)
		fprintf(f, "  ~ CONFIG_%s: %s -> %s\n", k, json_member_str(v, "old"),
			json_member_str(v, "new"));
}

static void section_sizes(FILE *f, const json_t *ch)
{
	const json_t *s = json_object_get(ch, "sizes");
	fprintf(f, "sizes (changes beyond %.0f %%): %zu\n",
		json_number_value(json_object_get(ch, "size_threshold_pct")), json_array_size(s));
	size_t i;
	json_t *e;
	json_array_foreach(s, i, e)
	{
		const json_t *a = json_object_get(e, "old"), *b = json_object_get(e, "new");
		if (!json_is_integer(a))
			fprintf(f, "  + %s: %lld bytes (new)\n", json_member_str(e, "name"),
				(long long)json_integer_value(b));
		else if (!json_is_integer(b))
			fprintf(f, "  - %s: %lld bytes (gone)\n", json_member_str(e, "name"),
				(long long)json_integer_value(a));
		else
			fprintf(f, "  ~ %s: %lld -> %lld bytes (%+.1f %%)\n", json_member_str(e, "name"),
				(long long)json_integer_value(a), (long long)json_integer_value(b),
				json_number_value(json_object_get(e, "change_pct")));
	}
}

static void test_list(FILE *f, const char *label, const json_t *arr)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		if (json_object_get(e, "old"))
			fprintf(f, "  %s %s: %s -> %s\n", label, json_member_str(e, "name"),
				json_member_str(e, "old") ?: "?", json_member_str(e, "new") ?: "?");
		else
			fprintf(f, "  %s %s (%s)\n", label, json_member_str(e, "name"),
				json_member_str(e, "status") ?: "?");
	}
}

char *compare_text(const json_t *ch)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const json_t *o = json_object_get(ch, "old"), *n = json_object_get(ch, "new");
	fprintf(f, "old: %s (%s, %s)\nnew: %s (%s, %s)\n", json_member_str(o, "outdir") ?: "?",
		json_member_str(o, "profile") ?: "?", json_member_str(o, "started") ?: "?",
		json_member_str(n, "outdir") ?: "?", json_member_str(n, "profile") ?: "?",
		json_member_str(n, "started") ?: "?");

	const json_t *src = json_object_get(ch, "source");
	if (!json_object_size(src))
		fprintf(f, "source: unchanged\n");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)src, k, v)
		fprintf(f, "source: %s %s -> %s\n", k, json_member_str(v, "old") ?: "none",
			json_member_str(v, "new") ?: "none");
	const json_t *p = json_object_get(ch, "patches");
	size_t np = json_array_size(json_object_get(p, "added")) +
		    json_array_size(json_object_get(p, "removed")) +
		    json_array_size(json_object_get(p, "changed"));
	fprintf(f, "patches: %s\n", np ? "changed" : "unchanged");
	names(f, "+", json_object_get(p, "added"));
	names(f, "-", json_object_get(p, "removed"));
	names(f, "~", json_object_get(p, "changed"));

	const json_t *up = json_object_get(ch, "series_upto");
	if (up)
		fprintf(f, "series: old %s, new %s\n",
			json_is_integer(json_object_get(up, "old")) ? "a prefix (patches.upto)" : "whole",
			json_is_integer(json_object_get(up, "new")) ? "a prefix (patches.upto)" : "whole");

	section_config(f, json_object_get(ch, "config"));

	const json_t *w = json_object_get(ch, "warnings");
	fprintf(f, "warnings: %lld -> %lld, %zu new, %lld gone\n",
		(long long)json_integer_value(json_object_get(w, "old_count")),
		(long long)json_integer_value(json_object_get(w, "new_count")),
		json_array_size(json_object_get(w, "new")),
		(long long)json_integer_value(json_object_get(w, "gone")));
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(w, "new"), i, e)
		fprintf(f, "  + %s:%lld: %s\n", json_member_str(e, "file"),
			(long long)json_integer_value(json_object_get(e, "line")),
			json_member_str(e, "message"));

	section_sizes(f, ch);

	const json_t *t = json_object_get(ch, "tests");
	fprintf(f, "tests: %zu regressions, %zu fixes, %zu new, %zu missing, %zu other changes\n",
		json_array_size(json_object_get(t, "regressions")),
		json_array_size(json_object_get(t, "fixes")), json_array_size(json_object_get(t, "new")),
		json_array_size(json_object_get(t, "missing")),
		json_array_size(json_object_get(t, "changed")));
	test_list(f, "REGRESSION", json_object_get(t, "regressions"));
	test_list(f, "fixed", json_object_get(t, "fixes"));
	test_list(f, "new", json_object_get(t, "new"));
	test_list(f, "missing", json_object_get(t, "missing"));
	test_list(f, "changed", json_object_get(t, "changed"));

	const json_t *tt = json_object_get(ch, "time_threshold");
	fprintf(f, "timings (changes beyond %.0f %% and %.0f s): %zu\n",
		json_number_value(json_object_get(tt, "pct")),
		json_number_value(json_object_get(tt, "seconds")),
		json_array_size(json_object_get(ch, "timings")));
	json_array_foreach(json_object_get(ch, "timings"), i, e)
		fprintf(f, "  ~ %s: %.1f s -> %.1f s (%+.0f %%)\n", json_member_str(e, "name"),
			json_number_value(json_object_get(e, "old")),
			json_number_value(json_object_get(e, "new")),
			json_number_value(json_object_get(e, "change_pct")));

	const json_t *bi = json_object_get(ch, "bisect");
	if (bi)
		fprintf(f, "bisect: %s (%s)\n", json_member_str(bi, "answer") ?: "?",
			json_member_str(bi, "document") ?: "?");

	const json_t *regs = json_object_get(ch, "regressions");
	if (json_array_size(regs)) {
		fprintf(f, "result: REGRESSION (%zu)\n", json_array_size(regs));
		json_array_foreach(regs, i, e) fprintf(f, "  %s\n", json_string_value(e));
	} else {
		fprintf(f, "result: no regression\n");
	}
	fclose(f);
	return buf;
}
