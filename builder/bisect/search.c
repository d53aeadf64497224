#include "bisect/search.h"
#include "lib/util.h"

#include <stdlib.h>

void search_init(struct bisect_search *s, size_t good, size_t bad)
{
	*s = (struct bisect_search){.good = good, .bad = bad, .state = xcalloc(bad + 1, sizeof(*s->state))};
}

void search_free(struct bisect_search *s)
{
	free(s->state);
	*s = (struct bisect_search){0};
}

void search_record(struct bisect_search *s, size_t prefix, enum bisect_verdict v)
{
	if (prefix <= s->bad)
		s->state[prefix] = v == BISECT_GOOD  ? SEARCH_GOOD
				   : v == BISECT_BAD ? SEARCH_BAD
						     : SEARCH_SKIP;
}

/* hi: the first prefix above good known to fail, or bad+1 (none yet: the
 * virtual "everything passes" end); lo: the last prefix below hi known to
 * pass, or good. */
static void bounds(const struct bisect_search *s, size_t *lo, size_t *hi)
{
	*hi = s->bad + 1;
	for (size_t p = s->good + 1; p <= s->bad; p++)
		if (s->state[p] == SEARCH_BAD) {
			*hi = p;
			break;
		}
	*lo = s->good;
	for (size_t p = *hi - 1; p > s->good; p--)
		if (s->state[p] == SEARCH_GOOD) {
			*lo = p;
			break;
		}
}

long search_next(const struct bisect_search *s)
{
	size_t lo, hi;
	bounds(s, &lo, &hi);
	/* the untested prefix strictly between lo and hi nearest the middle
	 * (the lower one on a tie) */
	size_t mid = lo + (hi - lo) / 2;
	long best = -1;
	size_t best_dist = 0;
	for (size_t p = lo + 1; p < hi && p <= s->bad; p++) {
		if (s->state[p] != SEARCH_UNTESTED)
			continue;
		size_t d = p > mid ? p - mid : mid - p;
		if (best < 0 || d < best_dist) {
			best = (long)p;
			best_dist = d;
		}
	}
	if (best >= 0)
		return best;
	/* an answer next to an untested "good" prefix: prove that one */
	if (hi <= s->bad && lo == s->good && s->state[s->good] == SEARCH_UNTESTED)
		return (long)s->good;
	return -1;
}

void search_outcome(const struct bisect_search *s, struct search_outcome *out)
{
	size_t lo, hi;
	bounds(s, &lo, &hi);
	*out = (struct search_outcome){.good_prefix = lo, .first = lo + 1, .last = hi};
	if (hi > s->bad) {
		/* no prefix failed: every one passed, or the rest were skipped */
		bool skipped = false;
		for (size_t p = lo + 1; p <= s->bad; p++)
			skipped |= s->state[p] == SEARCH_SKIP;
		out->result = skipped ? BISECT_INCONCLUSIVE : BISECT_NOT_FOUND;
		out->last = s->bad;
		return;
	}
	if (lo == s->good && s->state[s->good] != SEARCH_UNTESTED && s->state[s->good] != SEARCH_GOOD) {
		out->result = BISECT_INCONCLUSIVE;
		out->good_fails = true;
		out->first = s->good > 0 ? 1 : 0;
		return;
	}
	out->result = hi == lo + 1 ? BISECT_FOUND : BISECT_INCONCLUSIVE;
}
