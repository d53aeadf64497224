/* A pipeline stage: what it depends on and what it does. */
#ifndef KBUILD_STAGE_H
#define KBUILD_STAGE_H

#include "core/run.h"

struct stage {
	const char *name;
	const char *summary;
	/* Adds every input the stage's output depends on (the previous stage's
	 * digest is added by the pipeline). Returns -1 when an input cannot be
	 * read (kb_fail says which). */
	int (*inputs)(struct run *r, struct stamp *s);
	/* Does the work, logging to r->log. NULL: not implemented yet. */
	int (*run)(struct run *r);
};

extern const struct stage stage_fetch, stage_extract, stage_patch, stage_config, stage_build,
	stage_install, stage_initramfs, stage_boot, stage_qa, stage_grub, stage_bundle;

#endif
