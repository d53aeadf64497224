/* kbuild rollout: the chain up to grub, then the staged upgrade proven on a
 * QEMU fleet host (rollout/rollout.h). */
#include "cmd/cmd.h"
#include "rollout/rollout.h"
#include "stages/chain.h"

static int cmd_rollout(struct run *r)
{
	r->last = (size_t)chain_stage_index("grub");
	return command_run_chain_then(r, rollout_run);
}

const struct command command_rollout = {
	"rollout", CMD_RUN, cmd_rollout,
	"up to grub, then prove the staged upgrade on a QEMU fleet host (exit 0 passed, 4 rolled back, 1 failed)"};
