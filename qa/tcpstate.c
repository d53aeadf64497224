/* TCP socket state lookup: inet_diag netlink first, /proc/net/tcp second. */
#include "tcpstate.h"
#include "qa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
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

/* One inet_diag dump of every IPv4 TCP socket in every state; each socket
 * is handed to fn. Returns 0 or -errno. */
static int dump_netlink(void (*fn)(const struct inet_diag_msg *m, void *ctx), void *ctx)
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
	struct sockaddr_nl nladdr = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nladdr, sizeof(nladdr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	static char buf[32768] __attribute__((aligned(8)));
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
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(h);
				close(fd);
				return err->error ? err->error : -EIO;
			}
			fn(NLMSG_DATA(h), ctx);
		}
	}
}

struct lookup_ctx {
	uint16_t lport, rport;
	struct qa_tcp_sock *out;
	int found;
};

static void lookup_one(const struct inet_diag_msg *m, void *ctx)
{
	struct lookup_ctx *c = ctx;
	if (c->found || ntohs(m->id.idiag_sport) != c->lport || ntohs(m->id.idiag_dport) != c->rport)
		return;
	c->out->state = m->idiag_state;
	c->out->rqueue = m->idiag_rqueue;
	c->out->wqueue = m->idiag_wqueue;
	c->found = 1;
}

static int lookup_netlink(uint16_t lport, uint16_t rport, struct qa_tcp_sock *out)
{
	struct lookup_ctx c = {lport, rport, out, 0};
	int r = dump_netlink(lookup_one, &c);
	return r < 0 ? r : c.found;
}

struct count_ctx {
	uint16_t rport;
	int state, n;
};

static void count_one(const struct inet_diag_msg *m, void *ctx)
{
	struct count_ctx *c = ctx;
	if (m->idiag_state == c->state && (!c->rport || ntohs(m->id.idiag_dport) == c->rport))
		c->n++;
}

int qa_tcp_count(uint16_t rport, int state)
{
	struct count_ctx c = {rport, state, 0};
	int r = dump_netlink(count_one, &c);
	return r < 0 ? r : c.n;
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
		if (sscanf(line, " %*u: %x:%x %x:%x %x %x:%x", &laddr, &lp, &raddr, &rp, &st, &txq, &rxq) !=
		    7)
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

double qa_tcp_lifetime(uint16_t lport, uint16_t rport, int state, double t0, double limit)
{
	bool seen = false;
	for (;;) {
		struct qa_tcp_sock s;
		int r = qa_tcp_lookup(lport, rport, &s);
		double t = qa_now() - t0;
		if (r < 0) {
			qa_diag("socket state lookup failed: %s", strerror(-r));
			return -1;
		}
		if (r == 1 && s.state == state) {
			seen = true;
		} else if (seen) {
			return t;
		} else if (t > 1.0) {
			qa_diag("127.0.0.1:%u never showed state %d (state %d)", lport, state,
				r ? s.state : -1);
			return -1;
		}
		if (t >= limit) {
			qa_diag("127.0.0.1:%u still in state %d after %.2f s", lport, state, t);
			return limit;
		}
		qa_sleep_ms(50);
	}
}
