/* Incremental re-patching (series_apply on a tree that holds another
 * series): patches dropped, added, edited and reordered; after each change
 * the tree equals a fresh copy of the pristine tree with the new series
 * applied (names, types, modes and contents compared), and every file no
 * changed patch touches keeps its mtime. A tree that cannot be proven (an
 * interrupted reversal, a hand edit to a patched file, a record without its
 * proof) asks for a re-extract; through the kbuild binary (a tree= profile),
 * patches.upto and an interrupted re-patch that the next run re-extracts.
 * Needs GNU patch. */
#include <check.h>
#include <jansson.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/sha256.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "source/patch_apply.h"
#include "source/series.h"
#include "suites.h"
#include "testutil.h"

static char *g_dir;

static char *at(const char *name)
{
	return path_join(g_dir, name);
}

/* A patch section replacing line `line` of a numbered file. */
static char *change(const char *file, const char *prefix, int line, const char *new_text)
{
	char *s = xasprintf("--- a/%s\n+++ b/%s\n@@ -%d,7 +%d,7 @@\n", file, file, line - 3, line - 3);
	for (int i = line - 3; i <= line + 3; i++) {
		char *t = i == line ? xasprintf("%s-%s%d\n+%s\n", s, prefix, i, new_text)
				    : xasprintf("%s %s%d\n", s, prefix, i);
		free(s);
		s = t;
	}
	return s;
}

/* A patch section creating file with two lines. */
static char *create(const char *file)
{
	return xasprintf("--- /dev/null\n+++ b/%s\n@@ -0,0 +1,2 @@\n+new %s\n+second line\n", file, file);
}

static void write_patch(const char *name, char *a, char *b)
{
	char *text = xasprintf("Subject: [PATCH] %s\n\n%s%s", name, a, b ? b : "");
	char *rel = path_join("patches", name);
	tu_write(g_dir, rel, text);
	free(rel);
	free(text);
	free(a);
	free(b);
}

static void make_pristine(const char *where)
{
	char *a = tu_numbered_lines("a", 40), *b = tu_numbered_lines("b", 30),
	     *c = tu_numbered_lines("c", 20), *u = tu_numbered_lines("u", 10);
	char *p;
	p = xasprintf("%s/a.c", where), tu_write(g_dir, p, a), free(p);
	p = xasprintf("%s/dir/b.c", where), tu_write(g_dir, p, b), free(p);
	p = xasprintf("%s/dir/c.c", where), tu_write(g_dir, p, c), free(p);
	p = xasprintf("%s/untouched.c", where), tu_write(g_dir, p, u), free(p);
	p = xasprintf("%s/%s/emptydir", g_dir, where);
	ck_assert_int_eq(mkdir_p(p, 0755), 0);
	free(p);
	free(a), free(b), free(c), free(u);
}

static void setup(void)
{
	g_dir = tu_tmpdir("repatch");
	make_pristine("tree");
	write_patch("0001-a.patch", change("a.c", "a", 5, "A5"), NULL);
	/* b.c, a file in a new directory, and one in a directory that was empty */
	char *n = create("new/sub/n.c"), *e = create("emptydir/e.c");
	char *two = xasprintf("%s%s", n, e);
	free(n), free(e);
	write_patch("0002-b.patch", change("dir/b.c", "b", 10, "B10"), two);
	write_patch("0003-c.patch", change("dir/c.c", "c", 5, "C5"), change("a.c", "a", 30, "A30"));
	write_patch("0004-d.patch", change("dir/b.c", "b", 20, "B20"), NULL);
	/* optional, never applies */
	write_patch("0005-opt.patch", change("a.c", "zz", 12, "nope"), NULL);
}

static void teardown(void)
{
	rm_rf(g_dir);
	free(g_dir);
}

static bool have_patch(void)
{
	if (tu_in_path("patch"))
		return true;
	tu_skip(TU_SKIP_ENV, "GNU patch is not installed (apt-get install patch)");
	return false;
}

static void load(const char *series_text, struct series *s)
{
	tu_write(g_dir, "patches/series", series_text);
	char *p = at("patches/series");
	ck_assert_msg(series_load(p, s) == 0, "%s", kb_last_error());
	free(p);
}

static int apply_to(const char *tree_name, const char *rec_name, const struct series *s, FILE *log)
{
	char *tree = at(tree_name), *rec = at(rec_name);
	int r = series_apply(s, tree, rec, log);
	free(tree);
	free(rec);
	return r;
}

/* ---- the tree's digest, and its mtimes ---- */

static char *g_snap;
static size_t g_root_len;
static bool g_with_mtimes;

static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	(void)flag;
	char hex[SHA256_HEX_LEN + 1] = "-";
	if (S_ISREG(st->st_mode))
		ck_assert_int_eq(sha256_file(path, hex), 0);
	char *t;
	if (g_with_mtimes)
		t = S_ISDIR(st->st_mode) ? xstrdup(g_snap)
					 : xasprintf("%s%s %ld.%09ld\n", g_snap, path + g_root_len,
						     (long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	else
		t = xasprintf("%s%s %o %s\n", g_snap, path + g_root_len, st->st_mode, hex);
	free(g_snap);
	g_snap = t;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of tree_name, one sorted line each: name, type and mode,
 * content digest; or, with mtimes, each file's name and mtime. */
static char *tree_lines(const char *tree_name, bool mtimes)
{
	char *tree = at(tree_name);
	g_snap = xstrdup("");
	g_root_len = strlen(tree);
	g_with_mtimes = mtimes;
	ck_assert_int_eq(nftw(tree, snap_one, 16, FTW_PHYS), 0);
	free(tree);
	struct strv lines = {0};
	for (char *p = g_snap, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		strv_push_owned(&lines, xstrndup(p, (size_t)(nl - p)));
	}
	qsort(lines.v, lines.n, sizeof(char *), cmp_str);
	char *out = lines_join(lines.v, 0, lines.n);
	strv_free(&lines);
	free(g_snap);
	return out;
}

/* The tree series_text gives the slow way: a fresh pristine copy, patched. */
static char *fresh_lines(const char *series_text)
{
	char *fresh = at("fresh"), *rec = at("fresh.applied");
	rm_rf(fresh);
	applied_forget(rec);
	make_pristine("fresh");
	struct series s;
	load(series_text, &s);
	ck_assert_msg(series_apply(&s, fresh, rec, NULL) == 0, "%s", kb_last_error());
	series_free(&s);
	char *lines = tree_lines("fresh", false);
	free(fresh);
	free(rec);
	return lines;
}

/* The files whose mtime changed from before to after (both tree_lines with
 * mtimes), one name a line. */
static char *mtimes_changed(const char *before, const char *after)
{
	char *out = xstrdup("");
	for (const char *p = after; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		char *sp = strrchr(line, ' ');
		*sp = '\0';
		char *needle = xasprintf("%s %s\n", line, sp + 1);
		if (!strstr(before, needle)) {
			char *t = xasprintf("%s%s\n", out, line);
			free(out);
			out = t;
		}
		free(needle);
		free(line);
		p += len + (p[len] == '\n');
	}
	return out;
}

/* Re-patch "tree" from its current series to series_text: the result
 * equals a fresh extract + series_text, only the files in `touched` (one
 * name a line, sorted) get a new mtime, and the log says the patches were
 * reversed rather than re-extracted. */
static void repatch(const char *series_text, const char *touched, const char *log_says)
{
	char *before = tree_lines("tree", true);
	usleep(20000); /* a rewritten file gets a visibly later mtime */
	struct series s;
	load(series_text, &s);
	char *logp = at("log");
	FILE *log = fopen(logp, "w");
	int r = apply_to("tree", "applied", &s, log);
	fclose(log);
	char *logtext = read_file(logp, NULL);
	ck_assert_msg(r == 0, "%s\n%s", kb_last_error(), logtext);
	if (log_says)
		ck_assert_msg(strstr(logtext, log_says), "no '%s' in the log:\n%s", log_says, logtext);
	ck_assert_msg(!strstr(logtext, "re-extract"), "%s", logtext);
	series_free(&s);

	char *got = tree_lines("tree", false), *want = fresh_lines(series_text);
	ck_assert_msg(!strcmp(got, want), "re-patched tree:\n%s\nfresh extract + series:\n%s", got, want);
	char *after = tree_lines("tree", true);
	char *changed = mtimes_changed(before, after);
	ck_assert_msg(!strcmp(changed, touched), "files with a new mtime:\n%s\nexpected:\n%s", changed,
		      touched);
	free(before), free(after), free(changed), free(got), free(want), free(logp), free(logtext);
}

#define NEED_PATCH()               \
	do {                       \
		if (!have_patch()) \
			return;    \
	} while (0)

static const char S123[] = "0001-a.patch\n0002-b.patch\n0003-c.patch\n";

/* ---- the four changes ---- */

START_TEST(drop_a_patch)
{
	NEED_PATCH();
	repatch(S123, "/a.c\n/dir/b.c\n/dir/c.c\n/emptydir/e.c\n/new/sub/n.c\n", NULL);
	/* 0002 goes: 0003 is reversed and applied again, 0002 reversed */
	repatch("0001-a.patch\n0003-c.patch\n", "/a.c\n/dir/b.c\n/dir/c.c\n",
		"the series keeps the first 1 of them; reversing 2, then applying 1");
	/* the directory 0002 created is gone, the one that was empty is back */
	char *newdir = at("tree/new"), *empty = at("tree/emptydir");
	ck_assert(!path_exists(newdir));
	ck_assert(is_dir(empty));
	free(newdir), free(empty);
	/* the last patch goes */
	repatch("0001-a.patch\n", "/a.c\n/dir/c.c\n", "reversing 1, then applying 0");
}
END_TEST

START_TEST(add_a_patch)
{
	NEED_PATCH();
	repatch("0001-a.patch\n0003-c.patch\n", "/a.c\n/dir/c.c\n", NULL);
	/* appended: nothing reversed */
	repatch("0001-a.patch\n0003-c.patch\n0004-d.patch\n", "/dir/b.c\n", "2 of 3 patches already handled");
	/* inserted in the middle: 0003 and 0004 out, 0002, 0003, 0004 in */
	repatch("0001-a.patch\n0002-b.patch\n0003-c.patch\n0004-d.patch\n",
		"/a.c\n/dir/b.c\n/dir/c.c\n/emptydir/e.c\n/new/sub/n.c\n", "reversing 2, then applying 3");
}
END_TEST

START_TEST(edit_a_patch)
{
	NEED_PATCH();
	repatch(S123, "/a.c\n/dir/b.c\n/dir/c.c\n/emptydir/e.c\n/new/sub/n.c\n", NULL);
	/* the last patch edited (same name): reversed from the copy kept of it */
	write_patch("0003-c.patch", change("dir/c.c", "c", 8, "C8"), change("a.c", "a", 30, "A30"));
	repatch(S123, "/a.c\n/dir/c.c\n", "reversing 1, then applying 1");
	/* the middle one edited: b.c's change moves, the new files stay */
	write_patch("0002-b.patch", change("dir/b.c", "b", 12, "B12"), create("new/sub/n.c"));
	repatch(S123, "/a.c\n/dir/b.c\n/dir/c.c\n/new/sub/n.c\n", "reversing 2, then applying 2");
	char *e = at("tree/emptydir/e.c");
	ck_assert(!path_exists(e));
	free(e);
}
END_TEST

START_TEST(reorder_patches)
{
	NEED_PATCH();
	repatch("0001-a.patch\n0002-b.patch\n0003-c.patch\n0004-d.patch\n",
		"/a.c\n/dir/b.c\n/dir/c.c\n/emptydir/e.c\n/new/sub/n.c\n", NULL);
	repatch("0001-a.patch\n0003-c.patch\n0002-b.patch\n0004-d.patch\n",
		"/a.c\n/dir/b.c\n/dir/c.c\n/emptydir/e.c\n/new/sub/n.c\n", "reversing 3, then applying 3");
	/* an optional patch that was skipped is forgotten and skipped again */
	repatch("0001-a.patch\n0005-opt.patch #kbuild: optional\n0004-d.patch\n",
		"/a.c\n/dir/b.c\n/dir/c.c\n", NULL);
	repatch("0001-a.patch\n0005-opt.patch #kbuild: optional\n", "/dir/b.c\n",
		"reversing 1, then applying 0");
	repatch("0003-c.patch\n", "/a.c\n/dir/c.c\n", "forgetting skipped optional patch 0005-opt.patch");
	/* down to nothing: the pristine tree */
	repatch("", "/a.c\n/dir/c.c\n", "reversing 1, then applying 0");
}
END_TEST

/* ---- what cannot be proven ---- */

static int apply_series(const char *series_text)
{
	struct series s;
	load(series_text, &s);
	int r = apply_to("tree", "applied", &s, NULL);
	series_free(&s);
	return r;
}

START_TEST(hand_edit_to_a_patched_file)
{
	NEED_PATCH();
	ck_assert_msg(apply_series(S123) == 0, "%s", kb_last_error());
	tu_write(g_dir, "tree/dir/b.c", "edited by hand\n");
	ck_assert_int_eq(apply_series("0001-a.patch\n"), SERIES_REEXTRACT);
	ck_assert_msg(strstr(kb_last_error(), "dir/b.c is not what patch 0002-b.patch left there"), "%s",
		      kb_last_error());
	/* a file no patch touches is outside the proof (README says so) */
	teardown();
	setup();
	ck_assert_int_eq(apply_series(S123), 0);
	tu_write(g_dir, "tree/untouched.c", "edited by hand\n");
	ck_assert_msg(apply_series("0001-a.patch\n") == 0, "%s", kb_last_error());
}
END_TEST

/* A `patch` that dies half-way through a reversal, as an interrupted run
 * would: the record keeps "applying", and the next run re-extracts. */
START_TEST(interrupted_reversal_wants_reextract)
{
	NEED_PATCH();
	ck_assert_msg(apply_series(S123) == 0, "%s", kb_last_error());
	char *bin = at("bin"), *fake = at("bin/patch");
	tu_write(g_dir, "bin/patch",
		 "#!/bin/sh\n"
		 "# reversing for real: change a file the patch touched, then die\n"
		 "case \" $* \" in *\" -R \"*) case \" $* \" in *--dry-run*) ;; *)\n"
		 "  for a; do [ \"$prev\" = -d ] && echo half > \"$a/dir/c.c\"; prev=$a; done\n"
		 "  kill -9 $$;; esac;; esac\n"
		 "exec /usr/bin/patch \"$@\"\n");
	ck_assert_int_eq(chmod(fake, 0755), 0);
	char *old_path = xstrdup(getenv("PATH"));
	char *path = xasprintf("%s:%s", bin, old_path);
	setenv("PATH", path, 1);
	int r = apply_series("0001-a.patch\n0002-b.patch\n");
	setenv("PATH", old_path, 1);
	ck_assert_int_eq(r, SERIES_REEXTRACT);
	char *recp = at("applied");
	char *rec = read_file(recp, NULL);
	free(recp);
	ck_assert_msg(strstr(rec, "0003-c.patch applying"), "%s", rec);
	/* the next run */
	ck_assert_int_eq(apply_series("0001-a.patch\n0002-b.patch\n"), SERIES_REEXTRACT);
	ck_assert_msg(strstr(kb_last_error(), "interrupted while patch 0003-c.patch"), "%s", kb_last_error());
	free(rec), free(bin), free(fake), free(old_path), free(path);
}
END_TEST

START_TEST(record_without_proof)
{
	NEED_PATCH();
	ck_assert_int_eq(apply_series("0001-a.patch\n0002-b.patch\n"), 0);
	/* as an older kbuild left it: the applied list alone */
	char *d = at("applied.d");
	ck_assert(is_dir(d));
	rm_rf(d);
	/* adding works ... */
	ck_assert_msg(apply_series(S123) == 0, "%s", kb_last_error());
	ck_assert(!path_exists(d));
	/* ... taking out does not */
	ck_assert_int_eq(apply_series("0001-a.patch\n"), SERIES_REEXTRACT);
	ck_assert_msg(strstr(kb_last_error(), "must be re-extracted"), "%s", kb_last_error());
	free(d);
}
END_TEST

/* The stored copy lets a dropped patch be reversed after its file is gone. */
START_TEST(dropped_patch_file_deleted)
{
	NEED_PATCH();
	ck_assert_int_eq(apply_series(S123), 0);
	char *p = at("patches/0003-c.patch");
	unlink(p);
	free(p);
	repatch("0001-a.patch\n0002-b.patch\n", "/a.c\n/dir/c.c\n", "reversing 1, then applying 0");
}
END_TEST

/* ---- through the kbuild binary: a tree= profile, the patch stage ---- */

static char *g_env_home, *g_env_cache, *g_env_path;

static void kb_setup(void)
{
	setup();
	char *ini = xasprintf("[source]\nversion = 1.0\ntree = %s/tree\n"
			      "[patches]\nseries = patches/series\n[config]\nbase = allnoconfig\n",
			      g_dir);
	tu_write(g_dir, "configs/profiles/t.ini", ini);
	free(ini);
	tu_write(g_dir, "patches/series", S123);
	g_env_home = xasprintf("KBUILD_HOME=%s", g_dir);
	g_env_cache = xasprintf("KBUILD_CACHE=%s/cache", g_dir);
	g_env_path = xasprintf("PATH=%s/bin:%s", g_dir, getenv("PATH"));
}

static void kb_teardown(void)
{
	teardown();
	free(g_env_home);
	free(g_env_cache);
	free(g_env_path);
}

/* kbuild patch profile=t O=<dir>/out [extra]; its exit status. */
static int kbuild_patch(const char *extra, bool fake_patch)
{
	char *o = xasprintf("O=%s/out", g_dir);
	const char *args[] = {"patch", "profile=t", o, extra};
	char *env[] = {g_env_home, g_env_cache, fake_patch ? g_env_path : NULL, NULL};
	char *out;
	int st = tu_kbuild("repatch", args, extra ? 4 : 3, env, &out);
	free(out);
	free(o);
	return st;
}

static char *out_text(const char *name)
{
	char *p = xasprintf("%s/out/%s", g_dir, name);
	char *t = read_file(p, NULL);
	ck_assert_msg(t, "%s", kb_last_error());
	free(p);
	return t;
}

START_TEST(kbuild_upto_and_repatch)
{
	NEED_PATCH();
	ck_assert_int_eq(kbuild_patch("upto=1", false), 0);
	char *applied = out_text("applied");
	ck_assert_msg(strstr(applied, "0001-a.patch") && !strstr(applied, "0002-b.patch"), "%s", applied);
	free(applied);
	/* the records say the run had a prefix of the series */
	char *mdp = xasprintf("%s/out/metadata.json", g_dir);
	json_t *md = json_load_file(mdp, 0, NULL);
	free(mdp);
	ck_assert_ptr_nonnull(md);
	const json_t *series = json_object_get(md, "series");
	ck_assert_int_eq(json_integer_value(json_object_get(series, "upto")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(series, "length")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(md, "patches")), 1);
	json_decref(md);

	ck_assert_int_eq(kbuild_patch(NULL, false), 0);
	char *log = out_text("logs/patch.log");
	ck_assert_msg(strstr(log, "1 of 3 patches already handled"), "%s", log);
	free(log);
	ck_assert_int_eq(kbuild_patch("upto=1", false), 0);
	log = out_text("logs/patch.log");
	ck_assert_msg(strstr(log, "reversing 2, then applying 0") && !strstr(log, "re-extracting"), "%s",
		      log);
	free(log);
	char *got = tree_lines("out/src", false), *want = fresh_lines("0001-a.patch\n");
	ck_assert_str_eq(got, want);
	free(got), free(want);
	/* upto beyond the series */
	tu_write(g_dir, "patches/series", S123);
	char *o = xasprintf("O=%s/out", g_dir);
	const char *args[] = {"patch", "profile=t", o, "upto=4"};
	char *env[] = {g_env_home, g_env_cache, NULL};
	char *out;
	ck_assert_int_ne(tu_kbuild("repatch", args, 4, env, &out), 0);
	ck_assert_msg(strstr(out, "patches.upto=4 (command line) is beyond the series"), "%s", out);
	free(out);
	free(o);
}
END_TEST

/* SIGINT while patch -R runs: kbuild stops it and exits 130; the next run
 * re-extracts and says so, and the tree is the fresh one + the series. */
START_TEST(kbuild_interrupted_repatch)
{
	NEED_PATCH();
	ck_assert_int_eq(kbuild_patch(NULL, false), 0);
	char *script = xasprintf("#!/bin/sh\n"
				 "case \" $* \" in *\" -R \"*) case \" $* \" in *--dry-run*) ;; *)\n"
				 "  echo $$ > %s/pids.tmp; mv %s/pids.tmp %s/pids; sleep 300;; esac;; esac\n"
				 "exec /usr/bin/patch \"$@\"\n",
				 g_dir, g_dir, g_dir);
	tu_write(g_dir, "bin/patch", script);
	free(script);
	char *fake = at("bin/patch");
	ck_assert_int_eq(chmod(fake, 0755), 0);
	free(fake);
	/* 0002 edited: 0003 and 0002 are reversed, the first of them hangs */
	write_patch("0002-b.patch", change("dir/b.c", "b", 12, "B12"), NULL);

	char *exe = path_join(tu_repo(), "kbuild"), *o = xasprintf("O=%s/out", g_dir);
	char *const argv[] = {exe, "patch", "profile=t", o, NULL};
	char *env[] = {g_env_home, g_env_cache, g_env_path, NULL};
	struct spawn_opts so = {.stdin_fd = -1, .stdout_fd = 2, .stderr_fd = 2, .env_add = env};
	struct spawn_proc p;
	ck_assert_int_eq(spawn_start(argv, &so, &p), 0);
	char *pids = at("pids");
	bool got = false;
	for (double until = now_seconds() + 60; !got && now_seconds() < until; usleep(20000))
		got = path_exists(pids);
	ck_assert_msg(got, "patch -R never started");
	kill(p.pid, SIGINT);
	int status = -1;
	ck_assert_int_eq(spawn_wait(&p, now_seconds() + 30, &status), 1);
	ck_assert_int_eq(status, 130);
	char *applied = out_text("applied");
	ck_assert_msg(strstr(applied, "0003-c.patch applying"), "%s", applied);
	free(applied);

	ck_assert_int_eq(kbuild_patch(NULL, false), 0);
	char *log = out_text("logs/patch.log");
	ck_assert_msg(strstr(log, "interrupted while patch 0003-c.patch") &&
			      strstr(log, "re-extracting a pristine tree"),
		      "%s", log);
	free(log);
	char *tl = tree_lines("out/src", false), *want = fresh_lines(S123);
	ck_assert_str_eq(tl, want);
	free(tl), free(want), free(pids), free(exe), free(o);
}
END_TEST

Suite *repatch_suite(void)
{
	Suite *s = suite_create("repatch");
	TCase *t = tcase_create("series");
	tcase_set_timeout(t, 120); /* hundreds of `patch` runs: seconds on a loaded machine */
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, drop_a_patch);
	tcase_add_test(t, add_a_patch);
	tcase_add_test(t, edit_a_patch);
	tcase_add_test(t, reorder_patches);
	tcase_add_test(t, dropped_patch_file_deleted);
	tcase_add_test(t, hand_edit_to_a_patched_file);
	tcase_add_test(t, interrupted_reversal_wants_reextract);
	tcase_add_test(t, record_without_proof);
	suite_add_tcase(s, t);
	t = tcase_create("kbuild");
	tcase_set_timeout(t, 120);
	tcase_add_checked_fixture(t, kb_setup, kb_teardown);
	tcase_add_test(t, kbuild_upto_and_repatch);
	tcase_add_test(t, kbuild_interrupted_repatch);
	suite_add_tcase(s, t);
	return s;
}
