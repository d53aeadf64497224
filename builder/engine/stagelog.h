/* What the user sees: one line per stage on the terminal, a log file per
 * stage, and on failure the tail of that log with its path. */
#ifndef KBUILD_ENGINE_STAGELOG_H
#define KBUILD_ENGINE_STAGELOG_H

#include "core/run.h"

/* Opens logs/<stage>.log as r->log and shows that the stage is running. */
void stagelog_begin(struct run *r, const char *stage, const char *why);
/* index: the stage's place in a table of total stages, shown as [index+1/total]. */
void stagelog_end(struct run *r, size_t index, size_t total, const char *stage, double seconds);
/* Flushes, syncs and closes the running stage's log (before its stamp is
 * written): a log that could not be written in full fails the stage.
 * Returns 0, or -1 with kb_fail(). */
int stagelog_close(struct run *r);
/* Closes the log, prints FAILED, the log's last lines, its path and the error. */
void stagelog_fail(struct run *r, size_t index, size_t total, const char *stage, double seconds);
void stagelog_line(size_t index, size_t total, const char *stage, const char *status, double seconds,
		   const char *note);
int stagelog_fatal(const char *msg);

#endif
