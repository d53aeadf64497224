/* Reading a fleet host's serial console across reboots: which entry GRUB
 * started, which kernel came up, whether it panicked (and the lines that
 * say so), and what its self-tests reported. */
#ifndef KBUILD_ROLLOUT_CONSOLE_H
#define KBUILD_ROLLOUT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* GRUB echoes this, then the entry's id, at the start of every entry the
 * rollout image holds. */
#define FLEET_ENTRY_MARK "kbuild-grub: entry "

struct fleet_boot {
	char *entry;           /* the GRUB entry's id, or NULL when no marker came first */
	char *release;         /* from the kernel's "Linux version R ..." banner, or NULL */
	bool panicked;         /* "Kernel panic - not syncing" */
	char *panic_lines;     /* the panic line with some before and after, or NULL */
	char *excerpt;         /* what decided: the panic lines, the failed self-tests, else the last lines */
	bool userspace;        /* the self-test runner started ("KTAP version") */
	size_t passed, failed; /* top-level KTAP results */
};

/* Splits log into boots: a new boot starts at each entry marker, and at a
 * kernel banner when the current boot has already shown one. Terminal
 * escape sequences (firmware, GRUB) are ignored. Returns the count. */
size_t fleet_console_parse(const char *log, struct fleet_boot **boots);
void fleet_boots_free(struct fleet_boot *boots, size_t n);

/* Whether a boot ran its self-tests and all that reported passed. */
bool fleet_boot_passed(const struct fleet_boot *b);

/* One line per boot, "boot 1: entry E, kernel R, panicked / self-tests
 * passed (n) / ...". malloc'd. */
char *fleet_boots_describe(const struct fleet_boot *boots, size_t n);

#endif
