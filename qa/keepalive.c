/* qa/keepalive: net.ipv4.tcp_keepalive_time, _intvl and _probes are what a
 * new SO_KEEPALIVE socket gets, and a peer that vanished is declared dead
 * after time + intvl x probes.
 *
 * usage: keepalive [--time T] [--intvl I] [--probes P] [--wrong]
 *
 * First a new socket's TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT must
 * equal the sysctls in force (the profile's, or the kernel's defaults), and
 * follow them when they change to T, I, P (defaults 1, 1, 2). Then two
 * keepalive connections idle side by side: one peer drops every segment
 * that reaches it (a socket filter: no netfilter, no second namespace),
 * the other answers. The first must fail with ETIMEDOUT after T + I x P
 * seconds, within [X - 0.25 s, X + X/8 + 1.5 s]; the second must still be
 * established then. --wrong sets P + 3 probes while checking P, so the
 * test must fail: its negative check. The sysctls are put back. */
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const keys[3] = {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl",
				    "net.ipv4.tcp_keepalive_probes"};
static const int opts[3] = {TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT};

/* A new socket's TCP_KEEPIDLE/INTVL/CNT equal the three sysctls now. */
static bool socket_gets_sysctls(long want[3])
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
	bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == 0;
	for (int i = 0; ok && i < 3; i++) {
		int v = -1;
		socklen_t len = sizeof(v);
		if (getsockopt(fd, IPPROTO_TCP, opts[i], &v, &len) < 0 || v != want[i]) {
			qa_diag("%s is %ld but the socket option says %d", keys[i], want[i], v);
			ok = false;
		}
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static int keepalive_on(int fd)
{
	int on = 1;
	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) < 0 ? -errno : 0;
}

static int pending_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	return e;
}

int main(int argc, char **argv)
{
	long want[3] = {1, 1, 2};
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--time"))
			want[0] = qa_arg_long(argv[++i], "--time");
		else if (i + 1 < argc && !strcmp(argv[i], "--intvl"))
			want[1] = qa_arg_long(argv[++i], "--intvl");
		else if (i + 1 < argc && !strcmp(argv[i], "--probes"))
			want[2] = qa_arg_long(argv[++i], "--probes");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: keepalive [--time T] [--intvl I] [--probes P] [--wrong]\n");
			return 2;
		}
	}
	struct qa_ktap k;
	qa_begin(&k, 4);
	long now[3];
	for (int i = 0; i < 3; i++)
		if (qa_sysctl_read_long(keys[i], &now[i]) < 0) {
			qa_diag("cannot read %s", keys[i]);
			return qa_end(&k);
		}
	qa_result(&k, socket_gets_sysctls(now),
		  "a new SO_KEEPALIVE socket gets the sysctls in force (%ld s, %ld s, %ld probes)", now[0],
		  now[1], now[2]);

	long set[3] = {want[0], want[1], wrong ? want[2] + 3 : want[2]};
	if (wrong)
		qa_diag("--wrong: %s set to %ld, checked against %ld (this run must fail)", keys[2], set[2],
			want[2]);
	for (int i = 0; i < 3; i++)
		if (qa_sysctl_set_temp_long(keys[i], set[i]) < 0)
			return qa_end(&k);
	qa_result(&k, socket_gets_sysctls(set),
		  "after a change to %ld s, %ld s, %ld probes, "
		  "a new socket follows",
		  set[0], set[1], set[2]);

	qa_loopback_up();
	uint16_t sport;
	int lfd = qa_listen_loopback(4, &sport), dead_c, dead_s, live_c, live_s;
	int r = lfd < 0 ? lfd : qa_loopback_pair(lfd, sport, &dead_c, &dead_s);
	if (r == 0)
		r = qa_loopback_pair(lfd, sport, &live_c, &live_s);
	if (r == 0)
		r = qa_drop_input(dead_s);
	if (r == 0)
		r = keepalive_on(dead_c);
	double t0 = qa_now();
	if (r == 0)
		r = keepalive_on(live_c);
	if (r < 0) {
		qa_diag("set-up failed: %s", strerror(-r));
		return qa_end(&k);
	}
	double x = (double)(want[0] + want[1] * want[2]);
	double lo = x - 0.25, hi = x + x / 8 + 1.5;
	struct pollfd p = {.fd = dead_c, .events = POLLIN};
	double t;
	while ((t = qa_now() - t0) < hi + 0.5 && poll(&p, 1, 50) == 0)
		;
	int err = pending_error(dead_c);
	qa_diag("peer dropping every segment: %s after %.2f s (expected %.0f s = %ld + %ld x %ld, "
		"bounds %.2f..%.2f s)",
		err ? strerror(err) : "no error", t, x, want[0], want[1], want[2], lo, hi);
	qa_result(&k, err == ETIMEDOUT && t >= lo && t <= hi,
		  "a vanished peer is declared dead (ETIMEDOUT) after time + intvl x probes");

	struct qa_tcp_sock st;
	int found = qa_tcp_lookup(qa_local_port(live_c), sport, &st);
	int live_err = pending_error(live_c);
	qa_result(&k, found == 1 && st.state == QA_TCP_ESTABLISHED && live_err == 0,
		  "a peer that answers the probes keeps its connection (%s)",
		  live_err ? strerror(live_err) : "established");
	close(dead_c);
	close(dead_s);
	close(live_c);
	close(live_s);
	close(lfd);
	return qa_end(&k);
}
