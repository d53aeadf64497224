#include "core/run.h"

#include <stdlib.h>
#include <string.h>

char *run_path(const struct run *r, const char *name)
{
	return path_join(r->outdir, name);
}

char *home_path(const struct run *r, const char *name)
{
	return name[0] == '/' ? xstrdup(name) : path_join(r->home, name);
}
