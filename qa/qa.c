/* KTAP output and sysctl helpers shared by the qa programs. */
#include "qa.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void qa_begin(struct qa_ktap *k, int planned)
{
	/* The runner reads us through a pipe: flush per line so output is
	 * not lost or reordered when we are killed on timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(k, 0, sizeof(*k));
	k->planned = planned;
	printf("KTAP version 1\n1..%d\n", planned);
}

static void vresult(struct qa_ktap *k, const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	printf("%s %d ", prefix, ++k->done);
	vprintf(fmt, ap);
	printf("%s\n", suffix);
}

bool qa_result(struct qa_ktap *k, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vresult(k, ok ? "ok" : "not ok", fmt, ap, "");
	va_end(ap);
	if (!ok)
		k->failed++;
	return ok;
}

void qa_skip(struct qa_ktap *k, const char *reason, const char *fmt, ...)
{
	char *suffix = NULL;
	va_list ap;
	if (asprintf(&suffix, " # SKIP %s", reason) < 0)
		suffix = NULL;
	va_start(ap, fmt);
	vresult(k, "ok", fmt, ap, suffix ? suffix : " # SKIP");
	va_end(ap);
	free(suffix);
	k->skipped++;
}

void qa_diag(const char *fmt, ...)
{
	va_list ap;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int qa_end(struct qa_ktap *k)
{
	while (k->done < k->planned)
		qa_result(k, false, "result %d was never produced", k->done + 1);
	if (k->done > k->planned)
		qa_diag("printed %d results for a plan of %d", k->done, k->planned);
	fflush(stdout);
	if (k->failed || k->done != k->planned)
		return QA_EXIT_FAIL;
	if (k->planned > 0 && k->skipped == k->planned)
		return QA_EXIT_SKIP;
	return QA_EXIT_PASS;
}

void qa_sysctl_path(const char *key, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "/proc/sys/%s", key);
	for (size_t i = strlen("/proc/sys/"); i < n && i < size; i++)
		if (buf[i] == '.')
			buf[i] = '/';
}

void qa_normalise(char *s)
{
	char *w = s;
	bool blank = false;
	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			blank = w != s;
			continue;
		}
		if (blank)
			*w++ = ' ';
		blank = false;
		*w++ = *r;
	}
	*w = '\0';
}

int qa_sysctl_read(const char *key, char *buf, size_t size)
{
	char path[512];
	qa_sysctl_path(key, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	qa_normalise(buf);
	return 0;
}

int qa_sysctl_read_long(const char *key, long *value)
{
	char buf[64], *end;
	int r = qa_sysctl_read(key, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	*value = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int qa_sysctl_write(const char *key, const char *value)
{
	char path[512], line[256];
	qa_sysctl_path(key, path, sizeof(path));
	int n = snprintf(line, sizeof(line), "%s\n", value);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, line, (size_t)n);
	int e = w < 0 ? errno : 0;
	/* Some kernels report the error only at close. */
	if (close(fd) < 0 && !e)
		e = errno;
	if (e)
		return -e;
	return w == n ? 0 : -EIO;
}

int qa_sysctl_write_long(const char *key, long value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", value);
	return qa_sysctl_write(key, buf);
}

int qa_sysctl_boot_value(const char *key, char *buf, size_t size)
{
	FILE *f = fopen("/run/sysctl.boot", "re");
	if (!f)
		return -ENOENT;
	char line[512];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, key, klen))
			continue;
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		snprintf(buf, size, "%s", p + 1);
		qa_normalise(buf);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

#define QA_MAX_SAVED 16
static struct {
	char key[128], value[256];
} saved[QA_MAX_SAVED];
static int n_saved;

static void restore_saved(void)
{
	for (int i = n_saved - 1; i >= 0; i--) {
		int r = qa_sysctl_write(saved[i].key, saved[i].value);
		if (r < 0)
			qa_diag("could not restore %s=%s: %s", saved[i].key, saved[i].value, strerror(-r));
	}
	n_saved = 0;
}

int qa_sysctl_set_temp(const char *key, const char *value)
{
	bool known = false;
	for (int i = 0; i < n_saved; i++)
		known |= !strcmp(saved[i].key, key);
	if (!known) {
		if (n_saved == QA_MAX_SAVED) {
			qa_diag("more than %d sysctls changed: %s not set", QA_MAX_SAVED, key);
			return -ENOSPC;
		}
		int r = qa_sysctl_read(key, saved[n_saved].value, sizeof(saved[n_saved].value));
		if (r < 0) {
			qa_diag("cannot read %s: %s", key, strerror(-r));
			return r;
		}
		snprintf(saved[n_saved].key, sizeof(saved[n_saved].key), "%s", key);
		if (n_saved++ == 0)
			atexit(restore_saved);
	}
	int r = qa_sysctl_write(key, value);
	if (r < 0)
		qa_diag("cannot set %s=%s: %s", key, value, strerror(-r));
	return r;
}

int qa_sysctl_set_temp_long(const char *key, long value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", value);
	return qa_sysctl_set_temp(key, buf);
}

long qa_arg_long(const char *s, const char *opt)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "%s needs a number, not '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

double qa_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qa_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
