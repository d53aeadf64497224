/* report.html: one self-contained page (no network, no script, no external
 * font; a Content-Security-Policy that forbids loading anything) rendered
 * from run documents: the verdict, the stage timeline, the self-tests with
 * their KTAP diagnostics, the TCP figures the guest measured against what
 * was set, the config verification, warnings by kind, the artifacts with
 * sha256, the rollout when one ran, and trends over the history's kept runs,
 * plotted as SVG (report/svg.h). A matrix gets one page for all its rows. */
#ifndef KBUILD_REPORT_HTML_H
#define KBUILD_REPORT_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define REPORT_HTML "report.html"

struct report_run {
	const json_t *doc;     /* the run document (record.json); NULL: the row left none */
	const json_t *history; /* kept runs, oldest first (nightly/history.h), or NULL: this run alone */
	const char *label;     /* a matrix row's label, or NULL */
	const char *link;      /* a matrix row's own page, relative to the matrix page, or NULL */
};

/* The page for runs[0..n) (n > 1 or matrix: an overview table first),
 * written atomically to path. Files the document names (results.json,
 * config-report.txt in its outdir) are read for the diagnostics. Returns 0
 * or -1 with kb_fail(). */
int report_html_write(const char *path, const char *title, const struct report_run *runs, size_t n,
		      bool matrix);

#endif
