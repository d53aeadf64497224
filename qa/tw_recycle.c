/* qa/tw_recycle: net.ipv4.tcp_tw_recycle, which the fleet still sets on
 * 2.6.3x and which Linux removed in 4.12.
 *
 * usage: tw_recycle [--wrong]
 *
 * What it does on 2.6.3x: a connection with timestamps that the local end
 * closes first keeps TIME_WAIT for only 3.5 x RTO (700 ms on loopback, the
 * RTO floor being 200 ms) instead of the TIME_WAIT length, because the
 * last timestamp of the peer host is remembered in its inet_peer entry; in
 * exchange, for 60 s, a SYN from that host whose timestamp is older than
 * the remembered one is dropped (PAWSPassiveRejected), which breaks
 * clients behind NAT. The test checks the presence of the sysctl against
 * the kernel version (present before 4.12, absent after), and where it
 * exists that TIME_WAIT of a loopback connection ends within 2 s with
 * tcp_tw_recycle=1. Where it does not, that subtest is a SKIP saying so.
 * --wrong sets tcp_tw_recycle=0 while expecting the short TIME_WAIT (and,
 * where the sysctl is absent, expects it present), so the test must fail:
 * its negative check. The sysctls are put back. */
#include "kver.h"
#include "loopback.h"
#include "qa.h"
#include "tcpstate.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KEY "net.ipv4.tcp_tw_recycle"

int main(int argc, char **argv)
{
	bool wrong = argc == 2 && !strcmp(argv[1], "--wrong");
	if (argc > 2 || (argc == 2 && !wrong)) {
		fprintf(stderr, "usage: tw_recycle [--wrong]\n");
		return 2;
	}
	struct qa_ktap k;
	qa_begin(&k, 2);
	struct utsname u;
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "?");
	/* The gate (qa/kver.h, unit-tested): removed from 4.12 on. A release
	 * that cannot be read counts as before 4.12, so a missing sysctl fails. */
	int since = qa_release_at_least(u.release, 4, 12);
	if (since < 0)
		qa_diag("cannot read the kernel version from release '%s'", u.release);
	bool removed = since == 1;
	char v[16];
	bool present = qa_sysctl_read(KEY, v, sizeof(v)) == 0;
	/* --wrong on a kernel without it expects it anyway: the negative check. */
	bool expect_present = wrong && !present ? true : !removed;
	qa_result(&k, present == expect_present, "%s is %s on %s, as expected %s 4.12", KEY,
		  present ? "present" : "absent", u.release, removed ? "since" : "before");
	if (!present) {
		qa_skip(&k, "net.ipv4.tcp_tw_recycle does not exist on this kernel (removed in 4.12)",
			"tcp_tw_recycle=1 shortens TIME_WAIT to 3.5 x RTO");
		return qa_end(&k);
	}
	if (wrong)
		qa_diag("--wrong: %s=0 where 1 is expected (this run must fail)", KEY);
	qa_loopback_up();
	uint16_t sport;
	int lfd = qa_listen_loopback(4, &sport), cfd, sfd;
	int r = lfd < 0 ? lfd : qa_loopback_pair(lfd, sport, &cfd, &sfd);
	if (r < 0 || qa_sysctl_set_temp("net.ipv4.tcp_timestamps", "1") < 0 ||
	    qa_sysctl_set_temp(KEY, wrong ? "0" : "1") < 0) {
		qa_diag("set-up failed: %s", r < 0 ? strerror(-r) : "sysctl");
		return qa_end(&k);
	}
	uint16_t cport = qa_local_port(cfd);
	qa_close_active(cfd, sfd);
	double t0 = qa_now();
	double t = qa_tcp_lifetime(cport, sport, QA_TCP_TIME_WAIT, t0, 2.5);
	qa_diag("%s=%s: TIME_WAIT lasted %.2f s (expected 3.5 x RTO, at most 2 s)", KEY, wrong ? "0" : "1",
		t);
	qa_result(&k, t >= 0 && t <= 2.0, "tcp_tw_recycle=1 shortens TIME_WAIT to 3.5 x RTO");
	close(lfd);
	return qa_end(&k);
}
