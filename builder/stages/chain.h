/* kbuild's chain: the stages in the order they run. */
#ifndef KBUILD_STAGES_CHAIN_H
#define KBUILD_STAGES_CHAIN_H

#include "engine/stage.h"

extern const struct stage stage_fetch, stage_extract, stage_patch, stage_config, stage_build, stage_install,
	stage_initramfs, stage_boot, stage_qa, stage_grub, stage_bundle;

extern const struct stage *const chain_stages[];
extern const size_t chain_n_stages;

/* Where the config stage reads fragment name (malloc'd; NULL with kb_fail()
 * when there is none): the bundle's provenance names the same files. */
char *config_fragment_path(struct run *r, const char *name);

/* Index of a stage by name, or -1. */
int chain_stage_index(const char *name);

#endif
