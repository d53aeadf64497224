/* The last good run's records, kept apart from the output tree (O/history/
 * or report.history=PATH) so a nightly job can compare with the previous
 * night after the tree is gone. */
#ifndef KBUILD_NIGHTLY_HISTORY_H
#define KBUILD_NIGHTLY_HISTORY_H

/* The files saved: the run record and what it is derived from or feeds. */
extern const char *const history_files[];

/* Copies those of history_files that exist in outdir into dir, replacing
 * what dir held as one step (a new directory swapped in with
 * RENAME_EXCHANGE), so dir always holds one complete run. Returns 0 or -1
 * with kb_fail(). */
int history_save(const char *outdir, const char *dir);

#endif
