/* A tiny HTTP/1.1 file server for the fetch tests, bound to 127.0.0.1 only.
 * It misbehaves on request, which busybox httpd cannot do:
 *
 *   fetch_test_server -d DIR [-l LOG] [-T BYTES] [-S BYTES] [-R] [-B RATE] [-t SECONDS]
 *
 *   -d DIR      serve the files of DIR (GET and HEAD; "/redirect/NAME" answers
 *               302 to "/NAME")
 *   -l LOG      append one line per request: "GET /name range=N status=S sent=B"
 *               (range=- when the request had no Range header)
 *   -T BYTES    truncate: announce the full Content-Length, send BYTES of the
 *               body, then close
 *   -S BYTES    stall: send BYTES of the body, then keep the connection open
 *               and silent until the client gives up
 *   -R          ignore Range headers (always answer 200 with the whole file)
 *   -B RATE     send the body at about RATE bytes per second
 *   -t SECONDS  exit after this long in any case (default 120), so a test that
 *               dies cannot leave a server behind
 *
 * The port (chosen by the kernel) is printed on stdout as "PORT\n" once the
 * socket listens. Each connection is served by a forked child, one request per
 * connection (Connection: close). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;
static const char *log_path;
static long truncate_at = -1;
static long stall_at = -1;
static int ignore_range;
static long rate_limit;

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void log_request(const char *method, const char *path, long range, int status, long sent)
{
	if (!log_path)
		return;
	char line[PATH_MAX + 128];
	int n;
	if (range >= 0)
		n = snprintf(line, sizeof(line), "%s %s range=%ld status=%d sent=%ld\n", method, path, range,
			     status, sent);
	else
		n = snprintf(line, sizeof(line), "%s %s range=- status=%d sent=%ld\n", method, path, status,
			     sent);
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		write_all(fd, line, (size_t)n);
		close(fd);
	}
}

static void send_simple(int c, int status, const char *reason, const char *extra)
{
	char head[1024];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n%s\r\n", status, reason,
			 extra ? extra : "");
	write_all(c, head, (size_t)n);
}

/* Keep the connection open without sending until the peer closes it. */
static void stall(int c)
{
	for (;;) {
		struct pollfd p = {.fd = c, .events = POLLIN};
		if (poll(&p, 1, 1000) > 0) {
			char b[256];
			if (read(c, b, sizeof(b)) <= 0)
				return;
		}
	}
}

/* Reads the request head (up to the blank line). Returns 0 on success. */
static int read_head(int c, char *buf, size_t cap)
{
	size_t len = 0;
	while (len + 1 < cap) {
		ssize_t n = read(c, buf + len, cap - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return 0;
	}
	return -1;
}

static long parse_range(const char *head)
{
	const char *r = strcasestr(head, "\r\nRange:");
	if (!r)
		return -1;
	r = strstr(r, "bytes=");
	if (!r)
		return -1;
	return strtol(r + 6, NULL, 10);
}

static void serve(int c)
{
	char head[8192], method[16], path[PATH_MAX];
	if (read_head(c, head, sizeof(head)) < 0)
		return;
	if (sscanf(head, "%15s %4000s", method, path) != 2)
		return;
	long range = parse_range(head);
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		log_request(method, path, range, 405, 0);
		send_simple(c, 405, "Method Not Allowed", NULL);
		return;
	}
	if (!strncmp(path, "/redirect/", 10)) {
		char loc[PATH_MAX + 16];
		snprintf(loc, sizeof(loc), "Location: /%s\r\n", path + 10);
		log_request(method, path, range, 302, 0);
		send_simple(c, 302, "Found", loc);
		return;
	}
	if (path[0] != '/' || strstr(path, "..")) {
		log_request(method, path, range, 400, 0);
		send_simple(c, 400, "Bad Request", NULL);
		return;
	}
	char file[PATH_MAX * 2];
	snprintf(file, sizeof(file), "%s%s", root, path);
	int fd = open(file, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_request(method, path, range, 404, 0);
		send_simple(c, 404, "Not Found", NULL);
		if (fd >= 0)
			close(fd);
		return;
	}
	long size = (long)st.st_size, start = 0;
	int status = 200;
	char hdr[512];
	int n;
	if (range >= 0 && !ignore_range) {
		if (range >= size) {
			char cr[64];
			snprintf(cr, sizeof(cr), "Content-Range: bytes */%ld\r\n", size);
			log_request(method, path, range, 416, 0);
			send_simple(c, 416, "Range Not Satisfiable", cr);
			close(fd);
			return;
		}
		start = range;
		status = 206;
		n = snprintf(hdr, sizeof(hdr),
			     "HTTP/1.1 206 Partial Content\r\nContent-Length: %ld\r\n"
			     "Content-Range: bytes %ld-%ld/%ld\r\nAccept-Ranges: bytes\r\n"
			     "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
			     size - start, start, size - 1, size);
	} else {
		n = snprintf(hdr, sizeof(hdr),
			     "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n%s"
			     "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
			     size, ignore_range ? "" : "Accept-Ranges: bytes\r\n");
	}
	if (write_all(c, hdr, (size_t)n) < 0 || !strcmp(method, "HEAD")) {
		log_request(method, path, range, status, 0);
		close(fd);
		return;
	}
	long limit = size - start;
	if (truncate_at >= 0 && truncate_at < limit)
		limit = truncate_at;
	if (stall_at >= 0 && stall_at < limit)
		limit = stall_at;
	long sent = 0;
	char buf[16384];
	lseek(fd, start, SEEK_SET);
	while (sent < limit) {
		size_t want = rate_limit > 0 && rate_limit / 10 < (long)sizeof(buf) && rate_limit >= 10
				      ? (size_t)(rate_limit / 10)
				      : sizeof(buf);
		if ((long)want > limit - sent)
			want = (size_t)(limit - sent);
		ssize_t r = read(fd, buf, want);
		if (r <= 0 || write_all(c, buf, (size_t)r) < 0)
			break;
		sent += r;
		if (rate_limit > 0)
			usleep((useconds_t)(1000000.0 * (double)r / (double)rate_limit));
	}
	close(fd);
	log_request(method, path, range, status, sent);
	if (stall_at >= 0)
		stall(c);
}

int main(int argc, char **argv)
{
	int opt;
	long lifetime = 120;
	while ((opt = getopt(argc, argv, "d:l:T:S:RB:t:")) != -1) {
		switch (opt) {
		case 'd':
			root = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'T':
			truncate_at = atol(optarg);
			break;
		case 'S':
			stall_at = atol(optarg);
			break;
		case 'R':
			ignore_range = 1;
			break;
		case 'B':
			rate_limit = atol(optarg);
			break;
		case 't':
			lifetime = atol(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s -d DIR [-l LOG] [-T BYTES] [-S BYTES] [-R] [-B RATE] [-t SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!root) {
		fprintf(stderr, "%s: -d DIR is required\n", argv[0]);
		return 2;
	}
	signal(SIGCHLD, SIG_IGN); /* children reap themselves */
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)lifetime);

	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
		perror("fetch_test_server: listen on 127.0.0.1");
		return 1;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);

	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("fetch_test_server: accept");
			return 1;
		}
		pid_t pid = fork();
		if (pid == 0) {
			close(s);
			alarm((unsigned)lifetime);
			serve(c);
			shutdown(c, SHUT_WR);
			close(c);
			_exit(0);
		}
		close(c);
	}
}
