/* Downloading a source tarball into the shared download cache,
 * verified by sha256, with libcurl (http, https, file), mirrors in order,
 * resume of interrupted downloads, and timeouts so a stalled server fails
 * instead of hanging. */
#ifndef KBUILD_SOURCE_DOWNLOAD_H
#define KBUILD_SOURCE_DOWNLOAD_H

#include <stddef.h>
#include <stdio.h>

struct fetch_opts {
	const char *const *urls; /* tried in order: primary URL then mirrors (http, https, file) */
	size_t n_urls;
	const char *sha256;     /* expected digest, 64 hex; required */
	const char *cache_dir;  /* shared download cache (KBUILD_CACHE) */
	const char *file_name;  /* name inside the cache, e.g. linux-2.6.39.4.tar.xz */
	long connect_timeout_s; /* default 20 when 0 */
	long low_speed_time_s;  /* abort when below low_speed_limit bytes/s for this long; default 30 */
	long low_speed_limit;   /* default 1024 */
	long long max_bytes;    /* a body larger than this is abandoned and removed; default 4 GiB */
	int progress;           /* 1: progress bar on stderr (a tty), 0: a plain line every ~5 s, -1: quiet */
	FILE *log;              /* detailed log (each attempt, HTTP status, bytes, digest); may be NULL */
	FILE *progress_out;     /* where progress goes; NULL means stderr */
};

/* Returns 0 with *path_out = cache path (malloc'd) of a file whose sha256
 * matches, or -1 with kb_fail().
 *
 * Cache layout for file_name F with digest D: everything lives in
 * cache_dir/sha256-D/ (keyed by name and digest, so two profiles that name
 * different files alike never share or swap them), opened without following
 * symlinks: F (verified), F.part (download in progress,
 * resumed with a Range request next time), F.bad (the last file that failed
 * verification, kept for inspection, never trusted), F.lock (flock held while
 * a process works on F, so runs sharing the cache do not collide). */
int fetch_to_cache(const struct fetch_opts *o, char **path_out);

/* cache_dir/sha256-<digest>/<file_name> (file_name NULL: the directory),
 * malloc'd. A file under its plain name cache_dir/<file_name> is moved there
 * by fetch_to_cache when its digest is the one asked for. */
char *fetch_cache_path(const char *cache_dir, const char *sha256, const char *file_name);

#endif
