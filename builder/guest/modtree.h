/* The guest's module directory: the chosen modules copied into a scratch
 * root and their index files regenerated there with depmod. */
#ifndef KBUILD_GUEST_MODTREE_H
#define KBUILD_GUEST_MODTREE_H

#include "guest/modsel.h"

#include <stdio.h>

/* Copy m's modules (hard links where possible) and moddir's modules.order
 * and modules.builtin* into tmp/lib/modules/<release>, then run `depmod -b
 * tmp release` so the guest's modules.dep lists only what it has. */
int modtree_build(const char *moddir, const char *release, const struct modset *m, const char *tmp,
		  FILE *log);

#endif
