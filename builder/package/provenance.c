/* The in-toto statement with a SLSA v1 provenance predicate, and its DSSE
 * envelope when signed (package/attest.h). Signing and checking go through
 * OpenSSL's libcrypto (already kbuild's digest library): EVP_DigestSign
 * over DSSE's pre-authentication encoding, with the key's own digest rule
 * (none for Ed25519, SHA-256 for ECDSA and RSA). */
#include "package/attest.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define PREDICATE_TYPE "https://slsa.dev/provenance/v1"
#define PAYLOAD_TYPE "application/vnd.in-toto+json"
#define BUILD_TYPE "https://kbuild.invalid/build-types/kernel-bundle/v1"
#define BUILDER_ID "https://kbuild.invalid/builder/kbuild"

static json_t *digest(const char *sha256)
{
	return json_pack("{s:s}", "sha256", sha256);
}

static json_t *statement(const struct attest_input *in, const struct attest_subject *subjects, size_t n)
{
	json_t *subj = json_array();
	for (size_t i = 0; i < n; i++) {
		char hex[SHA256_HEX_LEN + 1];
		if (sha256_file(subjects[i].path, hex) < 0) {
			json_decref(subj);
			return NULL;
		}
		json_array_append_new(subj, json_pack("{s:s,s:o}", "name", subjects[i].name, "digest",
						      digest(hex)));
	}
	json_t *deps = json_array();
	json_t *src = json_pack("{s:s,s:s}", "name", "linux-source", "uri",
				in->src_origin ? in->src_origin : "unknown");
	if (in->src_sha256 && sha256_valid_hex(in->src_sha256))
		json_object_set_new(src, "digest", digest(in->src_sha256));
	json_object_set_new(src, "annotations",
			    json_pack("{s:s?,s:s?,s:s?}", "version", in->src_version, "kind", in->src_kind,
				      "verified", in->src_verified));
	json_array_append_new(deps, src);
	for (size_t i = 0; i < in->patches.n; i++)
		json_array_append_new(deps, json_pack("{s:s,s:o,s:{s:s?}}", "name", in->patches.v[i].name,
						      "digest", digest(in->patches.v[i].sha256),
						      "annotations", "series", in->series));
	for (size_t i = 0; i < in->params.n; i++)
		json_array_append_new(deps, json_pack("{s:s,s:o}", "name", in->params.v[i].name, "digest",
						      digest(in->params.v[i].sha256)));
	if (*in->config_sha256)
		json_array_append_new(deps, json_pack("{s:s,s:o,s:{s:s}}", "name", in->config_name, "digest",
						      digest(in->config_sha256), "annotations", "what",
						      "the resolved .config"));
	json_t *params = json_pack("{s:s,s:s?,s:s?}", "profile", in->profile, "command", in->command,
				   "series", in->series);
	json_t *frag = json_array();
	for (size_t i = 0; i < in->params.n; i++)
		json_array_append_new(frag, json_string(in->params.v[i].name));
	json_object_set_new(params, "inputs", frag);
	char *builder = xasprintf(BUILDER_ID "@%s", in->kbuild_version);
	json_t *st = json_pack(
		"{s:s,s:o,s:s,s:{s:{s:s,s:o,s:{s:s,s:I,s:s?},s:o},s:{s:{s:s,s:{s:s,s:s?,s:s?}},s:{s:s?,s:s?}}}}",
		"_type", STATEMENT_TYPE, "subject", subj, "predicateType", PREDICATE_TYPE, "predicate",
		"buildDefinition", "buildType", BUILD_TYPE, "externalParameters", params,
		"internalParameters", "arch", in->arch, "SOURCE_DATE_EPOCH", (json_int_t)in->epoch, "release",
		in->krel, "resolvedDependencies", deps, "runDetails", "builder", "id", builder, "version",
		"kbuild", in->kbuild_version, "compiler", in->compiler, "binutils", in->binutils, "metadata",
		"startedOn", in->started, "finishedOn", in->finished);
	free(builder);
	return st;
}

/* DSSE's pre-authentication encoding of body (malloc'd, *len set). */
static char *pae(const char *body, size_t *len)
{
	char *s = xasprintf("DSSEv1 %zu %s %zu ", strlen(PAYLOAD_TYPE), PAYLOAD_TYPE, strlen(body));
	size_t h = strlen(s), b = strlen(body);
	s = xrealloc(s, h + b + 1);
	memcpy(s + h, body, b + 1);
	*len = h + b;
	return s;
}

static char *b64(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

static unsigned char *unb64(const char *s, size_t *len)
{
	size_t l = strlen(s);
	unsigned char *out = xmalloc(l / 4 * 3 + 3);
	int n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)l);
	if (n < 0) {
		free(out);
		return NULL;
	}
	while (l && s[l - 1] == '=')
		l--, n--; /* EVP_DecodeBlock counts the padding as bytes */
	*len = (size_t)n;
	return out;
}

/* The digest EVP_DigestSign uses with key k: none for Ed25519/Ed448. */
static const EVP_MD *md_for(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? NULL : EVP_sha256();
}

/* No passphrase prompt: an encrypted key is an error, not a question. */
static int no_pass(char *buf, int size, int rw, void *u)
{
	(void)buf, (void)size, (void)rw, (void)u;
	return -1;
}

/* The key id: sha256 of the public key's DER (SubjectPublicKeyInfo). */
static char *keyid(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	if (n <= 0)
		return xstrdup("");
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(der, (size_t)n, hex);
	OPENSSL_free(der);
	return xstrdup(hex);
}

static json_t *envelope(const char *body, const char *key)
{
	FILE *f = fopen(key, "r");
	if (!f) {
		kb_fail("package.signing_key: cannot open %s", key);
		return NULL;
	}
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, no_pass, NULL);
	fclose(f);
	if (!k) {
		kb_fail("package.signing_key: %s is not an unencrypted PEM private key (Ed25519, ECDSA or RSA)",
			key);
		return NULL;
	}
	size_t plen, slen = 0;
	char *msg = pae(body, &plen);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	json_t *env = NULL;
	if (EVP_DigestSignInit(c, NULL, md_for(k), NULL, k) == 1 &&
	    EVP_DigestSign(c, NULL, &slen, (unsigned char *)msg, plen) == 1) {
		sig = xmalloc(slen);
		if (EVP_DigestSign(c, sig, &slen, (unsigned char *)msg, plen) == 1) {
			char *p64 = b64((const unsigned char *)body, strlen(body)), *s64 = b64(sig, slen);
			char *id = keyid(k);
			env = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "payloadType", PAYLOAD_TYPE, "payload",
					p64, "signatures", "keyid", id, "sig", s64);
			free(id);
			free(p64);
			free(s64);
		}
	}
	if (!env)
		kb_fail("package.signing_key: signing with %s failed", key);
	free(sig);
	free(msg);
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k);
	return env;
}

int provenance_write(const struct attest_input *in, const struct attest_subject *subjects, size_t n,
		     const char *key, const char *path)
{
	json_t *st = statement(in, subjects, n);
	if (!st)
		return -1;
	int rc;
	if (key && *key) {
		char *body = json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_t *env = envelope(body, key);
		rc = env ? json_write_file(env, path, JSON_DOC_FLAGS) : -1;
		json_decref(env);
		free(body);
	} else {
		rc = json_write_file(st, path, JSON_DOC_FLAGS);
	}
	json_decref(st);
	return rc;
}

static int check_sig(const char *body, const json_t *sig, const char *pubkey)
{
	FILE *f = fopen(pubkey, "r");
	if (!f)
		return kb_fail("%s: cannot open the public key", pubkey);
	EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, no_pass, NULL);
	fclose(f);
	if (!k)
		return kb_fail("%s: not a PEM public key", pubkey);
	size_t plen, slen = 0;
	char *msg = pae(body, &plen);
	const char *s64 = json_member_str(sig, "sig");
	unsigned char *raw = s64 ? unb64(s64, &slen) : NULL;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = raw && EVP_DigestVerifyInit(c, NULL, md_for(k), NULL, k) == 1 &&
		 EVP_DigestVerify(c, raw, slen, (unsigned char *)msg, plen) == 1;
	EVP_MD_CTX_free(c);
	free(raw);
	free(msg);
	EVP_PKEY_free(k);
	return ok ? 0
		  : kb_fail("the signature (keyid %s) does not verify with %s",
			    json_member_str(sig, "keyid") ?: "?", pubkey);
}

int provenance_read(const char *path, const char *pubkey, json_t **out, int *signed_)
{
	*out = NULL;
	*signed_ = 0;
	json_t *j = json_read_file(path);
	if (!j)
		return -1;
	json_t *st = NULL;
	int rc = 0;
	if (json_member_str(j, "payloadType")) {
		*signed_ = 1;
		size_t len = 0;
		const char *p64 = json_member_str(j, "payload");
		unsigned char *body = p64 ? unb64(p64, &len) : NULL;
		char *text = body ? xstrndup((char *)body, len) : NULL;
		free(body);
		json_error_t err;
		st = text ? json_loads(text, 0, &err) : NULL;
		if (!st)
			rc = kb_fail("%s: the envelope's payload is not a JSON statement", path);
		json_t *sigs = json_object_get(j, "signatures");
		if (rc == 0 && !json_array_size(sigs))
			rc = kb_fail("%s: an envelope without signatures", path);
		size_t i;
		json_t *s;
		if (rc == 0 && pubkey)
			json_array_foreach(sigs, i, s) if (rc == 0 && check_sig(text, s, pubkey) < 0) rc = -1;
		free(text);
	} else {
		st = json_incref(j);
		if (pubkey)
			rc = kb_fail("%s: not signed (a plain statement), but pubkey= asks for a signature",
				     path);
	}
	if (rc == 0 && strcmp(json_member_str(st, "_type") ?: "", STATEMENT_TYPE))
		rc = kb_fail("%s: not an in-toto statement (_type is not %s)", path, STATEMENT_TYPE);
	json_decref(j);
	if (rc < 0)
		json_decref(st);
	else
		*out = st;
	return rc;
}
