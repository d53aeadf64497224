/* A minimal QMP client: one command, one answer, jansson for the JSON. */
#include "guest/qmp.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct qmp_conn {
	int fd;
	char buf[8192];
	size_t len;
	double deadline;
	const char *path;
};

/* The next JSON object QEMU sends (one a line), or NULL with kb_fail(). */
static json_t *next_message(struct qmp_conn *c)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			json_error_t err;
			json_t *m = json_loadb(c->buf, (size_t)(nl - c->buf), 0, &err);
			c->len -= (size_t)(nl + 1 - c->buf);
			memmove(c->buf, nl + 1, c->len);
			if (!m)
				kb_fail("%s: QMP sent what is not JSON: %s", c->path, err.text);
			return m;
		}
		if (c->len == sizeof(c->buf)) {
			kb_fail("%s: a QMP message longer than %zu bytes", c->path, sizeof(c->buf));
			return NULL;
		}
		double left = c->deadline - now_seconds();
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		int r = left > 0 ? poll(&p, 1, (int)(left * 1000) + 1) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			kb_fail("%s: QMP did not answer in time", c->path);
			return NULL;
		}
		ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			kb_fail("%s: QMP connection closed%s%s", c->path, n < 0 ? ": " : "",
				n < 0 ? strerror(errno) : "");
			return NULL;
		}
		c->len += (size_t)n;
	}
}

static int send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sends {"execute": command} and waits for its answer, skipping events. */
static int execute(struct qmp_conn *c, const char *command)
{
	char *line = xasprintf("{\"execute\": \"%s\"}\n", command);
	size_t len = strlen(line);
	int rc = send_all(c->fd, line, len) < 0 ? kb_fail("%s: QMP: %s", c->path, strerror(errno)) : 0;
	free(line);
	while (rc == 0) {
		json_t *m = next_message(c);
		if (!m)
			return -1;
		json_t *err = json_object_get(m, "error");
		bool answered = json_object_get(m, "return") || err;
		if (err)
			rc = kb_fail("%s: QMP %s: %s", c->path, command,
				     json_string_value(json_object_get(err, "desc")) ?: "refused");
		json_decref(m);
		if (answered)
			break;
	}
	return rc;
}

int qmp_command(const char *path, const char *command, double timeout_s)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return kb_fail("%s: socket path longer than %zu bytes", path, sizeof(a.sun_path) - 1);
	memcpy(a.sun_path, path, strlen(path) + 1);
	struct qmp_conn c = {.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
			     .deadline = now_seconds() + timeout_s,
			     .path = path};
	if (c.fd < 0)
		return kb_fail("socket: %s", strerror(errno));
	int rc = connect(c.fd, (struct sockaddr *)&a, sizeof(a)) < 0
			 ? kb_fail("%s: cannot connect to QEMU's QMP: %s", path, strerror(errno))
			 : 0;
	json_t *greeting = rc == 0 ? next_message(&c) : NULL;
	if (rc == 0 && !greeting)
		rc = -1;
	else if (rc == 0 && !json_object_get(greeting, "QMP"))
		rc = kb_fail("%s: not a QMP greeting", path);
	json_decref(greeting);
	if (rc == 0)
		rc = execute(&c, "qmp_capabilities");
	if (rc == 0)
		rc = execute(&c, command);
	close(c.fd);
	return rc;
}
