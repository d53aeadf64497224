#include "report/summary.h"
#include "report/facts.h"
#include "lib/json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GREEN "\033[1;32m"
#define RED "\033[1;31m"
#define DIM "\033[2m"
#define OFF "\033[0m"

bool report_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f));
}

/* The artifacts a person asks for, in this order, by how their file names end. */
static const struct {
	const char *label, *suffix;
} wanted[] = {
	{"bundle", ".tar.xz"},          {"rpm", ".rpm"}, {"deb", ".deb"}, {"sbom", ".spdx.json"},
	{"provenance", ".intoto.json"},
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void line(FILE *out, bool color, const char *label, const char *value, const char *extra)
{
	fprintf(out, "  %s%-10s%s %s%s%s\n", color ? DIM : "", label, color ? OFF : "", value,
		extra ? "  " : "", extra ? extra : "");
}

/* The verdict line's text after PASS/FAIL (malloc'd). */
static char *verdict_text(const struct report_facts *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		abort();
	const char *sep = "";
	if (f->release) {
		fprintf(m, "kernel %s", f->release);
		sep = ", ";
	}
	if (f->tests) {
		fprintf(m, "%s%zu/%zu self-tests passed", sep, f->tests_passed, f->tests);
		if (f->tests_skipped)
			fprintf(m, " (%zu skipped)", f->tests_skipped);
		if (f->failed.n) {
			fprintf(m, " (failed: ");
			for (size_t i = 0; i < f->failed.n; i++)
				fprintf(m, "%s%s", i ? ", " : "", f->failed.v[i]);
			fprintf(m, ")");
		}
		sep = ", ";
	}
	if (f->accel) {
		fprintf(m, "%saccelerator %s", sep, f->accel);
		sep = ", ";
	}
	if (f->failed_stage && (!f->tests || strcmp(f->failed_stage, "qa")))
		fprintf(m, "%s%s failed", sep, f->failed_stage);
	else if (f->running)
		fprintf(m, "%sinterrupted", sep);
	else if (f->passed && !f->chain_complete && f->last_stage)
		fprintf(m, "%schain up to %s", sep, f->last_stage);
	char *t = report_human_seconds(f->seconds);
	fprintf(m, " (%s, %s)", f->profile ? f->profile : "?", t);
	free(t);
	fclose(m);
	return buf;
}

/* label: a matrix row's, printed "label:" padded to width. */
static void verdict(FILE *out, const struct report_facts *f, const char *label, int width, bool color)
{
	const char *word = f->passed ? "PASS" : "FAIL";
	char *text = verdict_text(f);
	char *lab = label ? xasprintf("%s:", label) : NULL;
	fprintf(out, "%s%s%s  ", color ? (f->passed ? GREEN : RED) : "", word, color ? OFF : "");
	if (lab)
		fprintf(out, "%-*s ", width + 1, lab);
	fprintf(out, "%s\n", text);
	free(lab);
	free(text);
}

void report_summary(FILE *out, const json_t *doc, const char *report, bool color)
{
	struct report_facts f;
	report_facts(doc, &f);
	verdict(out, &f, NULL, 0, color);
	if (!f.passed) {
		if (f.reason)
			line(out, color, "reason", f.reason, NULL);
		if (f.log) {
			char *p = report_display_path(f.log);
			line(out, color, "log", p, NULL);
			free(p);
		}
	}
	/* The artifacts' sizes in one column after the longest path. */
	int width = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++) {
			size_t i;
			json_t *a;
			json_array_foreach(json_object_get(doc, "artifacts"), i, a)
			{
				const char *path = json_member_str(a, "path");
				if (!path || !ends_with(path, wanted[w].suffix))
					continue;
				char *p = report_display_path(path);
				if (pass == 0) {
					width = (int)strlen(p) > width ? (int)strlen(p) : width;
				} else {
					char *size = report_human_size(
						(long long)json_integer_value(json_object_get(a, "size")));
					char *padded = xasprintf("%-*s", width, p);
					char *right = xasprintf("%9s", size);
					line(out, color, wanted[w].label, padded, right);
					free(right);
					free(padded);
					free(size);
				}
				free(p);
			}
		}
	if (report) {
		char *p = report_display_path(report);
		line(out, color, "report", p, NULL);
		free(p);
	}
	report_facts_free(&f);
}

void report_summary_matrix(FILE *out, const char *const *labels, const json_t *const *docs, size_t n,
			   const char *report, bool color)
{
	size_t width = 0;
	for (size_t i = 0; i < n; i++)
		width = strlen(labels[i]) > width ? strlen(labels[i]) : width;
	for (size_t i = 0; i < n; i++) {
		if (!docs[i]) {
			char *lab = xasprintf("%s:", labels[i]);
			fprintf(out, "%sFAIL%s  %-*s no record (see its log)\n", color ? RED : "",
				color ? OFF : "", (int)width + 1, lab);
			free(lab);
			continue;
		}
		struct report_facts f;
		report_facts(docs[i], &f);
		verdict(out, &f, labels[i], (int)width, color);
		if (!f.passed && (f.reason || f.log)) {
			char *p = f.log ? report_display_path(f.log) : NULL;
			fprintf(out, "      %*s %s%s%s\n", (int)width + 1, "", f.reason ? f.reason : "",
				f.reason && p ? "; log "
				: p           ? "log "
					      : "",
				p ? p : "");
			free(p);
		}
		report_facts_free(&f);
	}
	if (report) {
		char *p = report_display_path(report);
		line(out, color, "report", p, NULL);
		free(p);
	}
}
