#include "kconfig/verify.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Selectors listed at most in one report line. */
#define MAX_SELECTORS_SHOWN 6

/* The final .config, sorted for lookups, and the Kconfig db for types. */
struct values {
	const struct kconfig_db *db;
	const struct kopt **v;
	size_t n;
};

static const char *value_of(const struct values *vals, const char *name)
{
	return kopt_sorted_value(vals->v, vals->n, name);
}

/* kexpr lookup: the .config value; an unset symbol is "n" (or "" for
 * string/int/hex); an undefined name is NULL (it then stands for itself). */
static const char *lookup(void *ctx, const char *name)
{
	const struct values *vals = ctx;
	const char *v = value_of(vals, name);
	if (v)
		return v;
	const struct ksym *s = kconfig_db_find(vals->db, name);
	if (!s || !s->ndefs)
		return NULL;
	return s->type == KSYM_STRING || s->type == KSYM_INT || s->type == KSYM_HEX ? "" : "n";
}

static bool is_tristate_value(const char *v)
{
	return !strcmp(v, "y") || !strcmp(v, "m") || !strcmp(v, "n");
}

static int tri(const char *v)
{
	return !v ? 0 : !strcmp(v, "y") ? 2 : !strcmp(v, "m") ? 1 : 0;
}

static bool parse_num(const char *s, bool hex, long long *out)
{
	if (!*s)
		return false;
	char *end;
	*out = strtoll(s, &end, hex ? 16 : 10);
	return *end == '\0';
}

/* Does the .config value (NULL: absent) satisfy the request? */
static bool satisfied(const struct ksym *sym, const char *want, const char *got)
{
	if (!strcmp(want, "n"))
		return !got || !strcmp(got, "n");
	if (!got)
		return false;
	if (sym && sym->type == KSYM_HEX) {
		long long a, b; /* kconfig adds the 0x a request may lack */
		return parse_num(want, true, &a) && parse_num(got, true, &b) && a == b;
	}
	return kopt_value_equal(want, got);
}

/* Why the requested value has the wrong type for the symbol, or NULL. */
static const char *type_problem(const struct ksym *sym, const char *want)
{
	long long x;
	switch (sym->type) {
	case KSYM_BOOL:
		if (!strcmp(want, "m"))
			return "m is not a value a bool can take (use y)";
		return is_tristate_value(want) ? NULL : "a bool takes y or n";
	case KSYM_TRISTATE:
		return is_tristate_value(want) ? NULL : "a tristate takes y, m or n";
	case KSYM_INT:
		return !strcmp(want, "n") || parse_num(want, false, &x) ? NULL
									: "an int takes a decimal number";
	case KSYM_HEX:
		return !strcmp(want, "n") || parse_num(want, true, &x) ? NULL : "a hex takes a 0x number";
	case KSYM_STRING:
		return !strcmp(want, "n") || want[0] == '"' ? NULL : "a string takes a \"quoted\" value";
	default:
		return NULL;
	}
}

static const char *dep_kind_text(enum kdep_kind k)
{
	switch (k) {
	case KDEP_DEPENDS:
		return "depends on";
	case KDEP_IF:
		return "inside if";
	case KDEP_MENU:
		return "inside a menu that depends on";
	case KDEP_CHOICE:
		return "inside a choice that depends on";
	}
	return "";
}

/* Unmet dependencies of one definition for level need: listed, blamed together. */
static bool explain_deps(const struct kdef *d, int need, struct values *vals, struct sbuf *out)
{
	struct sbuf all = {0};
	size_t unmet = 0;
	for (size_t i = 0; i < d->ndeps; i++) {
		const struct kdep *k = &d->deps[i];
		int v = kexpr_eval(k->expr, lookup, vals);
		if (v < 0 || v >= need)
			continue;
		sb_printf(out, "; %s:%u: %s %s", k->file, k->line, dep_kind_text(k->kind),
			  k->written ? k->written : k->expr);
		sb_printf(&all, "%s(%s)", unmet ? " && " : "", k->blame);
		unmet++;
	}
	if (unmet) {
		char *culprits = NULL;
		kexpr_blame(all.s, need, lookup, vals, &culprits);
		if (culprits)
			sb_printf(out, "; %s", culprits);
		free(culprits);
	}
	free(all.s);
	return unmet > 0;
}

static bool deps_met(const struct kdef *d, int need, struct values *vals)
{
	for (size_t i = 0; i < d->ndeps; i++) {
		int v = kexpr_eval(d->deps[i].expr, lookup, vals);
		if (v >= 0 && v < need)
			return false;
	}
	return true;
}

static bool prompt_visible(const struct kdef *d, struct values *vals)
{
	for (size_t i = 0; i < d->nmenu_visible; i++)
		if (kexpr_eval(d->menu_visible[i].expr, lookup, vals) == 0)
			return false;
	return d->has_prompt && (!d->prompt_cond || kexpr_eval(d->prompt_cond, lookup, vals) != 0);
}

static void blame_into(const char *expr, struct values *vals, struct sbuf *out)
{
	char *culprits = NULL;
	kexpr_blame(expr, 1, lookup, vals, &culprits);
	if (culprits)
		sb_printf(out, "; %s", culprits);
	free(culprits);
}

/* Selects that hold the symbol at or above level: the reason it cannot be lower. */
static size_t explain_selects(const struct ksym *sym, int level, struct values *vals, struct sbuf *out)
{
	size_t shown = 0, active = 0;
	for (size_t i = 0; i < sym->nselected_by; i++) {
		const struct kselect *s = &sym->selected_by[i];
		if (s->imply)
			continue;
		int v = tri(lookup(vals, s->by));
		if (s->cond) {
			int c = kexpr_eval(s->cond, lookup, vals);
			v = c >= 0 && c < v ? c : v;
		}
		if (v < level)
			continue;
		if (active++ < MAX_SELECTORS_SHOWN)
			sb_printf(out, "%s%s=%s (%s:%u)", shown++ ? ", " : "; selected by ", s->by,
				  v == 2 ? "y" : "m", s->file, s->line);
	}
	if (active > shown)
		sb_printf(out, " and %zu more", active - shown);
	return active;
}

/* The member of a choice that is y in the .config, or NULL. */
static const char *choice_pick(const struct kchoice *c, struct values *vals)
{
	for (size_t i = 0; i < c->nmembers; i++)
		if (tri(value_of(vals, c->members[i])) == 2)
			return c->members[i];
	return NULL;
}

/* The active range for an int/hex request that lies outside it. */
static bool explain_range(const struct ksym *sym, const char *want, struct values *vals, struct sbuf *out)
{
	bool hex = sym->type == KSYM_HEX;
	long long w;
	if (!parse_num(want, hex, &w))
		return false;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		for (size_t i = 0; i < d->nranges; i++) {
			const struct krange *r = &d->ranges[i];
			if (r->cond && kexpr_eval(r->cond, lookup, vals) == 0)
				continue;
			const char *lo = lookup(vals, r->lo), *hi = lookup(vals, r->hi);
			lo = lo ? lo : r->lo;
			hi = hi ? hi : r->hi;
			long long a, b;
			if (!parse_num(lo, hex, &a) || !parse_num(hi, hex, &b))
				return false;
			if (w >= a && w <= b)
				return false;
			sb_printf(out, "; %s:%u: range %s %s", r->file, r->line, r->lo, r->hi);
			if (strcmp(lo, r->lo) || strcmp(hi, r->hi))
				sb_printf(out, " (= %s..%s)", lo, hi);
			if (r->cond)
				sb_printf(out, " if %s", r->cond);
			sb_printf(out, " excludes %s", want);
			return true;
		}
	}
	return false;
}

static void explain_prompt(const struct ksym *sym, struct values *vals, struct sbuf *out)
{
	bool any_prompt = false;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kdef *d = &sym->defs[k];
		if (!d->has_prompt)
			continue;
		any_prompt = true;
		for (size_t i = 0; i < d->nmenu_visible; i++) {
			const struct kdep *v = &d->menu_visible[i];
			if (kexpr_eval(v->expr, lookup, vals) != 0)
				continue;
			sb_printf(out, "; %s:%u: inside a menu visible only if %s, so its default applies",
				  v->file, v->line, v->expr);
			blame_into(v->expr, vals, out);
			return;
		}
		if (d->prompt_cond && kexpr_eval(d->prompt_cond, lookup, vals) == 0) {
			sb_printf(out, "; %s:%u: its prompt is shown only if %s, so its default applies",
				  d->file, d->line, d->prompt_cond);
			blame_into(d->prompt_cond, vals, out);
			return;
		}
	}
	if (!any_prompt)
		sb_printf(out, "; %s:%u: %s has no prompt: only its default or a select sets it",
			  sym->defs[0].file, sym->defs[0].line, sym->name);
}

/* A tristate/bool request that came out lower than asked: deps, prompt, choice. */
static void explain_too_low(const struct ksym *sym, int want, struct values *vals, struct sbuf *out)
{
	int need = sym->type == KSYM_TRISTATE && want == 2 ? 2 : 1;
	size_t before = out->n;
	bool visible = false;
	for (size_t k = 0; k < sym->ndefs; k++)
		visible |= deps_met(&sym->defs[k], need, vals) && prompt_visible(&sym->defs[k], vals);
	if (!visible) {
		bool deps_ok = false;
		for (size_t k = 0; k < sym->ndefs; k++)
			deps_ok |= deps_met(&sym->defs[k], need, vals);
		if (!deps_ok)
			for (size_t k = 0; k < sym->ndefs; k++)
				explain_deps(&sym->defs[k], need, vals, out);
		else
			explain_prompt(sym, vals, out);
	}
	for (size_t k = 0; k < sym->ndefs && out->n == before; k++) {
		const struct kchoice *c = kconfig_db_choice(vals->db, sym->defs[k].choice);
		const char *pick = c ? choice_pick(c, vals) : NULL;
		if (pick && strcmp(pick, sym->name))
			sb_printf(out, "; member of the choice at %s:%u, which picked %s", c->file, c->line,
				  pick);
	}
}

/* A request that came out higher than asked (n -> y/m, m -> y). */
static void explain_too_high(const struct ksym *sym, int want, struct values *vals, struct sbuf *out)
{
	size_t before = out->n;
	explain_selects(sym, want + 1, vals, out);
	if (out->n != before)
		return;
	for (size_t k = 0; k < sym->ndefs; k++) {
		const struct kchoice *c = kconfig_db_choice(vals->db, sym->defs[k].choice);
		if (c && !c->optional) {
			sb_printf(out,
				  "; member of the choice at %s:%u, which must pick one member: "
				  "request another member =y instead",
				  c->file, c->line);
			return;
		}
	}
	bool visible = false;
	for (size_t k = 0; k < sym->ndefs; k++)
		visible |= deps_met(&sym->defs[k], 1, vals) && prompt_visible(&sym->defs[k], vals);
	if (!visible)
		explain_prompt(sym, vals, out);
}

static void explain_value(const struct ksym *sym, const char *want, const char *got, struct values *vals,
			  struct sbuf *out)
{
	size_t before = out->n;
	if (!got && sym->type != KSYM_STRING && sym->type != KSYM_INT && sym->type != KSYM_HEX)
		got = "n";
	if (sym->type == KSYM_INT || sym->type == KSYM_HEX)
		explain_range(sym, want, vals, out); /* and go on: it may be hidden too */
	if (!got) {                                  /* not written: the symbol is invisible */
		for (size_t k = 0; k < sym->ndefs; k++)
			explain_deps(&sym->defs[k], 1, vals, out);
		if (out->n == before)
			explain_prompt(sym, vals, out);
	} else if (sym->type == KSYM_BOOL || sym->type == KSYM_TRISTATE) {
		int w = tri(want), g = tri(got);
		if (w == 1 && tri(lookup(vals, kconfig_db_modules_symbol(vals->db))) != 2)
			sb_printf(out, "; m needs %s=y, which is %s", kconfig_db_modules_symbol(vals->db),
				  lookup(vals, kconfig_db_modules_symbol(vals->db)));
		else if (w > g)
			explain_too_low(sym, w, vals, out);
		else
			explain_too_high(sym, w, vals, out);
	} else {
		bool visible = false;
		for (size_t k = 0; k < sym->ndefs; k++)
			visible |= deps_met(&sym->defs[k], 1, vals) && prompt_visible(&sym->defs[k], vals);
		if (!visible)
			explain_prompt(sym, vals, out);
	}
	if (out->n == before)
		sb_printf(out, "; no reason found in its Kconfig (%s:%u): look at its defaults",
			  sym->defs[0].file, sym->defs[0].line);
}

char *dotconfig_srcarch(const char *dotconfig)
{
	char *text = read_text(dotconfig, NULL);
	if (!text)
		return NULL;
	char *arch = NULL;
	/* kconfig writes "# Linux/<ARCH> <version> Kernel Configuration" near the top */
	char *p = strncmp(text, "# Linux/", 8) == 0 ? text - 1 : strstr(text, "\n# Linux/");
	if (p && p - text < 512) {
		p += 9;
		size_t l = strcspn(p, " \n");
		char *a = xstrndup(p, l);
		arch = xstrdup(kconfig_srcarch(a));
		free(a);
	}
	free(text);
	return arch;
}

/* The report line for a request the .config does not satisfy (malloc'd). */
static char *explain_request(const struct kopt *o, const struct ksym *sym, const char *got,
			     struct values *vals)
{
	struct sbuf line = {0};
	sb_printf(&line, "CONFIG_%s: requested %s, ", o->name, o->value);
	const char *problem = type_problem(sym, o->value);
	if (problem) {
		sb_printf(&line, "but %s is a %s: %s", o->name, ksym_type_name(sym->type), problem);
		return line.s;
	}
	if (!got)
		sb_printf(&line, "got %s",
			  sym->type == KSYM_STRING || sym->type == KSYM_INT || sym->type == KSYM_HEX
				  ? "no value (not in .config)"
				  : "n (not set)");
	else
		sb_printf(&line, "got %s%s", got, strcmp(got, "n") ? "" : " (not set)");
	explain_value(sym, o->value, got, vals, &line);
	return line.s;
}

/* For a name no Kconfig read for this arch defines; elsewhere: "file:line" or NULL. */
static char *explain_undefined(const struct kopt *o, const char *elsewhere, const char *srcarch)
{
	if (elsewhere)
		return xasprintf("CONFIG_%s: requested %s, but %s is not defined for this architecture: "
				 "%s defines it, and kconfig does not read that file for %s",
				 o->name, o->value, o->name, elsewhere, srcarch);
	return xasprintf("CONFIG_%s: requested %s, but %s does not exist in this kernel: no Kconfig "
			 "in this tree defines it (typo, an option from another kernel line, or one "
			 "added by a patch not applied)",
			 o->name, o->value, o->name);
}

int config_verify_db(const struct kconfig_db *db, const char *dotconfig, const struct kopt_set *req,
		     char **report)
{
	struct kopt_set final = {0};
	if (dotconfig_read(dotconfig, &final) < 0)
		return -1;
	struct values vals = {db, xcalloc(final.n + 1, sizeof(*vals.v)), final.n};
	for (size_t i = 0; i < final.n; i++)
		vals.v[i] = &final.v[i];
	kopt_sort(vals.v, vals.n);

	char **lines = xcalloc(req->n + 1, sizeof(*lines));
	size_t bad = 0, nmissing = 0;
	const char **missing = xcalloc(req->n + 1, sizeof(*missing));
	size_t *missing_req = xcalloc(req->n + 1, sizeof(*missing_req));
	for (size_t i = 0; i < req->n; i++) {
		const struct kopt *o = &req->v[i];
		const struct ksym *sym = kconfig_db_find(db, o->name);
		const char *got = value_of(&vals, o->name);
		if (satisfied(sym && sym->ndefs ? sym : NULL, o->value, got))
			continue;
		bad++;
		if (sym && sym->ndefs) {
			lines[i] = explain_request(o, sym, got, &vals);
		} else {
			missing_req[nmissing] = i;
			missing[nmissing++] = o->name;
		}
	}

	/* Names no Kconfig for this arch defines: one walk of the tree for all of them. */
	char **where = xcalloc(nmissing + 1, sizeof(*where));
	if (nmissing)
		kconfig_find_elsewhere(db, missing, nmissing, where);
	for (size_t k = 0; k < nmissing; k++) {
		lines[missing_req[k]] = explain_undefined(&req->v[missing_req[k]], where[k],
							  kconfig_db_srcarch(db));
		free(where[k]);
	}

	struct sbuf text = {0};
	if (bad)
		sb_printf(&text, "config: %zu of %zu requested options did not survive in %s\n", bad, req->n,
			  dotconfig);
	else
		sb_printf(&text, "config: all %zu requested options are set in %s\n", req->n, dotconfig);
	for (size_t i = 0; i < req->n; i++) {
		if (lines[i])
			sb_printf(&text, "%s\n", lines[i]);
		free(lines[i]);
	}
	if (bad && kconfig_db_nunknown(db)) {
		/* the reasons come from the reader: say when it may have missed one */
		const char *u = kconfig_db_unknown(db);
		sb_printf(&text,
			  "note: kbuild's Kconfig reader did not understand %zu line%s of this "
			  "tree (the reasons above may miss what they say), first: %.*s\n",
			  kconfig_db_nunknown(db), kconfig_db_nunknown(db) == 1 ? "" : "s",
			  (int)strcspn(u, "\n"), u);
	}
	free(lines);
	free(where);
	free(missing);
	free(missing_req);
	free(vals.v);
	kopt_set_free(&final);
	*report = text.s;
	return (int)bad;
}

int config_verify(const char *srctree, const char *dotconfig, const struct kopt_set *req, char **report)
{
	char *arch = dotconfig_srcarch(dotconfig);
	if (!arch && !path_exists(dotconfig))
		return kb_fail("cannot verify config: %s does not exist", dotconfig);
	struct kconfig_db *db = kconfig_db_load(srctree, arch ? arch : "x86");
	free(arch);
	if (!db)
		return -1;
	int r = config_verify_db(db, dotconfig, req, report);
	kconfig_db_free(db);
	return r;
}

size_t config_base_losses(const char *base_file, const char *dotconfig, const struct kopt_set *req, FILE *log,
			  char **summary)
{
	*summary = NULL;
	struct kopt_set base = {0}, have = {0};
	size_t lost = 0, asked = 0;
	if (dotconfig_read(base_file, &base) < 0 || dotconfig_read(dotconfig, &have) < 0) {
		fprintf(log, "cannot compare the base with the result: %s\n", kb_last_error());
		kb_clear_error();
		goto out;
	}
	const struct kopt *first = NULL;
	for (size_t i = 0; i < base.n; i++) {
		const struct kopt *b = &base.v[i];
		if (req && kopt_set_find(req, b->name))
			continue; /* a fragment set it: verified as the fragment's */
		asked++;
		const struct kopt *h = kopt_set_find(&have, b->name);
		if (kopt_value_equal(b->value, h ? h->value : "n"))
			continue;
		if (!lost++)
			first = b;
		fprintf(log, "base %s:%u: CONFIG_%s=%s, now %s\n", b->file, b->line, b->name, b->value,
			h ? h->value : "not set");
	}
	fprintf(log, "the base asked for %zu options; %zu of them differ in the result\n", asked, lost);
	if (lost)
		*summary = xasprintf("%zu of the %zu options of the base %s are not in the result (first: "
				     "CONFIG_%s=%s at line %u)",
				     lost, asked, base_file, first->name, first->value, first->line);
out:
	kopt_set_free(&base);
	kopt_set_free(&have);
	return lost;
}
