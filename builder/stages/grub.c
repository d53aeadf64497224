/* grub: the boot entries for the built kernel (GRUB legacy stanza and an
 * edited grub.conf, GRUB 2 menuentry and /etc/grub.d snippet, a Boot Loader
 * Spec entry) and the host-side install scripts, in O/grub/. */
#define _GNU_SOURCE
#include "boot/files.h"
#include "stages/stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const boot_keys[] = {
	"root", "cmdline", "title", "id", "panic", "mode", "grubconf", "tries", "legacy_root", "bootdir",
};

static int grub_inputs(struct run *r, struct stamp *s)
{
	char *rel = run_record_get(r, "install.rec", "release");
	stamp_add(s, "release", rel ? rel : "none");
	free(rel);
	stamp_add(s, "profile", r->prof->name);
	for (size_t i = 0; i < sizeof(boot_keys) / sizeof(boot_keys[0]); i++) {
		const char *v = profile_get(r->prof, "boot", boot_keys[i]);
		stamp_add(s, boot_keys[i], v ? v : "");
	}
	const char *conf = profile_get(r->prof, "boot", "grubconf");
	if (conf && *conf)
		stamp_add_file(s, "grubconf file", conf);
	return 0;
}

static int grub_run(struct run *r)
{
	char *rel = run_record_get(r, "install.rec", "release");
	if (!rel)
		return kb_fail("no release recorded: run the install stage");
	struct boot_plan bp;
	int rc = boot_plan_from_profile(r->prof, rel, &bp);
	char *dir = run_path(r, "grub"), *tmp = run_path(r, "grub.tmp");
	if (rc == 0) {
		fprintf(r->log, "release %s, title \"%s\", root=%s, mode %s, panic=%ld\n", rel, bp.e.title,
			bp.e.root, boot_mode_name(bp.mode), bp.e.panic);
		/* A half-written set never replaces a complete one: it is made in
		 * grub.tmp and renamed. */
		rc = rm_rf(tmp);
		if (rc == 0)
			rc = mkdir_p(tmp, 0755);
		if (rc == 0)
			rc = boot_files_write(&bp, tmp, r->log);
		if (rc == 0)
			rc = rm_rf(dir);
		if (rc == 0 && rename(tmp, dir) < 0)
			rc = kb_fail("rename %s: %s", tmp, strerror(errno));
		if (rc == 0)
			fprintf(r->log, "written: %s\n", dir);
	}
	boot_plan_free(&bp);
	free(dir);
	free(tmp);
	free(rel);
	return rc;
}

const struct stage stage_grub = {
	.name = "grub",
	.summary = "GRUB legacy, GRUB2 and BLS entries and install scripts for staged upgrades",
	.inputs = grub_inputs,
	.run = grub_run,
};
