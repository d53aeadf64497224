/* Kconfig expressions, kept as text by the Kconfig reader (kconfig_db.h) and
 * evaluated against a .config on demand, tristate logic as in kconfig:
 * n=0, m=1, y=2. */
#ifndef KBUILD_KCONFIG_EXPR_H
#define KBUILD_KCONFIG_EXPR_H

#include <stdbool.h>
#include <stddef.h>

/* Value of a symbol in the .config being checked: the text after '=' or NULL when unset. */
typedef const char *(*kexpr_lookup_fn)(void *ctx, const char *name);

/* Evaluate EXPR: 0 (n), 1 (m), 2 (y); -1 when it cannot be parsed. A $(...)
 * macro (a toolchain test kconfig runs, such as $(cc-option,...)) counts as y. */
int kexpr_eval(const char *expr, kexpr_lookup_fn lookup, void *ctx);
/* How kconfig's of some trees evaluate (kconfig_db_rules). */
struct kexpr_mode {
	int macro;        /* the value every $(...) macro takes (0, 1 or 2) */
	bool ne_n_is_sym; /* `FOO != n` gives FOO's tristate value (2.6.x's expr_trans_bool
			   * on the properties of bool symbols), not y for m */
};
int kexpr_eval_mode(const char *expr, kexpr_lookup_fn lookup, void *ctx, const struct kexpr_mode *m);
/* Whether EXPR parses as a Kconfig expression. */
bool kexpr_parses(const char *expr);
/* Whether EXPR contains a $(...) macro. */
bool kexpr_has_macro(const char *expr);

/* Append to *out (a malloc'd string, may start NULL) the symbols that keep
 * EXPR below `need` (1: at least m, 2: y), as "off: A, B; must be off: C;
 * only m: D; compared: E=val". Returns the number of symbols named. */
size_t kexpr_blame(const char *expr, int need, kexpr_lookup_fn lookup, void *ctx, char **out);

/* The same culprits as names, evaluated in mode m: `off` gets those that are
 * off or only m, and a $(...) that keeps EXPR low as written; `mustoff` those
 * that must fall, `compared` those in comparisons. Lists may be NULL.
 * Returns the number named. */
struct strv;
size_t kexpr_blame_names(const char *expr, int need, kexpr_lookup_fn lookup, void *ctx,
			 const struct kexpr_mode *m, struct strv *off, struct strv *mustoff,
			 struct strv *compared);

/* --- lexical pieces shared with the Kconfig reader --- */

/* A character of a symbol name (letters, digits, '_', '-'). */
bool kconfig_is_sym_char(char c);
/* p advanced past blanks and tabs. */
char *kconfig_skip_ws(const char *p);
/* End of a quoted string starting at p (the opening quote), NULL if unterminated. */
const char *kconfig_quote_end(const char *p);

#endif
