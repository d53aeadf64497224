#include "core/profile_values.h"
#include "matrix/plan.h"
#include "stages/chain.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Takes args over. Returns -1 when label is taken. */
static int add_entry(struct matrix_plan *p, const char *label, struct strv *args)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].label, label)) {
			/* Two rows of one profile need two labels (a list file gives them). */
			strv_free(args);
			return -1;
		}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	struct matrix_entry *e = &p->v[p->n++];
	e->label = xstrdup(label);
	e->nargs = args->n;
	strv_argv(args);
	e->args = args->v; /* the strv's array, NULL-terminated, now owned here */
	*args = (struct strv){0};
	return 0;
}

static bool has_profile_arg(const struct strv *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strncmp(a->v[i], "profile=", 8))
			return true;
	return false;
}

/* A label names the row's output directory, which reaches make: the
 * characters of value_rule_make_path, without '/'. */
static bool valid_label(const char *s)
{
	return *s && s[0] != '.' && !strchr(s, '/') && !value_rule_make_path(s);
}

static int parse_list_file(const char *path, struct matrix_plan *p)
{
	char *text = read_text(path, NULL);
	if (!text)
		return -1;
	unsigned lineno = 0;
	int rc = 0;
	for (char *next = text, *line; rc == 0 && (line = strsep(&next, "\n"));) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		struct strv words = {0};
		strv_split(&words, line);
		if (!words.n)
			continue;
		if (!valid_label(words.v[0]) || strchr(words.v[0], '=')) {
			rc = kb_fail(
				"%s:%u: '%s' is not a label (a name for the row and its output directory)",
				path, lineno, words.v[0]);
			strv_free(&words);
			break;
		}
		struct strv args = {0};
		for (size_t i = 1; i < words.n; i++) {
			if (!strchr(words.v[i], '=')) {
				rc = kb_fail("%s:%u: '%s' is not key=value", path, lineno, words.v[i]);
				break;
			}
			strv_push(&args, words.v[i]);
		}
		if (rc == 0 && !has_profile_arg(&args))
			strv_push_owned(&args, xasprintf("profile=%s", words.v[0]));
		if (rc == 0 && add_entry(p, words.v[0], &args) < 0)
			rc = kb_fail("%s:%u: '%s' is listed twice (give each row its own label)", path,
				     lineno, words.v[0]);
		strv_free(&args);
		strv_free(&words);
	}
	free(text);
	return rc;
}

static int parse_long_arg(const char *arg, const char *val, long min, long *out)
{
	char *end;
	long v = strtol(val, &end, 10);
	if (end == val || *end || v < min)
		return kb_fail("matrix: %s: expected a number of at least %ld", arg, min);
	*out = v;
	return 0;
}

int matrix_parse(int argc, char **argv, long cpus, struct matrix_plan *plan)
{
	*plan = (struct matrix_plan){0};
	struct strv common = {0}, profiles = {0}, lists = {0};
	int rc = 0;
	for (int i = 0; i < argc && rc == 0; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "profile=", 8))
			strv_split(&profiles, a + 8);
		else if (!strncmp(a, "list=", 5))
			strv_push(&lists, a + 5);
		else if (!strncmp(a, "O=", 2))
			plan->outdir = xstrdup(a + 2);
		else if (!strncmp(a, "jobs=", 5))
			rc = parse_long_arg(a, a + 5, 1, &plan->jobs);
		else if (!strncmp(a, "parallel=", 9))
			rc = parse_long_arg(a, a + 9, 1, &plan->parallel);
		else if (!strncmp(a, "stage=", 6)) {
			if (strcmp(a + 6, "make") && chain_stage_index(a + 6) < 0)
				rc = kb_fail("matrix: %s: no such stage (see kbuild --help)", a);
			free(plan->command);
			plan->command = xstrdup(a + 6);
		} else if (strchr(a, '='))
			strv_push(&common, a);
		else if (path_exists(a))
			strv_push(&lists, a);
		else
			rc = kb_fail("matrix: '%s' is neither key=value nor a profile list file", a);
	}
	for (size_t i = 0; rc == 0 && i < profiles.n; i++) {
		struct strv args = {0};
		strv_push_owned(&args, xasprintf("profile=%s", profiles.v[i]));
		if (add_entry(plan, profiles.v[i], &args) < 0)
			rc = kb_fail("matrix: profile '%s' is listed twice", profiles.v[i]);
	}
	for (size_t i = 0; rc == 0 && i < lists.n; i++)
		rc = parse_list_file(lists.v[i], plan);
	if (rc == 0 && plan->n == 0)
		rc = kb_fail("matrix: no profiles (give profile=a,b,c or a list file)");
	/* Arguments for every profile come first, so that a row's own win. */
	for (size_t i = 0; rc == 0 && i < plan->n; i++) {
		struct matrix_entry *e = &plan->v[i];
		size_t extra = common.n + (plan->jobs ? 1 : 0);
		char **args = xmalloc((e->nargs + extra + 1) * sizeof(char *));
		size_t n = 0;
		for (size_t j = 0; j < common.n; j++)
			args[n++] = xstrdup(common.v[j]);
		if (plan->jobs)
			args[n++] = xasprintf("jobs=%ld", plan->jobs);
		for (size_t j = 0; j < e->nargs; j++)
			args[n++] = e->args[j];
		args[n] = NULL;
		free(e->args);
		e->args = args;
		e->nargs = n;
	}
	if (!plan->outdir)
		plan->outdir = xstrdup("out/matrix");
	if (!plan->command)
		plan->command = xstrdup("make");
	if (!plan->parallel) {
		long per = plan->jobs ? plan->jobs : cpus;
		plan->parallel = per > 0 && cpus / per > 1 ? cpus / per : 1;
	}
	strv_free(&common);
	strv_free(&profiles);
	strv_free(&lists);
	return rc;
}

void matrix_plan_free(struct matrix_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		for (size_t j = 0; j < plan->v[i].nargs; j++)
			free(plan->v[i].args[j]);
		free(plan->v[i].args);
		free(plan->v[i].label);
	}
	free(plan->v);
	free(plan->outdir);
	free(plan->command);
	*plan = (struct matrix_plan){0};
}
