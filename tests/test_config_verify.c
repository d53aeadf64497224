/* Config verification: a small Kconfig tree made here, a hand-written .config,
 * and each way an option can be lost, with the reason the report must give.
 * Then the Kconfig reader, config_resolve against fake trees (olddefconfig
 * and oldconfig fed empty answers), and the real trees when
 * KBUILD_TEST_SRC_61 / KBUILD_TEST_SRC_612 / KBUILD_TEST_SRC_2639 point at
 * them, else Debian's linux-source-6.1 and linux-source-6.12 and
 * ../shared/trees' 2.6.39.4, unpacked once into a cache. */
#define _GNU_SOURCE
#include "kconfig/resolve.h"
#include "kconfig/verify.h"
#include "kconfig/db.h"
#include "testutil.h"
#include "testskip.h"
#include "legacytrees.h"
#include "source/extract.h"
#include "lib/sha256.h"

#define DEBIAN_SOURCE_61 "/usr/src/linux-source-6.1.tar.xz"
#define DEBIAN_SOURCE_612 "/usr/src/linux-source-6.12.tar.xz"
#include "lib/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *tree;

/* Line numbers below are asserted in the report: keep them in step. */
static const char top_kconfig[] =
	"mainmenu \"Test $(ARCH) kernel\"\n"                     /* 1 */
	"\n"                                                     /* 2 */
	"config MODULES\n"                                       /* 3 */
	"\tbool \"Enable loadable module support\"\n"            /* 4 */
	"\tmodules\n"                                            /* 5 */
	"\n"                                                     /* 6 */
	"config BLOCK\n"                                         /* 7 */
	"\tbool \"block layer\"\n"                               /* 8 */
	"\n"                                                     /* 9 */
	"config INET\n"                                          /* 10 */
	"\tbool \"inet\"\n"                                      /* 11 */
	"\tdefault y\n"                                          /* 12 */
	"\n"                                                     /* 13 */
	"menuconfig BLK_DEV\n"                                   /* 14 */
	"\tbool \"Block devices\"\n"                             /* 15 */
	"\tdepends on BLOCK\n"                                   /* 16 */
	"\tdefault y\n"                                          /* 17 */
	"\n"                                                     /* 18 */
	"if BLK_DEV\n"                                           /* 19 */
	"source \"drivers/block/Kconfig\"\n"                     /* 20 */
	"endif\n"                                                /* 21 */
	"\n"                                                     /* 22 */
	"menu \"Networking\"\n"                                  /* 23 */
	"\tdepends on INET\n"                                    /* 24 */
	"\n"                                                     /* 25 */
	"config NETSTUFF\n"                                      /* 26 */
	"\ttristate \"net stuff\"\n"                             /* 27 */
	"\thelp\n"                                               /* 28 */
	"\t  Help text that looks like Kconfig:\n"               /* 29 */
	"\n"                                                     /* 30 */
	"\t  config FAKE_IN_HELP\n"                              /* 31 */
	"\t\tdepends on NOTHING\n"                               /* 32 */
	"\n"                                                     /* 33 */
	"config EXPERT\n"                                        /* 34 */
	"\tbool \"expert\"\n"                                    /* 35 */
	"\n"                                                     /* 36 */
	"config HIDDEN_PROMPT\n"                                 /* 37 */
	"\tbool \"hidden\" if EXPERT\n"                          /* 38 */
	"\tdefault y\n"                                          /* 39 */
	"endmenu\n"                                              /* 40 */
	"\n"                                                     /* 41 */
	"config NR\n"                                            /* 42 */
	"\tint \"a number\"\n"                                   /* 43 */
	"\trange 2 64\n"                                         /* 44 */
	"\tdefault 8\n"                                          /* 45 */
	"\n"                                                     /* 46 */
	"config HEXV\n"                                          /* 47 */
	"\thex \"a hex value\"\n"                                /* 48 */
	"\trange 0x10 0x100\n"                                   /* 49 */
	"\tdefault 0x20\n"                                       /* 50 */
	"\n"                                                     /* 51 */
	"config STR\n"                                           /* 52 */
	"\tstring \"a string\"\n"                                /* 53 */
	"\tdefault \"abc\"\n"                                    /* 54 */
	"\n"                                                     /* 55 */
	"config LIB\n"                                           /* 56 */
	"\ttristate\n"                                           /* 57 */
	"\n"                                                     /* 58 */
	"config USER\n"                                          /* 59 */
	"\ttristate \"user of lib\"\n"                           /* 60 */
	"\tselect LIB\n"                                         /* 61 */
	"\n"                                                     /* 62 */
	"choice\n"                                               /* 63 */
	"\tprompt \"pick one\"\n"                                /* 64 */
	"\tdefault PICK_A\n"                                     /* 65 */
	"config PICK_A\n"                                        /* 66 */
	"\tbool \"a\"\n"                                         /* 67 */
	"config PICK_B\n"                                        /* 68 */
	"\tbool \"b\"\n"                                         /* 69 */
	"\tdepends on BLOCK\n"                                   /* 70 */
	"endchoice\n"                                            /* 71 */
	"\n"                                                     /* 72 */
	"config LONG_DEPS\n"                                     /* 73 */
	"\tbool \"long\"\n"                                      /* 74 */
	"\tdepends on INET && \\\n"                              /* 75 */
	"\t\t   BLOCK # a comment\n"                             /* 76 */
	"\n"                                                     /* 77 */
	"config NOT_INET\n"                                      /* 78 */
	"\tbool \"not inet\"\n"                                  /* 79 */
	"\tdepends on !INET\n"                                   /* 80 */
	"\n"                                                     /* 81 */
	"config BOOLSYM\n"                                       /* 82 */
	"\tbool \"a bool\"\n"                                    /* 83 */
	"comment \"a comment with a dependency\"\n"              /* 84 */
	"\tdepends on BLOCK\n"                                   /* 85 */
	"\n"                                                     /* 86 */
	"config MOD_ONLY\n"                                      /* 87 */
	"\ttristate \"limited to m by NETSTUFF\"\n"              /* 88 */
	"\tdepends on NETSTUFF\n"                                /* 89 */
	"source \"arch/$(SRCARCH)/Kconfig\"\n"                   /* 90 */
	"menu \"Hidden drivers\"\n"                              /* 91 */
	"\tvisible if EXPERT\n"                                  /* 92 */
	"config IN_HIDDEN_MENU\n"                                /* 93 */
	"\tbool \"entry of a hidden menu\"\n"                     /* 94 */
	"\tdefault y\n"                                          /* 95 */
	"endmenu\n";                                             /* 96 */

static const char block_kconfig[] =
	"# SPDX comment\n"                                       /* 1 */
	"config RBD\n"                                           /* 2 */
	"\ttristate \"rados block device\"\n"                    /* 3 */
	"\tdepends on INET && BLOCK\n"                           /* 4 */
	"\tselect LIB\n"                                         /* 5 */
	"\t---help---\n"                                         /* 6 */
	"\t  old-style help\n";                                  /* 7 */

static const char dotconfig_text[] =
	"#\n"
	"# Automatically generated file; DO NOT EDIT.\n"
	"# Linux/x86_64 9.9.9 Kernel Configuration\n"
	"#\n"
	"CONFIG_MODULES=y\n"
	"# CONFIG_BLOCK is not set\n"
	"CONFIG_INET=y\n"
	"CONFIG_NETSTUFF=m\n"
	"CONFIG_HIDDEN_PROMPT=y\n"
	"CONFIG_NR=8\n"
	"CONFIG_HEXV=0x20\n"
	"CONFIG_STR=\"abc\"\n"
	"CONFIG_LIB=y\n"
	"CONFIG_USER=y\n"
	"CONFIG_PICK_A=y\n"
	"CONFIG_MOD_ONLY=m\n"
	"CONFIG_X86_ONLY=y\n"
	"CONFIG_IN_HIDDEN_MENU=y\n";

static void setup(void)
{
	tree = tu_tmpdir("kconfig");
	tu_write(tree, "Kconfig", top_kconfig);
	tu_write(tree, "drivers/block/Kconfig", block_kconfig);
	tu_write(tree, "arch/x86/Kconfig", "config X86_ONLY\n\tdef_bool y\n");
	tu_write(tree, "arch/arm/Kconfig", "config ARM_ONLY\n\tbool \"arm\"\n");
	tu_write(tree, "Documentation/Kconfig", "config IN_DOCS\n\tbool \"not read\"\n");
	tu_write(tree, "build/.config", dotconfig_text);
}

static void teardown(void)
{
	rm_rf(tree);
	free(tree);
}

/* Verify one request against the hand-written .config; returns the report. */
static char *verify1(const char *name, const char *value, int expect_bad)
{
	struct kopt_set req = {0};
	kopt_set_put(&req, name, value, "test.config", 1);
	char *dc = path_join(tree, "build/.config"), *report = NULL;
	int bad = config_verify(tree, dc, &req, &report);
	ck_assert_msg(bad == expect_bad, "CONFIG_%s=%s: %d mismatches, expected %d; report:\n%s",
		      name, value, bad, expect_bad, report ? report : kb_last_error());
	kopt_set_free(&req);
	free(dc);
	return report;
}

/* The report line for the option (second line), checked to hold every needle. */
static void expect_line(const char *name, const char *value, const char *const *needles)
{
	char *report = verify1(name, value, 1);
	const char *line = strchr(report, '\n') + 1;
	for (const char *const *n = needles; *n; n++)
		ck_assert_msg(strstr(line, *n), "CONFIG_%s=%s: '%s' missing in:\n%s", name, value, *n,
			      report);
	free(report);
}

#define EXPECT(name, value, ...) expect_line(name, value, (const char *const[]){__VA_ARGS__, NULL})

START_TEST(dropped_option_names_its_unmet_dependency)
{
	EXPECT("RBD", "m", "CONFIG_RBD: requested m, got n (not set)",
	       "drivers/block/Kconfig:4: depends on INET && BLOCK",
	       "Kconfig:19: inside if BLK_DEV", "off: BLOCK, BLK_DEV");
	EXPECT("LONG_DEPS", "y", "Kconfig:75: depends on INET && BLOCK;", "off: BLOCK");
	EXPECT("PICK_B", "y", "Kconfig:70: depends on BLOCK", "off: BLOCK");
	EXPECT("NOT_INET", "y", "depends on !INET", "must be off: INET");
	EXPECT("MOD_ONLY", "y", "got m", "Kconfig:89: depends on NETSTUFF", "only m: NETSTUFF");
}
END_TEST

START_TEST(nonexistent_symbol)
{
	EXPECT("TTY", "y", "CONFIG_TTY: requested y, but TTY does not exist in this kernel: "
	       "no Kconfig in this tree defines it (typo, an option from another kernel line, or one added by a patch not applied)");
	/* only in help text, or in a file kconfig never reads */
	EXPECT("FAKE_IN_HELP", "y", "FAKE_IN_HELP does not exist in this kernel");
	EXPECT("IN_DOCS", "y", "IN_DOCS does not exist in this kernel");
	EXPECT("ARM_ONLY", "y", "CONFIG_ARM_ONLY: requested y, but ARM_ONLY is not defined for this "
	       "architecture: arch/arm/Kconfig:1 defines it, and kconfig does not read that file for x86");
}
END_TEST

START_TEST(value_outside_range)
{
	EXPECT("NR", "100", "CONFIG_NR: requested 100, got 8", "Kconfig:44: range 2 64 excludes 100");
	EXPECT("HEXV", "0x200", "Kconfig:49: range 0x10 0x100 excludes 0x200");
	free(verify1("NR", "64", 1)); /* inside the range: mismatch, but not the range's fault */
	char *r = verify1("NR", "64", 1);
	ck_assert_ptr_null(strstr(r, "range"));
	free(r);
}
END_TEST

START_TEST(n_and_not_set_and_absent_are_equal)
{
	free(verify1("BLOCK", "n", 0));   /* "# CONFIG_BLOCK is not set" */
	free(verify1("BOOLSYM", "n", 0)); /* absent */
	free(verify1("NETSTUFF", "m", 0));
	free(verify1("HEXV", "20", 0)); /* kconfig adds the 0x */
	free(verify1("STR", "\"abc\"", 0));
	char *r = verify1("INET", "y", 0);
	ck_assert_ptr_nonnull(strstr(r, "config: all 1 requested options are set"));
	free(r);
}
END_TEST

START_TEST(other_reasons)
{
	EXPECT("LIB", "n", "CONFIG_LIB: requested n, got y", "selected by USER=y (Kconfig:61)");
	EXPECT("HIDDEN_PROMPT", "n", "Kconfig:37: its prompt is shown only if EXPERT", "off: EXPERT");
	EXPECT("IN_HIDDEN_MENU", "n", "Kconfig:92: inside a menu visible only if EXPERT", "off: EXPERT");
	EXPECT("BOOLSYM", "m", "BOOLSYM is a bool: m is not a value a bool can take");
	EXPECT("NR", "y", "NR is a int: an int takes a decimal number");
	EXPECT("PICK_A", "n", "member of the choice at Kconfig:63");
	EXPECT("STR", "\"xyz\"", "got \"abc\"", "no reason found in its Kconfig (Kconfig:52)");
}
END_TEST

START_TEST(m_needs_modules)
{
	tu_write(tree, "build/.config",
		 "# Linux/x86 1 Kernel Configuration\nCONFIG_INET=y\nCONFIG_NETSTUFF=y\n");
	EXPECT("NETSTUFF", "m", "got y", "m needs MODULES=y, which is n");
}
END_TEST

START_TEST(report_counts_and_orders_lines)
{
	struct kopt_set req = {0};
	kopt_set_put(&req, "INET", "y", "a", 1);
	kopt_set_put(&req, "TTY", "y", "a", 2);
	kopt_set_put(&req, "RBD", "m", "a", 3);
	kopt_set_put(&req, "ARM_ONLY", "y", "a", 4);
	char *dc = path_join(tree, "build/.config"), *report = NULL;
	ck_assert_int_eq(config_verify(tree, dc, &req, &report), 3);
	ck_assert_msg(strncmp(report, "config: 3 of 4 requested options did not survive", 48) == 0,
		      "%s", report);
	const char *tty = strstr(report, "\nCONFIG_TTY:"), *rbd = strstr(report, "\nCONFIG_RBD:"),
		   *arm = strstr(report, "\nCONFIG_ARM_ONLY:");
	ck_assert_msg(tty && rbd && arm && tty < rbd && rbd < arm, "%s", report);
	size_t lines = 0;
	for (const char *p = report; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 4);
	free(report);
	free(dc);
	kopt_set_free(&req);
}
END_TEST

START_TEST(kconfig_reader)
{
	struct kconfig_db *db = kconfig_db_load(tree, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_str_eq(kconfig_db_warnings(db), "");
	ck_assert_uint_eq(kconfig_db_nfiles(db), 3); /* Kconfig, drivers/block, arch/x86 */
	ck_assert_str_eq(kconfig_db_modules_symbol(db), "MODULES");

	const struct ksym *s = kconfig_db_find(db, "NETSTUFF");
	ck_assert_int_eq(s->type, KSYM_TRISTATE);
	ck_assert_uint_eq(s->defs[0].line, 26);
	ck_assert_uint_eq(s->defs[0].ndeps, 1);
	ck_assert_int_eq(s->defs[0].deps[0].kind, KDEP_MENU);
	ck_assert_str_eq(s->defs[0].deps[0].expr, "INET");

	s = kconfig_db_find(db, "LIB");
	ck_assert(!s->defs[0].has_prompt);
	ck_assert_uint_eq(s->nselected_by, 2);

	s = kconfig_db_find(db, "HIDDEN_PROMPT");
	ck_assert_str_eq(s->defs[0].prompt_cond, "EXPERT");

	s = kconfig_db_find(db, "BOOLSYM"); /* the comment's depends is not BOOLSYM's */
	ck_assert_uint_eq(s->defs[0].ndeps, 0);

	s = kconfig_db_find(db, "PICK_B");
	const struct kchoice *c = kconfig_db_choice(db, s->defs[0].choice);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nmembers, 2);
	ck_assert_str_eq(c->members[0], "PICK_A");

	s = kconfig_db_find(db, "X86_ONLY");
	ck_assert_int_eq(s->type, KSYM_BOOL);
	ck_assert_ptr_null(kconfig_db_find(db, "ARM_ONLY"));
	ck_assert_ptr_null(kconfig_db_find(db, "FAKE_IN_HELP"));
	ck_assert_ptr_null(kconfig_db_find(db, "NOTHING"));
	kconfig_db_free(db);
}
END_TEST

static const char *lookup_fixed(void *ctx, const char *name)
{
	(void)ctx;
	static const char *vals[][2] = {{"A", "y"}, {"B", "n"}, {"M", "m"}, {"N", "64"}, {"S", "\"x86\""}};
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (!strcmp(vals[i][0], name))
			return vals[i][1];
	return NULL;
}

START_TEST(expressions)
{
	ck_assert_int_eq(kexpr_eval("A && B", lookup_fixed, NULL), 0);
	ck_assert_int_eq(kexpr_eval("A || B", lookup_fixed, NULL), 2);
	ck_assert_int_eq(kexpr_eval("A && M", lookup_fixed, NULL), 1);
	ck_assert_int_eq(kexpr_eval("!M", lookup_fixed, NULL), 1);
	ck_assert_int_eq(kexpr_eval("!(A && !B)", lookup_fixed, NULL), 0);
	ck_assert_int_eq(kexpr_eval("N > 32 && N <= 64", lookup_fixed, NULL), 2);
	ck_assert_int_eq(kexpr_eval("S = \"x86\"", lookup_fixed, NULL), 2);
	ck_assert_int_eq(kexpr_eval("S != \"x86\"", lookup_fixed, NULL), 0);
	ck_assert_int_eq(kexpr_eval("M = m", lookup_fixed, NULL), 2);
	ck_assert_int_eq(kexpr_eval("$(cc-option,-mfoo)", lookup_fixed, NULL), 2);
	ck_assert_int_eq(kexpr_eval("A && (B", lookup_fixed, NULL), -1);
	ck_assert_int_eq(kexpr_eval("A B", lookup_fixed, NULL), -1);

	char *out = NULL;
	ck_assert_uint_eq(kexpr_blame("A && B && UNDEF || (M && B)", 1, lookup_fixed, NULL, &out), 2);
	ck_assert_str_eq(out, "off: B, UNDEF");
	free(out);
	out = NULL;
	kexpr_blame("!A && M", 2, lookup_fixed, NULL, &out);
	ck_assert_str_eq(out, "must be off: A; only m: M");
	free(out);
}
END_TEST

/* --- config_resolve against fake trees: argv, base file, empty answers --- */

/* The job's make line, as kmake_command starts it for a profile. */
static char *const *make_line(struct strv *v, const char *src, const char *obj, const char *arch)
{
	strv_push(v, "make");
	strv_push(v, "-C");
	strv_push(v, src);
	strv_push_owned(v, xasprintf("ARCH=%s", arch));
	strv_push_owned(v, xasprintf("O=%s", obj));
	return strv_argv(v);
}

static void fake_tree(const char *dir, bool olddefconfig)
{
	tu_write(dir, "Kconfig", "config A\n\tbool \"a\"\n");
	tu_write(dir, "scripts/kconfig/Makefile",
		 olddefconfig ? "PHONY += olddefconfig oldconfig\n" : "PHONY += oldconfig silentoldconfig\n");
	/* oldconfig reads answers: it must get empty lines, never a terminal or EOF */
	tu_write(dir, "Makefile",
		 "allnoconfig:\n"
		 "\tprintf '# CONFIG_A is not set\\nCONFIG_ARCH_WAS_$(ARCH)=y\\n' > $(O)/.config\n"
		 "oldconfig:\n"
		 "\tread a && read b && test -z \"$$a$$b\" && echo '# answered' >> $(O)/.config\n"
		 "\tcat $(O)/.config\n"
		 "olddefconfig:\n"
		 "\techo '# olddefconfig' >> $(O)/.config\n");
}

START_TEST(resolve_with_fake_trees)
{
	for (int olddef = 0; olddef < 2; olddef++) {
		char *src = path_join(tree, olddef ? "src-new" : "src-old");
		char *obj = path_join(tree, olddef ? "obj-new" : "obj-old");
		fake_tree(src, olddef);
		struct kopt_set req = {0};
		kopt_set_put(&req, "A", "y", "f", 1);
		char *logtext = NULL;
		size_t loglen = 0;
		FILE *log = open_memstream(&logtext, &loglen);
		struct strv mk = {0};
		struct config_job j = {.srctree = src, .objdir = obj, .make = make_line(&mk, src, obj, "x86_64"),
				       .base = "allnoconfig", .req = &req, .log = log, .timeout_sec = 30};
		int r = config_resolve(&j);
		fclose(log);
		ck_assert_msg(r == 0, "%s\nlog:\n%s", kb_last_error(), logtext);
		ck_assert_msg(strstr(logtext, olddef ? "ARCH=x86_64 O=" : "(empty answers on stdin)"),
			      "%s", logtext);
		ck_assert_msg(strstr(logtext, olddef ? " olddefconfig\n" : " oldconfig\n"), "%s", logtext);
		char *dc = path_join(obj, ".config");
		char *text = read_file(dc, NULL);
		ck_assert_ptr_nonnull(strstr(text, "CONFIG_ARCH_WAS_x86_64=y\n"));
		ck_assert_ptr_nonnull(strstr(text, "CONFIG_A=y\n"));
		ck_assert_ptr_null(strstr(text, "# CONFIG_A is not set"));
		ck_assert_ptr_nonnull(strstr(text, olddef ? "# olddefconfig" : "# answered"));
		free(text);
		free(dc);
		free(logtext);
		kopt_set_free(&req);
		free(src);
		free(obj);
		strv_free(&mk);
	}
}
END_TEST

START_TEST(resolve_base_file_and_failures)
{
	char *src = path_join(tree, "src");
	char *obj = path_join(tree, "obj");
	fake_tree(src, true);
	tu_write(tree, "base.config", "CONFIG_FROM_FILE=y\n");
	char *base = path_join(tree, "base.config");
	struct strv mk = {0};
	struct config_job j = {.srctree = src, .objdir = obj, .make = make_line(&mk, src, obj, "x86"), .base = base,
			       .timeout_sec = 30};
	ck_assert_int_eq(config_resolve(&j), 0);
	char *dc = path_join(obj, ".config");
	char *text = read_file(dc, NULL);
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_FROM_FILE=y\n# olddefconfig\n"));
	free(text);

	j.base = "nosuchconfig"; /* a target the tree does not have: make fails */
	ck_assert_int_eq(config_resolve(&j), -1);
	ck_assert_msg(strstr(kb_last_error(), "nosuchconfig") && strstr(kb_last_error(), "failed"),
		      "%s", kb_last_error());
	j.base = "-f/etc/passwd";
	ck_assert_int_eq(config_resolve(&j), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "neither"));
	ck_assert(config_base_is_target("x86_64_defconfig"));
	ck_assert(config_base_is_target("tiny.config"));
	ck_assert(!config_base_is_target("configs/my.config"));
	free(dc);
	free(base);
	free(src);
	free(obj);
	strv_free(&mk);
}
END_TEST

START_TEST(resolve_answers_are_finite)
{
	/* a kconfig that keeps asking must block, then time out, not spin forever */
	char *src = path_join(tree, "src-hang");
	char *obj = path_join(tree, "obj-hang");
	fake_tree(src, false);
	tu_write(src, "Makefile", "oldconfig:\n\twhile read a; do :; done; echo EOF-seen\n");
	tu_write(tree, "base.config", "CONFIG_A=y\n");
	char *base = path_join(tree, "base.config");
	struct strv mk = {0};
	struct config_job j = {.srctree = src, .objdir = obj, .make = make_line(&mk, src, obj, "x86"), .base = base,
			       .timeout_sec = 3};
	double t0 = now_seconds();
	ck_assert_int_eq(config_resolve(&j), -1);
	ck_assert_msg(strstr(kb_last_error(), "did not finish within 3 s"), "%s", kb_last_error());
	ck_assert_double_lt(now_seconds() - t0, 10);
	free(base);
	free(src);
	free(obj);
	strv_free(&mk);
}
END_TEST

/* --- the real trees (minutes of make on 2 cores; skipped unless pointed at) --- */

/* The pristine tree of tarball (digest hex), unpacked once into
 * ~/.cache/kbuild-test-trees/<digest>: like ccache, it outlives a clone, and
 * extract_archive renames it into place only when complete. */
static char *cached_tree(const char *tarball, const char *hex)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	char *root = xasprintf("%s/.cache/kbuild-test-trees", home);
	char *dir = path_join(root, hex);
	if (!is_dir(dir)) {
		ck_assert_int_eq(mkdir_p(root, 0755), 0);
		double t0 = now_seconds();
		ck_assert_msg(extract_archive(tarball, dir, NULL) == 0, "%s", kb_last_error());
		fprintf(stderr, "real tree: %s unpacked into %s in %.1f s\n", tarball, dir, now_seconds() - t0);
	}
	free(root);
	return dir;
}

/* The tree a real-tree test reads: $env when set, else the tarball it names
 * (KBUILD_TEST_SRC_61, _612: Debian's linux-source-6.1, -6.12;
 * KBUILD_TEST_SRC_2639: ../shared/trees), unpacked once. */
static char *real_tree(const char *env)
{
	const char *given = getenv(env);
	if (given && *given)
		return xstrdup(given);
	char hex[SHA256_HEX_LEN + 1];
	char *why = NULL, *tarball;
	bool l612 = !strcmp(env, "KBUILD_TEST_SRC_612");
	const char *debian = l612 ? DEBIAN_SOURCE_612 : DEBIAN_SOURCE_61;
	if (!strcmp(env, "KBUILD_TEST_SRC_2639")) {
		tarball = lt_find_2639(hex, &why);
	} else if (path_exists(debian) && sha256_file(debian, hex) == 0) {
		tarball = xstrdup(debian);
	} else {
		kb_clear_error();
		tarball = NULL;
		why = xasprintf("%s is not set and %s is missing (Debian package %s)", env, debian,
				l612 ? "linux-source-6.12" : "linux-source-6.1");
	}
	char *dir = tarball ? cached_tree(tarball, hex) : NULL;
	if (!dir)
		tu_skip(TU_SKIP_ENV, "%s", why ? why : "HOME is not set: no cache for the unpacked tree");
	free(why);
	free(tarball);
	return dir;
}

static char *real_run(const char *env, const char *base, const char *fragment, char **srcp)
{
	char *src = real_tree(env);
	if (!src)
		return NULL;
	*srcp = src;
	tu_write(tree, "frag.config", fragment);
	char *fp = path_join(tree, "frag.config");
	struct kopt_set req = {0};
	ck_assert_msg(fragment_parse(fp, &req, false, NULL) == 0, "%s", kb_last_error());
	char *obj = path_join(tree, "obj");
	char *logp = path_join(tree, "config.log");
	FILE *log = fopen(logp, "w");
	ck_assert_ptr_nonnull(log);
	struct strv mk = {0};
	struct config_job j = {.srctree = src, .objdir = obj, .make = make_line(&mk, src, obj, "x86_64"), .base = base,
			       .req = &req, .log = log};
	double t0 = now_seconds();
	int r = config_resolve(&j);
	fclose(log);
	ck_assert_msg(r == 0, "%s (log %s)", kb_last_error(), logp);
	char *dc = path_join(obj, ".config"), *report = NULL;
	double t1 = now_seconds();
	int bad = config_verify(src, dc, &req, &report);
	double t2 = now_seconds();
	ck_assert_msg(bad >= 0, "%s", kb_last_error());
	fprintf(stderr, "%s: %s + fragment resolved in %.1f s, verified in %.2f s:\n%s", src, base,
		t1 - t0, t2 - t1, report);
	kopt_set_free(&req);
	free(dc);
	free(logp);
	free(obj);
	strv_free(&mk);
	free(fp);
	return report;
}

START_TEST(real_tree_61)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_61", "tinyconfig",
				"CONFIG_64BIT=y\nCONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\n"
				"CONFIG_CEPH_LIB=m\n# BLOCK deliberately left out\nCONFIG_BLK_DEV_RBD=m\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 1 of 6 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					    "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(strstr(report, ": depends on INET && BLOCK;"));
	ck_assert_ptr_nonnull(strstr(report, "off: BLOCK"));

	struct kconfig_db *db = kconfig_db_load(src, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_gt(kconfig_db_nfiles(db), 1000);
	ck_assert_str_eq(kconfig_db_warnings(db), "");
	kconfig_db_free(db);
	free(report);
	free(src);
}
END_TEST

/* 6.12's Kconfig (Debian's linux-source-6.12, pristine: without the TIME_WAIT
 * patch): read without a warning, the dropped option explained from its
 * dependencies (an "if" block included), CEPH_FS kept, and the patch's
 * option reported as absent from this tree. */
START_TEST(real_tree_612)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_612", "tinyconfig",
				"CONFIG_64BIT=y\nCONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\n"
				"CONFIG_CEPH_LIB=m\n# BLOCK deliberately left out\nCONFIG_BLK_DEV_RBD=m\n"
				"CONFIG_CEPH_FS=m\nCONFIG_TCP_TW_TIMEOUT=10\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 2 of 8 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					    "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(strstr(report, ": depends on INET && BLOCK;"));
	ck_assert_ptr_nonnull(strstr(report, "off: BLOCK"));
	ck_assert_ptr_nonnull(strstr(report, "drivers/block/Kconfig:17: inside if BLK_DEV; off: BLOCK, BLK_DEV"));
	ck_assert_ptr_null(strstr(report, "CONFIG_CEPH_FS:")); /* it needs no BLOCK: kept */
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_TCP_TW_TIMEOUT: requested 10, but TCP_TW_TIMEOUT does "
					    "not exist in this kernel"));

	struct kconfig_db *db = kconfig_db_load(src, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_gt(kconfig_db_nfiles(db), 1000);
	ck_assert_str_eq(kconfig_db_warnings(db), "");
	kconfig_db_free(db);
	free(report);
	free(src);
}
END_TEST

START_TEST(real_tree_2639)
{
	char *src = NULL;
	char *report = real_run("KBUILD_TEST_SRC_2639", "allnoconfig",
				"CONFIG_MODULES=y\nCONFIG_NET=y\nCONFIG_INET=y\nCONFIG_BLK_DEV=y\n"
				"# EXPERIMENTAL deliberately left out\nCONFIG_BLK_DEV_RBD=m\nCONFIG_TTY=y\n",
				&src);
	if (!report)
		return;
	ck_assert_msg(strstr(report, "config: 2 of 6 requested options did not survive"), "%s", report);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, got n (not set); "
					    "drivers/block/Kconfig:"));
	ck_assert_ptr_nonnull(
		strstr(report, "depends on INET && EXPERIMENTAL && BLOCK; off: EXPERIMENTAL"));
	ck_assert_ptr_nonnull(
		strstr(report, "CONFIG_TTY: requested y, but TTY does not exist in this kernel"));
	free(report);
	free(src);
}
END_TEST

Suite *config_verify_suite(void)
{
	Suite *s = suite_create("config_verify");
	TCase *tc = tcase_create("verify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60); /* fake make runs, one waits for a 3 s timeout */
	tcase_add_test(tc, dropped_option_names_its_unmet_dependency);
	tcase_add_test(tc, nonexistent_symbol);
	tcase_add_test(tc, value_outside_range);
	tcase_add_test(tc, n_and_not_set_and_absent_are_equal);
	tcase_add_test(tc, other_reasons);
	tcase_add_test(tc, m_needs_modules);
	tcase_add_test(tc, report_counts_and_orders_lines);
	tcase_add_test(tc, kconfig_reader);
	tcase_add_test(tc, expressions);
	tcase_add_test(tc, resolve_with_fake_trees);
	tcase_add_test(tc, resolve_base_file_and_failures);
	tcase_add_test(tc, resolve_answers_are_finite);
	suite_add_tcase(s, tc);

	TCase *real = tcase_create("real trees");
	tcase_add_checked_fixture(real, setup, teardown);
	tcase_set_timeout(real, 1800);
	tcase_add_test(real, real_tree_61);
	tcase_add_test(real, real_tree_612);
	tcase_add_test(real, real_tree_2639);
	suite_add_tcase(s, real);
	return s;
}
