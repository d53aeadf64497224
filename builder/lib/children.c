/* The running children's process groups, and the SIGINT/SIGTERM handler that
 * stops them: kbuild's children never outlive it. */
#include "lib/children.h"
#include "lib/util.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* kbuild runs one child at a time (two for a fed stdin); room to spare. */
#define MAX_GROUPS 16
/* SIGTERM to SIGKILL, whatever the main flow is doing meanwhile. */
#define KILL_AFTER_S 5

/* Read by the signal handler; written only with SIGINT/SIGTERM blocked. */
static volatile pid_t groups[MAX_GROUPS];
static volatile sig_atomic_t interrupted;

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

void children_block_signals(sigset_t *old)
{
	sigset_t set;
	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

void children_restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

void children_reset_in_child(const sigset_t *old)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

bool children_add(pid_t pgid)
{
	for (size_t i = 0; i < MAX_GROUPS; i++)
		if (!groups[i]) {
			groups[i] = pgid;
			return true;
		}
	return false;
}

void children_remove(pid_t pgid)
{
	for (size_t i = 0; i < MAX_GROUPS; i++)
		if (groups[i] == pgid)
			groups[i] = 0;
}

void children_drain_group(pid_t pgid, double grace_s)
{
	double until = now_seconds() + grace_s;
	bool killed = false;
	for (;;) {
		while (waitpid(-pgid, NULL, WNOHANG) > 0)
			;
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			return;
		if (now_seconds() > until) {
			if (killed)
				return; /* unkillable (D state): nothing more to do */
			kill(-pgid, SIGKILL);
			killed = true;
			until = now_seconds() + grace_s;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* First signal: SIGTERM to every group (make removes its half-written
 * targets); a second one: SIGKILL. The waits in spawn.c see the flag, reap
 * the groups and fail, and the pipeline unwinds to main, as it does with
 * no child running. */
static bool signal_groups(int sig)
{
	bool any = false;
	for (size_t i = 0; i < MAX_GROUPS; i++) {
		pid_t g = groups[i];
		if (g > 0) {
			kill(-g, sig);
			any = true;
		}
	}
	return any;
}

static void on_stop_signal(int sig)
{
	bool again = interrupted != 0;
	if (!again)
		interrupted = sig;
	/* No child: the flag alone stops the run, which unwinds (the stage
	 * fails, metadata.json and the records are finished, temporary trees
	 * removed); in-process loops (extract, download) check it. A second
	 * signal still exits at once. */
	if (!signal_groups(again ? SIGKILL : SIGTERM) && again)
		_exit(128 + sig);
	if (!again)
		alarm(KILL_AFTER_S); /* a child ignoring SIGTERM is killed by on_alarm */
}

static void on_alarm(int sig)
{
	(void)sig;
	if (interrupted)
		signal_groups(SIGKILL);
}

void children_install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = 0; /* no SA_RESTART: a blocking waitpid returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	/* Orphaned members of a child's group (make's shells) are reparented
	 * to kbuild, so children_drain_group can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

int children_interrupted(void)
{
	return interrupted;
}
