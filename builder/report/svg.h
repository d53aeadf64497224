/* The page's plots, as plain SVG that kbuild writes itself: a timeline
 * (one bar per stage, placed where it started) and a trend (one value per
 * kept run, as points joined by a line, an optional reference line for a
 * value that was set). Each mark carries its number (data-value) and a
 * <title> tooltip, so the DOM holds the run's numbers. */
#ifndef KBUILD_REPORT_SVG_H
#define KBUILD_REPORT_SVG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Stage bars from a run document's "stages" ({name: {status, duration}}). */
void svg_timeline(FILE *f, const json_t *stages);

struct svg_series {
	const char *name; /* the legend, e.g. "lasted at tcp_tw_timeout=2" */
	const double *y;  /* n values, NAN where a run has none */
	double ref;       /* a horizontal reference line (NAN: none), e.g. the value set */
};

/* A trend of n runs: x labels (run numbers or dates) and one or more
 * series; metric names it in the DOM (data-metric), unit follows the
 * numbers. */
void svg_trend(FILE *f, const char *metric, const char *title, const char *unit, const char *const *xlabels,
	       size_t n, const struct svg_series *series, size_t nseries);
/* The same, with failed[i] marking run i as a failed run (its points red,
 * class "point fail"); failed may be NULL. */
void svg_trend_runs(FILE *f, const char *metric, const char *title, const char *unit,
		    const char *const *xlabels, const bool *failed, size_t n, const struct svg_series *series,
		    size_t nseries);

#endif
