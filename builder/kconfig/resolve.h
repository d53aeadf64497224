/* Resolving a config with the tree's make: a base .config, the requested options applied,
 * then resolved by the tree's own kconfig, never interactively. */
#ifndef KBUILD_KCONFIG_RESOLVE_H
#define KBUILD_KCONFIG_RESOLVE_H

#include "kconfig/fragment.h"

#include <stdbool.h>
#include <stdio.h>

struct config_job {
	const char *srctree, *objdir; /* objdir: make's O=, absolute */
	char *const *make;            /* make -C srctree O=objdir ARCH=.. (kmake_command), NULL-ended */
	char *const *env;             /* added to make's environment (kmake_env), or NULL */
	const char *base;             /* a *config target the tree has, or a config file path */
	const struct kopt_set *req;   /* may be NULL: base only */
	FILE *log;                    /* make output and the commands run; NULL: discarded */
	unsigned timeout_sec;         /* per make run; 0: 900 s */
};

/* objdir/.config from base (a make target such as allnoconfig, tinyconfig,
 * defconfig, x86_64_defconfig, or a path to a config file, copied), then req
 * applied (dotconfig_apply), then `make olddefconfig` where the tree has it,
 * otherwise `make oldconfig` with an endless stream of empty answers (like
 * `yes '' |`), so kconfig takes every new symbol's default. All through
 * spawn_run: the job's make command line with the target appended.
 * Returns 0, or -1 with kb_fail(). */
int config_resolve(const struct config_job *j);

/* Whether base names a make target (else it is a file path). */
bool config_base_is_target(const char *base);

/* Whether the tree's kconfig has `olddefconfig` (3.7+). */
bool config_tree_has_olddefconfig(const char *srctree);

#endif
