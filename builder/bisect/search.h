/* The binary search of `kbuild bisect` over the prefixes of a series: which
 * prefix to test next, and what the verdicts so far prove. Prefix p is the
 * first p patches; patch p is the one prefix p adds to prefix p-1.
 *
 * The first bad patch is one of good+1 .. bad, or none (prefix bad passes):
 * bad-good+1 outcomes, so ceil(log2(bad-good+1)) tests when nothing is
 * skipped. A prefix that cannot be tested is skipped, as `git bisect skip`:
 * the next test is the untested prefix nearest the middle, and when only
 * skipped ones are left the answer is a range. When the answer would be
 * patch good+1 and prefix good was never tested, it is tested last: a
 * "good" prefix that fails the check makes the answer inconclusive rather
 * than wrong. */
#ifndef KBUILD_BISECT_SEARCH_H
#define KBUILD_BISECT_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

enum search_state { SEARCH_UNTESTED, SEARCH_GOOD, SEARCH_BAD, SEARCH_SKIP };

struct bisect_search {
	size_t good, bad;         /* the prefixes given (good < bad) */
	enum search_state *state; /* per prefix 0..bad */
};

/* The outcome once search_next() has nothing more to test. */
struct search_outcome {
	enum bisect_result result;
	size_t first, last; /* the first bad patch is one of first..last (found: first == last) */
	size_t good_prefix; /* the last prefix known to pass (good, or one tested) */
	bool good_fails;    /* inconclusive because prefix good fails (or cannot be tested) */
};

void search_init(struct bisect_search *s, size_t good, size_t bad);
void search_free(struct bisect_search *s);
/* The verdict of a tested prefix. */
void search_record(struct bisect_search *s, size_t prefix, enum bisect_verdict v);
/* The next prefix to test, or -1 when the search is over. */
long search_next(const struct bisect_search *s);
/* What the verdicts prove (call when search_next() returns -1). */
void search_outcome(const struct bisect_search *s, struct search_outcome *out);

#endif
