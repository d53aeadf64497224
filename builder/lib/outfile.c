#include "lib/outfile.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* fsync the directory holding path, so a rename into it survives a crash. */
static int sync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;
	/* some filesystems refuse fsync on a directory (EINVAL): nothing to do there */
	if (fd >= 0 && fsync(fd) < 0 && errno != EINVAL)
		r = kb_fail("cannot sync the directory of %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

int rename_durable(const char *from, const char *to)
{
	if (rename(from, to) < 0)
		return kb_fail("cannot rename %s to %s: %s", from, to, strerror(errno));
	return sync_parent(to);
}

int outfile_open(struct outfile *f, const char *path, mode_t mode)
{
	*f = (struct outfile){.fd = -1};
	f->path = xstrdup(path);
	f->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	unlink(f->tmp); /* a leftover of a killed run of the same pid */
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (f->fd < 0) {
		int e = errno;
		kb_fail("cannot create %s: %s", f->tmp, strerror(e));
		free(f->path);
		free(f->tmp);
		f->path = f->tmp = NULL;
		return -1;
	}
	return 0;
}

static int outfile_error(struct outfile *f)
{
	return kb_fail("cannot %s %s: %s", f->op, f->path, strerror(f->err));
}

int outfile_write(struct outfile *f, const void *data, size_t len)
{
	if (f->err)
		return outfile_error(f);
	const char *p = data;
	while (len) {
		ssize_t w = write(f->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->err = w < 0 ? errno : ENOSPC;
			f->op = "write";
			return outfile_error(f);
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void release(struct outfile *f)
{
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
}

void outfile_abort(struct outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp)
		unlink(f->tmp);
	release(f);
}

int outfile_commit(struct outfile *f)
{
	if (!f->err && fsync(f->fd) < 0)
		f->err = errno, f->op = "sync";
	/* close reports delayed write errors on NFS and some FUSE filesystems */
	if (close(f->fd) < 0 && !f->err)
		f->err = errno, f->op = "close";
	f->fd = -1;
	if (f->err) {
		outfile_error(f);
		outfile_abort(f);
		return -1;
	}
	if (rename_durable(f->tmp, f->path) < 0) {
		outfile_abort(f);
		return -1;
	}
	release(f);
	return 0;
}

int fclose_checked(FILE *f, const char *path)
{
	int err = 0;
	if (fflush(f) != 0)
		err = errno ? errno : EIO;
	else if (ferror(f))
		err = -1; /* an earlier fprintf failed; stdio keeps no errno for it */
	else if (fsync(fileno(f)) < 0 && errno != EINVAL && errno != EROFS)
		err = errno; /* EINVAL: /dev/null and pipes cannot be synced */
	if (fclose(f) != 0 && !err)
		err = errno;
	if (err)
		return kb_fail("cannot write %s: %s", path,
			       err < 0 ? "a write failed (disk full or I/O error)" : strerror(err));
	return 0;
}

int sync_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("cannot open %s: %s", dir, strerror(errno));
	int r = syncfs(fd) < 0 ? kb_fail("cannot sync %s to disk: %s", dir, strerror(errno)) : 0;
	close(fd);
	return r;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	struct outfile f;
	if (outfile_open(&f, path, 0644) < 0)
		return -1;
	if (outfile_write(&f, data, len) < 0) {
		outfile_abort(&f);
		return -1;
	}
	return outfile_commit(&f);
}

int copy_file(const char *src, const char *dst)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return kb_fail("cannot read %s: %s", src, strerror(errno));
	size_t len;
	char *data = read_file(src, &len);
	if (!data)
		return -1;
	int r = write_file_atomic(dst, data, len);
	free(data);
	if (r == 0 && chmod(dst, st.st_mode & 07777) < 0)
		r = kb_fail("cannot chmod %s: %s", dst, strerror(errno));
	return r;
}
