/* distcc pass-through: cc="distcc gcc" and the DISTCC_* variables in
 * kbuild's environment reach the kernel's make, and a real distccd on
 * 127.0.0.1 compiles the object. DISTCC_FALLBACK=0 and
 * DISTCC_SKIP_LOCAL_RETRY=1 make a failed remote compile an error instead of
 * a silent local one; distccd's own log is the proof that it compiled. */
#include "testutil.h"
#include "suites.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DISTCCD "/usr/bin/distccd"
#define SOURCE "/usr/src/linux-source-6.1.tar.xz"
#define TARGET "net/ipv4/tcp_minisocks.o"

/* A distccd and the guardian process that owns it. */
struct daemon {
	pid_t guardian;
	int keepalive; /* write end of the guardian's pipe */
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A TCP port on 127.0.0.1 nobody listens on (the kernel picks it). */
static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, len), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

static int connects(int port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(s);
	return ok;
}

static void exec_distccd(int port, const char *log)
{
	setpgid(0, 0);
	int null = open("/dev/null", O_RDWR);
	/* --log-stderr into a file opened here: distccd started as root drops to
	 * its own user before opening --log-file, and would not be allowed to. */
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (null < 0 || fd < 0)
		_exit(127);
	dup2(null, 0);
	dup2(null, 1);
	dup2(fd, 2);
	char portarg[16];
	snprintf(portarg, sizeof(portarg), "%d", port);
	/* gcc is in Debian's /usr/lib/distcc whitelist, so no --enable-tcp-insecure. */
	char *argv[] = {DISTCCD,       "--daemon", "--no-detach", "--listen",  "127.0.0.1",
			"--port",      portarg,    "--allow",     "127.0.0.1", "--log-stderr",
			"--log-level", "info",     "--jobs",      "2",         NULL};
	execv(argv[0], argv);
	_exit(127);
}

/* The guardian runs in its own process group, so a Check timeout killing the
 * test's group leaves it alive. It starts distccd, waits until the test
 * closes the pipe (or dies), then stops distccd and reaps every process of
 * it: being a subreaper, it inherits distccd's workers too. */
static void guardian(int port, const char *log, int rd)
{
	setpgid(0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t d = fork();
	if (d < 0)
		_exit(1);
	if (d == 0)
		exec_distccd(port, log);
	setpgid(d, d);
	char c;
	while (read(rd, &c, 1) < 0 && errno == EINTR)
		;
	kill(-d, SIGTERM);
	double deadline = now_seconds() + 10;
	int killed = 0;
	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r < 0 && errno == ECHILD)
			break;
		if (r > 0)
			continue;
		if (!killed && now_seconds() > deadline) {
			kill(-d, SIGKILL);
			killed = 1;
		}
		sleep_ms(50);
	}
	_exit(killed);
}

static struct daemon daemon_start(int port, const char *log)
{
	int p[2];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid_t g = fork();
	ck_assert_int_ge(g, 0);
	if (g == 0) {
		close(p[1]);
		guardian(port, log, p[0]);
	}
	close(p[0]);
	return (struct daemon){.guardian = g, .keepalive = p[1]};
}

/* Stops distccd; returns 0 when every process of it had ended on SIGTERM. */
static int daemon_stop(struct daemon *d)
{
	close(d->keepalive);
	int status;
	while (waitpid(d->guardian, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int wait_listening(int port, double seconds)
{
	double deadline = now_seconds() + seconds;
	while (now_seconds() < deadline) {
		if (connects(port))
			return 0;
		sleep_ms(100);
	}
	return -1;
}

/* Echoes distccd's job summaries and its lines about tcp_minisocks.c;
 * returns how many successful jobs (COMPILE_OK) compiled tcp_minisocks.c. */
static int compile_ok_lines(const char *log)
{
	char *text = read_file(log, NULL);
	if (!text)
		return 0;
	int ok = 0, jobs = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int summary = strstr(line, "COMPILE_OK") != NULL;
		int ours = strstr(line, "tcp_minisocks.c") != NULL;
		jobs += summary;
		ok += summary && ours;
		if (summary || ours)
			fprintf(stderr, "distcc: distccd.log: %s\n", line);
	}
	fprintf(stderr, "distcc: distccd compiled %d jobs successfully in all\n", jobs);
	free(text);
	return ok;
}

static char *out_dir(void)
{
	return tu_e2e_dir("distcc");
}

START_TEST(distccd_compiles_kernel_object)
{
	if (access(DISTCCD, X_OK) != 0 || !tu_in_path("distcc")) {
		tu_skip(TU_SKIP_E2E, "distcc/distccd are not installed (%s)", DISTCCD);
		return;
	}
	if (!path_exists(SOURCE)) {
		tu_skip(TU_SKIP_E2E, "linux-source-6.1 is not installed (%s)", SOURCE);
		return;
	}
	char *dir = out_dir();
	char *tmp = tu_tmpdir("distcc");
	char *log = path_join(tmp, "distccd.log");
	int port = free_port();
	struct daemon d = daemon_start(port, log);

	/* Nothing between start and stop may abort the test: distccd must be
	 * stopped on every path, so results are checked afterwards. */
	int listening = wait_listening(port, 30) == 0;
	int st = -1;
	char *out = NULL;
	double t0 = now_seconds();
	if (listening) {
		char *o = xasprintf("O=%s", dir);
		const char *args[] = {"build",  "profile=debian-6.1-ceph", o, "cc=distcc gcc",
				      "jobs=2", "targets=" TARGET};
		char *hosts = xasprintf("DISTCC_HOSTS=127.0.0.1:%d/2", port);
		char *env[] = {hosts, "DISTCC_FALLBACK=0", "DISTCC_SKIP_LOCAL_RETRY=1", NULL};
		st = tu_kbuild("distcc", args, sizeof(args) / sizeof(args[0]), env, &out);
		free(hosts);
		free(o);
	}
	double secs = now_seconds() - t0;
	int stopped = daemon_stop(&d) == 0;
	fprintf(stderr, "distcc: kbuild took %.1f s, status %d\n", secs, st);

	ck_assert_msg(listening, "distccd did not listen on 127.0.0.1:%d within 30 s; see %s", port, log);
	ck_assert_msg(st == 0, "kbuild build with cc=\"distcc gcc\" failed (status %d); see %s/logs", st,
		      dir);
	char *obj = xasprintf("%s/build/%s", dir, TARGET);
	ck_assert_msg(path_exists(obj), "%s was not built", obj);
	ck_assert_msg(compile_ok_lines(log) >= 1,
		      "distccd did not report compiling tcp_minisocks.c (COMPILE_OK); see %s", log);
	ck_assert_msg(stopped, "distccd did not stop on SIGTERM within 10 s");

	rm_rf(tmp);
	free(obj);
	free(out);
	free(log);
	free(tmp);
	free(dir);
}
END_TEST

Suite *distcc_suite(void)
{
	Suite *s = suite_create("distcc");
	TCase *tc = tcase_create("distccd");
	tcase_set_timeout(tc, 1800);
	tcase_add_test(tc, distccd_compiles_kernel_object);
	suite_add_tcase(s, tc);
	return s;
}
