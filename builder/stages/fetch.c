/* fetch: get the kernel tarball and prove it is the one asked for.
 *
 * Sources, first match wins: tree= (a local tree, copied by extract and
 * recorded as unverified), source= (a local tarball, verified against
 * sha256), package= (a Debian package, verified with dpkg), url= + mirrors
 * (downloaded into the shared cache, verified against sha256). The result
 * is the source record (core/records.h) that extract reads. */
#include "source/debsrc.h"
#include "lib/json.h"
#include "source/download.h"
#include "lib/sha256.h"
#include "stages/chain.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fetch_inputs(struct run *r, struct stamp *s)
{
	const struct source_settings *src = &r->set->source;
	const char *keys[][2] = {{"version", src->version}, {"url", src->url},
				 {"sha256", src->sha256},   {"file", src->file},
				 {"package", src->package}, {"source", src->source},
				 {"tree", src->tree}};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		stamp_add(s, keys[i][0], keys[i][1]);
	for (size_t i = 0; i < src->mirrors.n; i++)
		stamp_add(s, "mirror", src->mirrors.v[i]);
	/* A local tarball replaced at the same path must make fetch verify it
	 * again: its size and mtime are inputs (hashing it here would cost
	 * seconds on every run). */
	struct stat st;
	if (r->set->source.source && !r->set->source.tree && stat(r->set->source.source, &st) == 0) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%lld %lld", (long long)st.st_size, (long long)st.st_mtime);
		stamp_add(s, "source size mtime", buf);
	}
	/* A Debian security update replaces the tarball: its version is an input. */
	if (r->set->source.package && !r->set->source.tree && !r->set->source.source) {
		char *v = debsrc_version(r->set->source.package);
		stamp_add(s, "package version", v ? v : "not installed");
		free(v);
	}
	return 0;
}

static int put_source(struct run *r, const char *kind, const char *path, const char *sha,
		      const char *verified, const char *origin)
{
	struct source_rec rec = {(char *)kind, (char *)path, (char *)(sha ? sha : "none"), (char *)verified,
				 (char *)origin};
	return source_rec_put(r, &rec);
}

static int verify_local(struct run *r, const char *path, const char *want)
{
	char got[SHA256_HEX_LEN + 1];
	if (!want)
		return kb_fail("source=%s needs sha256=<digest> so kbuild can verify it", path);
	if (sha256_file(path, got) < 0)
		return -1;
	fprintf(r->log, "sha256 %s  %s\n", got, path);
	if (strcmp(got, want))
		return kb_fail("%s: sha256 mismatch: expected %s, got %s", path, want, got);
	return 0;
}

static char *url_basename(const char *url)
{
	const char *slash = strrchr(url, '/');
	return xstrdup(slash && slash[1] ? slash + 1 : "source.tar");
}

static int fetch_run(struct run *r)
{
	const char *tree = r->set->source.tree, *local = r->set->source.source, *pkg = r->set->source.package;
	const char *url = r->set->source.url, *sha = r->set->source.sha256;
	if (tree) {
		char *abs = path_abs(tree);
		if (!abs || !is_dir(abs)) {
			free(abs);
			return kb_fail("tree=%s is not a directory", tree);
		}
		fprintf(r->log, "using the local tree %s (not verified)\n", abs);
		int rc = put_source(r, "tree", abs, NULL, "no (local tree)", abs);
		free(abs);
		return rc;
	}
	if (local) {
		char *abs = path_abs(local);
		if (!abs)
			return -1;
		int rc = verify_local(r, abs, sha);
		if (rc == 0)
			rc = put_source(r, "tarball", abs, sha, "yes (sha256)", abs);
		free(abs);
		return rc;
	}
	if (pkg) {
		struct debsrc d;
		if (debsrc_verify(pkg, &d, r->log) < 0)
			return -1;
		char got[SHA256_HEX_LEN + 1];
		int rc = sha256_file(d.tarball, got);
		if (rc == 0) {
			char *how = xasprintf("yes (dpkg --verify %s %s)", pkg, d.version);
			char *origin = xasprintf("debian:%s=%s", pkg, d.version);
			rc = put_source(r, "tarball", d.tarball, got, how, origin);
			free(how);
			free(origin);
		}
		debsrc_free(&d);
		return rc;
	}
	if (!url)
		return kb_fail("%s: no source: set url= (with sha256=), package=, source= or tree=",
			       r->set->file);
	if (!sha)
		return kb_fail("%s: url= needs sha256= (kbuild never uses an unverified download)",
			       r->set->file);

	if (!r->cache)
		return kb_fail("fetch: no download cache: HOME is not set; set KBUILD_CACHE=DIR or HOME "
			       "(or pass source=/path/to/tarball)");
	struct strv urls = {0};
	strv_push(&urls, url);
	for (size_t i = 0; i < r->set->source.mirrors.n; i++)
		strv_push(&urls, r->set->source.mirrors.v[i]);
	char *name = r->set->source.file ? xstrdup(r->set->source.file) : url_basename(url);
	struct fetch_opts o = {
		.urls = (const char *const *)urls.v,
		.n_urls = urls.n,
		.sha256 = sha,
		.cache_dir = r->cache,
		.file_name = name,
		.progress = r->tty ? 1 : 0,
		.log = r->log,
	};
	char *path = NULL;
	int rc = fetch_to_cache(&o, &path);
	if (rc == 0)
		rc = put_source(r, "tarball", path, sha, "yes (sha256)", url);
	free(path);
	free(name);
	strv_free(&urls);
	return rc;
}

/* "source": the version asked for, where it came from, how it was checked. */
static void fetch_describe(struct run *r, struct rundoc *doc)
{
	struct source_rec src;
	if (source_rec_get(r, &src) < 0)
		return;
	rundoc_set(doc, "source",
		   json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "version", json_str_or_null(r->set->source.version),
			     "kind", json_str_or_null(src.kind), "origin", json_str_or_null(src.origin),
			     "path", json_str_or_null(src.path), "sha256", json_str_or_null(src.sha256),
			     "verified", json_str_or_null(src.verified)));
	source_rec_free(&src);
}

/* The fetched file (the cache's copy, a local tarball) is still there. */
static char *fetch_missing(struct run *r)
{
	struct source_rec src;
	char *why = NULL;
	if (source_rec_get(r, &src) < 0)
		why = xasprintf("its record is unreadable: %s", kb_last_error());
	else if (src.path && !path_exists(src.path))
		why = xasprintf("%s is gone", src.path);
	kb_clear_error();
	source_rec_free(&src);
	return why;
}

const struct stage stage_fetch = {
	.name = "fetch",
	.summary = "download or locate the source and verify it",
	.inputs = fetch_inputs,
	.missing = fetch_missing,
	.run = fetch_run,
	.describe = fetch_describe,
};
