/* The rollout: the host's disk, its QEMU sessions watched boot by boot,
 * grubenv between them, and the verdict the boots earn. */
#include "rollout/rollout.h"
#include "lib/outfile.h"
#include "boot/files.h"
#include "boot/grub2.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "guest/accel.h"
#include "rollout/console.h"
#include "rollout/disk_image.h"
#include "rollout/fleet_qemu.h"
#include "rollout/inject.h"
#include "rollout/outcome.h"
#include "rollout/verdict.h"
#include "rollout/watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONSOLE "console=ttyS0,115200"

/* Debian's generated grub.cfg (util/grub.d/00_header.in) does the same with
 * next_entry and saved_entry; the serial console is GRUB's terminal. */
static const char cfg_header[] = "# Written by kbuild rollout: the fleet host's grub.cfg\n"
				 "serial --unit=0 --speed=115200\n"
				 "terminal_input serial\n"
				 "terminal_output serial\n"
				 "set timeout=0\n"
				 "load_env\n"
				 "if [ \"${next_entry}\" ] ; then\n"
				 "\tset default=\"${next_entry}\"\n"
				 "\tset next_entry=\n"
				 "\tsave_env next_entry\n"
				 "\tset boot_once=true\n"
				 "else\n"
				 "\tset default=\"${saved_entry}\"\n"
				 "fi\n";

struct host {
	struct run *r;
	FILE *log;
	char *dir, *image, *work, *vars, *qmp_dir, *qmp;
	char *new_id, *old_id, *release, *old_release;
	struct host_kernel new_k, old_k;
	struct fleet_qemu q;
	struct rollout_report rep;
};

struct watch_ctx {
	struct boot_watch w;
	FILE *log;
};

/* One QEMU run (power on to power off) and what its console showed. */
struct session {
	struct fleet_boot *b;
	size_t n;
	long reset_boot; /* the boot during which kbuild reset the host, or -1 */
	double secs;
};

/* "vmlinuz-6.1.0-57-amd64" -> "6.1.0-57-amd64"; otherwise "old". */
static char *release_from_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	if (!strncmp(b, "vmlinuz-", 8) && b[8])
		return xstrdup(b + 8);
	return xstrdup("old");
}

/* A boot that shows no health verdict (the self-tests' end ends QEMU; a
 * panic reboots the host) within the deadline gets the host reset, as a BMC
 * watchdog would (rollout/watch.h). */
static enum fleet_watch watch_console(const char *console, double now, void *ctx)
{
	struct watch_ctx *c = ctx;
	struct fleet_boot *b;
	size_t n = fleet_console_parse(console, &b);
	fleet_boots_free(b, n);
	return boot_watch_look(&c->w, n, now, c->log);
}

/* The boot's outcome as the results name it. */
static const char *boot_outcome(const struct fleet_boot *b, bool reset)
{
	if (b->panicked)
		return "panic";
	if (reset)
		return "hang (reset)";
	if (fleet_boot_passed(b))
		return "healthy";
	return b->userspace ? "came up, self-tests failed" : "no user space";
}

/* Powers the host on and follows it until it powers off (the self-test
 * runner's end), or is stopped: after max_boots boots, or when a boot is
 * still undecided at the deadline and max_resets resets are spent. Every
 * boot goes to the report. */
static int run_session(struct host *h, const char *name, size_t max_boots, size_t max_resets,
		       struct session *s)
{
	char *serial = xasprintf("%s/serial-%s.log", h->dir, name);
	h->q.serial_log = serial;
	struct watch_ctx c = {.log = h->log};
	boot_watch_init(&c.w, (double)h->r->set->rollout.deadline, max_boots, max_resets, now_seconds());
	int status = 0;
	bool stopped = false;
	fprintf(stderr, "rollout: %s: QEMU (OVMF, GRUB, reboots allowed)...\n", name);
	double t0 = now_seconds();
	int rc = fleet_qemu_run(&h->q, watch_console, &c, &status, &stopped, &s->secs);
	double end = t0 + s->secs;
	*s = (struct session){.reset_boot = c.w.reset_boot, .secs = s->secs};
	if (rc == 0) {
		char *text = read_file(serial, NULL);
		s->n = fleet_console_parse(text ? text : "", &s->b);
		free(text);
		char *desc = fleet_boots_describe(s->b, s->n);
		fprintf(h->log, "%s: %.1f s%s\n%s", name, s->secs, stopped ? " (stopped)" : "", desc);
		fprintf(stderr, "%s", desc);
		free(desc);
		for (size_t i = 0; i < s->n; i++)
			rollout_report_add_boot(&h->rep, name, &s->b[i],
						boot_outcome(&s->b[i], (long)i == s->reset_boot),
						boot_watch_seconds(&c.w, i, s->n, end));
	}
	boot_watch_free(&c.w);
	free(serial);
	return rc;
}

static void session_free(struct session *s)
{
	fleet_boots_free(s->b, s->n);
	*s = (struct session){0};
}

static int set_saved_entry(struct host *h, const char *id)
{
	char *set = xasprintf("saved_entry=%s", id);
	const char *vars[] = {set};
	int rc = fleet_env_set(h->image, h->work, vars, 1, h->log);
	free(set);
	return rc;
}

/* After a failed trial (or a failed blessed boot): did the host come back on
 * the old kernel? b: the boot that followed, or NULL. */
static bool fallback_came_up(struct host *h, const struct fleet_boot *b)
{
	bool back = b && rollout_came_up(b, &h->old_k);
	rollout_report_add(&h->rep, "rollout/fallback", back, 0,
			   back ? "the host came back on the old kernel"
			   : b  ? b->excerpt
				: "no boot followed");
	if (back)
		fprintf(stderr, "rollout: the host came back on %s\n", h->old_release);
	else
		fprintf(stderr, "rollout: the old kernel %s did not come back: host lost\n", h->old_release);
	return back;
}

/* Powers the host on again with the old kernel as its default (the
 * one-shot is spent; unblessed) and judges the boot. */
static enum rollout_verdict power_on_old(struct host *h, enum trial_outcome trial)
{
	struct session s;
	if (run_session(h, "fallback", 1, 0, &s) < 0)
		return VERDICT_ERROR;
	enum rollout_verdict v = rollout_fallback_verdict(trial, fallback_came_up(h, s.n ? &s.b[0] : NULL));
	session_free(&s);
	return v;
}

/* Healthy: saved_entry = the new kernel, and it must come up again. */
static enum rollout_verdict bless(struct host *h)
{
	if (set_saved_entry(h, h->new_id) < 0)
		return VERDICT_ERROR;
	fprintf(stderr, "rollout: blessed %s (saved_entry in grubenv)\n", h->new_id);
	struct session s;
	if (run_session(h, "blessed", 1, 0, &s) < 0)
		return VERDICT_ERROR;
	bool up = s.n >= 1 && rollout_came_up(&s.b[0], &h->new_k);
	rollout_report_add(&h->rep, "rollout/blessed-reboot", up, s.secs,
			   up    ? "the blessed kernel came up again"
			   : s.n ? s.b[0].excerpt
				 : "no boot");
	session_free(&s);
	if (up) {
		fprintf(stderr, "rollout: %s blessed and up again\n", h->release);
		return VERDICT_BLESSED;
	}
	/* unbless, as the host's own health check would, and go back */
	fprintf(stderr, "rollout: the blessed %s did not come up again: back to %s\n", h->release,
		h->old_release);
	if (set_saved_entry(h, h->old_id) < 0)
		return VERDICT_ERROR;
	return power_on_old(h, TRIAL_UNHEALTHY);
}

static enum rollout_verdict roll(struct host *h)
{
	struct session s;
	/* two boots (the new kernel, the fallback), one reset: a hung new
	 * kernel; the old one must then come up alone */
	if (run_session(h, "trial", 2, 1, &s) < 0)
		return VERDICT_ERROR;
	const struct fleet_boot *tb = s.n ? &s.b[0] : NULL;
	enum trial_outcome t = rollout_trial(tb, &h->new_k, s.reset_boot == 0);
	fprintf(stderr, "rollout: trial boot of %s: %s\n", h->release, trial_outcome_names[t]);
	rollout_report_add(&h->rep, "rollout/trial", t == TRIAL_HEALTHY, s.secs,
			   tb ? tb->excerpt : "the host showed no boot");
	if (tb && tb->panic_lines)
		fprintf(stderr, "---- panic ----\n%s----\n", tb->panic_lines);
	enum rollout_verdict v;
	if (t == TRIAL_WRONG_ENTRY) {
		kb_fail("the one-shot did not start the new kernel (entry %s, kernel %s)",
			tb && tb->entry ? tb->entry : "none", tb && tb->release ? tb->release : "none");
		v = VERDICT_ERROR;
	} else if (t == TRIAL_HEALTHY) {
		/* GRUB must have spent the one-shot */
		char *env = fleet_env_list(h->image, h->work, h->log);
		char *next = env ? fleet_env_value(env, "next_entry") : NULL;
		if (!next || *next) {
			kb_fail("GRUB did not clear next_entry in grubenv after the one-shot");
			v = VERDICT_ERROR;
		} else {
			v = bless(h);
		}
		free(next);
		free(env);
	} else if (t == TRIAL_UNHEALTHY) {
		fprintf(stderr, "rollout: %s came up unhealthy: not blessed; powering the host on again\n",
			h->release);
		v = power_on_old(h, t);
	} else {
		/* panic or hang: the boot after it, in the same run, is GRUB's fallback */
		v = rollout_fallback_verdict(t, fallback_came_up(h, s.n > 1 ? &s.b[1] : NULL));
	}
	session_free(&s);
	return v;
}

/* The rollout image's entries: the old kernel and the new one. */
static char *fleet_grub_cfg(const struct boot_entry *old, const struct boot_entry *new, const char *old_id,
			    const char *new_id)
{
	char *mo = xasprintf(FLEET_ENTRY_MARK "%s", old_id), *mn = xasprintf(FLEET_ENTRY_MARK "%s", new_id);
	char *eo = grub2_menuentry(old, mo), *en = grub2_menuentry(new, mn);
	char *cfg = xasprintf("%s%s%s", cfg_header, eo, en);
	free(mo);
	free(mn);
	free(eo);
	free(en);
	return cfg;
}

static int prepare(struct host *h)
{
	struct run *r = h->r;
	enum rollout_inject inject = r->set->rollout.inject;
	const char *old_kernel = r->set->rollout.old_kernel;
	if (!old_kernel)
		return kb_fail("rollout.old_kernel: not set (the known-good kernel the host falls back to, "
			       "e.g. the previous good build's vmlinuz)");
	char *new_kernel = xasprintf("%s/boot/vmlinuz-%s", r->installroot, h->release);
	char *built_initrd = run_path(r, OUT_INITRAMFS);
	char *new_initrd = inject == INJECT_UNHEALTHY ? path_join(h->work, "initrd-unhealthy.img")
						      : xstrdup(built_initrd);
	const char *old_initrd = r->set->rollout.old_initrd ? r->set->rollout.old_initrd : built_initrd;
	h->old_release = release_from_name(old_kernel);
	int rc = 0;
	if (inject == INJECT_UNHEALTHY)
		rc = inject_unhealthy_initrd(built_initrd, new_initrd, h->work);

	struct boot_plan bp;
	if (rc == 0)
		rc = boot_plan_from_settings(r->set, h->release, &bp);
	else
		bp = (struct boot_plan){0};
	/* On the fleet host's disk the partition is /boot; the console is the
	 * serial port kbuild reads. */
	struct boot_entry ne = bp.e, oe = bp.e;
	const char *extra = inject_cmdline(inject);
	char *ncmd = xasprintf("%s%s" CONSOLE "%s%s", bp.e.cmdline ? bp.e.cmdline : "",
			       bp.e.cmdline ? " " : "", *extra ? " " : "", extra);
	ne.cmdline = ncmd;
	ne.bootdir = "";
	oe.release = h->old_release;
	oe.title = "old kernel";
	oe.id = "old";
	oe.cmdline = CONSOLE;
	oe.bootdir = "";
	if (rc == 0)
		rc = boot_entry_check(&ne);
	if (rc == 0)
		rc = boot_entry_check(&oe);
	h->new_id = boot_entry_grub2_id(&ne);
	h->old_id = boot_entry_grub2_id(&oe);
	h->new_k = (struct host_kernel){h->new_id, h->release};
	h->old_k = (struct host_kernel){h->old_id, h->old_release};

	char *cfg = rc == 0 ? fleet_grub_cfg(&oe, &ne, h->old_id, h->new_id) : NULL;
	char *cfgp = path_join(h->work, "grub.cfg.check");
	if (rc == 0)
		rc = write_file_atomic(cfgp, cfg, strlen(cfg));
	if (rc == 0)
		rc = boot_grub_script_check(cfgp, h->log);
	if (rc == 0)
		fprintf(h->log, "---- grub.cfg ----\n%s----\n", cfg);

	char *dk = boot_entry_kernel_path(&ne), *di = boot_entry_initrd_path(&ne);
	char *odk = boot_entry_kernel_path(&oe), *odi = boot_entry_initrd_path(&oe);
	struct fleet_file files[] = {
		{new_kernel, dk},
		{new_initrd, di},
		{old_kernel, odk},
		{old_initrd, odi},
	};
	char *saved = xasprintf("saved_entry=%s", h->old_id), *next = xasprintf("next_entry=%s", h->new_id);
	const char *env[] = {saved, next};
	if (rc == 0) {
		fprintf(stderr, "rollout: disk image: old %s saved default, new %s one-shot%s%s%s\n",
			h->old_release, h->release, inject ? " (injected: " : "",
			inject ? rollout_inject_names[inject] : "", inject ? ")" : "");
		rc = fleet_image_create(h->image, h->work, files, 4, cfg, env, 2, h->log);
	}
	const char *tmpl = rc == 0 ? fleet_ovmf_vars() : NULL;
	if (rc == 0 && (!tmpl || copy_file(tmpl, h->vars) < 0))
		rc = -1;
	free(saved);
	free(next);
	free(dk);
	free(di);
	free(odk);
	free(odi);
	free(cfg);
	free(cfgp);
	free(ncmd);
	boot_plan_free(&bp);
	free(new_kernel);
	free(new_initrd);
	free(built_initrd);
	return rc;
}

/* The accelerator qa.accel chooses (auto: KVM only where it runs an
 * ordinary guest). NULL with kb_fail() when kvm was demanded and cannot be used. */
static const char *accel_of(enum accel_mode mode, FILE *log)
{
	struct accel_choice c;
	if (accel_choose(mode, &c) < 0)
		return NULL;
	if (log)
		fprintf(log, "accel: %s (%s)\n", c.kvm ? "kvm" : "tcg", c.why);
	return c.kvm ? "kvm" : "tcg";
}

/* The QMP socket lives in a short private directory: a unix socket path
 * holds 107 bytes, and O= may be longer. */
static int make_qmp_dir(struct host *h)
{
	const char *tmp = getenv("TMPDIR");
	h->qmp_dir = xasprintf("%s/kbuild-qmp-XXXXXX", tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp");
	if (!mkdtemp(h->qmp_dir))
		return kb_fail("%s: %s", h->qmp_dir, strerror(errno));
	h->qmp = path_join(h->qmp_dir, "qmp.sock");
	return 0;
}

int rollout_run(struct run *r)
{
	struct host h = {.r = r};
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0 || !inst.release) {
		fprintf(stderr, "kbuild: rollout: no release recorded: run the install stage\n");
		install_rec_free(&inst);
		return rollout_verdict_exit[VERDICT_ERROR];
	}
	h.release = xstrdup(inst.release);
	install_rec_free(&inst);
	h.dir = run_path(r, "rollout");
	h.work = path_join(h.dir, "work");
	h.image = path_join(h.dir, "disk.img");
	h.vars = path_join(h.dir, "ovmf-vars.fd");
	char *logp = path_join(r->logdir, "rollout.log");
	int rc = rm_rf(h.dir) < 0 || mkdir_p(h.work, 0755) < 0 ? -1 : 0;
	h.log = rc == 0 ? fopen(logp, "w") : NULL;
	if (rc == 0 && !h.log)
		rc = kb_fail("%s: %s", logp, strerror(errno));
	if (rc == 0)
		rc = make_qmp_dir(&h);
	rollout_report_init(&h.rep, rollout_inject_names[r->set->rollout.inject]);
	double t0 = now_seconds();
	if (rc == 0) {
		h.q = (struct fleet_qemu){
			.disk = h.image,
			.vars = h.vars,
			.accel = accel_of(r->set->qa.accel, h.log),
			.mem_mb = (unsigned)r->set->qa.memory,
			.qmp = h.qmp,
			.timeout_s = (unsigned)r->set->rollout.timeout,
			.log = h.log,
		};
		rc = h.q.accel ? prepare(&h) : -1;
	}
	enum rollout_verdict v = rc == 0 ? roll(&h) : VERDICT_ERROR;
	if (v == VERDICT_ERROR) {
		fprintf(stderr, "kbuild: rollout: %s\n", kb_last_error());
		if (h.log)
			fprintf(h.log, "error: %s\n", kb_last_error());
		rollout_report_add(&h.rep, "rollout/setup", false, now_seconds() - t0, kb_last_error());
	}
	rollout_report_set_time(&h.rep, "total", now_seconds() - t0);
	/* record.json, KCIDB and the report page carry the verdict too */
	if (r->doc)
		rundoc_set(r->doc, "rollout", rollout_report_doc(&h.rep, v));
	char *json = path_join(h.dir, "results.json"), *junit = path_join(h.dir, "junit.xml");
	if (mkdir_p(h.dir, 0755) < 0 || rollout_report_write(&h.rep, v, json, junit) < 0) {
		fprintf(stderr, "kbuild: rollout: %s\n", kb_last_error());
		v = VERDICT_ERROR;
	}
	fprintf(stderr, "rollout: %s after %.1f s: exit %d; results %s; log %s\n", rollout_verdict_names[v],
		now_seconds() - t0, rollout_verdict_exit[v], json, logp);
	rollout_report_free(&h.rep);
	if (h.log)
		fclose(h.log);
	if (h.qmp) {
		unlink(h.qmp);
		rmdir(h.qmp_dir);
	}
	free(h.qmp);
	free(h.qmp_dir);
	free(json);
	free(junit);
	free(logp);
	free(h.dir);
	free(h.work);
	free(h.image);
	free(h.vars);
	free(h.new_id);
	free(h.old_id);
	free(h.release);
	free(h.old_release);
	return rollout_verdict_exit[v];
}
