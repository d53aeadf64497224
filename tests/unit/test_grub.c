/* Tests for the boot entry generators (builder/boot/): golden files of
 * every format (tests/data/grub/; KBUILD_UPDATE_GOLDEN=1 rewrites them),
 * the edit of a seed-like grub.conf that must lose nothing, hostile values,
 * and grub-script-check on every GRUB 2 file. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bls.h"
#include "suites.h"
#include "core/profile.h"
#include "lib/outfile.h"
#include "boot/files.h"
#include "boot/grub2.h"
#include "boot/grubconf_edit.h"
#include "boot/install_script.h"
#include "boot/legacy.h"
#include "boot/quote.h"
#include "lib/util.h"
#include "testutil.h"

static struct boot_entry sample(void)
{
	return (struct boot_entry){
		.release = "2.6.39.4-kbuild",
		.title = "CentOS (2.6.39.4-kbuild)",
		.id = "kbuild",
		.root = "UUID=6f1c3e0a-24b5-4bde-9b2e-0c3d5a1f7e21",
		.cmdline = "rd_NO_LUKS LANG=en_US.UTF-8 console=ttyS0,115200 quiet",
		.legacy_root = "(hd0,0)",
		.bootdir = "",
		.panic = 10,
	};
}

static char *golden_path(const char *name)
{
	char *rel = path_join("grub", name);
	char *p = tu_data_path(rel);
	free(rel);
	return p;
}

/* text must equal tests/data/grub/<name> byte for byte. */
static void assert_golden(const char *name, const char *text)
{
	char *p = golden_path(name);
	const char *upd = getenv("KBUILD_UPDATE_GOLDEN");
	if (upd && *upd)
		ck_assert_int_eq(write_file_atomic(p, text, strlen(text)), 0);
	char *want = read_file(p, NULL);
	ck_assert_msg(want != NULL, "golden file %s is missing", p);
	ck_assert_msg(!strcmp(want, text), "%s differs from the output:\n%s", p, text);
	free(want);
	free(p);
}

/* grub-script-check's verdict on text (written to a temporary file). */
static int script_check(const char *text)
{
	char *dir = tu_tmpdir("grubcheck");
	tu_write(dir, "t.cfg", text);
	char *p = path_join(dir, "t.cfg");
	int rc = boot_grub_script_check(p, NULL);
	free(p);
	rm_rf(dir);
	free(dir);
	return rc;
}

static bool have_script_check(void)
{
	if (tu_in_path("grub-script-check"))
		return true;
	tu_skip(TU_SKIP_ENV, "grub-script-check checks: not installed (apt-get install grub-common)");
	return false;
}

START_TEST(legacy_stanza_golden)
{
	struct boot_entry e = sample();
	ck_assert_int_eq(boot_entry_check(&e), 0);
	char *s = legacy_stanza(&e);
	assert_golden("legacy-stanza.conf", s);
	free(s);
	e.bootdir = "/boot";
	e.panic = 0;
	e.cmdline = NULL;
	s = legacy_stanza(&e);
	assert_golden("legacy-stanza-bootdir.conf", s);
	free(s);
}
END_TEST

START_TEST(grub2_golden_and_checked)
{
	struct boot_entry e = sample();
	char *m = grub2_menuentry(&e, NULL), *sn = grub2_snippet(&e);
	assert_golden("menuentry.cfg", m);
	assert_golden("09_kbuild", sn);
	if (have_script_check()) {
		ck_assert_int_eq(script_check(m), 0);
		ck_assert_int_eq(script_check(sn), 0);
		/* negative: the checker does refuse a broken entry */
		ck_assert_int_ne(script_check("menuentry 'x' {\n\tlinux /vmlinuz\n"), 0);
	}
	free(m);
	free(sn);
}
END_TEST

START_TEST(bls_golden)
{
	struct boot_entry e = sample();
	char *n = bls_file_name(&e, 0), *n3 = bls_file_name(&e, 3), *b = bls_entry(&e);
	ck_assert_str_eq(n, "kbuild-2.6.39.4-kbuild.conf");
	ck_assert_str_eq(n3, "kbuild-2.6.39.4-kbuild+3.conf");
	assert_golden("bls.conf", b);
	free(n);
	free(n3);
	free(b);
}
END_TEST

START_TEST(install_scripts_golden)
{
	struct boot_entry e = sample();
	char *g1 = install_script_grub2(&e, BOOT_MODE_ONCE),
	     *g2 = install_script_grub2(&e, BOOT_MODE_DEFAULT);
	char *l1 = install_script_legacy(&e, BOOT_MODE_ONCE,
					 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					 0);
	char *l2 = install_script_legacy(&e, BOOT_MODE_DEFAULT, NULL, 0);
	assert_golden("install-grub2-once.sh", g1);
	assert_golden("install-grub2-default.sh", g2);
	assert_golden("install-legacy-once.sh", l1);
	assert_golden("install-legacy-default-grubby.sh", l2);
	ck_assert_ptr_nonnull(strstr(g1, "grub-reboot --boot-directory=\"$boot\" \"$id\""));
	ck_assert_ptr_nonnull(strstr(l1, "savedefault --default=0 --once' | grub --batch"));
	/* every script is valid sh */
	char *dir = tu_tmpdir("scripts");
	const char *names[] = {"g1", "g2", "l1", "l2"};
	const char *texts[] = {g1, g2, l1, l2};
	for (int k = 0; k < 4; k++) {
		tu_write(dir, names[k], texts[k]);
		char *p = path_join(dir, names[k]);
		char *argv[] = {"sh", "-n", p, NULL};
		ck_assert_msg(tu_run(argv) == 0, "sh -n refuses %s", names[k]);
		if (tu_in_path("shellcheck")) {
			char *sc[] = {"shellcheck", "-s", "sh", p, NULL};
			ck_assert_msg(tu_run(sc) == 0, "shellcheck finds fault with %s", names[k]);
		}
		free(p);
	}
	rm_rf(dir);
	free(dir);
	free(g1);
	free(g2);
	free(l1);
	free(l2);
}
END_TEST

/* The edited file minus the new stanza and the default/fallback lines is
 * the original minus those lines, byte for byte. */
static char *without_globals(const char *text, const char *stanza)
{
	char *s = xstrdup(text);
	if (stanza) {
		char *at = strstr(s, stanza);
		ck_assert_ptr_nonnull(at);
		memmove(at, at + strlen(stanza), strlen(at + strlen(stanza)) + 1);
	}
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (char *line = s; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		if (strncmp(line, "default=", 8) && strncmp(line, "fallback=", 9)) {
			memcpy(o, line, len);
			o += len;
		}
		line += len;
	}
	*o = '\0';
	free(s);
	return out;
}

static void check_edit(enum boot_mode mode, const char *golden, long want_default, long want_fallback,
		       const char *dup_line)
{
	char *seedp = golden_path("seed-grub.conf");
	char *seed = read_file(seedp, NULL);
	ck_assert_ptr_nonnull(seed);
	struct grubconf_edit ed;
	ck_assert_int_eq(grubconf_inspect(seed, seedp, &ed), 0);
	ck_assert_uint_eq(ed.old_entries, 3);
	ck_assert_int_eq(ed.old_default, 1);
	ck_assert_int_eq(ed.old_fallback, -1);
	ck_assert_str_eq(ed.default_legacy_root, "(hd0,0)");
	ck_assert_str_eq(ed.default_kernel_root, "UUID=6f1c3e0a-24b5-4bde-9b2e-0c3d5a1f7e21");
	struct boot_entry e = sample();
	char *stanza = legacy_stanza(&e), *kernel = boot_entry_kernel_path(&e);
	char *out = grubconf_add_entry(seed, seedp, stanza, kernel, mode, &ed);
	ck_assert_ptr_nonnull(out);
	assert_golden(golden, out);
	ck_assert_int_eq(ed.new_default, want_default);
	ck_assert_int_eq(ed.new_fallback, want_fallback);
	char *a = without_globals(out, stanza), *b = without_globals(seed, NULL);
	ck_assert_str_eq(a, b);
	/* the new stanza is first: right before the old first title */
	ck_assert_ptr_eq(strstr(out, "title "), strstr(out, stanza));
	/* a second edit with the same kernel is refused, naming the line */
	struct grubconf_edit ed2;
	ck_assert_int_eq(grubconf_inspect(out, "edited", &ed2), 0);
	ck_assert_ptr_null(grubconf_add_entry(out, "edited", stanza, kernel, mode, &ed2));
	ck_assert_ptr_nonnull(strstr(kb_last_error(), dup_line));
	grubconf_edit_free(&ed2);
	free(a);
	free(b);
	free(out);
	free(stanza);
	free(kernel);
	grubconf_edit_free(&ed);
	free(seed);
	free(seedp);
}

START_TEST(edit_seed_once)
{
	/* once: the old default (entry 1, now 2) stays; entry 0 is booted once */
	check_edit(BOOT_MODE_ONCE, "grub.conf-once", 2, -1, "edited:16:");
}
END_TEST

START_TEST(edit_seed_default)
{
	/* default: new first, the old default as fallback */
	check_edit(BOOT_MODE_DEFAULT, "grub.conf-default", 0, 2, "edited:17:");
}
END_TEST

START_TEST(edit_keeps_crlf_and_missing_default)
{
	const char *conf = "timeout=5\r\nfallback=1\r\ntitle a\r\n\tkernel /vmlinuz-a ro root=/dev/sda1\r\n"
			   "title b\r\n\tkernel /vmlinuz-b ro\r\n";
	struct grubconf_edit ed;
	ck_assert_int_eq(grubconf_inspect(conf, "c", &ed), 0);
	ck_assert_str_eq(ed.default_kernel_root, "/dev/sda1");
	char *out = grubconf_add_entry(conf, "c", "title new\n", "/vmlinuz-new", BOOT_MODE_ONCE, &ed);
	ck_assert_str_eq(out,
			 "timeout=5\r\nfallback=2\r\ndefault=1\ntitle new\ntitle a\r\n"
			 "\tkernel /vmlinuz-a ro root=/dev/sda1\r\ntitle b\r\n\tkernel /vmlinuz-b ro\r\n");
	free(out);
	grubconf_edit_free(&ed);
}
END_TEST

START_TEST(edit_refusals)
{
	struct grubconf_edit ed;
	ck_assert_int_eq(grubconf_inspect("default saved\ntitle a\n", "g.conf", &ed), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "g.conf:1: 'default saved'"));
	ck_assert_int_eq(grubconf_inspect("default=3\ntitle a\ntitle b\n", "g.conf", &ed), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "g.conf:1: default=3 but there are only 2 entries"));
	ck_assert_int_eq(grubconf_inspect("timeout=5\n", "g.conf", &ed), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "no 'title'"));
	ck_assert_int_eq(grubconf_inspect("default=x\ntitle a\n", "g.conf", &ed), -1);
	/* an entry for the same file seen from / (bootdir /boot) is a duplicate too */
	ck_assert_int_eq(grubconf_inspect("title a\n\tkernel /boot/vmlinuz-R ro\n", "g.conf", &ed), 0);
	ck_assert_ptr_null(grubconf_add_entry("title a\n\tkernel /boot/vmlinuz-R ro\n", "g.conf", "title R\n",
					      "/vmlinuz-R", BOOT_MODE_ONCE, &ed));
	grubconf_edit_free(&ed);
}
END_TEST

/* A value that would break a format: refused with the key named. */
static void assert_refused(struct boot_entry e, const char *key)
{
	ck_assert_int_eq(boot_entry_check(&e), -1);
	char *want = xasprintf("%s:", key);
	ck_assert_msg(!strncmp(kb_last_error(), want, strlen(want)), "'%s' does not start with %s",
		      kb_last_error(), want);
	free(want);
}

START_TEST(hostile_values_refused)
{
	struct boot_entry e = sample();
	e.title = "evil\ntitle injected";
	assert_refused(e, "boot.title");
	e = sample();
	e.title = "";
	assert_refused(e, "boot.title");
	e = sample();
	e.cmdline = "quiet\ninitrd /evil";
	assert_refused(e, "boot.cmdline");
	e = sample();
	e.cmdline = "acpi=\"off quiet";
	assert_refused(e, "boot.cmdline");
	e = sample();
	e.root = "/dev/sda1;reboot";
	assert_refused(e, "boot.root");
	e = sample();
	e.root = "$(reboot)";
	assert_refused(e, "boot.root");
	e = sample();
	e.id = "../../etc/x";
	assert_refused(e, "boot.id");
	e = sample();
	e.release = "2.6'x";
	assert_refused(e, "release");
	e = sample();
	e.legacy_root = "(hd0,0) ; x";
	assert_refused(e, "boot.legacy_root");
	e = sample();
	e.bootdir = "boot/../..";
	assert_refused(e, "boot.bootdir");
	e = sample();
	e.bootdir = "/bo ot";
	assert_refused(e, "boot.bootdir");
	e = sample();
	e.panic = 100000;
	assert_refused(e, "boot.panic");
	e = sample();
	e.title = "tab\there";
	assert_refused(e, "boot.title");
}
END_TEST

START_TEST(hostile_values_quoted)
{
	/* Quotes, $, ;, braces: legal in a title and a command line, and quoted
	 * so that GRUB 2 reads each as one word. */
	struct boot_entry e = sample();
	e.title = "it's ${evil}; }{ `x` \"q\"";
	e.cmdline = "a=$b;c {d} 'e' x=\"y z\"";
	ck_assert_int_eq(boot_entry_check(&e), 0);
	char *m = grub2_menuentry(&e, "kbuild: 'marker' $x");
	assert_golden("menuentry-hostile.cfg", m);
	ck_assert_ptr_nonnull(strstr(m, "menuentry 'it'\\''s ${evil}; }{ `x` \"q\"' --class kbuild"));
	ck_assert_ptr_nonnull(strstr(m, " 'a=$b;c' '{d}' ''\\''e'\\''' 'x=\"y z\"'"));
	if (have_script_check())
		ck_assert_int_eq(script_check(m), 0);
	char *sn = grub2_snippet(&e);
	if (have_script_check())
		ck_assert_int_eq(script_check(sn), 0);
	/* the same values raw would not parse: the quoting is what makes it valid */
	if (have_script_check())
		ck_assert_int_ne(script_check("menuentry it's {\n}\n"), 0);
	char *l = install_script_legacy(&e, BOOT_MODE_ONCE, NULL, 0);
	assert_golden("install-legacy-hostile.sh", l);
	char *dir = tu_tmpdir("hostile");
	tu_write(dir, "s.sh", l);
	char *p = path_join(dir, "s.sh");
	char *argv[] = {"sh", "-n", p, NULL};
	ck_assert_int_eq(tu_run(argv), 0);
	free(p);
	rm_rf(dir);
	free(dir);
	free(l);
	free(sn);
	free(m);
}
END_TEST

START_TEST(quote_words)
{
	char *q = grub2_quote("plain-word_1.2:3=4,5/6@7+8");
	ck_assert_str_eq(q, "plain-word_1.2:3=4,5/6@7+8");
	free(q);
	q = grub2_quote("");
	ck_assert_str_eq(q, "''");
	free(q);
	q = grub2_quote("a'b");
	ck_assert_str_eq(q, "'a'\\''b'");
	free(q);
	q = sh_quote_word("$(x)");
	ck_assert_str_eq(q, "'$(x)'");
	free(q);
}
END_TEST

/* The stage's whole file set from the ceph profile with grubconf= the seed:
 * root= and the GRUB device come from the seed's default entry. */
START_TEST(files_from_profile)
{
	struct profile p;
	ck_assert_int_eq(profile_load(tu_repo(), "ceph", &p), 0);
	char *seedp = golden_path("seed-grub.conf");
	char *arg = xasprintf("grubconf=%s", seedp);
	ck_assert_int_eq(profile_override(&p, arg), 0);
	ck_assert_int_eq(profile_override(&p, "boot.root="), 0);
	ck_assert_int_eq(profile_override(&p, "tries=3"), 0);
	struct boot_plan bp;
	struct settings set;
	settings_resolve(&p, &set);
	ck_assert_int_eq(boot_plan_from_settings(&set, "2.6.39.4", &bp), 0);
	ck_assert_str_eq(bp.e.root, "UUID=6f1c3e0a-24b5-4bde-9b2e-0c3d5a1f7e21");
	ck_assert_str_eq(bp.e.title, "kbuild ceph (2.6.39.4)");
	char *dir = tu_tmpdir("grubfiles");
	if (have_script_check()) {
		ck_assert_int_eq(boot_files_write(&bp, dir, NULL), 0);
		const char *names[] = {"legacy-stanza.conf",
				       "grub.conf",
				       "menuentry.cfg",
				       "09_kbuild-2.6.39.4",
				       "loader/entries/kbuild-2.6.39.4+3.conf",
				       "install-grub2.sh",
				       "install-legacy.sh"};
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			char *f = path_join(dir, names[k]);
			ck_assert_msg(path_exists(f), "%s was not written", names[k]);
			free(f);
		}
	}
	boot_plan_free(&bp);
	/* a hostile value on the command line fails the plan naming the key */
	ck_assert_int_eq(profile_override(&p, "title=a\"b"), 0);
	ck_assert_int_eq(profile_override(&p, "root=/dev/sda1 init=/bin/sh"), 0);
	settings_free(&set);
	settings_resolve(&p, &set);
	ck_assert_int_eq(boot_plan_from_settings(&set, "2.6.39.4", &bp), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "boot.root:"));
	boot_plan_free(&bp);
	/* the schema refuses an unknown mode already, naming the key */
	ck_assert_int_eq(profile_override(&p, "mode=sometimes"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "boot.mode"));
	settings_free(&set);
	rm_rf(dir);
	free(dir);
	free(arg);
	free(seedp);
	profile_free(&p);
}
END_TEST

Suite *grub_suite(void)
{
	Suite *s = suite_create("grub");
	TCase *tc = tcase_create("formats");
	tcase_set_timeout(
		tc, 60); /* programs run here (grub tools, shellcheck, the runner): minutes under load */
	tcase_add_test(tc, legacy_stanza_golden);
	tcase_add_test(tc, grub2_golden_and_checked);
	tcase_add_test(tc, bls_golden);
	tcase_add_test(tc, install_scripts_golden);
	tcase_add_test(tc, edit_seed_once);
	tcase_add_test(tc, edit_seed_default);
	tcase_add_test(tc, edit_keeps_crlf_and_missing_default);
	tcase_add_test(tc, edit_refusals);
	tcase_add_test(tc, hostile_values_refused);
	tcase_add_test(tc, hostile_values_quoted);
	tcase_add_test(tc, quote_words);
	tcase_add_test(tc, files_from_profile);
	suite_add_tcase(s, tc);
	return s;
}
