/* A pipeline stage: what it depends on, what it does, and what it tells
 * the run document. The contract (ARCHITECTURE.md): outputs under
 * temporary names, renamed when complete; what later stages need goes
 * through core/records.h; the pipeline removes the stamp before run() and
 * writes it only when run() returns 0; what a run learns goes into the run
 * document through describe(). */
#ifndef KBUILD_ENGINE_STAGE_H
#define KBUILD_ENGINE_STAGE_H

#include "core/rundoc.h"
#include "core/run.h"
#include "lib/util.h"

struct stage {
	const char *name;
	const char *summary; /* one line, for `kbuild --help` */
	/* Adds every input the stage's output depends on (the previous stage's
	 * digest is added by the pipeline). Returns -1 when an input cannot be
	 * read (kb_fail says which). */
	int (*inputs)(struct run *r, struct stamp *s);
	/* Whether the output a matching stamp vouches for is still there (a
	 * cheap check: the file or tree exists). NULL when it is, else why not
	 * (malloc'd): the stage is then stale and runs. NULL hook: not checked. */
	char *(*missing)(struct run *r);
	/* Does the work, logging to r->log. */
	int (*run)(struct run *r);
	/* Adds its part of the run document (core/rundoc.h) from its records
	 * and outputs: its section and its artifacts (rundoc_artifact). Called
	 * once per run, after the stage ran (passed or failed: what it left is
	 * read, absent records are left out) or was found up to date. NULL: none. */
	void (*describe)(struct run *r, struct rundoc *doc);
};

#endif
