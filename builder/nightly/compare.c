#include "nightly/compare.h"
#include "core/status.h"
#include "lib/json.h"
#include "core/rundoc.h"
#include "kconfig/fragment.h"
#include "lib/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void compare_opts_default(struct compare_opts *o)
{
	o->size_pct = 10;
	o->time_pct = 25;
	o->time_min_s = 5;
}

static void add_regression(json_t *ch, char *text)
{
	json_array_append_new(json_object_get(ch, "regressions"), json_string(text));
	free(text);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static json_t *side(const json_t *rec)
{
	return json_pack("{s:O?,s:O?,s:O?,s:O?}", "profile", json_object_get(rec, "profile"), "started",
			 json_object_get(rec, "started"), "outdir", json_object_get(rec, "outdir"), "status",
			 json_object_get(rec, "status"));
}

static json_t *cmp_source(const json_t *old, const json_t *new)
{
	const json_t *a = json_object_get(old, "source"), *b = json_object_get(new, "source");
	json_t *diff = json_object();
	static const char *keys[] = {"version", "sha256", "origin", "kind"};
	for (size_t i = 0; i < 4; i++)
		if (!same_str(json_member_str(a, keys[i]), json_member_str(b, keys[i])))
			json_object_set_new(diff, keys[i],
					    json_pack("{s:s?,s:s?}", "old", json_member_str(a, keys[i]),
						      "new", json_member_str(b, keys[i])));
	return diff;
}

static const json_t *find_patch(const json_t *arr, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(arr, i, p) if (same_str(json_member_str(p, "name"), name)) return p;
	return NULL;
}

static json_t *cmp_patches(const json_t *old, const json_t *new)
{
	const json_t *a = json_object_get(old, "patches"), *b = json_object_get(new, "patches");
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(b, i, p)
	{
		const json_t *q = find_patch(a, json_member_str(p, "name"));
		if (!q)
			json_array_append_new(added, json_string(json_member_str(p, "name")));
		else if (!same_str(json_member_str(p, "sha256"), json_member_str(q, "sha256")))
			json_array_append_new(changed, json_string(json_member_str(p, "name")));
	}
	json_array_foreach(a, i, p) if (!find_patch(b, json_member_str(p, "name")))
		json_array_append_new(removed, json_string(json_member_str(p, "name")));
	return json_pack("{s:o,s:o,s:o}", "added", added, "removed", removed, "changed", changed);
}

static json_t *cmp_config(const json_t *old, const json_t *new, json_t *ch)
{
	const json_t *a = json_object_get(old, "config"), *b = json_object_get(new, "config");
	json_t *added = json_object(), *removed = json_object(), *changed = json_object(),
	       *dropped = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)b, k, v)
	{
		const char *was = json_member_str(a, k);
		if (!was)
			json_object_set(added, k, v);
		else if (!kopt_value_equal(was, json_string_value(v)))
			json_object_set_new(changed, k, json_pack("{s:s,s:O}", "old", was, "new", v));
	}
	json_object_foreach((json_t *)a, k, v) if (!json_object_get(b, k)) json_object_set(removed, k, v);
	/* A requested option that the resolved config does not carry: only
	 * meaningful once the new run has a config at all. */
	if (json_object_size(b)) {
		json_object_foreach(json_object_get(new, "requested"), k, v)
		{
			const char *want = json_string_value(v),
				   *got = json_member_str(b, k) ? json_member_str(b, k) : "n";
			if (want && !kopt_value_equal(want, got)) {
				json_object_set_new(dropped, k,
						    json_pack("{s:s,s:s}", "requested", want, "got", got));
				add_regression(ch, xasprintf("config: CONFIG_%s requested %s, got %s", k,
							     want, got));
			}
		}
	}
	return json_pack("{s:o,s:o,s:o,s:o}", "added", added, "removed", removed, "changed", changed,
			 "dropped", dropped);
}

/* Warnings are matched on file and message: line numbers move when code
 * above them changes. */
static char *warning_key(const json_t *w)
{
	return xasprintf("%s\n%s", json_member_str(w, "file") ?: "", json_member_str(w, "message") ?: "");
}

static json_t *cmp_warnings(const json_t *old, const json_t *new)
{
	const json_t *a = json_object_get(old, "warnings"), *b = json_object_get(new, "warnings");
	json_t *ka = json_object(), *kb = json_object(), *fresh = json_array();
	size_t i, gone = 0;
	json_t *w;
	json_array_foreach(a, i, w)
	{
		char *k = warning_key(w);
		json_object_set_new(ka, k, json_true());
		free(k);
	}
	json_array_foreach(b, i, w)
	{
		char *k = warning_key(w);
		if (!json_object_get(ka, k))
			json_array_append(fresh, w);
		json_object_set_new(kb, k, json_true());
		free(k);
	}
	const char *k;
	json_t *v;
	json_object_foreach(ka, k, v) gone += !json_object_get(kb, k);
	json_t *r = json_pack("{s:I,s:I,s:o,s:I}", "old_count", (json_int_t)json_array_size(a), "new_count",
			      (json_int_t)json_array_size(b), "new", fresh, "gone", (json_int_t)gone);
	json_decref(ka);
	json_decref(kb);
	return r;
}

static double pct(double a, double b)
{
	return a == 0 ? (b == 0 ? 0 : INFINITY) : (b - a) * 100.0 / a;
}

static void size_entry(json_t *out, const char *name, const json_t *a, const json_t *b, double limit)
{
	if (!a && !b)
		return;
	if (a && b) {
		double p = pct((double)json_integer_value(a), (double)json_integer_value(b));
		if (fabs(p) <= limit || json_integer_value(a) == json_integer_value(b))
			return;
		json_array_append_new(out, json_pack("{s:s,s:O,s:O,s:f}", "name", name, "old", a, "new", b,
						     "change_pct", isinf(p) ? 100.0 : p));
	} else {
		json_array_append_new(out, json_pack("{s:s,s:O?,s:O?}", "name", name, "old", a, "new", b));
	}
}

static json_t *cmp_sizes(const json_t *old, const json_t *new, double limit)
{
	const json_t *a = json_object_get(old, "sizes"), *b = json_object_get(new, "sizes");
	json_t *out = json_array();
	static const char *keys[] = {"vmlinux", "bzImage", "modules_total"};
	for (size_t i = 0; i < 3; i++)
		size_entry(out, keys[i], json_object_get(a, keys[i]), json_object_get(b, keys[i]), limit);
	const json_t *ma = json_object_get(a, "modules"), *mb = json_object_get(b, "modules");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)mb, k, v) size_entry(out, k, json_object_get(ma, k), v, limit);
	json_object_foreach((json_t *)ma, k, v) if (!json_object_get(mb, k))
		size_entry(out, k, v, NULL, limit);
	return out;
}

static bool is_test(const char *s, enum test_status want)
{
	enum test_status t;
	return test_status_parse(s, &t) && t == want;
}

static bool passed(const char *s)
{
	return is_test(s, TEST_PASS);
}

static json_t *cmp_tests(const json_t *old, const json_t *new, json_t *ch)
{
	const json_t *a = json_object_get(old, "tests"), *b = json_object_get(new, "tests");
	json_t *reg = json_array(), *fix = json_array(), *fresh = json_array(), *missing = json_array(),
	       *changed = json_array();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)b, k, v)
	{
		const char *now = json_member_str(v, "status");
		const json_t *w = json_object_get(a, k);
		if (!w) {
			json_array_append_new(fresh, json_pack("{s:s,s:s?}", "name", k, "status", now));
			continue;
		}
		const char *was = json_member_str(w, "status");
		if (same_str(was, now))
			continue;
		json_t *e = json_pack("{s:s,s:s?,s:s?}", "name", k, "old", was, "new", now);
		if (passed(was) && now && !is_test(now, TEST_SKIP)) {
			json_array_append_new(reg, e);
			add_regression(ch, xasprintf("test %s: %s -> %s", k, was, now));
		} else if (passed(now)) {
			json_array_append_new(fix, e);
		} else {
			json_array_append_new(changed, e);
		}
	}
	/* A test that stopped reporting at all counts like one that failed. A
	 * subtest is named by what it checked, values included ("vermagic
	 * matches 6.1.192"): one that vanished while its test still passes was
	 * renamed, not lost. */
	json_object_foreach((json_t *)a, k, v) if (!json_object_get(b, k))
	{
		json_array_append_new(missing, json_pack("{s:s,s:s?}", "name", k, "status",
							 json_member_str(v, "status")));
		char *top = xstrndup(k, strcspn(k, "."));
		bool top_passes = strchr(k, '.') &&
				  passed(json_member_str(json_object_get(b, top), "status"));
		if (passed(json_member_str(v, "status")) && !top_passes)
			add_regression(ch, xasprintf("test %s: pass -> not run", k));
		free(top);
	}
	return json_pack("{s:o,s:o,s:o,s:o,s:o}", "regressions", reg, "fixes", fix, "new", fresh, "missing",
			 missing, "changed", changed);
}

static void time_entry(json_t *out, const char *name, double a, double b, const struct compare_opts *o)
{
	double p = pct(a, b);
	if (fabs(b - a) > o->time_min_s && fabs(p) > o->time_pct)
		json_array_append_new(out, json_pack("{s:s,s:f,s:f,s:f}", "name", name, "old", a, "new", b,
						     "change_pct", isinf(p) ? 100.0 : p));
}

/* Only stages that really ran in both: an up-to-date stage takes no time. */
static json_t *cmp_timings(const json_t *old, const json_t *new, const struct compare_opts *o)
{
	json_t *out = json_array();
	const json_t *sa = json_object_get(old, "stages"), *sb = json_object_get(new, "stages");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)sb, k, v)
	{
		const json_t *w = json_object_get(sa, k);
		if (passed(json_member_str(v, "status")) && passed(json_member_str(w, "status")))
			time_entry(out, k, json_number_value(json_object_get(w, "duration")),
				   json_number_value(json_object_get(v, "duration")), o);
	}
	const json_t *ba = json_object_get(json_object_get(old, "boot"), "seconds"),
		     *bb = json_object_get(json_object_get(new, "boot"), "seconds");
	if (json_is_number(ba) && json_is_number(bb))
		time_entry(out, "boot to verdict", json_number_value(ba), json_number_value(bb), o);
	return out;
}

json_t *compare_records(const json_t *old, const json_t *new, const struct compare_opts *o)
{
	json_t *ch = json_pack("{s:o,s:o,s:b,s:[]}", "old", side(old), "new", side(new), "regression", 0,
			       "regressions");
	if (passed(json_member_str(old, "status")) && !passed(json_member_str(new, "status")))
		add_regression(ch, xasprintf("run: pass -> fail (exit %d)",
					     (int)json_integer_value(json_object_get(new, "exit_code"))));
	json_object_set_new(ch, "source", cmp_source(old, new));
	json_object_set_new(ch, "patches", cmp_patches(old, new));
	json_object_set_new(ch, "config", cmp_config(old, new, ch));
	json_object_set_new(ch, "warnings", cmp_warnings(old, new));
	json_object_set_new(ch, "sizes", cmp_sizes(old, new, o->size_pct));
	json_object_set_new(ch, "size_threshold_pct", json_real(o->size_pct));
	json_object_set_new(ch, "tests", cmp_tests(old, new, ch));
	json_object_set_new(ch, "timings", cmp_timings(old, new, o));
	json_object_set_new(ch, "time_threshold",
			    json_pack("{s:f,s:f}", "pct", o->time_pct, "seconds", o->time_min_s));
	json_object_set_new(ch, "regression",
			    json_boolean(json_array_size(json_object_get(ch, "regressions")) > 0));
	/* a run of a prefix of its series (patches.upto, e.g. a bisect step) says so;
	 * a bisect's answer travels with its last step's record */
	const json_t *ou = json_object_get(json_object_get(old, "series"), "upto"),
		     *nu = json_object_get(json_object_get(new, "series"), "upto");
	if (json_is_integer(ou) || json_is_integer(nu))
		json_object_set_new(ch, "series_upto", json_pack("{s:O?,s:O?}", "old", ou, "new", nu));
	if (json_object_get(new, "bisect"))
		json_object_set(ch, "bisect", json_object_get(new, "bisect"));
	return ch;
}
