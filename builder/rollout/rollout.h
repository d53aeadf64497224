/* `kbuild rollout`: the staged upgrade proven on a QEMU fleet host. The
 * old kernel is GRUB's saved default, the new one the one-shot entry
 * (next_entry) with panic=N; QEMU reboots freely and the serial console is
 * followed across boots, naming the kernel each boot ran.
 *   scenario good: the new kernel boots once and passes its self-tests, is
 *     blessed (saved_entry) and comes up again (to its self-test runner);
 *     then the GRUB legacy stanza boots it through GRUB 2's legacy_configfile.
 *   scenario bad: the new kernel panics at boot (its command line names an
 *     init that does not exist), the host reboots into the old kernel.
 * Results: O/rollout/results.json and junit.xml, the console of each run
 * in O/rollout/, the log in O/logs/rollout.log. */
#ifndef KBUILD_ROLLOUT_ROLLOUT_H
#define KBUILD_ROLLOUT_ROLLOUT_H

#include "core/run.h"

enum {
	ROLLOUT_PASSED = 0,      /* good: blessed and up again; bad: never (see below) */
	ROLLOUT_FAILED = 1,      /* a test failed: the host did not do what the scenario needs */
	ROLLOUT_ROLLED_BACK = 4, /* the new kernel panicked and the host is back on the old one */
};

/* Runs the scenario of r's profile ([rollout] keys) on the output of the
 * grub stage. Returns one of the codes above (-1 is reported as 1). */
int rollout_run(struct run *r);

#endif
