/* Boot a kernel and initramfs in QEMU and judge the outcome from the guest's
 * exit status (isa-debug-exit) and its serial console. */
#ifndef KBUILD_GUEST_QEMU_H
#define KBUILD_GUEST_QEMU_H

#include <stdbool.h>
#include <stdio.h>

#include "core/status.h"
#include "guest/accel.h"

/* The guest's defaults (qa.memory, qa.timeout), declared here only. */

struct qemu_opts {
	const char *kernel, *initrd;
	const char *append_extra; /* added after "console=ttyS0 panic=-1 quiet", or NULL */
	unsigned mem_mb;          /* guest memory (qa.memory) */
	unsigned timeout_s;       /* wall clock (qa.timeout) */
	const char *serial_log;   /* the guest's console is written here */
	enum accel_mode accel;    /* auto (the default): KVM only where it runs a guest */
	unsigned kvm_grace_s;     /* under KVM, a guest silent this long is not running; 0: 20 */
	FILE *log;                /* command line and QEMU's own messages; may be NULL */
};

struct boot_result {
	enum boot_verdict verdict;
	int qemu_status;           /* exit status, 128+signal, or -1 when it was never started */
	double seconds;            /* QEMU start to verdict */
	char *excerpt;             /* lines around a panic, or the last lines (malloc'd) */
	struct accel_choice accel; /* the accelerator of the boot that gave the verdict */
	bool fell_back;            /* auto chose KVM, the guest stayed silent, TCG was used */
};

/* Run QEMU and fill r. Returns 0 when a verdict was reached (whatever it is),
 * -1 with kb_fail() when QEMU could not be run at all (r->verdict is then
 * BOOT_ERROR). QEMU runs in its own process group, which is killed on panic
 * or timeout; it is always reaped. The accelerator comes from accel_choose();
 * under auto, a KVM guest silent past the grace period is rerun once on TCG. */
int qemu_boot(const struct qemu_opts *o, struct boot_result *r);
void boot_result_free(struct boot_result *r);

#endif
