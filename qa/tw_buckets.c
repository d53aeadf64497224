/* qa/tw_buckets: net.ipv4.tcp_max_tw_buckets caps the number of TIME_WAIT
 * sockets; a connection closed beyond the cap is destroyed at once and the
 * kernel counts it in TcpExt TCPTimeWaitOverflow.
 *
 * usage: tw_buckets [--room N] [--conns C] [--wrong]
 *
 * The cap is set to the timewait sockets that already exist (E, counted
 * through inet_diag) plus N (default 4); C (default 2N) connections to one
 * listener are closed actively. At most N of them may be left in TIME_WAIT,
 * at least one must be, no more than the cap in all, and the overflow
 * counter must grow by C minus the ones left. --wrong sets the cap to E + C
 * + 4 while checking against E + N, so the test must fail: its negative
 * check. The cap is put back. */
#include "loopback.h"
#include "netstat.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONNS 256
#define KEY "net.ipv4.tcp_max_tw_buckets"

int main(int argc, char **argv)
{
	long room = 4, conns = -1;
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--room"))
			room = qa_arg_long(argv[++i], "--room");
		else if (i + 1 < argc && !strcmp(argv[i], "--conns"))
			conns = qa_arg_long(argv[++i], "--conns");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: tw_buckets [--room N] [--conns C] [--wrong]\n");
			return 2;
		}
	}
	if (conns < 0)
		conns = 2 * room;
	if (room < 1 || conns <= room || conns > MAX_CONNS) {
		fprintf(stderr, "tw_buckets: need 1 <= room < conns <= %d\n", MAX_CONNS);
		return 2;
	}
	struct qa_ktap k;
	qa_begin(&k, 3);
	qa_loopback_up();
	char recycle[16];
	if (qa_sysctl_read("net.ipv4.tcp_tw_recycle", recycle, sizeof(recycle)) == 0)
		qa_sysctl_set_temp("net.ipv4.tcp_tw_recycle", "0"); /* it would end TIME_WAIT early */

	/* Timewait sockets in FIN-WAIT-2 count against the cap too. */
	int tw0 = qa_tcp_count(0, QA_TCP_TIME_WAIT), fw0 = qa_tcp_count(0, QA_TCP_FIN_WAIT2);
	long long over0 = 0;
	int c = qa_tcpext("TCPTimeWaitOverflow", &over0);
	/* The counter arrived in 2.6.37: older kernels (2.6.32) cap without counting. */
	bool counted = c != -ENOENT;
	if (!counted)
		qa_diag("TcpExt has no TCPTimeWaitOverflow (before 2.6.37): the cap is checked, "
			"the counter is not");
	if (tw0 < 0 || fw0 < 0 || (c < 0 && counted)) {
		qa_diag("cannot count: inet_diag %s, TCPTimeWaitOverflow %s",
			strerror(-(tw0 < 0   ? tw0
				   : fw0 < 0 ? fw0
					     : 0)),
			strerror(-c));
		return qa_end(&k);
	}
	long existing = tw0 + fw0, cap = existing + room;
	long set = wrong ? existing + conns + 4 : cap;
	if (wrong)
		qa_diag("--wrong: %s set to %ld, checked against %ld (this run must fail)", KEY, set, cap);
	uint16_t sport;
	int lfd = qa_listen_loopback(MAX_CONNS, &sport);
	if (lfd < 0 || qa_sysctl_set_temp_long(KEY, set) < 0) {
		qa_diag("set-up failed (listen: %s)", lfd < 0 ? strerror(-lfd) : "ok");
		return qa_end(&k);
	}
	qa_diag("%ld timewait sockets exist; %s=%ld leaves room for %ld", existing, KEY, cap, room);

	int cfd[MAX_CONNS], sfd[MAX_CONNS], n = 0;
	for (long i = 0; i < conns; i++) {
		int r = qa_loopback_pair(lfd, sport, &cfd[n], &sfd[n]);
		if (r < 0)
			qa_diag("connection %ld: %s", i, strerror(-r));
		else
			n++;
	}
	for (int i = 0; i < n; i++)
		qa_close_active(cfd[i], sfd[i]);
	qa_sleep_ms(100);
	int ours = qa_tcp_count(sport, QA_TCP_TIME_WAIT);
	int all = qa_tcp_count(0, QA_TCP_TIME_WAIT) + qa_tcp_count(0, QA_TCP_FIN_WAIT2);
	long long over1 = 0;
	qa_tcpext("TCPTimeWaitOverflow", &over1);
	qa_diag("%d connections closed: %d in TIME_WAIT, %d timewait sockets in all, "
		"TCPTimeWaitOverflow %lld -> %lld",
		n, ours, all, over0, over1);
	/* Room freed by older timewait sockets that expired meanwhile is ours too. */
	long expired = ours >= 0 && existing > all - ours ? existing - (all - ours) : 0;
	if (expired)
		qa_diag("%ld older timewait sockets expired meanwhile", expired);
	qa_result(&k, n == conns && ours >= 1 && ours <= room + expired,
		  "%ld closed connections leave 1..%ld in TIME_WAIT", conns, room + expired);
	qa_result(&k, all <= cap, "timewait sockets in all stay within %s=%ld", KEY, cap);
	if (counted)
		qa_result(&k, ours >= 0 && over1 - over0 >= n - ours && n > ours,
			  "TCPTimeWaitOverflow grew by the %d connections beyond the cap", n - ours);
	else
		qa_skip(&k, "no TCPTimeWaitOverflow counter in this kernel",
			"TCPTimeWaitOverflow grew by the %d connections beyond the cap", n - ours);
	close(lfd);
	return qa_end(&k);
}
