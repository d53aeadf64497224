#include "bisect/step.h"
#include "core/rundoc.h"
#include "lib/json.h"
#include "lib/util.h"
#include "stages/chain.h"

#include <stdlib.h>
#include <string.h>

#define EXCERPT_LINES 20

const char *check_name(const struct bisect_check *c)
{
	return c->kind == CHECK_BUILD ? "build" : c->kind == CHECK_BOOT ? "boot" : c->test;
}

const char *check_last_stage(const struct bisect_check *c)
{
	return c->kind == CHECK_BUILD ? "install" : c->kind == CHECK_BOOT ? "boot" : "qa";
}

int check_parse(const char *until, const char *const *tests, size_t ntests, struct bisect_check *c)
{
	*c = (struct bisect_check){0};
	if (!strcmp(until, "build")) {
		c->kind = CHECK_BUILD;
		return 0;
	}
	if (!strcmp(until, "boot")) {
		c->kind = CHECK_BOOT;
		return 0;
	}
	for (size_t i = 0; i < ntests; i++)
		if (!strcmp(tests[i], until)) {
			*c = (struct bisect_check){.kind = CHECK_TEST, .test = xstrdup(until)};
			return 0;
		}
	char *list = xstrdup("");
	for (size_t i = 0; i < ntests; i++) {
		char *t = xasprintf("%s%s%s", list, i ? ", " : "", tests[i]);
		free(list);
		list = t;
	}
	kb_fail("until=%s: not build, boot or a self-test this profile runs (%s)", until, list);
	free(list);
	return -1;
}

void check_free(struct bisect_check *c)
{
	free(c->test);
	*c = (struct bisect_check){0};
}

/* What a failure of a chain stage means for a bisect. */
enum stage_kind { KIND_SOURCE, KIND_PATCH, KIND_BUILD, KIND_OTHER, KIND_BOOT, KIND_QA };

static enum stage_kind kind_of(const char *stage)
{
	static const struct {
		const char *name;
		enum stage_kind kind;
	} kinds[] = {
		{"fetch", KIND_SOURCE}, {"extract", KIND_SOURCE}, {"patch", KIND_PATCH},
		{"config", KIND_BUILD}, {"build", KIND_BUILD},    {"install", KIND_BUILD},
		{"boot", KIND_BOOT},    {"qa", KIND_QA},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, stage))
			return kinds[i].kind;
	return KIND_OTHER;
}

/* The first stage of the chain the record shows failed, or NULL. */
static const char *first_failed(const json_t *rec)
{
	for (size_t i = 0; i < chain_n_stages; i++) {
		enum stage_status s;
		if (rundoc_stage_status(rec, chain_stages[i]->name, &s) && s == STAGE_FAIL)
			return chain_stages[i]->name;
	}
	return NULL;
}

static bool reached(const json_t *rec, const char *stage)
{
	enum stage_status s;
	return rundoc_stage_status(rec, stage, &s);
}

static const char *boot_verdict_of(const json_t *rec)
{
	return json_member_str(json_object_get(rec, "boot"), "verdict");
}

/* A boot that said nothing about the kernel: QEMU could not run it. */
static bool boot_environment_failed(const char *verdict)
{
	enum boot_verdict v;
	return !verdict || !boot_verdict_parse(verdict, &v) || v == BOOT_ERROR || v == BOOT_KVM_SILENT;
}

/* The first failed test of the record (a top-level name: subtests have a '.'). */
static const char *first_failed_test(const json_t *rec)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)json_object_get(rec, "tests"), k, v)
	{
		enum test_status s;
		if (strchr(k, '.') || !test_status_parse(json_member_str(v, "status"), &s))
			continue;
		if (s == TEST_FAIL || s == TEST_MISSING)
			return k;
	}
	return NULL;
}

enum step_outcome step_verdict(const json_t *rec, const struct bisect_check *c, char **why, char **value)
{
	*why = NULL;
	*value = NULL;
	const char *failed = first_failed(rec);
	enum stage_kind k = failed ? kind_of(failed) : KIND_OTHER;
	if (failed && k == KIND_SOURCE) {
		*why = xasprintf("the %s stage failed: the source could not be prepared", failed);
		return STEP_ERROR;
	}
	if (failed && k == KIND_PATCH) {
		*why = xstrdup("the prefix does not apply");
		return STEP_SKIP;
	}
	if (failed && k == KIND_BUILD) {
		*value = xstrdup("fail");
		*why = xasprintf("the %s stage failed", failed);
		return c->kind == CHECK_BUILD ? STEP_BAD : STEP_SKIP;
	}
	if (c->kind == CHECK_BUILD) {
		if (!reached(rec, "install")) {
			*why = xstrdup("the run ended before the install stage");
			return STEP_ERROR;
		}
		*value = xstrdup("pass");
		*why = xstrdup("config, build and install passed");
		return STEP_GOOD;
	}
	if (failed && k == KIND_OTHER) {
		*why = xasprintf("the %s stage failed, before the check", failed);
		return STEP_SKIP;
	}
	const char *verdict = boot_verdict_of(rec);
	if (failed && k == KIND_BOOT) {
		if (boot_environment_failed(verdict)) {
			*why = xasprintf("the boot stage failed without a verdict on the kernel (%s)",
					 verdict ? verdict : "none");
			return STEP_ERROR;
		}
		*value = xstrdup(verdict);
		*why = xasprintf("boot: %s", verdict);
		return c->kind == CHECK_BOOT ? STEP_BAD : STEP_SKIP;
	}
	if (c->kind == CHECK_BOOT) {
		if (!verdict) {
			*why = xstrdup("the run ended before the boot stage");
			return STEP_ERROR;
		}
		*value = xstrdup(verdict);
		*why = xasprintf("boot: %s", verdict);
		return STEP_GOOD;
	}
	const json_t *t = json_object_get(json_object_get(rec, "tests"), c->test);
	enum test_status s;
	if (!t || !test_status_parse(json_member_str(t, "status"), &s)) {
		*why = reached(rec, "qa") ? xasprintf("%s did not run", c->test)
					  : xstrdup("the run ended before the qa stage");
		return reached(rec, "qa") ? STEP_SKIP : STEP_ERROR;
	}
	*value = xstrdup(test_status_name(s));
	*why = xasprintf("%s: %s", c->test, test_status_name(s));
	return s == TEST_PASS ? STEP_GOOD : s == TEST_FAIL || s == TEST_MISSING ? STEP_BAD : STEP_SKIP;
}

int check_from_record(const json_t *rec, struct bisect_check *c, char **why)
{
	*c = (struct bisect_check){0};
	*why = NULL;
	const char *failed = first_failed(rec);
	if (!failed)
		return 1;
	switch (kind_of(failed)) {
	case KIND_SOURCE:
		*why = xasprintf("the %s stage failed: the source could not be prepared", failed);
		return -1;
	case KIND_PATCH:
		*why = xstrdup(
			"the series does not apply (the patch stage failed): that is no build, boot or "
			"self-test failure; fix the series, or give bad= a prefix that applies");
		return -2;
	case KIND_BUILD:
		c->kind = CHECK_BUILD;
		return 0;
	case KIND_BOOT:
		if (boot_environment_failed(boot_verdict_of(rec))) {
			*why = xasprintf("the boot stage failed without a verdict on the kernel (%s)",
					 boot_verdict_of(rec) ? boot_verdict_of(rec) : "none");
			return -1;
		}
		c->kind = CHECK_BOOT;
		return 0;
	case KIND_QA: {
		const char *test = first_failed_test(rec);
		if (!test) {
			*why = xstrdup(
				"the qa stage failed without a failed self-test (the guest never reported)");
			return -2;
		}
		*c = (struct bisect_check){.kind = CHECK_TEST, .test = xstrdup(test)};
		return 0;
	}
	case KIND_OTHER:
		break;
	}
	*why = xasprintf("the %s stage failed: not a build, boot or self-test failure", failed);
	return -2;
}

/* At most max lines of text, the last ones; with only, those containing it
 * (case-insensitive) when there are any. */
static char *lines_of(const char *text, const char *only, size_t max)
{
	struct strv keep = {0}, all = {0};
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		if (only && strcasestr(line, only))
			strv_push(&keep, line);
		strv_push_owned(&all, line);
		p += len + (p[len] == '\n');
	}
	struct strv *use = keep.n ? &keep : &all;
	size_t from = use->n > max ? use->n - max : 0;
	char *out = lines_join(use->v, from, use->n);
	strv_free(&keep);
	strv_free(&all);
	return out;
}

char *step_excerpt(const json_t *rec, const struct bisect_check *c, const json_t *results,
		   const char *serial_tail)
{
	const json_t *failure = json_object_get(rec, "failure");
	const char *stage = json_member_str(failure, "stage"), *tail = json_member_str(failure, "log_tail");
	if (c->kind == CHECK_BUILD)
		return lines_of(tail, "error", EXCERPT_LINES);
	if (c->kind == CHECK_BOOT && serial_tail && *serial_tail)
		return lines_of(serial_tail, NULL, EXCERPT_LINES);
	if (c->kind == CHECK_TEST) {
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(results, "tests"), i,
				   t) if (!strcmp(json_member_str(t, "name") ?: "", c->test) &&
					  json_member_str(t, "log")) return lines_of(json_member_str(t,
												     "log"),
										     NULL, 2 * EXCERPT_LINES);
	}
	return stage ? lines_of(tail, NULL, EXCERPT_LINES) : xstrdup("");
}
