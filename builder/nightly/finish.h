/* The records written at the end of every run, next to results.json:
 * record.json, kcidb.json (KCIDB v5), squad.json (SQUAD submission), and,
 * when an earlier good run is in the history, changes.txt/changes.json
 * against it; a good run (exit 0) then becomes the history. */
#ifndef KBUILD_REPORT_H
#define KBUILD_REPORT_H

#include "core/run.h"

/* The history directory of a run: report.history, else O/history
 * (malloc'd). */
char *report_history_dir(const struct run *r);

/* Writes the records of a run that ended with exit_code. Returns the exit
 * code the run should end with: exit_code, or 1 when a record could not be
 * written (a message says why). */
int report_finish(struct run *r, int exit_code);

#endif
