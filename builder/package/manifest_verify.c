#include "package/manifest_verify.h"
#include "package/bundle_tar.h"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(enum mf_kind k)
{
	return k == MF_DIR ? "directory" : k == MF_FILE ? "file" : "symlink";
}

static size_t compare_entry(const struct mf_entry *w, const struct mf_entry *h, FILE *out)
{
	if (w->kind != h->kind) {
		fprintf(out, "changed %s (a %s, expected a %s)\n", w->path, kind_name(h->kind),
			kind_name(w->kind));
		return 1;
	}
	size_t bad = 0;
	if (w->kind == MF_FILE && strcmp(w->sha256, h->sha256)) {
		fprintf(out, "changed %s (sha256 %s, expected %s)\n", w->path, h->sha256, w->sha256);
		bad++;
	}
	if (w->kind == MF_LINK && strcmp(w->target, h->target)) {
		fprintf(out, "changed %s (points to %s, expected %s)\n", w->path, h->target, w->target);
		bad++;
	}
	if (w->kind != MF_LINK && w->mode != h->mode) {
		fprintf(out, "changed %s (mode %04o, expected %04o)\n", w->path, h->mode, w->mode);
		bad++;
	}
	return bad;
}

size_t verify_below_links(const struct manifest *m, const char *what, FILE *out)
{
	size_t bad = 0;
	for (size_t i = 0; i < m->n; i++) {
		char *p = xstrdup(m->e[i].path);
		for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			const struct mf_entry *up = manifest_find(m, p);
			*slash = '/';
			if (up && up->kind == MF_LINK) {
				*slash = '\0';
				fprintf(out, "below-link %s (%s in %s is a symlink, to %s)\n", m->e[i].path,
					p, what, up->target);
				bad++;
				break;
			}
		}
		free(p);
	}
	return bad;
}

size_t verify_compare(const struct manifest *want, const struct manifest *have, bool installed,
		      const char *manifest_rel, FILE *out)
{
	size_t bad = 0;
	for (size_t i = 0; i < want->n; i++) {
		const struct mf_entry *h = manifest_find(have, want->e[i].path);
		if (!h) {
			fprintf(out, "missing %s\n", want->e[i].path);
			bad++;
		} else {
			bad += compare_entry(&want->e[i], h, out);
		}
	}
	for (size_t i = 0; i < have->n; i++) {
		const char *p = have->e[i].path;
		if (i > 0 && !strcmp(have->e[i - 1].path, p)) {
			fprintf(out, "extra %s (a second entry of that name)\n", p);
			bad++;
			continue;
		}
		if (manifest_find(want, p) || (manifest_rel && !strcmp(p, manifest_rel)))
			continue;
		if (manifest_is_manifest_path(p)) {
			fprintf(out, "extra %s (a second MANIFEST, not the one verified)\n", p);
			bad++;
			continue;
		}
		if (installed && !manifest_owned(want, p))
			continue;
		fprintf(out, "extra %s\n", p);
		bad++;
	}
	return bad;
}

static bool is_tarball(const char *path)
{
	return !is_dir(path);
}

/* The one usr/share/kbuild/<release>/MANIFEST below dir. */
static char *find_manifest_in(const char *dir, const char *release)
{
	char *pattern = xasprintf("%s/usr/share/kbuild/%s/MANIFEST", dir, release ? release : "*");
	glob_t g;
	char *found = NULL;
	int r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0))
		kb_fail("%s: no MANIFEST (looked for %s)", dir, pattern);
	else if (r != 0)
		kb_fail("%s: cannot search for %s", dir, pattern);
	else if (g.gl_pathc > 1)
		kb_fail("%s: %zu MANIFESTs (%s and %s); name the release with release=", dir,
			(size_t)g.gl_pathc, g.gl_pathv[0], g.gl_pathv[1]);
	else
		found = xstrdup(g.gl_pathv[0]);
	if (r == 0)
		globfree(&g);
	free(pattern);
	return found;
}

int verify_load_manifest(const char *bundle, const char *release, struct manifest *m, char **origin)
{
	char *text = NULL;
	if (!path_exists(bundle))
		return kb_fail("%s: no such bundle", bundle);
	if (is_tarball(bundle)) {
		struct manifest entries = {0};
		int rc = bundle_tar_read(bundle, &entries, &text);
		manifest_free(&entries);
		if (rc < 0)
			return -1;
		if (!text)
			return kb_fail("%s: no usr/share/kbuild/<release>/MANIFEST in the tarball", bundle);
		*origin = xasprintf("%s:MANIFEST", bundle);
	} else {
		char *p = find_manifest_in(bundle, release);
		if (!p)
			return -1;
		text = read_text(p, NULL);
		*origin = p;
		if (!text)
			return -1;
	}
	int rc = manifest_parse(text, *origin, m);
	free(text);
	return rc;
}

/* What is in a tree: the whole of an unpacked bundle, or, on an installed
 * root, each listed path and everything in the owned directories. */
static int scan_have(const char *dir, const struct manifest *want, bool installed, struct manifest *have)
{
	if (!installed)
		return manifest_scan(have, dir, NULL);
	for (size_t i = 0; i < want->owns.n; i++)
		if (manifest_scan(have, dir, want->owns.v[i]) < 0)
			return -1;
	for (size_t i = 0; i < want->n; i++) {
		const struct mf_entry *w = &want->e[i];
		if (manifest_owned(want, w->path))
			continue;
		/* Shared directories (boot, lib, usr/share) belong to the host: they
		 * only have to be directories, possibly through a symlink (/lib on
		 * a merged-/usr system). */
		int fd = w->kind == MF_DIR ? manifest_open_in_root(dir, w->path, O_PATH | O_DIRECTORY) : -1;
		bool shared_dir = fd >= 0;
		if (fd >= 0)
			close(fd);
		if (shared_dir)
			manifest_push(have, MF_DIR, w->path, w->mode, NULL, NULL);
		else if (manifest_add_path(have, dir, w->path) < 0)
			return -1;
	}
	return 0;
}

/* A listed directory that is, in root, a symlink leaving it (absolute, or
 * climbing with ".."): followed inside root, as the installed system sees
 * it, and said so. */
static void note_links_leaving(const char *root, const struct manifest *want, FILE *out)
{
	for (size_t i = 0; i < want->n; i++) {
		if (want->e[i].kind != MF_DIR)
			continue;
		struct manifest one = {0};
		if (manifest_add_path(&one, root, want->e[i].path) == 0 && one.n &&
		    one.e[0].kind == MF_LINK && (one.e[0].target[0] == '/' || strstr(one.e[0].target, "..")))
			fprintf(out,
				"note: %s -> %s leads out of %s; followed inside %s, as the installed system "
				"sees it\n",
				want->e[i].path, one.e[0].target, root, root);
		kb_clear_error();
		manifest_free(&one);
	}
}

int verify_bundle(const char *bundle, const char *root, const char *release, FILE *out)
{
	struct manifest want = {0}, have = {0};
	char *origin = NULL;
	int rc = verify_load_manifest(bundle ? bundle : root, release, &want, &origin);
	if (rc == 0 && root) {
		if (!is_dir(root))
			rc = kb_fail("%s: not a directory", root);
		else
			rc = scan_have(root, &want, true, &have);
	} else if (rc == 0 && is_tarball(bundle)) {
		char *text = NULL;
		rc = bundle_tar_read(bundle, &have, &text);
		free(text);
	} else if (rc == 0) {
		rc = scan_have(bundle, &want, false, &have);
	}
	if (rc == 0) {
		manifest_sort(&have);
		/* which MANIFEST was read, as a path in the tree (a tarball's is
		 * not among its entries: any MANIFEST there is a second one) */
		char *rel = NULL;
		size_t tl = strlen(bundle ? bundle : "");
		const char *krel = manifest_get(&want, "release");
		if (root && krel)
			rel = manifest_relpath(krel); /* the installed copy of the verified one */
		else if (bundle && !strncmp(origin, bundle, tl) && origin[tl] == '/')
			rel = xstrdup(origin + tl + 1);
		size_t bad = verify_below_links(&want, "the MANIFEST", out);
		if (root)
			note_links_leaving(root, &want, out);
		if (!root)
			bad += verify_below_links(&have, bundle, out);
		bad += verify_compare(&want, &have, root != NULL, rel, out);
		free(rel);
		const char *what = root ? root : bundle;
		if (bad)
			fprintf(out, "%s: %zu difference%s from %s\n", what, bad, bad == 1 ? "" : "s",
				origin);
		else
			fprintf(out, "%s: all %zu entries match %s\n", what, want.n, origin);
		rc = bad ? 1 : 0;
	}
	free(origin);
	manifest_free(&want);
	manifest_free(&have);
	return rc;
}
