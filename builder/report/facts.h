/* What the summary and the page say first, taken from one run document
 * (core/rundoc.h): the verdict, the kernel, the self-test counts, the
 * accelerator and, for a failure, the one reason and the log to open. */
#ifndef KBUILD_REPORT_FACTS_H
#define KBUILD_REPORT_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct report_facts {
	const char *profile, *release, *accel, *outdir; /* borrowed from the document; NULL when absent */
	bool passed, running;                           /* status pass; still "running" (a killed run) */
	int exit_code;
	const char *last_stage;                                  /* the last stage the run reached */
	bool chain_complete;                                     /* that stage is the chain's last (bundle) */
	size_t tests, tests_passed, tests_failed, tests_skipped; /* top-level self-tests */
	struct strv failed;                                      /* failed or missing self-tests, in order */
	double seconds;                                          /* the stages' durations added up */
	const char *failed_stage;                                /* borrowed */
	char *reason; /* the failure's one line (malloc'd), or NULL */
	char *log;    /* its log, outdir/logs/<stage>.log (malloc'd), or NULL */
};

void report_facts(const json_t *doc, struct report_facts *f);
void report_facts_free(struct report_facts *f);

/* "1.2 KiB", "27.9 MiB" (malloc'd). */
char *report_human_size(long long bytes);
/* "48 s", "5 min 12 s", "1 h 02 min" (malloc'd). */
char *report_human_seconds(double s);
/* path relative to the current directory when it lies below it, else as
 * given (malloc'd). */
char *report_display_path(const char *path);

#endif
