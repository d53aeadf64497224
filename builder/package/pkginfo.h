/* What the RPM and .deb writers need to know about one bundle. */
#ifndef KBUILD_PACKAGE_PKGINFO_H
#define KBUILD_PACKAGE_PKGINFO_H

#include <stdio.h>

#include "package/manifest.h"
#include "lib/util.h"

struct pkg_info {
	const char *home; /* kbuild's directory: packaging/ templates */
	const char *tree; /* the bundle tree (install root layout, MANIFEST included) */
	const struct manifest *m;
	const char *krel; /* kernel release R */
	const char *profile;
	const char *suffix;    /* package name suffix: kernel-<suffix>, linux-image-R-<suffix> */
	const char *pkgrel;    /* package release / Debian revision */
	const char *vendor;    /* RPM Vendor/Packager, Debian Maintainer */
	const char *boot_mode; /* "once" or "default" (the grub stage's mode) */
	const char *arch;      /* kernel ARCH (x86_64) */
	long long epoch;       /* SOURCE_DATE_EPOCH for the packages' timestamps */
	FILE *log;
};

/* Build the RPM into outdir (rpmbuild's scratch under workdir); *out gets its
 * path (malloc'd). Returns 0 or -1 with kb_fail(). */
int rpm_build(const struct pkg_info *p, const char *workdir, const char *outdir, char **out);

/* Build the .deb into outdir with dpkg-deb (its tree under workdir); *out
 * gets its path. Returns 0 or -1 with kb_fail(). */
int deb_build(const struct pkg_info *p, const char *workdir, const char *outdir, char **out);

/* The spec file text for p (exposed for tests), malloc'd or NULL with kb_fail(). */
char *rpm_spec_text(const struct pkg_info *p);
/* The control file and a maintainer script ("postinst", "prerm", ...) for p. */
char *deb_control_text(const struct pkg_info *p, unsigned long installed_kib);
char *deb_script_text(const struct pkg_info *p, const char *script);

#endif
