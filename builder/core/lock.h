/* One run per output directory: an flock()ed lock file holding the pid. */
#ifndef KBUILD_CORE_LOCK_H
#define KBUILD_CORE_LOCK_H

/* Returns the lock's fd (keep it open for the run) or -1 with a message
 * naming the pid that holds it. */
int lock_outdir(const char *outdir);
void unlock_outdir(int fd);

#endif
