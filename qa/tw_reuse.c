/* qa/tw_reuse: net.ipv4.tcp_tw_reuse lets connect() take a local port that
 * is still in TIME_WAIT towards the same server.
 *
 * usage: tw_reuse [--low PORT] [--wrong]
 *
 * ip_local_port_range is narrowed to four ports (an even count: 6.1 scans
 * the range in two halves of one parity each), four connections to one
 * listener are closed actively so all four ports sit in TIME_WAIT, and then:
 * with tcp_tw_reuse=0 a new connect() must fail with EADDRNOTAVAIL; with
 * tcp_tw_reuse=1 (timestamps on) it must succeed on one of those ports once
 * the TIME_WAIT socket's last timestamp is old enough (6.1: the next second,
 * 2.6.39: more than one second), which we wait for by retrying every 100 ms
 * for up to 3.5 s. --wrong leaves tcp_tw_reuse at 0 for the second half, so
 * the test must fail: its negative check. All sysctls are put back. */
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NPORTS 4

int main(int argc, char **argv)
{
	long low = 40000;
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--low"))
			low = qa_arg_long(argv[++i], "--low");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: tw_reuse [--low PORT] [--wrong]\n");
			return 2;
		}
	}
	struct qa_ktap k;
	qa_begin(&k, 4);
	if (wrong)
		qa_diag("--wrong: tcp_tw_reuse stays 0 where 1 is expected (this run must fail)");
	qa_loopback_up();
	uint16_t sport;
	/* The listener's port comes from the wide range, before narrowing it. */
	int lfd = qa_listen_loopback(16, &sport);
	char range[64];
	snprintf(range, sizeof(range), "%ld %ld", low, low + NPORTS - 1);
	if (lfd < 0 || qa_sysctl_set_temp("net.ipv4.ip_local_port_range", range) < 0 ||
	    qa_sysctl_set_temp("net.ipv4.tcp_tw_reuse", "0") < 0 ||
	    qa_sysctl_set_temp("net.ipv4.tcp_timestamps", "1") < 0) {
		qa_diag("set-up failed (listen: %s)", lfd < 0 ? strerror(-lfd) : "ok");
		return qa_end(&k);
	}
	char recycle[16];
	if (qa_sysctl_read("net.ipv4.tcp_tw_recycle", recycle, sizeof(recycle)) == 0)
		qa_sysctl_set_temp("net.ipv4.tcp_tw_recycle", "0"); /* it would end TIME_WAIT early */

	int in_range = 0;
	for (int i = 0; i < NPORTS; i++) {
		int cfd, sfd, r = qa_loopback_pair(lfd, sport, &cfd, &sfd);
		if (r < 0) {
			qa_diag("connection %d: %s", i, strerror(-r));
			continue;
		}
		uint16_t p = qa_local_port(cfd);
		in_range += p >= low && p < low + NPORTS;
		qa_close_active(cfd, sfd);
	}
	qa_sleep_ms(50);
	int tw = qa_tcp_count(sport, QA_TCP_TIME_WAIT);
	qa_diag("%d of %d client ports in %s, %d sockets in TIME_WAIT towards 127.0.0.1:%u", in_range, NPORTS,
		range, tw, sport);
	qa_result(&k, in_range == NPORTS && tw == NPORTS,
		  "all %d ports of ip_local_port_range %s held in TIME_WAIT", NPORTS, range);

	int fd = qa_connect_loopback(sport, false);
	if (fd >= 0)
		qa_diag("connect() succeeded from port %u", qa_local_port(fd));
	else
		qa_diag("connect(): %s", strerror(-fd));
	qa_result(&k, fd == -EADDRNOTAVAIL, "tcp_tw_reuse=0: connect() fails with EADDRNOTAVAIL");
	if (fd >= 0)
		close(fd);

	qa_sysctl_write("net.ipv4.tcp_tw_reuse", wrong ? "0" : "1");
	double t0 = qa_now(), t;
	do {
		fd = qa_connect_loopback(sport, false);
		t = qa_now() - t0;
		if (fd != -EADDRNOTAVAIL)
			break;
		qa_sleep_ms(100);
	} while (t < 3.5);
	uint16_t p = fd >= 0 ? qa_local_port(fd) : 0;
	if (fd >= 0)
		qa_diag("tcp_tw_reuse=1: connect() succeeded after %.2f s from port %u", t, p);
	else
		qa_diag("connect() after %.2f s: %s", t, strerror(-fd));
	qa_result(&k, fd >= 0 && p >= low && p < low + NPORTS,
		  "tcp_tw_reuse=1: connect() reuses a TIME_WAIT port within 3.5 s");

	/* The reused port carries a working connection. */
	bool works = false;
	if (fd >= 0) {
		int sfd = accept(lfd, NULL, NULL);
		char c = 0;
		works = sfd >= 0 && write(fd, "x", 1) == 1 && read(sfd, &c, 1) == 1 && c == 'x';
		if (sfd >= 0)
			close(sfd);
		close(fd);
	}
	qa_result(&k, works, "the connection on the reused port carries data");
	close(lfd);
	return qa_end(&k);
}
