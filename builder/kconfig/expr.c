/* Kconfig expressions (`depends on`, `if`, `select ... if`, `range ... if`):
 * parsed from their text into a small tree and evaluated against a .config,
 * tristate logic as in kconfig: n=0, m=1, y=2. Also the lexical pieces the
 * Kconfig reader (kconfig_db.c) shares with this parser. */
#include "kconfig/expr.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* --- lexical pieces --- */

bool kconfig_is_sym_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

char *kconfig_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (char *)p;
}

const char *kconfig_quote_end(const char *p)
{
	char q = *p++;
	for (; *p && *p != q; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p : NULL;
}

/* --- expressions: parsed from text into a small tree, then evaluated --- */

enum enode_kind { N_SYM, N_CONST, N_MACRO, N_NOT, N_AND, N_OR, N_CMP };
enum cmp_op { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct enode {
	enum enode_kind kind;
	enum cmp_op op;
	char *text; /* SYM name, CONST value (unquoted), MACRO text */
	struct enode *l, *r;
};

struct eparser {
	const char *p;
	bool err;
};

static struct enode *enode_new(enum enode_kind kind, struct enode *l, struct enode *r)
{
	struct enode *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->l = l;
	n->r = r;
	return n;
}

static void enode_free(struct enode *n)
{
	if (!n)
		return;
	enode_free(n->l);
	enode_free(n->r);
	free(n->text);
	free(n);
}

static bool eat(struct eparser *ep, const char *tok)
{
	ep->p = kconfig_skip_ws(ep->p);
	size_t l = strlen(tok);
	if (strncmp(ep->p, tok, l) != 0)
		return false;
	ep->p += l;
	return true;
}

static struct enode *parse_or(struct eparser *ep);

static struct enode *parse_atom(struct eparser *ep)
{
	const char *p = ep->p = kconfig_skip_ws(ep->p);
	if (*p == '(') {
		ep->p++;
		struct enode *e = parse_or(ep);
		if (!eat(ep, ")"))
			ep->err = true;
		return e;
	}
	if (*p == '"' || *p == '\'') {
		const char *e = kconfig_quote_end(p);
		if (!e) {
			ep->err = true;
			return NULL;
		}
		struct enode *n = enode_new(N_CONST, NULL, NULL);
		n->text = xstrndup(p + 1, (size_t)(e - p - 1));
		ep->p = e + 1;
		return n;
	}
	if (p[0] == '$' && p[1] == '(') {
		int level = 0;
		const char *q = p + 1;
		for (; *q; q++) {
			level += *q == '(';
			level -= *q == ')';
			if (level == 0)
				break;
		}
		if (!*q) {
			ep->err = true;
			return NULL;
		}
		struct enode *n = enode_new(N_MACRO, NULL, NULL);
		n->text = xstrndup(p, (size_t)(q + 1 - p));
		ep->p = q + 1;
		return n;
	}
	size_t l = 0;
	while (kconfig_is_sym_char(p[l]))
		l++;
	if (!l) {
		ep->err = true;
		return NULL;
	}
	bool constant = l == 1 && (p[0] == 'y' || p[0] == 'm' || p[0] == 'n');
	struct enode *n = enode_new(constant ? N_CONST : N_SYM, NULL, NULL);
	n->text = xstrndup(p, l);
	ep->p = p + l;
	return n;
}

static struct enode *parse_cmp(struct eparser *ep)
{
	struct enode *a = parse_atom(ep);
	static const struct {
		const char *tok;
		enum cmp_op op;
	} ops[] = {
		{"!=", C_NE}, {"<=", C_LE}, {">=", C_GE}, {"=", C_EQ}, {"<", C_LT}, {">", C_GT},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (eat(ep, ops[i].tok)) {
			struct enode *n = enode_new(N_CMP, a, parse_atom(ep));
			n->op = ops[i].op;
			return n;
		}
	}
	return a;
}

static struct enode *parse_not(struct eparser *ep)
{
	ep->p = kconfig_skip_ws(ep->p);
	if (ep->p[0] == '!' && ep->p[1] != '=') {
		ep->p++;
		return enode_new(N_NOT, parse_not(ep), NULL);
	}
	return parse_cmp(ep);
}

static struct enode *parse_and(struct eparser *ep)
{
	struct enode *l = parse_not(ep);
	while (!ep->err && eat(ep, "&&"))
		l = enode_new(N_AND, l, parse_not(ep));
	return l;
}

static struct enode *parse_or(struct eparser *ep)
{
	struct enode *l = parse_and(ep);
	while (!ep->err && eat(ep, "||"))
		l = enode_new(N_OR, l, parse_and(ep));
	return l;
}

static struct enode *expr_parse(const char *text)
{
	struct eparser ep = {text, false};
	struct enode *n = parse_or(&ep);
	if (!ep.err && *kconfig_skip_ws(ep.p) != '\0')
		ep.err = true;
	if (ep.err) {
		enode_free(n);
		return NULL;
	}
	return n;
}

struct eval_ctx {
	kexpr_lookup_fn lookup;
	void *ctx;
	struct kexpr_mode mode;
};

static int tri_of(const char *v)
{
	return !v ? 0 : strcmp(v, "y") == 0 ? 2 : strcmp(v, "m") == 0 ? 1 : 0;
}

/* String value of an operand: a symbol's value without quotes; an undefined
 * name stands for itself, as in kconfig. Returns a malloc'd string. */
static char *operand_string(const struct enode *n, const struct eval_ctx *ec)
{
	const char *v = n->text;
	if (n->kind == N_SYM) {
		const char *got = ec->lookup(ec->ctx, n->text);
		v = got ? got : n->text;
	}
	size_t l = strlen(v);
	if (l >= 2 && v[0] == '"' && v[l - 1] == '"')
		return xstrndup(v + 1, l - 2);
	return xstrdup(v);
}

static bool parse_number(const char *s, long long *out)
{
	if (!*s)
		return false;
	char *end;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	*out = strtoll(s, &end, hex ? 16 : 10);
	return *end == '\0';
}

static bool tri_number(const char *s, long long *out)
{
	if (s[0] && !s[1] && (s[0] == 'n' || s[0] == 'm' || s[0] == 'y')) {
		*out = s[0] == 'n' ? 0 : s[0] == 'm' ? 1 : 2;
		return true;
	}
	return false;
}

static int eval_node(const struct enode *n, const struct eval_ctx *ec)
{
	switch (n->kind) {
	case N_SYM:
		return tri_of(ec->lookup(ec->ctx, n->text));
	case N_CONST:
		return tri_of(n->text);
	case N_MACRO:
		return ec->mode.macro; /* evaluated by kconfig at run time; not known here */
	case N_NOT:
		return 2 - eval_node(n->l, ec);
	case N_AND: {
		int a = eval_node(n->l, ec), b = eval_node(n->r, ec);
		return a < b ? a : b;
	}
	case N_OR: {
		int a = eval_node(n->l, ec), b = eval_node(n->r, ec);
		return a > b ? a : b;
	}
	case N_CMP: {
		char *a = operand_string(n->l, ec), *b = operand_string(n->r, ec);
		if (ec->mode.ne_n_is_sym && n->op == C_NE && n->l->kind == N_SYM && n->r->kind == N_CONST &&
		    !strcmp(n->r->text, "n") && !strcmp(a, "m")) {
			free(a);
			free(b);
			return 1;
		}
		long long x, y;
		/* kconfig compares bool/tristate values as n < m < y, numbers as numbers */
		int c = tri_number(a, &x) && tri_number(b, &y)       ? (x > y) - (x < y)
			: parse_number(a, &x) && parse_number(b, &y) ? (x > y) - (x < y)
								     : strcmp(a, b);
		free(a);
		free(b);
		bool r = n->op == C_EQ   ? c == 0
			 : n->op == C_NE ? c != 0
			 : n->op == C_LT ? c < 0
			 : n->op == C_LE ? c <= 0
			 : n->op == C_GT ? c > 0
					 : c >= 0;
		return r ? 2 : 0;
	}
	}
	return 0;
}

int kexpr_eval_mode(const char *expr, kexpr_lookup_fn lookup, void *ctx, const struct kexpr_mode *m)
{
	struct enode *n = expr_parse(expr);
	if (!n)
		return -1;
	struct eval_ctx ec = {lookup, ctx, *m};
	int v = eval_node(n, &ec);
	enode_free(n);
	return v;
}

int kexpr_eval(const char *expr, kexpr_lookup_fn lookup, void *ctx)
{
	static const struct kexpr_mode plain = {.macro = 2};
	return kexpr_eval_mode(expr, lookup, ctx, &plain);
}

bool kexpr_parses(const char *expr)
{
	struct enode *n = expr_parse(expr);
	enode_free(n);
	return n != NULL;
}

bool kexpr_has_macro(const char *expr)
{
	return strstr(expr, "$(") != NULL;
}

/* Culprits found by blame, by kind; names are unique across lists. */
struct blame {
	struct strv off, mustoff, onlym, compared, seen;
	bool names; /* kexpr_blame_names: macros are named too */
};

static void blame_add(struct blame *b, struct strv *list, const char *name, const char *shown)
{
	for (size_t i = 0; i < b->seen.n; i++)
		if (strcmp(b->seen.v[i], name) == 0)
			return;
	strv_push(&b->seen, name);
	strv_push(list, shown);
}

static void blame_lo(const struct enode *n, int t, const struct eval_ctx *ec, struct blame *b);

/* n evaluates below level; name the symbols that would have to rise. */
static void blame_hi(const struct enode *n, int level, const struct eval_ctx *ec, struct blame *b)
{
	switch (n->kind) {
	case N_SYM:
		if (eval_node(n, ec) == 0)
			blame_add(b, &b->off, n->text, n->text);
		else
			blame_add(b, &b->onlym, n->text, n->text);
		break;
	case N_NOT:
		blame_lo(n->l, 2 - level, ec, b);
		break;
	case N_AND:
	case N_OR:
		if (eval_node(n->l, ec) < level)
			blame_hi(n->l, level, ec, b);
		if (eval_node(n->r, ec) < level)
			blame_hi(n->r, level, ec, b);
		break;
	case N_CMP:
		for (const struct enode *o = n->l; o; o = o == n->l ? n->r : NULL) {
			if (o->kind != N_SYM)
				continue;
			const char *v = ec->lookup(ec->ctx, o->text);
			char *shown = xasprintf("%s=%s", o->text, v ? v : "(undefined)");
			blame_add(b, &b->compared, o->text, b->names ? o->text : shown);
			free(shown);
		}
		break;
	case N_MACRO:
		if (b->names)
			blame_add(b, &b->off, n->text, n->text);
		break;
	default:
		break;
	}
}

/* n evaluates above t; name the symbols that would have to fall. */
static void blame_lo(const struct enode *n, int t, const struct eval_ctx *ec, struct blame *b)
{
	switch (n->kind) {
	case N_SYM:
		blame_add(b, &b->mustoff, n->text, n->text);
		break;
	case N_NOT:
		blame_hi(n->l, 2 - t, ec, b);
		break;
	case N_AND:
	case N_OR:
		if (eval_node(n->l, ec) > t)
			blame_lo(n->l, t, ec, b);
		if (eval_node(n->r, ec) > t)
			blame_lo(n->r, t, ec, b);
		break;
	case N_CMP:
		blame_hi(n, 2, ec, b); /* lists the compared symbols */
		break;
	case N_MACRO:
		if (b->names)
			blame_add(b, &b->mustoff, n->text, n->text);
		break;
	default:
		break;
	}
}

static void append_list(char **out, const char *label, const struct strv *list)
{
	if (!list->n)
		return;
	char *old = *out;
	size_t total = strlen(label) + 4;
	for (size_t i = 0; i < list->n; i++)
		total += strlen(list->v[i]) + 2;
	char *s = xmalloc((old ? strlen(old) : 0) + total + 1);
	size_t n = (size_t)sprintf(s, "%s%s%s: ", old ? old : "", old && *old ? "; " : "", label);
	for (size_t i = 0; i < list->n; i++)
		n += (size_t)sprintf(s + n, "%s%s", i ? ", " : "", list->v[i]);
	free(old);
	*out = s;
}

size_t kexpr_blame(const char *expr, int need, kexpr_lookup_fn lookup, void *ctx, char **out)
{
	struct enode *n = expr_parse(expr);
	if (!n)
		return 0;
	struct eval_ctx ec = {lookup, ctx, {.macro = 2}};
	struct blame b = {0};
	if (eval_node(n, &ec) < need)
		blame_hi(n, need, &ec, &b);
	append_list(out, "off", &b.off);
	append_list(out, "must be off", &b.mustoff);
	append_list(out, "only m", &b.onlym);
	append_list(out, "compared", &b.compared);
	size_t count = b.seen.n;
	strv_free(&b.off);
	strv_free(&b.mustoff);
	strv_free(&b.onlym);
	strv_free(&b.compared);
	strv_free(&b.seen);
	enode_free(n);
	return count;
}

static void move_list(struct strv *to, struct strv *from)
{
	for (size_t i = 0; to && i < from->n; i++)
		strv_push(to, from->v[i]);
	strv_free(from);
}

size_t kexpr_blame_names(const char *expr, int need, kexpr_lookup_fn lookup, void *ctx,
			 const struct kexpr_mode *m, struct strv *off, struct strv *mustoff,
			 struct strv *compared)
{
	struct enode *n = expr_parse(expr);
	if (!n)
		return 0;
	struct eval_ctx ec = {lookup, ctx, *m};
	struct blame b = {.names = true};
	if (eval_node(n, &ec) < need)
		blame_hi(n, need, &ec, &b);
	size_t count = b.seen.n;
	move_list(off, &b.off);
	move_list(off, &b.onlym);
	move_list(mustoff, &b.mustoff);
	move_list(compared, &b.compared);
	strv_free(&b.seen);
	enode_free(n);
	return count;
}
