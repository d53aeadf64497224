/* kbuild bisect: the first patch of the series that breaks the build, the
 * boot or a self-test (bisect/bisect.h). The steps run in this process,
 * on the output directory main has locked for the whole bisect. */
#include "bisect/bisect.h"
#include "cmd/cmd.h"

static int cmd_bisect(struct run *r)
{
	return bisect_main(r, command_run_chain);
}

const struct command command_bisect =
	{"bisect", CMD_RUN, cmd_bisect,
	 "the first patch that breaks the build, the boot or a self-test: bisect [good=N] [bad=M] "
	 "[until=build|boot|TEST] (exit 0 found, 3 not found, 4 inconclusive, 2 bad input)"};
