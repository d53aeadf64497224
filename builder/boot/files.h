/* Every file of the grub stage for one kernel, made from the profile's
 * [boot] settings: the set the stage writes and the rollout boots. */
#ifndef KBUILD_BOOT_FILES_H
#define KBUILD_BOOT_FILES_H

#include "boot/entry.h"
#include "boot/grubconf_edit.h"
#include "core/settings.h"

struct boot_plan {
	struct boot_entry e;
	enum boot_mode mode;
	long tries;              /* BLS boot counting: 0 off */
	const char *grubconf;    /* the existing grub.conf to edit, or NULL */
	struct grubconf_edit ed; /* what the edit found (when grubconf) */
	char *default_title;     /* e.title when boot.title is unset */
};

/* The plan for release from the [boot] settings (a grubconf's default entry
 * supplies `root (hd..)`, root= and /boot/ when the keys leave them unset,
 * as grubby's --copy-default does). 0, or -1 with kb_fail() naming the key
 * or grub.conf line. */
int boot_plan_from_settings(const struct settings *s, const char *release, struct boot_plan *bp);
void boot_plan_free(struct boot_plan *bp);

/* Writes into dir (which must exist): legacy-stanza.conf, grub.conf (with
 * grubconf), menuentry.cfg, 09_kbuild-R, loader/entries/<bls name>,
 * install-grub2.sh, install-legacy.sh. Each GRUB2 file is checked by
 * grub-script-check (log: its output). 0, or -1 with kb_fail(). */
int boot_files_write(struct boot_plan *bp, const char *dir, FILE *log);

/* Run grub-script-check on path; 0 when GRUB's parser accepts it. */
int boot_grub_script_check(const char *path, FILE *log);

#endif
