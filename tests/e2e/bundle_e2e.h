/* The bundle stage's end-to-end check, run by the e2e suite on the output
 * directory it has just built and self-tested. */
#ifndef KBUILD_BUNDLE_E2E_H
#define KBUILD_BUNDLE_E2E_H

#include <stddef.h>

/* `kbuild make` with args (args[0] is the command, replaced by "make") on
 * outdir: the bundle, RPM and .deb exist and match the MANIFEST when read
 * back with kbuild verify, rpm and dpkg-deb; the bundle stage run again
 * writes the same tarball bytes. */
void e2e_bundle_check(const char *outdir, const char *const *args, size_t n);

#endif
