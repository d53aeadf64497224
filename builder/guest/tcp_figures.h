/* The figures the TCP self-tests (qa/tcp_timewait, fin_timeout, keepalive,
 * backlog) print as KTAP diagnostics, read in one place: for the run
 * document's measurements (KCIDB, SQUAD, the trends) and its "figures"
 * (the report page's table of what was set against what was measured). */
#ifndef KBUILD_GUEST_TCP_FIGURES_H
#define KBUILD_GUEST_TCP_FIGURES_H

#include <jansson.h>

/* The figures of one top-level test of results.json (as results_write_json
 * wrote it: its log, or its subtests' logs when it has none) appended to
 * figures as objects {test, what, set, measured, bounds, within (true,
 * false or null: not judged)}; a TIME_WAIT length measured at a given
 * net.ipv4.tcp_tw_timeout also goes into measurements as
 * {"lifetime_<N>s": seconds}. */
void tcp_figures_of_test(const json_t *test, json_t *figures, json_t *measurements);

#endif
