/* The bundle's SBOM and provenance: what the bundle stage knows about where
 * the kernel came from, handed to sbom.c (an SPDX 2.3 JSON document, inside
 * the bundle and listed in its MANIFEST) and provenance.c (an in-toto
 * statement with a SLSA v1 provenance predicate over the tarball, the RPM,
 * the .deb and the SBOM, written next to them; a DSSE envelope when a
 * signing key is given). */
#ifndef KBUILD_PACKAGE_ATTEST_H
#define KBUILD_PACKAGE_ATTEST_H

#include <jansson.h>
#include <stddef.h>

#include "lib/sha256.h"
#include "package/manifest.h"

/* One input with its digest: a patch, a profile file, a fragment. */
struct attest_item {
	char *name; /* as the user knows it: "patches/6.1/0001-x.patch", "configs/6.1/ceph.config" */
	char *path; /* where it is read (NULL: not on disk) */
	char sha256[SHA256_HEX_LEN + 1];
};

struct attest_items {
	struct attest_item *v;
	size_t n;
};

/* Adds name with its digest; path NULL: sha256 is given. Returns 0 or -1
 * with kb_fail() when path cannot be hashed. */
int attest_items_add(struct attest_items *l, const char *name, const char *path, const char *sha256);
void attest_items_free(struct attest_items *l);

struct attest_input {
	const char *profile, *krel, *arch, *vendor;
	const char *kbuild_version, *compiler, *binutils; /* version lines */
	long long epoch;                                  /* the build's epoch: the SBOM's only time */
	/* the kernel source */
	const char *src_version, *src_kind, *src_origin, *src_sha256, *src_verified;
	const char *series;          /* the patch series file (relative to kbuild's home) or NULL */
	struct attest_items patches; /* applied, in order */
	struct attest_items params;  /* profile files, config base file, fragments */
	const char *config_name;     /* the resolved .config as the bundle holds it: boot/config-R */
	char config_sha256[SHA256_HEX_LEN + 1];
	const char *rpm_name, *rpm_file, *deb_name, *deb_file; /* package names and file names */
	const char *pkg_version;                               /* R-<package.release> */
	const char *command;                                   /* the build command (the run's reproducer) */
	const char *started, *finished;                        /* ISO 8601 UTC: the provenance's run times */
};

/* Where the SBOM lies in the bundle tree, malloc'd. */
char *sbom_relpath(const char *krel);

/* The SPDX 2.3 document of the bundle whose tree is tree and whose
 * MANIFEST entries are m (the SBOM and the MANIFEST themselves excepted),
 * written to tree/sbom_relpath(krel). Deterministic: the same inputs give
 * the same bytes (created = the build's epoch; the namespace is derived
 * from the content). Returns 0 or -1 with kb_fail(). */
int sbom_write(const struct attest_input *in, const struct manifest *m, const char *tree);

/* One artifact the provenance vouches for. */
struct attest_subject {
	const char *name; /* its file name */
	const char *path; /* where it is */
};

/* The in-toto statement (SLSA v1 provenance) over subjects, written to
 * path; with key (a PEM private key: Ed25519, ECDSA or RSA, unencrypted),
 * a DSSE envelope holding it, signed. Returns 0 or -1 with kb_fail(). */
int provenance_write(const struct attest_input *in, const struct attest_subject *subjects, size_t n,
		     const char *key, const char *path);

/* The statement inside path (a plain statement or a DSSE envelope): *statement
 * gets it (new reference), *signed_ set when enveloped. With pubkey (PEM),
 * every signature of an envelope must verify; without, signatures are not
 * checked (*signed_ still says there are some). Returns 0, or -1 with
 * kb_fail() (unreadable, not a statement, a signature that does not verify). */
int provenance_read(const char *path, const char *pubkey, json_t **statement, int *signed_);

#endif
