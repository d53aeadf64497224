#include "source/patch_proof.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES "files"

static char *dir_of(const char *applied_path)
{
	return xasprintf("%s.d", applied_path);
}

void proof_free(struct proof *pf)
{
	proof_truncate(pf, 0);
	free(pf->p);
	free(pf->dir);
	*pf = (struct proof){0};
}

void proof_truncate(struct proof *pf, size_t n)
{
	for (size_t i = n; i < pf->n; i++) {
		struct proof_patch *pp = &pf->p[i];
		for (size_t k = 0; k < pp->nf; k++)
			free(pp->f[k].path);
		for (size_t k = 0; k < pp->n_dirs; k++)
			free(pp->d[k].path);
		free(pp->f);
		free(pp->d);
		free(pp->name);
	}
	if (n < pf->n)
		pf->n = n;
}

struct proof_patch *proof_push(struct proof *pf, const char *sha256, int strip, const char *name)
{
	pf->p = xrealloc(pf->p, (pf->n + 1) * sizeof(*pf->p));
	struct proof_patch *pp = &pf->p[pf->n++];
	*pp = (struct proof_patch){.strip = strip, .name = xstrdup(name)};
	snprintf(pp->sha256, sizeof(pp->sha256), "%s", sha256);
	return pp;
}

void proof_add_file(struct proof_patch *pp, const char *path, const char *before, const char *after)
{
	pp->f = xrealloc(pp->f, (pp->nf + 1) * sizeof(*pp->f));
	struct proof_file *f = &pp->f[pp->nf++];
	f->path = xstrdup(path);
	snprintf(f->before, sizeof(f->before), "%s", before);
	snprintf(f->after, sizeof(f->after), "%s", after);
}

void proof_add_dir(struct proof_patch *pp, const char *path, unsigned mode)
{
	pp->d = xrealloc(pp->d, (pp->n_dirs + 1) * sizeof(*pp->d));
	pp->d[pp->n_dirs++] = (struct proof_dir){.path = xstrdup(path), .mode = mode};
}

static bool valid_state(const char *s)
{
	if (!strcmp(s, "-"))
		return true;
	if (!strncmp(s, "link:", 5))
		return sha256_valid_hex(s + 5);
	const char *colon = strchr(s, ':');
	if (!colon || colon - s != SHA256_HEX_LEN)
		return false;
	char hex[SHA256_HEX_LEN + 1];
	memcpy(hex, s, SHA256_HEX_LEN);
	hex[SHA256_HEX_LEN] = '\0';
	return sha256_valid_hex(hex) && colon[1] && strspn(colon + 1, "01234567") == strlen(colon + 1);
}

/* One line of the record; -1 (no kb_fail) when malformed. */
static int parse_line(struct proof *pf, char *p)
{
	char a[PROOF_STATE_LEN], b[PROOF_STATE_LEN];
	int off = 0;
	if (!strncmp(p, "patch ", 6)) {
		int strip;
		if (sscanf(p + 6, "%64s -p%d %n", a, &strip, &off) != 2 || !off || !sha256_valid_hex(a) ||
		    strip < 0 || !p[6 + off] || strchr(p + 6 + off, ' '))
			return -1;
		proof_push(pf, a, strip, p + 6 + off);
		return 0;
	}
	if (!pf->n)
		return -1;
	struct proof_patch *pp = &pf->p[pf->n - 1];
	if (!strncmp(p, "file ", 5)) {
		if (sscanf(p + 5, "%79s %79s %n", a, b, &off) != 2 || !off || !p[5 + off] ||
		    !valid_state(a) || !valid_state(b))
			return -1;
		proof_add_file(pp, p + 5 + off, a, b);
		return 0;
	}
	if (!strncmp(p, "dir ", 4)) {
		unsigned mode;
		if (sscanf(p + 4, "%o %n", &mode, &off) != 1 || !off || !p[4 + off] || mode > 07777)
			return -1;
		proof_add_dir(pp, p + 4 + off, mode);
		return 0;
	}
	return -1;
}

int proof_load(const char *applied_path, struct proof *pf)
{
	*pf = (struct proof){.dir = dir_of(applied_path)};
	char *path = path_join(pf->dir, FILES);
	int r = 0;
	if (path_exists(path)) {
		char *text = read_file(path, NULL);
		if (!text)
			r = -1;
		unsigned line = 0;
		for (char *p = text, *nl; r == 0 && p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			line++;
			if (*p && parse_line(pf, p) < 0)
				r = kb_fail("%s:%u: malformed record of the files patches touched", path,
					    line);
		}
		free(text);
	}
	free(path);
	if (r < 0) {
		char *dir = pf->dir;
		pf->dir = NULL;
		proof_free(pf);
		pf->dir = dir;
	}
	return r;
}

int proof_write(const struct proof *pf)
{
	if (mkdir_p(pf->dir, 0755) < 0)
		return -1;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < pf->n; i++) {
		const struct proof_patch *pp = &pf->p[i];
		fprintf(f, "patch %s -p%d %s\n", pp->sha256, pp->strip, pp->name);
		for (size_t k = 0; k < pp->nf; k++)
			fprintf(f, "file %s %s %s\n", pp->f[k].before, pp->f[k].after, pp->f[k].path);
		for (size_t k = 0; k < pp->n_dirs; k++)
			fprintf(f, "dir %o %s\n", pp->d[k].mode, pp->d[k].path);
	}
	fclose(f);
	char *path = path_join(pf->dir, FILES);
	int r = write_file_atomic(path, buf, len);
	free(path);
	free(buf);
	return r;
}

int proof_forget(const char *applied_path)
{
	char *dir = dir_of(applied_path);
	int r = rm_rf(dir);
	free(dir);
	return r;
}

char *proof_copy_path(const struct proof *pf, const char *sha256)
{
	return xasprintf("%s/%s.patch", pf->dir, sha256);
}

int proof_store_copy(const struct proof *pf, const char *src, const char *sha256)
{
	size_t len;
	char *data = read_file(src, &len);
	if (!data)
		return -1;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(data, len, hex);
	int r;
	if (strcmp(hex, sha256)) {
		r = kb_fail("%s changed while the series was being applied (sha256 %.12s..., read as "
			    "%.12s...)",
			    src, hex, sha256);
	} else {
		char *dst = proof_copy_path(pf, sha256);
		r = mkdir_p(pf->dir, 0755) < 0 ? -1 : write_file_atomic(dst, data, len);
		free(dst);
	}
	free(data);
	return r;
}

int proof_file_state(const char *tree, const char *rel, char out[PROOF_STATE_LEN])
{
	char *path = path_join(tree, rel);
	struct stat st;
	char hex[SHA256_HEX_LEN + 1];
	int r = 0;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			snprintf(out, PROOF_STATE_LEN, "-");
		else
			r = kb_fail("cannot stat %s: %s", path, strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			r = kb_fail("cannot open %s: %s", path, strerror(errno));
		else {
			r = sha256_fd(fd, path, hex);
			close(fd);
			if (r == 0)
				snprintf(out, PROOF_STATE_LEN, "%s:%o", hex, (unsigned)(st.st_mode & 07777));
		}
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target));
		if (n < 0)
			r = kb_fail("cannot read the link %s: %s", path, strerror(errno));
		else {
			sha256_hex(target, (size_t)n, hex);
			snprintf(out, PROOF_STATE_LEN, "link:%s", hex);
		}
	} else {
		/* a directory or a device where a patch left a file: never a state
		 * the record holds, so it never matches */
		snprintf(out, PROOF_STATE_LEN, "type:%o", (unsigned)(st.st_mode & S_IFMT));
	}
	free(path);
	return r;
}

/* The state s for people: "absent" or the digest's first 12 digits. */
static const char *show(const char *s, char buf[16])
{
	if (!strcmp(s, "-"))
		return "absent";
	snprintf(buf, 16, "%.12s", strncmp(s, "link:", 5) ? s : s + 5);
	return buf;
}

int proof_check(const struct proof *pf, const char *tree)
{
	for (size_t i = 0; i < pf->n; i++) {
		for (size_t k = 0; k < pf->p[i].nf; k++) {
			const struct proof_file *f = &pf->p[i].f[k];
			/* only the last patch touching a file says what it holds now */
			bool later = false;
			for (size_t j = i + 1; j < pf->n && !later; j++)
				for (size_t m = 0; m < pf->p[j].nf && !later; m++)
					later = !strcmp(pf->p[j].f[m].path, f->path);
			if (later)
				continue;
			char now[PROOF_STATE_LEN];
			if (proof_file_state(tree, f->path, now) < 0)
				return -1;
			if (strcmp(now, f->after)) {
				char b1[16], b2[16];
				return kb_fail(
					"%s is not what patch %s left there (%s, now %s): changed by hand "
					"or by an interrupted run",
					f->path, pf->p[i].name, show(f->after, b1), show(now, b2));
			}
		}
	}
	return 0;
}
