/* The rollout's watchdog over one QEMU run: when each boot began, and what
 * to do when a boot shows no health verdict in time (reset the host, as a
 * BMC would, or stop) or when more boots begin than the verdict needs.
 * Pure logic over boot counts and times, so tests drive it with a clock. */
#ifndef KBUILD_ROLLOUT_WATCH_H
#define KBUILD_ROLLOUT_WATCH_H

#include "rollout/fleet_qemu.h"

#include <stddef.h>
#include <stdio.h>

struct boot_watch {
	double deadline;      /* seconds a boot has from its start to a verdict */
	size_t max_boots;     /* a boot past these: stop */
	size_t max_resets;    /* resets allowed in the run; then an overdue boot stops it */
	size_t resets;        /* resets asked for so far */
	long reset_boot;      /* the boot (0-based) the first reset ended, or -1 */
	size_t seen;          /* boots seen so far */
	double *seen_at;      /* when each was first seen */
	double current_since; /* when the last boot (or the run) began */
};

/* A watch for a run that starts at now. */
void boot_watch_init(struct boot_watch *w, double deadline, size_t max_boots, size_t max_resets, double now);
void boot_watch_free(struct boot_watch *w);

/* One look: boots is how many boots the console shows at time now. Returns
 * what to do; says why on log (may be NULL) and stderr when not going on. */
enum fleet_watch boot_watch_look(struct boot_watch *w, size_t boots, double now, FILE *log);

/* Seconds boot i (of n) lasted, the run having ended at end: from when it was
 * first seen to when the next one was (a boot seen only after the run's
 * last look counts from end: 0). */
double boot_watch_seconds(const struct boot_watch *w, size_t i, size_t n, double end);

#endif
