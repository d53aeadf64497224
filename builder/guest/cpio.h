/* The initramfs as a model: entries collected in memory, then written
 * sorted as gzip'd cpio newc with libarchive, identical for identical input. */
#ifndef KBUILD_GUEST_CPIO_H
#define KBUILD_GUEST_CPIO_H

#include <stddef.h>

enum cpio_kind { CPIO_DIR, CPIO_FILE, CPIO_DATA, CPIO_SYMLINK, CPIO_CHR };

struct cpio_entry {
	char *path; /* inside the archive, no leading '/' */
	enum cpio_kind kind;
	unsigned perm;
	char *src;             /* CPIO_FILE: host file; CPIO_SYMLINK: target; CPIO_DATA: bytes */
	size_t len;            /* CPIO_DATA */
	unsigned major, minor; /* CPIO_CHR */
	size_t seq;            /* insertion order: the first of two equal paths wins */
};

struct cpio_tree {
	struct cpio_entry *e;
	size_t n, cap;
};

/* Add an entry (path without or with a leading '/'). src: CPIO_FILE the host
 * file, CPIO_SYMLINK the target, CPIO_DATA len bytes (copied). The first of two
 * entries with the same path wins. */
void cpio_add(struct cpio_tree *t, const char *path, enum cpio_kind kind, unsigned perm, const char *src,
	      size_t len);
/* A character device node. */
void cpio_add_chr(struct cpio_tree *t, const char *path, unsigned perm, unsigned major, unsigned minor);
/* Everything below host_dir, placed under dest (symlinks kept, modules'
 * build/source links left out). */
int cpio_add_dir_contents(struct cpio_tree *t, const char *host_dir, const char *dest);
/* Add every missing parent directory, sort, and drop repeated paths. */
int cpio_finish(struct cpio_tree *t);
/* Write the finished tree to path: owner 0:0, every mtime SOURCE_DATE_EPOCH (or 0).
 * Through a checked outfile: nothing under path unless all of it is on disk. */
int cpio_write(const struct cpio_tree *t, const char *path);
void cpio_free(struct cpio_tree *t);

#endif
