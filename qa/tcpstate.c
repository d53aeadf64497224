/* TCP socket state lookup: inet_diag netlink first, /proc/net/tcp second. */
#define _GNU_SOURCE
#include "tcpstate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static enum { SRC_UNKNOWN, SRC_NETLINK, SRC_PROC } source;

const char *qa_tcp_source(void)
{
	return source == SRC_PROC ? "/proc/net/tcp" : "inet_diag netlink";
}

void qa_tcp_force_proc(void)
{
	source = SRC_PROC;
}

/* One dump of every IPv4 TCP socket in every state, matched by ports. */
static int lookup_netlink(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_INET_DIAG);
	if (fd < 0)
		return -errno;
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req r;
	} req;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = TCPDIAG_GETSOCK;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.idiag_family = AF_INET;
	req.r.idiag_states = 0xfff; /* every state, TIME_WAIT included */
	struct sockaddr_nl nladdr = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nladdr,
		   sizeof(nladdr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	static char buf[32768] __attribute__((aligned(8)));
	int found = 0;
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0) {
			int e = len < 0 ? errno : EIO;
			close(fd);
			return -e;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return found;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(h);
				close(fd);
				return err->error ? err->error : -EIO;
			}
			struct inet_diag_msg *m = NLMSG_DATA(h);
			if (found || ntohs(m->id.idiag_sport) != lport ||
			    ntohs(m->id.idiag_dport) != rport)
				continue;
			out->state = m->idiag_state;
			out->rqueue = m->idiag_rqueue;
			out->wqueue = m->idiag_wqueue;
			found = 1;
		}
	}
}

/* "  sl  local_address rem_address   st tx_queue rx_queue ..." with hex
 * fields; for a listener rx_queue is the accept queue length and the
 * maximum is not shown, so wqueue is left 0. */
static int lookup_proc(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	if (!f)
		return -errno;
	char line[512];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned laddr, lp, raddr, rp, st, txq, rxq;
		if (sscanf(line, " %*u: %x:%x %x:%x %x %x:%x", &laddr, &lp, &raddr,
			   &rp, &st, &txq, &rxq) != 7)
			continue;
		if (lp != lport || rp != rport)
			continue;
		out->state = (int)st;
		out->rqueue = rxq;
		out->wqueue = 0;
		found = 1;
	}
	fclose(f);
	return found;
}

int qa_tcp_lookup(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out)
{
	if (source != SRC_PROC) {
		int r = lookup_netlink(lport, rport, out);
		if (r >= 0) {
			source = SRC_NETLINK;
			return r;
		}
		if (source == SRC_NETLINK)
			return r; /* it worked before: a real error */
		source = SRC_PROC;
	}
	return lookup_proc(lport, rport, out);
}
