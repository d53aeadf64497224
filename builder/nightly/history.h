/* The history, kept apart from the output tree (O/history/ or
 * report.history=PATH) so a nightly job can compare with the previous night
 * after the tree is gone: the last good run's records at its top, and in
 * runs/ the record.json of the last report.keep runs, good or failed, for
 * report.html's trends. */
#ifndef KBUILD_NIGHTLY_HISTORY_H
#define KBUILD_NIGHTLY_HISTORY_H

#include <jansson.h>

/* The files saved: the run record and what it is derived from or feeds. */
extern const char *const history_files[];

/* The folder of the kept runs below a history directory. */
#define HISTORY_RUNS "runs"

/* Copies those of history_files that exist in outdir into dir, replacing
 * what dir held as one step (a new directory swapped in with
 * RENAME_EXCHANGE), so dir always holds one complete run; dir/runs/ is
 * carried over (hard links). Returns 0 or -1 with kb_fail(). */
int history_save(const char *outdir, const char *dir);

/* Adds rec (a finished run's record) to dir/runs/ as <seq>.json, seq one
 * more than the newest there, and removes the oldest beyond keep (keep 0:
 * runs/ is removed). Returns 0 or -1 with kb_fail(). */
int history_add_run(const char *dir, const json_t *rec, long keep);

/* The records of dir/runs/, oldest first (a new array; empty when there are
 * none; a file that cannot be read is left out). */
json_t *history_runs(const char *dir);

#endif
