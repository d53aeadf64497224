/* `kbuild rollout`: the staged upgrade proven on a QEMU fleet host, the
 * verdict decided by the new kernel's health, never chosen in advance.
 * The old kernel is GRUB's saved default, the new one the one-shot entry
 * (next_entry); QEMU reboots freely, kbuild follows the serial console
 * across boots and resets the host through QMP when a boot reaches no
 * health verdict within rollout.deadline.
 *   trial: the one-shot boots the new kernel once;
 *     healthy (its self-tests pass): blessed (saved_entry), booted again,
 *       and it must come up again: verdict "blessed" (exit 0);
 *     panic (or a reboot before user space): GRUB falls back to the old
 *       kernel on the reboot: "rolled back (panic)" (4);
 *     hang: reset at the deadline, the old kernel boots: "rolled back
 *       (hang)" (5);
 *     unhealthy (a self-test failed): not blessed, the host is powered on
 *       again and boots the old kernel: "rolled back (unhealthy)" (6);
 *   and when the old kernel does not come up either: "host lost" (7).
 * rollout.inject plants a panic, a hang or a failing self-test in the new
 * kernel's boot, for tests (rollout/verdict.h has the logic).
 * Results: O/rollout/results.json (verdict, every boot: session, entry,
 * release, outcome, seconds, console excerpt) and junit.xml, the console
 * of each QEMU run in O/rollout/, the log in O/logs/rollout.log. */
#ifndef KBUILD_ROLLOUT_ROLLOUT_H
#define KBUILD_ROLLOUT_ROLLOUT_H

#include "core/run.h"

/* Runs the rollout of r's kernel ([rollout] keys) on the output of the grub
 * stage. Returns the verdict's exit code (rollout_verdict_exit[]). */
int rollout_run(struct run *r);

#endif
