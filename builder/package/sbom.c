/* The SPDX 2.3 document of a bundle (package/attest.h). */
#include "package/attest.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_LICENSE "GPL-2.0-only"
#define NAMESPACE_BASE "https://kbuild.invalid/spdx/"

int attest_items_add(struct attest_items *l, const char *name, const char *path, const char *sha256)
{
	char hex[SHA256_HEX_LEN + 1];
	if (path && sha256_file(path, hex) < 0)
		return -1;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct attest_item *it = &l->v[l->n++];
	it->name = xstrdup(name);
	it->path = path ? xstrdup(path) : NULL;
	snprintf(it->sha256, sizeof(it->sha256), "%s", path ? hex : sha256 ? sha256 : "");
	return 0;
}

void attest_items_free(struct attest_items *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	*l = (struct attest_items){0};
}

char *sbom_relpath(const char *krel)
{
	return xasprintf("usr/share/kbuild/%s/sbom.spdx.json", krel);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA-1 of a file, as SPDX 2.3 requires of every file (beside SHA-256). */
static int sha1_file(const char *path, char hex[41])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("%s: %s", path, strerror(errno));
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha1(), NULL);
	unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	int err = n < 0 ? errno : 0;
	close(fd);
	unsigned char md[20];
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	if (err)
		return kb_fail("%s: %s", path, strerror(err));
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static void sha1_hex(const char *data, size_t len, char hex[41])
{
	unsigned char md[20];
	EVP_Digest(data, len, md, NULL, EVP_sha1(), NULL);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* An SPDX id: prefix, a number (ids stay unique) and the name's letters. */
static char *spdx_id(const char *prefix, size_t n, const char *name)
{
	char *id = xasprintf("SPDXRef-%s-%zu-%s", prefix, n, name);
	for (char *p = id + 8; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '-';
	return id;
}

static json_t *checksums(const char *sha256, const char *sha1)
{
	json_t *a = json_array();
	if (sha1)
		json_array_append_new(a, json_pack("{s:s,s:s}", "algorithm", "SHA1", "checksumValue", sha1));
	if (sha256 && *sha256 && strcmp(sha256, "none"))
		json_array_append_new(a,
				      json_pack("{s:s,s:s}", "algorithm", "SHA256", "checksumValue", sha256));
	return a;
}

static void rel(json_t *rels, const char *a, const char *type, const char *b)
{
	json_array_append_new(rels, json_pack("{s:s,s:s,s:s}", "spdxElementId", a, "relationshipType", type,
					      "relatedSpdxElement", b));
}

static char *iso(long long epoch)
{
	time_t t = (time_t)epoch;
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

/* "Organization: Name (address)" from "Name <address>". */
static char *organization(const char *vendor)
{
	const char *lt = strchr(vendor, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (!lt || !gt)
		return xasprintf("Organization: %s", vendor);
	size_t n = (size_t)(lt - vendor);
	while (n && vendor[n - 1] == ' ')
		n--;
	return xasprintf("Organization: %.*s (%.*s)", (int)n, vendor, (int)(gt - lt - 1), lt + 1);
}

/* "debian:linux-source-6.1=6.1.192-3" -> a purl, else NULL. */
static char *debian_purl(const char *origin)
{
	if (!origin || strncmp(origin, "debian:", 7))
		return NULL;
	const char *eq = strchr(origin, '=');
	if (!eq)
		return xasprintf("pkg:deb/debian/%s", origin + 7);
	return xasprintf("pkg:deb/debian/%.*s@%s", (int)(eq - origin - 7), origin + 7, eq + 1);
}

static json_t *purl_ref(const char *purl)
{
	return json_pack("[{s:s,s:s,s:s}]", "referenceCategory", "PACKAGE-MANAGER", "referenceType", "purl",
			 "referenceLocator", purl);
}

static json_t *tool_package(const char *id, const char *name, const char *version, const char *comment)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s}", "SPDXID", id, "name", name, "versionInfo",
			 version ? version : "unknown", "downloadLocation", "NOASSERTION", "filesAnalyzed", 0,
			 "primaryPackagePurpose", "APPLICATION", "licenseConcluded", "NOASSERTION",
			 "licenseDeclared", "NOASSERTION", "comment", comment);
}

/* "patches/2.6.39/../legacy/0001-x.patch" -> "patches/legacy/0001-x.patch". */
static char *normalize(const char *path)
{
	struct strv parts = {0};
	char *copy = xstrdup(path), *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..") && parts.n && strcmp(parts.v[parts.n - 1], "..")) {
			free(parts.v[--parts.n]);
			continue;
		}
		strv_push(&parts, c);
	}
	char *out = xstrdup("");
	for (size_t i = 0; i < parts.n; i++) {
		char *n = xasprintf("%s%s%s", out, i ? "/" : "", parts.v[i]);
		free(out);
		out = n;
	}
	free(copy);
	strv_free(&parts);
	return out;
}

int sbom_write(const struct attest_input *in, const struct manifest *m, const char *tree)
{
	const char *KERNEL = "SPDXRef-Package-kernel", *SOURCE = "SPDXRef-Package-linux-source";
	json_t *packages = json_array(), *files = json_array(), *rels = json_array();
	char *self = sbom_relpath(in->krel), *mf = manifest_relpath(in->krel);
	int rc = 0;
	rel(rels, "SPDXRef-DOCUMENT", "DESCRIBES", KERNEL);

	/* Every file of the bundle with both digests; the verification code
	 * is SHA-1 over their sorted SHA-1s (SPDX 2.3, 7.9). */
	json_t *has = json_array();
	struct strv sha1s = {0};
	char *vmlinuz = xasprintf("boot/vmlinuz-%s", in->krel);
	const char *vmlinuz_id = NULL, *config_id = NULL;
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		const struct mf_entry *e = &m->e[i];
		if (e->kind != MF_FILE || !strcmp(e->path, self) || !strcmp(e->path, mf))
			continue;
		char sha1[41];
		char *full = path_join(tree, e->path);
		rc = sha1_file(full, sha1);
		free(full);
		if (rc < 0)
			break;
		strv_push(&sha1s, sha1);
		char *id = spdx_id("File", i, e->path);
		char *name = xasprintf("./%s", e->path);
		json_t *f = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s}", "SPDXID", id, "fileName", name,
				      "checksums", checksums(e->sha256, sha1), "licenseConcluded",
				      "NOASSERTION", "copyrightText", "NOASSERTION", "comment",
				      "a file of the bundle (its install root)");
		const char *l = strrchr(e->path, '.');
		if (!strncmp(e->path, "boot/", 5) || (l && !strcmp(l, ".ko"))) {
			json_object_set_new(f, "fileTypes", json_pack("[s]", "BINARY"));
			json_object_set_new(f, "licenseConcluded", json_string(KERNEL_LICENSE));
		}
		if (!strcmp(e->path, vmlinuz)) {
			json_array_append_new(files, f);
			vmlinuz_id = json_member_str(f, "SPDXID");
		} else if (in->config_name && !strcmp(e->path, in->config_name)) {
			json_object_set_new(f, "comment",
					    json_string("the resolved .config the kernel was built with"));
			json_object_set_new(f, "fileTypes", json_pack("[s]", "TEXT"));
			json_array_append_new(files, f);
			config_id = json_member_str(f, "SPDXID");
		} else {
			json_array_append_new(files, f);
		}
		json_array_append_new(has, json_string(id));
		free(id);
		free(name);
	}
	free(vmlinuz);
	if (rc < 0) {
		json_decref(has);
		strv_free(&sha1s);
		goto out;
	}
	if (sha1s.n)
		qsort(sha1s.v, sha1s.n, sizeof(char *), str_cmp);
	char *cat = lines_join(sha1s.v, 0, sha1s.n);
	/* lines_join puts a newline after each; the code is over the bare digests */
	char *w = cat;
	for (char *r = cat; *r; r++)
		if (*r != '\n')
			*w++ = *r;
	*w = '\0';
	char vcode[41];
	sha1_hex(cat, strlen(cat), vcode);
	free(cat);
	strv_free(&sha1s);

	char *excluded = xasprintf("./%s", self);
	char *created = iso(in->epoch);
	char *supplier = organization(in->vendor);
	char *bundle_name = xasprintf("kbuild-%s-%s", in->profile, in->krel);
	json_t *kernel = json_pack(
		"{s:s,s:s,s:s,s:s,s:b,s:{s:s,s:[s]},s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "SPDXID", KERNEL,
		"name", bundle_name, "versionInfo", in->krel, "downloadLocation", "NOASSERTION",
		"filesAnalyzed", 1, "packageVerificationCode", "packageVerificationCodeValue", vcode,
		"packageVerificationCodeExcludedFiles", excluded, "primaryPackagePurpose", "OPERATING_SYSTEM",
		"supplier", supplier, "licenseConcluded", KERNEL_LICENSE, "licenseDeclared", KERNEL_LICENSE,
		"copyrightText", "NOASSERTION", "builtDate", created, "comment",
		"the Linux kernel built by kbuild: the bundle's files, laid out as the install root",
		"hasFiles", has);
	json_array_append_new(packages, kernel);

	/* The source. */
	char *purl = debian_purl(in->src_origin);
	bool url = in->src_origin &&
		   (!strncmp(in->src_origin, "http://", 7) || !strncmp(in->src_origin, "https://", 8));
	char *src_comment = xasprintf("kind %s, origin %s, verified %s", in->src_kind ? in->src_kind : "?",
				      in->src_origin ? in->src_origin : "?",
				      in->src_verified ? in->src_verified : "?");
	json_t *src = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:s,s:s,s:s,s:s}", "SPDXID", SOURCE, "name",
				"linux", "versionInfo", in->src_version ? in->src_version : "unknown",
				"downloadLocation", url ? in->src_origin : "NOASSERTION", "filesAnalyzed", 0,
				"checksums", checksums(in->src_sha256, NULL), "primaryPackagePurpose",
				"SOURCE", "licenseConcluded", KERNEL_LICENSE, "licenseDeclared",
				KERNEL_LICENSE, "copyrightText", "NOASSERTION", "comment", src_comment);
	if (purl)
		json_object_set_new(src, "externalRefs", purl_ref(purl));
	if (!json_array_size(json_object_get(src, "checksums")))
		json_object_del(src, "checksums");
	json_array_append_new(packages, src);
	rel(rels, KERNEL, "GENERATED_FROM", SOURCE);
	free(purl);
	free(src_comment);

	/* The patches, each a file of the series, applied to the source. */
	for (size_t i = 0; i < in->patches.n; i++) {
		const struct attest_item *p = &in->patches.v[i];
		char sha1[41] = "";
		if (p->path && sha1_file(p->path, sha1) < 0) {
			rc = -1;
			break;
		}
		char *id = spdx_id("Patch", i + 1, p->name);
		char *name = normalize(p->name);
		char *fname = xasprintf("./%s", name);
		char *comment = xasprintf("patch %zu of the series %s", i + 1, in->series ? in->series : "?");
		json_array_append_new(files,
				      json_pack("{s:s,s:s,s:o,s:[s],s:s,s:s,s:s}", "SPDXID", id, "fileName",
						fname, "checksums", checksums(p->sha256, *sha1 ? sha1 : NULL),
						"fileTypes", "SOURCE", "licenseConcluded", "NOASSERTION",
						"copyrightText", "NOASSERTION", "comment", comment));
		rel(rels, id, "PATCH_APPLIED", SOURCE);
		rel(rels, KERNEL, "GENERATED_FROM", id);
		free(comment);
		free(fname);
		free(name);
		free(id);
	}
	if (rc < 0)
		goto out_kernel;
	if (config_id)
		rel(rels, vmlinuz_id ? vmlinuz_id : KERNEL, "GENERATED_FROM", config_id);

	/* Build tools. */
	char *kb = xasprintf("kbuild %s", in->kbuild_version);
	json_array_append_new(
		packages, tool_package("SPDXRef-Package-kbuild", "kbuild", in->kbuild_version,
				       "the tool that configured, built, tested and packaged the kernel"));
	json_array_append_new(packages, tool_package("SPDXRef-Package-compiler", "compiler", in->compiler,
						     "the compiler, as its --version's first line"));
	json_array_append_new(packages, tool_package("SPDXRef-Package-binutils", "binutils", in->binutils,
						     "the linker, as ld --version's first line"));
	rel(rels, "SPDXRef-Package-kbuild", "BUILD_TOOL_OF", KERNEL);
	rel(rels, "SPDXRef-Package-compiler", "BUILD_TOOL_OF", KERNEL);
	rel(rels, "SPDXRef-Package-binutils", "BUILD_TOOL_OF", KERNEL);
	free(kb);

	/* The RPM and the .deb: they hold this document, so it names them
	 * without their digests (the provenance statement has those). */
	const struct {
		const char *id, *name, *file, *purl_fmt;
	} pkgs[] = {
		{"SPDXRef-Package-rpm", in->rpm_name, in->rpm_file, "pkg:rpm/%s@%s?arch=x86_64"},
		{"SPDXRef-Package-deb", in->deb_name, in->deb_file, "pkg:deb/%s@%s?arch=amd64"},
	};
	for (size_t i = 0; i < 2; i++) {
		if (!pkgs[i].name)
			continue;
		char *p = xasprintf(pkgs[i].purl_fmt, pkgs[i].name, in->pkg_version);
		json_t *pk = json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:o}", "SPDXID", pkgs[i].id, "name",
			pkgs[i].name, "versionInfo", in->pkg_version, "packageFileName", pkgs[i].file,
			"downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "primaryPackagePurpose",
			"INSTALL", "supplier", supplier, "licenseConcluded", KERNEL_LICENSE,
			"licenseDeclared", KERNEL_LICENSE, "comment",
			"holds the bundle's files and this document; its sha256 is in the provenance "
			"statement next to it (a digest here would have to cover itself)",
			"externalRefs", purl_ref(p));
		json_array_append_new(packages, pk);
		rel(rels, pkgs[i].id, "CONTAINS", KERNEL);
		free(p);
	}

	/* The namespace: unique per content, the same on a rebuild. */
	json_t *body = json_pack("{s:O,s:O,s:O}", "packages", packages, "files", files, "relationships",
				 rels);
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	char digest[SHA256_HEX_LEN + 1];
	sha256_hex(text, strlen(text), digest);
	free(text);
	json_decref(body);
	char *ns = xasprintf(NAMESPACE_BASE "%s-%s", bundle_name, digest);
	char *tool = xasprintf("Tool: kbuild-%s", in->kbuild_version);
	json_t *doc = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[s,s],s:s},s:[s],s:O,s:O,s:O}", "spdxVersion", "SPDX-2.3",
		"dataLicense", "CC0-1.0", "SPDXID", "SPDXRef-DOCUMENT", "name", bundle_name,
		"documentNamespace", ns, "creationInfo", "created", created, "creators", tool, supplier,
		"comment",
		"created is the build's epoch (SOURCE_DATE_EPOCH or the source's date), as every time in the bundle, "
		"so that a rebuild gives the same bytes",
		"documentDescribes", KERNEL, "packages", packages, "files", files, "relationships", rels);
	char *path = path_join(tree, self);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	rc = mkdir_p(dir, 0755);
	if (rc == 0)
		rc = json_write_file(doc, path, JSON_DOC_FLAGS);
	if (rc == 0 && chmod(path, 0644) < 0)
		rc = kb_fail("%s: %s", path, strerror(errno));
	free(dir);
	free(path);
	json_decref(doc);
	free(tool);
	free(ns);
out_kernel:
	free(bundle_name);
	free(supplier);
	free(created);
	free(excluded);
out:
	json_decref(packages);
	json_decref(files);
	json_decref(rels);
	free(self);
	free(mf);
	return rc;
}
