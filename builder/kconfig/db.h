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
 * (kexpr_*, kconfig_expr.h). */
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
	const char *expr; /* as written (continuations joined) */
	const char *file; /* relative to srctree */
	unsigned line;
	enum kdep_kind kind;
};

struct krange {
	const char *lo, *hi, *cond; /* cond NULL: unconditional */
	const char *file;
	unsigned line;
};

struct kchoice {
	const char *file;
	unsigned line;
	const char **members; /* symbol names */
	size_t nmembers;
	bool optional;
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
	int choice; /* index into the db's choices, -1 if none */
	struct kdep *menu_visible; /* `visible if` of enclosing menus: hide the prompt only */
	size_t nmenu_visible;
};

struct kselect {
	const char *by;   /* selecting symbol */
	const char *cond; /* `select X if EXPR`: EXPR, else NULL */
	const char *file;
	unsigned line;
	bool imply;
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
/* Problems met while reading (a `source` of a missing file...), one per line; may be "". */
const char *kconfig_db_warnings(const struct kconfig_db *db);

/* For names that no Kconfig read for this arch defines: the first Kconfig file
 * in the tree that kconfig does not read for this arch (another architecture's,
 * one never sourced) with a `config NAME` line. where[i] is set to a malloc'd
 * "file:line" or NULL. Walks the whole tree: meant for the failure path only. */
void kconfig_find_elsewhere(const struct kconfig_db *db, const char *const *names, size_t n,
			    char **where);

/* arch/ directory for an ARCH value: x86_64 and i386 -> x86, sparc64 -> sparc, ... */
const char *kconfig_srcarch(const char *arch);
const char *ksym_type_name(enum ksym_type t);

#endif
