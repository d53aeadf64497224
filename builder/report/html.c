#include "report/html.h"
#include "lib/xml.h"
#include "report/facts.h"
#include "report/svg.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "core/status.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define esc(f, s) xml_escape(f, s, true)

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}"
	"h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top;font-size:.92em}th{background:#f4f4f4}"
	"code,pre{font-family:ui-monospace,monospace;font-size:.88em}pre{background:#f7f7f7;padding:.5em;"
	"overflow-x:auto;white-space:pre-wrap;margin:.2em 0}"
	".pass{color:#1a7f1a;font-weight:bold}.fail,.missing{color:#c62828;font-weight:bold}"
	".skip,.todo{color:#777;font-weight:bold}.verdict{font-size:1.2em}.muted{color:#777}"
	"svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}svg text.lbl{text-anchor:end}"
	"svg text.title{font-size:13px;font-weight:bold}article.run{margin-bottom:3em}"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}details summary{cursor:pointer}";

/* ---- small helpers ---- */

static void status_span(FILE *f, const char *status)
{
	fprintf(f, "<span class=\"");
	esc(f, status ? status : "missing");
	fprintf(f, "\">");
	esc(f, status ? status : "missing");
	fprintf(f, "</span>");
}

static void row2(FILE *f, const char *k, const char *v)
{
	if (!v)
		return;
	fprintf(f, "<tr><th>");
	esc(f, k);
	fprintf(f, "</th><td>");
	esc(f, v);
	fprintf(f, "</td></tr>\n");
}

/* path shown relative to outdir when below it. */
static const char *rel(const char *path, const char *outdir)
{
	size_t l = outdir ? strlen(outdir) : 0;
	if (l && !strncmp(path, outdir, l) && path[l] == '/')
		return path + l + 1;
	return path;
}

static json_t *read_json_in(const char *outdir, const char *name)
{
	if (!outdir)
		return NULL;
	char *p = path_join(outdir, name);
	json_t *j = path_exists(p) ? json_read_file(p) : NULL;
	kb_clear_error();
	free(p);
	return j;
}

/* ---- sections ---- */

static void section_verdict(FILE *f, const json_t *doc, const struct report_facts *fa)
{
	fprintf(f,
		"<section class=\"verdict-section\"><p class=\"verdict\" id=\"verdict\" data-status=\"%s\">"
		"<span class=\"%s\">%s</span> ",
		fa->passed ? "pass" : "fail", fa->passed ? "pass" : "fail", fa->passed ? "PASS" : "FAIL");
	const char *sep = "";
	if (fa->release) {
		fprintf(f, "kernel <b class=\"release\">");
		esc(f, fa->release);
		fprintf(f, "</b>");
		sep = ", ";
	}
	if (fa->tests) {
		fprintf(f,
			"%s<span class=\"tests-passed\" data-passed=\"%zu\" data-total=\"%zu\">%zu/%zu self-tests "
			"passed</span>",
			sep, fa->tests_passed, fa->tests, fa->tests_passed, fa->tests);
		sep = ", ";
	}
	if (fa->accel) {
		fprintf(f, "%saccelerator ", sep);
		esc(f, fa->accel);
		sep = ", ";
	}
	if (fa->failed_stage) {
		fprintf(f, "%s<span class=\"fail\">", sep);
		esc(f, fa->failed_stage);
		fprintf(f, " failed</span>");
	}
	fprintf(f, "</p>\n<table class=\"facts\">\n");
	row2(f, "profile", fa->profile);
	json_t *src = json_object_get(doc, "source");
	row2(f, "source", json_member_str(src, "version"));
	row2(f, "origin", json_member_str(src, "origin"));
	row2(f, "source sha256", json_member_str(src, "sha256"));
	row2(f, "compiler", json_member_str(doc, "compiler"));
	row2(f, "accelerator", json_member_str(json_object_get(doc, "boot"), "accel_why"));
	row2(f, "started", json_member_str(doc, "started"));
	row2(f, "finished", json_member_str(doc, "finished"));
	row2(f, "reproducer", json_member_str(doc, "reproducer"));
	row2(f, "output", fa->outdir);
	fprintf(f, "</table>\n");
	if (!fa->passed && fa->failed_stage) {
		fprintf(f, "<div class=\"failure\"><h3>Why it failed</h3><p>");
		esc(f, fa->reason ? fa->reason : "(no reason recorded)");
		fprintf(f, "</p><p>log: <code>");
		esc(f, fa->log ? fa->log : "");
		fprintf(f, "</code></p><pre class=\"log-tail\">");
		esc(f, json_member_str(json_object_get(doc, "failure"), "log_tail"));
		fprintf(f, "</pre></div>\n");
	}
	fprintf(f, "</section>\n");
}

static void section_timeline(FILE *f, const json_t *doc, const struct report_facts *fa)
{
	fprintf(f, "<section class=\"stages\"><h2>Stage timeline</h2>\n");
	json_t *stages = json_object_get(doc, "stages");
	if (!json_object_size(stages)) {
		fprintf(f, "<p class=\"muted\">No stage ran.</p></section>\n");
		return;
	}
	char *t = report_human_seconds(fa->seconds);
	fprintf(f, "<p>%zu stages, %s in all (grey: up to date).</p>\n", json_object_size(stages), t);
	free(t);
	svg_timeline(f, stages);
	fprintf(f, "</section>\n");
}

static void test_row(FILE *f, const json_t *t, const char *parent)
{
	const char *name = json_member_str(t, "name"), *status = json_member_str(t, "status");
	json_t *dur = json_object_get(t, "duration");
	const char *log = json_member_str(t, "log"), *reason = json_member_str(t, "reason");
	json_t *subs = json_object_get(t, "subtests");
	fprintf(f, "<tr class=\"%s\" data-test=\"", parent ? "subtest" : "test");
	if (parent) {
		esc(f, parent);
		fputc('/', f);
	}
	esc(f, name ? name : "?");
	fprintf(f, "\" data-status=\"");
	esc(f, status ? status : "missing");
	fprintf(f, "\"><td>%s", parent ? "&nbsp;&nbsp;&#8627; " : "");
	esc(f, name ? name : "?");
	fprintf(f, "</td><td>");
	status_span(f, status);
	if (reason && *reason) {
		fprintf(f, " <span class=\"muted\">");
		esc(f, reason);
		fprintf(f, "</span>");
	}
	if (json_is_number(dur))
		fprintf(f, "</td><td class=\"num duration\">%.2f s</td><td>", json_number_value(dur));
	else
		fprintf(f, "</td><td class=\"num duration\">-</td><td>");
	/* Subtests that passed are counted here; the others get a row. */
	size_t i, n = json_array_size(subs), passed = 0;
	json_t *s;
	json_array_foreach(subs, i, s) passed += !strcmp(json_member_str(s, "status") ?: "", "pass");
	if (n)
		fprintf(f,
			"<span class=\"subtests\" data-passed=\"%zu\" data-total=\"%zu\">%zu/%zu subtests pass</span> ",
			passed, n, passed, n);
	if (log && *log) {
		fprintf(f, "<details%s><summary>KTAP diagnostics</summary><pre class=\"ktap\">",
			status && strcmp(status, "pass") && strcmp(status, "skip") ? " open" : "");
		esc(f, log);
		fprintf(f, "</pre></details>");
	}
	fprintf(f, "</td></tr>\n");
	if (!parent)
		json_array_foreach(subs, i, s) if (strcmp(json_member_str(s, "status") ?: "", "pass"))
			test_row(f, s, name ? name : "?");
}

static void section_tests(FILE *f, const json_t *doc, const json_t *results)
{
	fprintf(f, "<section class=\"selftests\"><h2>Self-tests</h2>\n");
	json_t *tests = json_object_get(doc, "tests");
	if (!json_object_size(tests)) {
		fprintf(f, "<p class=\"muted\">The self-tests did not run in this run.</p></section>\n");
		return;
	}
	fprintf(f, "<table class=\"selftests\"><tr><th>test</th><th>verdict</th><th>duration</th>"
		   "<th>diagnostics</th></tr>\n");
	json_t *arr = json_object_get(results, "tests");
	if (json_array_size(arr)) {
		size_t i;
		json_t *t;
		json_array_foreach(arr, i, t) test_row(f, t, NULL);
	} else {
		/* results.json is gone: the document's verdicts without diagnostics. */
		const char *k;
		json_t *v;
		json_object_foreach(tests, k, v)
		{
			json_t *t = json_pack("{s:s,s:O?}", "name", k, "status",
					      json_object_get(v, "status"));
			json_object_set(t, "duration", json_object_get(v, "duration"));
			test_row(f, t, NULL);
			json_decref(t);
		}
	}
	fprintf(f, "</table></section>\n");
}

/* ---- TCP figures (the run document's "figures": guest/tcp_figures.h) ---- */

static void section_tcp(FILE *f, const json_t *doc)
{
	const json_t *figures = json_object_get(doc, "figures");
	fprintf(f, "<section class=\"tcp\"><h2>TCP figures measured in the guest</h2>\n");
	if (!json_array_size(figures)) {
		fprintf(f, "<p class=\"muted\">No TCP measurement in this run's self-tests.</p></section>\n");
		return;
	}
	fprintf(f, "<table class=\"tcp\"><tr><th>test</th><th>figure</th><th>set</th><th>measured</th>"
		   "<th>accepted</th><th></th></tr>\n");
	size_t i;
	json_t *g;
	json_array_foreach(figures, i, g)
	{
		const char *cells[] = {"test", "what", "set", "measured", "bounds"};
		fprintf(f, "<tr data-figure=\"");
		esc(f, json_member_str(g, "what"));
		fprintf(f, "\">");
		for (size_t c = 0; c < sizeof(cells) / sizeof(cells[0]); c++) {
			fprintf(f, c >= 3 ? "<td class=\"num\">" : "<td>");
			esc(f, json_member_str(g, cells[c]));
			fprintf(f, "</td>");
		}
		const json_t *within = json_object_get(g, "within");
		fprintf(f, "<td>%s</td></tr>\n",
			json_is_true(within)    ? "<span class=\"pass\">within</span>"
			: json_is_false(within) ? "<span class=\"fail\">outside</span>"
						: "");
	}
	fprintf(f, "</table></section>\n");
}

/* ---- config ---- */

/* "CONFIG_X: ..." lines of config-report.txt, by option (without CONFIG_). */
static json_t *config_reasons(const char *outdir)
{
	json_t *out = json_object();
	if (!outdir)
		return out;
	char *p = path_join(outdir, OUT_CONFIG_REPORT);
	char *text = path_exists(p) ? read_file(p, NULL) : NULL;
	kb_clear_error();
	for (char *l = text, *e; l && *l; l = e ? e + 1 : NULL) {
		e = strchr(l, '\n');
		if (e)
			*e = '\0';
		if (strncmp(l, "CONFIG_", 7))
			continue;
		char *colon = strstr(l, ": ");
		if (!colon)
			continue;
		char *opt = xstrndup(l + 7, (size_t)(colon - l - 7));
		json_object_set_new(out, opt, json_string(colon + 2));
		free(opt);
	}
	free(text);
	free(p);
	return out;
}

static void section_config(FILE *f, const json_t *doc, const char *outdir)
{
	json_t *req = json_object_get(doc, "requested"), *cfg = json_object_get(doc, "config");
	fprintf(f, "<section class=\"config\"><h2>Config verification</h2>\n");
	if (!json_is_object(req)) {
		fprintf(f, "<p class=\"muted\">The config stage did not run in this run.</p></section>\n");
		return;
	}
	json_t *why = config_reasons(outdir);
	size_t kept = 0, dropped = 0;
	const char *k;
	json_t *v;
	json_object_foreach(req, k, v)
	{
		const char *want = json_string_value(v), *got = json_member_str(cfg, k);
		if (!strcmp(got ? got : "n", want ? want : "n"))
			kept++;
		else
			dropped++;
	}
	const char *frag = NULL;
	size_t i;
	json_t *fr;
	fprintf(f,
		"<p><span class=\"requested\" data-count=\"%zu\">%zu options requested</span> by the fragments (",
		json_object_size(req), json_object_size(req));
	json_array_foreach(json_object_get(doc, "fragments"), i, fr)
	{
		frag = json_string_value(fr);
		fprintf(f, "%s<code>", i ? ", " : "");
		esc(f, frag ? frag : "?");
		fprintf(f, "</code>");
	}
	fprintf(f,
		"), %zu resolved as asked, <span class=\"%s dropped\" data-count=\"%zu\">%zu dropped</span>; "
		"the resolved .config sets %zu options.</p>\n",
		kept, dropped ? "fail" : "pass", dropped, dropped, json_object_size(cfg));
	fprintf(f,
		"<details%s><summary>every requested option</summary><table class=\"config\"><tr><th>option</th>"
		"<th>requested</th><th>resolved</th><th>why</th></tr>\n",
		dropped ? " open" : "");
	json_object_foreach(req, k, v)
	{
		const char *want = json_string_value(v), *got = json_member_str(cfg, k);
		bool ok = !strcmp(got ? got : "n", want ? want : "n");
		fprintf(f, "<tr class=\"%s\"><td><code>CONFIG_", ok ? "kept" : "dropped");
		esc(f, k);
		fprintf(f, "</code></td><td>");
		esc(f, want ? want : "?");
		fprintf(f, "</td><td>");
		esc(f, got ? got : "n");
		fprintf(f, "</td><td>");
		if (!ok)
			esc(f, json_member_str(why, k) ? json_member_str(why, k) : "see config-report.txt");
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table></details></section>\n");
	json_decref(why);
}

/* ---- warnings ---- */

/* The kind of a warning: its -W flag, "linker" for ld's, else "other". */
static char *warning_kind(const json_t *w)
{
	const char *file = json_member_str(w, "file"), *msg = json_member_str(w, "message");
	if (file && (!strcmp(file, "ld") || strstr(file, "-ld")))
		return xstrdup("linker");
	const char *br = msg ? strrchr(msg, '[') : NULL;
	if (br && br[1] == '-' && strchr(br, ']')) {
		/* "[-Wformat-truncation=]" is the kind -Wformat-truncation */
		size_t n = (size_t)(strchr(br, ']') - br - 1);
		while (n > 2 && br[n] == '=')
			n--;
		return xstrndup(br + 1, n);
	}
	return xstrdup("other");
}

static int count_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "n"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "n"));
	return x < y ? 1 : x > y ? -1 : 0;
}

static void section_warnings(FILE *f, const json_t *doc)
{
	json_t *ws = json_object_get(doc, "warnings");
	fprintf(f, "<section class=\"warnings\"><h2>Warnings by kind</h2>\n");
	if (!json_is_array(ws)) {
		fprintf(f, "<p class=\"muted\">The build stage did not run in this run.</p></section>\n");
		return;
	}
	json_t *kinds = json_object();
	size_t i;
	json_t *w;
	json_array_foreach(ws, i, w)
	{
		char *k = warning_kind(w);
		json_t *e = json_object_get(kinds, k);
		if (!e) {
			e = json_pack("{s:s,s:i,s:O}", "kind", k, "n", 0, "example", w);
			json_object_set_new(kinds, k, e);
		}
		json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
		free(k);
	}
	size_t n = json_object_size(kinds), j = 0;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *k;
	json_t *e;
	json_object_foreach(kinds, k, e) v[j++] = e;
	qsort(v, n, sizeof(*v), count_cmp);
	fprintf(f,
		"<p><span class=\"warning-count\" data-count=\"%zu\">%zu warnings</span> in %zu kinds.</p>\n",
		json_array_size(ws), json_array_size(ws), n);
	if (n)
		fprintf(f,
			"<table class=\"warnings\"><tr><th>kind</th><th>count</th><th>first seen</th></tr>\n");
	for (j = 0; j < n; j++) {
		json_t *ex = json_object_get(v[j], "example");
		fprintf(f, "<tr data-kind=\"");
		esc(f, json_member_str(v[j], "kind"));
		fprintf(f, "\"><td><code>");
		esc(f, json_member_str(v[j], "kind"));
		fprintf(f, "</code></td><td class=\"num\">%lld</td><td><code>",
			(long long)json_integer_value(json_object_get(v[j], "n")));
		esc(f, json_member_str(ex, "file"));
		fprintf(f, ":%lld</code> ", (long long)json_integer_value(json_object_get(ex, "line")));
		esc(f, json_member_str(ex, "message"));
		fprintf(f, "</td></tr>\n");
	}
	if (n)
		fprintf(f, "</table>\n");
	fprintf(f, "</section>\n");
	free(v);
	json_decref(kinds);
}

/* ---- artifacts, rollout ---- */

static void section_artifacts(FILE *f, const json_t *doc, const char *outdir)
{
	json_t *arts = json_object_get(doc, "artifacts");
	fprintf(f, "<section class=\"artifacts\"><h2>Artifacts</h2>\n");
	if (!json_array_size(arts)) {
		fprintf(f, "<p class=\"muted\">None.</p></section>\n");
		return;
	}
	fprintf(f, "<table class=\"artifacts\"><tr><th>file</th><th>size</th><th>sha256</th></tr>\n");
	size_t i;
	json_t *a;
	json_array_foreach(arts, i, a)
	{
		const char *p = json_member_str(a, "path");
		char *size = report_human_size((long long)json_integer_value(json_object_get(a, "size")));
		fprintf(f, "<tr><td><code>");
		esc(f, p ? rel(p, outdir) : "?");
		fprintf(f,
			"</code></td><td class=\"num\" data-bytes=\"%lld\">%s</td><td><code class=\"sha256\">",
			(long long)json_integer_value(json_object_get(a, "size")), size);
		esc(f, json_member_str(a, "sha256"));
		fprintf(f, "</code></td></tr>\n");
		free(size);
	}
	fprintf(f, "</table></section>\n");
}

static void scalar(FILE *f, const json_t *v)
{
	if (json_is_string(v))
		esc(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.2f", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "yes" : "no", f);
	else if (!json_is_null(v)) {
		char *s = json_dumps(v, JSON_COMPACT);
		esc(f, s);
		free(s);
	}
}

/* A list of objects as a table (columns: every member seen), anything else as text. */
static void generic(FILE *f, const char *name, const json_t *v)
{
	fprintf(f, "<h3>");
	esc(f, name);
	fprintf(f, "</h3>\n");
	if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
		json_t *cols = json_object();
		size_t i;
		json_t *o;
		const char *k;
		json_t *x;
		json_array_foreach(v, i, o) json_object_foreach(o, k, x)
			json_object_set(cols, k, json_true());
		fprintf(f, "<table class=\"rollout-%s\"><tr>", name);
		json_object_foreach(cols, k, x)
		{
			fprintf(f, "<th>");
			esc(f, k);
			fprintf(f, "</th>");
		}
		fprintf(f, "</tr>\n");
		json_array_foreach(v, i, o)
		{
			fprintf(f, "<tr>");
			json_object_foreach(cols, k, x)
			{
				json_t *c = json_object_get(o, k);
				const char *s = json_string_value(c);
				enum test_status ts;
				fprintf(f, "<td>");
				if (s && test_status_parse(s, &ts))
					status_span(f, s);
				else
					scalar(f, c);
				fprintf(f, "</td>");
			}
			fprintf(f, "</tr>\n");
		}
		fprintf(f, "</table>\n");
		json_decref(cols);
	} else if (json_is_object(v)) {
		fprintf(f, "<table>");
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
		{
			fprintf(f, "<tr><th>");
			esc(f, k);
			fprintf(f, "</th><td>");
			scalar(f, x);
			fprintf(f, "</td></tr>\n");
		}
		fprintf(f, "</table>\n");
	} else {
		fprintf(f, "<p>");
		scalar(f, v);
		fprintf(f, "</p>\n");
	}
}

static void section_rollout(FILE *f, const json_t *doc)
{
	json_t *ro = json_object_get(doc, "rollout");
	if (!ro)
		return;
	fprintf(f, "<section class=\"rollout\"><h2>Rollout</h2>\n");
	if (json_is_object(ro)) {
		json_t *plain = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(ro, k, v)
		{
			if (json_is_array(v) || json_is_object(v))
				generic(f, k, v);
			else
				json_object_set(plain, k, v);
		}
		if (json_object_size(plain))
			generic(f, "summary", plain);
		json_decref(plain);
	} else {
		generic(f, "rollout", ro);
	}
	fprintf(f, "</section>\n");
}

/* ---- trends ---- */

static bool stage_ran(const json_t *rec, const char *stage)
{
	enum stage_status s;
	return rundoc_stage_status(rec, stage, &s) && s != STAGE_SKIP;
}

static double num_at(const json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void section_trends(FILE *f, const json_t *doc, const json_t *history)
{
	json_t *runs = json_array();
	if (json_array_size(history))
		json_array_extend(runs, (json_t *)history);
	else
		json_array_append(runs, (json_t *)doc);
	size_t n = json_array_size(runs);
	fprintf(f, "<section class=\"trends\"><h2>Trends over the last %zu run%s</h2>\n", n,
		n == 1 ? "" : "s");
	fprintf(f,
		"<p class=\"muted\">From the history's kept runs (report.keep), oldest first; a run where a stage "
		"was up to date has no point for it; a failed run's points are red.</p>\n");
	char **labels = xcalloc(n, sizeof(char *));
	double *build = xcalloc(n, sizeof(double)), *boot = xcalloc(n, sizeof(double)),
	       *bz = xcalloc(n, sizeof(double)), *mods = xcalloc(n, sizeof(double)),
	       *warn = xcalloc(n, sizeof(double));
	json_t *tw_keys = json_object();
	bool *failed = xcalloc(n, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_array_get(runs, i);
		failed[i] = !strcmp(json_member_str(r, "status") ?: "", "fail");
		const char *fin = json_member_str(r, "finished") ? json_member_str(r, "finished")
								 : json_member_str(r, "started");
		/* "2026-12-03T18:12:22Z" -> "12-03 18:12" */
		labels[i] = fin && strlen(fin) >= 16 ? xasprintf("%.5s %.5s", fin + 5, fin + 11)
						     : xasprintf("#%zu", i + 1);
		bool built = stage_ran(r, "build");
		build[i] = built ? num_at(r, "build", "seconds") : NAN;
		warn[i] = built ? num_at(r, "build", "warnings") : NAN;
		boot[i] = stage_ran(r, "boot") ? num_at(r, "boot", "seconds") : NAN;
		bz[i] = num_at(r, "sizes", "bzImage") / 1048576.0;
		mods[i] = num_at(r, "sizes", "modules_total") / 1048576.0;
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(r, "measurements"), k, v) if (!strncmp(k, "lifetime_", 9))
			json_object_set(tw_keys, k, json_true());
	}
	struct {
		const char *metric, *title, *unit;
		const double *y;
	} plots[] = {
		{"build_seconds", "Build time", "s", build},
		{"bzimage_mib", "bzImage size", "MiB", bz},
		{"modules_mib", "Modules size", "MiB", mods},
		{"boot_seconds", "Boot to verdict", "s", boot},
		{"warnings", "Compiler warnings", "count", warn},
	};
	for (size_t p = 0; p < sizeof(plots) / sizeof(plots[0]); p++) {
		size_t have = 0;
		for (size_t i = 0; i < n; i++)
			have += isfinite(plots[p].y[i]);
		if (!have) {
			fprintf(f,
				"<p class=\"muted no-data\" data-metric=\"%s\">%s: no run has a value.</p>\n",
				plots[p].metric, plots[p].title);
			continue;
		}
		struct svg_series s = {plots[p].title, plots[p].y, NAN};
		svg_trend_runs(f, plots[p].metric, plots[p].title, plots[p].unit, (const char *const *)labels,
			       failed, n, &s, 1);
	}
	size_t ns = json_object_size(tw_keys);
	if (ns) {
		struct svg_series *ser = xcalloc(ns, sizeof(*ser));
		double **ys = xcalloc(ns, sizeof(double *));
		char **names = xcalloc(ns, sizeof(char *));
		size_t s = 0;
		const char *k;
		json_t *v;
		json_object_foreach(tw_keys, k, v)
		{
			ys[s] = xcalloc(n, sizeof(double));
			for (size_t i = 0; i < n; i++)
				ys[s][i] = num_at(json_array_get(runs, i), "measurements", k);
			long set = strtol(k + 9, NULL, 10);
			names[s] = xasprintf("lasted at tcp_tw_timeout=%ld", set);
			ser[s] = (struct svg_series){names[s], ys[s], (double)set};
			s++;
		}
		svg_trend_runs(f, "timewait_seconds", "TIME_WAIT length measured against the one set", "s",
			       (const char *const *)labels, failed, n, ser, ns);
		for (s = 0; s < ns; s++) {
			free(ys[s]);
			free(names[s]);
		}
		free(ys);
		free(names);
		free(ser);
	}
	fprintf(f, "</section>\n");
	json_decref(tw_keys);
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
	free(failed);
	free(build);
	free(boot);
	free(bz);
	free(mods);
	free(warn);
	json_decref(runs);
}

/* ---- the page ---- */

static void article(FILE *f, const struct report_run *rr)
{
	const json_t *doc = rr->doc;
	fprintf(f, "<article class=\"run\"");
	if (rr->label) {
		fprintf(f, " id=\"row-");
		esc(f, rr->label);
		fprintf(f, "\" data-label=\"");
		esc(f, rr->label);
		fprintf(f, "\"");
	}
	fprintf(f, ">\n");
	if (rr->label) {
		fprintf(f, "<h1>");
		esc(f, rr->label);
		fprintf(f, "</h1>\n");
	}
	if (!doc) {
		fprintf(f, "<p class=\"fail\">This row left no record.json: see its log.</p></article>\n");
		return;
	}
	struct report_facts fa;
	report_facts(doc, &fa);
	json_t *results = json_object_size(json_object_get(doc, "tests"))
				  ? read_json_in(fa.outdir, OUT_RESULTS_JSON)
				  : NULL;
	section_verdict(f, doc, &fa);
	section_timeline(f, doc, &fa);
	section_tests(f, doc, results);
	section_tcp(f, doc);
	section_trends(f, doc, rr->history);
	section_config(f, doc, fa.outdir);
	section_warnings(f, doc);
	section_artifacts(f, doc, fa.outdir);
	section_rollout(f, doc);
	fprintf(f, "</article>\n");
	json_decref(results);
	report_facts_free(&fa);
}

static void overview(FILE *f, const struct report_run *runs, size_t n)
{
	fprintf(f,
		"<section class=\"matrix\"><h2>Matrix: %zu rows</h2>\n<table class=\"matrix\"><tr><th>row</th>"
		"<th>verdict</th><th>kernel</th><th>self-tests</th><th>accelerator</th><th>time</th><th>failed "
		"stage</th><th>page</th></tr>\n",
		n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<tr data-row=\"");
		esc(f, runs[i].label ? runs[i].label : "?");
		fprintf(f, "\"><td><a href=\"#row-");
		esc(f, runs[i].label ? runs[i].label : "?");
		fprintf(f, "\">");
		esc(f, runs[i].label ? runs[i].label : "?");
		fprintf(f, "</a></td>");
		if (!runs[i].doc) {
			fprintf(f,
				"<td><span class=\"fail\">FAIL</span></td><td colspan=\"6\">no record</td></tr>\n");
			continue;
		}
		struct report_facts fa;
		report_facts(runs[i].doc, &fa);
		char *t = report_human_seconds(fa.seconds);
		fprintf(f, "<td><span class=\"%s\">%s</span></td><td>", fa.passed ? "pass" : "fail",
			fa.passed ? "PASS" : "FAIL");
		esc(f, fa.release ? fa.release : "-");
		if (fa.tests)
			fprintf(f, "</td><td>%zu/%zu</td><td>", fa.tests_passed, fa.tests);
		else
			fprintf(f, "</td><td>-</td><td>");
		esc(f, fa.accel ? fa.accel : "-");
		fprintf(f, "</td><td class=\"num\">%s</td><td>", t);
		esc(f, fa.failed_stage ? fa.failed_stage : "");
		fprintf(f, "</td><td>");
		if (runs[i].link) {
			fprintf(f, "<a href=\"");
			esc(f, runs[i].link);
			fprintf(f, "\">its page</a>");
		}
		fprintf(f, "</td></tr>\n");
		free(t);
		report_facts_free(&fa);
	}
	fprintf(f, "</table></section>\n");
}

int report_html_write(const char *path, const char *title, const struct report_run *runs, size_t n,
		      bool matrix)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
		"img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
		"<link rel=\"icon\" href=\"data:,\">\n<title>");
	esc(f, title);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<p class=\"muted\">", style);
	esc(f, title);
	fprintf(f, "</p>\n");
	if (matrix || n > 1)
		overview(f, runs, n);
	for (size_t i = 0; i < n; i++)
		article(f, &runs[i]);
	fprintf(f, "<footer class=\"muted\">Written by kbuild from the run document (record.json); "
		   "plots are SVG written by kbuild.</footer>\n</body></html>\n");
	if (fclose(f) != 0) {
		free(buf);
		return kb_fail("%s: cannot build the page in memory", path);
	}
	int rc = write_file_atomic(path, buf, len);
	free(buf);
	return rc;
}
