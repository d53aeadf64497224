/* series_load and series_apply on a small fixture tree made here: parsing,
 * clean apply, idempotent re-run, already-applied detection, a failing hunk
 * that leaves the tree untouched, a changed patch (re-patched; re-extract
 * without a proof), optional patches. Needs GNU patch; skips saying so when it is absent. */
#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/patch_apply.h"
#include "suites.h"
#include "source/series.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "testutil.h"
#include "lib/util.h"

static char g_dir[64];

static char *at(const char *name)
{
	return path_join(g_dir, name);
}

/* A unified-diff hunk replacing line `line` of a numbered file (3 lines of
 * context each side); `old` is the text the hunk expects there. */
static char *hunk(const char *prefix, int line, const char *old, const char *new_text)
{
	char *s = xasprintf("@@ -%d,7 +%d,7 @@\n", line - 3, line - 3);
	for (int i = line - 3; i <= line + 3; i++) {
		char *t;
		if (i == line)
			t = xasprintf("%s-%s\n+%s\n", s, old, new_text);
		else
			t = xasprintf("%s %s%d\n", s, prefix, i);
		free(s);
		s = t;
	}
	return s;
}

static void setup(void)
{
	strcpy(g_dir, "/tmp/kb-patch-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	char *a = tu_numbered_lines("a", 20), *b = tu_numbered_lines("b", 30);
	tu_write(g_dir, "tree/a.c", a);
	tu_write(g_dir, "tree/dir/b.c", b);
	free(a);
	free(b);

	char *h1 = hunk("a", 5, "a5", "A5");
	char *p1 = xasprintf("Change a5.\n\n--- a/a.c\n+++ b/a.c\n%s", h1);
	tu_write(g_dir, "patches/0001-a.patch", p1);

	char *h2 = hunk("b", 5, "b5", "B5"), *h3 = hunk("b", 25, "b25", "B25");
	char *p2 = xasprintf("--- a/dir/b.c\n+++ b/dir/b.c\n%s%s", h2, h3);
	tu_write(g_dir, "patches/0002-b.patch", p2);

	/* a.c applies, dir/b.c hunk 1 applies, hunk 2 expects a line that is not there */
	char *h4 = hunk("a", 15, "a15", "A15"), *h5 = hunk("b", 25, "zz25", "B25");
	char *p3 = xasprintf("--- a/a.c\n+++ b/a.c\n%s--- a/dir/b.c\n+++ b/dir/b.c\n%s%s", h4, h2, h5);
	tu_write(g_dir, "patches/0003-bad.patch", p3);

	char *p4 = xasprintf("--- a/nosuch.c\n+++ b/nosuch.c\n%s", h1);
	tu_write(g_dir, "patches/0004-nofile.patch", p4);

	char *h6 = hunk("a", 10, "a10", "A10");
	char *p5 = xasprintf("--- a.c\n+++ a.c\n%s", h6);
	tu_write(g_dir, "patches/0005-p0.patch", p5);

	/* two sections on one file, the second needing the first's change */
	char *h7 = hunk("a", 5, "A5", "AA5");
	char *p6 = xasprintf("--- a/a.c\n+++ b/a.c\n%s--- a/a.c\n+++ b/a.c\n%s", h1, h7);
	tu_write(g_dir, "patches/0006-twice.patch", p6);

	free(h1), free(h2), free(h3), free(h4), free(h5), free(h6), free(h7);
	free(p1), free(p2), free(p3), free(p4), free(p5), free(p6);
}

static void teardown(void)
{
	rm_rf(g_dir);
}

static bool have_patch(void)
{
	char *argv[] = {"patch", "--version", NULL};
	char *out = NULL;
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	int st = spawn_capture(argv, &o, &out);
	bool ok = st == 0 && out && strstr(out, "GNU patch");
	free(out);
	if (!ok)
		tu_skip(TU_SKIP_ENV, "GNU patch is not installed (apt-get install patch)");
	return ok;
}

#define NEED_PATCH()               \
	do {                       \
		if (!have_patch()) \
			return;    \
	} while (0)

static void load(const char *series_text, struct series *s)
{
	tu_write(g_dir, "patches/series", series_text);
	char *p = at("patches/series");
	ck_assert_msg(series_load(p, s) == 0, "%s", kb_last_error());
	free(p);
}

/* ---- snapshots of the tree ---- */

static char *g_snap;

static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	char hex[SHA256_HEX_LEN + 1] = "-";
	if (flag == FTW_F)
		ck_assert_int_eq(sha256_file(path, hex), 0);
	char *t = xasprintf("%s%s %o %ld.%09ld %s\n", g_snap, path, st->st_mode,
			    S_ISDIR(st->st_mode) ? 0L : (long)st->st_mtim.tv_sec,
			    S_ISDIR(st->st_mode) ? 0L : st->st_mtim.tv_nsec, hex);
	free(g_snap);
	g_snap = t;
	return 0;
}

/* Names, modes, file mtimes and content digests of everything in the tree. */
static char *snapshot(void)
{
	g_snap = xstrdup("");
	char *tree = at("tree");
	ck_assert_int_eq(nftw(tree, snap_one, 16, FTW_PHYS), 0);
	free(tree);
	return g_snap;
}

static char *file_text(const char *name)
{
	char *p = at(name);
	char *t = read_file(p, NULL);
	ck_assert_ptr_nonnull(t);
	free(p);
	return t;
}

static int apply(const struct series *s)
{
	char *tree = at("tree"), *rec = at("applied");
	int r = series_apply(s, tree, rec, NULL);
	free(tree);
	free(rec);
	return r;
}

/* ---- parsing ---- */

START_TEST(parses_series)
{
	tu_write(g_dir, "patches/sub/x.patch", "--- x\n+++ x\n@@ -0,0 +1 @@\n+x\n");
	struct series s;
	load("# the series\n"
	     "\n"
	     "0001-a.patch\n"
	     "  sub/x.patch -p0   # trailing comment\n"
	     "0002-b.patch -p 2 #kbuild: optional\n"
	     "   # indented comment\n",
	     &s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.e[0].name, "0001-a.patch");
	ck_assert_int_eq(s.e[0].strip, 1);
	ck_assert(!s.e[0].optional);
	ck_assert_int_eq(s.e[0].line, 3);
	ck_assert_str_eq(s.e[1].name, "sub/x.patch");
	ck_assert_int_eq(s.e[1].strip, 0);
	ck_assert_int_eq(s.e[1].line, 4);
	ck_assert(!s.e[1].optional);
	ck_assert_int_eq(s.e[2].strip, 2);
	ck_assert(s.e[2].optional);
	char *want = at("patches/sub/x.patch");
	ck_assert_str_eq(s.e[1].path, want);
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(want, hex), 0);
	ck_assert_str_eq(s.e[1].sha256, hex);
	free(want);
	series_free(&s);
}
END_TEST

static void expect_load_error(const char *text, const char *where, const char *what)
{
	tu_write(g_dir, "patches/series", text);
	char *p = at("patches/series");
	struct series s;
	ck_assert_int_eq(series_load(p, &s), -1);
	ck_assert_int_eq(s.n, 0);
	char *loc = xasprintf("%s:%s", p, where);
	ck_assert_msg(strstr(kb_last_error(), loc), "no '%s' in: %s", loc, kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), what), "no '%s' in: %s", what, kb_last_error());
	free(loc);
	free(p);
}

START_TEST(series_errors_name_the_line)
{
	expect_load_error("0001-a.patch\n# c\nmissing.patch\n0002-b.patch\n", "3", "missing.patch");
	expect_load_error("0001-a.patch -R\n", "1", "-R");
	expect_load_error("0001-a.patch -pX\n", "1", "-pX");
	expect_load_error("0001-a.patch\n0001-a.patch\n", "2", "twice");
	expect_load_error("0001-a.patch #kbuild: sometimes\n", "1", "sometimes");
}
END_TEST

/* ---- applying ---- */

START_TEST(applies_cleanly_and_rerun_does_nothing)
{
	NEED_PATCH();
	struct series s;
	load("0001-a.patch\n0002-b.patch\n0005-p0.patch -p0\n", &s);
	ck_assert_msg(apply(&s) == 0, "%s", kb_last_error());
	char *a = file_text("tree/a.c"), *b = file_text("tree/dir/b.c");
	ck_assert_ptr_nonnull(strstr(a, "\nA5\n"));
	ck_assert_ptr_nonnull(strstr(a, "\nA10\n"));
	ck_assert_ptr_nonnull(strstr(b, "\nB5\n"));
	ck_assert_ptr_nonnull(strstr(b, "\nB25\n"));

	char *rec = file_text("applied");
	char *want = xasprintf("%s 0001-a.patch\n%s 0002-b.patch\n%s 0005-p0.patch\n", s.e[0].sha256,
			       s.e[1].sha256, s.e[2].sha256);
	ck_assert_str_eq(rec, want);

	char *before = snapshot();
	ck_assert_msg(apply(&s) == 0, "%s", kb_last_error());
	char *after = snapshot();
	ck_assert_str_eq(before, after);
	free(a), free(b), free(rec), free(want), free(before), free(after);
	series_free(&s);
}
END_TEST

START_TEST(detects_already_applied)
{
	NEED_PATCH();
	struct series s;
	load("0001-a.patch\n", &s);
	ck_assert_int_eq(apply(&s), 0);
	char *rec = at("applied");
	unlink(rec); /* the tree holds the patch, the record does not say so */
	char *before = snapshot();
	ck_assert_int_eq(apply(&s), -1);
	ck_assert_msg(strstr(kb_last_error(), "already applied"), "%s", kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), "0001-a.patch"), "%s", kb_last_error());
	char *after = snapshot();
	ck_assert_str_eq(before, after);
	free(before), free(after), free(rec);
	series_free(&s);
}
END_TEST

START_TEST(failing_hunk_leaves_tree_unchanged)
{
	NEED_PATCH();
	struct series s1, s2;
	load("0001-a.patch\n", &s1);
	ck_assert_int_eq(apply(&s1), 0);
	char *before = snapshot();
	char *rec_before = file_text("applied");

	load("0001-a.patch\n0003-bad.patch\n", &s2);
	ck_assert_int_eq(apply(&s2), -1);
	const char *err = kb_last_error();
	ck_assert_msg(strstr(err, "0003-bad.patch"), "%s", err);
	ck_assert_msg(strstr(err, "series:2"), "%s", err);
	ck_assert_msg(strstr(err, "dir/b.c"), "%s", err);
	ck_assert_msg(strstr(err, "Hunk #2 FAILED"), "%s", err);

	char *after = snapshot();
	ck_assert_str_eq(before, after);
	char *rec_after = file_text("applied");
	ck_assert_str_eq(rec_before, rec_after);
	free(before), free(after), free(rec_before), free(rec_after);
	series_free(&s1);
	series_free(&s2);
}
END_TEST

START_TEST(missing_file_is_named)
{
	NEED_PATCH();
	struct series s;
	load("0004-nofile.patch\n", &s);
	char *before = snapshot();
	ck_assert_int_eq(apply(&s), -1);
	ck_assert_msg(strstr(kb_last_error(), "can't find file to patch"), "%s", kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), "nosuch.c"), "%s", kb_last_error());
	char *after = snapshot();
	ck_assert_str_eq(before, after);
	free(before), free(after);
	series_free(&s);
}
END_TEST

/* A changed series is re-patched in place (tests/test_repatch.c has the
 * cases); only a record without its proof asks for a re-extract. */
START_TEST(changed_patch_is_repatched)
{
	NEED_PATCH();
	struct series s;
	load("0001-a.patch\n0002-b.patch\n", &s);
	ck_assert_int_eq(apply(&s), 0);
	series_free(&s);

	/* the same patch with a new description: a different digest */
	char *p1 = file_text("patches/0001-a.patch");
	char *p1b = xasprintf("Reworded.\n%s", p1);
	tu_write(g_dir, "patches/0001-a.patch", p1b);
	load("0001-a.patch\n0002-b.patch\n", &s);
	ck_assert_msg(apply(&s) == 0, "%s", kb_last_error());
	char *rec = file_text("applied");
	char *want = xasprintf("%s 0001-a.patch\n%s 0002-b.patch\n", s.e[0].sha256, s.e[1].sha256);
	ck_assert_str_eq(rec, want);
	series_free(&s);
	free(rec), free(want);

	/* a record that is not a prefix of the series */
	load("0002-b.patch\n", &s);
	ck_assert_msg(apply(&s) == 0, "%s", kb_last_error());
	char *a = file_text("tree/a.c");
	ck_assert_ptr_null(strstr(a, "\nA5\n"));
	free(a);
	series_free(&s);

	/* without the record of what the patches touched, only a re-extract helps */
	char *d = at("applied.d");
	rm_rf(d);
	free(d);
	tu_write(g_dir, "patches/0001-a.patch", p1);
	load("0001-a.patch\n", &s);
	ck_assert_int_eq(apply(&s), SERIES_REEXTRACT);
	ck_assert_msg(strstr(kb_last_error(), "re-extracted"), "%s", kb_last_error());
	series_free(&s);
	free(p1), free(p1b);
}
END_TEST

START_TEST(optional_patch_is_skipped)
{
	NEED_PATCH();
	struct series s;
	load("0001-a.patch\n0003-bad.patch   #kbuild: optional\n0002-b.patch\n", &s);
	char *tree = at("tree"), *recp = at("applied"), *logp = at("log");
	FILE *log = fopen(logp, "w");
	ck_assert_msg(series_apply(&s, tree, recp, log) == 0, "%s", kb_last_error());
	fclose(log);
	char *logtext = file_text("log");
	ck_assert_msg(strstr(logtext, "skipping optional patch 0003-bad.patch"), "%s", logtext);

	char *a = file_text("tree/a.c"), *b = file_text("tree/dir/b.c");
	ck_assert_ptr_nonnull(strstr(a, "\nA5\n"));
	ck_assert_ptr_null(strstr(a, "\nA15\n")); /* from the skipped patch */
	ck_assert_ptr_nonnull(strstr(b, "\nB25\n"));
	char *rec = file_text("applied");
	char *want = xasprintf("%s 0001-a.patch\n%s 0003-bad.patch skipped\n%s 0002-b.patch\n", s.e[0].sha256,
			       s.e[1].sha256, s.e[2].sha256);
	ck_assert_str_eq(rec, want);

	char *before = snapshot();
	ck_assert_int_eq(series_apply(&s, tree, recp, NULL), 0);
	char *after = snapshot();
	ck_assert_str_eq(before, after);
	free(tree), free(recp), free(logp), free(logtext), free(a), free(b), free(rec), free(want);
	free(before), free(after);
	series_free(&s);
}
END_TEST

static bool scratch_left_behind(void)
{
	DIR *d = opendir(g_dir);
	struct dirent *de;
	bool found = false;
	while ((de = readdir(d)))
		found |= !strncmp(de->d_name, "kbuild-patch-", 13);
	closedir(d);
	return found;
}

/* GNU patch's --dry-run fails on this patch although it applies: it is tried
 * on a scratch copy. (patch -R cannot undo it either, so "already applied"
 * is not detected for such patches.) */
START_TEST(patch_touching_a_file_twice)
{
	NEED_PATCH();
	setenv("TMPDIR", g_dir, 1);
	struct series s;
	load("0006-twice.patch\n", &s);
	ck_assert_msg(apply(&s) == 0, "%s", kb_last_error());
	char *a = file_text("tree/a.c");
	ck_assert_ptr_nonnull(strstr(a, "\nAA5\n"));
	ck_assert(!scratch_left_behind());
	series_free(&s);

	/* after 0001 the first section no longer applies, for real */
	teardown();
	setup();
	setenv("TMPDIR", g_dir, 1);
	load("0001-a.patch\n0006-twice.patch\n", &s);
	ck_assert_int_eq(apply(&s), -1);
	ck_assert_msg(strstr(kb_last_error(), "0006-twice.patch"), "%s", kb_last_error());
	ck_assert_msg(strstr(kb_last_error(), "file a.c: "), "%s", kb_last_error());
	char *a2 = file_text("tree/a.c");
	ck_assert_ptr_nonnull(strstr(a2, "\nA5\n")); /* 0001 went in, 0006 did not */
	ck_assert_ptr_null(strstr(a2, "\nAA5\n"));
	ck_assert(!scratch_left_behind());
	free(a), free(a2);
	series_free(&s);
	unsetenv("TMPDIR");
}
END_TEST

Suite *patch_suite(void)
{
	Suite *s = suite_create("patch");
	TCase *t = tcase_create("series");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, parses_series);
	tcase_add_test(t, series_errors_name_the_line);
	suite_add_tcase(s, t);

	t = tcase_create("apply");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, applies_cleanly_and_rerun_does_nothing);
	tcase_add_test(t, detects_already_applied);
	tcase_add_test(t, failing_hunk_leaves_tree_unchanged);
	tcase_add_test(t, missing_file_is_named);
	tcase_add_test(t, changed_patch_is_repatched);
	tcase_add_test(t, optional_patch_is_skipped);
	tcase_add_test(t, patch_touching_a_file_twice);
	suite_add_tcase(s, t);
	return s;
}
