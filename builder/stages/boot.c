/* boot: the kernel and initramfs under QEMU, with a wall-clock limit and a
 * verdict: the guest reported (pass or fail), panicked, hung, or vanished. */
#include "guest/qemu.h"
#include "lib/json.h"
#include "lib/tools.h"
#include "stages/chain.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>

static int boot_inputs(struct run *r, struct stamp *s)
{
	char *initrd = run_path(r, OUT_INITRAMFS);
	stamp_add_file(s, "initramfs", initrd);
	free(initrd);
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", r->set->qa.memory);
	stamp_add(s, "memory", buf);
	stamp_add(s, "accel", accel_mode_names[r->set->qa.accel]);
	return 0;
}

static int boot_run(struct run *r)
{
	if (tool_require("qemu-system-x86_64") < 0)
		return -1;
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0)
		return -1;
	char *kernel = xasprintf("%s/boot/vmlinuz-%s", r->installroot, inst.release);
	char *initrd = run_path(r, OUT_INITRAMFS);
	char *serial = run_path(r, OUT_SERIAL_LOG);
	struct qemu_opts o = {
		.kernel = kernel,
		.initrd = initrd,
		.mem_mb = (unsigned)r->set->qa.memory,
		.timeout_s = (unsigned)r->set->qa.timeout,
		.serial_log = serial,
		.accel = r->set->qa.accel,
		.log = r->log,
	};
	struct boot_result res = {0};
	int rc = qemu_boot(&o, &res);
	if (rc == 0) {
		const char *v = boot_verdict_name(res.verdict);
		fprintf(r->log, "verdict: %s after %.1f s (QEMU status %d)\n", v, res.seconds,
			res.qemu_status);
		if (res.excerpt && *res.excerpt)
			fprintf(r->log, "---- serial console excerpt ----\n%s\n----\n", res.excerpt);
		struct boot_rec rec = {(char *)v, res.seconds, res.qemu_status,
				       (char *)(res.accel.kvm ? "kvm" : "tcg"), res.accel.why};
		/* the metadata reads the verdict from here: unwritten, it is a failure */
		if (boot_rec_put(r, &rec) < 0)
			rc = -1;
		/* A guest that reported hands over to the qa stage, which judges the
		 * tests; anything else is the boot's own failure. */
		if (rc == 0 && res.verdict == BOOT_KVM_SILENT)
			rc = kb_fail("guest printed nothing under KVM (%s); run with accel=tcg",
				     res.accel.why);
		else if (rc == 0 && res.verdict != BOOT_PASSED && res.verdict != BOOT_TESTS_FAILED)
			rc = kb_fail("guest %s after %.1f s; console: %s", v, res.seconds, serial);
	}
	boot_result_free(&res);
	free(serial);
	free(initrd);
	free(kernel);
	install_rec_free(&inst);
	return rc;
}

/* "boot": the verdict, how long, and the accelerator it ran on (and was
 * asked for); the console as an artifact. */
static void boot_describe(struct run *r, struct rundoc *doc)
{
	struct boot_rec b;
	if (boot_rec_get(r, &b) < 0)
		return;
	rundoc_set(doc, "boot",
		   json_pack("{s:o,s:f,s:I,s:o,s:o,s:s}", "verdict", json_str_or_null(b.verdict), "seconds",
			     b.seconds, "qemu_status", (json_int_t)b.qemu_status, "accel",
			     json_str_or_null(b.accel), "accel_why", json_str_or_null(b.accel_why),
			     "accel_asked", accel_mode_names[r->set->qa.accel]));
	boot_rec_free(&b);
	char *serial = run_path(r, OUT_SERIAL_LOG);
	rundoc_artifact(doc, serial);
	free(serial);
}

const struct stage stage_boot = {
	.name = "boot",
	.summary = "boot in QEMU and run the self-tests",
	.inputs = boot_inputs,
	.run = boot_run,
	.describe = boot_describe,
};
