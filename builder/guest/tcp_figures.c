/* guest/tcp_figures: see tcp_figures.h. The line shapes are the ones the
 * qa/ programs print (qa_diag); a line of another shape is not a figure. */
#include "guest/tcp_figures.h"

#include "lib/json.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TW_TIMEOUT_KEY "net.ipv4.tcp_tw_timeout="

struct figure {
	char what[64], set[96], measured[96], bounds[48];
	int ok;           /* 1 within, 0 outside, -1 not judged */
	unsigned backlog; /* the backlog cap seen, judged against somaxconn */
	bool wants_somaxconn;
};

static json_t *figure_json(const char *test, const struct figure *g)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "test", test, "what", g->what, "set", g->set,
			 "measured", g->measured, "bounds", g->bounds, "within",
			 g->ok < 0 ? json_null() : json_boolean(g->ok));
}

/* One diagnostic line ("# " stripped): true and *g filled when it is a figure. */
static bool parse_line(const char *l, struct figure *g, long *somaxconn, json_t *measurements)
{
	const char *p;
	double t, lo, hi;
	long a, b, c, n;
	int q, e;
	memset(g, 0, sizeof(*g));
	g->ok = -1;
	if ((p = strstr(l, ": TIME_WAIT lasted ")) || (p = strstr(l, ": FIN-WAIT-2 lasted ")) ||
	    (p = strstr(l, ": FIN-WAIT-2 still there after "))) {
		const char *num = strchr(p + 2, ' ');
		num = num ? strpbrk(num, "0123456789") : NULL;
		if (!num || sscanf(num, "%lf s (bounds %lf..%lf s", &t, &lo, &hi) != 3)
			return false;
		bool timewait = strstr(p, "TIME_WAIT") != NULL, still = strstr(p, "still") != NULL;
		snprintf(g->what, sizeof(g->what), "%s",
			 timewait ? "TIME_WAIT length" : "FIN-WAIT-2 length (fin_timeout)");
		snprintf(g->set, sizeof(g->set), "%.*s s", (int)(p - l) > 80 ? 80 : (int)(p - l), l);
		snprintf(g->measured, sizeof(g->measured), "%s%.2f s", still ? "still there after " : "", t);
		snprintf(g->bounds, sizeof(g->bounds), "%.2f..%.2f s", lo, hi);
		g->ok = !still && t >= lo && t <= hi;
		/* only tcp_tw_timeout's own lengths: tw_recycle prints its
		 * shortened TIME_WAIT too, at net.ipv4.tcp_tw_recycle=1 */
		if (timewait && !strncmp(l, TW_TIMEOUT_KEY, strlen(TW_TIMEOUT_KEY))) {
			char key[48];
			snprintf(key, sizeof(key), "lifetime_%lds",
				 strtol(l + strlen(TW_TIMEOUT_KEY), NULL, 10));
			json_object_set_new(measurements, key, json_real(t));
		}
		return true;
	}
	if ((p = strstr(l, "peer dropping every segment: "))) {
		const char *after = strstr(p, " after ");
		if (!after ||
		    sscanf(after, " after %lf s (expected %ld s = %ld + %ld x %ld, bounds %lf..%lf s", &t, &n,
			   &a, &b, &c, &lo, &hi) != 7)
			return false;
		snprintf(g->what, sizeof(g->what), "keepalive: dead peer declared");
		snprintf(g->set, sizeof(g->set), "time %ld + intvl %ld x probes %ld = %ld s", a, b, c, n);
		const char *why = p + strlen("peer dropping every segment: ");
		snprintf(g->measured, sizeof(g->measured), "%.2f s (%.*s)", t,
			 (int)(after - why) > 40 ? 40 : (int)(after - why), why);
		snprintf(g->bounds, sizeof(g->bounds), "%.2f..%.2f s", lo, hi);
		g->ok = t >= lo && t <= hi && !strncmp(why, "Connection timed out", 20);
		return true;
	}
	static const char backlog[] = "listener maximum backlog (inet_diag idiag_wqueue): ";
	if ((p = strstr(l, backlog)) && sscanf(p + strlen(backlog), "%u", &g->backlog) == 1) {
		snprintf(g->what, sizeof(g->what), "listen backlog cap");
		snprintf(g->set, sizeof(g->set), "listen(1000), somaxconn (below)");
		snprintf(g->measured, sizeof(g->measured), "%u", g->backlog);
		g->wants_somaxconn = true; /* judged when the test has printed somaxconn */
		return true;
	}
	if ((p = strstr(l, " clients connected without accept(): ")) &&
	    sscanf(p,
		   " clients connected without accept(): %d established on the client side, %d in the "
		   "accept queue (somaxconn %ld",
		   &e, &q, &n) == 3) {
		*somaxconn = n;
		snprintf(g->what, sizeof(g->what), "accept queue without accept()");
		snprintf(g->set, sizeof(g->set), "somaxconn %ld", n);
		snprintf(g->measured, sizeof(g->measured), "%d queued, %d established", q, e);
		snprintf(g->bounds, sizeof(g->bounds), "%ld queued", n + 1);
		g->ok = q == n + 1;
		return true;
	}
	return false;
}

static void scan(const json_t *t, struct figure **v, size_t *nv, long *somaxconn, json_t *measurements)
{
	const char *log = json_member_str(t, "log");
	for (const char *l = log; l && *l;) {
		const char *end = strchr(l, '\n');
		char *line = xstrndup(l, end ? (size_t)(end - l) : strlen(l));
		const char *s = line;
		while (*s == ' ' || *s == '#')
			s++;
		struct figure g;
		if (parse_line(s, &g, somaxconn, measurements)) {
			*v = xrealloc(*v, (*nv + 1) * sizeof(**v));
			(*v)[(*nv)++] = g;
		}
		free(line);
		l = end ? end + 1 : NULL;
	}
	/* A test's log holds its subtests' lines: theirs are read only when it has none. */
	if (log && *log)
		return;
	size_t i;
	json_t *sub;
	json_array_foreach(json_object_get(t, "subtests"), i, sub) scan(sub, v, nv, somaxconn, measurements);
}

void tcp_figures_of_test(const json_t *test, json_t *figures, json_t *measurements)
{
	const char *name = json_member_str(test, "name");
	struct figure *v = NULL;
	size_t n = 0;
	long somaxconn = -1;
	scan(test, &v, &n, &somaxconn, measurements);
	for (size_t i = 0; i < n; i++) {
		struct figure *g = &v[i];
		if (g->wants_somaxconn && somaxconn >= 0) {
			snprintf(g->set, sizeof(g->set), "listen(1000), somaxconn %ld", somaxconn);
			snprintf(g->bounds, sizeof(g->bounds), "%ld", somaxconn);
			g->ok = (long)g->backlog == somaxconn;
		}
		json_array_append_new(figures, figure_json(name ? name : "?", g));
	}
	free(v);
}
