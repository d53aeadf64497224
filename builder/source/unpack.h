/* Unpacking a kernel tarball (or copying a local tree) into a
 * fresh source directory, refusing anything that could write or point
 * outside it. */
#ifndef KBUILD_SOURCE_UNPACK_H
#define KBUILD_SOURCE_UNPACK_H

#include <stdio.h>

/* Unpack archive (any format/compression libarchive reads: tar.xz, tar.gz,
 * tar.bz2, tar) into dest, which must not exist. Works in "<dest>.tmp.<pid>"
 * and renames it to dest on success; on failure removes the temporary tree.
 * When every entry lies under one top-level directory (linux-2.6.39.4/), that
 * directory's content becomes dest. Refuses, naming the entry: absolute paths,
 * any ".." component, symlinks whose target resolves outside the tree (after
 * the top-level directory is stripped), hardlinks to paths outside the tree,
 * device nodes, fifos and sockets. Modes and mtimes are kept, owners are not.
 * A compressed archive is decompressed in a second thread feeding the tar
 * reader, so both cores work, as with `tar -xJf`. Changes the working
 * directory while it runs (entries are written by relative name so that
 * libarchive's own SECURE_* checks apply): not for threaded callers.
 * Returns 0, or -1 with kb_fail(). log may be NULL. */
int extract_archive(const char *archive, const char *dest, FILE *log);

/* Copy an existing source tree into dest the same way: dest must not exist,
 * a temporary directory is renamed into place, symlinks are copied as
 * symlinks (refused when they lead outside the tree), modes and mtimes are
 * kept, hardlinks become separate files, src is never modified.
 * Returns 0, or -1 with kb_fail(). log may be NULL. */
int copy_tree(const char *src, const char *dest, FILE *log);

/* --- shared by extract_archive and copy_tree (tree_copy.c) --- */

/* Make dest's parent and a fresh temporary directory "<dest>.tmp.<pid>"
 * beside dest, which must not exist. Returns its malloc'd name, or NULL with
 * kb_fail(). */
char *extract_prepare_dest(const char *dest);

/* Check the recorded symlinks (tree_links_check) of the finished temporary
 * tree, or of its single top directory top (NULL: none; link names then start
 * with "<top>/"), and rename it to dest. Returns 0, or -1 with kb_fail(). */
struct strv;
int extract_move_into_place(const char *origin, const char *tmp, const char *top, const struct strv *links,
			    const char *dest);

#endif
