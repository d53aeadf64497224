/* results.json, junit.xml and the exit code from a KTAP report. */
#include "guest/results.h"
#include "guest/tcp_figures.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/xml.h"

#include <jansson.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Lines of a test's log kept as its excerpt: the end is what matters. */
#define EXCERPT_LINES 200

/* Failed or missing anywhere below t? */
static bool subtree_failed(const struct ktap_test *t)
{
	for (size_t i = 0; i < t->nsub; i++) {
		const struct ktap_test *s = &t->sub[i];
		if (s->status == TEST_FAIL || s->status == TEST_MISSING ||
		    (s->status == TEST_PASS && subtree_failed(s)))
			return true;
	}
	return false;
}

static void add(struct results *res, const char *name, bool expected, const struct ktap_test *t)
{
	res->v = xrealloc(res->v, (res->n + 1) * sizeof(*res->v));
	struct result *r = &res->v[res->n++];
	r->name = xstrdup(name);
	r->expected = expected;
	r->test = t;
	r->status = t ? t->status : TEST_MISSING;
	if (r->status == TEST_PASS && subtree_failed(t))
		r->status = TEST_FAIL;
	res->count[r->status]++;
}

void results_build(struct results *res, const struct ktap_report *report, const char *const *expected,
		   size_t nexpected)
{
	memset(res, 0, sizeof(*res));
	res->reported = report->header;
	const struct ktap_test *top = report->root.sub;
	size_t ntop = report->root.nsub;
	bool *used = xcalloc(ntop + 1, sizeof(*used));
	for (size_t e = 0; e < nexpected; e++) {
		const struct ktap_test *t = NULL;
		for (size_t i = 0; i < ntop && !t; i++) {
			if (!used[i] && !strcmp(top[i].name, expected[e])) {
				used[i] = true;
				t = &top[i];
			}
		}
		add(res, expected[e], true, t);
	}
	bool expected_missing = res->count[TEST_MISSING] > 0;
	for (size_t i = 0; i < ntop; i++) {
		/* An unnamed missing result (a plan promised it) is most likely
		 * one of the expected tests already reported missing. */
		if (used[i] || (expected_missing && !top[i].name[0] && top[i].status == TEST_MISSING))
			continue;
		char *name = top[i].name[0] ? xstrdup(top[i].name) : xasprintf("test %ld", top[i].number);
		add(res, name, false, &top[i]);
		free(name);
	}
	free(used);
}

void results_free(struct results *res)
{
	for (size_t i = 0; i < res->n; i++)
		free(res->v[i].name);
	free(res->v);
	memset(res, 0, sizeof(*res));
}

int results_exit_code(const struct results *res)
{
	if (!res->reported || res->count[TEST_MISSING])
		return 2;
	return res->count[TEST_FAIL] ? 1 : 0;
}

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows, 0 if none. */
static size_t utf8_char(const unsigned char *s)
{
	if (s[0] < 0x80)
		return (s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n') && s[0] != 0x7f;
	size_t n;
	unsigned long c;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff ||
	    (c >= 0x80 && c <= 0x9f))
		return 0;
	return n;
}

char *results_clean_text(const char *s)
{
	size_t len = strlen(s);
	char *out = xmalloc(len + 1), *w = out;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_char(p);
		if (!n) {
			*w++ = '?';
			p++;
			continue;
		}
		memcpy(w, p, n);
		w += n;
		p += n;
	}
	*w = '\0';
	return out;
}

static char *excerpt(const struct ktap_test *t)
{
	size_t from = t->log.n > EXCERPT_LINES ? t->log.n - EXCERPT_LINES : 0;
	size_t len = 1;
	for (size_t i = from; i < t->log.n; i++)
		len += strlen(t->log.v[i]) + 1;
	char *raw = xmalloc(len), *w = raw;
	for (size_t i = from; i < t->log.n; i++)
		w += sprintf(w, "%s\n", t->log.v[i]);
	*w = '\0';
	char *clean = results_clean_text(raw);
	free(raw);
	return clean;
}

static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	char *clean = results_clean_text(s);
	json_t *j = json_string(clean);
	free(clean);
	return j ? j : json_null();
}

static json_t *json_test(const struct ktap_test *t, const char *name, enum test_status status)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", jstr(name));
	json_object_set_new(o, "status", json_string(test_status_name(status)));
	if (t && t->status != status)
		json_object_set_new(o, "reported_status", json_string(test_status_name(t->status)));
	json_object_set_new(o, "number", t ? json_integer(t->number) : json_null());
	json_object_set_new(o, "reason", jstr(t ? t->reason : NULL));
	if (t && t->duration_ms >= 0) {
		json_object_set_new(o, "duration_ms", json_integer(t->duration_ms));
		json_object_set_new(o, "duration", json_real((double)t->duration_ms / 1000));
	} else {
		json_object_set_new(o, "duration_ms", json_null());
		json_object_set_new(o, "duration", json_null());
	}
	char *log = t ? excerpt(t) : xstrdup("");
	json_object_set_new(o, "log", json_string(log));
	free(log);
	json_t *subs = json_array();
	for (size_t i = 0; t && i < t->nsub; i++)
		json_array_append_new(subs, json_test(&t->sub[i], t->sub[i].name, t->sub[i].status));
	json_object_set_new(o, "subtests", subs);
	return o;
}

int results_write_json(const struct results *res, const char *path)
{
	json_t *root = json_object();
	json_object_set_new(root, "reported", json_boolean(res->reported));
	json_object_set_new(root, "exit_code", json_integer(results_exit_code(res)));
	json_t *sum = json_object();
	for (int s = TEST_PASS; s <= TEST_MISSING; s++)
		json_object_set_new(sum, test_status_name(s), json_integer((json_int_t)res->count[s]));
	json_object_set_new(sum, "total", json_integer((json_int_t)res->n));
	json_object_set_new(root, "summary", sum);
	json_t *tests = json_array();
	for (size_t i = 0; i < res->n; i++) {
		json_t *t = json_test(res->v[i].test, res->v[i].name, res->v[i].status);
		json_object_set_new(t, "expected", json_boolean(res->v[i].expected));
		json_array_append_new(tests, t);
	}
	json_object_set_new(root, "tests", tests);
	int r = json_write_file(root, path, JSON_DOC_FLAGS);
	json_decref(root);
	return r;
}

static void xml_attr(FILE *f, const char *name, const char *value)
{
	char *clean = results_clean_text(value ? value : "");
	fprintf(f, " %s=\"", name);
	xml_escape(f, clean, true);
	fputc('"', f);
	free(clean);
}

struct tally {
	size_t tests, failures, errors, skipped;
};

static void count(struct tally *c, enum test_status s)
{
	c->tests++;
	c->failures += s == TEST_FAIL;
	c->errors += s == TEST_MISSING;
	c->skipped += s == TEST_SKIP || s == TEST_TODO;
}

static void tally_subtests(struct tally *c, const struct ktap_test *t)
{
	for (size_t i = 0; t && i < t->nsub; i++) {
		count(c, t->sub[i].status);
		tally_subtests(c, &t->sub[i]);
	}
}

static void junit_case(FILE *f, const char *classname, const char *name, enum test_status status,
		       const struct ktap_test *t, bool with_log)
{
	fputs("    <testcase", f);
	xml_attr(f, "classname", classname);
	xml_attr(f, "name", name);
	if (t && t->duration_ms >= 0)
		fprintf(f, " time=\"%.3f\"", (double)t->duration_ms / 1000);
	bool log = with_log && t && t->log.n;
	if (status == TEST_PASS && !log) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	const char *reason = t ? t->reason : NULL;
	switch (status) {
	case TEST_FAIL:
		fputs("      <failure", f);
		xml_attr(f, "message", t && t->status == TEST_PASS ? "a subtest failed" : "not ok");
		fputs("/>\n", f);
		break;
	case TEST_MISSING:
		fputs("      <error", f);
		xml_attr(f, "message", "no result: the test never reported (crash, hang or missing)");
		fputs("/>\n", f);
		break;
	case TEST_SKIP:
	case TEST_TODO: {
		char *msg = xasprintf("%s%s%s", status == TEST_TODO ? "TODO" : "SKIP",
				      reason && *reason ? ": " : "", reason ? reason : "");
		fputs("      <skipped", f);
		xml_attr(f, "message", msg);
		fputs("/>\n", f);
		free(msg);
		break;
	}
	case TEST_PASS:
		break;
	}
	if (log) {
		char *text = excerpt(t);
		fputs("      <system-out>", f);
		xml_escape(f, text, false);
		fputs("</system-out>\n", f);
		free(text);
	}
	fputs("    </testcase>\n", f);
}

static void junit_subtests(FILE *f, const char *classname, const char *prefix, const struct ktap_test *t)
{
	for (size_t i = 0; t && i < t->nsub; i++) {
		const struct ktap_test *s = &t->sub[i];
		char *name = s->name[0] ? xasprintf("%s%s", prefix, s->name)
					: xasprintf("%s#%ld", prefix, s->number);
		junit_case(f, classname, name, s->status, s, s->status == TEST_FAIL);
		char *deeper = xasprintf("%s/", name);
		junit_subtests(f, classname, deeper, s);
		free(deeper);
		free(name);
	}
}

/* One <testsuite> per top-level test: a testcase for its own verdict (with
 * the log excerpt) and one per subtest, flattened with '/'. */
int results_write_junit(const struct results *res, const char *path)
{
	char *data = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&data, &size);
	if (!f)
		return kb_fail("cannot build %s in memory", path);
	struct tally all = {0};
	double total_time = 0;
	for (size_t i = 0; i < res->n; i++) {
		count(&all, res->v[i].status);
		tally_subtests(&all, res->v[i].test);
		if (res->v[i].test && res->v[i].test->duration_ms > 0)
			total_time += (double)res->v[i].test->duration_ms / 1000;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	xml_attr(f, "name", "kbuild-qa");
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		all.tests, all.failures, all.errors, all.skipped, total_time);
	if (!res->reported) {
		fputs("  <testsuite name=\"boot\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n",
		      f);
		fputs("    <testcase classname=\"boot\" name=\"ktap-header\">\n", f);
		fputs("      <error message=\"the guest printed no KTAP\"/>\n    </testcase>\n", f);
		fputs("  </testsuite>\n", f);
	}
	for (size_t i = 0; i < res->n; i++) {
		const struct result *r = &res->v[i];
		struct tally c = {0};
		count(&c, r->status);
		tally_subtests(&c, r->test);
		fputs("  <testsuite", f);
		xml_attr(f, "name", r->name);
		fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", c.tests,
			c.failures, c.errors, c.skipped);
		if (r->test && r->test->duration_ms >= 0)
			fprintf(f, " time=\"%.3f\"", (double)r->test->duration_ms / 1000);
		fputs(">\n", f);
		junit_case(f, "qa", r->name, r->status, r->test, true);
		char *classname = xasprintf("qa.%s", r->name);
		junit_subtests(f, classname, "", r->test);
		free(classname);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (fclose(f) != 0) {
		free(data);
		return kb_fail("cannot build %s in memory", path);
	}
	int ret = write_file_atomic(path, data, size);
	free(data);
	return ret;
}

/* A test or subtest name as a KCIDB/SQUAD path component: [A-Za-z0-9_-]. */
static char *path_part(const char *name)
{
	char *s = xstrdup(*name ? name : "unnamed");
	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '_';
	return s;
}

static void flatten(const json_t *arr, const char *prefix, json_t *tests)
{
	size_t i;
	json_t *t;
	json_array_foreach(arr, i, t)
	{
		const char *name = json_member_str(t, "name"), *status = json_member_str(t, "status");
		char *part = path_part(name ? name : "");
		char *full = prefix ? xasprintf("%s.%s", prefix, part) : xstrdup(part);
		json_t *e = json_pack("{s:s}", "status", status ? status : test_status_name(TEST_MISSING));
		json_t *dur = json_object_get(t, "duration");
		if (json_is_number(dur))
			json_object_set_new(e, "duration", json_real(json_number_value(dur)));
		json_object_set_new(tests, full, e);
		flatten(json_object_get(t, "subtests"), full, tests);
		free(full);
		free(part);
	}
}

void results_flatten(const json_t *results, json_t *tests, json_t *measurements, json_t *figures)
{
	flatten(json_object_get(results, "tests"), NULL, tests);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(results, "tests"), i, t)
		tcp_figures_of_test(t, figures, measurements);
}
