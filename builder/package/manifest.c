#include "package/manifest.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_DIR "usr/share/kbuild/"

char *manifest_relpath(const char *rel)
{
	return xasprintf(MANIFEST_DIR "%s/MANIFEST", rel);
}

bool manifest_is_manifest_path(const char *path)
{
	size_t l = strlen(MANIFEST_DIR);
	if (strncmp(path, MANIFEST_DIR, l))
		return false;
	const char *slash = strchr(path + l, '/');
	return slash && slash > path + l && !strcmp(slash, "/MANIFEST");
}

bool manifest_path_ok(const char *path)
{
	if (!*path || path[0] == '/')
		return false;
	for (const char *p = path; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+,@=:-/", *p))
			return false;
	for (const char *c = path; c;) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = end ? end + 1 : NULL;
	}
	return true;
}

void manifest_set(struct manifest *m, const char *key, const char *value)
{
	strv_push(&m->keys, key);
	strv_push(&m->vals, value);
}

const char *manifest_get(const struct manifest *m, const char *key)
{
	for (size_t i = 0; i < m->keys.n; i++)
		if (!strcmp(m->keys.v[i], key))
			return m->vals.v[i];
	return NULL;
}

void manifest_push(struct manifest *m, enum mf_kind kind, const char *path, unsigned mode, const char *sha256,
		   const char *target)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->e = xrealloc(m->e, m->cap * sizeof(*m->e));
	}
	struct mf_entry *e = &m->e[m->n++];
	*e = (struct mf_entry){.kind = kind,
			       .path = xstrdup(path),
			       .mode = mode & 07777,
			       .target = target ? xstrdup(target) : NULL};
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha256 ? sha256 : "");
}

int manifest_open_in_root(const char *root, const char *relpath, int flags)
{
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	if (!relpath || !*relpath)
		relpath = ".";
	/* the root is the installed system's "/": an absolute symlink in it
	 * (lib -> /elsewhere) means root/elsewhere, never the host's */
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, rootfd, relpath, &how, sizeof(how));
	int e = errno;
	close(rootfd);
	errno = e;
	return fd;
}

/* The directory holding relpath, resolved inside root, as an O_PATH fd;
 * *base is relpath's last component. -1 with errno when it cannot be reached. */
static int parent_in_root(const char *root, const char *relpath, const char **base)
{
	const char *slash = strrchr(relpath, '/');
	*base = slash ? slash + 1 : relpath;
	char *parent = slash ? xstrndup(relpath, (size_t)(slash - relpath)) : xstrdup(".");
	int fd = manifest_open_in_root(root, parent, O_PATH | O_DIRECTORY);
	free(parent);
	return fd;
}

int manifest_add_path(struct manifest *m, const char *root, const char *relpath)
{
	char *full = path_join(root, relpath);
	struct stat st;
	int rc = 0;
	const char *base;
	int dfd = parent_in_root(root, relpath, &base);
	if (dfd < 0 || fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT || errno == ENOTDIR ? 1 : kb_fail("%s: %s", full, strerror(errno));
	} else if (!manifest_path_ok(relpath)) {
		rc = kb_fail("%s: a path outside the safe character set (letters, digits, . _ + , @ = : - /)",
			     full);
	} else if (S_ISDIR(st.st_mode)) {
		manifest_push(m, MF_DIR, relpath, st.st_mode, NULL, NULL);
	} else if (S_ISREG(st.st_mode)) {
		char hex[SHA256_HEX_LEN + 1];
		int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		rc = fd < 0 ? kb_fail("%s: %s", full, strerror(errno)) : sha256_fd(fd, full, hex);
		if (fd >= 0)
			close(fd);
		if (rc == 0)
			manifest_push(m, MF_FILE, relpath, st.st_mode, hex, NULL);
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dfd, base, target, sizeof(target) - 1);
		if (n < 0) {
			rc = kb_fail("%s: %s", full, strerror(errno));
		} else {
			target[n] = '\0';
			char hex[SHA256_HEX_LEN + 1];
			sha256_hex(target, (size_t)n, hex);
			if (!manifest_path_ok(target) && !(target[0] == '/' && manifest_path_ok(target + 1)))
				rc = kb_fail("%s: symlink target '%s' outside the safe character set", full,
					     target);
			else
				manifest_push(m, MF_LINK, relpath, 0777, hex, target);
		}
	} else {
		rc = kb_fail("%s: not a file, directory or symlink", full);
	}
	if (dfd >= 0)
		close(dfd);
	free(full);
	return rc;
}

static int scan_below(struct manifest *m, const char *root, const char *sub)
{
	int fd = manifest_open_in_root(root, sub, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		char *dir = sub && *sub ? path_join(root, sub) : xstrdup(root);
		int rc = kb_fail("%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(dir);
		return rc;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *rel = sub && *sub ? xasprintf("%s/%s", sub, de->d_name) : xstrdup(de->d_name);
		rc = manifest_add_path(m, root, rel);
		if (rc == 0 && m->e[m->n - 1].kind == MF_DIR)
			rc = scan_below(m, root, rel);
		free(rel);
	}
	closedir(d);
	return rc < 0 ? -1 : 0;
}

int manifest_scan(struct manifest *m, const char *root, const char *sub)
{
	if (sub && *sub) {
		int rc = manifest_add_path(m, root, sub);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (m->e[m->n - 1].kind != MF_DIR)
			return 0;
	}
	return scan_below(m, root, sub);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->path, ((const struct mf_entry *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (m->n)
		qsort(m->e, m->n, sizeof(*m->e), entry_cmp);
}

const struct mf_entry *manifest_find(const struct manifest *m, const char *path)
{
	struct mf_entry key = {.path = (char *)path};
	return m->n ? bsearch(&key, m->e, m->n, sizeof(*m->e), entry_cmp) : NULL;
}

bool manifest_owned(const struct manifest *m, const char *path)
{
	for (size_t i = 0; i < m->owns.n; i++) {
		size_t l = strlen(m->owns.v[i]);
		if (!strncmp(path, m->owns.v[i], l) && (path[l] == '\0' || path[l] == '/'))
			return true;
	}
	return false;
}

char *manifest_format(const struct manifest *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "kbuild-manifest 1\n");
	for (size_t i = 0; i < m->keys.n; i++)
		fprintf(f, "%s %s\n", m->keys.v[i], m->vals.v[i]);
	for (size_t i = 0; i < m->owns.n; i++)
		fprintf(f, "owns %s\n", m->owns.v[i]);
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->e[i];
		if (e->kind == MF_DIR)
			fprintf(f, "dir %04o %s\n", e->mode, e->path);
		else if (e->kind == MF_FILE)
			fprintf(f, "file %04o %s %s\n", e->mode, e->sha256, e->path);
		else
			fprintf(f, "link %04o %s %s -> %s\n", e->mode, e->sha256, e->path, e->target);
	}
	fclose(f);
	return buf;
}

/* One entry line (after its kind word); returns NULL or what is wrong. */
static const char *parse_entry(struct manifest *m, enum mf_kind kind, char *rest)
{
	char *save = NULL;
	char *mode_s = strtok_r(rest, " ", &save);
	char *sha = kind == MF_DIR ? NULL : strtok_r(NULL, " ", &save);
	char *path = strtok_r(NULL, " ", &save);
	char *arrow = kind == MF_LINK ? strtok_r(NULL, " ", &save) : NULL;
	char *target = kind == MF_LINK ? strtok_r(NULL, " ", &save) : NULL;
	if (!mode_s || !path || (kind != MF_DIR && !sha) || strtok_r(NULL, " ", &save))
		return "wrong number of fields";
	if (kind == MF_LINK && (!arrow || strcmp(arrow, "->") || !target))
		return "a link needs '<path> -> <target>'";
	char *end;
	unsigned long mode = strtoul(mode_s, &end, 8);
	if (*end || mode > 07777)
		return "bad mode (expected octal permission bits)";
	if (sha && !sha256_valid_hex(sha))
		return "bad sha256";
	if (!manifest_path_ok(path))
		return "bad path";
	if (m->n && strcmp(m->e[m->n - 1].path, path) >= 0)
		return "entries out of order or repeated";
	manifest_push(m, kind, path, (unsigned)mode, sha, target);
	return NULL;
}

int manifest_parse(const char *text, const char *origin, struct manifest *m)
{
	char *copy = xstrdup(text);
	int lineno = 0, rc = 0;
	bool first = true;
	for (char *line = copy, *next; line && *line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *sp = strchr(line, ' ');
		if (!sp) {
			rc = kb_fail("%s:%d: expected 'key value'", origin, lineno);
			break;
		}
		*sp = '\0';
		char *rest = sp + 1;
		const char *why = NULL;
		if (first) {
			if (strcmp(line, "kbuild-manifest") || strcmp(rest, "1"))
				why = "not a kbuild MANIFEST (expected 'kbuild-manifest 1')";
			first = false;
		} else if (!strcmp(line, "dir")) {
			why = parse_entry(m, MF_DIR, rest);
		} else if (!strcmp(line, "file")) {
			why = parse_entry(m, MF_FILE, rest);
		} else if (!strcmp(line, "link")) {
			why = parse_entry(m, MF_LINK, rest);
		} else if (m->n) {
			why = "header line after the entries";
		} else if (!strcmp(line, "owns")) {
			if (!manifest_path_ok(rest))
				why = "bad path";
			else
				strv_push(&m->owns, rest);
		} else {
			manifest_set(m, line, rest);
		}
		if (why)
			rc = kb_fail("%s:%d: %s", origin, lineno, why);
	}
	if (rc == 0 && first)
		rc = kb_fail("%s: empty MANIFEST", origin);
	free(copy);
	return rc;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].path);
		free(m->e[i].target);
	}
	free(m->e);
	strv_free(&m->keys);
	strv_free(&m->vals);
	strv_free(&m->owns);
	*m = (struct manifest){0};
}
