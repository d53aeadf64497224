/* The kernel's TCP extended counters (/proc/net/netstat, "TcpExt:" lines),
 * e.g. SyncookiesSent or TCPTimeWaitOverflow. */
#ifndef QA_NETSTAT_H
#define QA_NETSTAT_H

/* Value of the TcpExt counter name. Returns 0, -ENOENT when this kernel
 * has no such counter, or another -errno. */
int qa_tcpext(const char *name, long long *value);

#endif
