/* `kbuild matrix`: several profiles in one command, sharing the download
 * cache, one pristine tree per source digest (KBUILD_PRISTINE) and ccache;
 * each profile runs as its own kbuild process in DIR/<label>, with its log
 * in DIR/<label>.log; a summary table at the end, and the worst exit code. */
#ifndef KBUILD_MATRIX_PLAN_H
#define KBUILD_MATRIX_PLAN_H

#include <stddef.h>

struct matrix_entry {
	char *label; /* output directory name under DIR, and the table's row */
	char **args; /* the child's arguments after the command (NULL-terminated) */
	size_t nargs;
};

struct matrix_plan {
	struct matrix_entry *v;
	size_t n;
	char *outdir;  /* DIR (O=), default out/matrix */
	char *command; /* what each child runs: make (default) or a stage (stage=NAME) */
	long jobs;     /* make jobs per profile (jobs=N), 0: each profile's default */
	long parallel; /* profiles at once */
};

/* Parses the matrix command line: profile=a,b,c and/or list=FILE (lines
 * "LABEL [profile=NAME] [key=value ...]", # comments), O=DIR, jobs=N,
 * parallel=N, stage=NAME; other key=value arguments (and jobs=) go to every
 * profile, before the row's own, which win.
 * Without parallel=, as many profiles run at once as the CPUs allow at jobs
 * each (cpus / jobs, at least 1): no oversubscription. Returns 0 or -1 with
 * kb_fail() naming the argument or file:line. */
int matrix_parse(int argc, char **argv, long cpus, struct matrix_plan *plan);
void matrix_plan_free(struct matrix_plan *plan);

#endif
