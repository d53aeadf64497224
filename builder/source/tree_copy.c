/* copy_tree (extract.h): copy a local source tree the way extract_archive
 * unpacks one, into a temporary directory renamed into place. */
#include "source/unpack.h"
#include "source/tree_links.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct copy {
	const char *src;
	struct strv links;
	unsigned long entries;
};

static int copy_file_data(int in, int out, const char *name)
{
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return kb_fail("copying %s: %s", name, strerror(errno));
		break;
	}
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kb_fail("reading %s: %s", name, strerror(errno));
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return kb_fail("writing %s: %s", name, strerror(errno));
			}
			off += w;
		}
	}
}

static int copy_dir(struct copy *c, int sfd, int dfd, const char *rel);

static int copy_one(struct copy *c, int sfd, int dfd, const char *name, const char *rel)
{
	struct stat st;
	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return kb_fail("cannot stat %s/%s: %s", c->src, rel, strerror(errno));
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	c->entries++;

	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dfd, name, 0700) < 0)
			return kb_fail("cannot create %s: %s", rel, strerror(errno));
		int s2 = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int d2 = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = 0;
		if (s2 < 0 || d2 < 0)
			r = kb_fail("cannot open directory %s/%s: %s", c->src, rel, strerror(errno));
		if (r == 0)
			r = copy_dir(c, s2, d2, rel);
		/* mode and times last, once the content is written */
		if (r == 0 && (fchmod(d2, tree_safe_mode(st.st_mode & 07777)) < 0 || futimens(d2, times) < 0))
			r = kb_fail("cannot set mode/times of %s: %s", rel, strerror(errno));
		if (s2 >= 0)
			close(s2);
		if (d2 >= 0)
			close(d2);
		return r;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return kb_fail("cannot read symlink %s/%s: %s", c->src, rel, strerror(errno));
		target[n] = '\0';
		if (tree_link_climbs_out(rel, target))
			return kb_fail("%s: symlink '%s' -> '%s' points outside the tree; refusing to copy",
				       c->src, rel, target);
		if (symlinkat(target, dfd, name) < 0)
			return kb_fail("cannot create symlink %s: %s", rel, strerror(errno));
		utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW);
		strv_push(&c->links, rel);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return kb_fail("%s: '%s' is a %s; refusing to copy", c->src, rel,
			       S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device node"
			       : S_ISFIFO(st.st_mode)                     ? "fifo"
									  : "socket");

	int in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return kb_fail("cannot open %s/%s: %s", c->src, rel, strerror(errno));
	int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return kb_fail("cannot create %s: %s", rel, strerror(errno));
	}
	int r = copy_file_data(in, out, rel);
	if (r == 0 && (fchmod(out, tree_safe_mode(st.st_mode & 07777)) < 0 || futimens(out, times) < 0))
		r = kb_fail("cannot set mode/times of %s: %s", rel, strerror(errno));
	close(in);
	if (close(out) < 0 && r == 0)
		r = kb_fail("writing %s: %s", rel, strerror(errno));
	return r;
}

static int copy_dir(struct copy *c, int sfd, int dfd, const char *rel)
{
	int fd = dup(sfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return kb_fail("cannot read directory %s/%s: %s", c->src, rel, strerror(errno));
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *sub = *rel ? path_join(rel, de->d_name) : xstrdup(de->d_name);
		r = copy_one(c, sfd, dfd, de->d_name, sub);
		free(sub);
	}
	closedir(d);
	return r;
}

/* Is path (which exists) dir itself or somewhere below it? */
static bool inside(const char *path, const char *dir)
{
	char *p = realpath(path, NULL), *d = realpath(dir, NULL);
	size_t dl = d ? strlen(d) : 0;
	bool r = p && d && !strncmp(p, d, dl) && (p[dl] == '/' || p[dl] == '\0' || dl == 1);
	free(p);
	free(d);
	return r;
}

int copy_tree(const char *src, const char *dest, FILE *log)
{
	double t0 = now_seconds();
	struct copy c = {.src = src};
	struct stat st;
	if (stat(src, &st) < 0)
		return kb_fail("cannot use source tree %s: %s", src, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kb_fail("source tree %s is not a directory", src);
	char *tmp = extract_prepare_dest(dest);
	if (!tmp)
		return -1;
	int r = -1;
	int sfd = -1, dfd = -1;
	if (inside(tmp, src)) {
		kb_fail("cannot copy %s into %s, which lies inside it", src, dest);
		goto out;
	}
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || dfd < 0) {
		kb_fail("cannot open %s: %s", sfd < 0 ? src : tmp, strerror(errno));
		goto out;
	}
	if (copy_dir(&c, sfd, dfd, "") < 0)
		goto out;
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	if (fchmod(dfd, tree_safe_mode(st.st_mode & 07777)) < 0 || futimens(dfd, times) < 0) {
		kb_fail("cannot set mode/times of %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (extract_move_into_place(src, tmp, NULL, &c.links, dest) < 0)
		goto out;
	if (log)
		fprintf(log, "copied %lu entries from %s into %s in %.1f s\n", c.entries, src, dest,
			now_seconds() - t0);
	r = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	if (r < 0) {
		char *saved = xstrdup(kb_last_error());
		rm_rf(tmp);
		kb_fail("%s", saved);
		free(saved);
	}
	free(tmp);
	strv_free(&c.links);
	return r;
}
