/* Stages that the chain names but that are not built yet. They fail with a
 * clear "not implemented yet" (run == NULL) instead of pretending. */
#include "stages/stage.h"

const struct stage stage_bundle = {
	.name = "bundle",
	.summary = "installable bundle with a sha256 manifest (not implemented yet)",
};
