/* Adding an entry to an existing GRUB legacy grub.conf the way grubby
 * does: the new stanza goes first, every other byte is kept, and only the
 * `default` and `fallback` lines are rewritten for the chosen mode. */
#ifndef KBUILD_BOOT_GRUBCONF_EDIT_H
#define KBUILD_BOOT_GRUBCONF_EDIT_H

#include <stddef.h>

#include "boot/entry.h"

/* What the edit found and chose (entry numbers count from 0, as GRUB's do). */
struct grubconf_edit {
	size_t old_entries; /* stanzas in the original */
	long old_default;   /* the original default entry */
	long old_fallback;  /* the original fallback, or -1 */
	long new_default;   /* in the edited file */
	long new_fallback;  /* in the edited file, or -1 */
	long once_entry;    /* the entry to boot once (mode once: 0), or -1 */
	/* From the original default entry, for entries that copy it (grubby's
	 * --copy-default): its `root` device and the root= of its kernel line,
	 * and whether its kernel path starts with /boot/. NULL when absent. */
	char *default_legacy_root, *default_kernel_root;
	bool default_has_bootdir;
};

/* Read what edit needs from conf (name: for messages, "file:line: ..."). 0,
 * or -1 with kb_fail(): no `title`, `default saved`, a default or fallback
 * past the last entry. */
int grubconf_inspect(const char *conf, const char *name, struct grubconf_edit *ed);

/* conf with stanza inserted before the first `title` line and `default=` /
 * `fallback=` set for mode (lines added when missing). ed must come from
 * grubconf_inspect(conf); its new_* fields are filled. malloc'd, or NULL
 * with kb_fail() when conf already has an entry for the same kernel file. */
char *grubconf_add_entry(const char *conf, const char *name, const char *stanza, const char *kernel_path,
			 enum boot_mode mode, struct grubconf_edit *ed);

void grubconf_edit_free(struct grubconf_edit *ed);

#endif
