/* kbuild matrix: several profiles in one command (matrix/). */
#include "cmd/cmd.h"
#include "lib/spawn.h"
#include "matrix/rows.h"

static int cmd_matrix(struct run *r)
{
	spawn_stop_children_on_signals();
	return spawn_exit_status(matrix_main(r->home, r->argc - 2, r->argv + 2));
}

const struct command command_matrix = {"matrix", CMD_HOME, cmd_matrix,
				       "several profiles at once: matrix profile=a,b|LIST [O=DIR] [jobs=N]"};
