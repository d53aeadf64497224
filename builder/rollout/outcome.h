/* The rollout's results.json and junit.xml: one test per step of the
 * scenario, with the boots it saw as its log, and the timings. */
#ifndef KBUILD_ROLLOUT_OUTCOME_H
#define KBUILD_ROLLOUT_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>

struct rollout_test {
	char *name, *log;
	bool pass;
	double seconds;
};

struct rollout_report {
	char *scenario;
	struct rollout_test *v;
	size_t n;
	char **time_names;
	double *times;
	size_t n_times;
};

void rollout_report_init(struct rollout_report *rep, const char *scenario);
void rollout_report_add(struct rollout_report *rep, const char *name, bool pass, double seconds,
			const char *log);
/* A named duration (e.g. the scenario from QEMU start to verdict). */
void rollout_report_set_time(struct rollout_report *rep, const char *name, double seconds);
/* Both files written atomically; verdict is the run's exit code. 0 or -1. */
int rollout_report_write(const struct rollout_report *rep, int exit_code, const char *json,
			 const char *junit);
void rollout_report_free(struct rollout_report *rep);

#endif
