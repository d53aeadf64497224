/* End to end: `kbuild matrix` of the ceph profile (2.6.39.4, from
 * ../shared/trees) and a variant with one more fragment, sharing one source
 * (unpacked once, hard-linked into both trees) and ccache, up to the qa stage
 * (built, booted, self-tested); then `kbuild compare` between them reports
 * the added options and modules, and both KCIDB documents validate.
 * 2.6.39.4 rather than 6.1: the e2e suite has built the 6.1 line already,
 * and a variant's new autoconf.h makes ccache preprocess every file again,
 * which costs 6.1 about 7 minutes cold and 2.6.39.4 under 2. */
#include "kcidb_check.h"
#include "legacytrees.h"
#include "suites.h"
#include "testutil.h"
#include "testskip.h"
#include "lib/util.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static ino_t inode_of(const char *path)
{
	struct stat st;
	ck_assert_msg(lstat(path, &st) == 0, "%s is missing", path);
	return st.st_ino;
}

static bool size_listed(const json_t *ch, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(ch, "sizes"), i,
			   e) if (!strcmp(json_string_value(json_object_get(e, "name")), name)) return true;
	return false;
}

START_TEST(matrix_two_profiles_one_source)
{
	char hex[SHA256_HEX_LEN + 1];
	char *tarball = lt_2639_or_skip(hex, "matrix");
	if (!tarball)
		return;
	char *dir = tu_e2e_dir("matrix");
	char *variant = tu_data_path("matrix_e2e/nightly-variant.config");
	char *list_text = xasprintf("ceph\nvariant profile=ceph fragments+=%s\n", variant);
	tu_write(dir, "nightly.list", list_text);
	char *list = path_join(dir, "nightly.list");
	char *o = xasprintf("O=%s/out", dir);
	char *src = xasprintf("source=%s", tarball), *sha = xasprintf("sha256=%s", hex);
	/* source= and sha256= go to every row */
	const char *args[] = {"matrix", list, o, "stage=qa", src, sha};
	char *out;
	double t0 = now_seconds();
	int st = tu_kbuild("e2e", args, 6, NULL, &out);
	fprintf(stderr, "e2e: matrix of 2 profiles took %.1f s, status %d\n", now_seconds() - t0, st);
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "variant"));
	free(out);

	/* One pristine tree for the one digest; both trees link into it; the
	 * patched file is each tree's own. */
	char *proot = xasprintf("%s/out/pristine", dir);
	DIR *dp = opendir(proot);
	ck_assert_ptr_nonnull(dp);
	int trees = 0;
	char pristine[4096] = "";
	for (struct dirent *e; (e = readdir(dp));)
		if (e->d_name[0] != '.' && !strstr(e->d_name, ".lock")) {
			trees++;
			snprintf(pristine, sizeof(pristine), "%s/%s", proot, e->d_name);
		}
	closedir(dp);
	ck_assert_int_eq(trees, 1);
	/* MAINTAINERS: a file no patch of the series touches (the legacy
	 * series edits the top Makefile) */
	char *pm = path_join(pristine, "MAINTAINERS");
	char *m1 = xasprintf("%s/out/ceph/src/MAINTAINERS", dir),
	     *m2 = xasprintf("%s/out/variant/src/MAINTAINERS", dir);
	ck_assert(inode_of(pm) == inode_of(m1) && inode_of(pm) == inode_of(m2));
	char *pp = path_join(pristine, "net/ipv4/tcp_minisocks.c");
	char *p1 = xasprintf("%s/out/ceph/src/net/ipv4/tcp_minisocks.c", dir);
	ck_assert(inode_of(pp) != inode_of(p1));
	char *pristine_text = read_file(pp, NULL), *patched_text = read_file(p1, NULL);
	ck_assert_ptr_null(strstr(pristine_text, "sysctl_tcp_tw_timeout"));
	ck_assert_ptr_nonnull(strstr(patched_text, "sysctl_tcp_tw_timeout"));
	free(pristine_text);
	free(patched_text);

	/* compare: the variant's options and modules, no regression. */
	char *a = xasprintf("%s/out/ceph", dir), *b = xasprintf("%s/out/variant", dir);
	const char *cargs[] = {"compare", a, b, "size-threshold=0", "format=json"};
	ck_assert_int_eq(tu_kbuild("e2e", cargs, 5, NULL, &out), 0);
	json_error_t err;
	json_t *ch = json_loads(strstr(out, "{"), JSON_DISABLE_EOF_CHECK, &err);
	ck_assert_msg(ch != NULL, "compare did not print JSON: %s", err.text);
	json_t *added = json_object_get(json_object_get(ch, "config"), "added");
	ck_assert_str_eq(json_string_value(json_object_get(added, "CRYPTO_SHA1")), "m");
	ck_assert_str_eq(json_string_value(json_object_get(added, "CRYPTO_MD5")), "m");
	ck_assert_uint_eq(json_object_size(json_object_get(json_object_get(ch, "config"), "dropped")), 0);
	ck_assert(size_listed(ch, "sha1_generic.ko"));
	ck_assert(size_listed(ch, "md5.ko"));
	ck_assert(size_listed(ch, "modules_total"));
	ck_assert(json_is_false(json_object_get(ch, "regression")));
	json_decref(ch);
	free(out);
	const char *targs[] = {"compare", a, b, "size-threshold=0"};
	ck_assert_int_eq(tu_kbuild("e2e", targs, 4, NULL, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "+ CONFIG_CRYPTO_SHA1=m"));
	ck_assert_ptr_nonnull(strstr(out, "+ md5.ko"));
	free(out);
	/* The other way round the modules are gone: still no regression, since
	 * the base profile never asked for them. */
	const char *rargs[] = {"compare", b, a};
	ck_assert_int_eq(tu_kbuild("e2e", rargs, 3, NULL, &out), 0);
	free(out);

	for (int i = 0; i < 2; i++) {
		char *k = xasprintf("%s/kcidb.json", i ? b : a);
		ck_assert_int_eq(kcidb_check(k), 0);
		json_t *doc = json_load_file(k, 0, &err);
		ck_assert_ptr_nonnull(doc);
		size_t j;
		json_t *t;
		int passed = 0;
		json_array_foreach(json_object_get(doc, "tests"), j, t)
		{
			const char *path = json_string_value(json_object_get(t, "path"));
			if (!strcmp(path, "kbuild.boot") || !strcmp(path, "kbuild.tcp_timewait") ||
			    !strcmp(path, "kbuild.modules"))
				passed += !strcmp(json_string_value(json_object_get(t, "status")), "PASS");
		}
		ck_assert_int_eq(passed, 3);
		json_decref(doc);
		free(k);
		/* SQUAD carries the TIME_WAIT lifetime the guest measured. */
		char *sq = xasprintf("%s/squad.json", i ? b : a);
		doc = json_load_file(sq, 0, &err);
		ck_assert_ptr_nonnull(doc);
		ck_assert(json_is_number(json_object_get(json_object_get(doc, "metrics"),
							 "kbuild-qa/tcp_timewait-lifetime_2s")));
		json_decref(doc);
		free(sq);
	}
	free(a);
	free(b);
	free(pp);
	free(p1);
	free(pm);
	free(m1);
	free(m2);
	free(proot);
	free(o);
	free(list);
	free(list_text);
	free(variant);
	free(src);
	free(sha);
	free(tarball);
	free(dir);
}
END_TEST

Suite *matrix_e2e_suite(void)
{
	Suite *s = suite_create("matrix_e2e");
	TCase *tc = tcase_create("two profiles");
	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, matrix_two_profiles_one_source);
	suite_add_tcase(s, tc);
	return s;
}
