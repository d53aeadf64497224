/* bisect_main (bisect/bisect.h): the steps run in this process, one after
 * another, on the output directory main locked for the whole bisect; the
 * verdict of each comes from the record the chain wrote (bisect/step.h),
 * the next prefix from bisect/search.h. */
#include "bisect/bisect.h"
#include "bisect/search.h"
#include "bisect/step.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "guest/qaplan.h"
#include "lib/json.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "nightly/compare.h"
#include "nightly/kcidb.h"
#include "source/series.h"
#include "stages/chain.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SERIAL_TAIL_BYTES 4096

struct step {
	size_t prefix;
	enum step_outcome outcome;
	char *why, *value, *excerpt, *record, *stage;
	double seconds;
	int exit_code;
};

struct bisect {
	struct run *r;
	int (*run_chain)(struct run *r);
	struct series ser; /* the whole series */
	size_t good, bad;
	struct bisect_check check;
	bool check_given; /* until= given; else the whole series' first failure */
	bool check_known; /* given, or found from the whole series' run */
	char *dir, *hist; /* O/bisect, O/bisect/history */
	struct step *steps;
	size_t nsteps;
	double t0;
	char *started;
};

static char *now_iso(void)
{
	time_t t = time(NULL);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

/* The patch's subject: its "Subject:" header without "[PATCH ...]", else
 * its first line (malloc'd; "" when unreadable). */
static char *patch_subject(const char *path)
{
	char *text = read_file(path, NULL);
	kb_clear_error();
	if (!text)
		return xstrdup("");
	char *first = NULL, *subject = NULL;
	for (char *p = text, *nl; p && *p && !subject; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "--- ", 4) || !strncmp(p, "diff ", 5))
			break;
		if (!strncasecmp(p, "Subject:", 8)) {
			const char *s = p + 8;
			while (*s == ' ')
				s++;
			if (*s == '[' && memchr(s, ']', len - (size_t)(s - p))) {
				s = strchr(s, ']') + 1;
				while (*s == ' ')
					s++;
			}
			subject = xstrndup(s, len - (size_t)(s - p));
		} else if (!first && len) {
			first = xstrndup(p, len);
		}
	}
	free(text);
	if (subject) {
		free(first);
		return subject;
	}
	return first ? first : xstrdup("");
}

static const char *patch_name(const struct bisect *b, size_t n)
{
	return n >= 1 && n <= b->ser.n ? b->ser.e[n - 1].name : "(none)";
}

/* The step's command line, as its record's reproducer shows it: the chain
 * up to stage with the user's arguments less the bisect's own, and upto. */
static void step_argv(const struct bisect *b, size_t prefix, const char *stage, struct strv *argv)
{
	static const char *const own[] = {"good=", "bad=", "until=", "bisect.", "upto=", "patches.upto="};
	/* qa.tests is the step's own too when it checks one self-test (run_step adds it) */
	strv_push(argv, "kbuild");
	strv_push(argv, stage);
	for (int i = 2; i < b->r->argc; i++) {
		bool mine = false;
		for (size_t k = 0; k < sizeof(own) / sizeof(own[0]) && !mine; k++)
			mine = !strncmp(b->r->argv[i], own[k], strlen(own[k]));
		if (!mine)
			strv_push(argv, b->r->argv[i]);
	}
	strv_push_owned(argv, xasprintf("upto=%zu", prefix));
}

static char *run_file(const struct bisect *b, const char *name)
{
	return run_path(b->r, name);
}

/* Runs the chain up to stage on the first prefix patches and judges it.
 * Returns 0, or -1 when the run left no record (kbuild was interrupted, or
 * the records could not be written). */
static int run_step(struct bisect *b, size_t prefix, const char *stage, const struct bisect_check *check)
{
	struct run *r = b->r;
	b->steps = xrealloc(b->steps, (b->nsteps + 1) * sizeof(*b->steps));
	struct step *st = &b->steps[b->nsteps++];
	*st = (struct step){.prefix = prefix, .stage = xstrdup(stage)};

	struct settings set = *r->set; /* a shallow copy: its strings and lists stay the profile's */
	set.patches.upto = (long)prefix;
	set.report.history = b->hist; /* a step's pass is no night's last good run */
	struct strv argv = {0}, only = {0};
	step_argv(b, prefix, stage, &argv);
	if (check && check->kind == CHECK_TEST) {
		/* the guest runs the one self-test the step is judged by: a shorter boot, and
		 * no other test's load in the guest while it measures */
		strv_push(&only, check->test);
		set.qa.tests = only;
		strv_push_owned(&argv, xasprintf("qa.tests=%s", check->test));
	}
	const struct settings *saved_set = r->set;
	size_t saved_last = r->last;
	int saved_argc = r->argc;
	char **saved_argv = r->argv;
	r->set = &set;
	r->last = (size_t)chain_stage_index(stage);
	r->argc = (int)argv.n;
	r->argv = strv_argv(&argv);

	fprintf(stderr, "bisect: step %zu: the first %zu of %zu patches (last: %s), up to %s\n", b->nsteps,
		prefix, b->ser.n, patch_name(b, prefix), stage);
	double t0 = now_seconds();
	st->exit_code = b->run_chain(r);
	st->seconds = now_seconds() - t0;

	r->set = saved_set;
	r->last = saved_last;
	r->argc = saved_argc;
	r->argv = saved_argv;
	strv_free(&argv);
	strv_free(&only);
	if (spawn_interrupted())
		return -1;

	json_t *rec = rundoc_load(r->outdir);
	if (!rec)
		return -1;
	char *rel = xasprintf("%s/step-%zu.json", OUT_BISECT_DIR, b->nsteps);
	char *copy = run_file(b, rel);
	int rc = rundoc_write(rec, copy);
	st->record = copy;
	free(rel);
	if (rc < 0) {
		json_decref(rec);
		return -1;
	}
	if (!check) {
		json_decref(rec);
		return 0; /* the caller judges the whole series' run itself */
	}
	st->outcome = step_verdict(rec, check, &st->why, &st->value);
	if (st->outcome == STEP_BAD) {
		char *rp = run_file(b, OUT_RESULTS_JSON), *sp = run_file(b, OUT_SERIAL_LOG);
		json_t *results = check->kind == CHECK_TEST && path_exists(rp) ? json_read_file(rp) : NULL;
		char *serial = check->kind == CHECK_BOOT ? file_tail(sp, 20, SERIAL_TAIL_BYTES) : NULL;
		kb_clear_error();
		st->excerpt = step_excerpt(rec, check, results, serial);
		json_decref(results);
		free(serial);
		free(rp);
		free(sp);
	}
	fprintf(stderr, "bisect: step %zu: %s (%s) after %.1f s\n", b->nsteps,
		st->outcome == STEP_ERROR ? "error" : bisect_verdict_name((enum bisect_verdict)st->outcome),
		st->why ? st->why : "?", st->seconds);
	json_decref(rec);
	return 0;
}

static const struct step *step_at(const struct bisect *b, size_t prefix)
{
	const struct step *found = NULL;
	for (size_t i = 0; i < b->nsteps; i++)
		if (b->steps[i].prefix == prefix)
			found = &b->steps[i];
	return found;
}

static json_t *steps_json(const struct bisect *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct step *st = &b->steps[i];
		const char *v = st->outcome == STEP_ERROR
					? "error"
					: bisect_verdict_name((enum bisect_verdict)st->outcome);
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s?,s:s?,s:f,s:i,s:s?}", "step",
						   (json_int_t)(i + 1), "prefix", (json_int_t)st->prefix,
						   "last_patch", patch_name(b, st->prefix), "chain_to",
						   st->stage, "verdict", v, "why", st->why, "value",
						   st->value, "seconds", st->seconds, "exit_code",
						   st->exit_code, "record", st->record));
	}
	return a;
}

static double total_seconds(const struct bisect *b)
{
	double t = 0;
	for (size_t i = 0; i < b->nsteps; i++)
		t += b->steps[i].seconds;
	return t;
}

/* The answer: the document, its member in the last step's records, and the
 * lines on stdout (the first is the one-line answer). */
struct answer {
	enum bisect_result result;
	char *line;         /* the one-line answer */
	size_t first, last; /* the first bad patch is one of first..last */
	const struct step *good_step, *bad_step;
};

static json_t *patch_json(const struct bisect *b, size_t n)
{
	if (n < 1 || n > b->ser.n)
		return json_null();
	const struct series_entry *e = &b->ser.e[n - 1];
	char *subject = patch_subject(e->path);
	json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "index", (json_int_t)n, "name", e->name, "subject",
			      subject, "sha256", e->sha256);
	free(subject);
	return j;
}

static json_t *answer_json(const struct bisect *b, const struct answer *a, int exit_code)
{
	char *finished = now_iso();
	json_t *range = json_null(), *first_bad = json_null(), *verdict = json_null();
	if (a->result == BISECT_FOUND)
		first_bad = patch_json(b, a->first);
	if (a->result == BISECT_INCONCLUSIVE && a->first <= a->last) {
		json_t *names = json_array();
		for (size_t n = a->first > 0 ? a->first : 1; n <= a->last; n++)
			json_array_append_new(names, json_string(patch_name(b, n)));
		range = json_pack("{s:I,s:I,s:o}", "first", (json_int_t)a->first, "last", (json_int_t)a->last,
				  "patches", names);
	}
	if (a->bad_step) {
		verdict = json_pack("{s:s,s:s?,s:s?,s:I}", "check", check_name(&b->check), "good",
				    a->good_step ? a->good_step->value : NULL, "bad", a->bad_step->value,
				    "bad_prefix", (json_int_t)a->bad_step->prefix);
		json_object_set_new(verdict, "good_prefix",
				    a->good_step ? json_integer((json_int_t)a->good_step->prefix)
						 : json_null());
	}
	json_t *regressions = json_null();
	if (a->good_step && a->bad_step && a->good_step->record && a->bad_step->record) {
		json_t *g = rundoc_load(a->good_step->record), *bd = rundoc_load(a->bad_step->record);
		kb_clear_error();
		if (g && bd) {
			struct compare_opts o;
			compare_opts_default(&o);
			json_t *ch = compare_records(g, bd, &o);
			regressions = json_incref(json_object_get(ch, "regressions"));
			json_decref(ch);
		}
		json_decref(g);
		json_decref(bd);
	}
	json_t *doc =
		json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:{s:s?,s:I},s:I,s:I,s:s,s:b,s:s,s:i,s:s,s:o,s:o,s:o,"
			  "s:s?,s:o,s:o,s:I,s:f}",
			  "format", BISECT_FORMAT, "version", BISECT_VERSION, "profile", b->r->set->name,
			  "outdir", b->r->outdir, "started", b->started, "finished", finished, "series",
			  "file", b->ser.file, "length", (json_int_t)b->ser.n, "good", (json_int_t)b->good,
			  "bad", (json_int_t)b->bad, "until",
			  b->check_known ? check_name(&b->check) : "every check", "until_given",
			  b->check_given, "result", bisect_result_name(a->result), "exit_code", exit_code,
			  "answer", a->line, "first_bad", first_bad, "range", range, "verdict", verdict,
			  "excerpt", a->bad_step ? a->bad_step->excerpt : NULL, "regressions", regressions,
			  "steps", steps_json(b), "builds", (json_int_t)b->nsteps, "seconds",
			  total_seconds(b));
	free(finished);
	return doc;
}

/* O/record.json (the last step's) and kcidb.json carry the answer too:
 * the member "bisect" (core/rundoc.h). */
static void carry_in_records(const struct bisect *b, const json_t *doc)
{
	json_t *rec = rundoc_load(b->r->outdir);
	if (!rec) {
		kb_clear_error();
		return;
	}
	json_t *summary = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s}", "result",
				    json_object_get(doc, "result"), "answer", json_object_get(doc, "answer"),
				    "until", json_object_get(doc, "until"), "first_bad",
				    json_object_get(doc, "first_bad"), "range", json_object_get(doc, "range"),
				    "verdict", json_object_get(doc, "verdict"), "builds",
				    json_object_get(doc, "builds"), "document", OUT_BISECT_JSON);
	json_object_set_new(rec, "bisect", summary);
	char *rp = run_file(b, OUT_RECORD_JSON), *kp = run_file(b, OUT_KCIDB_JSON);
	json_t *k = kcidb_from_record(rec, b->r->set->report.origin);
	if (rundoc_write(rec, rp) < 0 || json_write_file(k, kp, JSON_DOC_FLAGS) < 0)
		fprintf(stderr, "kbuild bisect: records: %s\n", kb_last_error());
	json_decref(k);
	json_decref(rec);
	free(rp);
	free(kp);
}

static void print_answer(const struct bisect *b, const struct answer *a, const json_t *doc)
{
	printf("kbuild bisect: %s\n", a->line);
	if (a->result == BISECT_FOUND) {
		const json_t *fb = json_object_get(doc, "first_bad");
		printf("  subject: %s\n", json_member_str(fb, "subject") ?: "");
	}
	if (a->bad_step) {
		const char *what = check_name(&b->check);
		if (a->good_step)
			printf("  %s: %s with the first %zu patches, %s with the first %zu\n", what,
			       a->good_step->value, a->good_step->prefix, a->bad_step->value,
			       a->bad_step->prefix);
		if (a->bad_step->excerpt && *a->bad_step->excerpt) {
			printf("  log excerpt (the first %zu patches):\n", a->bad_step->prefix);
			for (const char *p = a->bad_step->excerpt; *p;) {
				size_t len = strcspn(p, "\n");
				printf("    %.*s\n", (int)len, p);
				p += len + (p[len] == '\n');
			}
		}
	}
	printf("  steps: %zu in %.0f s\n", b->nsteps, total_seconds(b));
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct step *st = &b->steps[i];
		printf("    %zu. the first %2zu patches  %-5s %-40s %7.1f s\n", i + 1, st->prefix,
		       st->outcome == STEP_ERROR ? "error"
						 : bisect_verdict_name((enum bisect_verdict)st->outcome),
		       st->why ? st->why : "", st->seconds);
	}
	char *p = run_file(b, OUT_BISECT_JSON);
	printf("  record: %s\n", p);
	free(p);
}

static int exit_code_of(enum bisect_result r)
{
	switch (r) {
	case BISECT_FOUND:
		return BISECT_EXIT_FOUND;
	case BISECT_NOT_FOUND:
		return BISECT_EXIT_NOT_FOUND;
	case BISECT_INCONCLUSIVE:
		return BISECT_EXIT_INCONCLUSIVE;
	case BISECT_BAD_INPUT:
		break;
	}
	return BISECT_EXIT_BAD_INPUT;
}

static int finish(struct bisect *b, struct answer *a)
{
	int code = exit_code_of(a->result);
	json_t *doc = answer_json(b, a, code);
	char *p = run_file(b, OUT_BISECT_JSON);
	if (json_write_file(doc, p, JSON_DOC_FLAGS) < 0) {
		fprintf(stderr, "kbuild bisect: %s\n", kb_last_error());
		code = BISECT_EXIT_ERROR;
	}
	free(p);
	if (b->nsteps)
		carry_in_records(b, doc);
	if (a->result == BISECT_BAD_INPUT)
		fprintf(stderr, "kbuild bisect: %s\n", a->line);
	else
		print_answer(b, a, doc);
	json_decref(doc);
	return code;
}

static int bad_input(struct bisect *b, char *line)
{
	struct answer a = {.result = BISECT_BAD_INPUT, .line = line};
	int code = finish(b, &a);
	free(line);
	return code;
}

/* A list of the prefixes in first..last that were skipped, and why (the
 * first reason). */
static char *skipped_text(const struct bisect *b, size_t first, size_t last)
{
	char *s = xstrdup("");
	const char *why = NULL;
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct step *st = &b->steps[i];
		if (st->outcome != STEP_SKIP || st->prefix < first || st->prefix > last)
			continue;
		char *t = xasprintf("%s%s%zu", s, *s ? ", " : "", st->prefix);
		free(s);
		s = t;
		why = why ? why : st->why;
	}
	char *t = xasprintf("%s (%s)", s, why ? why : "?");
	free(s);
	return t;
}

static char *one_line(const struct bisect *b, struct answer *a, const struct search_outcome *o)
{
	const char *what = check_name(&b->check);
	if (a->result == BISECT_FOUND) {
		char *subject = patch_subject(b->ser.e[a->first - 1].path);
		char *l = xasprintf("found: patch %zu of %zu, %s (\"%s\"): %s %s -> %s", a->first, b->ser.n,
				    patch_name(b, a->first), subject, what,
				    a->good_step && a->good_step->value ? a->good_step->value : "pass",
				    a->bad_step && a->bad_step->value ? a->bad_step->value : "fail");
		free(subject);
		return l;
	}
	if (a->result == BISECT_NOT_FOUND)
		return b->check_given
			       ? xasprintf("not found: the first %zu patches pass %s%s", b->bad, what,
					   b->bad == b->ser.n ? " (the whole series)" : "")
			       : xasprintf(
					 "not found: the first %zu patches pass build, boot and every self-test: "
					 "nothing to bisect",
					 b->bad);
	if (o->good_fails) {
		const struct step *g = step_at(b, b->good);
		return xasprintf(
			"inconclusive: the first %zu patches (good=%zu) fail %s too (%s): give good= a "
			"prefix that passes",
			b->good, b->good, what, g && g->why ? g->why : "cannot be tested");
	}
	char *sk = skipped_text(b, a->first, a->last);
	char *l;
	if (o->last > b->ser.n || !a->bad_step)
		l = xasprintf(
			"inconclusive: no tested prefix fails %s, but prefixes %s could not be tested: the "
			"first bad patch, if any, is one of %zu..%zu",
			what, sk, a->first, a->last);
	else
		l = xasprintf(
			"inconclusive: the first bad patch is one of %zu..%zu (%s .. %s): prefixes %s could "
			"not be tested",
			a->first, a->last, patch_name(b, a->first), patch_name(b, a->last), sk);
	free(sk);
	return l;
}

static int check_input(struct bisect *b, char **why)
{
	const struct settings *set = b->r->set;
	*why = NULL;
	if (set->patches.upto >= 0) {
		*why = xstrdup(
			"patches.upto is kbuild bisect's own (each step sets it): give good= and bad= instead");
		return -1;
	}
	if (!set->patches.series) {
		*why = xstrdup("the profile names no patch series: nothing to bisect");
		return -1;
	}
	char *path = home_path(b->r, set->patches.series);
	int rc = series_load(path, &b->ser);
	free(path);
	if (rc < 0) {
		*why = xstrdup(kb_last_error());
		return -1;
	}
	size_t n = b->ser.n;
	if (n == 0) {
		*why = xasprintf("the series %s has no patches: nothing to bisect", b->ser.file);
		return -1;
	}
	b->bad = set->bisect.bad < 0 ? n : (size_t)set->bisect.bad;
	b->good = (size_t)set->bisect.good;
	if (b->bad > n)
		*why = xasprintf("bad=%zu is out of range: the series %s has %zu patches (bad=1..%zu)",
				 b->bad, b->ser.file, n, n);
	else if (b->good >= n)
		*why = xasprintf("good=%zu is out of range: the series %s has %zu patches (good=0..%zu)",
				 b->good, b->ser.file, n, n - 1);
	else if (b->good >= b->bad)
		*why = xasprintf(
			"good=%zu is not below bad=%zu: good is a prefix that passes, bad a longer one that "
			"fails",
			b->good, b->bad);
	if (*why)
		return -1;
	if (set->bisect.until) {
		struct strv tests = {0};
		rc = qaplan_tests(b->r, &tests);
		if (rc == 0)
			rc = check_parse(set->bisect.until, (const char *const *)tests.v, tests.n, &b->check);
		strv_free(&tests);
		if (rc < 0) {
			*why = xstrdup(kb_last_error());
			return -1;
		}
		b->check_given = b->check_known = true;
	}
	return 0;
}

int bisect_main(struct run *r, int (*run_chain)(struct run *r))
{
	struct bisect b = {.r = r, .run_chain = run_chain, .t0 = now_seconds(), .started = now_iso()};
	b.dir = run_path(r, OUT_BISECT_DIR);
	b.hist = path_join(b.dir, "history");
	char *old = run_path(r, OUT_BISECT_JSON);
	unlink(old);
	free(old);
	int code;
	char *why = NULL;
	if (check_input(&b, &why) < 0) {
		code = bad_input(&b, why);
		goto out;
	}
	if (rm_rf(b.dir) < 0 || mkdir_p(b.dir, 0755) < 0) {
		fprintf(stderr, "kbuild bisect: %s\n", kb_last_error());
		code = BISECT_EXIT_ERROR;
		goto out;
	}
	fprintf(stderr, "bisect: %s, patches %zu..%zu of %zu (good=%zu bad=%zu), until %s\n", b.ser.file,
		b.good + 1, b.bad, b.ser.n, b.good, b.bad,
		b.check_given ? check_name(&b.check) : "the first failure");

	struct bisect_search s;
	search_init(&s, b.good, b.bad);
	if (!b.check_given) {
		/* the whole chain on the bad prefix: what fails is what to look for */
		if (run_step(&b, b.bad, "qa", NULL) < 0) {
			code = spawn_interrupted() ? 1 : BISECT_EXIT_ERROR;
			if (!spawn_interrupted())
				fprintf(stderr, "kbuild bisect: %s\n", kb_last_error());
			goto out_search;
		}
		struct step *st = &b.steps[0];
		json_t *rec = rundoc_load(st->record);
		int c = rec ? check_from_record(rec, &b.check, &st->why) : -1;
		if (c == 0) {
			b.check_known = true;
			st->outcome = step_verdict(rec, &b.check, &st->why, &st->value);
		}
		if (c == 0 && st->outcome == STEP_BAD) {
			char *rp = run_file(&b, OUT_RESULTS_JSON), *sp = run_file(&b, OUT_SERIAL_LOG);
			json_t *results = b.check.kind == CHECK_TEST && path_exists(rp) ? json_read_file(rp)
											: NULL;
			char *serial = b.check.kind == CHECK_BOOT ? file_tail(sp, 20, SERIAL_TAIL_BYTES)
								  : NULL;
			kb_clear_error();
			st->excerpt = step_excerpt(rec, &b.check, results, serial);
			json_decref(results);
			free(serial);
			free(rp);
			free(sp);
		}
		json_decref(rec);
		if (c == 1) {
			st->outcome = STEP_GOOD;
			st->why = xstrdup("build, boot and every self-test passed");
			struct answer a = {.result = BISECT_NOT_FOUND};
			struct search_outcome o = {.result = BISECT_NOT_FOUND};
			a.line = one_line(&b, &a, &o);
			code = finish(&b, &a);
			free(a.line);
			goto out_search;
		}
		if (c == -1 || !rec) {
			st->outcome = STEP_ERROR;
			fprintf(stderr, "kbuild bisect: the first %zu patches: %s; see %s\n", b.bad,
				st->why ? st->why : kb_last_error(), st->record);
			code = BISECT_EXIT_ERROR;
			goto out_search;
		}
		if (c < 0) {
			st->outcome = STEP_ERROR;
			code = bad_input(&b, xasprintf("the first %zu patches: %s", b.bad, st->why));
			goto out_search;
		}
		fprintf(stderr, "bisect: step 1: the first %zu patches fail %s (%s)\n", b.bad,
			check_name(&b.check), st->why ? st->why : "");
		search_record(&s, b.bad, BISECT_BAD);
	}
	long next;
	code = -1;
	while ((next = search_next(&s)) >= 0) {
		if (run_step(&b, (size_t)next, check_last_stage(&b.check), &b.check) < 0) {
			if (!spawn_interrupted())
				fprintf(stderr, "kbuild bisect: %s\n", kb_last_error());
			code = BISECT_EXIT_ERROR;
			break;
		}
		const struct step *st = &b.steps[b.nsteps - 1];
		if (st->outcome == STEP_ERROR) {
			fprintf(stderr, "kbuild bisect: step %zu (the first %zu patches): %s; see %s\n",
				b.nsteps, st->prefix, st->why, st->record);
			code = BISECT_EXIT_ERROR;
			break;
		}
		search_record(&s, st->prefix, (enum bisect_verdict)st->outcome);
	}
	if (code < 0) {
		struct search_outcome o;
		search_outcome(&s, &o);
		struct answer a = {.result = o.result, .first = o.first, .last = o.last};
		/* the verdict that changed: the last good step below the answer and the first bad one */
		for (size_t i = 0; i < b.nsteps; i++) {
			const struct step *st = &b.steps[i];
			if (st->outcome == STEP_BAD && st->prefix == o.last)
				a.bad_step = st;
			if (st->outcome == STEP_GOOD && st->prefix == o.good_prefix)
				a.good_step = st;
		}
		if (o.good_fails) {
			a.first = 0;
			a.last = b.good;
		}
		a.line = one_line(&b, &a, &o);
		code = finish(&b, &a);
		free(a.line);
	}
out_search:
	search_free(&s);
out:
	for (size_t i = 0; i < b.nsteps; i++) {
		free(b.steps[i].why);
		free(b.steps[i].value);
		free(b.steps[i].excerpt);
		free(b.steps[i].record);
		free(b.steps[i].stage);
	}
	free(b.steps);
	check_free(&b.check);
	series_free(&b.ser);
	free(b.dir);
	free(b.hist);
	free(b.started);
	return code;
}
