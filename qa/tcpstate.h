/* Look up an IPv4 TCP socket by its ports and read its state, through the
 * inet_diag netlink interface (the old TCPDIAG_GETSOCK request, which both
 * 2.6.39 and 6.1 answer) or, when that is unavailable, /proc/net/tcp. */
#ifndef QA_TCPSTATE_H
#define QA_TCPSTATE_H

#include <stdint.h>

/* Kernel TCP states (include/net/tcp_states.h). */
enum { QA_TCP_ESTABLISHED = 1, QA_TCP_TIME_WAIT = 6, QA_TCP_LISTEN = 10 };

struct qa_tcp_sock {
	int state;
	/* For a listener: current accept queue length and its maximum. */
	uint32_t rqueue, wqueue;
};

/* Find the socket bound to local port lport and connected to remote port
 * rport (0 for a listener). Returns 1 found, 0 not found,
 * -errno when neither source works. */
int qa_tcp_lookup(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out);
/* Which source answered the last lookup: "inet_diag netlink" or "/proc/net/tcp". */
const char *qa_tcp_source(void);
/* Force /proc/net/tcp (for testing the fallback). */
void qa_tcp_force_proc(void);

#endif
