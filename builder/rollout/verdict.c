/* Rollout verdicts from parsed consoles. */
#include "rollout/verdict.h"

#include <string.h>

const char *const rollout_verdict_names[] = {
	"blessed",   "error", "rolled back (panic)", "rolled back (hang)", "rolled back (unhealthy)",
	"host lost",
};
const int rollout_verdict_exit[] = {0, 1, 4, 5, 6, 7};
const char *const trial_outcome_names[] = {"healthy", "panic", "hang", "unhealthy", "wrong entry"};

static bool is_kernel(const struct fleet_boot *b, const struct host_kernel *k)
{
	return b && b->entry && !strcmp(b->entry, k->entry) && b->release && !strcmp(b->release, k->release);
}

enum trial_outcome rollout_trial(const struct fleet_boot *b, const struct host_kernel *new_k, bool reset)
{
	/* an entry marker without a banner yet is still the new kernel's boot */
	if (!b || !b->entry || strcmp(b->entry, new_k->entry) ||
	    (b->release && strcmp(b->release, new_k->release)))
		return TRIAL_WRONG_ENTRY;
	if (b->panicked)
		return TRIAL_PANIC;
	if (reset)
		return TRIAL_HANG;
	if (fleet_boot_passed(b))
		return TRIAL_HEALTHY;
	/* it ended (the host rebooted or the run stopped) without user space */
	if (!b->userspace)
		return TRIAL_PANIC;
	return TRIAL_UNHEALTHY;
}

bool rollout_came_up(const struct fleet_boot *b, const struct host_kernel *k)
{
	return is_kernel(b, k) && b->userspace && !b->panicked;
}

enum rollout_verdict rollout_fallback_verdict(enum trial_outcome trial, bool old_came_up)
{
	if (!old_came_up)
		return VERDICT_HOST_LOST;
	switch (trial) {
	case TRIAL_PANIC:
		return VERDICT_ROLLED_BACK_PANIC;
	case TRIAL_HANG:
		return VERDICT_ROLLED_BACK_HANG;
	case TRIAL_UNHEALTHY:
		return VERDICT_ROLLED_BACK_UNHEALTHY;
	case TRIAL_HEALTHY:
	case TRIAL_WRONG_ENTRY:
		break;
	}
	return VERDICT_ERROR;
}
