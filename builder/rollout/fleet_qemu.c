/* QEMU for the rollout, started, waited for and stopped through lib/spawn. */
#include "rollout/fleet_qemu.h"
#include "guest/qmp.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const ovmf_code[] = {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"};
static const char *const ovmf_vars[] = {"/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"};

static const char *first_readable(const char *const *v, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (access(v[i], R_OK) == 0)
			return v[i];
	kb_fail("OVMF %s not found (%s; package ovmf)", what, v[0]);
	return NULL;
}

const char *fleet_ovmf_code(void)
{
	return first_readable(ovmf_code, 2, "firmware");
}

const char *fleet_ovmf_vars(void)
{
	/* the variable store must match the code's size: 4M with 4M */
	const char *code = fleet_ovmf_code();
	if (!code)
		return NULL;
	return strstr(code, "_4M") ? first_readable(ovmf_vars, 1, "variables")
				   : first_readable(ovmf_vars + 1, 1, "variables");
}

/* QEMU's option escaping: a comma in a value is doubled. */
static char *opt_escape(const char *s)
{
	char *o = xmalloc(strlen(s) * 2 + 1), *w = o;
	for (; *s; s++) {
		*w++ = *s;
		if (*s == ',')
			*w++ = ',';
	}
	*w = '\0';
	return o;
}

#define WATCH_PERIOD 0.25

/* Start; until the guest ends QEMU, look at the console for the watcher
 * and do what it asks; stop QEMU at the deadline or when asked. */
static int run_qemu(char *const argv[], const struct fleet_qemu *q, fleet_watch_fn watch, void *ctx,
		    int *status, bool *stopped)
{
	int fd = q->log ? fileno(q->log) : -1;
	if (q->log)
		fflush(q->log);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fd, .stderr_fd = fd};
	struct spawn_proc p;
	if (spawn_start(argv, &o, &p) < 0)
		return -1;
	double end = now_seconds() + q->timeout_s;
	*stopped = false;
	for (;;) {
		double now = now_seconds();
		int ended = spawn_wait(&p, now + WATCH_PERIOD < end ? now + WATCH_PERIOD : end, status);
		if (ended < 0)
			return -1; /* interrupted: spawn stopped QEMU's group */
		if (ended)
			break;
		now = now_seconds();
		enum fleet_watch w = WATCH_GO_ON;
		if (now >= end) {
			w = WATCH_STOP;
		} else if (watch) {
			char *text = read_file(q->serial_log, NULL);
			kb_clear_error(); /* no console yet: the firmware is starting */
			w = watch(text ? text : "", now, ctx);
			free(text);
		}
		if (w == WATCH_RESET && q->log)
			fprintf(q->log, "qemu: system_reset through QMP (%s)\n", q->qmp);
		if (w == WATCH_RESET && qmp_command(q->qmp, "system_reset", 10.0) < 0) {
			char *why = xstrdup(kb_last_error());
			spawn_stop(&p, 2.0);
			kb_fail("%s", why);
			free(why);
			return -1;
		}
		if (w == WATCH_STOP) {
			*status = spawn_stop(&p, 2.0);
			*stopped = true;
			break;
		}
	}
	if (*status == 127 && !*stopped)
		return kb_fail("qemu-system-x86_64 could not be run (package qemu-system-x86)");
	return 0;
}

int fleet_qemu_run(const struct fleet_qemu *q, fleet_watch_fn watch, void *ctx, int *qemu_status,
		   bool *stopped, double *seconds)
{
	const char *code = fleet_ovmf_code();
	if (!code)
		return -1;
	char *ecode = opt_escape(code), *evars = opt_escape(q->vars), *edisk = opt_escape(q->disk),
	     *eser = opt_escape(q->serial_log);
	struct strv a = {0};
	const char *fixed[] = {"qemu-system-x86_64",
			       "-nodefaults",
			       "-no-user-config",
			       "-machine",
			       "q35",
			       "-display",
			       "none",
			       "-device",
			       "isa-debug-exit,iobase=0xf4,iosize=0x04"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		strv_push(&a, fixed[i]);
	strv_push(&a, "-accel");
	strv_push(&a, q->accel && *q->accel ? q->accel : "tcg");
	strv_push(&a, "-m");
	strv_push_owned(&a, xasprintf("%u", q->mem_mb ? q->mem_mb : 512));
	strv_push(&a, "-drive");
	strv_push_owned(&a, xasprintf("if=pflash,format=raw,readonly=on,file=%s", ecode));
	strv_push(&a, "-drive");
	strv_push_owned(&a, xasprintf("if=pflash,format=raw,file=%s", evars));
	strv_push(&a, "-drive");
	strv_push_owned(&a, xasprintf("file=%s,format=raw,if=ide", edisk));
	strv_push(&a, "-chardev");
	strv_push_owned(&a, xasprintf("file,id=serial0,path=%s", eser));
	strv_push(&a, "-serial");
	strv_push(&a, "chardev:serial0");
	if (q->qmp) {
		char *eq = opt_escape(q->qmp);
		strv_push(&a, "-qmp");
		strv_push_owned(&a, xasprintf("unix:%s,server=on,wait=off", eq));
		free(eq);
	}
	if (q->accel && !strcmp(q->accel, "kvm")) {
		strv_push(&a, "-cpu");
		strv_push(&a, "host");
	}
	unlink(q->serial_log); /* never judge an earlier run's console */
	if (q->log) {
		char *cmd = argv_to_string(strv_argv(&a));
		fprintf(q->log, "qemu: %s\n", cmd);
		free(cmd);
	}
	double t0 = now_seconds();
	int rc = run_qemu(strv_argv(&a), q, watch, ctx, qemu_status, stopped);
	*seconds = now_seconds() - t0;
	if (rc == 0 && q->log)
		fprintf(q->log, "qemu: %s after %.1f s (status %d)\n", *stopped ? "stopped" : "ended",
			*seconds, *qemu_status);
	strv_free(&a);
	free(ecode);
	free(evars);
	free(edisk);
	free(eser);
	return rc;
}
