/* The rollout's verdict, decided from what the host's console showed: the
 * new kernel's trial boot (the one-shot), then the boot that follows a
 * failure (the boot loader's fallback) or the blessing. Pure logic over
 * parsed consoles (rollout/console.h), so recorded consoles test it. */
#ifndef KBUILD_ROLLOUT_VERDICT_H
#define KBUILD_ROLLOUT_VERDICT_H

#include "rollout/console.h"

#include <stdbool.h>

/* Worst last; the exit code of each is rollout_verdict_exit[]. */
enum rollout_verdict {
	VERDICT_BLESSED,               /* healthy, made the saved default, and up again on it */
	VERDICT_ERROR,                 /* kbuild could not run the rollout (setup, QEMU, boot loader) */
	VERDICT_ROLLED_BACK_PANIC,     /* the new kernel panicked (or reset itself) */
	VERDICT_ROLLED_BACK_HANG,      /* no health verdict within rollout.deadline: reset */
	VERDICT_ROLLED_BACK_UNHEALTHY, /* it came up, but a self-test failed */
	VERDICT_HOST_LOST,             /* and the old kernel did not come back either */
};
extern const char *const rollout_verdict_names[]; /* "blessed", "rolled back (panic)", ... */
extern const int rollout_verdict_exit[];          /* 0, 1, 4, 5, 6, 7 */

/* How the trial boot of the new kernel ended. */
enum trial_outcome {
	TRIAL_HEALTHY,     /* its self-tests ran and passed */
	TRIAL_PANIC,       /* a panic, or a reboot before user space */
	TRIAL_HANG,        /* kbuild reset the host at the deadline */
	TRIAL_UNHEALTHY,   /* user space came up, a self-test failed (or none reported) */
	TRIAL_WRONG_ENTRY, /* the boot loader did not start the new kernel at all */
};
extern const char *const trial_outcome_names[];

/* The boot entry and kernel release a boot is expected to show. */
struct host_kernel {
	const char *entry, *release;
};

/* The trial: b is the first boot after the one-shot was set (NULL: none
 * seen); reset says kbuild reset the host during it. */
enum trial_outcome rollout_trial(const struct fleet_boot *b, const struct host_kernel *new_k, bool reset);

/* Whether b is k's boot and reached user space without a panic: what the
 * fallback and the blessed reboot must show (a self-test of the old kernel,
 * run with the new kernel's self-tests, does not decide). */
bool rollout_came_up(const struct fleet_boot *b, const struct host_kernel *k);

/* The verdict of a trial that did not pass, given whether the host then came
 * back on the old kernel. */
enum rollout_verdict rollout_fallback_verdict(enum trial_outcome trial, bool old_came_up);

#endif
