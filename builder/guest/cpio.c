#include "guest/cpio.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cpio_add(struct cpio_tree *t, const char *path, enum cpio_kind kind, unsigned perm, const char *src,
	      size_t len)
{
	while (*path == '/')
		path++;
	if (t->n == t->cap)
		t->e = xrealloc(t->e, (t->cap = t->cap ? 2 * t->cap : 256) * sizeof(*t->e));
	struct cpio_entry *e = &t->e[t->n];
	*e = (struct cpio_entry){.path = xstrdup(path), .kind = kind, .perm = perm, .seq = t->n};
	if (kind == CPIO_DATA) {
		e->src = xmalloc(len + 1);
		memcpy(e->src, src, len);
		e->len = len;
	} else if (src) {
		e->src = xstrdup(src);
	}
	t->n++;
}

void cpio_free(struct cpio_tree *t)
{
	for (size_t k = 0; k < t->n; k++) {
		free(t->e[k].path);
		free(t->e[k].src);
	}
	free(t->e);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct cpio_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int cpio_finish(struct cpio_tree *t)
{
	size_t n = t->n;
	for (size_t k = 0; k < n; k++) {
		char *p = xstrdup(t->e[k].path);
		for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			*s = '\0';
			cpio_add(t, p, CPIO_DIR, 0755, NULL, 0);
			*s = '/';
		}
		free(p);
	}
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	size_t out = 0;
	for (size_t k = 0; k < t->n; k++) {
		if (out && strcmp(t->e[out - 1].path, t->e[k].path) == 0) {
			struct cpio_entry *kept = &t->e[out - 1];
			if ((kept->kind == CPIO_DIR) != (t->e[k].kind == CPIO_DIR))
				return kb_fail("initramfs: /%s is both a directory and a file", kept->path);
			free(t->e[k].path);
			free(t->e[k].src);
			continue;
		}
		t->e[out++] = t->e[k];
	}
	t->n = out;
	return 0;
}

void cpio_add_chr(struct cpio_tree *t, const char *path, unsigned perm, unsigned major, unsigned minor)
{
	cpio_add(t, path, CPIO_CHR, perm, NULL, 0);
	t->e[t->n - 1].major = major;
	t->e[t->n - 1].minor = minor;
}

static struct cpio_tree *walk_into;
static size_t walk_prefix_len;
static const char *walk_dest;

static int walk_add(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = fpath + walk_prefix_len;
	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0;
	/* the build/source links point into the build tree, not wanted in a guest */
	if (ftw->level == 1 && (strcmp(rel, "build") == 0 || strcmp(rel, "source") == 0))
		return type == FTW_D ? FTW_SKIP_SUBTREE : 0;
	char *dest = xasprintf("%s/%s", walk_dest, rel);
	if (type == FTW_F)
		cpio_add(walk_into, dest, CPIO_FILE, st->st_mode & 07777, fpath, 0);
	else if (type == FTW_SL) {
		char target[4096];
		ssize_t n = readlink(fpath, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			cpio_add(walk_into, dest, CPIO_SYMLINK, 0777, target, 0);
		}
	} else if (type == FTW_D)
		cpio_add(walk_into, dest, CPIO_DIR, st->st_mode & 07777, NULL, 0);
	free(dest);
	return 0;
}

int cpio_add_dir_contents(struct cpio_tree *t, const char *host_dir, const char *dest)
{
	walk_into = t;
	walk_prefix_len = strlen(host_dir);
	walk_dest = dest;
	if (nftw(host_dir, walk_add, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0)
		return kb_fail("%s: cannot walk: %s", host_dir, strerror(errno));
	return 0;
}

static long long source_date_epoch(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (!e || !*e)
		return 0;
	char *end;
	long long v = strtoll(e, &end, 10);
	return *end || v < 0 ? 0 : v;
}

static int write_entry(struct archive *a, struct archive_entry *ae, const struct cpio_entry *e,
		       long long mtime, long long ino)
{
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_ino64(ae, ino);
	archive_entry_set_nlink(ae, e->kind == CPIO_DIR ? 2 : 1);
	char *data = NULL;
	size_t len = 0;
	switch (e->kind) {
	case CPIO_DIR:
		archive_entry_set_mode(ae, AE_IFDIR | e->perm);
		break;
	case CPIO_SYMLINK:
		archive_entry_set_mode(ae, AE_IFLNK | 0777);
		archive_entry_set_symlink(ae, e->src);
		break;
	case CPIO_CHR:
		archive_entry_set_mode(ae, AE_IFCHR | e->perm);
		archive_entry_set_rdevmajor(ae, e->major);
		archive_entry_set_rdevminor(ae, e->minor);
		break;
	case CPIO_DATA:
		archive_entry_set_mode(ae, AE_IFREG | e->perm);
		data = e->src;
		len = e->len;
		break;
	case CPIO_FILE:
		data = read_file(e->src, &len);
		if (!data)
			return kb_fail("initramfs: cannot read %s for /%s: %s", e->src, e->path,
				       strerror(errno));
		archive_entry_set_mode(ae, AE_IFREG | e->perm);
		break;
	}
	archive_entry_set_size(ae, (la_int64_t)len);
	int rc = 0;
	if (archive_write_header(a, ae) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len))
		rc = kb_fail("initramfs: writing /%s: %s%s%s", e->path, archive_error_string(a),
			     archive_errno(a) > 0 ? ": " : "",
			     archive_errno(a) > 0 ? strerror(archive_errno(a)) : "");
	if (e->kind == CPIO_FILE)
		free(data);
	return rc;
}

int cpio_write(const struct cpio_tree *t, const char *path)
{
	struct archive *a = archive_write_new();
	int rc = 0;
	/* no timestamp in the gzip header: identical inputs give identical bytes */
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
		rc = kb_fail("initramfs: cannot set up %s: %s", path, archive_error_string(a));
		archive_write_free(a);
		return rc;
	}
	/* the file itself is a checked outfile: written under a temporary
	 * name, synced, renamed only when every byte is on disk */
	struct outfile f;
	if (outfile_open(&f, path, 0644) < 0) {
		archive_write_free(a);
		return -1;
	}
	if (archive_write_open_fd(a, f.fd) != ARCHIVE_OK) {
		rc = kb_fail("initramfs: cannot create %s: %s", path, archive_error_string(a));
		archive_write_free(a);
		outfile_abort(&f);
		return rc;
	}
	long long mtime = source_date_epoch();
	struct archive_entry *ae = archive_entry_new();
	for (size_t k = 0; k < t->n && rc == 0; k++)
		rc = write_entry(a, ae, &t->e[k], mtime, (long long)k + 1);
	archive_entry_free(ae);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = kb_fail("initramfs: finishing %s: %s%s%s", path, archive_error_string(a),
			     archive_errno(a) > 0 ? ": " : "",
			     archive_errno(a) > 0 ? strerror(archive_errno(a)) : "");
	archive_write_free(a);
	if (rc == 0)
		return outfile_commit(&f);
	outfile_abort(&f);
	return rc;
}
