#include "report/svg.h"
#include "core/status.h"
#include "lib/json.h"
#include "lib/xml.h"

#include <math.h>
#include <string.h>

#define W 760
#define ROW 20
#define LABEL 90
#define PLOT_W (W - LABEL - 70)

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

void svg_timeline(FILE *f, const json_t *stages)
{
	double total = 0;
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)stages, k, v)
	{
		total += json_number_value(json_object_get(v, "duration"));
		n++;
	}
	double scale = total > 0 ? PLOT_W / total : 0;
	int h = (int)n * ROW + 30;
	fprintf(f,
		"<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"stage timeline\">\n",
		W, h, W, h);
	double at = 0;
	size_t i = 0;
	json_object_foreach((json_t *)stages, k, v)
	{
		double d = json_number_value(json_object_get(v, "duration"));
		enum stage_status s = STAGE_FAIL;
		const char *sn = json_member_str(v, "status");
		stage_status_parse(sn, &s);
		const char *fill = s == STAGE_PASS ? "#2ca02c" : s == STAGE_SKIP ? "#b0b0b0" : "#d62728";
		double x = LABEL + at * scale, wd = d * scale < 1 ? 1 : d * scale;
		int y = (int)i * ROW + 4;
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lbl\">", LABEL - 6, y + 13);
		xml_escape(f, k, true);
		fprintf(f, "</text><rect class=\"stage\" data-stage=\"");
		xml_escape(f, k, true);
		fprintf(f, "\" data-status=\"");
		xml_escape(f, sn ? sn : "?", true);
		fprintf(f,
			"\" data-seconds=\"%.1f\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
			"<title>",
			d, x, y, wd, ROW - 6, fill);
		xml_escape(f, k, true);
		fprintf(f, ": %s, %.1f s (from %.1f s)</title></rect>", sn ? sn : "?", d, at);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%.1f s</text>\n", x + wd + 4, y + 13, d);
		at += d;
		i++;
	}
	int ay = (int)n * ROW + 8;
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", LABEL, ay,
		LABEL + PLOT_W, ay);
	for (int t = 0; t <= 4; t++)
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"tick\">%.0f s</text>", LABEL + PLOT_W * t / 4.0,
			ay + 16, total * t / 4);
	fputs("\n</svg>\n", f);
}

/* A round step for an axis from 0 to max with about 4 ticks. */
static double nice_step(double max)
{
	if (!(max > 0))
		return 1;
	double raw = max / 4, p = pow(10, floor(log10(raw)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* Tick labels with as many decimals as the step needs. */
static void tick(FILE *f, double v, double step)
{
	int dec = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
	fprintf(f, "%.*f", dec, v);
}

static void number(FILE *f, double v)
{
	if (fabs(v) >= 1e6 || (fabs(v) > 0 && fabs(v) < 0.01))
		fprintf(f, "%.3g", v);
	else if (v == floor(v))
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.2f", v);
}

void svg_trend(FILE *f, const char *metric, const char *title, const char *unit, const char *const *xlabels,
	       size_t n, const struct svg_series *series, size_t nseries)
{
	svg_trend_runs(f, metric, title, unit, xlabels, NULL, n, series, nseries);
}

void svg_trend_runs(FILE *f, const char *metric, const char *title, const char *unit,
		    const char *const *xlabels, const bool *failed, size_t n, const struct svg_series *series,
		    size_t nseries)
{
	const int h = 200, top = 24, bottom = 36, left = 70, right = 20;
	const int pw = W - left - right, ph = h - top - bottom;
	double max = 0;
	for (size_t s = 0; s < nseries; s++) {
		for (size_t i = 0; i < n; i++)
			if (isfinite(series[s].y[i]) && series[s].y[i] > max)
				max = series[s].y[i];
		if (isfinite(series[s].ref) && series[s].ref > max)
			max = series[s].ref;
	}
	double step = nice_step(max), top_v = step * ceil(max / step);
	if (!(top_v > 0))
		top_v = 1;
	fprintf(f, "<svg class=\"trend\" data-metric=\"");
	xml_escape(f, metric, true);
	fprintf(f,
		"\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-label=\"",
		W, h, W, h);
	xml_escape(f, title, true);
	fprintf(f, "\">\n<text x=\"%d\" y=\"16\" class=\"title\">", left);
	xml_escape(f, title, true);
	fprintf(f, " (");
	xml_escape(f, unit, true);
	fprintf(f, ")</text>\n");
	for (double t = 0; t <= top_v + step / 2; t += step) {
		double y = top + ph - t / top_v * ph;
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">",
			left, y, left + pw, y, left - 6, y + 4);
		tick(f, t, step);
		fputs("</text>\n", f);
	}
	double dx = n > 1 ? (double)pw / (double)(n - 1) : 0;
	size_t every = n > 12 ? (n + 11) / 12 : 1;
	for (size_t i = 0; i < n; i++) {
		double x = left + (n > 1 ? dx * (double)i : pw / 2.0);
		if (i % every == 0 || i == n - 1) {
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"%s\">", x,
				top + ph + 16,
				n > 1 && i == n - 1 ? "end"
				: n > 1 && i == 0   ? "start"
						    : "middle");
			xml_escape(f, xlabels[i], true);
			fputs("</text>\n", f);
		}
	}
	for (size_t s = 0; s < nseries; s++) {
		const char *color = palette[s % (sizeof(palette) / sizeof(palette[0]))];
		if (isfinite(series[s].ref)) {
			double y = top + ph - series[s].ref / top_v * ph;
			fprintf(f,
				"<line class=\"ref\" data-value=\"%g\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
				"stroke=\"%s\" stroke-dasharray=\"4 3\"><title>set: %g %s</title></line>\n",
				series[s].ref, left, y, left + pw, y, color, series[s].ref, unit);
		}
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
		for (size_t i = 0; i < n; i++)
			if (isfinite(series[s].y[i]))
				fprintf(f, "%.1f,%.1f ", left + (n > 1 ? dx * (double)i : pw / 2.0),
					top + ph - series[s].y[i] / top_v * ph);
		fputs("\"/>\n", f);
		for (size_t i = 0; i < n; i++) {
			if (!isfinite(series[s].y[i]))
				continue;
			bool bad = failed && failed[i];
			fprintf(f, "<circle class=\"point%s\" data-series=\"", bad ? " fail" : "");
			xml_escape(f, series[s].name, true);
			fprintf(f, "\" data-run=\"");
			xml_escape(f, xlabels[i], true);
			fprintf(f,
				"\" data-value=\"%.6g\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>",
				series[s].y[i], left + (n > 1 ? dx * (double)i : pw / 2.0),
				top + ph - series[s].y[i] / top_v * ph, bad ? 4 : 3, bad ? "#d62728" : color);
			xml_escape(f, xlabels[i], true);
			fputs(bad ? " (failed run): " : ": ", f);
			number(f, series[s].y[i]);
			fputc(' ', f);
			xml_escape(f, unit, true);
			fputs("</title></circle>\n", f);
		}
		if (nseries > 1) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"legend\" fill=\"%s\">",
				left + 10 + (int)s * 180, h - 4, color);
			xml_escape(f, series[s].name, true);
			fputs("</text>\n", f);
		}
	}
	fputs("</svg>\n", f);
}
