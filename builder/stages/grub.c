/* grub: the boot entries for the built kernel (GRUB legacy stanza and an
 * edited grub.conf, GRUB 2 menuentry and /etc/grub.d snippet, a Boot Loader
 * Spec entry) and the host-side install scripts, in O/grub/. */
#include "boot/files.h"
#include "core/records.h"
#include "stages/chain.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grub_inputs(struct run *r, struct stamp *s)
{
	struct install_rec inst;
	if (install_rec_get(r, &inst) == 0) {
		stamp_add(s, "release", inst.release ? inst.release : "none");
		install_rec_free(&inst);
	} else {
		stamp_add(s, "release", "none"); /* install has not run: the stage cannot be up to date */
	}
	stamp_add(s, "profile", r->set->name);
	const struct boot_settings *b = &r->set->boot;
	const char *strings[][2] = {{"root", b->root},         {"cmdline", b->cmdline},
				    {"title", b->title},       {"id", b->id},
				    {"grubconf", b->grubconf}, {"legacy_root", b->legacy_root},
				    {"bootdir", b->bootdir},   {"mode", boot_mode_names[b->mode]}};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		stamp_add(s, strings[i][0], strings[i][1] ? strings[i][1] : "");
	char num[64];
	snprintf(num, sizeof(num), "panic %ld tries %ld", b->panic, b->tries);
	stamp_add(s, "numbers", num);
	if (b->grubconf)
		stamp_add_file(s, "grubconf file", b->grubconf);
	return 0;
}

static int grub_run(struct run *r)
{
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0)
		return -1;
	if (!inst.release) {
		install_rec_free(&inst);
		return kb_fail("no release recorded: run the install stage");
	}
	char *rel = xstrdup(inst.release);
	install_rec_free(&inst);
	struct boot_plan bp;
	int rc = boot_plan_from_settings(r->set, rel, &bp);
	char *dir = run_path(r, "grub"), *tmp = run_path(r, "grub.tmp");
	if (rc == 0) {
		fprintf(r->log, "release %s, title \"%s\", root=%s, mode %s, panic=%ld\n", rel, bp.e.title,
			bp.e.root, boot_mode_names[bp.mode], bp.e.panic);
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

/* Every regular file below dir, in name order, as an artifact. */
static void describe_tree(struct rundoc *doc, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char *p = path_join(dir, ents[i]->d_name);
			if (is_dir(p))
				describe_tree(doc, p);
			else
				rundoc_artifact(doc, p);
			free(p);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

/* Every file of O/grub/ is an artifact. */
static void grub_describe(struct run *r, struct rundoc *doc)
{
	char *dir = run_path(r, "grub");
	describe_tree(doc, dir);
	free(dir);
}

const struct stage stage_grub = {
	.name = "grub",
	.summary = "GRUB legacy, GRUB2 and BLS entries and install scripts for staged upgrades",
	.inputs = grub_inputs,
	.run = grub_run,
	.describe = grub_describe,
};
