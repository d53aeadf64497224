/* The records written at the end of every run from its run document
 * (core/rundoc.h), next to results.json: record.json (the document itself),
 * kcidb.json (KCIDB v5), squad.json (SQUAD submission), and,
 * when an earlier good run is in the history, changes.txt/changes.json
 * against it; the run joins the history's kept runs (report.keep), a good
 * run (exit 0) becomes its last good run, and report.html is written
 * (report/html.h). */
#ifndef KBUILD_NIGHTLY_FINISH_H
#define KBUILD_NIGHTLY_FINISH_H

#include "core/run.h"

/* The history directory of a run: report.history, else O/history
 * (malloc'd). */
char *nightly_history_dir(const struct run *r);

/* Writes the records of r->doc, a run that ended with exit_code. Returns
 * the exit code the run should end with: exit_code, or 1 when a record
 * could not be written (a message says why). */
int nightly_finish(struct run *r, int exit_code);

#endif
