/* A parsed KTAP report turned into results: results.json,
 * junit.xml and an exit code, following tuxrun's rule:
 *   0  every expected test reported and passed (skips and TODOs allowed)
 *   1  a test failed
 *   2  an expected test is missing, a test never finished, or the guest
 *      printed no KTAP at all (2 wins over 1: the run is incomplete). */
#ifndef KBUILD_GUEST_RESULTS_H
#define KBUILD_GUEST_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "guest/ktap.h"

#include <jansson.h>

struct result {
	char *name;
	/* The verdict: the reported status, except that a "pass" with a
	 * failed or missing subtest counts as a failure. */
	enum test_status status;
	bool expected;                /* named in the expected list */
	const struct ktap_test *test; /* NULL when it never reported */
};

struct results {
	bool reported;    /* the guest printed a KTAP header */
	struct result *v; /* expected tests in order, then others */
	size_t n;
	size_t count[TEST_MISSING + 1]; /* per status */
};

/* The report must outlive res (results point into it). */
void results_build(struct results *res, const struct ktap_report *report, const char *const *expected,
		   size_t nexpected);
void results_free(struct results *res);
int results_exit_code(const struct results *res);

/* Both write atomically; return 0 or -1 with kb_fail(). */
int results_write_json(const struct results *res, const char *path);
int results_write_junit(const struct results *res, const char *path);

/* results.json (as results_write_json wrote it) flattened for the run
 * document: tests gets {"name[.sub...]": {status, duration}} (names as
 * KCIDB/SQUAD path components, [A-Za-z0-9_-]); measurements and figures
 * what the TCP self-tests measured (guest/tcp_figures.h: {"lifetime_2s":
 * 2.09} from "net.ipv4.tcp_tw_timeout=2: TIME_WAIT lasted 2.09 s ..."). */
void results_flatten(const json_t *results, json_t *tests, json_t *measurements, json_t *figures);

/* A copy of s that is valid UTF-8 and XML 1.0 text: invalid bytes and
 * control characters other than tab and newline become '?'. */
char *results_clean_text(const char *s);

#endif
