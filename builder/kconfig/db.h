/* A small reader of a kernel tree's Kconfig files, enough to explain why a
 * requested option did not survive: for each symbol its type, where it is
 * defined, its `depends on` (own and inherited from enclosing if/menu/choice
 * blocks), prompts, ranges, and the `select`s that point at it.
 *
 * Files are read by following `source` statements from the top-level Kconfig
 * (with $SRCARCH / $(SRCARCH) expanded), not by scanning the tree: that way a
 * file sourced inside `if NETDEVICES` inherits that condition, as in kconfig,
 * and other architectures' symbols are not mistaken for this one's.
 *
 * Expressions are kept as text and evaluated against a .config on demand
 * (kexpr_*, kconfig/expr.h).
 *
 * Every line is checked against the Kconfig language of 2.6.x to 6.x (and
 * `depends on X if Y`): a line the reader does not understand (unknown
 * keyword, an attribute where kconfig takes none, an expression it cannot
 * parse) is counted and listed (kconfig_db_nunknown), so a caller can insist
 * on zero. Constructs of some kernel lines only (macros, `option env`,
 * `---help---`, `imply`...) are counted by kind (kconfig_db_syntax). */
#ifndef KBUILD_KCONFIG_DB_H
#define KBUILD_KCONFIG_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "kconfig/expr.h"

enum ksym_type { KSYM_UNKNOWN, KSYM_BOOL, KSYM_TRISTATE, KSYM_STRING, KSYM_INT, KSYM_HEX };

enum kdep_kind {
	KDEP_DEPENDS, /* depends on EXPR in the entry itself */
	KDEP_IF,      /* inside if EXPR ... endif */
	KDEP_MENU,    /* inside menu "..." with depends on EXPR */
	KDEP_CHOICE,  /* inside choice with depends on EXPR */
};

struct kdep {
	const char *expr;    /* continuations joined; `X if Y` already turned into !(Y) || (X) */
	const char *written; /* `X if Y` as written when it differs from expr, else NULL */
	const char *blame;   /* what to blame when unmet: X of `X if Y`, else expr */
	const char *file;    /* relative to srctree */
	unsigned line;
	enum kdep_kind kind;
};

struct krange {
	const char *lo, *hi, *cond; /* cond NULL: unconditional */
	const char *file;
	unsigned line;
};

/* `default EXPR [if COND]` (def_bool/def_tristate EXPR [if COND] too). */
struct kdefault {
	const char *expr; /* y/m/n, a symbol, an expression, a number, a "string", a $(macro) */
	const char *cond; /* NULL: unconditional */
	const char *file;
	unsigned line;
};

struct kchoice {
	const char *file;
	unsigned line;
	const char **members; /* symbol names, in the order kconfig reads them */
	size_t nmembers;
	bool optional;
	enum ksym_type type; /* bool unless `tristate` is given */
	bool has_prompt;
	const char *prompt_cond;
	struct kdefault *defaults; /* `default MEMBER [if COND]` */
	size_t ndefaults;
};

/* One config/menuconfig entry; a symbol can have several. */
struct kdef {
	const char *file;
	unsigned line;
	bool has_prompt;
	const char *prompt_cond; /* `"text" if EXPR`: EXPR, else NULL */
	struct kdep *deps;       /* own first, then inherited, innermost first */
	size_t ndeps;
	struct krange *ranges;
	size_t nranges;
	int choice;                /* index into the db's choices, -1 if none */
	struct kdep *menu_visible; /* `visible if` of enclosing menus: hide the prompt only */
	size_t nmenu_visible;
	struct kdefault *defaults; /* in order; each applies only where the deps hold */
	size_t ndefaults;
	const char *env; /* `option env="NAME"` (2.6.x to 4.17): value from the environment */
	size_t nouter;   /* choice member: the last nouter deps are the choice's own and those
			* around it (kconfig before 6.11 puts the choice's value there instead) */
};

struct kselect {
	const char *by;   /* selecting symbol */
	const char *cond; /* `select X if EXPR`: EXPR, else NULL */
	const char *file;
	unsigned line;
	bool imply;
	int def; /* the selector's definition (index into its defs) holding the select */
};

struct ksym {
	const char *name;
	enum ksym_type type;
	struct kdef *defs; /* ndefs == 0: only named by a select, not defined */
	size_t ndefs;
	struct kselect *selected_by;
	size_t nselected_by;
};

struct kconfig_db;

/* Read srctree's Kconfig files for srcarch ("x86"; see kconfig_srcarch).
 * NULL with kb_fail() when the top-level Kconfig cannot be read. */
struct kconfig_db *kconfig_db_load(const char *srctree, const char *srcarch);
void kconfig_db_free(struct kconfig_db *db);

/* NULL when no Kconfig mentions the name (neither defines nor selects it). */
const struct ksym *kconfig_db_find(const struct kconfig_db *db, const char *name);
const struct kchoice *kconfig_db_choice(const struct kconfig_db *db, int index);
/* The symbol whose value enables modules (`modules` / `option modules`, else MODULES). */
const char *kconfig_db_modules_symbol(const struct kconfig_db *db);
const char *kconfig_db_srcarch(const struct kconfig_db *db);
size_t kconfig_db_nfiles(const struct kconfig_db *db);
/* The i-th file read, relative to srctree, in sorted order; NULL past the end. */
const char *kconfig_db_file(const struct kconfig_db *db, size_t i);
/* Problems met while reading (a `source` of a missing file...), one per line; may be "". */
const char *kconfig_db_warnings(const struct kconfig_db *db);
size_t kconfig_db_nsyms(const struct kconfig_db *db);
/* Every symbol, defined or only named by a select, in the order first met. */
const struct ksym *kconfig_db_sym(const struct kconfig_db *db, size_t i);
size_t kconfig_db_nchoices(const struct kconfig_db *db);

/* Lines of Kconfig syntax the reader did not understand: their number, and
 * the first KCONFIG_UNKNOWN_LISTED of them as "file:line: why: text" lines ("" if none). */
#define KCONFIG_UNKNOWN_LISTED 50
size_t kconfig_db_nunknown(const struct kconfig_db *db);
const char *kconfig_db_unknown(const struct kconfig_db *db);

/* Constructs met that not every kernel line has, counted (to say which
 * syntax a tree uses; none is unknown to the reader). */
enum ksyntax {
	KSYN_MACRO_DEF,        /* `NAME := ...` / `NAME = ...` / `NAME += ...` (4.18+) */
	KSYN_MACRO_CALL,       /* a $(...) line on its own, e.g. $(warning-if,...) */
	KSYN_MACRO_USE,        /* $(...) inside an expression or default */
	KSYN_OPTION_ENV,       /* option env="X" (until 4.17) */
	KSYN_OPTION_DEFCONFIG, /* option defconfig_list (until 5.x) */
	KSYN_OPTION_MODULES,   /* option modules (until 5.12) */
	KSYN_MODULES,          /* modules (5.13+) */
	KSYN_OPTION_ALLNOCONFIG_Y,
	KSYN_OLD_HELP,        /* ---help--- (until 5.x) */
	KSYN_BOOLEAN,         /* boolean, an old spelling of bool */
	KSYN_IMPLY,           /* imply (4.11+) */
	KSYN_VISIBLE_IF,      /* visible if, on menus (2.6.39+) */
	KSYN_CHOICE_OPTIONAL, /* optional, on choices (until 6.10) */
	KSYN_TRISTATE_CHOICE, /* a choice of tristate type (until 6.10) */
	KSYN_NAMED_CHOICE,    /* choice NAME */
	KSYN_DEPENDS_IF,      /* depends on X if Y (2025+) */
	KSYN_TRANSITIONAL,    /* transitional (6.18+) */
	KSYN_SOURCE_VARIANT,  /* osource, rsource, orsource */
	KSYN_CONTINUATION,    /* a logical line continued with '\' */
	KSYN_IGNORED_CHAR,    /* a line with characters kconfig's lexer skips ("--- help ---", `;`) */
	KSYN__COUNT
};
size_t kconfig_db_syntax(const struct kconfig_db *db, enum ksyntax what);
const char *ksyntax_name(enum ksyntax what);

/* What the tree's own kconfig (scripts/kconfig/menu.c) does differently. */
struct kconfig_rules {
	bool choice_value_dep; /* choice members depend on the choice's value, not on the
				* deps around the choice (a bool choice in an `if` at m is y) */
	bool ne_n_trans;       /* the properties of a bool symbol read `FOO != n` as FOO
				* (expr_trans_bool, 2.6.x): a select there gives m, not y */
};
const struct kconfig_rules *kconfig_db_rules(const struct kconfig_db *db);

/* For names that no Kconfig read for this arch defines: the first Kconfig file
 * in the tree that kconfig does not read for this arch (another architecture's,
 * one never sourced) with a `config NAME` line. where[i] is set to a malloc'd
 * "file:line" or NULL. Walks the whole tree: meant for the failure path only. */
void kconfig_find_elsewhere(const struct kconfig_db *db, const char *const *names, size_t n, char **where);

/* arch/ directory for an ARCH value: x86_64 and i386 -> x86, sparc64 -> sparc, ... */
const char *kconfig_srcarch(const char *arch);
const char *ksym_type_name(enum ksym_type t);

#endif
