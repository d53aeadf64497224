/* qa/backlog: listen(fd, 1000) is capped by net.core.somaxconn.
 *
 * usage: backlog [--somaxconn N] [--clients C]   (defaults 8 and 2N+4)
 *
 * With somaxconn set to N (restored afterwards) a listener asks for 1000.
 * The listener's maximum as inet_diag reports it (idiag_wqueue) must be N,
 * and of C non-blocking connects without accept() only N+1 reach the accept
 * queue (the kernel's "full" test is ack_backlog > max): we count them with
 * non-blocking accept(). The client side may see a few more connected on
 * 2.6.39, whose SYN path lets two extra handshakes through and then drops
 * their final ACK; that count is reported, not checked. */
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY "net.core.somaxconn"
#define MAX_CLIENTS 256

static int client_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return -1;
	return info.tcpi_state;
}

int main(int argc, char **argv)
{
	long want = 8, clients = -1;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--somaxconn"))
			want = strtol(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "--clients"))
			clients = strtol(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: backlog [--somaxconn N] [--clients C]\n");
			return 2;
		}
	}
	if (clients < 0)
		clients = 2 * want + 4;
	if (want < 1 || clients <= want + 1 || clients > MAX_CLIENTS) {
		fprintf(stderr, "backlog: need 1 <= somaxconn < clients - 1 <= %d\n", MAX_CLIENTS);
		return 2;
	}

	struct qa_ktap k;
	qa_begin(&k, 5);
	long original;
	int r = qa_sysctl_read_long(KEY, &original);
	if (r < 0) {
		qa_diag("cannot read %s: %s", KEY, strerror(-r));
		qa_result(&k, false, "%s set to %ld", KEY, want);
		return qa_end(&k);
	}
	r = qa_sysctl_write_long(KEY, want);
	long now = -1;
	qa_sysctl_read_long(KEY, &now);
	if (!qa_result(&k, r == 0 && now == want, "%s set to %ld (was %ld)", KEY, want, original))
		return qa_end(&k);

	/* Without cookies a full SYN queue drops the burst's late SYNs, which is
	 * what the last subtest counts. With tcp_syncookies=1 (CONFIG_SYN_COOKIES
	 * is on in the guest configs) they are answered with cookies and whether
	 * any client stays unconnected becomes a race; syn_backlog tests cookies. */
	if (qa_sysctl_set_temp("net.ipv4.tcp_syncookies", "0") < 0)
		qa_diag("cannot turn syncookies off: the last subtest may race");

	int up = qa_loopback_up();
	if (up > 0)
		qa_diag("lo was down: brought it up");
	else if (up < 0)
		qa_diag("cannot bring lo up: %s", strerror(-up));
	uint16_t port;
	int lfd = qa_listen_loopback(1000, &port);
	if (!qa_result(&k, lfd >= 0, "listen(fd, 1000) on 127.0.0.1"))
		qa_diag("listen: %s", strerror(-lfd));
	if (lfd >= 0) {
		struct qa_tcp_sock s;
		r = qa_tcp_lookup(port, 0, &s);
		if (r == 1 && !strcmp(qa_tcp_source(), "inet_diag netlink")) {
			qa_diag("listener maximum backlog (inet_diag idiag_wqueue): %u", s.wqueue);
			qa_result(&k, s.wqueue == (uint32_t)want, "listener backlog capped to somaxconn %ld",
				  want);
		} else {
			qa_skip(&k, "inet_diag unavailable", "listener backlog capped to somaxconn %ld",
				want);
		}

		int fds[MAX_CLIENTS], n = 0;
		for (long i = 0; i < clients; i++) {
			int fd = qa_connect_loopback(port, true);
			if (fd < 0)
				qa_diag("client %ld: connect: %s", i, strerror(-fd));
			else
				fds[n++] = fd;
		}
		/* Loopback handshakes complete almost at once; stay well below
		 * the 1 s SYN retransmission. */
		qa_sleep_ms(300);
		int established = 0;
		for (int i = 0; i < n; i++)
			established += client_state(fds[i]) == QA_TCP_ESTABLISHED;
		if (qa_tcp_lookup(port, 0, &s) == 1)
			qa_diag("listener accept queue now %u", s.rqueue);

		fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
		int queued = 0, afd;
		while ((afd = accept(lfd, NULL, NULL)) >= 0) {
			queued++;
			close(afd);
		}
		qa_diag("%ld clients connected without accept(): %d established on the client "
			"side, %d in the accept queue (somaxconn %ld, listen asked 1000)",
			clients, established, queued, want);
		qa_result(&k, queued == want + 1, "accept queue holds somaxconn+1 = %ld connections",
			  want + 1);
		qa_result(&k, established > want && established < clients,
			  "connections beyond the backlog are not established (%d of %ld)", established,
			  clients);
		for (int i = 0; i < n; i++)
			close(fds[i]);
		close(lfd);
	}

	r = qa_sysctl_write_long(KEY, original);
	qa_sysctl_read_long(KEY, &now);
	if (r < 0 || now != original)
		qa_diag("could not restore %s=%ld", KEY, original);
	return qa_end(&k);
}
