/* The children spawn has running, and what SIGINT/SIGTERM do to them. Only
 * spawn.c uses this; the rest of kbuild goes through lib/spawn.h. */
#ifndef KBUILD_LIB_CHILDREN_H
#define KBUILD_LIB_CHILDREN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Block SIGINT/SIGTERM around fork and registration (old: the mask to restore). */
void children_block_signals(sigset_t *old);
void children_restore_signals(const sigset_t *old);
/* In a freshly forked child, before exec: default handlers, old mask. */
void children_reset_in_child(const sigset_t *old);

/* Remember / forget a running child's process group (signals blocked).
 * children_add fails (false) when the table is full. */
bool children_add(pid_t pgid);
void children_remove(pid_t pgid);

/* Wait until no process of group pgid is left: members that became our
 * orphans are reaped, SIGKILL after grace_s. */
void children_drain_group(pid_t pgid, double grace_s);

/* Install the SIGINT/SIGTERM handlers (spawn_stop_children_on_signals). */
void children_install_handlers(void);
/* The interrupting signal, or 0. */
int children_interrupted(void);

#endif
