/* The guest's module directory: the chosen modules copied into a scratch
 * root and their index files regenerated there with depmod. */
#ifndef KBUILD_DEPMOD_H
#define KBUILD_DEPMOD_H

#include "guest/modsel.h"

#include <stdio.h>

/* Copy m's modules (hard links where possible) and moddir's modules.order
 * and modules.builtin* into tmp/lib/modules/<release>, then run `depmod -b
 * tmp release` so the guest's modules.dep lists only what it has. */
int depmod_stage(const char *moddir, const char *release, const struct modset *m, const char *tmp,
		 FILE *log);

#endif
