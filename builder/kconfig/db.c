#include "kconfig/db.h"
#include "lib/util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deepest `source` nesting accepted (the 6.1 tree needs about 8). */
#define MAX_SOURCE_DEPTH 64

enum frame_kind { F_IF, F_MENU, F_CHOICE };

/* An enclosing block while reading: its conditions are inherited by entries. */
struct frame {
	enum frame_kind kind;
	struct kdep *deps; /* IF: one; MENU/CHOICE: each `depends on` */
	size_t ndeps;
	int choice;
	struct kdep visible; /* MENU: `visible if EXPR`, expr NULL if none */
};

struct kconfig_db {
	const char *srctree, *srcarch;
	struct strv strings; /* every string the db hands out */
	struct ksym **syms;
	size_t nsyms, capsyms;
	size_t *slots; /* open addressing: index+1 into syms, 0 free */
	size_t nslots;
	struct kchoice *choices;
	size_t nchoices;
	struct strv files; /* every file read, sorted once loading is done */
	const char *modules_sym;
	struct kconfig_rules rules;
	char *warnings;
	size_t warnings_len;
	size_t nunknown; /* lines not understood; the first ones listed in unknown */
	char *unknown;
	size_t unknown_len;
	size_t syntax[KSYN__COUNT];
	/* reading state */
	struct strv reading; /* real paths of the files being read, outermost first */
	struct frame *stack;
	size_t depth, capstack;
};

const char *kconfig_srcarch(const char *arch)
{
	static const struct {
		const char *arch, *src;
	} map[] = {
		{"x86_64", "x86"}, {"i386", "x86"},        {"sparc32", "sparc"}, {"sparc64", "sparc"},
		{"sh64", "sh"},    {"parisc64", "parisc"}, {"tilepro", "tile"},  {"tilegx", "tile"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(arch, map[i].arch) == 0)
			return map[i].src;
	return arch;
}

const char *ksym_type_name(enum ksym_type t)
{
	static const char *names[] = {"unknown", "bool", "tristate", "string", "int", "hex"};
	return names[t];
}

static const char *db_strn(struct kconfig_db *db, const char *s, size_t n)
{
	char *copy = xstrndup(s, n);
	strv_push_owned(&db->strings, copy);
	return copy;
}

static const char *db_str(struct kconfig_db *db, const char *s)
{
	return db_strn(db, s, strlen(s));
}

static void db_warn(struct kconfig_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void db_warn(struct kconfig_db *db, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	size_t l = strlen(msg);
	db->warnings = xrealloc(db->warnings, db->warnings_len + l + 2);
	memcpy(db->warnings + db->warnings_len, msg, l);
	db->warnings_len += l;
	db->warnings[db->warnings_len++] = '\n';
	db->warnings[db->warnings_len] = '\0';
	free(msg);
}

/* --- symbol table --- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t *slot_for(const struct kconfig_db *db, const char *name)
{
	size_t mask = db->nslots - 1;
	for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		size_t *s = &db->slots[i];
		if (*s == 0 || strcmp(db->syms[*s - 1]->name, name) == 0)
			return s;
	}
}

static void grow_slots(struct kconfig_db *db)
{
	free(db->slots);
	db->nslots = db->nslots ? db->nslots * 2 : 4096;
	db->slots = xcalloc(db->nslots, sizeof(*db->slots));
	for (size_t i = 0; i < db->nsyms; i++)
		*slot_for(db, db->syms[i]->name) = i + 1;
}

const struct ksym *kconfig_db_find(const struct kconfig_db *db, const char *name)
{
	if (!db->nslots)
		return NULL;
	size_t s = *slot_for(db, name);
	return s ? db->syms[s - 1] : NULL;
}

static struct ksym *sym_get(struct kconfig_db *db, const char *name, size_t len)
{
	char key[256];
	if (len >= sizeof(key))
		len = sizeof(key) - 1;
	memcpy(key, name, len);
	key[len] = '\0';
	if ((db->nsyms + 1) * 10 >= db->nslots * 7)
		grow_slots(db);
	size_t *slot = slot_for(db, key);
	if (*slot)
		return db->syms[*slot - 1];
	if (db->nsyms == db->capsyms) {
		db->capsyms = db->capsyms ? db->capsyms * 2 : 1024;
		db->syms = xrealloc(db->syms, db->capsyms * sizeof(*db->syms));
	}
	struct ksym *sym = xcalloc(1, sizeof(*sym));
	sym->name = db_str(db, key);
	db->syms[db->nsyms++] = sym;
	*slot = db->nsyms;
	return sym;
}

/* --- reading one file --- */

static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Cut a '#' comment that is outside quotes. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '"' || *p == '\'') {
			const char *e = kconfig_quote_end(p);
			if (!e)
				return;
			p = (char *)e;
		} else if (*p == '#') {
			*p = '\0';
			return;
		}
	}
}

static size_t word_len(const char *p)
{
	size_t n = 0;
	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

static size_t sym_len(const char *p)
{
	size_t n = 0;
	while (kconfig_is_sym_char(p[n]))
		n++;
	return n;
}

/* The `if` that ends the value part of an attribute ("y if A", "A || B if C",
 * "\"text\" if C"): outside quotes and parentheses, a word of its own.
 * Returns where "if" starts, or NULL. */
static const char *find_if(const char *s)
{
	int level = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\'') {
			const char *e = kconfig_quote_end(p);
			if (!e)
				return NULL;
			p = e;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')') {
			level--;
		} else if (level == 0 && p[0] == 'i' && p[1] == 'f' &&
			   (p == s || !kconfig_is_sym_char(p[-1])) && !kconfig_is_sym_char(p[2]) &&
			   p[2] != '$') {
			return p;
		}
	}
	return NULL;
}

/* Expand $(VAR) and $VAR for the variables kconfig gets from the environment. */
static char *expand_path(const struct kconfig_db *db, const char *in)
{
	size_t cap = strlen(in) + 64, n = 0;
	char *out = xmalloc(cap);
	for (const char *p = in; *p;) {
		const char *val = NULL;
		size_t skip = 0;
		if (*p == '$') {
			bool paren = p[1] == '(';
			const char *name = p + 1 + paren;
			size_t l = 0;
			while (isalnum((unsigned char)name[l]) || name[l] == '_')
				l++;
			if (l && (!paren || name[l] == ')')) {
				if ((l == 7 && !strncmp(name, "SRCARCH", 7)) ||
				    (l == 4 && !strncmp(name, "ARCH", 4)) ||
				    (l == 11 && !strncmp(name, "HEADER_ARCH", 11)))
					val = db->srcarch;
				skip = 1 + paren + l + paren;
			}
		}
		const char *add = val ? val : p;
		size_t addlen = val ? strlen(val) : 1;
		if (n + addlen + 1 > cap)
			out = xrealloc(out, cap = (n + addlen + 1) * 2);
		memcpy(out + n, add, addlen);
		n += addlen;
		p += val ? skip : 1;
	}
	out[n] = '\0';
	return out;
}

struct reader {
	struct kconfig_db *db;
	const char *file; /* interned, relative to srctree */
	struct ksym *cur_sym;
	struct kdef *cur_def;
	size_t cur_own;          /* own deps of cur_def so far */
	struct frame *cur_frame; /* menu/choice taking `depends on` */
	bool cur_other;          /* comment: takes `depends on`, ignored */
};

static int read_file_kconfig(struct kconfig_db *db, const char *rel, int depth);

/* A line the reader does not understand: counted, and listed while few. */
static void unknown(struct reader *r, unsigned line, const char *why, const char *text)
{
	struct kconfig_db *db = r->db;
	if (db->nunknown++ >= KCONFIG_UNKNOWN_LISTED)
		return;
	char *msg = xasprintf("%s:%u: %s: %s\n", r->file, line, why, text);
	size_t l = strlen(msg);
	db->unknown = xrealloc(db->unknown, db->unknown_len + l + 1);
	memcpy(db->unknown + db->unknown_len, msg, l + 1);
	db->unknown_len += l;
	free(msg);
}

static void note(struct reader *r, enum ksyntax what)
{
	r->db->syntax[what]++;
}

/* An expression of an attribute, interned; counted as unknown when it does
 * not parse (an expression the reader cannot evaluate would silently count
 * as met). */
static const char *expr_of(struct reader *r, unsigned line, const char *text, size_t len, const char *what)
{
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	const char *e = db_strn(r->db, text, len);
	if (!*e || !kexpr_parses(e))
		unknown(r, line, what, *e ? e : "(empty)");
	else if (kexpr_has_macro(e))
		note(r, KSYN_MACRO_USE);
	return e;
}

/* "VALUE [if COND]": VALUE's text and length, COND interned (or NULL). */
static size_t value_and_cond(struct reader *r, unsigned line, const char *args, const char **cond)
{
	const char *i = find_if(args);
	*cond = i ? expr_of(r, line, kconfig_skip_ws(i + 2), strlen(kconfig_skip_ws(i + 2)),
			    "condition after `if` not understood")
		  : NULL;
	return i ? (size_t)(i - args) : strlen(args);
}

/* `"text" [if EXPR]`: true when a well-formed prompt is there (anything else is unknown). */
static bool parse_prompt(struct reader *r, unsigned line, const char *p, const char **cond)
{
	p = kconfig_skip_ws(p);
	*cond = NULL;
	const char *e = (*p == '"' || *p == '\'') ? kconfig_quote_end(p) : NULL;
	if (!e) {
		unknown(r, line, "a prompt must be a quoted string", p);
		return false;
	}
	const char *rest = kconfig_skip_ws(e + 1);
	if (!*rest)
		return true;
	if (find_if(rest) != rest) {
		unknown(r, line, "text after the prompt", rest);
		return false;
	}
	*cond = expr_of(r, line, kconfig_skip_ws(rest + 2), strlen(kconfig_skip_ws(rest + 2)),
			"prompt condition not understood");
	return true;
}

/* Whether the file at full is one of those being read (a source cycle). */
static bool being_read(const struct kconfig_db *db, const char *full)
{
	char *real = realpath(full, NULL);
	bool found = false;
	for (size_t i = 0; real && i < db->reading.n && !found; i++)
		found = !strcmp(db->reading.v[i], real);
	free(real);
	return found;
}

static void push_frame(struct kconfig_db *db, enum frame_kind kind)
{
	if (db->depth == db->capstack) {
		db->capstack = db->capstack ? db->capstack * 2 : 32;
		db->stack = xrealloc(db->stack, db->capstack * sizeof(*db->stack));
	}
	db->stack[db->depth++] = (struct frame){.kind = kind, .choice = -1};
}

static void pop_frame(struct kconfig_db *db, struct reader *r, enum frame_kind kind, unsigned line,
		      const char *kw)
{
	if (db->depth == 0 || db->stack[db->depth - 1].kind != kind) {
		db_warn(db, "%s:%u: %s without its opening statement", r->file, line, kw);
		unknown(r, line, "no block to close", kw);
		return;
	}
	free(db->stack[--db->depth].deps);
}

static void frame_add_dep(struct frame *f, struct kdep dep)
{
	f->deps = xrealloc(f->deps, (f->ndeps + 1) * sizeof(*f->deps));
	f->deps[f->ndeps++] = dep;
}

static void clear_current(struct reader *r)
{
	r->cur_sym = NULL;
	r->cur_def = NULL;
	r->cur_frame = NULL;
	r->cur_other = false;
}

static void start_config(struct reader *r, const char *name, unsigned line)
{
	struct kconfig_db *db = r->db;
	clear_current(r);
	size_t l = sym_len(name);
	if (!l || *kconfig_skip_ws(name + l)) {
		db_warn(db, "%s:%u: config without a name", r->file, line);
		unknown(r, line, "config needs one symbol name", name);
		r->cur_other = true;
		return;
	}
	struct ksym *sym = sym_get(db, name, l);
	sym->defs = xrealloc(sym->defs, (sym->ndefs + 1) * sizeof(*sym->defs));
	struct kdef *d = &sym->defs[sym->ndefs++];
	*d = (struct kdef){.file = r->file, .line = line, .choice = -1};
	/* Inherit the enclosing blocks' conditions, innermost first. */
	bool below_menu = false, outer = false;
	for (size_t i = db->depth; i-- > 0;) {
		struct frame *f = &db->stack[i];
		/* a config inside choice (possibly within an if there) is a member */
		if (f->kind == F_CHOICE && d->choice < 0 && !below_menu) {
			d->choice = f->choice;
			outer = true;
		}
		below_menu |= f->kind == F_MENU || f->kind == F_CHOICE;
		for (size_t k = 0; k < f->ndeps; k++) {
			d->deps = xrealloc(d->deps, (d->ndeps + 1) * sizeof(*d->deps));
			d->deps[d->ndeps++] = f->deps[k];
			d->nouter += outer;
		}
		if (f->visible.expr) {
			d->menu_visible = xrealloc(d->menu_visible,
						   (d->nmenu_visible + 1) * sizeof(*d->menu_visible));
			d->menu_visible[d->nmenu_visible++] = f->visible;
		}
	}
	if (d->choice >= 0) {
		struct kchoice *c = &db->choices[d->choice];
		c->members = xrealloc(c->members, (c->nmembers + 1) * sizeof(*c->members));
		c->members[c->nmembers++] = sym->name;
	}
	r->cur_sym = sym;
	r->cur_def = d;
	r->cur_own = 0;
}

static void add_own_dep(struct reader *r, struct kdep dep)
{
	struct kdef *d = r->cur_def;
	d->deps = xrealloc(d->deps, (d->ndeps + 1) * sizeof(*d->deps));
	memmove(&d->deps[r->cur_own + 1], &d->deps[r->cur_own], (d->ndeps - r->cur_own) * sizeof(*d->deps));
	d->deps[r->cur_own++] = dep;
	d->ndeps++;
}

static void set_type(struct reader *r, enum ksym_type t)
{
	if (r->cur_sym && (r->cur_sym->type == KSYM_UNKNOWN || r->cur_sym->type == t))
		r->cur_sym->type = t;
}

static void add_default(struct reader *r, struct kdefault **v, size_t *n, const char *expr, const char *cond,
			unsigned line)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct kdefault){expr, cond, r->file, line};
}

/* `select SYM [if EXPR]` / `imply SYM [if EXPR]` */
static void add_select(struct reader *r, const char *args, unsigned line, bool imply)
{
	struct kconfig_db *db = r->db;
	size_t l = sym_len(args);
	const char *rest = kconfig_skip_ws(args + l);
	if (!l || (*rest && find_if(rest) != rest)) {
		unknown(r, line, imply ? "imply takes a symbol [if EXPR]" : "select takes a symbol [if EXPR]",
			args);
		return;
	}
	const char *cond = NULL;
	value_and_cond(r, line, rest, &cond);
	struct ksym *target = sym_get(db, args, l);
	target->selected_by = xrealloc(target->selected_by,
				       (target->nselected_by + 1) * sizeof(*target->selected_by));
	target->selected_by[target->nselected_by++] =
		(struct kselect){r->cur_sym->name, cond, r->file, line, imply, (int)(r->cur_sym->ndefs - 1)};
}

/* `range A B [if EXPR]` */
static void add_range(struct reader *r, const char *args, unsigned line)
{
	const char *cond = NULL;
	size_t vl = value_and_cond(r, line, args, &cond);
	size_t l1 = word_len(args);
	const char *b = kconfig_skip_ws(args + l1);
	size_t l2 = word_len(b);
	const char *end = args + vl;
	if (!l1 || !l2 || b + l2 > end || kconfig_skip_ws(b + l2) < end) {
		unknown(r, line, "range takes two bounds [if EXPR]", args);
		return;
	}
	const char *lo = expr_of(r, line, args, l1, "range bound not understood");
	const char *hi = expr_of(r, line, b, l2, "range bound not understood");
	struct kdef *d = r->cur_def;
	d->ranges = xrealloc(d->ranges, (d->nranges + 1) * sizeof(*d->ranges));
	d->ranges[d->nranges++] = (struct krange){lo, hi, cond, r->file, line};
}

static void source_file(struct reader *r, const char *args, unsigned line, bool relative, bool optional,
			int depth)
{
	struct kconfig_db *db = r->db;
	const char *p = kconfig_skip_ws(args);
	const char *e = (*p == '"' || *p == '\'') ? kconfig_quote_end(p) : NULL;
	const char *after = e ? e + 1 : p + word_len(p);
	if (!*p || *kconfig_skip_ws(after)) {
		unknown(r, line, "source takes one path", args);
		return;
	}
	char *raw = e ? xstrndup(p + 1, (size_t)(e - p - 1)) : xstrndup(p, word_len(p));
	char *path = expand_path(db, raw);
	free(raw);
	if (relative) {
		const char *slash = strrchr(r->file, '/');
		char *dir = slash ? xstrndup(r->file, (size_t)(slash - r->file)) : xstrdup(".");
		char *joined = path_join(dir, path);
		free(dir);
		free(path);
		path = joined;
	}
	char *full = path_join(db->srctree, path);
	if (!path_exists(full)) {
		if (!optional)
			db_warn(db, "%s:%u: sourced file %s not found", r->file, line, path);
	} else if (being_read(db, full)) {
		/* kconfig refuses recursive inclusion; read again, a file that sources
		 * itself would be read 2^depth times (found by fuzz_kconfig) */
		db_warn(db, "%s:%u: recursive inclusion of %s, skipped", r->file, line, path);
	} else if (depth >= MAX_SOURCE_DEPTH) {
		db_warn(db, "%s:%u: source nesting deeper than %d, %s skipped", r->file, line,
			MAX_SOURCE_DEPTH, path);
	} else {
		read_file_kconfig(db, path, depth + 1);
	}
	free(full);
	free(path);
}

/* `NAME := ...`, `NAME = ...`, `NAME += ...`: a macro definition (4.18+). */
static bool macro_definition(const char *p)
{
	size_t l = sym_len(p);
	if (!l)
		return false;
	p = kconfig_skip_ws(p + l);
	return p[0] == '=' || (p[0] == ':' && p[1] == '=') || (p[0] == '+' && p[1] == '=');
}

/* `depends on EXPR [if COND]` of an entry, a menu or a choice. */
static void add_depends(struct reader *r, char *args, unsigned line)
{
	struct kconfig_db *db = r->db;
	if (strncmp(args, "on", 2) != 0 || (args[2] != ' ' && args[2] != '\t')) {
		unknown(r, line, "depends needs `on EXPR`", args);
		return;
	}
	args = kconfig_skip_ws(args + 2);
	const char *cond = NULL;
	size_t vl = value_and_cond(r, line, args, &cond);
	const char *dep = expr_of(r, line, args, vl, "dependency not understood");
	struct kdep k = {dep, NULL, dep, r->file, line, KDEP_DEPENDS};
	if (cond) { /* `depends on X if Y`: met where Y is off (2025 kconfig) */
		note(r, KSYN_DEPENDS_IF);
		char *e = xasprintf("!(%s) || (%s)", cond, dep);
		k.expr = db_str(db, e);
		free(e);
		k.written = db_str(db, args);
	}
	if (r->cur_def) {
		add_own_dep(r, k);
	} else if (r->cur_frame) {
		k.kind = r->cur_frame->kind == F_MENU ? KDEP_MENU : KDEP_CHOICE;
		frame_add_dep(r->cur_frame, k);
	} else if (!r->cur_other) {
		unknown(r, line, "depends on outside a config, menu, choice or comment", args);
	}
}

static struct kchoice *cur_choice(struct reader *r)
{
	return r->cur_frame && r->cur_frame->kind == F_CHOICE ? &r->db->choices[r->cur_frame->choice] : NULL;
}

static enum ksym_type type_of_keyword(const char *p, size_t kl)
{
	if (p[0] == 'b')
		return KSYM_BOOL;
	if (p[0] == 's')
		return KSYM_STRING;
	if (p[0] == 'i')
		return KSYM_INT;
	if (p[0] == 'h')
		return KSYM_HEX;
	return kl == 8 ? KSYM_TRISTATE : KSYM_UNKNOWN;
}

static bool is_n(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Drop, in place, the characters kconfig's lexer skips in a statement's
 * parameters (it reads only words, quoted strings, operators and $(...)):
 * 2.6.32 has `tristate "..." ;`. Returns whether any was dropped. */
static bool drop_skipped(char *s)
{
	bool dropped = false;
	char *w = s;
	int level = 0; /* inside $(...) */
	for (char *p = s; *p;) {
		if ((*p == '"' || *p == '\'') && kconfig_quote_end(p)) {
			const char *e = kconfig_quote_end(p);
			while (p <= e)
				*w++ = *p++;
			continue;
		}
		if (p[0] == '$' && p[1] == '(')
			level++;
		else if (*p == ')' && level)
			level--;
		if (!level && strchr(";*@%^~?[]{}`,:+", *p)) {
			dropped = true;
			p++;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	return dropped;
}

/* One logical line (continuations joined, not help text). */
static void handle_line(struct reader *r, char *text, unsigned line, int depth, bool *help)
{
	struct kconfig_db *db = r->db;
	char *p = kconfig_skip_ws(text);
	strip_comment(p);
	trim_end(p);
	if (!*p)
		return;
	if (macro_definition(p)) {
		clear_current(r);
		note(r, KSYN_MACRO_DEF);
		return;
	}
	if (p[0] == '$' && p[1] == '(') {
		clear_current(r);
		note(r, KSYN_MACRO_CALL);
		return;
	}
	/* kconfig skips what is not a word before the keyword: "---help---",
	 * "--- help ---" (2.6.3x's drivers/w1) */
	char *kwstart = p;
	while (*p && !is_n(*p) && *p != '"' && *p != '\'')
		p++;
	size_t kl = 0;
	while (is_n(p[kl]))
		kl++;
	char *args = kconfig_skip_ws(p + kl);
	bool is_help = kl == 4 && !strncmp(p, "help", 4);
	if (p != kwstart || (is_help && *args)) {
		bool dashes = true;
		for (const char *c = kwstart; c < p; c++)
			dashes &= *c == '-' || *c == ' ' || *c == '\t';
		for (const char *c = args; *c; c++)
			dashes &= *c == '-' || *c == ' ' || *c == '\t';
		note(r, is_help && dashes ? KSYN_OLD_HELP : KSYN_IGNORED_CHAR);
		if (!kl)
			p = kwstart; /* nothing but skipped characters: unknown below */
	}
	if (!is_help && drop_skipped(args))
		note(r, KSYN_IGNORED_CHAR);
	struct kchoice *choice = cur_choice(r);
#define KW(s) (kl == sizeof(s) - 1 && strncmp(p, s, kl) == 0)
	if (kl == 0) {
		unknown(r, line, "not a Kconfig statement", p);
	} else if (KW("config") || KW("menuconfig")) {
		start_config(r, args, line);
	} else if (KW("choice")) {
		clear_current(r);
		if (*args) {
			if (sym_len(args) == strlen(args))
				note(r, KSYN_NAMED_CHOICE);
			else
				unknown(r, line, "choice takes at most a name", args);
		}
		push_frame(db, F_CHOICE);
		db->choices = xrealloc(db->choices, (db->nchoices + 1) * sizeof(*db->choices));
		db->choices[db->nchoices] =
			(struct kchoice){.file = r->file, .line = line, .type = KSYM_BOOL};
		db->stack[db->depth - 1].choice = (int)db->nchoices++;
		r->cur_frame = &db->stack[db->depth - 1];
	} else if (KW("endchoice") || KW("endmenu") || KW("endif")) {
		clear_current(r);
		if (*args)
			unknown(r, line, "text after the end of a block", p);
		pop_frame(db, r,
			  p[3] == 'c'   ? F_CHOICE
			  : p[3] == 'm' ? F_MENU
					: F_IF,
			  line,
			  p[3] == 'c'   ? "endchoice"
			  : p[3] == 'm' ? "endmenu"
					: "endif");
	} else if (KW("menu")) {
		clear_current(r);
		const char *cond;
		if (parse_prompt(r, line, args, &cond) && cond)
			unknown(r, line, "a menu prompt takes no `if`", args);
		push_frame(db, F_MENU);
		r->cur_frame = &db->stack[db->depth - 1];
	} else if (KW("if")) {
		clear_current(r);
		push_frame(db, F_IF);
		const char *e = expr_of(r, line, args, strlen(args), "if condition not understood");
		frame_add_dep(&db->stack[db->depth - 1], (struct kdep){e, NULL, e, r->file, line, KDEP_IF});
	} else if (KW("source") || KW("osource") || KW("rsource") || KW("orsource")) {
		clear_current(r);
		if (p[0] != 's')
			note(r, KSYN_SOURCE_VARIANT);
		source_file(r, args, line, p[0] == 'r' || p[1] == 'r', p[0] == 'o', depth);
	} else if (KW("comment") || KW("mainmenu")) {
		clear_current(r);
		const char *cond;
		if (parse_prompt(r, line, args, &cond) && cond)
			unknown(r, line, "this prompt takes no `if`", args);
		r->cur_other = p[0] == 'c';
	} else if (is_help) {
		if (!r->cur_def && !choice && !r->cur_frame)
			unknown(r, line, "help outside a config or choice", p);
		*help = true;
	} else if (KW("depends")) {
		add_depends(r, args, line);
	} else if (KW("visible")) {
		if (!r->cur_frame || r->cur_frame->kind != F_MENU || strncmp(args, "if", 2) ||
		    (args[2] != ' ' && args[2] != '\t')) {
			unknown(r, line, "visible takes `if EXPR` and belongs to a menu", p);
		} else {
			note(r, KSYN_VISIBLE_IF);
			const char *e = kconfig_skip_ws(args + 2);
			const char *v = expr_of(r, line, e, strlen(e), "visible if condition not understood");
			r->cur_frame->visible = (struct kdep){v, NULL, v, r->file, line, KDEP_MENU};
		}
	} else if (KW("optional")) {
		if (!choice || *args)
			unknown(r, line, "optional belongs to a choice", p);
		else {
			note(r, KSYN_CHOICE_OPTIONAL);
			choice->optional = true;
		}
	} else if (KW("bool") || KW("boolean") || KW("tristate") || KW("string") || KW("int") || KW("hex")) {
		enum ksym_type t = type_of_keyword(p, kl);
		if (KW("boolean"))
			note(r, KSYN_BOOLEAN);
		const char *cond = NULL;
		bool prompt = *args && parse_prompt(r, line, args, &cond);
		if (r->cur_def) {
			set_type(r, t);
			if (prompt) {
				r->cur_def->has_prompt = true;
				r->cur_def->prompt_cond = cond;
			}
		} else if (choice && (t == KSYM_BOOL || t == KSYM_TRISTATE)) {
			choice->type = t;
			if (t == KSYM_TRISTATE)
				note(r, KSYN_TRISTATE_CHOICE);
			if (prompt) {
				choice->has_prompt = true;
				choice->prompt_cond = cond;
			}
		} else {
			unknown(r, line, "a type outside a config or choice", p);
		}
	} else if (KW("prompt")) {
		const char *cond = NULL;
		bool prompt = parse_prompt(r, line, args, &cond);
		if (r->cur_def && prompt) {
			r->cur_def->has_prompt = true;
			r->cur_def->prompt_cond = cond;
		} else if (choice && prompt) {
			choice->has_prompt = true;
			choice->prompt_cond = cond;
		} else if (prompt) {
			unknown(r, line, "prompt outside a config or choice", p);
		}
	} else if (KW("def_bool") || KW("def_tristate") || KW("default")) {
		const char *cond = NULL;
		size_t vl = value_and_cond(r, line, args, &cond);
		const char *v = expr_of(r, line, args, vl, "default value not understood");
		if (r->cur_def) {
			if (p[3] == '_')
				set_type(r, p[4] == 'b' ? KSYM_BOOL : KSYM_TRISTATE);
			add_default(r, &r->cur_def->defaults, &r->cur_def->ndefaults, v, cond, line);
		} else if (choice && p[3] != '_') {
			if (sym_len(v) != strlen(v))
				unknown(r, line, "a choice's default is one of its symbols", v);
			add_default(r, &choice->defaults, &choice->ndefaults, v, cond, line);
		} else {
			unknown(r, line, "default outside a config or choice", p);
		}
	} else if (KW("select") || KW("imply")) {
		if (p[0] == 'i')
			note(r, KSYN_IMPLY);
		if (r->cur_def)
			add_select(r, args, line, p[0] == 'i');
		else
			unknown(r, line, "select/imply outside a config", p);
	} else if (KW("range")) {
		if (r->cur_def)
			add_range(r, args, line);
		else
			unknown(r, line, "range outside a config", p);
	} else if (KW("modules") || KW("option")) {
		if (!r->cur_def) {
			unknown(r, line, "option outside a config", p);
		} else if (KW("modules") || !strcmp(args, "modules")) {
			note(r, KW("modules") ? KSYN_MODULES : KSYN_OPTION_MODULES);
			db->modules_sym = r->cur_sym->name;
		} else if (!strcmp(args, "defconfig_list")) {
			note(r, KSYN_OPTION_DEFCONFIG);
		} else if (!strcmp(args, "allnoconfig_y")) {
			note(r, KSYN_OPTION_ALLNOCONFIG_Y);
		} else if (!strncmp(args, "env=", 4) && (args[4] == '"' || args[4] == '\'') &&
			   kconfig_quote_end(args + 4) &&
			   !*kconfig_skip_ws(kconfig_quote_end(args + 4) + 1)) {
			note(r, KSYN_OPTION_ENV);
			r->cur_def->env = db_strn(db, args + 5,
						  (size_t)(kconfig_quote_end(args + 4) - args - 5));
		} else {
			unknown(r, line, "unknown option", args);
		}
	} else if (KW("transitional")) {
		if (r->cur_def && !*args)
			note(r, KSYN_TRANSITIONAL);
		else
			unknown(r, line, "transitional belongs to a config", p);
	} else {
		unknown(r, line, "unknown keyword", kwstart);
	}
#undef KW
}

static unsigned indent_width(const char *s)
{
	unsigned w = 0;
	for (; *s == ' ' || *s == '\t'; s++)
		w = *s == '\t' ? (w & ~7u) + 8 : w + 1;
	return w;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r")] == '\0';
}

static int read_file_kconfig(struct kconfig_db *db, const char *rel, int depth)
{
	char *full = path_join(db->srctree, rel);
	char *text = read_file(full, NULL);
	char *real = text ? realpath(full, NULL) : NULL;
	free(full);
	if (!text) {
		db_warn(db, "%s", kb_last_error());
		return -1;
	}
	strv_push_owned(&db->reading, real ? real : xstrdup(rel));
	strv_push(&db->files, rel);
	struct reader r = {.db = db, .file = db_str(db, rel)};
	size_t depth_at_start = db->depth;
	bool help = false;
	unsigned help_indent = 0, lineno = 0;
	char *joined = NULL; /* a logical line being continued with '\' */
	unsigned joined_line = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (help) {
			/* Help text ends at the first non-blank line indented less than its first line. */
			if (blank(line))
				continue;
			unsigned w = indent_width(line);
			if (help_indent == 0 && w > 0) {
				help_indent = w;
				continue;
			}
			if (w >= help_indent && w > 0)
				continue;
			help = false;
		}
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		bool cont = len && line[len - 1] == '\\';
		if (cont) {
			line[--len] = '\0';
			while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
				line[--len] = '\0';
		}
		if (cont && !joined)
			note(&r, KSYN_CONTINUATION);
		if (joined || cont) {
			char *prev = joined;
			joined = xasprintf("%s%s%s", prev ? prev : "", prev ? " " : "",
					   prev ? kconfig_skip_ws(line) : line);
			free(prev);
			if (!joined_line)
				joined_line = lineno;
			if (cont)
				continue;
			handle_line(&r, joined, joined_line, depth, &help);
			free(joined);
			joined = NULL;
			joined_line = 0;
		} else {
			handle_line(&r, line, lineno, depth, &help);
		}
		if (help)
			help_indent = 0;
	}
	if (joined) {
		handle_line(&r, joined, joined_line, depth, &help);
		free(joined);
	}
	if (db->depth != depth_at_start) {
		db_warn(db, "%s: if/menu/choice blocks not closed at end of file", rel);
		while (db->depth > depth_at_start)
			free(db->stack[--db->depth].deps);
	}
	free(db->reading.v[--db->reading.n]);
	db->reading.v[db->reading.n] = NULL;
	free(text);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool was_read(const struct kconfig_db *db, const char *rel)
{
	return db->files.n && bsearch(&rel, db->files.v, db->files.n, sizeof(*db->files.v), cmp_str);
}

/* The root Kconfig, relative to srctree (malloc'd), or NULL: "Kconfig" since
 * 2.6.36; before that kconfig started from arch/$(SRCARCH)/Kconfig. */
static char *root_kconfig(const char *srctree, const char *srcarch)
{
	char *cands[] = {xstrdup("Kconfig"), xasprintf("arch/%s/Kconfig", srcarch)};
	char *found = NULL;
	for (size_t i = 0; i < 2; i++) {
		char *abs = path_join(srctree, cands[i]);
		if (!found && path_exists(abs))
			found = cands[i];
		else
			free(cands[i]);
		free(abs);
	}
	return found;
}

struct kconfig_db *kconfig_db_load(const char *srctree, const char *srcarch)
{
	char *top = root_kconfig(srctree, srcarch);
	if (!top) {
		kb_fail("%s/Kconfig (or arch/%s/Kconfig) not found: not a kernel source tree?", srctree,
			srcarch);
		return NULL;
	}
	struct kconfig_db *db = xcalloc(1, sizeof(*db));
	db->srctree = db_str(db, srctree);
	db->srcarch = db_str(db, srcarch);
	char *menu_c = path_join(srctree, "scripts/kconfig/menu.c");
	char *kc = read_file(menu_c, NULL);
	if (kc) {
		db->rules.choice_value_dep = strstr(kc, "parentdep = expr_alloc_symbol(sym)") != NULL;
		db->rules.ne_n_trans = strstr(kc, "expr_trans_bool(dep)") != NULL;
	}
	kb_clear_error();
	free(kc);
	free(menu_c);
	grow_slots(db);
	int r = read_file_kconfig(db, top, 0);
	free(top);
	if (r < 0) {
		kb_fail("%s", kb_last_error());
		kconfig_db_free(db);
		return NULL;
	}
	free(db->stack);
	db->stack = NULL;
	qsort(db->files.v, db->files.n, sizeof(*db->files.v), cmp_str);
	/* a file sourced twice is read twice, as kconfig does (6.1 reads
	 * Documentation/Kconfig from Kconfig and lib/Kconfig.debug), listed once */
	size_t n = 0;
	for (size_t i = 0; i < db->files.n; i++) {
		if (n && !strcmp(db->files.v[n - 1], db->files.v[i]))
			free(db->files.v[i]);
		else
			db->files.v[n++] = db->files.v[i];
	}
	if (db->files.v)
		db->files.v[n] = NULL;
	db->files.n = n;
	return db;
}

void kconfig_db_free(struct kconfig_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nsyms; i++) {
		struct ksym *s = db->syms[i];
		for (size_t k = 0; k < s->ndefs; k++) {
			free(s->defs[k].deps);
			free(s->defs[k].ranges);
			free(s->defs[k].menu_visible);
			free(s->defs[k].defaults);
		}
		free(s->defs);
		free(s->selected_by);
		free(s);
	}
	for (size_t i = 0; i < db->nchoices; i++) {
		free(db->choices[i].members);
		free(db->choices[i].defaults);
	}
	free(db->unknown);
	for (size_t i = 0; i < db->depth; i++)
		free(db->stack[i].deps);
	free(db->stack);
	free(db->choices);
	free(db->syms);
	free(db->slots);
	free(db->warnings);
	strv_free(&db->files);
	strv_free(&db->reading);
	strv_free(&db->strings);
	free(db);
}

const struct kchoice *kconfig_db_choice(const struct kconfig_db *db, int index)
{
	return index >= 0 && (size_t)index < db->nchoices ? &db->choices[index] : NULL;
}

const char *kconfig_db_modules_symbol(const struct kconfig_db *db)
{
	return db->modules_sym ? db->modules_sym : "MODULES";
}

const struct kconfig_rules *kconfig_db_rules(const struct kconfig_db *db)
{
	return &db->rules;
}

const char *kconfig_db_srcarch(const struct kconfig_db *db)
{
	return db->srcarch;
}

size_t kconfig_db_nfiles(const struct kconfig_db *db)
{
	return db->files.n;
}

const char *kconfig_db_warnings(const struct kconfig_db *db)
{
	return db->warnings ? db->warnings : "";
}

const char *kconfig_db_file(const struct kconfig_db *db, size_t i)
{
	return i < db->files.n ? db->files.v[i] : NULL;
}

size_t kconfig_db_nsyms(const struct kconfig_db *db)
{
	return db->nsyms;
}

const struct ksym *kconfig_db_sym(const struct kconfig_db *db, size_t i)
{
	return i < db->nsyms ? db->syms[i] : NULL;
}

size_t kconfig_db_nchoices(const struct kconfig_db *db)
{
	return db->nchoices;
}

size_t kconfig_db_nunknown(const struct kconfig_db *db)
{
	return db->nunknown;
}

const char *kconfig_db_unknown(const struct kconfig_db *db)
{
	return db->unknown ? db->unknown : "";
}

size_t kconfig_db_syntax(const struct kconfig_db *db, enum ksyntax what)
{
	return what < KSYN__COUNT ? db->syntax[what] : 0;
}

const char *ksyntax_name(enum ksyntax what)
{
	static const char *names[KSYN__COUNT] = {
		[KSYN_MACRO_DEF] = "macro definitions",
		[KSYN_MACRO_CALL] = "$(...) lines",
		[KSYN_MACRO_USE] = "$(...) in expressions",
		[KSYN_OPTION_ENV] = "option env",
		[KSYN_OPTION_DEFCONFIG] = "option defconfig_list",
		[KSYN_OPTION_MODULES] = "option modules",
		[KSYN_MODULES] = "modules",
		[KSYN_OPTION_ALLNOCONFIG_Y] = "option allnoconfig_y",
		[KSYN_OLD_HELP] = "---help---",
		[KSYN_BOOLEAN] = "boolean",
		[KSYN_IMPLY] = "imply",
		[KSYN_VISIBLE_IF] = "visible if",
		[KSYN_CHOICE_OPTIONAL] = "optional choices",
		[KSYN_TRISTATE_CHOICE] = "tristate choices",
		[KSYN_NAMED_CHOICE] = "named choices",
		[KSYN_DEPENDS_IF] = "depends on X if Y",
		[KSYN_TRANSITIONAL] = "transitional",
		[KSYN_SOURCE_VARIANT] = "osource/rsource/orsource",
		[KSYN_CONTINUATION] = "continued lines",
		[KSYN_IGNORED_CHAR] = "lines with characters kconfig skips",
	};
	return what < KSYN__COUNT ? names[what] : "?";
}

/* --- looking for definitions outside the files read --- */

struct elsewhere {
	const struct kconfig_db *db;
	const char *srctree;
	const char *const *names;
	size_t n, left;
	char **where;
};

static void search_kconfig_text(struct elsewhere *es, const char *rel, const char *text)
{
	unsigned lineno = 0;
	for (const char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		lineno++;
		const char *p = kconfig_skip_ws(line);
		size_t kw = strncmp(p, "config", 6) == 0 ? 6 : strncmp(p, "menuconfig", 10) == 0 ? 10 : 0;
		if (!kw || (p[kw] != ' ' && p[kw] != '\t'))
			continue;
		p = kconfig_skip_ws(p + kw);
		size_t l = 0;
		while (kconfig_is_sym_char(p[l]))
			l++;
		for (size_t i = 0; i < es->n; i++) {
			if (es->where[i] || strlen(es->names[i]) != l || strncmp(es->names[i], p, l))
				continue;
			es->where[i] = xasprintf("%s:%u", rel, lineno);
			es->left--;
		}
	}
}

static void walk_for_kconfig(struct elsewhere *es, const char *rel)
{
	char *dir = rel[0] ? path_join(es->srctree, rel) : xstrdup(es->srctree);
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return;
	struct dirent *de;
	while (es->left && (de = readdir(d))) {
		const char *nm = de->d_name;
		if (nm[0] == '.')
			continue;
		char *sub = rel[0] ? path_join(rel, nm) : xstrdup(nm);
		unsigned char type = de->d_type;
		if (type == DT_UNKNOWN) {
			char *full = path_join(es->srctree, sub);
			struct stat st;
			type = lstat(full, &st) < 0  ? DT_UNKNOWN
			       : S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG
						     : DT_UNKNOWN;
			free(full);
		}
		if (type == DT_DIR) {
			if (strcmp(sub, "Documentation") && strcmp(sub, "scripts/kconfig/tests"))
				walk_for_kconfig(es, sub);
		} else if (type == DT_REG && strncmp(nm, "Kconfig", 7) == 0 && !was_read(es->db, sub)) {
			char *full = path_join(es->srctree, sub);
			char *text = read_file(full, NULL);
			if (text)
				search_kconfig_text(es, sub, text);
			free(text);
			free(full);
		}
		free(sub);
	}
	closedir(d);
}

void kconfig_find_elsewhere(const struct kconfig_db *db, const char *const *names, size_t n, char **where)
{
	struct elsewhere es = {db, db->srctree, names, n, n, where};
	for (size_t i = 0; i < n; i++)
		where[i] = NULL;
	if (n)
		walk_for_kconfig(&es, "");
}
