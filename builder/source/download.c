/* The fetch stage: see fetch.h. One flock per cached file name serialises
 * runs sharing the cache; each URL gets up to two transfers (a resume, then a
 * clean restart when the resumed data cannot be used). */
#include "source/download.h"
#include "lib/progress.h"
#include "lib/sha256.h"
#include "lib/children.h"
#include "lib/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/version.h"

#define MAX_REDIRECTS 10L
#define DEFAULT_MAX_BYTES (4LL << 30) /* no kernel tarball comes near 4 GiB */

struct fetch_run {
	const struct fetch_opts *o;
	char *dir, *final, *part, *bad, *lock;
	long long max_bytes;
	long connect_timeout, low_time, low_limit;
	char *last_url; /* the URL of the last failure, and why */
	char *last_reason;
	char *mismatch;  /* the first digest mismatch, kept for the final error */
	int unreachable; /* some URL could not be resolved or connected to */
};

/* State of one transfer into the .part file. */
struct sink {
	int fd;
	int write_errno;
	long long written, max_bytes; /* bytes in the .part, and the bound */
	int too_big;
	struct progress prog;
	CURL *h;
	/* curl's low-speed check averages over a window of ~5 s, so a server that
	 * sends a burst and then nothing is caught late; this catches a complete
	 * stall (no byte at all for stall_limit seconds once connected) on time. */
	double stall_limit, last_change;
	curl_off_t last_now;
	int stalled;
};

static void flog(struct fetch_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void flog(struct fetch_run *r, const char *fmt, ...)
{
	if (!r->o->log)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("fetch: ", r->o->log);
	vfprintf(r->o->log, fmt, ap);
	fputc('\n', r->o->log);
	va_end(ap);
	fflush(r->o->log);
}

static int curl_ready;

/* curl_global_init once, on first use (kbuild is single-threaded). */
static int curl_init_once(void)
{
	if (curl_ready)
		return 0;
	CURLcode c = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (c != CURLE_OK)
		return kb_fail("libcurl initialisation failed: %s", curl_easy_strerror(c));
	curl_ready = 1;
	return 0;
}

static int is_file_url(const char *url)
{
	return strncasecmp(url, "file:", 5) == 0;
}

/* Cache files are opened without following symlinks: a link planted in the
 * cache (NAME.part -> ~/.bashrc) is refused, never written or trusted. */
static int open_nofollow(const char *path, int flags)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ELOOP)
		kb_fail("%s is a symbolic link; refusing to use it (remove it)", path);
	else if (fd < 0)
		kb_fail("%s: cannot open: %s", path, strerror(errno));
	return fd;
}

static int digest_matches(struct fetch_run *r, const char *path, char actual[SHA256_HEX_LEN + 1])
{
	int fd = open_nofollow(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kb_fail("%s is not a regular file; refusing to use it", path);
	}
	int rc = sha256_fd(fd, path, actual);
	close(fd);
	if (rc < 0)
		return -1;
	return strcasecmp(actual, r->o->sha256) == 0;
}

static void set_failure(struct fetch_run *r, const char *url, char *reason)
{
	free(r->last_url);
	free(r->last_reason);
	r->last_url = xstrdup(url);
	r->last_reason = reason;
	flog(r, "failed: %s: %s", url, reason);
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t len = size * nmemb, off = 0;
	/* an endless or oversized body must not fill the cache disk */
	if (s->written + (long long)len > s->max_bytes) {
		s->too_big = 1;
		return 0;
	}
	s->written += (long long)len;
	while (off < len) {
		ssize_t n = write(s->fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->write_errno = n < 0 ? errno : ENOSPC;
			return 0; /* makes curl stop with CURLE_WRITE_ERROR */
		}
		off += (size_t)n;
	}
	return len;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)ultotal;
	(void)ulnow;
	struct sink *s = userdata;
	if (children_interrupted())
		return 1; /* curl aborts the transfer: the fetch stage fails, the run unwinds */
	progress_update(&s->prog, (long long)dlnow, (long long)dltotal);

	double now = now_seconds();
	curl_off_t connect_us = 0;
	curl_easy_getinfo(s->h, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (connect_us == 0 || dlnow != s->last_now) {
		/* still connecting (CURLOPT_CONNECTTIMEOUT's business), or progress */
		s->last_now = dlnow;
		s->last_change = now;
	} else if (now - s->last_change >= s->stall_limit) {
		s->stalled = 1;
		return 1; /* abort: CURLE_ABORTED_BY_CALLBACK */
	}
	return 0;
}

static void set_common_options(struct fetch_run *r, CURL *h, const char *url, char *errbuf, struct sink *s)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string forms */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* TLS verification stays at libcurl's default (on); never turned off. */
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kbuild/" KBUILD_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, r->connect_timeout);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, r->low_limit);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, r->low_time);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
}

/* Result of one transfer, as the retry logic needs it. */
struct outcome {
	CURLcode code;
	long http;             /* HTTP status, 0 for file:// or no response */
	int connected;         /* a connection was established */
	long long received;    /* body bytes of this transfer */
	int local_write_error; /* writing the .part failed (disk full...) */
	int too_big;           /* the body passed max_bytes */
	char reason[CURL_ERROR_SIZE + 64];
};

static void transfer(struct fetch_run *r, const char *url, int fd, long long offset, struct outcome *out)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink s = {.fd = fd,
			 .stall_limit = (double)r->low_time,
			 .written = offset,
			 .max_bytes = r->max_bytes};
	CURL *h = curl_easy_init();
	s.h = h;
	*out = (struct outcome){.code = CURLE_FAILED_INIT};
	if (!h) {
		snprintf(out->reason, sizeof(out->reason), "curl_easy_init failed");
		return;
	}
	set_common_options(r, h, url, errbuf, &s);
	if (offset > 0)
		curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)offset);

	progress_start(&s.prog, r->o->progress_out, r->o->progress, r->o->file_name, offset);
	double t0 = now_seconds();
	s.last_change = t0;
	out->code = curl_easy_perform(h);
	progress_finish(&s.prog, out->code == CURLE_OK);

	curl_off_t got = 0, connect_us = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->http);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
	char *effective = NULL;
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
	out->received = (long long)got;
	out->connected = connect_us > 0 || out->http > 0;

	out->local_write_error = out->code == CURLE_WRITE_ERROR && s.write_errno;
	out->too_big = out->code == CURLE_WRITE_ERROR && s.too_big;
	if (out->too_big)
		snprintf(out->reason, sizeof(out->reason),
			 "the body is larger than %lld bytes; abandoned (no kernel tarball is that big)",
			 r->max_bytes);
	else if (out->local_write_error)
		snprintf(out->reason, sizeof(out->reason), "writing %s: %s", r->part,
			 strerror(s.write_errno));
	else if (out->code == CURLE_ABORTED_BY_CALLBACK && s.stalled)
		snprintf(out->reason, sizeof(out->reason),
			 "stalled: no data received for %ld s after %lld bytes", r->low_time,
			 (long long)s.last_now);
	else if (out->code == CURLE_HTTP_RETURNED_ERROR)
		snprintf(out->reason, sizeof(out->reason), "HTTP %ld", out->http);
	else if (out->code != CURLE_OK)
		snprintf(out->reason, sizeof(out->reason), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(out->code));
	char status[32] = "";
	if (out->http > 0)
		snprintf(status, sizeof(status), "HTTP %ld, ", out->http);
	flog(r, "%s: %s%lld bytes in %.1f s%s%s, curl: %s", url, status, out->received, now_seconds() - t0,
	     effective && strcmp(effective, url) ? " via " : "",
	     effective && strcmp(effective, url) ? effective : "",
	     out->code == CURLE_OK ? "ok" : out->reason);
	curl_easy_cleanup(h);
}

static int is_unreachable(const struct outcome *t)
{
	switch (t->code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return 1;
	case CURLE_OPERATION_TIMEDOUT:
		return !t->connected;
	default:
		return 0;
	}
}

/* Empties the .part file for a download from byte zero. */
static int restart_part(struct fetch_run *r, int fd)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return kb_fail("%s: cannot truncate: %s", r->part, strerror(errno));
	return 0;
}

/* The .part is complete: verify it and move it into place. Returns 1 when it
 * matched, 0 on a mismatch (recorded and moved to .bad), -1 on an I/O error. */
static int finish_part(struct fetch_run *r, const char *url, int fd, long long offset)
{
	char actual[SHA256_HEX_LEN + 1];
	if (fsync(fd) < 0)
		return kb_fail("%s: fsync: %s", r->part, strerror(errno));
	int ok = digest_matches(r, r->part, actual);
	if (ok < 0)
		return -1;
	flog(r, "sha256 of %s: %s (expected %s)", r->part, actual, r->o->sha256);
	if (ok) {
		if (rename(r->part, r->final) < 0)
			return kb_fail("rename %s to %s: %s", r->part, r->final, strerror(errno));
		unlink(r->bad); /* an earlier failure's evidence is no longer needed */
		return 1;
	}
	if (rename(r->part, r->bad) < 0)
		unlink(r->part);
	char *msg = xasprintf("sha256 mismatch: expected %s, got %s%s (moved to %s)", r->o->sha256, actual,
			      offset > 0 ? " after resuming an earlier partial download" : "", r->bad);
	/* a mismatch on resumed bytes may be a stale .part, not this URL's fault */
	if (!r->mismatch && offset == 0)
		r->mismatch = xasprintf("%s from %s", msg, url);
	set_failure(r, url, msg);
	return 0;
}

/* Tries one URL. Returns 1 when the verified file is in place, 0 when this
 * URL failed (recorded in r), -1 on a local error that no mirror can fix. */
static int try_url(struct fetch_run *r, const char *url)
{
	for (int round = 0; round < 2; round++) {
		int fd = open_nofollow(r->part, O_WRONLY | O_CREAT);
		if (fd < 0)
			return -1;
		off_t offset = lseek(fd, 0, SEEK_END);
		if (offset < 0 || (offset > 0 && is_file_url(url))) {
			/* a local copy is cheap: no resume for file:// */
			if (restart_part(r, fd) < 0) {
				close(fd);
				return -1;
			}
			offset = 0;
		}
		if (offset > 0)
			flog(r, "trying %s, resuming %s from byte %lld", url, r->part, (long long)offset);
		else
			flog(r, "trying %s", url);

		struct outcome t;
		transfer(r, url, fd, offset, &t);

		if (t.code == CURLE_RANGE_ERROR && offset > 0) {
			flog(r, "%s ignored the Range request; restarting from byte 0", url);
			if (restart_part(r, fd) < 0) {
				close(fd);
				return -1;
			}
			close(fd);
			continue;
		}
		if (t.http == 416 && offset > 0 &&
		    (t.code == CURLE_OK || t.code == CURLE_HTTP_RETURNED_ERROR)) {
			/* the server has nothing past our offset: either the .part is
			 * already complete, or it is longer than the file */
			int done = finish_part(r, url, fd, offset);
			close(fd);
			if (done != 0)
				return done;
			flog(r, "%s answered 416 to a resume at byte %lld; restarting from byte 0", url,
			     (long long)offset);
			continue;
		}
		if (t.too_big) {
			close(fd);
			unlink(r->part);
			set_failure(r, url, xstrdup(t.reason));
			return 0;
		}
		if (t.local_write_error) {
			/* a part written to a full disk only keeps it full */
			close(fd);
			unlink(r->part);
			return kb_fail("fetch %s: %s: %s", r->o->file_name, url, t.reason);
		}
		if (t.code != CURLE_OK) {
			off_t size = lseek(fd, 0, SEEK_END);
			close(fd);
			if (size == 0)
				unlink(r->part);
			char *reason = size > 0 && (t.code == CURLE_PARTIAL_FILE ||
						    t.code == CURLE_OPERATION_TIMEDOUT ||
						    t.code == CURLE_ABORTED_BY_CALLBACK)
					       ? xasprintf("%s (kept %lld bytes in %s to resume)", t.reason,
							   (long long)size, r->part)
					       : xstrdup(t.reason);
			if (is_unreachable(&t))
				r->unreachable = 1;
			set_failure(r, url, reason);
			return 0;
		}
		int done = finish_part(r, url, fd, offset);
		close(fd);
		if (done != 0)
			return done;
		if (offset == 0)
			return 0;
		flog(r, "the mismatch may come from the resumed bytes; downloading %s again from byte 0",
		     url);
	}
	return 0;
}

/* A cached file that matches is used as is; one that does not is moved aside. */
static int check_cached(struct fetch_run *r)
{
	char actual[SHA256_HEX_LEN + 1];
	if (!path_exists(r->final))
		return 0;
	int ok = digest_matches(r, r->final, actual);
	if (ok < 0)
		return -1;
	if (ok) {
		flog(r, "cache hit: %s (sha256 %s)", r->final, actual);
		return 1;
	}
	flog(r, "cached %s has sha256 %s, expected %s; moving it to %s", r->final, actual, r->o->sha256,
	     r->bad);
	if (rename(r->final, r->bad) < 0)
		return kb_fail("rename %s to %s: %s", r->final, r->bad, strerror(errno));
	return 0;
}

static int take_lock(struct fetch_run *r, int *fd_out)
{
	int fd = open_nofollow(r->lock, O_RDWR | O_CREAT);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			close(fd);
			return kb_fail("%s: flock: %s", r->lock, strerror(errno));
		}
		flog(r, "waiting for another process holding %s", r->lock);
		if (r->o->progress >= 0) {
			FILE *out = r->o->progress_out ? r->o->progress_out : stderr;
			fprintf(out, "%s: waiting for another kbuild downloading it (%s)\n", r->o->file_name,
				r->lock);
			fflush(out);
		}
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				close(fd);
				return kb_fail("%s: flock: %s", r->lock, strerror(errno));
			}
		}
	}
	*fd_out = fd;
	return 0;
}

static int validate(const struct fetch_opts *o)
{
	if (!o->file_name || !o->file_name[0] || strchr(o->file_name, '/') || !strcmp(o->file_name, ".") ||
	    !strcmp(o->file_name, ".."))
		return kb_fail("fetch: invalid cache file name '%s'", o->file_name ? o->file_name : "");
	if (!o->sha256 || !sha256_valid_hex(o->sha256))
		return kb_fail("fetch %s: sha256 must be 64 hex digits, got '%s'", o->file_name,
			       o->sha256 ? o->sha256 : "");
	if (!o->cache_dir || !o->cache_dir[0])
		return kb_fail("fetch %s: no cache directory", o->file_name);
	return 0;
}

/* The one-line final error, built from what the URLs did. */
static int fail_all(struct fetch_run *r)
{
	const struct fetch_opts *o = r->o;
	char *hint = r->unreachable || o->n_urls == 0
			     ? xasprintf("; %sto supply the file by hand, put it at %s, "
					 "or pass source=/path/to/tarball or mirror=URL",
					 r->unreachable ? "network unreachable? " : "", r->final)
			     : xstrdup("");
	char *tried = o->n_urls > 1 ? xasprintf(" (tried %zu URLs)", o->n_urls) : xstrdup("");
	/* mention an earlier mismatch when the last failure was something else */
	char *mism = r->mismatch && r->last_reason && !strstr(r->last_reason, "sha256 mismatch")
			     ? xasprintf("; earlier %s", r->mismatch)
			     : xstrdup("");
	if (o->n_urls == 0)
		kb_fail("fetch %s: not in the cache and no URL given%s", o->file_name, hint);
	else
		kb_fail("fetch %s: %s: %s%s%s%s", o->file_name, r->last_url, r->last_reason, tried, mism,
			hint);
	free(hint);
	free(tried);
	free(mism);
	return -1;
}

char *fetch_cache_path(const char *cache_dir, const char *sha256, const char *file_name)
{
	char lower[SHA256_HEX_LEN + 1];
	size_t k = 0;
	for (; sha256[k] && k < SHA256_HEX_LEN; k++)
		lower[k] = (char)tolower((unsigned char)sha256[k]);
	lower[k] = '\0';
	char *dir = xasprintf("%s/sha256-%s", cache_dir, lower);
	if (!file_name)
		return dir;
	char *p = path_join(dir, file_name);
	free(dir);
	return p;
}

/* The per-digest directory; refused when it is a symlink or not ours to use. */
static int make_key_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return kb_fail("cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return kb_fail("cannot stat %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kb_fail("%s is not a directory (a symbolic link?); refusing to use it", dir);
	if (st.st_uid != geteuid() || (st.st_mode & S_IWOTH))
		return kb_fail("%s is not owned by you or is world-writable; refusing to use it", dir);
	return 0;
}

/* A tarball a user put in the cache under its plain name (the way to work
 * offline) moves to its digest's directory when it is the one wanted. A
 * plain file with another digest belongs to someone else: left alone. */
static int adopt_plain_name(struct fetch_run *r)
{
	char *plain = path_join(r->o->cache_dir, r->o->file_name);
	struct stat st;
	char actual[SHA256_HEX_LEN + 1];
	int rc = 0;
	if (!path_exists(r->final) && lstat(plain, &st) == 0 && S_ISREG(st.st_mode)) {
		int ok = digest_matches(r, plain, actual);
		if (ok > 0 && rename(plain, r->final) < 0)
			rc = kb_fail("rename %s to %s: %s", plain, r->final, strerror(errno));
		else if (ok > 0)
			flog(r, "moved %s (sha256 %s) to %s", plain, actual, r->final);
		else
			kb_clear_error();
	}
	free(plain);
	return rc;
}

int fetch_to_cache(const struct fetch_opts *o, char **path_out)
{
	if (validate(o) < 0)
		return -1;
	if (mkdir_p(o->cache_dir, 0755) < 0)
		return -1;

	struct fetch_run r = {
		.o = o,
		.connect_timeout = o->connect_timeout_s > 0 ? o->connect_timeout_s : 20,
		.low_time = o->low_speed_time_s > 0 ? o->low_speed_time_s : 30,
		.low_limit = o->low_speed_limit > 0 ? o->low_speed_limit : 1024,
	};
	r.max_bytes = o->max_bytes > 0 ? o->max_bytes : DEFAULT_MAX_BYTES;
	r.final = fetch_cache_path(o->cache_dir, o->sha256, o->file_name);
	r.dir = fetch_cache_path(o->cache_dir, o->sha256, NULL);
	if (make_key_dir(r.dir) < 0 || adopt_plain_name(&r) < 0) {
		free(r.final);
		free(r.dir);
		return -1;
	}
	r.part = xasprintf("%s.part", r.final);
	r.bad = xasprintf("%s.bad", r.final);
	r.lock = xasprintf("%s.lock", r.final);

	int lock_fd = -1, rc = -1;
	if (take_lock(&r, &lock_fd) < 0)
		goto out;
	int cached = check_cached(&r);
	if (cached < 0)
		goto out;
	if (cached) {
		rc = 0;
		goto out;
	}
	if (curl_init_once() < 0)
		goto out;
	for (size_t i = 0; i < o->n_urls; i++) {
		int got = try_url(&r, o->urls[i]);
		if (got < 0)
			goto out;
		if (got > 0) {
			flog(&r, "verified %s from %s", r.final, o->urls[i]);
			rc = 0;
			goto out;
		}
	}
	fail_all(&r);
out:
	if (rc == 0)
		*path_out = xstrdup(r.final);
	if (lock_fd >= 0)
		close(lock_fd);
	free(r.final);
	free(r.dir);
	free(r.part);
	free(r.bad);
	free(r.lock);
	free(r.last_url);
	free(r.last_reason);
	free(r.mismatch);
	return rc;
}
