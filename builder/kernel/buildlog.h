/* Reading kbuild's (the kernel's) make output as it streams: progress steps,
 * warnings, and the first error worth showing. */
#ifndef KBUILD_KERNEL_BUILDLOG_H
#define KBUILD_KERNEL_BUILDLOG_H

#include <stdbool.h>
#include <stddef.h>

struct buildlog {
	size_t steps;      /* "  CC      foo.o"-style lines */
	size_t warnings;   /* "...: warning: ..." */
	size_t errors;     /* "...: error: ...", "Error ..." from make */
	char *first_error; /* the first compiler/linker error line, malloc'd */
};

/* One warning line split into its parts (malloc'd): the compiler's and the
 * assembler's "file:line[:col]: warning: message" / ": Warning: ", and the
 * linker's "ld: [file: ]warning: message" (line 0; file "ld" when it names
 * none); "cc1: warning: ..." has the tool as file, line 0. false for any other line. The counter below counts exactly these. */
bool buildlog_warning(const char *text, char **file, long *line, char **message);
/* Feed one output line. Returns true when the line was a progress step. */
bool buildlog_line(struct buildlog *b, const char *line);
void buildlog_free(struct buildlog *b);

#endif
