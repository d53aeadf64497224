/* The rollout scenarios: image, QEMU runs, grubenv between them, verdicts. */
#include "rollout/rollout.h"
#include "lib/outfile.h"
#include "boot/files.h"
#include "boot/grub2.h"
#include "boot/grubconf_edit.h"
#include "boot/legacy.h"
#include "core/records.h"
#include "guest/accel.h"
#include "rollout/console.h"
#include "rollout/disk_image.h"
#include "rollout/fleet_qemu.h"
#include "rollout/outcome.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A command line that makes a good kernel panic at boot: no such init in
 * the initramfs, and no root device to fall back on. */
#define BAD_CMDLINE "rdinit=/kbuild-rollout-no-such-init"
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

struct scenario {
	struct run *r;
	FILE *log;
	char *dir, *image, *work, *vars;
	char *new_id, *old_id, *release, *old_release;
	struct fleet_qemu q;
	struct rollout_report rep;
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

static int run_fleet(struct scenario *sc, const char *name, struct fleet_boot **boots, size_t *n,
		     double *secs)
{
	char *serial = xasprintf("%s/serial-%s.log", sc->dir, name);
	sc->q.serial_log = serial;
	int status = 0;
	bool timed_out = false;
	fprintf(stderr, "rollout: %s: QEMU (OVMF, GRUB, reboots allowed)...\n", name);
	int rc = fleet_qemu_run(&sc->q, &status, &timed_out, secs);
	*boots = NULL;
	*n = 0;
	if (rc == 0) {
		char *text = read_file(serial, NULL);
		*n = fleet_console_parse(text ? text : "", boots);
		free(text);
		char *desc = fleet_boots_describe(*boots, *n);
		fprintf(sc->log, "%s: %.1f s%s\n%s", name, *secs, timed_out ? " (timed out)" : "", desc);
		fprintf(stderr, "%s", desc);
		if (timed_out)
			fprintf(stderr, "rollout: %s: still running after %u s: stopped\n", name,
				sc->q.timeout_s);
		free(desc);
	}
	free(serial);
	return rc;
}

static bool is_boot(const struct fleet_boot *b, const char *entry, const char *release)
{
	return b->entry && !strcmp(b->entry, entry) && b->release && !strcmp(b->release, release);
}

/* The kernel reached user space and its self-test runner without a panic.
 * The one-shot boot must pass every self-test (that is what earns the
 * blessing); the boots after it prove the boot loader's choice, so a
 * self-test's verdict there (a timing test on a loaded TCG host, say) is
 * reported in the log but does not decide. */
static bool came_up(const struct fleet_boot *b)
{
	return b->userspace && !b->panicked;
}

/* Records a test of the report with the boots as its log. */
static void record(struct scenario *sc, const char *name, bool pass, double secs, const char *why,
		   const struct fleet_boot *boots, size_t n)
{
	char *desc = fleet_boots_describe(boots, n);
	char *log = xasprintf("%s%s%s", why ? why : "", why ? "\n" : "", desc);
	rollout_report_add(&sc->rep, name, pass, secs, log);
	if (!pass)
		fprintf(stderr, "rollout: %s FAILED: %s\n", name, why ? why : "");
	free(log);
	free(desc);
}

static int scenario_good(struct scenario *sc)
{
	struct fleet_boot *b;
	size_t n;
	double s1, s2, s3;
	double t0 = now_seconds();
	/* 1: the one-shot boots the new kernel, whose self-tests pass */
	if (run_fleet(sc, "once", &b, &n, &s1) < 0)
		return -1;
	bool ok = n == 1 && is_boot(&b[0], sc->new_id, sc->release) && fleet_boot_passed(&b[0]);
	char *env = fleet_env_list(sc->image, sc->work, sc->log);
	char *next = env ? fleet_env_value(env, "next_entry") : NULL;
	bool cleared = next && !*next;
	record(sc, "rollout/one-shot", ok && cleared, s1,
	       !ok        ? "the one-shot did not boot the new kernel to passing self-tests"
	       : !cleared ? "GRUB did not clear next_entry in grubenv"
			  : NULL,
	       b, n);
	free(next);
	free(env);
	fleet_boots_free(b, n);
	if (!ok || !cleared)
		return ROLLOUT_FAILED;

	/* 2: bless (saved_entry = the new kernel) and boot again, no one-shot */
	char *set = xasprintf("saved_entry=%s", sc->new_id);
	const char *vars[] = {set};
	int rc = fleet_env_set(sc->image, sc->work, vars, 1, sc->log);
	free(set);
	if (rc < 0)
		return -1;
	fprintf(stderr, "rollout: blessed %s (saved_entry in grubenv)\n", sc->new_id);
	if (run_fleet(sc, "blessed", &b, &n, &s2) < 0)
		return -1;
	ok = n == 1 && is_boot(&b[0], sc->new_id, sc->release) && came_up(&b[0]);
	record(sc, "rollout/blessed-reboot", ok, s2, ok ? NULL : "the blessed kernel did not come up again",
	       b, n);
	fleet_boots_free(b, n);
	if (!ok)
		return ROLLOUT_FAILED;
	rollout_report_set_time(&sc->rep, "scenario good (one-shot, bless, reboot)", now_seconds() - t0);

	/* 3: the GRUB legacy stanza, through legacy_configfile */
	const char *legacy[] = {"next_entry=legacy"};
	if (fleet_env_set(sc->image, sc->work, legacy, 1, sc->log) < 0)
		return -1;
	if (run_fleet(sc, "legacy", &b, &n, &s3) < 0)
		return -1;
	ok = n == 1 && b[0].entry && !strcmp(b[0].entry, "legacy") && b[0].release &&
	     !strcmp(b[0].release, sc->release) && came_up(&b[0]);
	record(sc, "rollout/legacy-stanza", ok, s3,
	       ok ? NULL : "the GRUB legacy stanza did not boot the new kernel through legacy_configfile", b,
	       n);
	fleet_boots_free(b, n);
	if (!ok)
		return ROLLOUT_FAILED;
	fprintf(stderr, "rollout: %s blessed and up again; legacy stanza booted\n", sc->release);
	return ROLLOUT_PASSED;
}

static int scenario_bad(struct scenario *sc)
{
	struct fleet_boot *b;
	size_t n;
	double s;
	if (run_fleet(sc, "bad", &b, &n, &s) < 0)
		return -1;
	bool panicked = n >= 1 && is_boot(&b[0], sc->new_id, sc->release) && b[0].panicked;
	bool back = n >= 2 && is_boot(&b[1], sc->old_id, sc->old_release) && came_up(&b[1]);
	int rc;
	if (panicked && back) {
		fprintf(stderr, "rollout: rolled back: %s panicked, the host came back on %s\n", sc->release,
			sc->old_release);
		fprintf(stderr, "---- panic ----\n%s----\n", b[0].panic_lines);
		char *why = xasprintf("rolled back\n%s", b[0].panic_lines);
		record(sc, "rollout/rolled-back", true, s, why, b, n);
		free(why);
		rc = ROLLOUT_ROLLED_BACK;
	} else {
		record(sc, "rollout/rolled-back", false, s,
		       !panicked ? "the new kernel did not panic on its first boot"
				 : "after the panic the host did not come back on the old kernel",
		       b, n);
		rc = ROLLOUT_FAILED;
	}
	rollout_report_set_time(&sc->rep, "scenario bad (panic, reboot, old kernel)", s);
	fleet_boots_free(b, n);
	return rc;
}

/* The rollout image's entries: the old kernel, the new one, and the legacy menu. */
static char *fleet_grub_cfg(const struct boot_entry *old, const struct boot_entry *new, const char *old_id,
			    const char *new_id)
{
	char *mo = xasprintf(FLEET_ENTRY_MARK "%s", old_id), *mn = xasprintf(FLEET_ENTRY_MARK "%s", new_id);
	char *eo = grub2_menuentry(old, mo), *en = grub2_menuentry(new, mn);
	char *cfg = xasprintf("%s%s%s"
			      "menuentry 'GRUB legacy grub.conf' --id legacy {\n"
			      "\techo '" FLEET_ENTRY_MARK "legacy'\n"
			      "\tlegacy_configfile /grub/grub.conf\n"
			      "}\n",
			      cfg_header, eo, en);
	free(mo);
	free(mn);
	free(eo);
	free(en);
	return cfg;
}

static int prepare(struct scenario *sc, bool bad)
{
	struct run *r = sc->r;
	const char *old_kernel = r->set->rollout.old_kernel;
	if (!old_kernel)
		return kb_fail("rollout.old_kernel: not set (the known-good kernel the host falls back to, "
			       "e.g. the previous good build's vmlinuz)");
	char *new_kernel = xasprintf("%s/boot/vmlinuz-%s", r->installroot, sc->release);
	char *new_initrd = run_path(r, OUT_INITRAMFS);
	const char *old_initrd = r->set->rollout.old_initrd ? r->set->rollout.old_initrd : new_initrd;
	sc->old_release = release_from_name(old_kernel);

	struct boot_plan bp;
	int rc = boot_plan_from_settings(r->set, sc->release, &bp);
	/* On the fleet host's disk the partition is /boot; the console is the
	 * serial port kbuild reads. */
	struct boot_entry ne = bp.e, oe = bp.e;
	char *ncmd = xasprintf("%s%s" CONSOLE "%s", bp.e.cmdline ? bp.e.cmdline : "", bp.e.cmdline ? " " : "",
			       bad ? " " BAD_CMDLINE : "");
	ne.cmdline = ncmd;
	ne.bootdir = "";
	ne.legacy_root = "(hd0,0)";
	oe.release = sc->old_release;
	oe.title = "old kernel";
	oe.id = "old";
	oe.cmdline = CONSOLE;
	oe.bootdir = "";
	oe.legacy_root = "(hd0,0)";
	if (rc == 0)
		rc = boot_entry_check(&ne);
	if (rc == 0)
		rc = boot_entry_check(&oe);
	sc->new_id = boot_entry_grub2_id(&ne);
	sc->old_id = boot_entry_grub2_id(&oe);

	char *cfg = rc == 0 ? fleet_grub_cfg(&oe, &ne, sc->old_id, sc->new_id) : NULL;
	char *cfgp = path_join(sc->work, "grub.cfg.check");
	if (rc == 0)
		rc = write_file_atomic(cfgp, cfg, strlen(cfg));
	if (rc == 0)
		rc = boot_grub_script_check(cfgp, sc->log);

	/* The legacy menu: the old kernel's stanza as a CentOS 6 grub.conf,
	 * edited by the grub stage's code with the new stanza first (mode default). */
	char *conf = NULL, *confp = path_join(sc->work, "grub.conf");
	if (rc == 0) {
		char *so = legacy_stanza(&oe), *sn = legacy_stanza(&ne), *kpath = boot_entry_kernel_path(&ne);
		char *base = xasprintf("default=0\ntimeout=1\n%s", so);
		struct grubconf_edit ed;
		rc = grubconf_inspect(base, "rollout grub.conf", &ed);
		if (rc == 0 && !(conf = grubconf_add_entry(base, "rollout grub.conf", sn, kpath,
							   BOOT_MODE_DEFAULT, &ed)))
			rc = -1;
		if (rc == 0)
			rc = write_file_atomic(confp, conf, strlen(conf));
		grubconf_edit_free(&ed);
		free(so);
		free(sn);
		free(kpath);
		free(base);
	}
	if (rc == 0)
		fprintf(sc->log, "---- grub.cfg ----\n%s---- grub/grub.conf ----\n%s----\n", cfg, conf);

	char *dk = boot_entry_kernel_path(&ne), *di = boot_entry_initrd_path(&ne);
	char *odk = boot_entry_kernel_path(&oe), *odi = boot_entry_initrd_path(&oe);
	struct fleet_file files[] = {
		{new_kernel, dk},  {new_initrd, di},           {old_kernel, odk},
		{old_initrd, odi}, {confp, "/grub/grub.conf"},
	};
	char *saved = xasprintf("saved_entry=%s", sc->old_id), *next = xasprintf("next_entry=%s", sc->new_id);
	const char *env[] = {saved, next};
	if (rc == 0) {
		fprintf(stderr, "rollout: disk image: old %s saved default, new %s one-shot%s\n",
			sc->old_release, sc->release, bad ? " (made to panic at boot)" : "");
		rc = fleet_image_create(sc->image, sc->work, files, 5, cfg, env, 2, sc->log);
	}
	const char *tmpl = rc == 0 ? fleet_ovmf_vars() : NULL;
	if (rc == 0 && (!tmpl || copy_file(tmpl, sc->vars) < 0))
		rc = -1;
	free(saved);
	free(next);
	free(dk);
	free(di);
	free(odk);
	free(odi);
	free(conf);
	free(confp);
	free(cfg);
	free(cfgp);
	free(ncmd);
	boot_plan_free(&bp);
	free(new_kernel);
	free(new_initrd);
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

int rollout_run(struct run *r)
{
	const char *scen = rollout_scenario_names[r->set->rollout.scenario];
	bool bad = r->set->rollout.scenario == ROLLOUT_BAD;
	struct scenario sc = {.r = r};
	struct install_rec inst;
	if (install_rec_get(r, &inst) < 0 || !inst.release) {
		fprintf(stderr, "kbuild: rollout: no release recorded: run the install stage\n");
		install_rec_free(&inst);
		return ROLLOUT_FAILED;
	}
	sc.release = xstrdup(inst.release);
	install_rec_free(&inst);
	sc.dir = run_path(r, "rollout");
	sc.work = path_join(sc.dir, "work");
	sc.image = path_join(sc.dir, "disk.img");
	sc.vars = path_join(sc.dir, "ovmf-vars.fd");
	char *logp = path_join(r->logdir, "rollout.log");
	int rc = rm_rf(sc.dir) < 0 || mkdir_p(sc.work, 0755) < 0 ? -1 : 0;
	sc.log = rc == 0 ? fopen(logp, "w") : NULL;
	if (rc == 0 && !sc.log)
		rc = kb_fail("%s: %s", logp, strerror(errno));
	rollout_report_init(&sc.rep, scen);
	double t0 = now_seconds();
	if (rc == 0) {
		sc.q = (struct fleet_qemu){
			.disk = sc.image,
			.vars = sc.vars,
			.accel = accel_of(r->set->qa.accel, sc.log),
			.mem_mb = (unsigned)r->set->qa.memory,
			.timeout_s = (unsigned)r->set->rollout.timeout,
			.log = sc.log,
		};
		rc = sc.q.accel ? prepare(&sc, bad) : -1;
	}
	if (rc == 0)
		rc = bad ? scenario_bad(&sc) : scenario_good(&sc);
	if (rc < 0) {
		fprintf(stderr, "kbuild: rollout: %s\n", kb_last_error());
		if (sc.log)
			fprintf(sc.log, "error: %s\n", kb_last_error());
		rollout_report_add(&sc.rep, "rollout/setup", false, now_seconds() - t0, kb_last_error());
		rc = ROLLOUT_FAILED;
	}
	rollout_report_set_time(&sc.rep, "total", now_seconds() - t0);
	char *json = path_join(sc.dir, "results.json"), *junit = path_join(sc.dir, "junit.xml");
	if (mkdir_p(sc.dir, 0755) < 0 || rollout_report_write(&sc.rep, rc, json, junit) < 0) {
		fprintf(stderr, "kbuild: rollout: %s\n", kb_last_error());
		rc = ROLLOUT_FAILED;
	}
	fprintf(stderr, "rollout: %s after %.1f s: exit %d; results %s; log %s\n",
		rc == ROLLOUT_PASSED        ? "passed"
		: rc == ROLLOUT_ROLLED_BACK ? "rolled back"
					    : "FAILED",
		now_seconds() - t0, rc, json, logp);
	rollout_report_free(&sc.rep);
	if (sc.log)
		fclose(sc.log);
	free(json);
	free(junit);
	free(logp);
	free(sc.dir);
	free(sc.work);
	free(sc.image);
	free(sc.vars);
	free(sc.new_id);
	free(sc.old_id);
	free(sc.release);
	free(sc.old_release);
	return rc;
}
