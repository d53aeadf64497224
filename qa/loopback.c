/* IPv4 loopback sockets for the TCP self-tests. */
#include "loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <poll.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int qa_loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	int ret = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 1;
	}
	close(fd);
	return ret;
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

uint16_t qa_local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return 0;
	return ntohs(a.sin_port);
}

int qa_listen_loopback(int backlog, uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = loopback(0);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, backlog) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*port = qa_local_port(fd);
	return fd;
}

int qa_connect_loopback(uint16_t port, bool nonblock)
{
	/* Plain socket() + fcntl(): SOCK_NONBLOCK is newer than some guests. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	struct sockaddr_in a = loopback(port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && !(nonblock && errno == EINPROGRESS)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int qa_loopback_pair(int lfd, uint16_t port, int *cfd, int *sfd)
{
	*cfd = qa_connect_loopback(port, false);
	if (*cfd < 0)
		return *cfd;
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0) {
		int e = errno;
		close(*cfd);
		return -e;
	}
	return 0;
}

void qa_close_active(int cfd, int sfd)
{
	close(cfd);
	struct pollfd p = {.fd = sfd, .events = POLLIN};
	char c;
	if (poll(&p, 1, 2000) == 1)
		(void)!read(sfd, &c, 1);
	close(sfd);
}

int qa_drop_input(int fd)
{
	struct sock_filter drop_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog prog = {.len = 1, .filter = drop_all};
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

int qa_accept_input(int fd)
{
	int unused = 0;
	return setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof(unused)) < 0 ? -errno : 0;
}
