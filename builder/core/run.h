/* The state of one kbuild run: the profile, the directories, the stage log. */
#ifndef KBUILD_CORE_RUN_H
#define KBUILD_CORE_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "core/settings.h"
#include "core/stamp.h"

struct stage;
struct rundoc;

struct run {
	const struct settings *set; /* the profile, resolved (core/settings.h) */
	const char *home;           /* kbuild's own directory: configs/, patches/, qa/ */
	char *outdir;               /* out/<profile> or O= */
	char *cache;                /* shared download cache (KBUILD_CACHE) */
	char *srcdir;               /* outdir/src: the extracted, patched tree */
	char *objdir;               /* outdir/build: every object file (make O=) */
	char *installroot;  /* outdir/stage: the install root (lib/modules/R, boot/) the bundle packs */
	char *logdir;       /* outdir/logs */
	char *stampdir;     /* outdir/stamps */
	struct rundoc *doc; /* what the run learns (core/rundoc.h); NULL: none kept */
	FILE *log;          /* the running stage's log */
	bool tty;           /* stderr is a terminal: progress bars */
	const struct stage *const *stages; /* the chain the command runs (stages/chain.h) */
	size_t n_stages;
	size_t last; /* the last stage the command runs */
	int argc;    /* kbuild's command line, for the reproducer */
	char **argv;
};

/* A path below outdir, malloc'd. */
char *run_path(const struct run *r, const char *name);
/* A path below kbuild's home, malloc'd. */
char *home_path(const struct run *r, const char *name);

#endif
