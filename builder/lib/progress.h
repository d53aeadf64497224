/* A byte-count progress display: a bar redrawn in place on a terminal, a plain
 * line every few seconds when the output is a log or a pipe, or nothing. */
#ifndef KBUILD_LIB_PROGRESS_H
#define KBUILD_LIB_PROGRESS_H

#include <stdio.h>

enum progress_mode {
	PROGRESS_QUIET = -1,
	PROGRESS_LINES = 0,
	PROGRESS_BAR = 1,
};

struct progress {
	FILE *out;
	enum progress_mode mode;
	const char *label;
	double start, last;    /* now_seconds() at start and at the last output */
	long long base;        /* bytes already present before this transfer (resume) */
	long long done, total; /* total 0 when unknown */
	int drawn;             /* a bar is on screen and needs a newline */
};

/* mode BAR falls back to LINES when out is not a terminal. out NULL = stderr. */
void progress_start(struct progress *p, FILE *out, int mode, const char *label, long long base);
/* done and total count this transfer only; base is added for display. */
void progress_update(struct progress *p, long long done, long long total);
/* Ends the display: the bar gets its final state and a newline; in LINES mode
 * one summary line is printed when ok. */
void progress_finish(struct progress *p, int ok);

#endif
