/* qa/syn_backlog: what a listener does when its queues overflow.
 *
 * usage: syn_backlog [--burst B] [--wrong]
 *
 * Cookies. With tcp_syncookies=1 a listener of backlog 2 is flooded with
 * half-open connections: clients whose socket filter drops the SYN-ACK, so
 * they never send the final ACK, until the SYN queue is full (the kernel
 * then answers with a cookie: TcpExt SyncookiesSent moves; how many it
 * took is reported: the cookie went to the 4th on 6.1, to the 17th on
 * 2.6.39, whose SYN queue is min(backlog, tcp_max_syn_backlog) rounded up
 * to a power of two, at least 16). A burst of B (default 3)
 * real clients must then still connect within 0.5 s (the SYN retransmit
 * comes after 1 s), through cookies, and be accepted and carry data.
 *
 * Abort on overflow. With tcp_abort_on_overflow=1 a client whose handshake
 * completes when the accept queue is already full gets a reset, not a
 * silent drop: its SYN is let in first (its filter holds back the SYN-ACK),
 * two more clients fill a backlog-1 accept queue, the filter goes, and the
 * SYN retransmit (1 s on 6.1, 3 s on 2.6.39) completes the handshake into
 * the full queue: the client must see ECONNRESET within 6 s (twice the
 * 2.6.39 retransmit: TCG under load delivers timer ticks late).
 *
 * --wrong runs the burst with tcp_syncookies=0 and the overflow with
 * tcp_abort_on_overflow=0, so the test must fail: its negative check. The
 * sysctls are put back. */
#include "loopback.h"
#include "netstat.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_HALF_OPEN 64
#define MAX_BURST 16

static int pending_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	return e;
}

static int tcp_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0 ? -1 : info.tcpi_state;
}

/* A client whose SYN reaches the listener but which never sees the answer. */
static int half_open(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int r = qa_drop_input(fd);
	if (r == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		r = -errno;
	if (r == 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static long long cookies_sent(void)
{
	long long v = -1;
	qa_tcpext("SyncookiesSent", &v);
	return v;
}

static void cookies(struct qa_ktap *k, long burst, bool wrong)
{
	uint16_t port;
	int lfd = qa_listen_loopback(2, &port);
	if (lfd < 0) {
		qa_diag("listen: %s", strerror(-lfd));
		return;
	}
	int stuck[MAX_HALF_OPEN], n = 0;
	long long c0 = cookies_sent(), c = c0;
	while (n < MAX_HALF_OPEN && c == c0) {
		int fd = half_open(port);
		if (fd < 0) {
			qa_diag("half-open client %d: %s", n, strerror(-fd));
			break;
		}
		stuck[n++] = fd;
		qa_sleep_ms(5);
		c = cookies_sent();
	}
	qa_result(k, c > c0,
		  "half-open connection %d overflows the SYN queue of a backlog-2 "
		  "listener and gets a cookie (SyncookiesSent %lld -> %lld)",
		  n, c0, c);

	qa_sysctl_write("net.ipv4.tcp_syncookies", wrong ? "0" : "1");
	int fds[MAX_BURST], m = 0, up = 0;
	for (long i = 0; i < burst; i++) {
		int fd = qa_connect_loopback(port, true);
		if (fd < 0)
			qa_diag("burst client %ld: %s", i, strerror(-fd));
		else
			fds[m++] = fd;
	}
	double t0 = qa_now();
	while (qa_now() - t0 < 0.5) {
		up = 0;
		for (int i = 0; i < m; i++)
			up += tcp_state(fds[i]) == QA_TCP_ESTABLISHED && !pending_error(fds[i]);
		if (up == burst)
			break;
		qa_sleep_ms(20);
	}
	long long c2 = cookies_sent();
	qa_diag("burst of %ld beyond the full SYN queue: %d established in %.2f s, "
		"SyncookiesSent %lld -> %lld",
		burst, up, qa_now() - t0, c, c2);
	qa_result(k, up == burst, "tcp_syncookies=1: a burst of %ld beyond the full queue connects", burst);
	qa_result(k, c2 - c >= burst, "SyncookiesSent grew by the burst (%lld)", c2 - c);

	fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
	int carried = 0, afd;
	for (int i = 0; i < m; i++)
		if (write(fds[i], "x", 1) != 1)
			qa_diag("write on burst client %d: %s", i, strerror(errno));
	qa_sleep_ms(50);
	while ((afd = accept(lfd, NULL, NULL)) >= 0) {
		char ch;
		carried += read(afd, &ch, 1) == 1 && ch == 'x';
		close(afd);
	}
	qa_result(k, carried == burst, "the listener accepts them and they carry data (%d of %ld)", carried,
		  burst);
	for (int i = 0; i < m; i++)
		close(fds[i]);
	for (int i = 0; i < n; i++)
		close(stuck[i]);
	close(lfd);
}

static void abort_on_overflow(struct qa_ktap *k, bool wrong)
{
	qa_sysctl_write("net.ipv4.tcp_syncookies", "1");
	qa_sysctl_write("net.ipv4.tcp_abort_on_overflow", wrong ? "0" : "1");
	uint16_t port;
	int lfd = qa_listen_loopback(1, &port);
	int late = lfd < 0 ? lfd : half_open(port);
	if (late < 0) {
		qa_diag("set-up failed: %s", strerror(-late));
		qa_result(k, false, "tcp_abort_on_overflow=1: overflow answered with a reset");
		return;
	}
	int fill[2] = {-1, -1};
	for (int i = 0; i < 2; i++)
		fill[i] = qa_connect_loopback(port, false);
	qa_sleep_ms(50);
	struct qa_tcp_sock st = {0};
	qa_tcp_lookup(port, 0, &st);
	qa_diag("accept queue %u with backlog 1; letting the held-back handshake complete", st.rqueue);
	qa_accept_input(late);
	double t0 = qa_now(), t;
	int err = 0;
	while ((t = qa_now() - t0) < 6.0 && !(err = pending_error(late)))
		qa_sleep_ms(50);
	qa_diag("client completing into the full queue: %s after %.2f s (state %d)",
		err ? strerror(err) : "no error", t, tcp_state(late));
	qa_result(k, err == ECONNRESET && fill[0] >= 0 && fill[1] >= 0,
		  "tcp_abort_on_overflow=1: a handshake into a full accept queue is reset");
	close(late);
	for (int i = 0; i < 2; i++)
		if (fill[i] >= 0)
			close(fill[i]);
	close(lfd);
}

int main(int argc, char **argv)
{
	long burst = 3;
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--burst"))
			burst = qa_arg_long(argv[++i], "--burst");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: syn_backlog [--burst B] [--wrong]\n");
			return 2;
		}
	}
	if (burst < 1 || burst > 3) {
		/* the backlog-2 accept queue holds 3 */
		fprintf(stderr, "syn_backlog: --burst must be 1..3\n");
		return 2;
	}
	struct qa_ktap k;
	qa_begin(&k, 5);
	if (wrong)
		qa_diag("--wrong: cookies and abort_on_overflow off where on is expected "
			"(this run must fail)");
	char v[32];
	if (qa_sysctl_read("net.ipv4.tcp_syncookies", v, sizeof(v)) < 0) {
		const char *why = "no net.ipv4.tcp_syncookies: kernel built without CONFIG_SYN_COOKIES";
		for (int i = 0; i < 4; i++)
			qa_skip(&k, why, "syncookies subtest %d", i + 1);
	} else if (qa_sysctl_set_temp("net.ipv4.tcp_syncookies", "1") < 0 ||
		   qa_sysctl_set_temp("net.ipv4.tcp_abort_on_overflow", "0") < 0) {
		return qa_end(&k);
	} else {
		qa_loopback_up();
		cookies(&k, burst, wrong);
	}
	if (qa_sysctl_set_temp("net.ipv4.tcp_abort_on_overflow", "0") < 0)
		return qa_end(&k);
	abort_on_overflow(&k, wrong);
	return qa_end(&k);
}
