/* qa/fin_timeout: an orphaned connection in FIN-WAIT-2 (we closed, the peer
 * acknowledged and never closes) is destroyed after net.ipv4.tcp_fin_timeout.
 *
 * usage: fin_timeout [--seconds S] [--wrong]
 *
 * With tcp_fin_timeout=S (default 2; at most 60, where the kernel stops
 * handing the socket to a timewait socket after a keepalive-timer leg) the
 * client closes, the server keeps its end open, and we poll the client's
 * socket through inet_diag until it is gone. Bounds as for TIME_WAIT
 * (tcp_timewait): [S - S/8 - 0.25 s, S + S/8 + 1.5 s]; 2.6.39 files such
 * short timeouts in its ~128 ms recycle calendar, 6.1 gives each a timer.
 * --wrong sets 3S while checking S, so the test must fail: its negative
 * check. The sysctl is put back. */
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KEY "net.ipv4.tcp_fin_timeout"

int main(int argc, char **argv)
{
	long s = 2;
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--seconds"))
			s = qa_arg_long(argv[++i], "--seconds");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: fin_timeout [--seconds S] [--wrong]\n");
			return 2;
		}
	}
	if (s < 1 || s > 60) {
		fprintf(stderr, "fin_timeout: --seconds must be 1..60\n");
		return 2;
	}
	struct qa_ktap k;
	qa_begin(&k, 2);
	qa_loopback_up();
	long set = wrong ? 3 * s : s;
	if (wrong)
		qa_diag("--wrong: %s set to %ld, checked against %ld (this run must fail)", KEY, set, s);
	uint16_t sport;
	int lfd = qa_listen_loopback(4, &sport), cfd, sfd;
	int r = lfd < 0 ? lfd : qa_loopback_pair(lfd, sport, &cfd, &sfd);
	if (r < 0 || qa_sysctl_set_temp_long(KEY, set) < 0) {
		qa_diag("set-up failed: %s", r < 0 ? strerror(-r) : "sysctl");
		return qa_end(&k);
	}
	uint16_t cport = qa_local_port(cfd);
	close(cfd); /* orphaned: FIN sent, the server ACKs and keeps its end */
	double t0 = qa_now();
	qa_sleep_ms(20);
	struct qa_tcp_sock st;
	r = qa_tcp_lookup(cport, sport, &st);
	qa_result(&k, r == 1 && st.state == QA_TCP_FIN_WAIT2,
		  "the orphaned client is in FIN-WAIT-2 (state %d)", r == 1 ? st.state : -1);
	double lo = (double)s - (double)s / 8 - 0.25, hi = (double)s + (double)s / 8 + 1.5;
	double t = qa_tcp_lifetime(cport, sport, QA_TCP_FIN_WAIT2, t0, hi + 0.5);
	qa_diag("%s=%ld: FIN-WAIT-2 %s %.2f s (bounds %.2f..%.2f s)", KEY, set,
		t >= hi + 0.5 ? "still there after" : "lasted", t, lo, hi);
	qa_result(&k, t >= lo && t <= hi, "orphaned FIN-WAIT-2 destroyed after %s=%ld", KEY, s);
	close(sfd);
	close(lfd);
	return qa_end(&k);
}
