#include "stages/chain.h"

#include <string.h>

const struct stage *const chain_stages[] = {
	&stage_fetch,     &stage_extract, &stage_patch, &stage_config, &stage_build,  &stage_install,
	&stage_initramfs, &stage_boot,    &stage_qa,    &stage_grub,   &stage_bundle,
};
const size_t chain_n_stages = sizeof(chain_stages) / sizeof(chain_stages[0]);

int chain_stage_index(const char *name)
{
	for (size_t i = 0; i < chain_n_stages; i++)
		if (!strcmp(chain_stages[i]->name, name))
			return (int)i;
	return -1;
}
