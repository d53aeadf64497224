/* `kbuild verify` on the SBOM and the provenance (package/manifest_verify.h):
 * the SBOM inside the bundle names every file of the bundle with the
 * digest it has; the provenance statement next to a tarball names the
 * tarball, the RPM, the .deb and the SBOM copy with the digests they have. */
#include "package/manifest_verify.h"
#include "package/attest.h"
#include "package/bundle_tar.h"
#include "lib/json.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#define SBOM_SUFFIX "/sbom.spdx.json"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static const char *checksum(const json_t *f, const char *alg)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(f, "checksums"), i,
			   c) if (!strcmp(json_member_str(c, "algorithm") ?: "",
					  alg)) return json_member_str(c, "checksumValue");
	return NULL;
}

/* The bundle's files against the SBOM's; differences printed "sbom: ...". */
static size_t compare_sbom(const json_t *sbom, const struct manifest *have, FILE *out)
{
	size_t bad = 0, named = 0;
	size_t i;
	json_t *f;
	json_t *seen = json_object();
	json_array_foreach(json_object_get(sbom, "files"), i, f)
	{
		const char *id = json_member_str(f, "SPDXID"), *name = json_member_str(f, "fileName");
		if (!id || strncmp(id, "SPDXRef-File-", 13) || !name)
			continue; /* patches are the build's inputs, not the bundle's files */
		const char *path = !strncmp(name, "./", 2) ? name + 2 : name;
		const char *want = checksum(f, "SHA256");
		const struct mf_entry *e = manifest_find(have, path);
		named++;
		json_object_set_new(seen, path, json_true());
		if (!e || e->kind != MF_FILE) {
			fprintf(out, "sbom: missing %s (named in the SBOM)\n", path);
			bad++;
		} else if (!want || strcmp(want, e->sha256)) {
			fprintf(out, "sbom: changed %s (sha256 %s, the SBOM says %s)\n", path, e->sha256,
				want ? want : "none");
			bad++;
		}
	}
	for (i = 0; i < have->n; i++) {
		const struct mf_entry *e = &have->e[i];
		if (e->kind != MF_FILE || manifest_is_manifest_path(e->path) ||
		    ends_with(e->path, SBOM_SUFFIX) || json_object_get(seen, e->path))
			continue;
		fprintf(out, "sbom: not in the SBOM %s\n", e->path);
		bad++;
	}
	json_decref(seen);
	fprintf(out, "sbom: %zu files named, %zu difference%s\n", named, bad, bad == 1 ? "" : "s");
	return bad;
}

/* The provenance's subjects against the files next to it. */
static size_t compare_provenance(const json_t *st, const char *prov, const char *bundle, FILE *out)
{
	char *dir = xstrdup(prov);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	size_t bad = 0, n = 0;
	bool names_bundle = false;
	const char *base = bundle ? (strrchr(bundle, '/') ? strrchr(bundle, '/') + 1 : bundle) : NULL;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(st, "subject"), i, s)
	{
		const char *name = json_member_str(s, "name");
		const char *want = json_member_str(json_object_get(s, "digest"), "sha256");
		if (!name || strchr(name, '/') || !want) {
			fprintf(out, "provenance: a subject without a plain file name and a sha256\n");
			bad++;
			continue;
		}
		n++;
		names_bundle |= base && !strcmp(name, base);
		char *p = path_join(dir, name);
		char hex[SHA256_HEX_LEN + 1];
		if (!path_exists(p)) {
			fprintf(out, "provenance: missing %s\n", name);
			bad++;
		} else if (sha256_file(p, hex) < 0) {
			fprintf(out, "provenance: cannot read %s: %s\n", name, kb_last_error());
			bad++;
		} else if (strcmp(hex, want)) {
			fprintf(out, "provenance: changed %s (sha256 %s, the provenance says %s)\n", name,
				hex, want);
			bad++;
		}
		free(p);
	}
	if (base && !names_bundle) {
		fprintf(out, "provenance: does not name %s\n", base);
		bad++;
	}
	fprintf(out, "provenance: %zu subjects, %zu difference%s\n", n, bad, bad == 1 ? "" : "s");
	free(dir);
	return bad;
}

/* The SBOM of an unpacked bundle: the one usr/share/kbuild/<R>/sbom.spdx.json. */
static char *sbom_in_dir(const char *dir)
{
	char *pattern = xasprintf("%s/usr/share/kbuild/*" SBOM_SUFFIX, dir);
	glob_t g;
	char *found = NULL;
	if (glob(pattern, 0, NULL, &g) == 0) {
		if (g.gl_pathc == 1)
			found = read_file(g.gl_pathv[0], NULL);
		globfree(&g);
	}
	free(pattern);
	kb_clear_error();
	return found;
}

/* kbuild-P-R.tar.xz -> kbuild-P-R<suffix> next to it, when it exists. */
static char *sibling(const char *tarball, const char *suffix)
{
	if (!ends_with(tarball, ".tar.xz"))
		return NULL;
	char *p = xasprintf("%.*s%s", (int)(strlen(tarball) - 7), tarball, suffix);
	if (!path_exists(p)) {
		free(p);
		return NULL;
	}
	return p;
}

int verify_attestations(const char *bundle, const char *provenance, const char *pubkey, FILE *out)
{
	bool tarball = !is_dir(bundle);
	struct manifest have = {0};
	char *mtext = NULL, *text = NULL;
	int rc = 0;
	if (tarball) {
		rc = bundle_tar_read_with(bundle, &have, &mtext, SBOM_SUFFIX, &text);
	} else {
		rc = manifest_scan(&have, bundle, NULL);
		manifest_sort(&have);
		text = sbom_in_dir(bundle);
	}
	/* A MANIFEST that lists an SBOM the bundle lacks: a removed SBOM, not an old bundle. */
	bool listed = mtext && strstr(mtext, SBOM_SUFFIX "\n");
	free(mtext);
	size_t bad = 0;
	if (rc == 0 && !text && listed) {
		fprintf(out, "sbom: missing (the MANIFEST lists one)\n");
		bad++;
	} else if (rc == 0 && !text) {
		fprintf(out, "sbom: none in %s (a bundle from before kbuild wrote one)\n", bundle);
	} else if (rc == 0) {
		json_error_t err;
		json_t *sbom = json_loads(text, 0, &err);
		if (!sbom || strcmp(json_member_str(sbom, "spdxVersion") ?: "", "SPDX-2.3")) {
			fprintf(out, "sbom: not an SPDX 2.3 document (%s)\n",
				sbom ? "spdxVersion" : err.text);
			bad++;
		} else {
			bad += compare_sbom(sbom, &have, out);
			/* The copy next to a tarball is the same document. */
			char *copy = tarball ? sibling(bundle, ".spdx.json") : NULL;
			char *ctext = copy ? read_file(copy, NULL) : NULL;
			if (ctext && strcmp(ctext, text)) {
				fprintf(out, "sbom: %s differs from the SBOM inside the bundle\n", copy);
				bad++;
			}
			free(ctext);
			free(copy);
		}
		json_decref(sbom);
	}
	manifest_free(&have);
	free(text);
	if (rc < 0)
		return -1;
	char *prov = provenance ? xstrdup(provenance) : tarball ? sibling(bundle, ".intoto.json") : NULL;
	if (!prov) {
		fprintf(out, "provenance: none given (provenance=FILE)%s\n",
			tarball ? " or next to the bundle" : "");
		if (pubkey)
			return kb_fail("pubkey= given, but there is no provenance to check");
	} else {
		json_t *st = NULL;
		int sig = 0;
		if (provenance_read(prov, pubkey, &st, &sig) < 0) {
			fprintf(out, "provenance: %s\n", kb_last_error());
			bad++;
		} else {
			if (sig)
				fprintf(out, "provenance: signed (DSSE), %s\n",
					pubkey ? "every signature verifies with pubkey="
					       : "signature not checked (give pubkey=FILE)");
			else
				fprintf(out, "provenance: unsigned\n");
			bad += compare_provenance(st, prov, tarball ? bundle : NULL, out);
		}
		json_decref(st);
		free(prov);
	}
	return bad ? 1 : 0;
}
