/* qa/port_range: ephemeral ports come from net.ipv4.ip_local_port_range and
 * nowhere else.
 *
 * usage: port_range [--low PORT] [--count N] [--wrong]
 *
 * The range is set to [low, low + N - 1] (N even, default 8; 6.1 scans the
 * range in two halves of one parity each). bind() to port 0 must give a
 * port inside it; N connect()s to one listener must get N distinct ports
 * inside it; the next connect() must fail with EADDRNOTAVAIL, since every
 * port of the range is taken towards that listener and no other port may
 * be used. --wrong sets the range N ports higher than the one checked, so
 * the test must fail: its negative check. The range is put back. */
#include "loopback.h"
#include "qa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64

int main(int argc, char **argv)
{
	long low = 40100, count = 8;
	bool wrong = false;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--low"))
			low = qa_arg_long(argv[++i], "--low");
		else if (i + 1 < argc && !strcmp(argv[i], "--count"))
			count = qa_arg_long(argv[++i], "--count");
		else if (!strcmp(argv[i], "--wrong"))
			wrong = true;
		else {
			fprintf(stderr, "usage: port_range [--low PORT] [--count N] [--wrong]\n");
			return 2;
		}
	}
	if (count < 2 || count > MAX_PORTS || count % 2 || low < 1024 || low + 2 * count > 65535) {
		fprintf(stderr, "port_range: need an even count of 2..%d ports above 1024\n", MAX_PORTS);
		return 2;
	}
	long high = low + count - 1;
	struct qa_ktap k;
	qa_begin(&k, 3);
	qa_loopback_up();
	uint16_t sport;
	int lfd = qa_listen_loopback(MAX_PORTS, &sport); /* before narrowing the range */
	char range[64];
	snprintf(range, sizeof(range), "%ld %ld", wrong ? low + count : low, wrong ? high + count : high);
	if (wrong)
		qa_diag("--wrong: range set to %s, checked against %ld %ld (this run must fail)", range, low,
			high);
	if (lfd < 0 || qa_sysctl_set_temp("net.ipv4.ip_local_port_range", range) < 0) {
		qa_diag("set-up failed (listen: %s)", lfd < 0 ? strerror(-lfd) : "ok");
		return qa_end(&k);
	}

	int bfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	uint16_t bport = 0;
	if (bfd >= 0 && bind(bfd, (struct sockaddr *)&a, sizeof(a)) == 0)
		bport = qa_local_port(bfd);
	else
		qa_diag("bind(127.0.0.1:0): %s", strerror(errno));
	if (bfd >= 0)
		close(bfd);
	qa_result(&k, bport >= low && bport <= high, "bind() to port 0 gets port %u of %ld..%ld", bport, low,
		  high);

	int fds[MAX_PORTS], n = 0, inside = 0, distinct = 0;
	uint16_t ports[MAX_PORTS];
	for (long i = 0; i < count; i++) {
		int fd = qa_connect_loopback(sport, false);
		if (fd < 0) {
			qa_diag("connect %ld: %s", i, strerror(-fd));
			continue;
		}
		ports[n] = qa_local_port(fd);
		inside += ports[n] >= low && ports[n] <= high;
		bool seen = false;
		for (int j = 0; j < n; j++)
			seen |= ports[j] == ports[n];
		distinct += !seen;
		fds[n++] = fd;
	}
	qa_diag("%d connections: %d distinct local ports, %d inside %ld..%ld", n, distinct, inside, low,
		high);
	qa_result(&k, n == count && inside == count && distinct == count,
		  "%ld connect()s get %ld distinct ports of %ld..%ld", count, count, low, high);

	int fd = qa_connect_loopback(sport, false);
	if (fd >= 0)
		qa_diag("connect %ld succeeded from port %u", count + 1, qa_local_port(fd));
	else
		qa_diag("connect %ld: %s", count + 1, strerror(-fd));
	qa_result(&k, fd == -EADDRNOTAVAIL,
		  "connect() number %ld fails with EADDRNOTAVAIL: no port outside the range", count + 1);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(lfd);
	return qa_end(&k);
}
