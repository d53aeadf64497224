/* The Kconfig reader on whole trees.
 *
 * For 2.6.32.71, 2.6.39.4, Debian's 6.1 and 6.12,
 * each unpacked once into ~/.cache/kbuild-test-trees/<sha256> (as the
 * real-tree tests of config_verify do): every Kconfig file kconfig reads for
 * x86_64 is read (the same list kconfig writes into auto.conf.cmd) with no
 * unknown syntax, and for the tree's own `make allmodconfig` every symbol
 * that did not end at y or m has a reason, none disagrees with kconfig, and
 * a .config edited by hand is caught. The counts go to stderr (BENCHMARKS.md). */
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

/* --- the four trees --- */

struct tree_case {
	const char *name; /* the version: "2.6.32.71" (lt_real_tree finds its tarball) */
	const char *env;  /* a variable naming an unpacked tree instead */
};

static const struct tree_case trees[] = {
	{"2.6.32.71", "KBUILD_TEST_SRC_2632"},
	{"2.6.39.4", "KBUILD_TEST_SRC_2639"},
	{"6.1", "KBUILD_TEST_SRC_61"},
	{"6.12", "KBUILD_TEST_SRC_612"},
};

/* Whether the tree's kconfig Makefile names target (syncconfig: 4.19 on). */
static bool has_target(const char *src, const char *target)
{
	char *mk = path_join(src, "scripts/kconfig/Makefile");
	char *text = read_file(mk, NULL);
	bool has = text && strstr(text, target);
	free(text);
	free(mk);
	return has;
}

/* make -C src ARCH=x86_64 O=obj target, its output appended to log. */
static double run_make(const char *src, const char *obj, const char *target, const char *log)
{
	char *argv[] = {"make", "-C", (char *)src, "ARCH=x86_64", NULL, (char *)target, NULL};
	argv[4] = xasprintf("O=%s", obj);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fd, .stderr_fd = fd, .timeout_sec = 900};
	double t0 = now_seconds();
	int st = spawn_run(argv, &o);
	close(fd);
	ck_assert_msg(st == 0, "make %s in %s: status %d (log %s)", target, src, st, log);
	free(argv[4]);
	return now_seconds() - t0;
}

/* The Kconfig files kconfig read, from the deps_config list it writes into
 * include/config/auto.conf.cmd, each checked against the reader's list. */
static size_t check_files_read(const struct kconfig_db *db, const char *obj)
{
	char *cmd = path_join(obj, "include/config/auto.conf.cmd");
	char *text = read_file(cmd, NULL);
	ck_assert_msg(text, "%s", kb_last_error());
	char *p = strstr(text, "deps_config := \\\n");
	ck_assert_ptr_nonnull(p);
	p += strlen("deps_config := \\\n");
	size_t n = 0;
	struct strv missing = {0};
	for (char *line = p, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f = kconfig_skip_ws(line);
		size_t l = strlen(f);
		bool more = l && f[l - 1] == '\\';
		while (l && (f[l - 1] == '\\' || f[l - 1] == ' '))
			f[--l] = '\0';
		if (*f) {
			n++;
			bool found = false;
			for (size_t i = 0; kconfig_db_file(db, i) && !found; i++)
				found = !strcmp(kconfig_db_file(db, i), f);
			if (!found)
				strv_push(&missing, f);
		}
		if (!more)
			break;
	}
	char *list = strv_join(&missing, ", ");
	ck_assert_msg(!missing.n, "kconfig read %zu files the reader did not: %s", missing.n, list);
	ck_assert_msg(n == kconfig_db_nfiles(db), "kconfig read %zu Kconfig files, the reader %zu", n,
		      kconfig_db_nfiles(db));
	free(list);
	strv_free(&missing);
	free(text);
	free(cmd);
	return n;
}

/* A visible module with one definition, no prompt condition, no selector and
 * not in a choice: what allmodconfig must set to m. */
static const char *plain_module(const struct kconfig_db *db, const struct kwhy_report *r,
				const char *dotconfig)
{
	char *text = read_file(dotconfig, NULL);
	const char *found = NULL;
	for (size_t i = 0; i < kconfig_db_nsyms(db) && !found; i++) {
		const struct ksym *s = kconfig_db_sym(db, i);
		if (s->type != KSYM_TRISTATE || s->ndefs != 1 || s->nselected_by || !s->defs[0].has_prompt ||
		    s->defs[0].prompt_cond || s->defs[0].choice >= 0)
			continue;
		char *line = xasprintf("\nCONFIG_%s=m\n", s->name);
		if (strstr(text, line))
			found = s->name;
		free(line);
	}
	free(text);
	(void)r;
	return found;
}

static void one_tree(const struct tree_case *tc)
{
	char *why = NULL;
	char *src = lt_real_tree(tc->name, tc->env, &why);
	if (!src) {
		tu_skip(TU_SKIP_ENV, "%s: %s", tc->name, why);
		free(why);
		return;
	}
	ck_assert_msg(!getenv("KCONFIG_ALLCONFIG"), "KCONFIG_ALLCONFIG is set: allmodconfig would read it");
	char *work = tu_tmpdir("ktrees");
	char *obj = path_join(work, "obj");
	char *log = path_join(work, "make.log");
	ck_assert_int_eq(mkdir_p(obj, 0755), 0);

	double t_amc = run_make(src, obj, "allmodconfig", log);
	char *dotconfig = path_join(obj, ".config");
	char *saved = path_join(work, "allmod.config");
	size_t len;
	char *text = read_file(dotconfig, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(write_file_atomic(saved, text, len), 0);
	free(text);
	/* auto.conf.cmd lists the Kconfig files kconfig read */
	const char *sync = has_target(src, "syncconfig") ? "syncconfig" : "silentoldconfig";
	double t_sync = run_make(src, obj, sync, log);

	double t0 = now_seconds();
	struct kconfig_db *db = kconfig_db_load(src, "x86");
	double t_load = now_seconds() - t0;
	ck_assert_msg(db, "%s", kb_last_error());
	ck_assert_msg(kconfig_db_nunknown(db) == 0, "%s: %zu lines not understood:\n%s", tc->name,
		      kconfig_db_nunknown(db), kconfig_db_unknown(db));
	ck_assert_msg(!*kconfig_db_warnings(db), "%s: %s", tc->name, kconfig_db_warnings(db));
	size_t files = check_files_read(db, obj);

	struct kwhy_report r;
	t0 = now_seconds();
	ck_assert_int_eq(kconfig_why(db, saved, "x86_64", &r), 0);
	double t_why = now_seconds() - t0;
	struct strv bad = {0};
	for (size_t i = 0; i < r.n && bad.n < 20; i++)
		if (r.v[i].kind == KWHY_DISAGREE || r.v[i].kind == KWHY_NONE)
			strv_push_owned(&bad, xasprintf("%s=%s [%s] %s", r.v[i].name,
							r.v[i].value ? r.v[i].value : "(absent)",
							kwhy_name(r.v[i].kind), r.v[i].text));
	char *badlist = strv_join(&bad, "\n");
	ck_assert_msg(!r.counts[KWHY_DISAGREE] && !r.counts[KWHY_NONE],
		      "%s: %zu symbols the model disagrees on, %zu without a reason:\n%s", tc->name,
		      r.counts[KWHY_DISAGREE], r.counts[KWHY_NONE], badlist);
	free(badlist);
	strv_free(&bad);
	ck_assert_uint_eq(r.nnot, r.n);
	ck_assert_uint_eq(r.nnot + r.ny + r.nm, r.nsyms);

	char kinds[1024] = "", syn[1024] = "";
	size_t nk = 0, ns = 0;
	for (int k = 0; k < KWHY__COUNT; k++)
		if (r.counts[k])
			nk += (size_t)snprintf(kinds + nk, sizeof(kinds) - nk, "%s%s %zu", nk ? ", " : "",
					       kwhy_name(k), r.counts[k]);
	for (int k = 0; k < KSYN__COUNT; k++)
		if (kconfig_db_syntax(db, k))
			ns += (size_t)snprintf(syn + ns, sizeof(syn) - ns, "%s%s %zu", ns ? ", " : "",
					       ksyntax_name(k), kconfig_db_syntax(db, k));
	fprintf(stderr,
		"kconfig_trees %s: %zu Kconfig files (as kconfig), %zu symbols (%zu bool/tristate: %zu y, "
		"%zu m), %zu not y/m: %s; %zu named but undefined; allmodconfig %.1f s, %s %.1f s, "
		"read %.2f s, reasons %.2f s; syntax: %s\n",
		tc->name, files, r.nsyms, r.nbool, r.ny, r.nm, r.nnot, kinds, r.nundefined, t_amc, sync,
		t_sync, t_load, t_why, syn);

	/* negative: a module set to n by hand is not explained away */
	const char *victim = plain_module(db, &r, saved);
	ck_assert_ptr_nonnull(victim);
	text = read_file(saved, &len);
	char *line = xasprintf("\nCONFIG_%s=m\n", victim);
	char *at = strstr(text, line);
	char *edited = xasprintf("%.*s\n# CONFIG_%s is not set\n%s", (int)(at - text), text, victim,
				 at + strlen(line));
	char *editedp = path_join(work, "edited.config");
	ck_assert_int_eq(write_file_atomic(editedp, edited, strlen(edited)), 0);
	struct kwhy_report r2;
	ck_assert_int_eq(kconfig_why(db, editedp, "x86_64", &r2), 0);
	const struct kwhy_entry *e = kwhy_find(&r2, victim);
	ck_assert_msg(e && e->kind == KWHY_DISAGREE, "%s: CONFIG_%s edited to n: %s", tc->name, victim,
		      e ? e->text : "no entry");
	kwhy_report_free(&r2);
	free(editedp);
	free(edited);
	free(line);
	free(text);

	kwhy_report_free(&r);
	kconfig_db_free(db);
	free(saved);
	free(dotconfig);
	rm_rf(work);
	free(work);
	free(obj);
	free(log);
	free(src);
}

START_TEST(tree_2632)
{
	one_tree(&trees[0]);
}
END_TEST

START_TEST(tree_2639)
{
	one_tree(&trees[1]);
}
END_TEST

START_TEST(tree_61)
{
	one_tree(&trees[2]);
}
END_TEST

START_TEST(tree_612)
{
	one_tree(&trees[3]);
}
END_TEST

Suite *kconfig_trees_suite(void)
{
	Suite *s = suite_create("kconfig_trees");
	TCase *tc = tcase_create("allmodconfig");
	tcase_set_timeout(tc, 1800); /* a first run unpacks the tree (minutes on a loaded machine) */
	tcase_add_test(tc, tree_2632);
	tcase_add_test(tc, tree_2639);
	tcase_add_test(tc, tree_61);
	tcase_add_test(tc, tree_612);
	suite_add_tcase(s, tc);
	return s;
}
