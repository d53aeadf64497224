/* kbuild clean: removes the profile's output directory, only one that kbuild
 * made (core/outdir.c). */
#include "cmd/cmd.h"
#include "core/outdir.h"

#include <stdio.h>

static int cmd_clean(struct run *r)
{
	if (!is_dir(r->outdir)) {
		fprintf(stderr, "kbuild: %s does not exist\n", r->outdir);
		return 0;
	}
	int rc = outdir_clean(r) < 0;
	if (rc)
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
	else
		fprintf(stderr, "kbuild: removed %s\n", r->outdir);
	return rc;
}

const struct command command_clean = {"clean", CMD_RUN, cmd_clean, "remove the profile's output directory"};
