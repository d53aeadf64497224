/* The grub stage's file set. */
#include "boot/files.h"
#include "lib/outfile.h"
#include "boot/bls.h"
#include "boot/grub2.h"
#include "boot/install_script.h"
#include "boot/legacy.h"
#include "lib/sha256.h"
#include "lib/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int boot_plan_from_settings(const struct settings *s, const char *release, struct boot_plan *bp)
{
	*bp = (struct boot_plan){0};
	struct boot_entry *e = &bp->e;
	const struct boot_settings *b = &s->boot;
	e->release = release;
	e->id = b->id;
	bp->default_title = xasprintf("kbuild %s (%s)", s->name, release);
	e->title = b->title ? b->title : bp->default_title;
	e->root = b->root;
	e->cmdline = b->cmdline;
	e->legacy_root = b->legacy_root;
	e->bootdir = b->bootdir;
	e->panic = b->panic;
	bp->tries = b->tries;
	bp->mode = b->mode;
	bp->grubconf = b->grubconf;
	if (bp->grubconf) {
		char *conf = read_file(bp->grubconf, NULL);
		if (!conf)
			return kb_fail("boot.grubconf: %s: %s", bp->grubconf, kb_last_error());
		int rc = grubconf_inspect(conf, bp->grubconf, &bp->ed);
		free(conf);
		if (rc < 0)
			return -1;
		if (!e->root)
			e->root = bp->ed.default_kernel_root;
		if (!e->legacy_root)
			e->legacy_root = bp->ed.default_legacy_root;
		if (!e->bootdir && bp->ed.default_has_bootdir)
			e->bootdir = "/boot";
	}
	if (!e->legacy_root)
		e->legacy_root = "(hd0,0)";
	if (!e->bootdir)
		e->bootdir = "";
	return boot_entry_check(e);
}

void boot_plan_free(struct boot_plan *bp)
{
	free(bp->default_title);
	grubconf_edit_free(&bp->ed);
	*bp = (struct boot_plan){0};
}

static int put(const char *dir, const char *name, const char *text, unsigned mode)
{
	char *path = path_join(dir, name);
	int rc = write_file_atomic(path, text, strlen(text));
	if (rc == 0 && chmod(path, mode) < 0)
		rc = kb_fail("chmod %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

int boot_grub_script_check(const char *path, FILE *log)
{
	char *argv[] = {"grub-script-check", (char *)path, NULL};
	int fd = log ? fileno(log) : -1;
	if (log)
		fflush(log);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fd, .stderr_fd = fd, .timeout_sec = 60};
	int st = spawn_run(argv, &o);
	if (st < 0)
		return kb_fail("grub-script-check: %s (package grub-common)", kb_last_error());
	if (st == 127)
		return kb_fail("grub-script-check not found (package grub-common)");
	if (st != 0)
		return kb_fail("grub-script-check refuses %s (exit %d): GRUB 2 could not parse it", path, st);
	return 0;
}

int boot_files_write(struct boot_plan *bp, const char *dir, FILE *log)
{
	const struct boot_entry *e = &bp->e;
	char *stanza = legacy_stanza(e);
	int rc = put(dir, "legacy-stanza.conf", stanza, 0644);
	char *conf_sum = NULL;
	if (rc == 0 && bp->grubconf) {
		size_t len;
		char *conf = read_file(bp->grubconf, &len);
		char *kernel = boot_entry_kernel_path(e);
		char *edited = conf ? grubconf_add_entry(conf, bp->grubconf, stanza, kernel, bp->mode,
							 &bp->ed)
				    : NULL;
		if (!edited)
			rc = -1;
		else
			rc = put(dir, "grub.conf", edited, 0644);
		if (rc == 0) {
			conf_sum = xmalloc(SHA256_HEX_LEN + 1);
			if (sha256_file(bp->grubconf, conf_sum) < 0)
				rc = -1;
		}
		if (rc == 0 && log)
			fprintf(log,
				"grub.conf: %zu entries; default %ld -> %ld, fallback %ld -> %ld (mode %s)\n",
				bp->ed.old_entries, bp->ed.old_default, bp->ed.new_default,
				bp->ed.old_fallback, bp->ed.new_fallback, boot_mode_names[bp->mode]);
		free(edited);
		free(kernel);
		free(conf);
	}
	char *entry = grub2_menuentry(e, NULL), *snippet = grub2_snippet(e);
	char *snippet_name = xasprintf("09_kbuild-%s", e->release);
	if (rc == 0)
		rc = put(dir, "menuentry.cfg", entry, 0644);
	if (rc == 0)
		rc = put(dir, snippet_name, snippet, 0755);
	for (int k = 0; rc == 0 && k < 2; k++) {
		const char *name = k ? snippet_name : "menuentry.cfg";
		char *p = path_join(dir, name);
		rc = boot_grub_script_check(p, log);
		if (rc == 0 && log)
			fprintf(log, "grub-script-check accepts %s\n", name);
		free(p);
	}
	char *entries = path_join(dir, "loader/entries");
	if (rc == 0)
		rc = mkdir_p(entries, 0755);
	if (rc == 0) {
		char *name = bls_file_name(e, bp->tries), *bls = bls_entry(e);
		rc = put(entries, name, bls, 0644);
		free(name);
		free(bls);
	}
	if (rc == 0) {
		char *s = install_script_grub2(e, bp->mode);
		rc = put(dir, "install-grub2.sh", s, 0755);
		free(s);
	}
	if (rc == 0) {
		char *s = install_script_legacy(e, bp->mode, conf_sum, bp->grubconf ? bp->ed.once_entry : 0);
		rc = put(dir, "install-legacy.sh", s, 0755);
		free(s);
	}
	free(entries);
	free(snippet_name);
	free(entry);
	free(snippet);
	free(stanza);
	free(conf_sum);
	return rc;
}
