/* The bundle's MANIFEST: who built it (profile, source and patch digests,
 * compiler, self-test verdicts) and every directory, file and symlink of the
 * installable tree with its mode and sha256.
 *
 * Text, one record per line, entries sorted by path:
 *   kbuild-manifest 1
 *   <key> <value>                       header lines, in order
 *   owns <dir>                          directories only this kernel uses
 *   dir  <mode> <path>
 *   file <mode> <sha256> <path>
 *   link <mode> <sha256 of target> <path> -> <target>
 * Paths are relative to the install root and limited to a safe character set
 * (letters, digits, . _ + , @ = : - /) so that they need no quoting in a
 * tarball, an RPM %files list or a shell. */
#ifndef KBUILD_PACKAGE_MANIFEST_H
#define KBUILD_PACKAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/sha256.h"
#include "lib/util.h"

enum mf_kind { MF_DIR, MF_FILE, MF_LINK };

struct mf_entry {
	enum mf_kind kind;
	char *path;
	unsigned mode;                   /* permission bits (07777) */
	char sha256[SHA256_HEX_LEN + 1]; /* file content or link target; "" for dirs */
	char *target;                    /* symlinks only */
};

struct manifest {
	struct strv keys, vals; /* header, in order */
	struct strv owns;
	struct mf_entry *e;
	size_t n, cap;
};

/* Where the MANIFEST of release rel lies in the tree, malloc'd. */
char *manifest_relpath(const char *rel);
/* True when path has the shape of manifest_relpath() for some release. */
bool manifest_is_manifest_path(const char *path);
/* True when path is made of the safe characters above, with no empty, "." or ".." component. */
bool manifest_path_ok(const char *path);

void manifest_set(struct manifest *m, const char *key, const char *value);
/* First header value for key, or NULL. */
const char *manifest_get(const struct manifest *m, const char *key);
/* Open relpath resolved inside root (openat2 RESOLVE_IN_ROOT: "..", and
 * absolute symlinks, stay below root, as they do for the system installed
 * there). Returns the fd, or -1 with errno. */
int manifest_open_in_root(const char *root, const char *relpath, int flags);
/* Add the entry at root/relpath, resolved inside root (lstat; files and link
 * targets hashed).
 * Returns 0, 1 when it does not exist, -1 with kb_fail(). */
int manifest_add_path(struct manifest *m, const char *root, const char *relpath);
/* Add root/sub and everything below it (sub "" or NULL: the whole root). */
int manifest_scan(struct manifest *m, const char *root, const char *sub);
void manifest_sort(struct manifest *m);
/* Binary search in a sorted manifest; NULL when absent. */
const struct mf_entry *manifest_find(const struct manifest *m, const char *path);
/* True when path lies in (or is) a directory listed in owns. */
bool manifest_owned(const struct manifest *m, const char *path);

/* The text form, malloc'd. */
char *manifest_format(const struct manifest *m);
/* Parse the text form; errors name origin:line. Returns 0 or -1 with kb_fail(). */
int manifest_parse(const char *text, const char *origin, struct manifest *m);
void manifest_free(struct manifest *m);
/* Add an entry (copies the strings). */
void manifest_push(struct manifest *m, enum mf_kind kind, const char *path, unsigned mode, const char *sha256,
		   const char *target);

#endif
