/* Stages that the chain names but that are not built yet. They fail with a
 * clear "not implemented yet" (run == NULL) instead of pretending. */
#include "stages/stage.h"

const struct stage stage_grub = {
	.name = "grub",
	.summary = "GRUB legacy, GRUB2 and BLS entries for staged upgrades (not implemented yet)",
};
