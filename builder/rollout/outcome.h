/* The rollout's results.json and junit.xml: the verdict, one test per step
 * (trial, fallback or blessed reboot), one row per boot the host made
 * (session, boot loader entry, kernel release, outcome, seconds, and the
 * console excerpt that decided it), and the timings. */
#ifndef KBUILD_ROLLOUT_OUTCOME_H
#define KBUILD_ROLLOUT_OUTCOME_H

#include "rollout/console.h"
#include "rollout/verdict.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct rollout_test {
	char *name, *log;
	bool pass;
	double seconds;
};

struct rollout_boot_row {
	char *session, *entry, *release, *outcome, *excerpt;
	double seconds;
};

struct rollout_report {
	char *inject;
	struct rollout_test *v;
	size_t n;
	struct rollout_boot_row *boots;
	size_t n_boots;
	char **time_names;
	double *times;
	size_t n_times;
};

void rollout_report_init(struct rollout_report *rep, const char *inject);
void rollout_report_add(struct rollout_report *rep, const char *name, bool pass, double seconds,
			const char *log);
/* A boot of session ("trial", "fallback", "blessed") and how it ended. */
void rollout_report_add_boot(struct rollout_report *rep, const char *session, const struct fleet_boot *b,
			     const char *outcome, double seconds);
/* A named duration (e.g. the whole rollout). */
void rollout_report_set_time(struct rollout_report *rep, const char *name, double seconds);
/* The results as one JSON document (results.json, and the run document's
 * "rollout" member). New reference. */
json_t *rollout_report_doc(const struct rollout_report *rep, enum rollout_verdict v);
/* Both files written atomically. 0 or -1. */
int rollout_report_write(const struct rollout_report *rep, enum rollout_verdict v, const char *json,
			 const char *junit);
void rollout_report_free(struct rollout_report *rep);

#endif
