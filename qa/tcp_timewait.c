/* qa/tcp_timewait: the tunable TIME_WAIT length (net.ipv4.tcp_tw_timeout,
 * seconds, 1..600) is present, has the compiled-in default, refuses
 * out-of-range values, and an actively closed loopback connection stays in
 * TIME_WAIT for the configured time, also after a runtime change.
 *
 * usage: tcp_timewait [--default N] [--short S] [--second S2]
 *
 * Bounds. 6.1 gives every TIME_WAIT socket its own timer; the timer wheel
 * fires it late by up to its level's granularity, at most about S/8 (a 60 s
 * timer measured 61.1 s on a 6.18 host). 2.6.39 reaps through tcp_death_row:
 * below about 4 s a calendar with ~128 ms ticks (lifetime S .. S + 128 ms),
 * above it an 8-slot wheel with period S/8 (lifetime S - S/8 .. S). Add our
 * 100 ms polling and we accept [S - S/8 - 0.25 s, S + S/8 + 1.5 s]; the
 * extra second covers a slow TCG guest. Both bounds are printed. */
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY "net.ipv4.tcp_tw_timeout"
#define POLL_MS 100

static double lower_bound(long s)
{
	return (double)s - (double)s / 8 - 0.25;
}
static double upper_bound(long s)
{
	return (double)s + (double)s / 8 + 1.5;
}

static long parse_long(const char *s, const char *opt)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "tcp_timewait: %s needs a number, not '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

/* Write an out-of-range value: it must fail with EINVAL and change nothing. */
static void check_refused(struct qa_ktap *k, const char *value, long current)
{
	int r = qa_sysctl_write(KEY, value);
	long after = -1;
	int rr = qa_sysctl_read_long(KEY, &after);
	if (r != -EINVAL)
		qa_diag("writing %s: %s (expected EINVAL)", value, r ? strerror(-r) : "accepted");
	if (rr < 0 || after != current)
		qa_diag("value after writing %s is %ld, was %ld", value, after, current);
	qa_result(k, r == -EINVAL && rr == 0 && after == current,
		  "writing %s is refused with EINVAL and leaves %ld", value, current);
	if (rr == 0 && after != current)
		qa_sysctl_write_long(KEY, current);
}

/* Open a loopback connection, close the client first, then the server; the
 * client ends in TIME_WAIT when the server's FIN arrives. Poll its state
 * every 100 ms until it leaves TIME_WAIT. Returns the seconds it lasted
 * (from the server's close) or -1 with a diagnostic. */
static double measure(long seconds)
{
	uint16_t lport, cport;
	int lfd = qa_listen_loopback(4, &lport);
	if (lfd < 0) {
		qa_diag("listen on 127.0.0.1: %s", strerror(-lfd));
		return -1;
	}
	int cfd = qa_connect_loopback(lport, false);
	if (cfd < 0) {
		qa_diag("connect to 127.0.0.1:%u: %s", lport, strerror(-cfd));
		close(lfd);
		return -1;
	}
	int sfd = accept(lfd, NULL, NULL);
	close(lfd);
	if (sfd < 0) {
		qa_diag("accept: %s", strerror(errno));
		close(cfd);
		return -1;
	}
	cport = qa_local_port(cfd);
	close(cfd); /* active close: this side gets TIME_WAIT */

	/* Wait for the client's FIN (EOF) before closing the server side. */
	struct pollfd p = {.fd = sfd, .events = POLLIN};
	char c;
	if (poll(&p, 1, 2000) != 1 || read(sfd, &c, 1) != 0)
		qa_diag("server side did not see EOF within 2 s");
	close(sfd);
	double t0 = qa_now();

	double limit = upper_bound(seconds) + 5;
	bool seen = false;
	for (;;) {
		struct qa_tcp_sock s;
		int r = qa_tcp_lookup(cport, lport, &s);
		double t = qa_now() - t0;
		if (r < 0) {
			qa_diag("socket state lookup failed: %s", strerror(-r));
			return -1;
		}
		if (r == 1 && s.state == QA_TCP_TIME_WAIT)
			seen = true;
		else if (seen || t > 1.0) {
			if (!seen) {
				qa_diag("127.0.0.1:%u never showed TIME_WAIT (state %d)", cport,
					r ? s.state : -1);
				return -1;
			}
			return t;
		}
		if (t > limit) {
			qa_diag("127.0.0.1:%u still in TIME_WAIT after %.1f s", cport, t);
			return t;
		}
		qa_sleep_ms(POLL_MS);
	}
}

static double check_lifetime(struct qa_ktap *k, long seconds, const char *what)
{
	int w = qa_sysctl_write_long(KEY, seconds);
	if (w < 0) {
		qa_diag("cannot set %s=%ld: %s", KEY, seconds, strerror(-w));
		qa_result(k, false, "TIME_WAIT lasts %ld s%s", seconds, what);
		return -1;
	}
	double lo = lower_bound(seconds), hi = upper_bound(seconds);
	double t = measure(seconds);
	if (t >= 0)
		qa_diag("%s=%ld: TIME_WAIT lasted %.2f s (bounds %.2f..%.2f s, state from %s)", KEY, seconds,
			t, lo, hi, qa_tcp_source());
	qa_result(k, t >= lo && t <= hi, "TIME_WAIT lasts %ld s%s", seconds, what);
	return t;
}

int main(int argc, char **argv)
{
	long want_default = -1, s1 = 2, s2 = -1;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--default"))
			want_default = parse_long(argv[++i], "--default");
		else if (i + 1 < argc && !strcmp(argv[i], "--short"))
			s1 = parse_long(argv[++i], "--short");
		else if (i + 1 < argc && !strcmp(argv[i], "--second"))
			s2 = parse_long(argv[++i], "--second");
		else {
			fprintf(stderr, "usage: tcp_timewait [--default N] [--short S] [--second S2]\n");
			return 2;
		}
	}
	if (s2 < 0)
		s2 = s1 + 2;

	struct qa_ktap k;
	qa_begin(&k, 8);
	qa_diag("bounds: [S - S/8 - 0.25 s, S + S/8 + 1.5 s] (2.6.39: wheel period S/8, "
		"calendar tick ~128 ms; 6.1: per-socket timer, wheel slack <= S/8; "
		"100 ms polling)");

	long original;
	int r = qa_sysctl_read_long(KEY, &original);
	if (r < 0) {
		qa_diag("cannot read %s: %s", KEY, strerror(-r));
		qa_result(&k, false, "%s exists", KEY);
		const char *rest[] = {"default value",
				      "writing 0 is refused",
				      "writing 601 is refused",
				      "writing -1 is refused",
				      "TIME_WAIT lasts the short value",
				      "TIME_WAIT follows a runtime change",
				      "original value restored"};
		for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
			qa_skip(&k, "sysctl missing", "%s", rest[i]);
		return qa_end(&k);
	}
	qa_result(&k, true, "%s exists (value %ld)", KEY, original);

	if (want_default < 0) {
		qa_skip(&k, "no --default given", "default value");
	} else {
		char boot[64];
		long before = original;
		if (qa_sysctl_boot_value(KEY, boot, sizeof(boot)) == 0) {
			before = strtol(boot, NULL, 10);
			qa_diag("value before the profile's sysctls (/run/sysctl.boot): %ld", before);
		} else {
			qa_diag("not in /run/sysctl.boot: the current value is the default");
		}
		qa_result(&k, before == want_default, "default value is %ld (got %ld)", want_default, before);
	}

	check_refused(&k, "0", original);
	check_refused(&k, "601", original);
	check_refused(&k, "-1", original);

	int up = qa_loopback_up();
	if (up > 0)
		qa_diag("lo was down: brought it up");
	else if (up < 0)
		qa_diag("cannot bring lo up: %s", strerror(-up));
	double t1 = check_lifetime(&k, s1, "");
	double t2 = check_lifetime(&k, s2, " after a runtime change");
	if (t1 >= 0 && t2 >= 0)
		qa_diag("runtime change %ld s -> %ld s: measured %.2f s -> %.2f s", s1, s2, t1, t2);

	int w = qa_sysctl_write_long(KEY, original);
	long now = -1;
	qa_sysctl_read_long(KEY, &now);
	qa_result(&k, w == 0 && now == original, "original value %ld restored", original);
	return qa_end(&k);
}
