/* A QEMU "fleet host": UEFI firmware (OVMF), the rollout disk, the serial
 * console to a file, reboots allowed (a panic=N kernel comes back through
 * the firmware and GRUB), isa-debug-exit so the guest's self-tests end the
 * run, and a QMP socket through which kbuild resets a hung host, as a BMC
 * resets a real one. */
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
	const char *qmp;    /* unix socket path for QMP (short: sun_path) */
	unsigned timeout_s; /* the whole run, reboots and resets included */
	FILE *log;
};

/* What the watcher wants done after a look at the console. */
enum fleet_watch { WATCH_GO_ON, WATCH_RESET, WATCH_STOP };

/* Called about four times a second while QEMU runs, with the console so
 * far and now_seconds(). */
typedef enum fleet_watch (*fleet_watch_fn)(const char *console, double now, void *ctx);

/* Where OVMF's code and variable template are, or NULL with kb_fail()
 * naming the package. */
const char *fleet_ovmf_code(void);
const char *fleet_ovmf_vars(void);

/* Runs QEMU until the guest ends it, the watcher says stop, or timeout_s
 * passes; WATCH_RESET resets the machine through QMP. Returns 0 with
 * *qemu_status (exit status; isa-debug-exit gives 2*code+1) and *stopped
 * (kbuild ended the run), or -1 with kb_fail() when QEMU could not run or
 * could not be reset. *seconds: start to end. */
int fleet_qemu_run(const struct fleet_qemu *q, fleet_watch_fn watch, void *ctx, int *qemu_status,
		   bool *stopped, double *seconds);

#endif
