/* Look up an IPv4 TCP socket by its ports and read its state, through the
 * inet_diag netlink interface (the old TCPDIAG_GETSOCK request, which both
 * 2.6.39 and 6.1 answer) or, when that is unavailable, /proc/net/tcp. */
#ifndef QA_TCPSTATE_H
#define QA_TCPSTATE_H

#include <stdint.h>

/* Kernel TCP states (include/net/tcp_states.h). */
enum {
	QA_TCP_ESTABLISHED = 1,
	QA_TCP_SYN_SENT = 2,
	QA_TCP_FIN_WAIT2 = 5,
	QA_TCP_TIME_WAIT = 6,
	QA_TCP_CLOSE_WAIT = 8,
	QA_TCP_LISTEN = 10
};

struct qa_tcp_sock {
	int state;
	/* For a listener: current accept queue length and its maximum. */
	uint32_t rqueue, wqueue;
};

/* Find the socket bound to local port lport and connected to remote port
 * rport (0 for a listener). Returns 1 found, 0 not found,
 * -errno when neither source works. */
int qa_tcp_lookup(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out);
/* How many sockets inet_diag shows in state, connected to remote port rport
 * (0: any). Timewait sockets count under their substate (FIN_WAIT2 or
 * TIME_WAIT). Netlink only; -errno when it is unavailable. */
int qa_tcp_count(uint16_t rport, int state);
/* Poll (every 50 ms) the socket lport -> rport until it is no longer in
 * state. Returns the seconds from t0 (qa_now()) until then; limit (seconds
 * from t0) when it still is at limit; -1 with a diagnostic when it was
 * never seen in state or the lookup fails. */
double qa_tcp_lifetime(uint16_t lport, uint16_t rport, int state, double t0, double limit);
/* Which source answered the last lookup: "inet_diag netlink" or "/proc/net/tcp". */
const char *qa_tcp_source(void);
/* Force /proc/net/tcp (for testing the fallback). */
void qa_tcp_force_proc(void);

#endif
