/* Checked output files: every writer of kbuild goes through here, so that a
 * full disk (ENOSPC) or an I/O error (EIO) fails the stage instead of leaving
 * a short or empty file that a later run trusts.
 *
 * An outfile is written under "<path>.tmp.<pid>"; outfile_commit() writes
 * the rest, fsyncs, closes and renames it over path, and reports the first
 * error any of those steps (or an earlier write) met. Nothing appears under
 * path unless all of it reached the disk. */
#ifndef KBUILD_LIB_OUTFILE_H
#define KBUILD_LIB_OUTFILE_H

#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
	int fd;         /* the temporary file, -1 when closed */
	char *path;     /* the final name */
	char *tmp;      /* the temporary name */
	int err;        /* first errno met, 0 while all is well */
	const char *op; /* what failed first: "write", "fsync", ... */
};

/* Create path's temporary file with mode. Returns 0, or -1 with kb_fail(). */
int outfile_open(struct outfile *f, const char *path, mode_t mode);
/* Append len bytes (short writes and EINTR retried). Returns 0, or -1 with
 * kb_fail(); after an error every later call fails too. */
int outfile_write(struct outfile *f, const void *data, size_t len);
/* fsync, close, rename over path (and fsync the directory). Returns 0, or -1
 * with kb_fail() naming the file and the error; the temporary file is then
 * removed. Frees f's names either way. */
int outfile_commit(struct outfile *f);
/* Give up: close and remove the temporary file, free the names. */
void outfile_abort(struct outfile *f);

/* fflush, fsync and fclose a stdio stream that was written to, reporting the
 * first error (including one ferror() remembers from an earlier fprintf).
 * Returns 0, or -1 with kb_fail() naming path. f is closed either way. */
int fclose_checked(FILE *f, const char *path);
/* rename(from, to) and fsync to's directory. Returns 0, or -1 with kb_fail(). */
int rename_durable(const char *from, const char *to);

/* syncfs() the filesystem holding dir, so that a tree written with many
 * small writes is on disk (and its write-back errors reported) before a stamp
 * vouches for it. Returns 0, or -1 with kb_fail(). */
int sync_tree(const char *dir);

/* The whole of data as path, through an outfile. Returns 0 or -1 with kb_fail(). */
int write_file_atomic(const char *path, const void *data, size_t len);
/* Copy a regular file (mode kept), through an outfile. */
int copy_file(const char *src, const char *dst);

#endif
