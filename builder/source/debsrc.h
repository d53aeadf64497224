/* Kernel sources that come from a Debian package (linux-source-6.1): the
 * tarball under /usr/src is verified against dpkg's own checksums instead
 * of being trusted because it is there. */
#ifndef KBUILD_SOURCE_DEBSRC_H
#define KBUILD_SOURCE_DEBSRC_H

#include <stdio.h>

struct debsrc {
	char *tarball; /* /usr/src/<package>.tar.xz */
	char *version; /* the package's version, e.g. 6.1.192-2 */
};

/* Version of an installed package, or NULL (with kb_fail) when not installed. */
char *debsrc_version(const char *package);
/* Finds the tarball and checks every file of the package with `dpkg --verify`. */
int debsrc_verify(const char *package, struct debsrc *out, FILE *log);
void debsrc_free(struct debsrc *d);

#endif
