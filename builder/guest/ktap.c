/* KTAP parser: a stack of frames, one per indentation level that holds
 * results. Each frame collects the node under construction ("cur") for its
 * next result line; a deeper frame's results become cur's subtests. Only
 * version, plan and result lines move the stack, so kernel messages at any
 * indentation cannot break the nesting. */
#include "guest/ktap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 16

static void reset_report(struct ktap_report *r);

struct frame {
	int indent;
	struct ktap_test *parent; /* results at this level go to parent->sub */
	struct ktap_test *cur;    /* the next result's node, built lazily */
	long last_number;
	bool named; /* cur got a name from "# Subtest:" */
};

struct parser {
	struct ktap_report *r;
	struct frame f[MAX_DEPTH];
	int n; /* open frames */
};

static void node_init(struct ktap_test *t, int depth)
{
	memset(t, 0, sizeof(*t));
	t->name = xstrdup("");
	t->duration_ms = -1;
	t->plan = -1;
	t->depth = depth;
	t->status = TEST_MISSING;
}

static void node_free(struct ktap_test *t)
{
	for (size_t i = 0; i < t->nsub; i++)
		node_free(&t->sub[i]);
	free(t->sub);
	free(t->name);
	free(t->reason);
	strv_free(&t->log);
}

/* Moves *child into parent's subtests (child's storage is taken over). */
static void node_adopt(struct ktap_test *parent, struct ktap_test *child)
{
	if (parent->nsub == parent->capsub) {
		parent->capsub = parent->capsub ? 2 * parent->capsub : 8;
		parent->sub = xrealloc(parent->sub, parent->capsub * sizeof(*parent->sub));
	}
	parent->sub[parent->nsub++] = *child;
}

static struct ktap_test *frame_cur(struct parser *p, int k)
{
	struct frame *f = &p->f[k];
	if (!f->cur) {
		f->cur = xmalloc(sizeof(*f->cur));
		node_init(f->cur, k);
		f->named = false;
	}
	return f->cur;
}

static void push_frame(struct parser *p, int indent)
{
	if (p->n == MAX_DEPTH)
		return;
	struct frame *f = &p->f[p->n];
	f->indent = indent;
	f->parent = p->n ? frame_cur(p, p->n - 1) : &p->r->root;
	f->cur = NULL;
	f->named = false;
	f->last_number = 0;
	p->n++;
}

#define KTAP_MAX_MISSING 1024 /* placeholders added for one plan's unreported tests */

static void add_missing(struct frame *f, struct ktap_test *from)
{
	struct ktap_test t;
	if (from)
		t = *from;
	else
		node_init(&t, f->parent->depth + 1);
	t.status = TEST_MISSING;
	t.number = ++f->last_number;
	node_adopt(f->parent, &t);
}

/* Close the innermost frame: a node under way becomes missing if the plan
 * promised more or it had visibly started; then the rest of the plan. */
static void pop_frame(struct parser *p, struct strv *leftover)
{
	struct frame *f = &p->f[--p->n];
	long have = (long)f->parent->nsub;
	long plan = f->parent->plan;
	struct ktap_test *cur = f->cur;
	f->cur = NULL;
	if (cur) {
		bool started = f->named || cur->nsub || cur->plan >= 0;
		if ((plan >= 0 && have < plan) || (plan < 0 && started)) {
			add_missing(f, cur);
		} else {
			if (leftover)
				for (size_t i = 0; i < cur->log.n; i++)
					strv_push(leftover, cur->log.v[i]);
			node_free(cur);
		}
		free(cur);
	}
	/* the guest's output is not trusted: "1..2000000000" must not make
	 * kbuild allocate two billion placeholders. Past the bound the report
	 * still has missing tests, which fails qa. */
	long fill = plan;
	if (fill > (long)f->parent->nsub + KTAP_MAX_MISSING)
		fill = (long)f->parent->nsub + KTAP_MAX_MISSING;
	for (long i = (long)f->parent->nsub; i < fill; i++)
		add_missing(f, NULL);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

enum kind { OTHER, VERSION, PLAN, RESULT, SUBTEST, DURATION };

/* Numbers come from the guest: clamped to 0..KTAP_MAX_NUMBER, so that
 * counting on from one ("ok" without a number) can never overflow. */
#define KTAP_MAX_NUMBER 1000000000L

static long bounded_number(const char *s, char **end)
{
	long n = strtol(s, end, 10);
	return n < 0 ? 0 : n > KTAP_MAX_NUMBER ? KTAP_MAX_NUMBER : n;
}

static enum kind classify(const char *c, long *num, const char **arg)
{
	if (starts(c, "KTAP version ") || starts(c, "TAP version "))
		return VERSION;
	if (starts(c, "1..") && isdigit((unsigned char)c[3])) {
		char *end;
		*num = bounded_number(c + 3, &end);
		if (!*end || *end == ' ' || *end == '#')
			return PLAN;
	}
	if (starts(c, "ok") && (c[2] == ' ' || !c[2])) {
		*arg = c + 2;
		*num = 1;
		return RESULT;
	}
	if (starts(c, "not ok") && (c[6] == ' ' || !c[6])) {
		*arg = c + 6;
		*num = 0;
		return RESULT;
	}
	if (starts(c, "# Subtest:")) {
		*arg = c + strlen("# Subtest:");
		return SUBTEST;
	}
	if (starts(c, "# duration_ms:")) {
		char *end;
		*num = bounded_number(c + strlen("# duration_ms:"), &end);
		return DURATION;
	}
	return OTHER;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* "[N] [- ]description [# SKIP|TODO reason]" after ok/not ok. */
static void fill_result(struct ktap_test *t, bool ok, const char *rest, long *last)
{
	while (*rest == ' ')
		rest++;
	if (isdigit((unsigned char)*rest)) {
		char *end;
		t->number = bounded_number(rest, &end);
		rest = end;
	} else {
		t->number = *last + 1;
	}
	*last = t->number;
	while (*rest == ' ')
		rest++;
	if (rest[0] == '-' && (rest[1] == ' ' || !rest[1]))
		rest++;
	t->status = ok ? TEST_PASS : TEST_FAIL;
	const char *hash = rest;
	while ((hash = strchr(hash, '#')) && hash > rest && hash[-1] == '\\')
		hash++;
	const char *end = rest + strlen(rest);
	if (hash) {
		const char *d = hash + 1;
		while (*d == ' ')
			d++;
		enum test_status st = TEST_PASS;
		size_t skip = 0;
		if (!strncasecmp(d, "SKIP", 4))
			st = TEST_SKIP, skip = 4;
		else if (!strncasecmp(d, "TODO", 4))
			st = TEST_TODO, skip = 4;
		if (skip) {
			d += skip;
			while (isalpha((unsigned char)*d)) /* "skipped" */
				d++;
			t->status = st;
			t->reason = trimmed(d, strlen(d));
			end = hash;
		}
	}
	free(t->name);
	t->name = trimmed(rest, (size_t)(end - rest));
}

/* Junk before a header (terminal resets from the firmware) has control
 * characters; a diagnostic that merely mentions "TAP version" has none. */
static bool has_control(const char *s, const char *end)
{
	for (; s < end; s++)
		if ((unsigned char)*s < 0x20)
			return true;
	return false;
}

static int frame_at(struct parser *p, int indent)
{
	for (int k = p->n - 1; k >= 0; k--)
		if (p->f[k].indent == indent)
			return k;
	return -1;
}

static void log_line(struct parser *p, const char *line, int indent)
{
	for (int k = 0; k < p->n; k++) {
		int cut = indent < p->f[k].indent ? indent : p->f[k].indent;
		strv_push(&frame_cur(p, k)->log, line + cut);
	}
}

static void parse_line(struct parser *p, const char *line)
{
	int indent = 0;
	while (line[indent] == ' ')
		indent++;
	const char *c = line + indent, *arg = NULL;
	long num = 0;
	enum kind kind = classify(c, &num, &arg);

	if (kind != VERSION && (p->n == 0 || indent <= p->f[0].indent)) {
		/* A header after terminal escapes or other junk on its line. */
		const char *v = strstr(line, "KTAP version ");
		if (!v)
			v = strstr(line, "TAP version ");
		if (v && (p->n == 0 || has_control(line, v))) {
			kind = VERSION;
			indent = p->n ? p->f[0].indent : 0;
		}
	}
	if (kind == VERSION && (p->n == 0 || indent <= p->f[0].indent)) {
		/* A new top-level document: the last one printed wins (an
		 * in-kernel KUnit run at boot comes before the runner's). */
		while (p->n)
			pop_frame(p, NULL);
		reset_report(p->r);
		p->r->header = true;
		push_frame(p, indent);
		log_line(p, line, indent);
		return;
	}
	if (p->n == 0)
		return; /* boot messages before the header */
	int top = p->f[p->n - 1].indent;
	if (indent < p->f[0].indent)
		kind = OTHER;

	switch (kind) {
	case VERSION:
		if (indent > top)
			push_frame(p, indent);
		break;
	case PLAN:
	case RESULT: {
		if (indent > top) {
			push_frame(p, indent);
		} else if (indent < top) {
			int k = frame_at(p, indent);
			if (k < 0) {
				kind = OTHER;
				break;
			}
			while (p->n - 1 > k)
				pop_frame(p, NULL);
		}
		break;
	}
	default:
		break;
	}

	log_line(p, line, indent);
	struct frame *f = &p->f[p->n - 1];
	switch (kind) {
	case PLAN:
		f->parent->plan = num;
		break;
	case SUBTEST:
		/* names the node that owns the subtest at this indentation */
		for (int k = p->n - 1; k >= 0; k--) {
			if (p->f[k].indent < indent) {
				struct ktap_test *t = frame_cur(p, k);
				free(t->name);
				t->name = trimmed(arg, strlen(arg));
				p->f[k].named = true;
				break;
			}
		}
		break;
	case DURATION: {
		int k = frame_at(p, indent);
		if (k >= 0)
			frame_cur(p, k)->duration_ms = num;
		break;
	}
	case RESULT: {
		struct ktap_test *t = frame_cur(p, p->n - 1);
		fill_result(t, num == 1, arg, &f->last_number);
		node_adopt(f->parent, t);
		free(t);
		f->cur = NULL;
		break;
	}
	default:
		break;
	}
}

/* Drop a printk timestamp "[    1.234567] " and a trailing CR. */
static char *clean_line(const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n && s[0] == '[') {
		size_t i = 1;
		while (i < n && s[i] == ' ')
			i++;
		size_t digits = i;
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
			i++;
		if (i > digits && i < n && s[i] == ']') {
			i++;
			if (i < n && s[i] == ' ')
				i++;
			s += i;
			n -= i;
		}
	}
	char *line = xstrndup(s, n);
	for (char *q = line; *q; q++)
		if (*q == '\t')
			*q = ' ';
	return line;
}

int ktap_parse(const char *text, size_t len, struct ktap_report *out)
{
	memset(out, 0, sizeof(*out));
	node_init(&out->root, -1);
	struct parser p = {.r = out, .n = 0};
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *line = clean_line(s, n);
		parse_line(&p, line);
		free(line);
		s += n + 1;
	}
	while (p.n > 1)
		pop_frame(&p, NULL);
	if (p.n == 1)
		pop_frame(&p, &out->trailing);
	return 0;
}

static void reset_report(struct ktap_report *r)
{
	ktap_report_free(r);
	node_init(&r->root, -1);
}

void ktap_report_free(struct ktap_report *r)
{
	node_free(&r->root);
	strv_free(&r->trailing);
	memset(r, 0, sizeof(*r));
}

const struct ktap_test *ktap_find(const struct ktap_report *r, const char *name)
{
	for (size_t i = 0; i < r->root.nsub; i++)
		if (!strcmp(r->root.sub[i].name, name))
			return &r->root.sub[i];
	return NULL;
}
