/* boot: the kernel and initramfs under QEMU, with a wall-clock limit and a
 * verdict: the guest reported (pass or fail), panicked, hung, or vanished. */
#define _GNU_SOURCE
#include "guest/qemu.h"
#include "stages/stage.h"

#include <stdlib.h>
#include <string.h>

static int boot_inputs(struct run *r, struct stamp *s)
{
	char *initrd = run_path(r, "initramfs.cpio.gz");
	stamp_add_file(s, "initramfs", initrd);
	free(initrd);
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", profile_get_int(r->prof, "qa", "memory", 512));
	stamp_add(s, "memory", buf);
	const char *accel = profile_get(r->prof, "qa", "accel");
	stamp_add(s, "accel", accel ? accel : "auto");
	return 0;
}

static int boot_run(struct run *r)
{
	char *rel = run_record_get(r, "install.rec", "release");
	if (!rel)
		return kb_fail("no release recorded: run the install stage");
	char *kernel = xasprintf("%s/boot/vmlinuz-%s", r->stagedir, rel);
	char *initrd = run_path(r, "initramfs.cpio.gz");
	char *serial = run_path(r, "serial.log");
	enum accel_mode accel = ACCEL_AUTO;
	accel_mode_parse(profile_get(r->prof, "qa", "accel"), &accel);   /* the schema checked it */
	struct qemu_opts o = {
		.kernel = kernel,
		.initrd = initrd,
		.mem_mb = (unsigned)profile_get_int(r->prof, "qa", "memory", 512),
		.timeout_s = (unsigned)profile_get_int(r->prof, "qa", "timeout", 300),
		.serial_log = serial,
		.accel = accel,
		.log = r->log,
	};
	struct boot_result res = {0};
	int rc = qemu_boot(&o, &res);
	if (rc == 0) {
		const char *v = boot_verdict_name(res.verdict);
		fprintf(r->log, "verdict: %s after %.1f s (QEMU status %d)\n", v, res.seconds, res.qemu_status);
		if (res.excerpt && *res.excerpt)
			fprintf(r->log, "---- serial console excerpt ----\n%s\n----\n", res.excerpt);
		char *text = xasprintf("verdict %s\nseconds %.1f\nqemu-status %d\naccel %s\naccel-why %s\n",
				       v, res.seconds, res.qemu_status, res.accel.kvm ? "kvm" : "tcg",
				       res.accel.why);
		run_record_write(r, "boot.rec", text);
		free(text);
		/* A guest that reported hands over to the qa stage, which judges the
		 * tests; anything else is the boot's own failure. */
		if (res.verdict == BOOT_KVM_SILENT)
			rc = kb_fail("guest printed nothing under KVM (%s); run with accel=tcg",
				     res.accel.why);
		else if (res.verdict != BOOT_PASSED && res.verdict != BOOT_TESTS_FAILED)
			rc = kb_fail("guest %s after %.1f s; console: %s", v, res.seconds, serial);
	}
	boot_result_free(&res);
	free(serial);
	free(initrd);
	free(kernel);
	free(rel);
	return rc;
}

const struct stage stage_boot = {
	.name = "boot",
	.summary = "boot in QEMU and run the self-tests",
	.inputs = boot_inputs,
	.run = boot_run,
};
