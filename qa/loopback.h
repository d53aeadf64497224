/* IPv4 loopback sockets for the TCP self-tests. */
#ifndef QA_LOOPBACK_H
#define QA_LOOPBACK_H

#include <stdbool.h>
#include <stdint.h>

/* Bring "lo" up if it is down (a bare initramfs leaves it down). Returns 1
 * when it had to, 0 when it was up, -errno on error. */
int qa_loopback_up(void);
/* Listening socket on 127.0.0.1 with a kernel-chosen port; -errno on error. */
int qa_listen_loopback(int backlog, uint16_t *port);
/* Connect to 127.0.0.1:port. With nonblock the connect may still be in
 * progress on return. Returns the fd or -errno. */
int qa_connect_loopback(uint16_t port, bool nonblock);
/* Local port of a socket, 0 on error. */
uint16_t qa_local_port(int fd);

#endif
