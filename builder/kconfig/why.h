/* Why each symbol of a .config is not y or m, from the Kconfig reader's own
 * model (kconfig/db.h): kconfig's value rules (visibility, defaults, select,
 * imply, choices, ranges) replayed on the values the .config holds, for
 * every symbol the tree defines for the architecture.
 *
 * Made for `allmodconfig`, where every visible bool/tristate is set to m (y
 * for a bool) and every choice takes its default: a symbol that still ends
 * lower has a reason in its Kconfig, and where the model finds none, or
 * predicts another value than kconfig wrote, that is reported as a reader
 * bug (KWHY_DISAGREE, KWHY_NONE), never hidden. */
#ifndef KBUILD_KCONFIG_WHY_H
#define KBUILD_KCONFIG_WHY_H

#include "kconfig/db.h"

#include <stddef.h>

enum kwhy {
	KWHY_DEPENDS,       /* a `depends on` (own, or of an enclosing if/menu/choice) is not met */
	KWHY_ARCH,          /* ... and it names only symbols of other architectures (defined only
			     * in Kconfig files kconfig does not read for this one) */
	KWHY_UNDEFINED,     /* ... and it names only symbols no Kconfig file of the tree defines */
	KWHY_TOOLCHAIN,     /* a $(...) test kconfig ran on the toolchain decided it */
	KWHY_CHOICE,        /* member of a choice that picked another member */
	KWHY_SELECT,        /* no visible prompt; only a select/imply could set it, none is active */
	KWHY_PROMPT_HIDDEN, /* its prompt is hidden (`if`, menu `visible if`) and its defaults give n */
	KWHY_DEFAULT,       /* no prompt and nothing selects it: its default is n, or it has none */
	KWHY_VALUE,         /* string/int/hex: holds a value (its default), never y or m */
	KWHY_RANGE,         /* int/hex whose default lies outside its range: kconfig took the bound */
	KWHY_ENV,           /* option env: its value comes from the environment, not the .config */
	KWHY_NO_TYPE,       /* defined without a type: kconfig ignores it */
	KWHY_NONE,          /* no reason found: a bug of the reader */
	KWHY_DISAGREE,      /* the model predicts another value than kconfig wrote: a bug of the reader */
	KWHY__COUNT
};

struct kwhy_entry {
	const char *name;  /* the symbol (the db's string) */
	const char *value; /* as in the .config, NULL when absent (the report's string) */
	enum kwhy kind;
	char *text; /* e.g. "drivers/x/Kconfig:12: depends on PCI && FOO; off: PCI" */
};

struct kwhy_report {
	size_t nsyms;               /* symbols the tree defines for the arch */
	size_t nbool;               /* of them bool/tristate */
	size_t ny, nm;              /* bool/tristate at y, at m */
	size_t nnot;                /* defined symbols not at y or m (each has one entry) */
	size_t nundefined;          /* named by a select but defined by no Kconfig read */
	size_t ndisagree_on;        /* y/m symbols the model says cannot be so (entries too, KWHY_DISAGREE) */
	size_t counts[KWHY__COUNT]; /* entries by kind */
	struct kwhy_entry *v;
	size_t n;
};

/* Explain every defined symbol of dotconfig that is not y or m (and check
 * every y/m one against the model). arch: ARCH (x86_64), the value of an
 * `option env="ARCH"` symbol; NULL: from the .config's header (2.6.39 on;
 * 2.6.32's names no arch). Searches the tree for the symbols blamed
 * that no Kconfig read defines (kconfig_find_elsewhere). Returns 0, or -1
 * with kb_fail() when the .config cannot be read. */
int kconfig_why(const struct kconfig_db *db, const char *dotconfig, const char *arch,
		struct kwhy_report *out);
void kwhy_report_free(struct kwhy_report *r);
/* The entry for symbol name, or NULL. */
const struct kwhy_entry *kwhy_find(const struct kwhy_report *r, const char *name);

/* "depends", "arch", "choice"... */
const char *kwhy_name(enum kwhy kind);

#endif
