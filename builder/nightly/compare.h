/* `kbuild compare OLD NEW`: what changed between two run records, grouped
 * (source and patches, config options, warnings, sizes, tests, timings),
 * and whether anything regressed. */
#ifndef KBUILD_NIGHTLY_COMPARE_H
#define KBUILD_NIGHTLY_COMPARE_H

#include <jansson.h>

struct compare_opts {
	double size_pct;   /* report sizes that changed by more than this (percent) */
	double time_pct;   /* report stage timings that changed by more than this... */
	double time_min_s; /* ...and by more than this many seconds */
};

/* Defaults: sizes 10 %, timings 25 % and 5 s. */
void compare_opts_default(struct compare_opts *o);

/* The changes from old to new as a JSON document (see README "Comparing
 * runs"). "regression" is true when a test that passed no longer does, an
 * option the profile requests did not survive in new, or the run went from
 * pass to fail. Never NULL. */
json_t *compare_records(const json_t *old, const json_t *new, const struct compare_opts *o);

/* The same for people: one section per kind of change (malloc'd). */
char *compare_text(const json_t *changes);

#endif
