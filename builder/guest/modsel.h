/* Which modules the guest gets: the profile's, with their dependencies and
 * soft dependencies, looked up with libkmod. */
#ifndef KBUILD_GUEST_MODSEL_H
#define KBUILD_GUEST_MODSEL_H

#include "lib/util.h"

struct modset {
	struct strv paths; /* host paths of the chosen .ko files */
	struct strv names;
};

/* Fill m from moddir (lib/modules/<release>) for the n names (or aliases). */
int modsel_choose(const char *moddir, const char *const *names, size_t n, struct modset *m);
void modsel_free(struct modset *m);

#endif
