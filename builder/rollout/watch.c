/* The rollout's watchdog: deadlines per boot, resets, and the boot limit. */
#include "rollout/watch.h"
#include "lib/util.h"

#include <stdlib.h>

void boot_watch_init(struct boot_watch *w, double deadline, size_t max_boots, size_t max_resets, double now)
{
	*w = (struct boot_watch){.deadline = deadline,
				 .max_boots = max_boots,
				 .max_resets = max_resets,
				 .reset_boot = -1,
				 .current_since = now};
}

void boot_watch_free(struct boot_watch *w)
{
	free(w->seen_at);
	w->seen_at = NULL;
	w->seen = 0;
}

static void say(FILE *log, const char *what)
{
	fprintf(stderr, "rollout: %s\n", what);
	if (log)
		fprintf(log, "%s\n", what);
}

enum fleet_watch boot_watch_look(struct boot_watch *w, size_t boots, double now, FILE *log)
{
	for (; w->seen < boots; w->seen++) {
		w->seen_at = xrealloc(w->seen_at, (w->seen + 1) * sizeof(*w->seen_at));
		w->seen_at[w->seen] = now;
		w->current_since = now;
	}
	char *why = NULL;
	enum fleet_watch act = WATCH_GO_ON;
	if (boots > w->max_boots) {
		why = xasprintf("boot %zu began; the verdict needs %zu: host stopped", boots, w->max_boots);
		act = WATCH_STOP;
	} else if (now - w->current_since > w->deadline) {
		if (w->resets < w->max_resets) {
			if (w->resets == 0)
				w->reset_boot = (long)boots - 1;
			w->resets++;
			w->current_since = now;
			why = xasprintf("boot %zu: no health verdict within %.0f s: reset (QMP system_reset)",
					boots, w->deadline);
			act = WATCH_RESET;
		} else {
			why = xasprintf("boot %zu: no health verdict within %.0f s: host stopped", boots,
					w->deadline);
			act = WATCH_STOP;
		}
	}
	if (why)
		say(log, why);
	free(why);
	return act;
}

double boot_watch_seconds(const struct boot_watch *w, size_t i, size_t n, double end)
{
	double from = i < w->seen ? w->seen_at[i] : end;
	double to = i + 1 < n && i + 1 < w->seen ? w->seen_at[i + 1] : end;
	return to > from ? to - from : 0;
}
