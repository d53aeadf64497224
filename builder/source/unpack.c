#include "source/unpack.h"
#include "source/tree_links.h"
#include "lib/children.h"
#include "lib/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- entry names ---- */

/* Normalise an archive entry name: drop empty and "." components. Refuses
 * absolute names and ".." anywhere. *out is "" for the root entry ("./"). */
static int normalise_name(const char *archive, const char *what, const char *name, char **out)
{
	if (name[0] == '/')
		return kb_fail("%s: %s '%s' is an absolute path; refusing to extract", archive, what, name);
	char *norm = xmalloc(strlen(name) + 1);
	size_t n = 0;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(norm);
			return kb_fail("%s: %s '%s' has a '..' component; refusing to extract", archive, what,
				       name);
		}
		if (len && !(len == 1 && p[0] == '.')) {
			if (n)
				norm[n++] = '/';
			memcpy(norm + n, p, len);
			n += len;
		}
		p += len;
		p += strspn(p, "/");
	}
	norm[n] = '\0';
	*out = norm;
	return 0;
}

/* ---- the destination tree (shared with tree_copy.c) ---- */

static char *temp_name(const char *dest)
{
	return xasprintf("%s.tmp.%ld", dest, (long)getpid());
}

/* Removes "<dest>.tmp.*" left by an interrupted run. The output directory's
 * lock is held, so no live kbuild owns one. */
static int remove_stale_temps(const char *dest)
{
	char *dir = xstrdup(dest), *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dest;
	if (slash)
		*slash = '\0';
	char *prefix = xasprintf("%s.tmp.", base);
	DIR *d = opendir(slash ? (*dir ? dir : "/") : ".");
	int r = 0;
	struct dirent *de;
	while (d && r == 0 && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		char *p = slash ? path_join(*dir ? dir : "/", de->d_name) : xstrdup(de->d_name);
		r = rm_rf(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
	return r;
}

char *extract_prepare_dest(const char *dest)
{
	if (remove_stale_temps(dest) < 0)
		return NULL;
	if (path_exists(dest)) {
		kb_fail("%s already exists; refusing to unpack over it", dest);
		return NULL;
	}
	char *parent = xstrdup(dest);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir_p(parent, 0755) < 0) {
			free(parent);
			return NULL;
		}
	}
	free(parent);
	char *tmp = temp_name(dest);
	if (rm_rf(tmp) < 0 || mkdir(tmp, 0755) < 0) {
		kb_fail("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return NULL;
	}
	return tmp;
}

int extract_move_into_place(const char *origin, const char *tmp, const char *top, const struct strv *links,
			    const char *dest)
{
	if (top) {
		char *topdir = path_join(tmp, top);
		char *prefix = xasprintf("%s/", top);
		int r = tree_links_check(origin, topdir, links, prefix);
		if (r == 0 && rename(topdir, dest) < 0)
			r = kb_fail("cannot rename %s to %s: %s", topdir, dest, strerror(errno));
		if (r == 0 && rmdir(tmp) < 0)
			r = kb_fail("cannot remove %s: %s", tmp, strerror(errno));
		free(prefix);
		free(topdir);
		return r;
	}
	if (tree_links_check(origin, tmp, links, NULL) < 0)
		return -1;
	if (rename(tmp, dest) < 0)
		return kb_fail("cannot rename %s to %s: %s", tmp, dest, strerror(errno));
	return 0;
}

/* ---- archives ---- */

static const char *aerr(struct archive *a)
{
	const char *s = archive_error_string(a);
	return s ? s : "unreadable or empty archive";
}

struct unpack {
	const char *archive;
	struct archive *in, *out;
	int in_fd;         /* pipe from the decompressing thread, or -1 */
	struct strv links; /* normalised names of symlinks, checked at the end */
	char *top;         /* first component shared by every entry, if any */
	bool several_tops;
	unsigned long entries;
	unsigned long files;                   /* entries that are not directories */
	size_t tmp_len;                        /* length of the temporary tree's path */
	unsigned long long written, max_bytes; /* data written, and its bound */
};

/* Bounds of what one archive may write: a kernel tree (6.x: about 1.5 GB in
 * 90,000 entries from a 140 MB tar.xz) is far inside them; a decompression
 * bomb (10 GiB of zeros in a 1.5 MB tar.xz) is stopped early. */
#define UNPACK_MAX_RATIO 100ULL        /* extracted bytes per archive byte */
#define UNPACK_MIN_BYTES (64ULL << 20) /* always allowed, for tiny archives */
#define UNPACK_MAX_BYTES (32ULL << 30) /* never more */
#define UNPACK_MAX_ENTRIES 2000000UL

static void note_top(struct unpack *u, const char *norm)
{
	size_t len = strcspn(norm, "/");
	if (!u->top)
		u->top = xstrndup(norm, len);
	else if (strlen(u->top) != len || strncmp(u->top, norm, len) != 0)
		u->several_tops = true;
}

static int copy_data(struct unpack *u, const char *name)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	for (;;) {
		if (children_interrupted())
			return kb_fail("%s: interrupted while writing '%.200s'", u->archive, name);
		int r = archive_read_data_block(u->in, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return kb_fail("%s: reading '%s': %s", u->archive, name, aerr(u->in));
		u->written += size;
		if (u->written > u->max_bytes)
			return kb_fail(
				"%s: the entries add up to more than %llu bytes (at '%.200s'), over %llu times "
				"the archive's size; refusing to extract it (a decompression bomb?)",
				u->archive, u->max_bytes, name, UNPACK_MAX_RATIO);
		/* libarchive reports a failed data write (ENOSPC, EIO) as a mere
		 * ARCHIVE_WARN: anything short of OK leaves a damaged file */
		if (archive_write_data_block(u->out, buf, size, offset) != ARCHIVE_OK) {
			int e = archive_errno(u->out);
			return kb_fail("%s: writing '%s': %s%s%s", u->archive, name, aerr(u->out),
				       e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
		}
	}
}

/* Check one entry, rewrite its names to normalised form, and write it. */
static int unpack_entry(struct unpack *u, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	if (!name)
		return kb_fail("%s: entry %lu has a name that cannot be read", u->archive, u->entries + 1);
	char *norm = NULL, *hnorm = NULL;
	int r = -1;
	if (normalise_name(u->archive, "entry", name, &norm) < 0)
		return -1;
	if (!*norm) { /* "./" itself: dest is that directory */
		free(norm);
		return 0;
	}
	/* Every path of the tree must fit PATH_MAX, or nothing (make, rm,
	 * kbuild's own walks) can name it afterwards. */
	if (u->tmp_len + 1 + strlen(norm) >= PATH_MAX) {
		kb_fail("%s: entry '%.100s...' (%zu bytes) is too long a path: in %s it would exceed PATH_MAX "
			"(%d bytes); refusing to extract",
			u->archive, norm, strlen(norm), "the tree", PATH_MAX);
		free(norm);
		return -1;
	}
	if (u->entries >= UNPACK_MAX_ENTRIES) {
		kb_fail("%s: more than %lu entries; refusing to extract it", u->archive, UNPACK_MAX_ENTRIES);
		free(norm);
		return -1;
	}
	note_top(u, norm);

	const char *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	if (type != AE_IFDIR || hardlink)
		u->files++;
	if (hardlink) {
		if (hardlink[0] == '/' ||
		    normalise_name(u->archive, "hardlink target of", hardlink, &hnorm) < 0) {
			kb_fail("%s: hardlink '%s' points to '%s', outside the tree; refusing to extract",
				u->archive, name, hardlink);
			goto out;
		}
		if (!*hnorm) {
			kb_fail("%s: hardlink '%s' points to the tree's root; refusing to extract",
				u->archive, name);
			goto out;
		}
		note_top(u, hnorm);
		struct stat st;
		/* a hardlink to a symlink is a symlink too, relative to another directory */
		if (lstat(hnorm, &st) == 0 && S_ISLNK(st.st_mode))
			strv_push(&u->links, norm);
		archive_entry_copy_hardlink(e, hnorm);
	} else if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);
		if (!target || !*target) {
			kb_fail("%s: symlink '%s' has no target; refusing to extract", u->archive, name);
			goto out;
		}
		if (tree_link_climbs_out(norm, target)) {
			kb_fail("%s: symlink '%s' -> '%s' points outside the tree; refusing to extract",
				u->archive, name, target);
			goto out;
		}
		strv_push(&u->links, norm);
	} else if (type != AE_IFREG && type != AE_IFDIR) {
		kb_fail("%s: entry '%s' is a %s; refusing to extract", u->archive, name,
			type == AE_IFCHR    ? "character device"
			: type == AE_IFBLK  ? "block device"
			: type == AE_IFIFO  ? "fifo"
			: type == AE_IFSOCK ? "socket"
					    : "special file");
		goto out;
	}
	archive_entry_copy_pathname(e, norm);
	/* a kernel tree needs no setuid, setgid or world-writable entry, and
	 * extracting one as root would hand it to every local user */
	if (type != AE_IFLNK)
		archive_entry_set_perm(e, tree_safe_mode(archive_entry_perm(e)));

	if (archive_write_header(u->out, e) < ARCHIVE_WARN) {
		kb_fail("%s: cannot extract '%s': %s", u->archive, name, aerr(u->out));
		goto out;
	}
	if (!hardlink && type == AE_IFREG && archive_entry_size(e) > 0 && copy_data(u, name) < 0)
		goto out;
	if (archive_write_finish_entry(u->out) != ARCHIVE_OK) {
		kb_fail("%s: cannot finish '%s': %s", u->archive, name, aerr(u->out));
		goto out;
	}
	u->entries++;
	r = 0;
out:
	free(norm);
	free(hnorm);
	return r;
}

/* Read every entry into the current directory (the temporary tree). */
static int unpack_all(struct unpack *u)
{
	struct archive_entry *e;
	for (;;) {
		if (children_interrupted())
			return kb_fail("%s: interrupted", u->archive);
		int r = archive_read_next_header(u->in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return kb_fail("%s: %s", u->archive, aerr(u->in));
		if (unpack_entry(u, e) < 0)
			return -1;
	}
	/* directory modes and times are applied here, after their content */
	if (archive_write_close(u->out) != ARCHIVE_OK)
		return kb_fail("%s: finishing extraction: %s", u->archive, aerr(u->out));
	if (u->entries == 0)
		return kb_fail("%s: the archive holds no files", u->archive);
	if (u->files == 0)
		return kb_fail("%s: the archive holds only directories (%s/), no file; refusing it",
			       u->archive, u->top ? u->top : ".");
	return 0;
}

/* ---- decompressing in a second thread ---- */

/* A compressed archive is decompressed by its own thread, which feeds the
 * tar reader through a pipe: xz and the file writes then use two cores, as
 * `tar -xJf` does with its xz child. */
struct feeder {
	struct archive *raw;
	int fd; /* write end of the pipe */
	pthread_t thread;
	bool running;
	char error[512]; /* set when decompression failed */
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE); /* the reader may stop early: take EPIPE instead */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	const void *buf;
	size_t size;
	la_int64_t offset;
	for (;;) {
		int r = archive_read_data_block(f->raw, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			snprintf(f->error, sizeof(f->error), "%s", aerr(f->raw));
			break;
		}
		const char *p = buf;
		while (size) {
			ssize_t w = write(f->fd, p, size);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto done; /* the reader is gone */
			p += w;
			size -= (size_t)w;
		}
	}
done:
	close(f->fd);
	return NULL;
}

/* Open archive for reading into u->in: through a decompressing thread when
 * it is compressed, directly otherwise. */
static int open_input(struct unpack *u, struct feeder *f)
{
	f->raw = archive_read_new();
	archive_read_support_filter_all(f->raw);
	archive_read_support_format_raw(f->raw);
	struct archive_entry *e;
	if (archive_read_open_filename(f->raw, u->archive, 1 << 20) != ARCHIVE_OK ||
	    archive_read_next_header(f->raw, &e) != ARCHIVE_OK)
		return kb_fail("cannot open %s: %s", u->archive, aerr(f->raw));

	u->in = archive_read_new();
	archive_read_support_filter_all(u->in);
	archive_read_support_format_all(u->in);
	if (archive_filter_count(f->raw) < 2) { /* not compressed */
		archive_read_free(f->raw);
		f->raw = NULL;
		if (archive_read_open_filename(u->in, u->archive, 1 << 20) != ARCHIVE_OK)
			return kb_fail("cannot open %s: %s", u->archive, aerr(u->in));
		return 0;
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return kb_fail("pipe: %s", strerror(errno));
	f->fd = pfd[1];
	if (pthread_create(&f->thread, NULL, feed, f) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		return kb_fail("cannot start a decompression thread");
	}
	f->running = true;
	u->in_fd = pfd[0];
	if (archive_read_open_fd(u->in, pfd[0], 1 << 20) != ARCHIVE_OK)
		return kb_fail("cannot open %s: %s", u->archive, aerr(u->in));
	return 0;
}

/* Stop reading; a decompression error outranks what the reader saw of it. */
static int close_input(struct unpack *u, struct feeder *f)
{
	if (u->in)
		archive_read_free(u->in);
	u->in = NULL;
	if (u->in_fd >= 0)
		close(u->in_fd); /* unblocks the feeder if the reader stopped early */
	u->in_fd = -1;
	int r = 0;
	if (f->running) {
		pthread_join(f->thread, NULL);
		f->running = false;
		if (f->error[0])
			r = kb_fail("%s: %s", u->archive, f->error);
	}
	if (f->raw)
		archive_read_free(f->raw);
	f->raw = NULL;
	return r;
}

int extract_archive(const char *archive, const char *dest, FILE *log)
{
	double t0 = now_seconds();
	struct unpack u = {.archive = archive, .in_fd = -1};
	struct feeder feeder = {.fd = -1};
	int r = -1, oldcwd = -1;

	if (access(archive, R_OK) < 0)
		return kb_fail("cannot read %s: %s", archive, strerror(errno));
	struct stat ast;
	if (stat(archive, &ast) < 0 || !S_ISREG(ast.st_mode))
		return kb_fail("%s is not a regular file; refusing to extract it", archive);
	unsigned long long bound = (unsigned long long)ast.st_size * UNPACK_MAX_RATIO;
	u.max_bytes = bound < UNPACK_MIN_BYTES   ? UNPACK_MIN_BYTES
		      : bound > UNPACK_MAX_BYTES ? UNPACK_MAX_BYTES
						 : bound;
	char *tmp = extract_prepare_dest(dest);
	if (!tmp)
		return -1;
	u.tmp_len = strlen(tmp);

	if (open_input(&u, &feeder) < 0)
		goto out;
	u.out = archive_write_disk_new();
	archive_write_disk_set_options(u.out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
						      ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						      ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						      ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);

	/* Entries are written relative to the temporary tree, so libarchive's
	 * own checks (no absolute paths, no "..", no writing through symlinks)
	 * apply to exactly the names we checked. */
	oldcwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (oldcwd < 0) {
		kb_fail("cannot open the current directory: %s", strerror(errno));
		goto out;
	}
	if (chdir(tmp) < 0) {
		kb_fail("cannot enter %s: %s", tmp, strerror(errno));
		goto out;
	}
	int ur = unpack_all(&u);
	/* freeing the writer applies pending directory fixups (by relative
	 * name), so it must happen while we are still inside the tree */
	archive_write_free(u.out);
	u.out = NULL;
	if (fchdir(oldcwd) < 0) {
		kb_fail("cannot return to the working directory: %s", strerror(errno));
		goto out;
	}
	if (close_input(&u, &feeder) < 0 || ur < 0)
		goto out;

	char *topdir = u.top ? path_join(tmp, u.top) : NULL;
	struct stat st;
	bool strip = u.top && !u.several_tops && lstat(topdir, &st) == 0 && S_ISDIR(st.st_mode);
	free(topdir);
	if (extract_move_into_place(archive, tmp, strip ? u.top : NULL, &u.links, dest) < 0)
		goto out;
	if (log)
		fprintf(log, "extracted %lu entries from %s into %s%s%s%s in %.1f s\n", u.entries, archive,
			dest, strip ? " (top directory '" : "", strip ? u.top : "",
			strip ? "/' stripped)" : "", now_seconds() - t0);
	r = 0;
out:
	if (oldcwd >= 0)
		close(oldcwd);
	if (u.out)
		archive_write_free(u.out);
	if (r < 0) {
		char *saved = xstrdup(kb_last_error());
		if (close_input(&u, &feeder) == 0) /* else the thread's error stands */
			kb_fail("%s", saved);
		free(saved);
		saved = xstrdup(kb_last_error());
		rm_rf(tmp);
		kb_fail("%s", saved);
		free(saved);
	}
	free(tmp);
	free(u.top);
	strv_free(&u.links);
	return r;
}
