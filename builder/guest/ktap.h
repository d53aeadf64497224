/* Parser for the KTAP (v1; TAP 13 accepted) a guest prints on its serial
 * console. The log is a mess in practice: kernel messages interleave with
 * the test output, lines may carry printk timestamps, and a crashed or
 * killed guest truncates the document. The parser keeps what it can and
 * marks what a plan promised but never came as missing. */
#ifndef KBUILD_GUEST_KTAP_H
#define KBUILD_GUEST_KTAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "lib/util.h"

struct ktap_test {
	char *name;  /* description; "" when unknown */
	long number; /* number on the result line; 0 when absent */
	enum test_status status;
	char *reason;     /* text after "# SKIP"/"# TODO", or NULL */
	long duration_ms; /* from a "# duration_ms: N" line; -1 when absent */
	int depth;        /* 0 for top-level tests */
	long plan;        /* the subtests' plan "1..N"; -1 when none */
	struct strv log;  /* this test's output lines, indentation removed */
	struct ktap_test *sub;
	size_t nsub, capsub;
};

struct ktap_report {
	bool header;           /* a "KTAP version"/"TAP version" line was seen */
	struct ktap_test root; /* root.sub: the top-level tests; root.plan */
	struct strv trailing;  /* lines after the last top-level result */
};

/* Parse a serial log. Never fails on content; returns 0. */
int ktap_parse(const char *text, size_t len, struct ktap_report *out);
void ktap_report_free(struct ktap_report *r);

/* The top-level test named name, or NULL. */
const struct ktap_test *ktap_find(const struct ktap_report *r, const char *name);

#endif
