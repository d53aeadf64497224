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

/* Connect a client to the listener lfd on port and accept it: *cfd is the
 * client, *sfd the server side. Returns 0 or -errno. */
int qa_loopback_pair(int lfd, uint16_t port, int *cfd, int *sfd);
/* Close the client first (it gets TIME_WAIT), wait up to 2 s for the
 * server side to see EOF, then close the server side. */
void qa_close_active(int cfd, int sfd);
/* Attach a classic BPF filter that drops every segment arriving for fd
 * (the TCP layer discards them silently, as if the peer had vanished), or
 * detach it again. Returns 0 or -errno. */
int qa_drop_input(int fd);
int qa_accept_input(int fd);

#endif
