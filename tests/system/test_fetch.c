/* Tests of the fetch stage against a real HTTP server on 127.0.0.1
 * (tests/helpers/fetch_test_server, which can truncate, stall and ignore
 * Range on request). Nothing but 127.0.0.1 is ever contacted. */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source/download.h"
#include "suites.h"
#include "lib/outfile.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "testutil.h"
#include "lib/util.h"

#define NAME "linux-test.tar.xz"
#define SIZE 200000L

static char *tmp;
static char *www, *cache, *final_path, *part_path, *bad_path, *server_log, *fetch_log_path;
static pid_t server_pid = -1;
static int server_port;
static char digest[SHA256_HEX_LEN + 1];
static unsigned char *content;

static const char *server_binary(void)
{
	static char path[4096];
	const char *dir = getenv("KBUILD_TEST_HELPERS");
	snprintf(path, sizeof(path), "%s/fetch_test_server", dir ? dir : "build/tests/helpers");
	return access(path, X_OK) == 0 ? path : NULL;
}

/* Deterministic bytes, so a test can also build a corrupt variant. */
static unsigned char *make_bytes(long n, unsigned seed)
{
	unsigned char *b = xmalloc((size_t)n);
	unsigned x = seed ? seed : 1;
	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	return b;
}

static void write_bytes(const char *path, const void *data, long n)
{
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	ck_assert_int_eq(mkdir_p(dir, 0755), 0);
	free(dir);
	ck_assert_int_eq(write_file_atomic(path, data, (size_t)n), 0);
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int file_contains(const char *path, const char *needle)
{
	char *s = read_file(path, NULL);
	int found = s && strstr(s, needle);
	free(s);
	return found;
}

/* The server logs a request after sending its body, which can be a moment
 * after the client has everything: wait a little for the line. */
static int server_logged(const char *needle)
{
	for (int i = 0; i < 60; i++) {
		if (file_contains(server_log, needle))
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

static void setup(void)
{
	/* keep any proxy from the environment out of the way: tests talk to 127.0.0.1 only */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	tmp = tu_tmpdir("fetch");
	www = path_join(tmp, "www");
	cache = path_join(tmp, "cache");
	ck_assert_int_eq(mkdir_p(www, 0755), 0);
	server_log = path_join(tmp, "server.log");
	fetch_log_path = path_join(tmp, "fetch.log");
	content = make_bytes(SIZE, 42);
	sha256_hex(content, SIZE, digest);
	/* the cache is keyed by name and digest */
	final_path = fetch_cache_path(cache, digest, NAME);
	part_path = xasprintf("%s.part", final_path);
	bad_path = xasprintf("%s.bad", final_path);
	char *f = path_join(www, NAME);
	write_bytes(f, content, SIZE);
	free(f);
	kb_clear_error();
}

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(-server_pid, SIGTERM); /* its group: the per-connection children too */
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
}

static void teardown(void)
{
	stop_server();
	if (getenv("KBUILD_TEST_VERBOSE")) {
		char *log = read_file(fetch_log_path, NULL);
		fprintf(stderr, "--- %s\n%s", fetch_log_path, log ? log : "(no fetch log)\n");
		free(log);
	}
	rm_rf(tmp);
	free(tmp);
	free(www);
	free(cache);
	free(final_path);
	free(part_path);
	free(bad_path);
	free(server_log);
	free(fetch_log_path);
	free(content);
}

/* Starts the test server on a kernel-chosen port of 127.0.0.1 with extra
 * options (e.g. "-T", "5000"); returns 0, or -1 when the helper is absent. */
static int start_server(const char *opt, const char *val)
{
	const char *bin = server_binary();
	if (!bin) {
		tu_skip(TU_SKIP_ENV, "build/tests/helpers/fetch_test_server not built "
				     "(set KBUILD_TEST_HELPERS to its directory)");
		return -1;
	}
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test process */
		setpgid(0, 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		const char *argv[12] = {bin, "-d", www, "-l", server_log, "-t", "60"};
		int n = 7;
		if (opt)
			argv[n++] = opt;
		if (val)
			argv[n++] = val;
		execv(bin, (char **)argv);
		_exit(127);
	}
	close(p[1]);
	char buf[32] = "";
	ssize_t got = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ck_assert_msg(got > 0, "test server did not start");
	server_pid = pid;
	server_port = atoi(buf);
	ck_assert_int_gt(server_port, 0);
	return 0;
}

#define NEED_SERVER(opt, val)                   \
	do {                                    \
		if (start_server(opt, val) < 0) \
			return;                 \
	} while (0)

static char *url_for(const char *path)
{
	return xasprintf("http://127.0.0.1:%d/%s", server_port, path);
}

/* A port on 127.0.0.1 where nothing listens (bound, then released). */
static int dead_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

/* Runs fetch_to_cache with test-sized timeouts and a log file. */
static long long max_bytes; /* 0: fetch's default */

static int run_fetch(const char *const *urls, size_t n, const char *sha, char **path)
{
	FILE *log = fopen(fetch_log_path, "a");
	ck_assert_ptr_nonnull(log);
	struct fetch_opts o = {
		.urls = urls,
		.n_urls = n,
		.sha256 = sha,
		.cache_dir = cache,
		.file_name = NAME,
		.connect_timeout_s = 5,
		.low_speed_time_s = 2,
		.low_speed_limit = 1024,
		.progress = -1,
		.log = log,
		.max_bytes = max_bytes,
	};
	*path = NULL;
	int rc = fetch_to_cache(&o, path);
	fclose(log);
	return rc;
}

static void assert_good_final(const char *path)
{
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_ptr_nonnull(path);
	ck_assert_str_eq(path, final_path);
	ck_assert_int_eq(sha256_file(path, hex), 0);
	ck_assert_str_eq(hex, digest);
	ck_assert_msg(!path_exists(part_path), ".part left behind");
}

START_TEST(test_good_download)
{
	NEED_SERVER(NULL, NULL);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("GET /" NAME " range=- status=200 sent=200000"));
	ck_assert(file_contains(fetch_log_path, "HTTP 200"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_wrong_digest)
{
	NEED_SERVER(NULL, NULL);
	char wrong[SHA256_HEX_LEN + 1];
	sha256_hex("something else", 14, wrong);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, wrong, &path), -1);
	const char *err = kb_last_error();
	ck_assert_msg(strstr(err, wrong) && strstr(err, digest) && strstr(err, u),
		      "error must name both digests and the URL: %s", err);
	ck_assert_msg(!path_exists(final_path), "a mismatching file is under the final name");
	ck_assert(!path_exists(part_path));
	char *wrong_final = fetch_cache_path(cache, wrong, NAME);
	char *wrong_bad = xasprintf("%s.bad", wrong_final);
	ck_assert_int_eq(file_size(wrong_bad), SIZE);
	free(wrong_bad);
	free(wrong_final);
	free(u);
}
END_TEST

START_TEST(test_truncated_then_resumed)
{
	NEED_SERVER("-T", "50000");
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	ck_assert_msg(strstr(kb_last_error(), u), "%s", kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), "kept 50000 bytes"), "%s", kb_last_error());
	ck_assert(!path_exists(final_path));
	ck_assert_int_eq(file_size(part_path), 50000);

	stop_server();
	NEED_SERVER(NULL, NULL);
	free(u);
	u = url_for(NAME);
	urls[0] = u;
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert_msg(server_logged("range=50000 status=206 sent=150000"),
		      "the second run must fetch only the rest");
	free(path);
	free(u);
}
END_TEST

START_TEST(test_stalled_server_times_out)
{
	NEED_SERVER("-S", "20000");
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	double t0 = now_seconds();
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	double dt = now_seconds() - t0;
	ck_assert_msg(dt >= 1.5 && dt < 8, "stall detected after %.1f s (limit 2 s)", dt);
	ck_assert_msg(strstr(kb_last_error(), "stalled"), "%s", kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), u), "%s", kb_last_error());
	ck_assert_int_eq(file_size(part_path), 20000);
	ck_assert(!path_exists(final_path));
	free(u);
}
END_TEST

START_TEST(test_stall_before_body)
{
	/* headers, then silence: also caught, also without a byte of body */
	NEED_SERVER("-S", "0");
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	double t0 = now_seconds();
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	double dt = now_seconds() - t0;
	ck_assert_msg(dt >= 1.5 && dt < 8, "stall detected after %.1f s (limit 2 s)", dt);
	ck_assert_msg(strstr(kb_last_error(), "stalled"), "%s", kb_last_error());
	ck_assert_msg(!strstr(kb_last_error(), "source="), "a stall is not unreachability: %s",
		      kb_last_error());
	ck_assert(!path_exists(part_path));
	free(u);
}
END_TEST

START_TEST(test_resume_partial)
{
	NEED_SERVER(NULL, NULL);
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	write_bytes(part_path, content, 120000);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert_msg(server_logged("range=120000 status=206 sent=80000"),
		      "only the missing 80000 bytes should be fetched");
	ck_assert(!file_contains(server_log, "range=-"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_resume_ignored_range_restarts)
{
	NEED_SERVER("-R", NULL);
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	write_bytes(part_path, content, 120000);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("range=120000 status=200"));
	ck_assert(server_logged("range=- status=200 sent=200000"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_resume_416_restarts)
{
	NEED_SERVER(NULL, NULL);
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	/* a .part longer than the file: the server can only say 416 */
	unsigned char *longer = make_bytes(SIZE + 100, 7);
	write_bytes(part_path, longer, SIZE + 100);
	free(longer);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("range=200100 status=416"));
	ck_assert(server_logged("range=- status=200 sent=200000"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_resume_stale_part_restarts)
{
	NEED_SERVER(NULL, NULL);
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	/* right length, wrong bytes: resuming yields a mismatch, then a clean retry */
	unsigned char *junk = make_bytes(100000, 9);
	write_bytes(part_path, junk, 100000);
	free(junk);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("range=100000 status=206 sent=100000"));
	ck_assert(server_logged("range=- status=200 sent=200000"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_mirror_after_404)
{
	NEED_SERVER(NULL, NULL);
	char *missing = url_for("missing/" NAME), *good = url_for(NAME), *path;
	const char *urls[] = {missing, good};
	ck_assert_msg(run_fetch(urls, 2, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("GET /missing/" NAME " range=- status=404"));
	ck_assert(file_contains(fetch_log_path, "HTTP 404"));
	free(path);
	free(missing);
	free(good);
}
END_TEST

START_TEST(test_corrupt_mirror_then_good)
{
	NEED_SERVER(NULL, NULL);
	char *dir = path_join(www, "bad");
	ck_assert_int_eq(mkdir_p(dir, 0755), 0);
	char *f = path_join(dir, NAME);
	unsigned char *junk = make_bytes(SIZE, 5);
	write_bytes(f, junk, SIZE);
	free(junk);
	char *bad = url_for("bad/" NAME), *good = url_for(NAME), *missing = url_for("nope"), *path;
	const char *urls[] = {bad, good};
	ck_assert_msg(run_fetch(urls, 2, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	free(path);

	/* corrupt mirror then a 404: the final error still tells of the mismatch */
	unlink(final_path);
	const char *urls2[] = {bad, missing};
	ck_assert_int_eq(run_fetch(urls2, 2, digest, &path), -1);
	const char *err = kb_last_error();
	ck_assert_msg(strstr(err, missing) && strstr(err, "HTTP 404") && strstr(err, "mismatch") &&
			      strstr(err, digest) && strstr(err, bad),
		      "%s", err);
	ck_assert(!strchr(err, '\n'));
	ck_assert(!path_exists(final_path));
	free(bad);
	free(good);
	free(missing);
	free(f);
	free(dir);
}
END_TEST

START_TEST(test_redirect_followed)
{
	NEED_SERVER(NULL, NULL);
	char *u = url_for("redirect/" NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(server_logged("status=302"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_file_url)
{
	char *abs = path_abs(www);
	char *u = xasprintf("file://%s/%s", abs, NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	free(path);

	/* a missing local file is an error naming the URL */
	unlink(final_path);
	char *missing = xasprintf("file://%s/absent.tar.xz", abs);
	urls[0] = missing;
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	ck_assert_msg(strstr(kb_last_error(), missing), "%s", kb_last_error());
	free(missing);
	free(u);
	free(abs);
}
END_TEST

START_TEST(test_cache_hit_offline)
{
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	write_bytes(final_path, content, SIZE);
	char *u = xasprintf("http://127.0.0.1:%d/%s", dead_port(), NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(file_contains(fetch_log_path, "cache hit"));
	ck_assert(!file_contains(fetch_log_path, "trying"));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_cached_mismatch_redownloaded)
{
	NEED_SERVER(NULL, NULL);
	ck_assert_int_eq(mkdir_p(cache, 0755), 0);
	write_bytes(final_path, "corrupt", 7);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(file_contains(fetch_log_path, "moving it to"));
	/* once a good copy is in place the bad one is garbage: removed */
	ck_assert(!path_exists(bad_path));
	free(path);
	free(u);
}
END_TEST

START_TEST(test_unreachable_hint)
{
	char *u = xasprintf("http://127.0.0.1:%d/%s", dead_port(), NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	const char *err = kb_last_error();
	ck_assert_msg(strstr(err, u) && strstr(err, final_path) && strstr(err, "source=") &&
			      strstr(err, "mirror="),
		      "%s", err);
	ck_assert(!path_exists(part_path));
	free(u);
}
END_TEST

static int can_connect(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(s);
	return ok;
}

START_TEST(test_https_verifies_certificates)
{
	/* a self-signed server on 127.0.0.1 must be refused: verification is on */
	char *key = path_join(tmp, "key.pem"), *cert = path_join(tmp, "cert.pem");
	char *req[] = {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",        "-keyout", key,
		       "-out",    cert,  "-days", "1",       "-subj",    "/CN=127.0.0.1", NULL};
	int devnull = open("/dev/null", O_WRONLY);
	struct spawn_opts so = {.stdin_fd = -1,
				.stdout_fd = devnull,
				.stderr_fd = devnull,
				.timeout_sec = 60};
	if (spawn_run(req, &so) != 0) {
		tu_skip(TU_SKIP_ENV, "https test: openssl req failed (%s)", kb_last_error());
		close(devnull);
		return;
	}
	int port = dead_port();
	char *accept_arg = xasprintf("127.0.0.1:%d", port);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		setpgid(0, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("openssl", "openssl", "s_server", "-accept", accept_arg, "-cert", cert, "-key", key,
		       "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	server_pid = pid; /* teardown stops it */
	close(devnull);
	for (int i = 0; i < 100 && !can_connect(port); i++)
		usleep(50 * 1000);
	ck_assert_msg(can_connect(port), "openssl s_server did not start on port %d", port);

	char *u = xasprintf("https://127.0.0.1:%d/%s", port, NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	ck_assert_msg(strstr(kb_last_error(), u) && strstr(kb_last_error(), "certificate"), "%s",
		      kb_last_error());
	ck_assert(!path_exists(final_path));
	free(u);
	free(accept_arg);
	free(key);
	free(cert);
}
END_TEST

START_TEST(test_protocols_restricted)
{
	char *path;
	const char *urls[] = {"ftp://127.0.0.1:1/x.tar.xz", "dict://127.0.0.1:1/x"};
	ck_assert_int_eq(run_fetch(urls, 2, digest, &path), -1);
	ck_assert_msg(strstr(kb_last_error(), "dict"), "%s", kb_last_error());
	ck_assert(file_contains(fetch_log_path, "ftp"));
}
END_TEST

START_TEST(test_bad_options)
{
	char *path;
	const char *urls[] = {"file:///nonexistent"};
	ck_assert_int_eq(run_fetch(urls, 1, "abc", &path), -1);
	ck_assert(strstr(kb_last_error(), "sha256"));
	struct fetch_opts o = {.urls = urls,
			       .n_urls = 1,
			       .sha256 = digest,
			       .cache_dir = cache,
			       .file_name = "../escape",
			       .progress = -1};
	ck_assert_int_eq(fetch_to_cache(&o, &path), -1);
	ck_assert(strstr(kb_last_error(), "../escape"));
	o.file_name = NAME;
	o.n_urls = 0;
	ck_assert_int_eq(fetch_to_cache(&o, &path), -1);
	ck_assert(strstr(kb_last_error(), "source="));
}
END_TEST

/* An endless or oversized body is abandoned at max_bytes and removed. */
START_TEST(test_oversized_body_bounded)
{
	NEED_SERVER(NULL, NULL);
	max_bytes = SIZE / 2;
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	max_bytes = 0;
	ck_assert_msg(strstr(kb_last_error(), "larger than"), "%s", kb_last_error());
	ck_assert(!path_exists(part_path));
	ck_assert(!path_exists(final_path));
	/* the negative case: with the default bound the same file arrives */
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	free(path);
	free(u);
}
END_TEST

/* A cache on a full disk: the download fails naming the error, and the
 * partial file (which would keep the disk full) is removed. */
START_TEST(test_full_disk_fails_and_cleans_up)
{
	NEED_SERVER(NULL, NULL);
	char *disk = tu_tmpfs("fetch-full", "64k");
	if (!disk)
		return;
	char *saved = cache;
	cache = disk;
	char *final = fetch_cache_path(disk, digest, NAME);
	char *part = xasprintf("%s.part", final);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	cache = saved;
	ck_assert_msg(strstr(kb_last_error(), "No space left"), "%s", kb_last_error());
	ck_assert(!path_exists(part));
	ck_assert(!path_exists(final));
	tu_tmpfs_release(disk);
	free(final);
	free(part);
	free(u);
}
END_TEST

/* A symlink planted as NAME.part is refused, not written through. */
START_TEST(test_symlinked_part_refused)
{
	NEED_SERVER(NULL, NULL);
	char *victim = path_join(tmp, "victim");
	write_bytes(victim, "precious\n", 9);
	write_bytes(part_path, "x", 1); /* makes the directory */
	unlink(part_path);
	ck_assert_int_eq(symlink(victim, part_path), 0);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_int_eq(run_fetch(urls, 1, digest, &path), -1);
	ck_assert_msg(strstr(kb_last_error(), "symbolic link"), "%s", kb_last_error());
	ck_assert_int_eq(file_size(victim), 9);
	free(victim);
	free(u);
}
END_TEST

/* Same file name, two digests: two cache entries, neither replaces the
 * other (a re-extract of one profile can never get the other's tree). */
START_TEST(test_same_name_other_digest_kept_apart)
{
	NEED_SERVER(NULL, NULL);
	char *u = url_for(NAME), *path;
	const char *urls[] = {u};
	ck_assert_msg(run_fetch(urls, 1, digest, &path) == 0, "%s", kb_last_error());
	char other[SHA256_HEX_LEN + 1];
	sha256_hex("another tarball", 15, other);
	char *other_path = fetch_cache_path(cache, other, NAME);
	ck_assert_str_ne(other_path, path);
	ck_assert_int_eq(run_fetch(urls, 1, other, &other_path), -1); /* mismatch */
	assert_good_final(path);
	free(path);
	free(other_path);
	free(u);
}
END_TEST

/* A tarball dropped into the cache under its plain name is used offline. */
START_TEST(test_plain_name_adopted)
{
	char *plain = path_join(cache, NAME);
	write_bytes(plain, content, SIZE);
	char *path;
	ck_assert_msg(run_fetch(NULL, 0, digest, &path) == 0, "%s", kb_last_error());
	assert_good_final(path);
	ck_assert(!path_exists(plain));
	free(plain);
	free(path);
}
END_TEST

START_TEST(test_lock_serialises)
{
	char *keydir = fetch_cache_path(cache, digest, NULL);
	ck_assert_int_eq(mkdir_p(keydir, 0755), 0);
	free(keydir);
	char *lock = xasprintf("%s.lock", final_path);
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);

	char *abs = path_abs(www);
	char *u = xasprintf("file://%s/%s", abs, NAME);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *path;
		close(fd); /* the lock belongs to the parent's open file description */
		const char *urls[] = {u};
		_exit(run_fetch(urls, 1, digest, &path) == 0 ? 0 : 1);
	}
	usleep(800 * 1000);
	int status;
	ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "fetch did not wait for the lock");
	ck_assert(!path_exists(final_path));
	close(fd); /* releases the lock */
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_good_final(final_path);
	free(u);
	free(abs);
	free(lock);
}
END_TEST

START_TEST(test_progress_output)
{
	char *abs = path_abs(www);
	char *u = xasprintf("file://%s/%s", abs, NAME), *path;
	const char *urls[] = {u};
	FILE *out = tmpfile();
	struct fetch_opts o = {.urls = urls,
			       .n_urls = 1,
			       .sha256 = digest,
			       .cache_dir = cache,
			       .file_name = NAME,
			       .progress = 0,
			       .progress_out = out};
	ck_assert_msg(fetch_to_cache(&o, &path) == 0, "%s", kb_last_error());
	free(path);
	long plain = ftell(out);
	ck_assert_msg(plain > 0, "plain progress mode printed nothing");
	rewind(out);
	char line[512] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), out));
	ck_assert_msg(strstr(line, NAME) && strstr(line, "done"), "%s", line);
	fclose(out);

	/* quiet: nothing at all, also on a fresh download */
	unlink(final_path);
	out = tmpfile();
	o.progress = -1;
	o.progress_out = out;
	ck_assert_int_eq(fetch_to_cache(&o, &path), 0);
	free(path);
	ck_assert_int_eq(ftell(out), 0);
	fclose(out);
	free(u);
	free(abs);
}
END_TEST

Suite *fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *tc = tcase_create("fetch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_good_download);
	tcase_add_test(tc, test_wrong_digest);
	tcase_add_test(tc, test_truncated_then_resumed);
	tcase_add_test(tc, test_stalled_server_times_out);
	tcase_add_test(tc, test_stall_before_body);
	tcase_add_test(tc, test_resume_partial);
	tcase_add_test(tc, test_resume_ignored_range_restarts);
	tcase_add_test(tc, test_resume_416_restarts);
	tcase_add_test(tc, test_resume_stale_part_restarts);
	tcase_add_test(tc, test_mirror_after_404);
	tcase_add_test(tc, test_corrupt_mirror_then_good);
	tcase_add_test(tc, test_redirect_followed);
	tcase_add_test(tc, test_file_url);
	tcase_add_test(tc, test_cache_hit_offline);
	tcase_add_test(tc, test_cached_mismatch_redownloaded);
	tcase_add_test(tc, test_unreachable_hint);
	tcase_add_test(tc, test_https_verifies_certificates);
	tcase_add_test(tc, test_protocols_restricted);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_lock_serialises);
	tcase_add_test(tc, test_oversized_body_bounded);
	tcase_add_test(tc, test_full_disk_fails_and_cleans_up);
	tcase_add_test(tc, test_symlinked_part_refused);
	tcase_add_test(tc, test_same_name_other_digest_kept_apart);
	tcase_add_test(tc, test_plain_name_adopted);
	tcase_add_test(tc, test_progress_output);
	suite_add_tcase(s, tc);
	return s;
}
