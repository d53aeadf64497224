#include "kconfig/why.h"
#include "kconfig/fragment.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* Selectors named at most in one reason. */
#define MAX_SELECTORS_SHOWN 6

static void sb_list(struct sbuf *b, const char *label, const struct strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		sb_printf(b, "%s%s", i ? ", " : label, l->v[i]);
}

/* The .config's values, sorted for lookups; the db for types. */
struct values {
	const struct kconfig_db *db;
	const struct kopt **v;
	size_t n;
	const char *arch; /* ARCH, for option env="ARCH" */
	const struct kconfig_rules *rules;
	struct kexpr_mode mode; /* mode.macro: the value $(...) macros take in this evaluation */
};

static const char *value_of(const struct values *vals, const char *name)
{
	return kopt_sorted_value(vals->v, vals->n, name);
}

static bool is_value_type(enum ksym_type t)
{
	return t == KSYM_STRING || t == KSYM_INT || t == KSYM_HEX;
}

/* kexpr lookup, as kconfig sees a symbol: its .config value; unset: n (""
 * for string/int/hex); the environment for option env; an undefined name:
 * NULL (it then stands for itself). */
static const char *lookup(void *ctx, const char *name)
{
	const struct values *vals = ctx;
	const char *v = value_of(vals, name);
	if (v)
		return v;
	const struct ksym *s = kconfig_db_find(vals->db, name);
	if (!s || !s->ndefs)
		return NULL;
	for (size_t k = 0; k < s->ndefs; k++) {
		const char *env = s->defs[k].env;
		if (env && (!strcmp(env, "ARCH") || !strcmp(env, "SRCARCH")))
			return !strcmp(env, "ARCH") ? vals->arch : kconfig_db_srcarch(vals->db);
	}
	return is_value_type(s->type) ? "" : "n";
}

static int tri(const char *v)
{
	return !v ? 0 : !strcmp(v, "y") ? 2 : !strcmp(v, "m") ? 1 : 0;
}

static int eval(const char *expr, struct values *vals)
{
	int v = kexpr_eval_mode(expr, lookup, vals, &vals->mode);
	return v < 0 ? 2 : v; /* the reader counts what it cannot parse (kconfig_db_nunknown) */
}

/* A property of sym (prompt, default, select): 2.6.x reads `FOO != n` there as FOO
 * when sym is not a tristate (kconfig_rules.ne_n_trans). */
static int eval_prop(const char *expr, const struct ksym *sym, struct values *vals)
{
	vals->mode.ne_n_is_sym = vals->rules->ne_n_trans && sym->type != KSYM_TRISTATE;
	int v = eval(expr, vals);
	vals->mode.ne_n_is_sym = false;
	return v;
}

static int min2(int a, int b)
{
	return a < b ? a : b;
}

static int max2(int a, int b)
{
	return a > b ? a : b;
}

/* The level the deps of one definition allow (2 when it has none); prop:
 * for the properties of sym (which 2.6.x evaluates its own way), NULL: for
 * its direct dependency. A member of a choice depends on the choice's value
 * in kconfig before 6.11 (kconfig_rules.choice_value_dep), which for a bool
 * choice is y wherever the deps around the choice are m or y. */
static int def_deps(const struct kdef *d, const struct ksym *prop, struct values *vals)
{
	size_t inner = d->ndeps;
	int v = 2, outer = 2;
	if (d->choice >= 0 && vals->rules->choice_value_dep)
		inner -= d->nouter;
	for (size_t i = 0; i < d->ndeps && v && outer; i++) {
		int e = prop ? eval_prop(d->deps[i].expr, prop, vals) : eval(d->deps[i].expr, vals);
		if (i < inner)
			v = min2(v, e);
		else
			outer = min2(outer, e);
	}
	if (inner < d->ndeps && outer) {
		const struct kchoice *c = kconfig_db_choice(vals->db, d->choice);
		if (c->prompt_cond)
			outer = min2(outer, eval(c->prompt_cond, vals));
		/* allmodconfig's m for the choice, a bool choice rounds it to y */
		outer = c->type == KSYM_TRISTATE ? min2(outer, 1) : outer ? 2 : 0;
	}
	return min2(v, outer);
}

/* The visibility of a definition's prompt: its deps, its `if`, the menus' `visible if`. */
static int def_visible(const struct kdef *d, const struct ksym *sym, struct values *vals)
{
	if (!d->has_prompt)
		return 0;
	int v = def_deps(d, sym, vals);
	if (v && d->prompt_cond)
		v = min2(v, eval_prop(d->prompt_cond, sym, vals));
	for (size_t i = 0; v && i < d->nmenu_visible; i++)
		v = min2(v, eval(d->menu_visible[i].expr, vals));
	return v;
}

/* What kconfig computes for a symbol, for one value of the macros. */
struct model {
	int dir;                      /* direct dependency: OR over the definitions of their deps */
	int vis;                      /* visibility: OR over the prompts */
	int rev;                      /* select: OR over the active selects */
	int imp;                      /* imply, likewise */
	int dflt;                     /* the first default that applies, 0 if none */
	const struct kdefault *dprop; /* that default */
	const struct kdef *ddef;      /* and its definition */
	int value;                    /* the bool/tristate value kconfig would give under allmodconfig */
};

static int selects(const struct ksym *sym, bool imply, struct values *vals)
{
	int v = 0;
	for (size_t i = 0; i < sym->nselected_by && v < 2; i++) {
		const struct kselect *s = &sym->selected_by[i];
		if (s->imply != imply)
			continue;
		int by = tri(lookup(vals, s->by));
		const struct ksym *bs = kconfig_db_find(vals->db, s->by);
		if (by && bs && s->def >= 0 && (size_t)s->def < bs->ndefs)
			by = min2(by, def_deps(&bs->defs[s->def], bs, vals));
		if (by && bs && s->cond)
			by = min2(by, eval_prop(s->cond, bs, vals));
		v = max2(v, by);
	}
	return v;
}

static int modules_on(struct values *vals)
{
	return tri(lookup(vals, kconfig_db_modules_symbol(vals->db))) == 2;
}

static void model_of(const struct ksym *sym, struct values *vals, struct model *m)
{
	*m = (struct model){0};
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		m->dir = max2(m->dir, def_deps(d, NULL, vals));
		m->vis = max2(m->vis, def_visible(d, sym, vals));
		int dd = def_deps(d, sym, vals);
		for (size_t i = 0; !m->dprop && dd && i < d->ndefaults; i++) {
			const struct kdefault *df = &d->defaults[i];
			int c = df->cond ? min2(dd, eval_prop(df->cond, sym, vals)) : dd;
			if (!c)
				continue;
			m->dprop = df;
			m->ddef = d;
			m->dflt = min2(eval(df->expr, vals), c);
		}
	}
	/* kconfig: a prompt visible at m makes a bool (or any symbol without modules) visible at y */
	if (m->vis == 1 && (sym->type != KSYM_TRISTATE || !modules_on(vals)))
		m->vis = 2;
	m->rev = selects(sym, false, vals);
	m->imp = selects(sym, true, vals);
	int v;
	if (m->vis) {
		v = sym->type == KSYM_TRISTATE ? min2(1, m->vis) : m->vis; /* allmodconfig's m */
	} else {
		v = m->dflt;
		if (m->imp)
			v = min2(max2(v, m->imp), m->dir);
	}
	v = max2(v, m->rev);
	if (v == 1 && (sym->type == KSYM_BOOL || !modules_on(vals)))
		v = 2;
	m->value = v;
}

static const struct kchoice *choice_of(const struct ksym *sym, const struct kconfig_db *db)
{
	for (size_t k = 0; k < sym->ndefs; k++)
		if (sym->defs[k].choice >= 0)
			return kconfig_db_choice(db, sym->defs[k].choice);
	return NULL;
}

static const char *choice_pick(const struct kchoice *c, struct values *vals)
{
	for (size_t i = 0; i < c->nmembers; i++)
		if (tri(value_of(vals, c->members[i])) == 2)
			return c->members[i];
	return NULL;
}

/* --- reasons --- */

struct census {
	const struct kconfig_db *db;
	struct values *vals;
	struct kwhy_report *out;
	struct strv pending; /* the undefined names blamed for the symbol being explained */
	struct strv *undef;  /* per entry: its undefined names blamed */
};

static bool defined(const struct kconfig_db *db, const char *name)
{
	const struct ksym *s = kconfig_db_find(db, name);
	return s && s->ndefs;
}

/* The unmet deps of every definition (or of `only`), and the symbols that keep them low.
 * Returns the kind: DEPENDS, or UNDEFINED when every symbol blamed is
 * undefined here (refined to ARCH later, once the tree is searched). */
static enum kwhy explain_deps(struct census *c, const struct ksym *sym, const struct kdef *only,
			      struct sbuf *t)
{
	struct strv off = {0}, mustoff = {0}, compared = {0};
	struct sbuf all = {0};
	size_t unmet = 0;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		if (only && d != only)
			continue;
		const struct kchoice *ch = kconfig_db_choice(c->db, d->choice);
		if (ch && ch->prompt_cond && c->vals->rules->choice_value_dep &&
		    !eval(ch->prompt_cond, c->vals)) {
			/* before 6.11 the members depend on the choice's value: n while hidden */
			sb_printf(t, "%smember of the choice at %s:%u, shown only if %s", t->n ? "; " : "",
				  ch->file, ch->line, ch->prompt_cond);
			sb_printf(&all, "%s(%s)", unmet++ ? " && " : "", ch->prompt_cond);
		}
		for (size_t i = 0; i < d->ndeps; i++) {
			const struct kdep *dep = &d->deps[i];
			if (eval(dep->expr, c->vals) > 0)
				continue;
			static const char *how[] = {"depends on", "inside if",
						    "inside a menu that depends on",
						    "inside a choice that depends on"};
			sb_printf(t, "%s%s:%u: %s %s", t->n ? "; " : "", dep->file, dep->line, how[dep->kind],
				  dep->written ? dep->written : dep->expr);
			sb_printf(&all, "%s(%s)", unmet++ ? " && " : "", dep->blame);
		}
	}
	kexpr_blame_names(all.s ? all.s : "y", 1, lookup, c->vals, &c->vals->mode, &off, &mustoff, &compared);
	sb_list(t, "; off: ", &off);
	sb_list(t, "; must be off: ", &mustoff);
	sb_list(t, "; compared: ", &compared);
	size_t undef = 0, macros = 0;
	for (size_t i = 0; i < off.n; i++) {
		if (off.v[i][0] == '$') {
			macros++;
		} else if (!defined(c->db, off.v[i])) {
			undef++;
			strv_push(&c->pending, off.v[i]);
		}
	}
	enum kwhy kind = off.n && undef == off.n && !mustoff.n && !compared.n ? KWHY_UNDEFINED
			 : macros                                             ? KWHY_TOOLCHAIN
									      : KWHY_DEPENDS;
	strv_free(&off);
	strv_free(&mustoff);
	strv_free(&compared);
	free(all.s);
	return kind;
}

/* Selectors and impliers, with their values (none is active). */
static void list_selectors(const struct ksym *sym, struct values *vals, struct sbuf *t)
{
	size_t shown = 0;
	for (size_t i = 0; i < sym->nselected_by; i++) {
		const struct kselect *s = &sym->selected_by[i];
		if (shown++ == MAX_SELECTORS_SHOWN) {
			sb_printf(t, " and %zu more", sym->nselected_by - MAX_SELECTORS_SHOWN);
			break;
		}
		const char *v = lookup(vals, s->by);
		sb_printf(t, "%s%s=%s%s%s (%s:%u)",
			  i          ? ", "
			  : s->imply ? "; implied by "
				     : "; selected by ",
			  s->by, v ? v : "undefined", s->cond ? " if " : "", s->cond ? s->cond : "", s->file,
			  s->line);
	}
}

static void describe_default(const struct model *m, struct sbuf *t)
{
	if (m->dprop)
		sb_printf(t, "; its default %s%s%s (%s:%u) gives n", m->dprop->expr,
			  m->dprop->cond ? " if " : "", m->dprop->cond ? m->dprop->cond : "", m->dprop->file,
			  m->dprop->line);
	else
		sb_printf(t, "; no default applies");
}

/* Why the prompt of a symbol with met deps is hidden. */
static void explain_hidden_prompt(struct census *c, const struct ksym *sym, struct sbuf *t)
{
	struct values *vals = c->vals;
	const struct kdef *unmet = NULL;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		if (d->has_prompt && !unmet && !def_deps(d, sym, vals))
			unmet = d;
		if (!d->has_prompt || !def_deps(d, sym, vals))
			continue;
		if (d->prompt_cond && !eval_prop(d->prompt_cond, sym, vals)) {
			sb_printf(t, "%s:%u: its prompt is shown only if %s", d->file, d->line,
				  d->prompt_cond);
			char *culprits = NULL;
			kexpr_blame(d->prompt_cond, 1, lookup, vals, &culprits);
			if (culprits)
				sb_printf(t, "; %s", culprits);
			free(culprits);
			return;
		}
		for (size_t i = 0; i < d->nmenu_visible; i++) {
			if (eval(d->menu_visible[i].expr, vals))
				continue;
			sb_printf(t, "%s:%u: inside a menu visible only if %s", d->menu_visible[i].file,
				  d->menu_visible[i].line, d->menu_visible[i].expr);
			return;
		}
	}
	if (unmet) { /* defined again elsewhere without a prompt: deps met there */
		sb_printf(t, "its prompt (%s:%u) is in a definition whose deps are unmet", unmet->file,
			  unmet->line);
		explain_deps(c, sym, unmet, t);
		return;
	}
	sb_printf(t, "its prompt is hidden");
}

static bool has_prompt(const struct ksym *sym)
{
	for (size_t k = 0; k < sym->ndefs; k++)
		if (sym->defs[k].has_prompt)
			return true;
	return false;
}

static const char *env_of(const struct ksym *sym)
{
	for (size_t k = 0; k < sym->ndefs; k++)
		if (sym->defs[k].env)
			return sym->defs[k].env;
	return NULL;
}

/* A bool/tristate at n (or absent): the reason, or DISAGREE. */
static enum kwhy explain_off(struct census *c, const struct ksym *sym, struct sbuf *t)
{
	struct values *vals = c->vals;
	struct model m, m0;
	vals->mode.macro = 2;
	model_of(sym, vals, &m);
	vals->mode.macro = 0;
	model_of(sym, vals, &m0);
	bool toolchain = m.value > 0 && m0.value == 0;
	vals->mode.macro = toolchain ? 0 : 2;
	const struct model *use = toolchain ? &m0 : &m;
	const struct kchoice *ch = choice_of(sym, c->db);
	enum kwhy kind;
	if (!toolchain && m.value > 0 && !(ch && m.vis)) {
		sb_printf(t, "the model gives %s: ", m.value == 2 ? "y" : "m");
		if (m.rev)
			list_selectors(sym, vals, t);
		else if (m.vis)
			sb_printf(t, "visible (prompt at %s:%u), so allmodconfig sets it", sym->defs[0].file,
				  sym->defs[0].line);
		else
			describe_default(&m, t);
		vals->mode.macro = 2;
		return KWHY_DISAGREE;
	}
	if (!use->dir) {
		kind = explain_deps(c, sym, NULL, t);
		if (toolchain)
			kind = KWHY_TOOLCHAIN;
	} else if (ch && use->vis) {
		const char *pick = choice_pick(ch, vals);
		sb_printf(t, "member of the choice at %s:%u, which picked %s", ch->file, ch->line,
			  pick ? pick : "none");
		kind = KWHY_CHOICE;
	} else if (toolchain) {
		sb_printf(t, "decided by a toolchain test");
		describe_default(&m0, t);
		kind = KWHY_TOOLCHAIN;
	} else if (has_prompt(sym)) {
		explain_hidden_prompt(c, sym, t);
		list_selectors(sym, vals, t);
		describe_default(use, t);
		kind = KWHY_PROMPT_HIDDEN;
	} else if (sym->nselected_by) {
		sb_printf(t, "no prompt");
		list_selectors(sym, vals, t);
		if (use->dprop)
			describe_default(use, t);
		kind = KWHY_SELECT;
	} else {
		sb_printf(t, "%s:%u: no prompt and nothing selects it", sym->defs[0].file, sym->defs[0].line);
		describe_default(use, t);
		kind = KWHY_DEFAULT;
	}
	vals->mode.macro = 2;
	return kind;
}

/* A y/m symbol the model cannot reach: DISAGREE with the text; else NONE (fine). */
static bool explain_on(struct census *c, const struct ksym *sym, int actual, struct sbuf *t)
{
	struct values *vals = c->vals;
	struct model m, m0;
	vals->mode.macro = 2;
	model_of(sym, vals, &m);
	vals->mode.macro = 0;
	model_of(sym, vals, &m0);
	vals->mode.macro = 2;
	const struct kchoice *ch = choice_of(sym, c->db);
	if (ch && max2(m.vis, m0.vis))
		return true; /* the choice's pick */
	int lo = min2(m.value, m0.value), hi = max2(m.value, m0.value);
	if (actual >= lo && actual <= hi)
		return true;
	sb_printf(t,
		  "kconfig wrote %s, the model gives %s (deps %d, visible %d, select %d, imply %d, "
		  "default %d)",
		  actual == 2 ? "y" : "m",
		  m.value == 2 ? "y"
		  : m.value    ? "m"
			       : "n",
		  m.dir, m.vis, m.rev, m.imp, m.dflt);
	return false;
}

static char *unquote(const char *v)
{
	size_t l = strlen(v);
	if (l >= 2 && v[0] == '"' && v[l - 1] == '"') {
		char *out = xmalloc(l), *w = out;
		for (const char *p = v + 1; p < v + l - 1; p++) {
			if (*p == '\\' && p + 1 < v + l - 1)
				p++;
			*w++ = *p;
		}
		*w = '\0';
		return out;
	}
	return xstrdup(v);
}

static bool parse_num(const char *s, bool hex, long long *out)
{
	if (!*s)
		return false;
	char *end;
	*out = strtoll(s, &end, hex ? 16 : 10);
	return *end == '\0';
}

/* The value kconfig gives a string/int/hex symbol that allmodconfig leaves
 * unset: its first default that applies (a symbol's value, or the constant),
 * then, for int/hex, moved into the first active range. Returns the value
 * (malloc'd); *ranged names the range that moved it (appended to t). */
static char *predict_value(const struct ksym *sym, const struct model *m, struct values *vals, bool *ranged,
			   struct sbuf *t)
{
	*ranged = false;
	char *want;
	if (m->dprop) {
		const char *e = m->dprop->expr;
		const struct ksym *ds = kconfig_db_find(vals->db, e);
		const char *v = ds && ds->ndefs ? lookup(vals, e) : e;
		want = unquote(v ? v : "");
	} else {
		want = xstrdup("");
	}
	if (sym->type != KSYM_INT && sym->type != KSYM_HEX)
		return want;
	bool hex = sym->type == KSYM_HEX;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		int dd = def_deps(d, sym, vals);
		for (size_t i = 0; dd && i < d->nranges; i++) {
			const struct krange *r = &d->ranges[i];
			if (r->cond && !eval_prop(r->cond, sym, vals))
				continue;
			const char *ls = lookup(vals, r->lo), *hs = lookup(vals, r->hi);
			long long w, lo, hi;
			if (!parse_num(ls ? ls : r->lo, hex, &lo) || !parse_num(hs ? hs : r->hi, hex, &hi))
				return want;
			bool have = parse_num(want, hex, &w);
			if (have && w >= lo && w <= hi)
				return want;
			*ranged = true;
			sb_printf(t, "%s:%u: range %s %s moved the default %s to its %s bound", r->file,
				  r->line, r->lo, r->hi, *want ? want : "(none)",
				  have && w > hi ? "upper" : "lower");
			free(want);
			return xstrdup(have && w > hi ? (hs ? hs : r->hi) : (ls ? ls : r->lo));
		}
	}
	return want;
}

static bool same_value(const struct ksym *sym, const char *want, const char *got)
{
	long long a, b;
	if (sym->type == KSYM_INT || sym->type == KSYM_HEX) {
		bool hex = sym->type == KSYM_HEX;
		return parse_num(want, hex, &a) && parse_num(got, hex, &b) && a == b;
	}
	return !strcmp(want, got);
}

/* A string/int/hex symbol: its value from the model's default (and range)
 * against the .config's; absent: why it has none. */
static enum kwhy explain_value(struct census *c, const struct ksym *sym, const char *actual, struct sbuf *t)
{
	struct values *vals = c->vals;
	const char *env = env_of(sym);
	if (env) {
		sb_printf(t, "option env=\"%s\": its value comes from the environment", env);
		return KWHY_ENV;
	}
	struct model m[2]; /* $(...) taken as y, then as n */
	vals->mode.macro = 2;
	model_of(sym, vals, &m[0]);
	vals->mode.macro = 0;
	model_of(sym, vals, &m[1]);
	vals->mode.macro = 2;
	if (!actual) {
		if (!m[0].dir)
			return explain_deps(c, sym, NULL, t);
		if (m[0].vis || m[0].dprop) {
			if (!m[1].vis && !m[1].dprop) {
				sb_printf(t, "its %s depend on $(...) tests kconfig ran, which gave n",
					  m[0].vis ? "prompt" : "defaults");
				return KWHY_TOOLCHAIN;
			}
			sb_printf(t, "kconfig wrote no value, the model has it %s",
				  m[0].vis ? "visible" : "with a default");
			return KWHY_DISAGREE;
		}
		if (has_prompt(sym)) {
			explain_hidden_prompt(c, sym, t);
			sb_printf(t, "; no default applies");
			return KWHY_PROMPT_HIDDEN;
		}
		sb_printf(t, "%s:%u: no prompt and no default applies", sym->defs[0].file, sym->defs[0].line);
		return KWHY_DEFAULT;
	}
	char *got = unquote(actual);
	enum kwhy kind = KWHY_DISAGREE;
	for (int i = 0; i < 2 && kind == KWHY_DISAGREE; i++) {
		vals->mode.macro = i ? 0 : 2;
		const struct model *mm = &m[i];
		size_t at = t->n;
		bool ranged;
		char *want = predict_value(sym, mm, vals, &ranged, t);
		bool from_macro = mm->dprop && kexpr_has_macro(mm->dprop->expr);
		if (from_macro || same_value(sym, want, got)) {
			kind = ranged ? KWHY_RANGE : i || from_macro ? KWHY_TOOLCHAIN : KWHY_VALUE;
			if (kind == KWHY_TOOLCHAIN)
				sb_printf(t, "%s from a $(...) test kconfig ran", ksym_type_name(sym->type));
			else if (kind == KWHY_VALUE && mm->dprop)
				sb_printf(t, "%s from its default (%s:%u)", ksym_type_name(sym->type),
					  mm->dprop->file, mm->dprop->line);
			else if (kind == KWHY_VALUE)
				sb_printf(t, "%s with no default", ksym_type_name(sym->type));
		} else {
			t->n = at;
			if (t->s)
				t->s[at] = '\0';
			if (i)
				sb_printf(t, "kconfig wrote %s, the model gives \"%s\"", actual, want);
		}
		free(want);
	}
	vals->mode.macro = 2;
	free(got);
	return kind;
}

static void add_entry(struct census *c, const struct ksym *sym, const char *value, enum kwhy kind,
		      struct sbuf *t)
{
	struct kwhy_report *out = c->out;
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	c->undef = xrealloc(c->undef, (out->n + 1) * sizeof(*c->undef));
	c->undef[out->n] = c->pending;
	c->pending = (struct strv){0};
	out->v[out->n++] = (struct kwhy_entry){sym->name, value, kind, t->s ? t->s : xstrdup("")};
	out->counts[kind]++;
	t->s = NULL;
	t->n = t->cap = 0;
}

/* "# Linux/x86_64 6.1.0 Kernel Configuration": x86_64 (malloc'd), or NULL. */
static char *dotconfig_arch(const char *dotconfig)
{
	char *text = read_file(dotconfig, NULL);
	if (!text)
		return NULL;
	char *p = strncmp(text, "# Linux/", 8) == 0 ? text - 1 : strstr(text, "\n# Linux/");
	char *arch = p && p - text < 512 ? xstrndup(p + 9, strcspn(p + 9, " \n")) : NULL;
	free(text);
	return arch;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Blamed names defined nowhere here: another arch's (ARCH) or no Kconfig's
 * (UNDEFINED). One walk of the tree for all of them. */
static void refine_undefined(struct census *c)
{
	struct kwhy_report *out = c->out;
	struct strv names = {0};
	for (size_t e = 0; e < out->n; e++)
		for (size_t i = 0; out->v[e].kind == KWHY_UNDEFINED && i < c->undef[e].n; i++)
			strv_push(&names, c->undef[e].v[i]);
	if (!names.n)
		return;
	qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < names.n; i++) {
		if (n && !strcmp(names.v[n - 1], names.v[i]))
			free(names.v[i]);
		else
			names.v[n++] = names.v[i];
	}
	names.v[n] = NULL;
	names.n = n;
	char **where = xcalloc(n, sizeof(*where));
	kconfig_find_elsewhere(c->db, (const char *const *)names.v, n, where);
	for (size_t e = 0; e < out->n; e++) {
		struct kwhy_entry *en = &out->v[e];
		if (en->kind != KWHY_UNDEFINED)
			continue;
		struct sbuf more = {0};
		for (size_t i = 0; i < c->undef[e].n; i++) {
			const char *name = c->undef[e].v[i];
			char **hit = bsearch(&name, names.v, n, sizeof(*names.v), cmp_str);
			const char *w = hit ? where[hit - names.v] : NULL;
			if (w)
				sb_printf(&more, "%s%s in %s",
					  more.n ? ", " : "; defined only elsewhere: ", name, w);
		}
		if (more.n) {
			out->counts[KWHY_UNDEFINED]--;
			out->counts[KWHY_ARCH]++;
			en->kind = KWHY_ARCH;
			char *t = xasprintf("%s%s", en->text, more.s);
			free(en->text);
			en->text = t;
		}
		free(more.s);
	}
	for (size_t i = 0; i < n; i++)
		free(where[i]);
	free(where);
	strv_free(&names);
}

int kconfig_why(const struct kconfig_db *db, const char *dotconfig, const char *arch_given,
		struct kwhy_report *out)
{
	*out = (struct kwhy_report){0};
	struct kopt_set final = {0};
	if (dotconfig_read(dotconfig, &final) < 0)
		return -1;
	char *arch = arch_given ? xstrdup(arch_given) : dotconfig_arch(dotconfig);
	struct values vals = {db,
			      xcalloc(final.n + 1, sizeof(*vals.v)),
			      final.n,
			      arch ? arch : "",
			      kconfig_db_rules(db),
			      {.macro = 2}};
	for (size_t i = 0; i < final.n; i++)
		vals.v[i] = &final.v[i];
	kopt_sort(vals.v, vals.n);
	struct census c = {db, &vals, out, {0}, NULL};
	struct sbuf t = {0};
	for (size_t i = 0; i < kconfig_db_nsyms(db); i++) {
		const struct ksym *sym = kconfig_db_sym(db, i);
		strv_free(&c.pending);
		if (!sym->ndefs) {
			out->nundefined++;
			continue;
		}
		out->nsyms++;
		const char *v = value_of(&vals, sym->name);
		enum kwhy kind;
		if (sym->type == KSYM_UNKNOWN) {
			sb_printf(&t, "%s:%u: defined without a type", sym->defs[0].file, sym->defs[0].line);
			kind = KWHY_NO_TYPE;
		} else if (is_value_type(sym->type)) {
			kind = explain_value(&c, sym, v, &t);
		} else {
			out->nbool++;
			int a = tri(v);
			if (a) {
				out->ny += a == 2;
				out->nm += a == 1;
				if (explain_on(&c, sym, a, &t))
					continue;
				out->ndisagree_on++;
				add_entry(&c, sym, v, KWHY_DISAGREE, &t);
				continue;
			}
			kind = explain_off(&c, sym, &t);
		}
		if (!t.n)
			kind = KWHY_NONE;
		out->nnot++;
		add_entry(&c, sym, v, kind, &t);
	}
	refine_undefined(&c);
	/* values point into the .config read: keep them as the report's own strings */
	for (size_t e = 0; e < out->n; e++)
		if (out->v[e].value)
			out->v[e].value = xstrdup(out->v[e].value);
	free(t.s);
	for (size_t e = 0; e < out->n; e++)
		strv_free(&c.undef[e]);
	free(c.undef);
	strv_free(&c.pending);
	free(vals.v);
	free(arch);
	kopt_set_free(&final);
	return 0;
}

void kwhy_report_free(struct kwhy_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].text);
		free((char *)r->v[i].value);
	}
	free(r->v);
	*r = (struct kwhy_report){0};
}

const char *kwhy_name(enum kwhy kind)
{
	static const char *names[KWHY__COUNT] = {
		[KWHY_DEPENDS] = "depends",
		[KWHY_ARCH] = "arch",
		[KWHY_UNDEFINED] = "undefined",
		[KWHY_TOOLCHAIN] = "toolchain",
		[KWHY_CHOICE] = "choice",
		[KWHY_SELECT] = "select",
		[KWHY_PROMPT_HIDDEN] = "hidden",
		[KWHY_DEFAULT] = "default",
		[KWHY_VALUE] = "value",
		[KWHY_RANGE] = "range",
		[KWHY_ENV] = "env",
		[KWHY_NO_TYPE] = "no-type",
		[KWHY_NONE] = "none",
		[KWHY_DISAGREE] = "disagree",
	};
	return kind < KWHY__COUNT ? names[kind] : "?";
}

const struct kwhy_entry *kwhy_find(const struct kwhy_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	return NULL;
}
