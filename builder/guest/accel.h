/* Which QEMU accelerator really runs an ordinary guest on this host.
 *
 * /dev/kvm opening is not enough: a nested, pagetable-based KVM (kvm_pvm)
 * opens fine but only runs PVM-aware guests, so an ordinary kernel under
 * `-accel kvm` never prints a byte. The decision is made from facts read off
 * the host (the device, the CPU's virtualization flags, which KVM vendor
 * module is loaded), which tests inject. */
#ifndef KBUILD_GUEST_ACCEL_H
#define KBUILD_GUEST_ACCEL_H

#include <stdbool.h>

#include "core/settings.h"

/* What the decision reads about the host. */
struct accel_facts {
	bool kvm_dev_present; /* /dev/kvm exists */
	bool kvm_dev_opens;   /* ... and opens read-write for us */
	int kvm_dev_errno;    /* why it did not open */
	bool cpu_vmx_svm;     /* "vmx" or "svm" among the CPU flags */
	bool hw_module;       /* kvm_intel or kvm_amd is loaded */
	bool pvm_module;      /* kvm_pvm is loaded */
	bool modules_known;   /* /sys/module could be read at all */
};

struct accel_choice {
	bool kvm;              /* true: -accel kvm -cpu host; false: -accel tcg */
	bool fallback_allowed; /* auto chose KVM: a silent guest may be retried under TCG */
	char why[200];         /* one line for the boot log and metadata.json */
};

/* Read the facts below root ("/" on a real host; a fake tree in tests). */
void accel_facts_read(const char *root, struct accel_facts *f);
/* Decide for mode from facts. Returns 0, or -1 with kb_fail() when kvm was
 * demanded and /dev/kvm cannot be used at all. */
int accel_decide(enum accel_mode mode, const struct accel_facts *f, struct accel_choice *c);
/* accel_facts_read() + accel_decide(), the facts read once per process from
 * "/" or, for tests, from $KBUILD_ACCEL_ROOT. */
int accel_choose(enum accel_mode mode, struct accel_choice *c);

#endif
