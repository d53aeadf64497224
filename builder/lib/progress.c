#include "lib/progress.h"
#include "lib/util.h"

#include <unistd.h>

#define BAR_WIDTH 30
#define BAR_INTERVAL 0.2  /* seconds between redraws of the bar */
#define LINE_INTERVAL 5.0 /* seconds between plain lines */

static void human(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	size_t i = 0;
	while (bytes >= 1024 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		bytes /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f %s", bytes, unit[i]);
	else
		snprintf(buf, len, "%.1f %s", bytes, unit[i]);
}

void progress_start(struct progress *p, FILE *out, int mode, const char *label, long long base)
{
	*p = (struct progress){.out = out ? out : stderr, .label = label, .base = base};
	p->mode = mode < 0 ? PROGRESS_QUIET : mode > 0 ? PROGRESS_BAR : PROGRESS_LINES;
	if (p->mode == PROGRESS_BAR && !isatty(fileno(p->out)))
		p->mode = PROGRESS_LINES;
	p->start = p->last = now_seconds();
}

static double rate(const struct progress *p, double now)
{
	double dt = now - p->start;
	return dt > 0 ? (double)p->done / dt : 0;
}

static void draw_bar(struct progress *p, double now)
{
	char have[32], all[32], speed[32];
	long long d = p->base + p->done, t = p->total ? p->base + p->total : 0;
	human(have, sizeof(have), (double)d);
	human(speed, sizeof(speed), rate(p, now));
	if (t > 0) {
		int fill = (int)(BAR_WIDTH * (double)d / (double)t);
		char bar[BAR_WIDTH + 1];
		for (int i = 0; i < BAR_WIDTH; i++)
			bar[i] = i < fill ? '#' : ' ';
		bar[BAR_WIDTH] = '\0';
		human(all, sizeof(all), (double)t);
		fprintf(p->out, "\r%s [%s] %3d%% %s / %s %s/s\033[K", p->label, bar,
			(int)(100.0 * (double)d / (double)t), have, all, speed);
	} else {
		fprintf(p->out, "\r%s %s %s/s\033[K", p->label, have, speed);
	}
	fflush(p->out);
	p->drawn = 1;
}

static void print_line(struct progress *p, double now)
{
	char have[32], all[32], speed[32];
	long long d = p->base + p->done, t = p->total ? p->base + p->total : 0;
	human(have, sizeof(have), (double)d);
	human(speed, sizeof(speed), rate(p, now));
	if (t > 0) {
		human(all, sizeof(all), (double)t);
		fprintf(p->out, "%s: %s / %s (%d%%) %s/s\n", p->label, have, all,
			(int)(100.0 * (double)d / (double)t), speed);
	} else {
		fprintf(p->out, "%s: %s %s/s\n", p->label, have, speed);
	}
	fflush(p->out);
}

void progress_update(struct progress *p, long long done, long long total)
{
	if (p->mode == PROGRESS_QUIET)
		return;
	p->done = done;
	p->total = total;
	double now = now_seconds();
	if (p->mode == PROGRESS_BAR && now - p->last >= BAR_INTERVAL) {
		draw_bar(p, now);
		p->last = now;
	} else if (p->mode == PROGRESS_LINES && now - p->last >= LINE_INTERVAL) {
		print_line(p, now);
		p->last = now;
	}
}

void progress_finish(struct progress *p, int ok)
{
	double now = now_seconds();
	if (p->mode == PROGRESS_BAR) {
		if (ok)
			draw_bar(p, now);
		if (p->drawn)
			fputc('\n', p->out);
	} else if (p->mode == PROGRESS_LINES && ok) {
		char have[32], speed[32];
		human(have, sizeof(have), (double)p->done);
		human(speed, sizeof(speed), rate(p, now));
		fprintf(p->out, "%s: done, %s in %.1f s (%s/s)\n", p->label, have, now - p->start, speed);
	}
	if (p->mode != PROGRESS_QUIET)
		fflush(p->out);
	p->drawn = 0;
}
