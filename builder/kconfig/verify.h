/* Check that every requested option survived kconfig's resolution, and say
 * why when one did not. */
#ifndef KBUILD_KCONFIG_VERIFY_H
#define KBUILD_KCONFIG_VERIFY_H

#include "kconfig/fragment.h"
#include "kconfig/db.h"

/* Compare req against the final .config (=n, "is not set" and absent are the
 * same for bool/tristate). For each mismatch one report line: requested vs
 * actual value and why: the symbol is not defined by any Kconfig of this tree;
 * or its `depends on` (own and inherited from if/menu blocks, with Kconfig
 * file:line) and which symbols in it are off; a hidden or missing prompt; a
 * `select` forcing it; a choice that picked another member; a `range` that
 * excluded the value; a value of the wrong type; m without MODULES.
 * The architecture is read from the .config header ("# Linux/x86_64 ...").
 * Returns the number of mismatches (0: all survived) and a malloc'd report
 * (first line a summary, then one line per problem, then, when the Kconfig
 * reader met lines it did not understand, a note naming the first), or -1
 * on error. */
int config_verify(const char *srctree, const char *dotconfig, const struct kopt_set *req, char **report);

/* The same with a db already loaded (and reusable). */
int config_verify_db(const struct kconfig_db *db, const char *dotconfig, const struct kopt_set *req,
		     char **report);

/* SRCARCH named by a .config's header, or NULL (malloc'd). */
char *dotconfig_srcarch(const char *dotconfig);

/* What the base file asked for and dotconfig (the result) does not have:
 * another architecture's options, or ones dropped for an unmet dependency.
 * Options a fragment sets (req) are left to the verification above. Each
 * difference is a line in log; *summary (malloc'd, NULL when none) gives
 * the counts and the first. A base is often a whole .config of another
 * kernel, so this is a warning, not a failure. Returns the number lost. */
size_t config_base_losses(const char *base_file, const char *dotconfig, const struct kopt_set *req, FILE *log,
			  char **summary);

#endif
