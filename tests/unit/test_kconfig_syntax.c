/* The Kconfig reader's strictness and its model (kconfig/why.c): the reader
 * counts what it does not understand (a made-up construct must be counted,
 * or the zero asserted on real trees by kconfig_trees would prove nothing),
 * reads what kconfig's lexer reads, and the model gives each kind of reason
 * on a small tree, with the .config allmodconfig would write for it, and
 * reports a .config it cannot explain. */
#include "suites.h"
#include "lib/outfile.h"
#include "kconfig/db.h"
#include "kconfig/verify.h"
#include "kconfig/why.h"
#include "legacytrees.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "source/unpack.h"
#include "testskip.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the reader's strictness --- */

static struct kconfig_db *load_one(const char *dir, const char *kconfig)
{
	tu_write(dir, "Kconfig", kconfig);
	struct kconfig_db *db = kconfig_db_load(dir, "x86");
	ck_assert_msg(db, "%s", kb_last_error());
	return db;
}

START_TEST(unknown_syntax_is_counted)
{
	char *dir = tu_tmpdir("ksyntax");
	struct kconfig_db *db = load_one(dir, "config A\n"          /* 1 */
					      "\tbool \"a\"\n"      /* 2 */
					      "\tfrobnicate A\n"    /* 3: made up */
					      "\tdepends on B &&\n" /* 4: expression cut short */
					      "\tselect\n"          /* 5: no symbol */
					      "\tbool \"a\" B\n"    /* 6: text after the prompt */
					      "\tdepends B\n"       /* 7: no `on` */
					      "\trange 1\n"         /* 8: one bound */
					      "\toption frob\n"     /* 9: unknown option */
					      "endif\n"             /* 10: nothing to close */
					      "select A\n"          /* 11: outside an entry */
					      "if A\n"
					      "endif junk\n" /* 13: text after endif */
					      "menu \"m\"\n"
					      "\tvisible B\n" /* 15: visible without if */
					      "endmenu\n"
					      "config\n"); /* 17: no name */
	ck_assert_uint_eq(kconfig_db_nunknown(db), 12);
	const char *u = kconfig_db_unknown(db);
	static const char *const lines[] = {
		"Kconfig:3: unknown keyword: frobnicate A\n", "Kconfig:4: dependency not understood: B &&\n",
		"Kconfig:5: select takes a symbol",           "Kconfig:6: text after the prompt: B\n",
		"Kconfig:7: depends needs `on EXPR`",         "Kconfig:8: range takes two bounds",
		"Kconfig:9: unknown option: frob\n",          "Kconfig:10: no block to close: endif\n",
		"Kconfig:11: select/imply outside a config",  "Kconfig:13: text after the end of a block",
		"Kconfig:15: visible takes `if EXPR`",        "Kconfig:17: config needs one symbol name",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(strstr(u, lines[i]), "'%s' not listed in:\n%s", lines[i], u);
	kconfig_db_free(db);

	/* the list stops, the count does not */
	struct strv many = {0};
	for (int i = 0; i < KCONFIG_UNKNOWN_LISTED + 10; i++)
		strv_push(&many, "bogus\n");
	char *text = strv_join(&many, "");
	db = load_one(dir, text);
	ck_assert_uint_eq(kconfig_db_nunknown(db), KCONFIG_UNKNOWN_LISTED + 10);
	size_t listed = 0;
	for (const char *p = kconfig_db_unknown(db); *p; p++)
		listed += *p == '\n';
	ck_assert_uint_eq(listed, KCONFIG_UNKNOWN_LISTED);
	kconfig_db_free(db);
	free(text);
	strv_free(&many);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* Every construct of 2.6.x to 6.x, and the newer `depends on X if Y`: none unknown. */
START_TEST(known_syntax_of_every_era)
{
	char *dir = tu_tmpdir("ksyntax");
	tu_write(dir, "sub/Kconfig", "config SUB\n\tdef_tristate m if A\n");
	struct kconfig_db *db = load_one(
		dir, "mainmenu \"Linux/$(ARCH) $(KERNELVERSION) Kernel Configuration\"\n"
		     "cc-option = $(success,true)\n"
		     "CC_FLAGS := -O2\n"
		     "CC_FLAGS += -g\n"
		     "$(warning-if,n,never)\n"
		     "config ARCH\n\tstring\n\toption env=\"ARCH\"\n"
		     "config DEFCONFIG_LIST\n\tstring\n\toption defconfig_list\n\tdefault \"/boot/config\"\n"
		     "config MODULES\n\tbool \"modules\"\n\toption modules\n"
		     "config MODULES2\n\tbool \"modules\"\n\tmodules\n"
		     "config ALLNO\n\tbool\n\toption allnoconfig_y\n"
		     "config A\n\tboolean \"a\"\n\t---help---\n\t  help that looks like Kconfig:\n"
		     "\t  select B\n\n\t  default y\n"
		     "config B\n\ttristate \"b\" if A\n\tdepends on !A || \\\n\t\tMODULES\n"
		     "\tdepends on C if A\n\tselect D if A\n\timply E\n\t--- help ---\n\t  old\n"
		     "config C\n\tint \"c\"\n\trange 1 10 if A\n\tdefault 3\n"
		     "config D\n\thex\n\tprompt \"d\"\n\tdefault 0x10\n\ttransitional\n"
		     "config E\n\ttristate \"e\" ;\n\tdef_bool $(cc-option,-mfoo) && A\n\thelp\n\t  new\n"
		     "menu \"m\"\n\tvisible if A\n\tdepends on A\nendmenu\n"
		     "choice FOO\n\ttristate \"c\"\n\toptional\n\tdefault F if A\n\tdepends on A\n"
		     "config F\n\ttristate \"f\"\nendchoice\n"
		     "comment \"c\"\n\tdepends on A\n"
		     "if A\nsource \"sub/Kconfig\"\nendif\n"
		     "osource \"missing/Kconfig\"\n"
		     "rsource \"sub/Kconfig\"\n");
	ck_assert_msg(kconfig_db_nunknown(db) == 0, "%s", kconfig_db_unknown(db));
	ck_assert_msg(!strstr(kconfig_db_warnings(db), "missing"), "%s", kconfig_db_warnings(db));
	static const enum ksyntax seen[] = {
		KSYN_MACRO_DEF,        KSYN_MACRO_CALL,      KSYN_MACRO_USE,    KSYN_OPTION_ENV,
		KSYN_OPTION_DEFCONFIG, KSYN_OPTION_MODULES,  KSYN_MODULES,      KSYN_OPTION_ALLNOCONFIG_Y,
		KSYN_OLD_HELP,         KSYN_BOOLEAN,         KSYN_IMPLY,        KSYN_VISIBLE_IF,
		KSYN_CHOICE_OPTIONAL,  KSYN_TRISTATE_CHOICE, KSYN_NAMED_CHOICE, KSYN_DEPENDS_IF,
		KSYN_TRANSITIONAL,     KSYN_SOURCE_VARIANT,  KSYN_CONTINUATION, KSYN_IGNORED_CHAR,
	};
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		ck_assert_msg(kconfig_db_syntax(db, seen[i]), "%s not counted", ksyntax_name(seen[i]));
	ck_assert_uint_eq(kconfig_db_syntax(db, KSYN_MACRO_DEF), 3);
	ck_assert_uint_eq(kconfig_db_syntax(db, KSYN_OLD_HELP), 2); /* ---help--- and --- help --- */

	/* help text is not read: A selects nothing, has no default */
	const struct ksym *s = kconfig_db_find(db, "B");
	ck_assert_uint_eq(s->nselected_by, 0);
	ck_assert_uint_eq(kconfig_db_find(db, "A")->defs[0].ndefaults, 0);
	/* depends on C if A: kept as written, evaluated as !(A) || (C) */
	ck_assert_uint_eq(s->defs[0].ndeps, 2);
	ck_assert_str_eq(s->defs[0].deps[1].expr, "!(A) || (C)");
	ck_assert_str_eq(s->defs[0].deps[1].written, "C if A");
	ck_assert_str_eq(s->defs[0].deps[0].expr, "!A || MODULES");
	ck_assert_str_eq(s->defs[0].prompt_cond, "A");
	/* the `;` after E's prompt is skipped, the prompt kept */
	ck_assert(kconfig_db_find(db, "E")->defs[0].has_prompt);
	const struct ksym *d = kconfig_db_find(db, "D");
	ck_assert_uint_eq(d->selected_by[0].def, 0);
	ck_assert_str_eq(d->selected_by[0].cond, "A");
	const struct kchoice *c = kconfig_db_choice(db, kconfig_db_find(db, "F")->defs[0].choice);
	ck_assert_int_eq(c->type, KSYM_TRISTATE);
	ck_assert(c->optional);
	ck_assert_uint_eq(c->ndefaults, 1);
	ck_assert_str_eq(c->defaults[0].expr, "F");
	ck_assert_str_eq(c->defaults[0].cond, "A");
	ck_assert_str_eq(kconfig_db_find(db, "ARCH")->defs[0].env, "ARCH");
	ck_assert_str_eq(kconfig_db_modules_symbol(db), "MODULES2");
	kconfig_db_free(db);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(depends_if_in_a_report)
{
	char *dir = tu_tmpdir("kdepif");
	tu_write(dir, "Kconfig",
		 "config MODULES\n\tbool \"m\"\n\tmodules\n"
		 "config USB\n\ttristate \"usb\"\n"
		 "config GADGET\n\ttristate \"gadget\"\n"
		 "config CDNS\n\ttristate \"cdns\"\n\tdepends on USB if !GADGET\n");
	tu_write(dir, "o/.config", "# Linux/x86_64 6.19 Kernel Configuration\nCONFIG_MODULES=y\n");
	struct kopt_set req = {0};
	kopt_set_put(&req, "CDNS", "m", "f", 1);
	char *dc = path_join(dir, "o/.config"), *report = NULL;
	ck_assert_int_eq(config_verify(dir, dc, &req, &report), 1);
	ck_assert_msg(strstr(report, "Kconfig:10: depends on USB if !GADGET; off: USB\n"), "%s", report);
	free(report);
	/* with GADGET on, the dependency holds whatever USB is */
	tu_write(dir, "o/.config",
		 "# Linux/x86_64 6.19 Kernel Configuration\nCONFIG_MODULES=y\n"
		 "CONFIG_GADGET=m\n");
	ck_assert_int_eq(config_verify(dir, dc, &req, &report), 1);
	ck_assert_msg(strstr(report, "no reason found"), "%s", report);
	free(report);
	/* a tree with a line the reader does not understand: the report says so */
	tu_write(dir, "Kconfig",
		 "config MODULES\n\tbool \"m\"\n\tmodules\n"
		 "config CDNS\n\ttristate \"cdns\"\n\tvendor_keyword on\n");
	ck_assert_int_eq(config_verify(dir, dc, &req, &report), 1);
	ck_assert_msg(strstr(report,
			     "\nnote: kbuild's Kconfig reader did not understand 1 line of this "
			     "tree (the reasons above may miss what they say), first: Kconfig:6: unknown "
			     "keyword: vendor_keyword on\n"),
		      "%s", report);
	free(report);
	kopt_set_free(&req);
	free(dc);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* --- the model: each kind of reason on a small tree --- */

static const char census_kconfig[] =
	"config MODULES\n\tbool \"modules\"\n\tmodules\n"
	"config X86\n\tdef_bool y\n"
	"config ARCH\n\tstring\n\toption env=\"ARCH\"\n"
	"config BROKEN\n\tbool\n"                                                     /* default: none */
	"config NEEDS_BROKEN\n\ttristate \"nb\"\n\tdepends on BROKEN\n\tselect LIB\n" /* depends */
	"config ARM_DRIVER\n\ttristate \"arm\"\n\tdepends on ARM\n"                   /* arch */
	"config DANGLING\n\tbool \"d\"\n\tdepends on NOWHERE if X86\n"                /* undefined */
	"config MET_IF\n\ttristate \"met\"\n\tdepends on NOWHERE if BROKEN\n"         /* m */
	"config LIB\n\ttristate\n"                                                    /* select */
	"config HIDDEN\n\tbool \"h\" if BROKEN\n\tdefault BROKEN\n"                   /* hidden */
	"config ON_DEFAULT\n\tbool\n\tdefault y if X86\n"                             /* y */
	"choice\n\tprompt \"pick\"\n\tdefault PICK_B\n"
	"config PICK_A\n\tbool \"a\"\n" /* choice */
	"config PICK_B\n\tbool \"b\"\nendchoice\n"
	"config NR\n\tint \"nr\"\n\tdefault 8\n"                /* value */
	"config NR2\n\tint \"nr2\"\n\trange 2 4\n\tdefault 8\n" /* range */
	"config STR\n\tstring \"s\"\n\tdefault \"x\"\n"         /* value */
	"config CC_HAS_FOO\n\tdef_bool $(success,false)\n"      /* toolchain */
	"config VISIBLE\n\ttristate \"v\"\n"                    /* m */
	"config UNTYPED\n\tdepends on X86\n\tselect GHOST\n";   /* no type */

static const char census_config[] =
	"# Linux/x86_64 6.1.0 Kernel Configuration\n"
	"CONFIG_MODULES=y\nCONFIG_X86=y\nCONFIG_MET_IF=m\nCONFIG_ON_DEFAULT=y\n"
	"# CONFIG_PICK_A is not set\nCONFIG_PICK_B=y\nCONFIG_NR=8\nCONFIG_NR2=4\nCONFIG_STR=\"x\"\n"
	"CONFIG_VISIBLE=m\n";

struct census_tree {
	char *dir, *dotconfig;
	struct kconfig_db *db;
	struct kwhy_report r;
};

static void census(struct census_tree *t, const char *kconfig, const char *config, const char *menu_c)
{
	t->dir = tu_tmpdir("kwhy");
	tu_write(t->dir, "Kconfig", kconfig);
	tu_write(t->dir, "arch/arm/Kconfig", "config ARM\n\tdef_bool y\n");
	if (menu_c)
		tu_write(t->dir, "scripts/kconfig/menu.c", menu_c);
	tu_write(t->dir, "o/.config", config);
	t->dotconfig = path_join(t->dir, "o/.config");
	t->db = kconfig_db_load(t->dir, "x86");
	ck_assert_ptr_nonnull(t->db);
	ck_assert_msg(kconfig_db_nunknown(t->db) == 0, "%s", kconfig_db_unknown(t->db));
	ck_assert_int_eq(kconfig_why(t->db, t->dotconfig, NULL, &t->r), 0);
}

static void census_end(struct census_tree *t)
{
	kwhy_report_free(&t->r);
	kconfig_db_free(t->db);
	rm_rf(t->dir);
	free(t->dir);
	free(t->dotconfig);
}

static void expect_why(const struct kwhy_report *r, const char *name, enum kwhy kind, const char *needle)
{
	const struct kwhy_entry *e = kwhy_find(r, name);
	ck_assert_msg(e, "%s: no entry", name);
	ck_assert_msg(e->kind == kind, "%s: %s, expected %s: %s", name, kwhy_name(e->kind), kwhy_name(kind),
		      e->text);
	ck_assert_msg(strstr(e->text, needle), "%s: '%s' not in '%s'", name, needle, e->text);
}

START_TEST(every_kind_of_reason)
{
	struct census_tree t;
	census(&t, census_kconfig, census_config, NULL);
	const struct kwhy_report *r = &t.r;
	expect_why(r, "NEEDS_BROKEN", KWHY_DEPENDS, "Kconfig:13: depends on BROKEN; off: BROKEN");
	expect_why(r, "ARM_DRIVER", KWHY_ARCH, "off: ARM; defined only elsewhere: ARM in arch/arm/Kconfig:1");
	expect_why(r, "DANGLING", KWHY_UNDEFINED, "depends on NOWHERE if X86; off: NOWHERE");
	expect_why(r, "LIB", KWHY_SELECT, "no prompt; selected by NEEDS_BROKEN=n (Kconfig:14)");
	expect_why(r, "HIDDEN", KWHY_PROMPT_HIDDEN,
		   "its prompt is shown only if BROKEN; off: BROKEN; "
		   "its default BROKEN (Kconfig:28) gives n");
	expect_why(r, "BROKEN", KWHY_DEFAULT, "Kconfig:9: no prompt and nothing selects it; no default");
	expect_why(r, "PICK_A", KWHY_CHOICE, "member of the choice at Kconfig:32, which picked PICK_B");
	expect_why(r, "NR", KWHY_VALUE, "int from its default (Kconfig:42)");
	expect_why(r, "STR", KWHY_VALUE, "string from its default");
	expect_why(r, "NR2", KWHY_RANGE, "range 2 4 moved the default 8 to its upper bound");
	expect_why(r, "ARCH", KWHY_ENV, "option env=\"ARCH\"");
	expect_why(r, "CC_HAS_FOO", KWHY_TOOLCHAIN, "$(success,false)");
	expect_why(r, "UNTYPED", KWHY_NO_TYPE, "defined without a type");
	ck_assert_ptr_null(kwhy_find(r, "MET_IF"));
	ck_assert_ptr_null(kwhy_find(r, "VISIBLE"));
	ck_assert_uint_eq(r->counts[KWHY_DISAGREE], 0);
	ck_assert_uint_eq(r->counts[KWHY_NONE], 0);
	ck_assert_uint_eq(r->nsyms, 19);
	ck_assert_uint_eq(r->nnot, r->n);
	ck_assert_uint_eq(r->ny, 4); /* MODULES X86 ON_DEFAULT PICK_B */
	ck_assert_uint_eq(r->nm, 2);
	ck_assert_uint_eq(r->nundefined, 1); /* GHOST: selected, defined nowhere */
	census_end(&t);
}
END_TEST

/* A .config kconfig could not have written is reported, not explained away. */
START_TEST(disagreement_is_reported)
{
	struct census_tree t;
	char *config = xasprintf("%s%s", census_config,
				 "CONFIG_NEEDS_BROKEN=m\n" /* deps unmet, nothing selects it */
				 "CONFIG_HIDDEN=y\n"       /* hidden, default n */
				 "CONFIG_PICK_A=y\n");     /* the last line wins: two picks */
	char *text = xasprintf("%s", config);
	/* VISIBLE visible but n; NR not its default */
	char *p = strstr(text, "CONFIG_VISIBLE=m\n");
	memcpy(p, "CONFIG_VISIBLE=n\n", 17);
	p = strstr(text, "CONFIG_NR=8\n");
	memcpy(p, "CONFIG_NR=9\n", 12);
	census(&t, census_kconfig, text, NULL);
	const struct kwhy_report *r = &t.r;
	expect_why(r, "VISIBLE", KWHY_DISAGREE, "visible (prompt at Kconfig:");
	expect_why(r, "NR", KWHY_DISAGREE, "kconfig wrote 9, the model gives \"8\"");
	expect_why(r, "NEEDS_BROKEN", KWHY_DISAGREE, "kconfig wrote m, the model gives n");
	expect_why(r, "HIDDEN", KWHY_DISAGREE, "kconfig wrote y, the model gives n");
	/* the chosen member: kconfig's pick is not second-guessed, the others explained */
	ck_assert_uint_eq(r->ndisagree_on, 2);
	ck_assert_uint_eq(r->counts[KWHY_DISAGREE], 4);
	census_end(&t);
	free(text);
	free(config);
}
END_TEST

/* The rules that differ between kconfig's versions come from the tree's own menu.c. */
START_TEST(rules_of_old_kconfig)
{
	static const char kc[] =
		"config MODULES\n\tbool \"modules\"\n\toption modules\n"
		"config T\n\ttristate \"t\"\n"
		"if T\nchoice\n\tprompt \"mode\"\nconfig MEMBER\n\tbool \"member\"\n\tselect LIB1\n"
		"endchoice\nendif\n"
		"config LIB1\n\ttristate\n"
		"if T != n\nconfig B\n\tbool \"b\"\n\tselect LIB2\nendif\n"
		"config LIB2\n\ttristate\n";
	/* 2.6.x: MEMBER depends on the choice's value (y), B's select reads T != n as T (m) */
	static const char old[] = "# Linux/x86_64 2.6.39 Kernel Configuration\nCONFIG_MODULES=y\n"
				  "CONFIG_T=m\nCONFIG_MEMBER=y\nCONFIG_LIB1=y\nCONFIG_B=y\nCONFIG_LIB2=m\n";
	static const char old_menu_c[] = "parentdep = expr_alloc_symbol(sym);\ndep = expr_trans_bool(dep);\n";
	/* 6.11 on: MEMBER depends on T (m); T != n is y */
	static const char now[] = "# Linux/x86_64 6.12 Kernel Configuration\nCONFIG_MODULES=y\n"
				  "CONFIG_T=m\nCONFIG_MEMBER=y\nCONFIG_LIB1=m\nCONFIG_B=y\nCONFIG_LIB2=y\n";
	struct census_tree t;
	census(&t, kc, old, old_menu_c);
	ck_assert(kconfig_db_rules(t.db)->choice_value_dep && kconfig_db_rules(t.db)->ne_n_trans);
	ck_assert_msg(t.r.counts[KWHY_DISAGREE] == 0, "%s", t.r.n ? t.r.v[0].text : "");
	census_end(&t);
	census(&t, kc, now, "/* rewritten */\n");
	ck_assert(!kconfig_db_rules(t.db)->choice_value_dep && !kconfig_db_rules(t.db)->ne_n_trans);
	ck_assert_msg(t.r.counts[KWHY_DISAGREE] == 0, "%s", t.r.n ? t.r.v[0].text : "");
	census_end(&t);
	/* negative: the old .config read with today's rules does not fit */
	census(&t, kc, old, NULL);
	expect_why(&t.r, "LIB1", KWHY_DISAGREE, "kconfig wrote y, the model gives m");
	expect_why(&t.r, "LIB2", KWHY_DISAGREE, "kconfig wrote m, the model gives y");
	census_end(&t);
}
END_TEST

Suite *kconfig_syntax_suite(void)
{
	Suite *s = suite_create("kconfig_syntax");
	TCase *tc = tcase_create("syntax");
	tcase_add_test(tc, unknown_syntax_is_counted);
	tcase_add_test(tc, known_syntax_of_every_era);
	tcase_add_test(tc, depends_if_in_a_report);
	tcase_add_test(tc, every_kind_of_reason);
	tcase_add_test(tc, disagreement_is_reported);
	tcase_add_test(tc, rules_of_old_kconfig);
	suite_add_tcase(s, tc);
	return s;
}
