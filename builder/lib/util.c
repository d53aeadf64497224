#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char last_error[4096];

int kb_vfail(const char *fmt, va_list ap)
{
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	return -1;
}

int kb_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kb_vfail(fmt, ap);
	va_end(ap);
	return -1;
}

const char *kb_last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void kb_clear_error(void)
{
	last_error[0] = '\0';
}

static void *oom(void)
{
	fputs("kbuild: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	return p ? p : oom();
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	return p ? p : oom();
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

void strv_push_owned(struct strv *s, char *str)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

void strv_push(struct strv *s, const char *str)
{
	strv_push_owned(s, xstrdup(str));
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

char **strv_argv(struct strv *s)
{
	if (!s->v) {
		s->cap = 8;
		s->v = xcalloc(s->cap, sizeof(*s->v));
	}
	return s->v;
}

size_t strv_split(struct strv *s, const char *text)
{
	size_t added = 0;
	const char *p = text;
	while (*p) {
		p += strspn(p, " \t,\n");
		size_t len = strcspn(p, " \t,\n");
		if (len) {
			strv_push_owned(s, xstrndup(p, len));
			added++;
		}
		p += len;
	}
	return added;
}

int mkdir_p(const char *path, unsigned mode)
{
	char *tmp = xstrdup(path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST) {
			kb_fail("cannot create directory %s: %s", tmp, strerror(errno));
			free(tmp);
			return -1;
		}
		*p = '/';
	}
	int r = 0;
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		r = kb_fail("cannot create directory %s: %s", tmp, strerror(errno));
	free(tmp);
	return r;
}

/* One directory level of rm_rf's walk: its name in the parent and its
 * identity, to check that ".." leads back to the parent. */
struct rm_level {
	char *name;
	dev_t dev;
	ino_t ino;
};

/* Empties the directory open as fd: unlinks what is not a directory and
 * returns the name of the first subdirectory (malloc'd), or NULL when fd is
 * empty of everything but subdirectories it could not see (none). *err is
 * set on an error. */
static char *rm_pass(int fd, const char *top, int *err)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		*err = kb_fail("cannot read a directory in %s: %s", top, strerror(errno));
		return NULL;
	}
	rewinddir(d);
	char *sub = NULL;
	struct dirent *de;
	while (!sub && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno == EISDIR || errno == EPERM) {
			struct stat st;
			if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
				sub = xstrdup(de->d_name);
				continue;
			}
			errno = EPERM;
		}
		*err = kb_fail("cannot remove '%.200s' in %s: %s", de->d_name, top, strerror(errno));
		break;
	}
	closedir(d);
	return sub;
}

int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : kb_fail("cannot stat %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT
			       ? kb_fail("cannot remove %s: %s", path, strerror(errno))
			       : 0;
	/* Walked with openat/unlinkat from one directory descriptor at a time:
	 * no path is ever longer than one name, so neither PATH_MAX nor the
	 * number of open descriptors limits the depth of what can be removed.
	 * Going up is through "..", checked against the level's identity. */
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("cannot open %s: %s", path, strerror(errno));
	struct rm_level *stack = NULL;
	size_t depth = 0, cap = 0;
	int err = 0;
	for (;;) {
		char *sub = rm_pass(fd, path, &err);
		if (err)
			break;
		if (sub) {
			int nfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			struct stat pst;
			if (nfd < 0 || fstat(fd, &pst) < 0) {
				err = kb_fail("cannot open '%.200s' in %s: %s", sub, path, strerror(errno));
				free(sub);
				if (nfd >= 0)
					close(nfd);
				break;
			}
			if (depth == cap)
				stack = xrealloc(stack, (cap = cap ? cap * 2 : 64) * sizeof(*stack));
			stack[depth++] = (struct rm_level){sub, pst.st_dev, pst.st_ino};
			close(fd);
			fd = nfd;
			continue;
		}
		if (depth == 0)
			break;
		/* fd is empty: back to its parent, then remove it there */
		struct rm_level *lv = &stack[depth - 1];
		int pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat pst;
		if (pfd < 0 || fstat(pfd, &pst) < 0 || pst.st_dev != lv->dev || pst.st_ino != lv->ino) {
			err = kb_fail("cannot remove %s: a directory in it moved during the removal", path);
			if (pfd >= 0)
				close(pfd);
			break;
		}
		close(fd);
		fd = pfd;
		if (unlinkat(fd, lv->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			err = kb_fail("cannot remove '%.200s' in %s: %s", lv->name, path, strerror(errno));
			break;
		}
		free(lv->name);
		depth--;
	}
	close(fd);
	for (size_t i = 0; i < depth; i++)
		free(stack[i].name);
	free(stack);
	if (err)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return kb_fail("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("cannot open %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return kb_fail("cannot stat %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		const char *kind = S_ISDIR(st.st_mode)    ? "a directory"
				   : S_ISFIFO(st.st_mode) ? "a fifo"
				   : S_ISCHR(st.st_mode)  ? "a character device"
				   : S_ISBLK(st.st_mode)  ? "a block device"
				   : S_ISSOCK(st.st_mode) ? "a socket"
							  : "not a regular file";
		return kb_fail("%s is %s, not a regular file; refusing to read it", path, kind);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

char *read_file_max(const char *path, size_t max, size_t *len)
{
	int fd = open_regular(path);
	if (fd < 0)
		return NULL;
	/* the size as a hint (a /proc file says 0; a growing file reads on) */
	struct stat st;
	size_t cap = 4096, n = 0;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		cap = (size_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n == max + 1)
			break;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
		size_t want = cap - n - 1;
		if (want > max + 1 - n)
			want = max + 1 - n; /* one byte past max tells "too large" */
		ssize_t got = read(fd, buf + n, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			free(buf);
			kb_fail("cannot read %s: %s", path, strerror(e));
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (n > max) {
		free(buf);
		kb_fail("%s is larger than %zu bytes; refusing to read it", path, max);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *read_file(const char *path, size_t *len)
{
	return read_file_max(path, READ_FILE_MAX, len);
}

size_t nul_line(const char *data, size_t len)
{
	const char *nul = memchr(data, '\0', len);
	if (!nul)
		return 0;
	size_t line = 1;
	for (const char *p = data; p < nul; p++)
		line += *p == '\n';
	return line;
}

char *read_text(const char *path, size_t *len)
{
	size_t n;
	char *text = read_file_max(path, READ_TEXT_MAX, &n);
	if (!text)
		return NULL;
	size_t line = nul_line(text, n);
	if (line) {
		free(text);
		kb_fail("%s:%zu: a NUL byte in a text file; refusing it (a binary file?)", path, line);
		return NULL;
	}
	if (len)
		*len = n;
	return text;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

char *path_abs(const char *path)
{
	char *r = realpath(path, NULL);
	if (!r)
		kb_fail("cannot resolve %s: %s", path, strerror(errno));
	return r;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *lines_join(char *const *lines, size_t from, size_t to)
{
	size_t total = 1;
	for (size_t k = from; k < to; k++)
		total += strlen(lines[k]) + 1;
	char *s = xmalloc(total), *o = s;
	*o = '\0';
	for (size_t k = from; k < to; k++)
		o += sprintf(o, "%s\n", lines[k]);
	return s;
}

long cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

char *file_tail(const char *path, int max_lines, size_t max_bytes)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		kb_clear_error();
		return xstrdup("");
	}
	size_t i = len;
	if (i && text[i - 1] == '\n')
		i--;
	int n = max_lines;
	while (i > 0 && n > 0 && len - i < max_bytes) {
		if (text[--i] == '\n')
			n--;
	}
	char *tail = xstrdup(text + (i && text[i] == '\n' ? i + 1 : i));
	free(text);
	return tail;
}

char *strv_join(const struct strv *v, const char *sep)
{
	size_t n = 1;
	for (size_t i = 0; i < v->n; i++)
		n += strlen(v->v[i]) + strlen(sep);
	char *out = xmalloc(n), *o = out;
	*o = '\0';
	for (size_t i = 0; i < v->n; i++)
		o += sprintf(o, "%s%s", i ? sep : "", v->v[i]);
	return out;
}
