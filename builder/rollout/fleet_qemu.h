/* A QEMU "fleet host": UEFI firmware (OVMF), the rollout disk, the serial
 * console to a file, reboots allowed (a panic=N kernel comes back through
 * the firmware and GRUB), and isa-debug-exit so the guest's self-tests end
 * the run. */
#ifndef KBUILD_ROLLOUT_FLEET_QEMU_H
#define KBUILD_ROLLOUT_FLEET_QEMU_H

#include <stdbool.h>
#include <stdio.h>

struct fleet_qemu {
	const char *disk;       /* raw disk image */
	const char *vars;       /* a writable copy of OVMF's variable store */
	const char *serial_log; /* the console, across every boot of the run */
	const char *accel;      /* "tcg" or "kvm" */
	unsigned mem_mb;
	unsigned timeout_s; /* the whole run, reboots included */
	FILE *log;
};

/* Where OVMF's code and variable template are, or NULL with kb_fail()
 * naming the package. */
const char *fleet_ovmf_code(void);
const char *fleet_ovmf_vars(void);

/* Runs QEMU until the guest ends it or timeout_s passes. Returns 0 with
 * *qemu_status (exit status; isa-debug-exit gives 2*code+1) and *timed_out,
 * or -1 with kb_fail() when QEMU could not run. *seconds: start to end. */
int fleet_qemu_run(const struct fleet_qemu *q, int *qemu_status, bool *timed_out, double *seconds);

#endif
