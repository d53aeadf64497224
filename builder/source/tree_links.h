/* Symlinks that must not lead outside the tree they belong to (a source tree
 * being unpacked or copied): checked by name as each link is met, and on disk
 * once the whole tree is in place. */
#ifndef KBUILD_SOURCE_TREE_LINKS_H
#define KBUILD_SOURCE_TREE_LINKS_H

#include <stdbool.h>
#include <sys/types.h>

struct strv;

/* Lexical check of a symlink target against the root the link's name is
 * relative to: absolute targets and targets climbing above the root escape. */
bool tree_link_climbs_out(const char *link_name, const char *target);

/* Every recorded symlink (names relative to the archive or source tree, less
 * strip_prefix, which may be NULL) must stay inside root once resolved on
 * disk, following links found inside the tree: this catches chains such as
 * "d/up -> .." plus "d/up2 -> up/.." that no lexical check sees. origin names
 * the archive or tree in the error. Returns 0, or -1 with kb_fail(). */
int tree_links_check(const char *origin, const char *root, const struct strv *links,
		     const char *strip_prefix);

/* Every symlink found below root (walked on disk) must stay inside it, as
 * tree_links_check: for trees changed by programs kbuild does not control
 * (GNU patch creates the symlinks a git-style patch asks for). */
int tree_links_scan(const char *origin, const char *root);

/* The permission bits an entry of a source tree keeps: setuid, setgid and
 * world-write are dropped (a kernel tree needs none of them). */
mode_t tree_safe_mode(mode_t perm);

#endif
