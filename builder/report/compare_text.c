/* compare_text and compare_main (compare.h): the report for people and the
 * command line. */
#define _GNU_SOURCE
#include "report/compare.h"
#include "report/record.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sval(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

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
		fprintf(f, "  DROPPED CONFIG_%s: requested %s, got %s\n", k, sval(v, "requested"), sval(v, "got"));
	json_object_foreach((json_t *)add, k, v) fprintf(f, "  + CONFIG_%s=%s\n", k, json_string_value(v));
	json_object_foreach((json_t *)rem, k, v) fprintf(f, "  - CONFIG_%s=%s\n", k, json_string_value(v));
	json_object_foreach((json_t *)chg, k, v)
		fprintf(f, "  ~ CONFIG_%s: %s -> %s\n", k, sval(v, "old"), sval(v, "new"));
}

static void section_sizes(FILE *f, const json_t *ch)
{
	const json_t *s = json_object_get(ch, "sizes");
	fprintf(f, "sizes (changes beyond %.0f %%): %zu\n",
		json_number_value(json_object_get(ch, "size_threshold_pct")), json_array_size(s));
	size_t i;
	json_t *e;
	json_array_foreach(s, i, e) {
		const json_t *a = json_object_get(e, "old"), *b = json_object_get(e, "new");
		if (!json_is_integer(a))
			fprintf(f, "  + %s: %lld bytes (new)\n", sval(e, "name"), (long long)json_integer_value(b));
		else if (!json_is_integer(b))
			fprintf(f, "  - %s: %lld bytes (gone)\n", sval(e, "name"), (long long)json_integer_value(a));
		else
			fprintf(f, "  ~ %s: %lld -> %lld bytes (%+.1f %%)\n", sval(e, "name"),
				(long long)json_integer_value(a), (long long)json_integer_value(b),
				json_number_value(json_object_get(e, "change_pct")));
	}
}

static void test_list(FILE *f, const char *label, const json_t *arr)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		if (json_object_get(e, "old"))
			fprintf(f, "  %s %s: %s -> %s\n", label, sval(e, "name"), sval(e, "old") ?: "?",
				sval(e, "new") ?: "?");
		else
			fprintf(f, "  %s %s (%s)\n", label, sval(e, "name"), sval(e, "status") ?: "?");
	}
}

char *compare_text(const json_t *ch)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const json_t *o = json_object_get(ch, "old"), *n = json_object_get(ch, "new");
	fprintf(f, "old: %s (%s, %s)\nnew: %s (%s, %s)\n", sval(o, "outdir") ?: "?", sval(o, "profile") ?: "?",
		sval(o, "started") ?: "?", sval(n, "outdir") ?: "?", sval(n, "profile") ?: "?",
		sval(n, "started") ?: "?");

	const json_t *src = json_object_get(ch, "source");
	if (!json_object_size(src))
		fprintf(f, "source: unchanged\n");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)src, k, v)
		fprintf(f, "source: %s %s -> %s\n", k, sval(v, "old") ?: "none", sval(v, "new") ?: "none");
	const json_t *p = json_object_get(ch, "patches");
	size_t np = json_array_size(json_object_get(p, "added")) + json_array_size(json_object_get(p, "removed")) +
		    json_array_size(json_object_get(p, "changed"));
	fprintf(f, "patches: %s\n", np ? "changed" : "unchanged");
	names(f, "+", json_object_get(p, "added"));
	names(f, "-", json_object_get(p, "removed"));
	names(f, "~", json_object_get(p, "changed"));

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
		fprintf(f, "  + %s:%lld: %s\n", sval(e, "file"), (long long)json_integer_value(json_object_get(e, "line")),
			sval(e, "message"));

	section_sizes(f, ch);

	const json_t *t = json_object_get(ch, "tests");
	fprintf(f, "tests: %zu regressions, %zu fixes, %zu new, %zu missing, %zu other changes\n",
		json_array_size(json_object_get(t, "regressions")), json_array_size(json_object_get(t, "fixes")),
		json_array_size(json_object_get(t, "new")), json_array_size(json_object_get(t, "missing")),
		json_array_size(json_object_get(t, "changed")));
	test_list(f, "REGRESSION", json_object_get(t, "regressions"));
	test_list(f, "fixed", json_object_get(t, "fixes"));
	test_list(f, "new", json_object_get(t, "new"));
	test_list(f, "missing", json_object_get(t, "missing"));
	test_list(f, "changed", json_object_get(t, "changed"));

	const json_t *tt = json_object_get(ch, "time_threshold");
	fprintf(f, "timings (changes beyond %.0f %% and %.0f s): %zu\n",
		json_number_value(json_object_get(tt, "pct")), json_number_value(json_object_get(tt, "seconds")),
		json_array_size(json_object_get(ch, "timings")));
	json_array_foreach(json_object_get(ch, "timings"), i, e)
		fprintf(f, "  ~ %s: %.1f s -> %.1f s (%+.0f %%)\n", sval(e, "name"),
			json_number_value(json_object_get(e, "old")), json_number_value(json_object_get(e, "new")),
			json_number_value(json_object_get(e, "change_pct")));

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

static int parse_pct(const char *arg, const char *val, double *out)
{
	char *end;
	double d = strtod(val, &end);
	if (end == val || (*end && strcmp(end, "%")) || d < 0) {
		fprintf(stderr, "kbuild compare: %s: not a percentage\n", arg);
		return -1;
	}
	*out = d;
	return 0;
}

int compare_main(int argc, char **argv)
{
	const char *paths[2] = {NULL, NULL};
	size_t np = 0;
	bool json = false;
	struct compare_opts o;
	compare_opts_default(&o);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "format=json") || !strcmp(a, "--json"))
			json = true;
		else if (!strcmp(a, "format=text"))
			json = false;
		else if (!strncmp(a, "size-threshold=", 15)) {
			if (parse_pct(a, a + 15, &o.size_pct) < 0)
				return 2;
		} else if (!strncmp(a, "time-threshold=", 15)) {
			if (parse_pct(a, a + 15, &o.time_pct) < 0)
				return 2;
		} else if (!strchr(a, '=') && np < 2)
			paths[np++] = a;
		else {
			fprintf(stderr, "kbuild compare: unexpected argument '%s'\n"
					"usage: kbuild compare OLD NEW [format=text|json] [size-threshold=PCT] "
					"[time-threshold=PCT]\n", a);
			return 2;
		}
	}
	if (np != 2) {
		fprintf(stderr, "usage: kbuild compare OLD NEW (output directories or record.json files)\n");
		return 2;
	}
	json_t *old = record_load(paths[0]), *new = old ? record_load(paths[1]) : NULL;
	if (!old || !new) {
		fprintf(stderr, "kbuild compare: %s\n", kb_last_error());
		json_decref(old);
		return 2;
	}
	json_t *ch = compare_records(old, new, &o);
	char *text = json ? json_dumps(ch, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
			  : compare_text(ch);
	fputs(text, stdout);
	if (json)
		fputc('\n', stdout);
	int rc = json_is_true(json_object_get(ch, "regression")) ? 1 : 0;
	free(text);
	json_decref(ch);
	json_decref(old);
	json_decref(new);
	return rc;
}
