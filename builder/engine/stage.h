/* A pipeline stage: what it depends on, what it does, what it makes and
 * what it tells metadata.json. The contract (ARCHITECTURE.md): outputs under
 * temporary names, renamed when complete; what later stages need goes
 * through core/records.h; the pipeline removes the stamp before run() and
 * writes it only when run() returns 0. */
#ifndef KBUILD_STAGE_H
#define KBUILD_STAGE_H

#include "core/run.h"
#include "lib/util.h"

#include <jansson.h>

struct stage {
	const char *name;
	const char *summary;   /* one line, for `kbuild --help` */
	/* Adds every input the stage's output depends on (the previous stage's
	 * digest is added by the pipeline). Returns -1 when an input cannot be
	 * read (kb_fail says which). */
	int (*inputs)(struct run *r, struct stamp *s);
	/* Whether the output a matching stamp vouches for is still there (a
	 * cheap check: the file or tree exists). NULL when it is, else why not
	 * (malloc'd): the stage is then stale and runs. NULL hook: not checked. */
	char *(*missing)(struct run *r);
	/* Does the work, logging to r->log. NULL: not implemented yet. */
	int (*run)(struct run *r);
	/* Pushes the paths of the files it made that metadata.json lists with
	 * size and sha256 (missing ones are left out). NULL: none. */
	void (*artifacts)(struct run *r, struct strv *paths);
	/* Sets its own keys of metadata.json on meta (results: meta's
	 * "results"). Called at every save, before the stage ran too (its
	 * records absent: nulls). NULL: none. */
	void (*metadata)(struct run *r, json_t *meta);
};

#endif
