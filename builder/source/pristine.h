/* A pristine source tree in the output directory, from the source record:
 * what the extract stage makes, and what the patch stage starts again from
 * when the tree holds another series. */
#ifndef KBUILD_SOURCE_PRISTINE_H
#define KBUILD_SOURCE_PRISTINE_H

#include "core/run.h"

/* Remove r->srcdir and the applied-patches record, then unpack the recorded
 * tarball (or copy the recorded tree) into r->srcdir and record the
 * unpatched source's date. Returns 0, or -1 with kb_fail(). */
int pristine_tree(struct run *r);

#endif
