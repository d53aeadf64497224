/* Run QEMU in its own process group, watch the serial log, decide a verdict. */
#include "guest/qemu.h"
#include "guest/console_verdict.h"
#include "guest/ktap.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_S 0.1       /* how often the console is read */
#define STOP_GRACE_S 2.0 /* SIGTERM to SIGKILL when QEMU is stopped */
#define DEFAULT_KVM_GRACE_S 20
#define PANIC_GRACE_S 2.0 /* let the trace reach the log before QEMU is killed */
#define EXCERPT_BEFORE 8
#define EXCERPT_AFTER 16
#define TAIL_LINES 30

void boot_result_free(struct boot_result *r)
{
	free(r->excerpt);
	r->excerpt = NULL;
}

/* The kernel's own panic/oops line shapes: guest/console_verdict.c. */
static bool is_panic_line(const char *line)
{
	return console_line_is_panic(line);
}

/* The serial log as it grows: bytes read so far, and how far lines were scanned. */
struct console {
	int fd;
	char *buf;
	size_t len, cap, scanned;
	bool panic_seen;
};

static void console_poll(struct console *c, const char *path)
{
	if (c->fd < 0)
		c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		return;
	for (;;) {
		if (c->cap - c->len < 4096)
			c->buf = xrealloc(c->buf, c->cap = c->cap * 2 + 8192);
		ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		if (n <= 0)
			break;
		c->len += (size_t)n;
	}
	c->buf[c->len] = '\0';
	char *nl;
	while (!c->panic_seen && (nl = memchr(c->buf + c->scanned, '\n', c->len - c->scanned))) {
		*nl = '\0';
		c->panic_seen = is_panic_line(c->buf + c->scanned);
		*nl = '\n';
		c->scanned = (size_t)(nl - c->buf) + 1;
	}
}

/* Split text into lines (without '\r'); returns the count. */
static size_t split_lines(char *text, char ***lines)
{
	size_t n = 0, cap = 64;
	*lines = xmalloc(cap * sizeof(char *));
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(l);
		while (len && l[len - 1] == '\r')
			l[--len] = '\0';
		if (n == cap)
			*lines = xrealloc(*lines, (cap *= 2) * sizeof(char *));
		(*lines)[n++] = l;
	}
	return n;
}

static char *make_excerpt(const char *log, bool around_panic)
{
	char *text = xstrdup(log ? log : "");
	char **lines;
	size_t n = split_lines(text, &lines), from = n > TAIL_LINES ? n - TAIL_LINES : 0, to = n;
	if (around_panic) {
		for (size_t k = 0; k < n; k++) {
			if (is_panic_line(lines[k])) {
				from = k > EXCERPT_BEFORE ? k - EXCERPT_BEFORE : 0;
				to = k + EXCERPT_AFTER < n ? k + EXCERPT_AFTER : n;
				break;
			}
		}
	}
	char *s = lines_join(lines, from, to);
	free(lines);
	free(text);
	return s;
}

/* When the guest ended without the exit port, results on the console still
 * count (read by guest/ktap): a failed test fails, a complete plan of
 * passed (or skipped) tests passes. */
static enum boot_verdict verdict_from_ktap(const char *log)
{
	struct ktap_report rep;
	ktap_parse(log ? log : "", log ? strlen(log) : 0, &rep);
	size_t oks = 0;
	bool failed = false;
	for (size_t k = 0; k < rep.root.nsub; k++) {
		enum test_status st = rep.root.sub[k].status;
		failed |= st == TEST_FAIL || st == TEST_TODO;
		oks += st == TEST_PASS || st == TEST_SKIP;
	}
	long planned = rep.root.plan;
	ktap_report_free(&rep);
	if (failed)
		return BOOT_TESTS_FAILED;
	if (planned > 0 && oks == (size_t)planned)
		return BOOT_PASSED;
	return BOOT_NO_REPORT;
}

/* "file,path=..." with QEMU's option escaping (a comma is doubled). */
static char *chardev_file_arg(const char *path)
{
	size_t commas = 0;
	for (const char *p = path; *p; p++)
		commas += *p == ',';
	char *esc = xmalloc(strlen(path) + commas + 1), *o = esc;
	for (const char *p = path; *p; p++) {
		*o++ = *p;
		if (*p == ',')
			*o++ = ',';
	}
	*o = '\0';
	char *s = xasprintf("file,id=serial0,path=%s", esc);
	free(esc);
	return s;
}

static void build_argv(const struct qemu_opts *o, bool kvm, struct strv *a)
{
	strv_push(a, "qemu-system-x86_64");
	static const char *const fixed[] = {
		"-nodefaults", "-no-user-config", "-machine",
		"pc",          "-display",        "none",
		"-no-reboot",  "-device",         "isa-debug-exit,iobase=0xf4,iosize=0x04",
	};
	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		strv_push(a, fixed[k]);
	strv_push(a, "-m");
	strv_push_owned(a, xasprintf("%u", o->mem_mb));
	strv_push(a, "-chardev");
	strv_push_owned(a, chardev_file_arg(o->serial_log));
	strv_push(a, "-serial");
	strv_push(a, "chardev:serial0");
	strv_push(a, "-kernel");
	strv_push(a, o->kernel);
	if (o->initrd) {
		strv_push(a, "-initrd");
		strv_push(a, o->initrd);
	}
	strv_push(a, "-append");
	strv_push_owned(a, xasprintf("console=ttyS0 panic=-1 quiet%s%s",
				     o->append_extra && *o->append_extra ? " " : "",
				     o->append_extra ? o->append_extra : ""));
	strv_push(a, "-accel");
	strv_push(a, kvm ? "kvm" : "tcg");
	if (kvm) {
		strv_push(a, "-cpu");
		strv_push(a, "host");
	}
}

static void copy_stream(FILE *from, FILE *to)
{
	char buf[4096];
	size_t n;
	rewind(from);
	while (to && (n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
}

/* One QEMU run. silent_s > 0: a console still empty that long after the
 * start ends the run with BOOT_KVM_SILENT. */
static int boot_once(const struct qemu_opts *o, bool kvm, unsigned silent_s, struct boot_result *r)
{
	unlink(o->serial_log); /* never judge a previous boot's console */
	struct strv argv = {0};
	build_argv(o, kvm, &argv);
	char *cmd = argv_to_string(strv_argv(&argv));
	if (o->log)
		fprintf(o->log, "qemu: %s\n", cmd);
	FILE *qerr = tmpfile(); /* QEMU's own messages, for the log and an ERROR excerpt */
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int err_fd = qerr ? fileno(qerr) : null_fd;
	struct spawn_opts so = {.stdin_fd = -1, .stdout_fd = err_fd, .stderr_fd = err_fd};
	double t0 = now_seconds();
	struct spawn_proc qemu;
	int started = spawn_start(strv_argv(&argv), &so, &qemu);
	close(null_fd);
	if (started < 0) {
		free(cmd);
		strv_free(&argv);
		if (qerr)
			fclose(qerr);
		return -1;
	}

	unsigned timeout = o->timeout_s;
	double deadline = t0 + timeout, panic_deadline = 0;
	struct console con = {.fd = -1};
	int status = 0;
	bool timed_out = false, exited = false, silent = false;
	while (!exited) {
		int w = spawn_wait(&qemu, now_seconds() + POLL_S, &status);
		if (w == 1) {
			exited = true;
			break;
		}
		if (w < 0) { /* interrupted, or reaped behind our back: an ERROR verdict */
			status = 255;
			break;
		}
		console_poll(&con, o->serial_log);
		double now = now_seconds();
		if (con.panic_seen && !panic_deadline)
			panic_deadline = now + PANIC_GRACE_S;
		silent = silent_s && con.len == 0 && now > t0 + silent_s;
		if ((panic_deadline && now > panic_deadline) || now > deadline || silent) {
			timed_out = !panic_deadline && !silent;
			status = spawn_stop(&qemu, STOP_GRACE_S);
			if (status < 0)
				status = 255;
			break;
		}
	}
	console_poll(&con, o->serial_log);
	r->seconds = now_seconds() - t0;
	r->qemu_status = status; /* 128+signal when QEMU was killed */

	bool has_output = con.len > 0;
	/* Under KVM, QEMU failing before the guest printed a byte (KVM_CREATE_VM
	 * refused, say) is the same fact as a silent guest. */
	if (silent || (silent_s && con.len == 0 && exited))
		r->verdict = BOOT_KVM_SILENT;
	else if (con.panic_seen)
		r->verdict = BOOT_PANIC;
	else if (timed_out)
		r->verdict = BOOT_TIMEOUT;
	else if (status >= 128)
		r->verdict = BOOT_ERROR;            /* killed: QEMU's own statuses are 0, 1 and 3 */
	else if (r->qemu_status == 1 && has_output) /* QEMU's own errors also exit 1 */
		r->verdict = BOOT_PASSED;
	else if (r->qemu_status == 3)
		r->verdict = BOOT_TESTS_FAILED;
	else if (r->qemu_status == 0)
		r->verdict = verdict_from_ktap(con.buf);
	else
		r->verdict = BOOT_ERROR;

	if (r->verdict == BOOT_ERROR && qerr) {
		/* the console is likely empty: QEMU's complaint is what explains it */
		fflush(qerr);
		long sz = ftell(qerr);
		char *msg = xmalloc(sz > 0 ? (size_t)sz + 1 : 1);
		rewind(qerr);
		size_t n = sz > 0 ? fread(msg, 1, (size_t)sz, qerr) : 0;
		msg[n] = '\0';
		char *cons = make_excerpt(con.buf, false);
		r->excerpt = xasprintf("%s%s", msg, cons);
		free(cons);
		free(msg);
	} else {
		r->excerpt = make_excerpt(con.buf, r->verdict == BOOT_PANIC);
	}
	if (qerr) {
		copy_stream(qerr, o->log);
		fclose(qerr);
	}
	if (o->log)
		fprintf(o->log, "qemu: verdict %s (QEMU status %d) after %.2f s\n",
			boot_verdict_name(r->verdict), r->qemu_status, r->seconds);
	if (con.fd >= 0)
		close(con.fd);
	free(con.buf);
	free(cmd);
	strv_free(&argv);
	return 0;
}

int qemu_boot(const struct qemu_opts *o, struct boot_result *r)
{
	*r = (struct boot_result){.verdict = BOOT_ERROR, .qemu_status = -1};
	if (!o->kernel || !o->serial_log)
		return kb_fail("qemu: a kernel and a serial log path are needed");
	if (access(o->kernel, R_OK) < 0)
		return kb_fail("qemu: kernel %s: %s", o->kernel, strerror(errno));
	if (o->initrd && access(o->initrd, R_OK) < 0)
		return kb_fail("qemu: initrd %s: %s", o->initrd, strerror(errno));
	struct accel_choice accel;
	if (accel_choose(o->accel, &accel) < 0)
		return -1;
	if (o->log)
		fprintf(o->log, "qemu: accelerator %s (%s)\n", accel.kvm ? "kvm" : "tcg", accel.why);
	unsigned grace = o->kvm_grace_s ? o->kvm_grace_s : DEFAULT_KVM_GRACE_S;
	int rc = boot_once(o, accel.kvm, accel.kvm ? grace : 0, r);
	if (rc == 0 && r->verdict == BOOT_KVM_SILENT && accel.fallback_allowed) {
		if (o->log)
			fprintf(o->log,
				"qemu: the guest printed nothing in %u s under KVM; "
				"falling back to TCG once (accel=tcg skips this)\n",
				grace);
		boot_result_free(r);
		accel.kvm = false;
		accel.fallback_allowed = false;
		snprintf(accel.why, sizeof(accel.why),
			 "auto: fell back after a silent KVM guest (%u s); set accel=tcg", grace);
		rc = boot_once(o, false, 0, r);
		r->fell_back = true;
	} else if (rc == 0 && r->verdict == BOOT_KVM_SILENT) {
		free(r->excerpt);
		r->excerpt = xasprintf("the guest printed nothing in %u s under KVM (%s): this KVM "
				       "cannot run it; use accel=tcg\n",
				       grace, accel.why);
	}
	r->accel = accel;
	return rc;
}
