/* Reading kbuild's (the kernel's) make output as it streams: progress steps,
 * warnings, and the first error worth showing. */
#ifndef KBUILD_BUILDLOG_H
#define KBUILD_BUILDLOG_H

#include <stdbool.h>
#include <stddef.h>

struct buildlog {
	size_t steps;        /* "  CC      foo.o"-style lines */
	size_t warnings;     /* "...: warning: ..." */
	size_t errors;       /* "...: error: ...", "Error ..." from make */
	char *first_error;   /* the first compiler/linker error line, malloc'd */
};

/* Feed one output line. Returns true when the line was a progress step. */
bool buildlog_line(struct buildlog *b, const char *line);
void buildlog_free(struct buildlog *b);

#endif
