/* SIGINT/SIGTERM to a running kbuild: its children (make, patch and what
 * they started) are stopped and reaped before it exits with 130/143, the
 * lock is free, and the next run finishes without manual cleanup. A fake
 * kernel tree (a Makefile) and a fake slow `patch` make it take seconds. */
#include "lib/spawn.h"
#include "suites.h"
#include "lib/util.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *home;
/* kbuild's environment: its home and cache here; fake_env also puts home/bin
 * (fake programs) first in PATH. */
static char *env_home, *env_cache, *env_path;
static char *plain_env[3], *fake_env[4];

/* Whether pid is a live process (a zombie waiting for its reaper is not). */
static bool alive(pid_t pid)
{
	char *p = xasprintf("/proc/%ld/stat", (long)pid);
	char *text = read_file(p, NULL);
	kb_clear_error();
	free(p);
	if (!text)
		return false;
	const char *close_paren = strrchr(text, ')');
	bool live = close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z';
	free(text);
	return live;
}

static void setup(void)
{
	home = tu_tmpdir("interrupt");
	char *ini = xasprintf("[source]\nversion = 1.0\ntree = %s/tree\n"
			      "[patches]\nseries = patches/series\n"
			      "[config]\nbase = allnoconfig\n",
			      home);
	tu_write(home, "configs/profiles/t.ini", ini);
	free(ini);
	tu_write(home, "tree/hello.txt", "hello\n");
	tu_write(home, "patches/series", "hello.patch\n");
	tu_write(home, "patches/hello.patch",
		 "--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-hello\n+hello, patched\n");
	/* make's shell and a child of it, both recorded, then a long wait */
	char *mk = xasprintf("allnoconfig:\n"
			     "\tsleep 300 & echo $$PPID $$! > %s/pids.tmp; mv %s/pids.tmp %s/pids; wait\n",
			     home, home, home);
	tu_write(home, "tree/Makefile", mk);
	free(mk);
	env_home = xasprintf("KBUILD_HOME=%s", home);
	env_cache = xasprintf("KBUILD_CACHE=%s/cache", home);
	env_path = xasprintf("PATH=%s/bin:%s", home, getenv("PATH"));
	plain_env[0] = fake_env[0] = env_home;
	plain_env[1] = fake_env[1] = env_cache;
	fake_env[2] = env_path;
}

static void teardown(void)
{
	rm_rf(home);
	free(home);
	free(env_home);
	free(env_cache);
	free(env_path);
}

/* An executable home/bin/name running script (a printf format: every %s is home). */
static void install_fake(const char *name, const char *script)
{
	char *text = xasprintf(script, home, home, home);
	char *rel = path_join("bin", name), *p = path_join(home, rel);
	tu_write(home, rel, text);
	ck_assert_int_eq(chmod(p, 0755), 0);
	free(p);
	free(rel);
	free(text);
}

/* kbuild <cmd> for profile t in home, with extra environment entries. */
static int start_kbuild(const char *cmd, char *const *env, struct spawn_proc *p)
{
	char *exe = path_join(tu_repo(), "kbuild");
	char *o = xasprintf("O=%s/out", home);
	char *const argv[] = {exe, (char *)cmd, "profile=t", o, NULL};
	struct spawn_opts so = {.stdin_fd = -1, .stdout_fd = 2, .stderr_fd = 2, .env_add = env};
	int r = spawn_start(argv, &so, p);
	free(o);
	free(exe);
	return r;
}

/* Waits up to 60 s for home/name to appear; its pids, or false. */
static bool wait_pids(const char *name, long pids[2])
{
	char *p = path_join(home, name);
	bool got = false;
	for (double until = now_seconds() + 60; !got && now_seconds() < until; usleep(20000)) {
		char *text = read_file(p, NULL);
		kb_clear_error();
		got = text && sscanf(text, "%ld %ld", &pids[0], &pids[1]) >= 1;
		free(text);
	}
	free(p);
	return got;
}

/* Signal kbuild once the stage's child wrote its pids; kbuild's exit status. */
static int interrupt_at(const char *cmd, char *const *env, const char *marker, int sig, long pids[2])
{
	struct spawn_proc p;
	pids[0] = pids[1] = 0;
	ck_assert_msg(start_kbuild(cmd, env, &p) == 0, "%s", kb_last_error());
	bool got = wait_pids(marker, pids);
	if (got)
		kill(p.pid, sig); /* what Ctrl-C does: kbuild's own group, not its children's */
	int status = -1;
	int w = spawn_wait(&p, now_seconds() + 30, &status);
	if (w == 0)
		spawn_stop(&p, 1);
	ck_assert_msg(got, "the stage's child never started");
	ck_assert_msg(w == 1, "kbuild did not exit within 30 s of the signal");
	return status;
}

static int kbuild_sync(const char *cmd, char *const *env)
{
	struct spawn_proc p;
	ck_assert_msg(start_kbuild(cmd, env, &p) == 0, "%s", kb_last_error());
	int status = -1;
	ck_assert_int_eq(spawn_wait(&p, 0, &status), 1);
	return status;
}

START_TEST(alive_tells_live_from_gone)
{
	/* the negative case: a process that is there is seen as alive */
	struct spawn_proc p;
	char *const argv[] = {"sleep", "30", NULL};
	ck_assert_int_eq(spawn_start(argv, NULL, &p), 0);
	pid_t pid = p.pid;
	ck_assert(alive(pid));
	spawn_stop(&p, 1);
	ck_assert(!alive(pid));
}
END_TEST

START_TEST(signal_during_make_leaves_no_child)
{
	static const int sigs[] = {SIGINT, SIGTERM};
	for (size_t i = 0; i < 2; i++) {
		char *const *env = plain_env;
		char *pids = path_join(home, "pids");
		unlink(pids);
		long pid[2];
		int st = interrupt_at("config", env, "pids", sigs[i], pid);
		ck_assert_int_eq(st, 128 + sigs[i]);
		ck_assert_msg(!alive((pid_t)pid[0]), "make (pid %ld) outlived kbuild", pid[0]);
		ck_assert_msg(!alive((pid_t)pid[1]), "make's child (pid %ld) outlived kbuild", pid[1]);
		/* the lock is free and nothing vouches for the interrupted stage */
		ck_assert_int_eq(kbuild_sync("status", env), 0);
		char *stamp = xasprintf("%s/out/stamps/config", home);
		ck_assert(!path_exists(stamp));
		free(stamp);
		free(pids);
	}
}
END_TEST

START_TEST(child_ignoring_sigterm_is_killed)
{
	/* a `make` that ignores SIGTERM (and so does its child): SIGKILL follows */
	install_fake("make", "#!/bin/sh\ntrap '' TERM\nsleep 300 &\n"
			     "echo $$ $! > %s/make.tmp; mv %s/make.tmp %s/make-pids\nwait\n");
	long pid[2];
	double t0 = now_seconds();
	ck_assert_int_eq(interrupt_at("config", fake_env, "make-pids", SIGINT, pid), 130);
	fprintf(stderr, "SIGTERM ignored: kbuild exited %.1f s after the signal\n", now_seconds() - t0);
	ck_assert_msg(!alive((pid_t)pid[0]), "make (pid %ld) outlived kbuild", pid[0]);
	ck_assert_msg(!alive((pid_t)pid[1]), "make's child (pid %ld) outlived kbuild", pid[1]);
}
END_TEST

START_TEST(run_after_interrupted_patch_finishes)
{
	/* a `patch` that really patches, then hangs: interrupted with the tree
	 * patched and the record not yet saying so */
	install_fake("patch", "#!/bin/sh\n"
			      "case \" $* \" in *\" --dry-run \"*) exec /usr/bin/patch \"$@\";; esac\n"
			      "/usr/bin/patch \"$@\" || exit $?\n"
			      "echo $$ > %s/patch.tmp; mv %s/patch.tmp %s/patch-pid\n"
			      "exec sleep 300\n");
	long pid[2];
	ck_assert_int_eq(interrupt_at("patch", fake_env, "patch-pid", SIGINT, pid), 130);
	ck_assert_msg(!alive((pid_t)pid[0]), "patch (pid %ld) outlived kbuild", pid[0]);

	ck_assert_int_eq(kbuild_sync("patch", plain_env), 0);
	char *out = xasprintf("%s/out/src/hello.txt", home);
	char *text = read_file(out, NULL);
	ck_assert_str_eq(text, "hello, patched\n"); /* applied once, from a fresh tree */
	free(text);
	free(out);
}
END_TEST

Suite *interrupt_suite(void)
{
	Suite *s = suite_create("interrupt");
	TCase *tc = tcase_create("interrupt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, alive_tells_live_from_gone);
	tcase_add_test(tc, signal_during_make_leaves_no_child);
	tcase_add_test(tc, child_ignoring_sigterm_is_killed);
	tcase_add_test(tc, run_after_interrupted_patch_finishes);
	suite_add_tcase(s, tc);
	return s;
}
