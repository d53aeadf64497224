/* kbuild matrix: the command line and list files, the no-oversubscription
 * rule, the shared pristine tree (hard links that patching does not touch),
 * and a real matrix of two profiles over one small source running
 * fetch+extract, which unpacks it once. */
#include "matrix/plan.h"
#include "suites.h"
#include "lib/sha256.h"
#include "source/shared_tree.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *const *args, int n, long cpus, struct matrix_plan *p)
{
	return matrix_parse(n, (char **)args, cpus, p);
}

START_TEST(profiles_and_shared_arguments)
{
	struct matrix_plan p;
	const char *args[] = {"profile=a,b", "O=/x", "jobs=1", "ccache=no", "stage=install"};
	ck_assert_int_eq(parse(args, 5, 2, &p), 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(p.v[1].label, "b");
	ck_assert_str_eq(p.outdir, "/x");
	ck_assert_str_eq(p.command, "install");
	/* what every row gets, then the row's own (which win) */
	ck_assert_uint_eq(p.v[0].nargs, 3);
	ck_assert_str_eq(p.v[0].args[0], "ccache=no");
	ck_assert_str_eq(p.v[0].args[1], "jobs=1");
	ck_assert_str_eq(p.v[0].args[2], "profile=a");
	ck_assert_ptr_null(p.v[0].args[3]);
	/* 2 CPUs at 1 job each: two profiles at once */
	ck_assert_int_eq(p.parallel, 2);
	matrix_plan_free(&p);
}
END_TEST

START_TEST(no_oversubscription_by_default)
{
	struct matrix_plan p;
	const char *dflt[] = {"profile=a,b,c"};
	ck_assert_int_eq(parse(dflt, 1, 2, &p), 0);
	ck_assert_int_eq(p.parallel, 1); /* each build uses every CPU */
	ck_assert_str_eq(p.command, "make");
	ck_assert_str_eq(p.outdir, "out/matrix");
	matrix_plan_free(&p);
	const char *j2[] = {"profile=a,b,c", "jobs=2"};
	ck_assert_int_eq(parse(j2, 2, 8, &p), 0);
	ck_assert_int_eq(p.parallel, 4);
	matrix_plan_free(&p);
	const char *forced[] = {"profile=a,b,c", "parallel=3"};
	ck_assert_int_eq(parse(forced, 2, 2, &p), 0);
	ck_assert_int_eq(p.parallel, 3);
	matrix_plan_free(&p);
}
END_TEST

START_TEST(list_file_with_labels)
{
	char *d = tu_tmpdir("matrix-list");
	tu_write_data(d, "nightly.list", "matrix/nightly.list");
	char *list = path_join(d, "nightly.list");
	struct matrix_plan p;
	const char *args[] = {list};
	ck_assert_int_eq(parse(args, 1, 2, &p), 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(p.v[0].args[0], "profile=debian-6.1-ceph");
	ck_assert_str_eq(p.v[1].label, "sha256");
	ck_assert_str_eq(p.v[1].args[0], "profile=debian-6.1-ceph");
	ck_assert_str_eq(p.v[1].args[1], "fragments+=extra.config");
	matrix_plan_free(&p);
	/* a row's own setting comes after the shared one */
	const char *shared[] = {list, "ccache=no"};
	ck_assert_int_eq(parse(shared, 2, 2, &p), 0);
	ck_assert_str_eq(p.v[1].args[0], "ccache=no");
	ck_assert_str_eq(p.v[1].args[2], "fragments+=extra.config");
	matrix_plan_free(&p);

	/* Errors name file:line. */
	tu_write(d, "bad.list", "a\n\nb nonsense\n");
	char *bad = path_join(d, "bad.list");
	const char *bargs[] = {bad};
	ck_assert_int_eq(parse(bargs, 1, 2, &p), -1);
	char *want = xasprintf("%s:3: 'nonsense' is not key=value", bad);
	ck_assert_str_eq(kb_last_error(), want);
	free(want);
	matrix_plan_free(&p);
	tu_write(d, "dup.list", "a\na\n");
	char *dup = path_join(d, "dup.list");
	const char *dargs[] = {dup};
	ck_assert_int_eq(parse(dargs, 1, 2, &p), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "dup.list:2:"));
	matrix_plan_free(&p);
	const char *none[] = {"O=/x"};
	ck_assert_int_eq(parse(none, 1, 2, &p), -1);
	matrix_plan_free(&p);
	const char *stage[] = {"profile=a", "stage=nosuch"};
	ck_assert_int_eq(parse(stage, 2, 2, &p), -1);
	matrix_plan_free(&p);
	free(dup);
	free(bad);
	free(list);
	rm_rf(d);
	free(d);
}
END_TEST

static ino_t inode(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat st;
	ck_assert_int_eq(lstat(p, &st), 0);
	free(p);
	return st.st_ino;
}

/* The linked tree shares the pristine files; GNU patch replaces the file it
 * changes, so the pristine copy keeps its content. */
START_TEST(linked_tree_survives_patching)
{
	char *d = tu_tmpdir("pristine");
	tu_write(d, "pristine/Makefile", "VERSION = 6\n");
	tu_write(d, "pristine/net/tcp.c", "one\ntwo\n");
	char *pristine = path_join(d, "pristine"), *tree = path_join(d, "tree");
	char *ln = path_join(pristine, "net/link");
	ck_assert_int_eq(symlink("tcp.c", ln), 0);
	ck_assert_int_eq(link_tree(pristine, tree), 0);
	ck_assert(inode(pristine, "net/tcp.c") == inode(tree, "net/tcp.c"));
	char *tl = path_join(tree, "net/link");
	char target[64] = {0};
	ck_assert_int_eq(readlink(tl, target, sizeof(target) - 1), 5);
	ck_assert_str_eq(target, "tcp.c");

	tu_write(d, "p.diff", "--- a/net/tcp.c\n+++ b/net/tcp.c\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n");
	char *diff = path_join(d, "p.diff");
	char *argv[] = {"patch", "-p1", "-d", tree, "-i", diff, NULL};
	ck_assert_int_eq(tu_run(argv), 0);
	char *orig = path_join(pristine, "net/tcp.c"), *patched = path_join(tree, "net/tcp.c");
	char *a = read_file(orig, NULL), *b = read_file(patched, NULL);
	ck_assert_str_eq(a, "one\ntwo\n");
	ck_assert_str_eq(b, "one\nthree\n");
	/* dest must not exist */
	ck_assert_int_ne(link_tree(pristine, tree), 0);
	free(a);
	free(b);
	free(orig);
	free(patched);
	free(diff);
	free(tl);
	free(ln);
	free(tree);
	free(pristine);
	rm_rf(d);
	free(d);
}
END_TEST

/* A real matrix: two profiles on one small tarball, up to extract. The
 * tarball is unpacked once into O/pristine/<sha256> and both trees link to
 * it; the table and matrix.json name both rows; the exit code is the worst. */
START_TEST(matrix_unpacks_one_source_once)
{
	char *d = tu_tmpdir("matrix-run");
	tu_write(d, "src/linux-9.9/Makefile", "VERSION = 9\n");
	tu_write(d, "src/linux-9.9/net/tcp.c", "int x;\n");
	char *tarball = path_join(d, "linux-9.9.tar.gz");
	char *srcdir = path_join(d, "src");
	char *tar[] = {"tar", "-czf", tarball, "-C", srcdir, "linux-9.9", NULL};
	ck_assert_int_eq(tu_run(tar), 0);
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tarball, hex), 0);
	char *ini =
		xasprintf("[source]\nversion = 9.9\nsource = %s\nsha256 = %s\n[config]\nbase = tinyconfig\n",
			  tarball, hex);
	tu_write(d, "home/configs/profiles/one.ini", ini);
	tu_write(d, "home/configs/profiles/two.ini", "[profile]\ninherit = one\n[config]\nfragments = x\n");
	tu_write(d, "home/configs/profiles/broken.ini",
		 "[source]\nversion = 9.9\nsource = /nonexistent.tar.gz\n"
		 "sha256 = 0000000000000000000000000000000000000000000000000000000000000000\n"
		 "[config]\nbase = tinyconfig\n");
	char *home_env = xasprintf("KBUILD_HOME=%s/home", d);
	char *cache_env = xasprintf("KBUILD_CACHE=%s/cache", d);
	char *env[] = {home_env, cache_env, NULL};
	char *o = xasprintf("O=%s/out", d);
	const char *args[] = {"matrix", "profile=one,two", o, "stage=extract"};
	char *out;
	ck_assert_int_eq(tu_kbuild("matrix", args, 4, env, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "one "));
	ck_assert_ptr_nonnull(strstr(out, "two "));
	free(out);
	char *pristine = xasprintf("%s/out/pristine/%s", d, hex);
	char *t1 = xasprintf("%s/out/one/src", d), *t2 = xasprintf("%s/out/two/src", d);
	ck_assert(is_dir(pristine));
	ck_assert(inode(pristine, "net/tcp.c") == inode(t1, "net/tcp.c"));
	ck_assert(inode(pristine, "net/tcp.c") == inode(t2, "net/tcp.c"));
	/* exactly one of the two extract logs unpacked */
	int unpacked = 0;
	for (int i = 0; i < 2; i++) {
		char *log = xasprintf("%s/out/%s/logs/extract.log", d, i ? "two" : "one");
		char *text = read_file(log, NULL);
		ck_assert_ptr_nonnull(text);
		unpacked += strstr(text, "once into the shared pristine tree") != NULL;
		free(text);
		free(log);
	}
	ck_assert_int_eq(unpacked, 1);
	char *mj = xasprintf("%s/out/matrix.json", d);
	json_error_t err;
	json_t *doc = json_load_file(mj, 0, &err);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "profiles")), 2);
	ck_assert_str_eq(
		json_string_value(json_object_get(
			json_object_get(json_object_get(json_array_get(json_object_get(doc, "profiles"), 1),
							"stages"),
					"extract"),
			"status")),
		"pass");
	json_decref(doc);

	/* A row that fails makes the matrix fail, the others still run. */
	const char *bad[] = {"matrix", "profile=broken,one", o, "stage=extract"};
	int st = tu_kbuild("matrix", bad, 4, env, &out);
	ck_assert_int_ne(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "FAIL"));
	free(out);
	free(mj);
	free(t1);
	free(t2);
	free(pristine);
	free(o);
	free(home_env);
	free(cache_env);
	free(ini);
	free(srcdir);
	free(tarball);
	rm_rf(d);
	free(d);
}
END_TEST

Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("plan");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, profiles_and_shared_arguments);
	tcase_add_test(tc, no_oversubscription_by_default);
	tcase_add_test(tc, list_file_with_labels);
	tcase_add_test(tc, linked_tree_survives_patching);
	tcase_add_test(tc, matrix_unpacks_one_source_once);
	suite_add_tcase(s, tc);
	return s;
}
