/* The end-of-run summary in the terminal: the verdict in one line (kernel
 * release, self-tests passed, accelerator), then the artifacts with their
 * paths and sizes, the report's path and, for a failure, the one reason and
 * the log to open. Aligned "label  value" lines; colour only where asked
 * (report_use_color), so a pipe gets plain text. */
#ifndef KBUILD_REPORT_SUMMARY_H
#define KBUILD_REPORT_SUMMARY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Colour for stream f: a terminal, NO_COLOR unset or empty, TERM not "dumb". */
bool report_use_color(FILE *f);

/* The summary of doc (a finished run document) to out; report: the page's
 * path or NULL. */
void report_summary(FILE *out, const json_t *doc, const char *report, bool color);

/* The summary of a matrix: one verdict line per row (its label and its
 * record, NULL when the row left none) and the matrix page. */
void report_summary_matrix(FILE *out, const char *const *labels, const json_t *const *docs, size_t n,
			   const char *report, bool color);

#endif
