/* `kbuild verify`: a bundle (packed or unpacked) or an installed root checked
 * against its MANIFEST, naming every missing, extra or changed entry; the
 * bundle's SBOM and provenance checked against what they name
 * (attest_verify.c). */
#ifndef KBUILD_PACKAGE_MANIFEST_VERIFY_H
#define KBUILD_PACKAGE_MANIFEST_VERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "package/manifest.h"

/* Prints "missing PATH", "extra PATH" or "changed PATH (what)" to out for
 * every difference between want (a MANIFEST) and have (what is there).
 * installed: have is a host's root, where only paths in want's owned
 * directories can be extra. manifest_rel: the MANIFEST want came from (not
 * extra); any other MANIFEST in have is. Returns the number of differences. */
size_t verify_compare(const struct manifest *want, const struct manifest *have, bool installed,
		      const char *manifest_rel, FILE *out);
/* Prints "below-link PATH (SYMLINK is a symlink of the same tree)" for every
 * entry of m that lies below one of m's own symlinks (unpacking it would
 * write through the link). Returns their number. */
size_t verify_below_links(const struct manifest *m, const char *what, FILE *out);

/* Load the MANIFEST of a bundle: a tarball, an unpacked bundle directory
 * or an installed root (its usr/share/kbuild/<release>/MANIFEST, which must
 * be the only one unless release is given). Returns 0 or -1 with kb_fail(). */
int verify_load_manifest(const char *bundle, const char *release, struct manifest *m, char **origin);

/* Check bundle against its MANIFEST; with root, check that installed root
 * against the bundle's MANIFEST (bundle NULL: the root's own MANIFEST).
 * Returns 0 when all matches, 1 when something differs (printed to out),
 * -1 with kb_fail() when the check could not be made. */
int verify_bundle(const char *bundle, const char *root, const char *release, FILE *out);

/* The bundle's SBOM (inside it; SPDX 2.3) against its files, and the
 * provenance statement (provenance, else the tarball's
 * kbuild-P-R.intoto.json next to it) against the artifacts it names next
 * to it; pubkey (PEM): its DSSE signatures must verify. Prints "sbom: ..."
 * and "provenance: ..." lines. Returns 0 when all matches, 1 when
 * something differs, -1 with kb_fail() when the check could not be made. */
int verify_attestations(const char *bundle, const char *provenance, const char *pubkey, FILE *out);

#endif
