/* The legacy lines end to end, from the pristine tarballs in ../shared/trees
 * (skipped, with the reason, where that folder is absent):
 * - centos6-2.6.32 is built, booted and self-tested; a second run is a no-op;
 *   a one-option change recompiles only what depends on it (the make 4.3
 *   '#' escaping patch: without it every object is rebuilt);
 * - asking 2.6.32 for Ceph/RBD fails with "does not exist in this kernel";
 * - the ceph-2.6.38 profile's series applies (dry-run) to the nearest tree
 *   there is (2.6.39.4: no pristine 2.6.38.x tree is public).
 * The ceph profile on 2.6.39.4 is test_e2e.c's legacy_2639_ceph. */
#include "legacytrees.h"
#include "suites.h"
#include "lib/outfile.h"
#include "testskip.h"
#include "testutil.h"
#include "lib/util.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_2632 "linux-2.6.32.71.tar.xz"
#define TREE_2639 "linux-2.6.39.4.tar.xz"

/* source= and sha256= arguments for a tree, or NULL (the skip reason printed). */
static bool tree_args(const char *file, const char *test, char **src, char **sha)
{
	char hex[SHA256_HEX_LEN + 1];
	char *why = NULL;
	char *path = lt_find(file, hex, &why);
	if (!path) {
		tu_skip(TU_SKIP_E2E, "%s: %s", test, why);
		free(why);
		return false;
	}
	*src = xasprintf("source=%s", path);
	*sha = xasprintf("sha256=%s", hex);
	free(path);
	return true;
}

/* One legacy test's tree and output directory: the source=/sha256= arguments,
 * the e2e directory and its O= argument. */
struct legacy_case {
	char *src, *sha, *dir, *o;
};

/* Fills c for the tarball file and the e2e directory name; false (the skip
 * recorded) when the tree is absent. */
static bool legacy_begin(const char *file, const char *test, const char *name, struct legacy_case *c)
{
	*c = (struct legacy_case){0};
	if (!tree_args(file, test, &c->src, &c->sha))
		return false;
	c->dir = tu_e2e_dir(name);
	c->o = xasprintf("O=%s", c->dir);
	return true;
}

/* Frees c; removes its output directory too when remove is set. */
static void legacy_end(struct legacy_case *c, bool remove)
{
	if (remove)
		rm_rf(c->dir);
	free(c->src);
	free(c->sha);
	free(c->dir);
	free(c->o);
}

/* Number of lines of the stage log that start with prefix (e.g. "  CC "). */
static size_t log_count(const char *outdir, const char *stage, const char *prefix)
{
	char *p = xasprintf("%s/logs/%s.log", outdir, stage);
	char *text = read_file(p, NULL);
	ck_assert_msg(text != NULL, "%s unreadable", p);
	size_t n = 0;
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += strncmp(l, prefix, strlen(prefix)) == 0;
	free(text);
	free(p);
	return n;
}

static void assert_all_pass(const char *outdir, size_t at_least)
{
	char *p = path_join(outdir, "results.json");
	json_error_t err;
	json_t *root = json_load_file(p, 0, &err);
	if (!root)
		ck_abort_msg("%s: %s", p, err.text);
	json_t *tests = json_object_get(root, "tests");
	ck_assert(json_is_array(tests));
	ck_assert_uint_ge(json_array_size(tests), at_least);
	/* every test the plan expected reported: none missing from the guest */
	json_t *summary = json_object_get(root, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(summary, "missing")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(summary, "total")),
			 (json_int_t)json_array_size(tests));
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *status = json_string_value(json_object_get(t, "status"));
		ck_assert_msg(status && !strcmp(status, "pass"), "self-test %s: %s", name ? name : "?",
			      status ? status : "no status");
	}
	json_decref(root);
	free(p);
}

static int kb(char **out, const char *const *args, size_t n)
{
	double t0 = now_seconds();
	int st = tu_kbuild("legacy", args, n, NULL, out);
	fprintf(stderr, "legacy: took %.2f s, status %d\n", now_seconds() - t0, st);
	return st;
}

/* "qa.tests=<every test of qa/tests.list but modules>" (malloc'd); *n gets their number. */
static char *tests_but_modules(size_t *n)
{
	char *p = path_join(tu_repo(), "qa/tests.list");
	char *text = read_file(p, NULL);
	ck_assert_msg(text != NULL, "%s unreadable", p);
	char *arg = xstrdup("qa.tests=");
	*n = 0;
	char *save = NULL, *wsave = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#&")] = '\0';
		char *w = strtok_r(line, " \t", &wsave);
		if (w && strcmp(w, "modules")) {
			char *longer = xasprintf("%s%s%s", arg, *n ? " " : "", w);
			free(arg);
			arg = longer;
			++*n;
		}
	}
	free(text);
	free(p);
	return arg;
}

START_TEST(centos6_2632_qa)
{
	struct legacy_case c;
	if (!legacy_begin(TREE_2632, "centos6-2.6.32", "centos6-2.6.32", &c))
		return;
	/* qa/modules starts on 2.6.32 only when linked statically (musl +
	 * libkmod from the kmod source); otherwise the other tests run. */
	size_t n_tests = 4;
	char *tests_arg = NULL; /* all of the profile's */
	char *kstate = path_join(tu_repo(), "build/kmod/state");
	char *state = read_file(kstate, NULL);
	if (state)
		state[strcspn(state, "\n")] = '\0'; /* one line in the skip list */
	if (!state || strncmp(state, "static ", 7)) {
		/* listed among the skips (not a pass), the other tests still run */
		tu_skip(TU_SKIP_ENV,
			"legacy: the modules self-test on 2.6.32: qa/modules is dynamic "
			"(%s: %s); a verified kmod-30 source is needed, see tools/libkmod-static",
			kstate, state ? state : "missing");
		tests_arg = tests_but_modules(&n_tests);
	}
	free(state);
	free(kstate);
	const char *args[7] = {"qa", "profile=centos6-2.6.32", c.o, c.src, c.sha};
	size_t n = 5;
	if (tests_arg)
		args[n++] = tests_arg;
	char *out;
	ck_assert_int_eq(kb(&out, args, n), 0);
	free(out);
	assert_all_pass(c.dir, n_tests);
	char *cfg = path_join(c.dir, "config");
	char *text = read_file(cfg, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_TCP_TW_TIMEOUT=10"));
	ck_assert_ptr_nonnull(strstr(text, "CONFIG_LIBCRC32C=m"));
	ck_assert_ptr_null(strstr(text, "CONFIG_CEPH"));
	free(text);
	free(cfg);
	size_t cold = log_count(c.dir, "build", "  CC");

	/* Nothing changed: every stage up to date. */
	ck_assert_int_eq(kb(&out, args, n), 0);
	ck_assert_ptr_null(strstr(out, " done "));
	free(out);

	/* One module option more: the tree is reused and only what depends on
	 * it is compiled (before patches/legacy/0012 make 4.3 rebuilt all). */
	char *frag = path_join(c.dir, "one-more.config");
	ck_assert_int_eq(write_file_atomic(frag, "CONFIG_CRYPTO_MD5=m\n", 20), 0);
	char *more = xasprintf("fragments+=%s", frag);
	args[n] = more;
	ck_assert_int_eq(kb(&out, args, n + 1), 0);
	free(out);
	size_t warm = log_count(c.dir, "build", "  CC");
	fprintf(stderr, "legacy: 2.6.32 compiled %zu objects cold, %zu after one option\n", cold, warm);
	ck_assert_uint_gt(cold, 500);
	ck_assert_uint_lt(warm, cold / 10);
	assert_all_pass(c.dir, n_tests);
	free(more);
	free(frag);
	free(tests_arg);
	legacy_end(&c, false);
}
END_TEST

START_TEST(centos6_has_no_ceph)
{
	struct legacy_case c;
	if (!legacy_begin(TREE_2632, "2.6.32 without Ceph", "centos6-ceph", &c))
		return;
	const char *args[] = {"config", "profile=centos6-2.6.32",
			      c.o,      c.src,
			      c.sha,    "fragments=2.6/qemu-guest 2.6/pm-2.6.38 2.6/tcp-timewait 2.6/ceph"};
	char *out;
	ck_assert_int_ne(kb(&out, args, 6), 0);
	free(out);
	char *rp = path_join(c.dir, "config-report.txt");
	char *report = read_file(rp, NULL);
	ck_assert_msg(report != NULL, "%s missing", rp);
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_CEPH_FS: requested m, but CEPH_FS does not exist "
					     "in this kernel"));
	ck_assert_ptr_nonnull(strstr(report, "CONFIG_BLK_DEV_RBD: requested m, but BLK_DEV_RBD does "
					     "not exist in this kernel"));
	/* what 2.6.32 has passes */
	ck_assert_ptr_null(strstr(report, "CONFIG_TCP_TW_TIMEOUT:"));
	free(report);
	free(rp);
	legacy_end(&c, true);
}
END_TEST

/* No pristine 2.6.38.x is public: the 2.6.38 profile is checked as far as
 * that allows, its series applying (dry-run) to the 2.6.39.4 tree. */
START_TEST(series_2638_dry_run)
{
	struct legacy_case c;
	if (!legacy_begin(TREE_2639, "2.6.38 series dry-run", "ceph-2.6.38-dryrun", &c))
		return;
	const char *args[] = {"patch", "profile=ceph-2.6.38", c.o, c.src, c.sha, "version=2.6.39.4"};
	char *out;
	ck_assert_int_eq(kb(&out, args, 6), 0);
	free(out);
	legacy_end(&c, true);
}
END_TEST

/* The critical stamp case on a real tree (docs/faults.md): 2.6.39.4
 * patched with the ceph profile's series; `extract` of another tarball;
 * `extract` of 2.6.39.4 again (the first run's inputs, so the first run's
 * extract digest); then `build` must apply the series again and build.
 * Before the fix the patch stamp matched and the tree stayed unpatched. */
START_TEST(reextract_then_build_repatches_2639)
{
	struct legacy_case c;
	if (!legacy_begin(TREE_2639, "re-extract then build (2.6.39.4)", "faults-2639-reextract", &c))
		return;
	/* The first pass stops after patch. The build compiles two objects:
	 * with today's gcc neither compiles without the series' compatibility
	 * patches, and tcp_minisocks.o needs the TIME_WAIT patch; the whole
	 * kernel is the e2e suite's (a full build here took 107 s of cold CI). */
	const char *first[] = {"patch", "profile=ceph", c.o, c.src, c.sha};
	const char *args[] = {"build", "profile=ceph", c.o,
			      c.src,   c.sha,          "targets=kernel/sys.o net/ipv4/tcp_minisocks.o"};
	char *out;
	ck_assert_int_eq(kb(&out, first, 5), 0);
	free(out);
	/* another tarball, as `source=` or a `mirror=file://` would give */
	char *work = tu_tmpdir("faults-2639-other");
	tu_write(work, "linux-other/Makefile", "all:\n");
	char *tarball = path_join(work, "other.tar");
	char *const tar[] = {"tar", "-C", work, "-cf", tarball, "linux-other", NULL};
	ck_assert_int_eq(tu_run(tar), 0);
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tarball, hex), 0);
	char *osrc = xasprintf("source=%s", tarball), *osha = xasprintf("sha256=%s", hex);
	const char *other[] = {"extract", "profile=ceph", c.o, osrc, osha};
	ck_assert_int_eq(kb(&out, other, 5), 0);
	free(out);
	const char *back[] = {"extract", "profile=ceph", c.o, c.src, c.sha};
	ck_assert_int_eq(kb(&out, back, 5), 0);
	free(out);
	ck_assert_int_eq(kb(&out, args, 6), 0);
	ck_assert_msg(strstr(out, "] patch      done"), "the patch stage did not run again:\n%s", out);
	ck_assert_msg(strstr(out, "] build      done"), "the build stage did not run again:\n%s", out);
	free(out);
	char *hdr = path_join(c.dir, "src/include/linux/compiler-gcc5plus.h");
	ck_assert_msg(path_exists(hdr), "%s: the series is not applied", hdr);
	free(hdr);
	rm_rf(work);
	free(work);
	free(tarball);
	free(osrc);
	free(osha);
	legacy_end(&c, true);
}
END_TEST

Suite *faults_e2e_suite(void)
{
	Suite *s = suite_create("faults_e2e");
	TCase *tc = tcase_create("stamps");
	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, reextract_then_build_repatches_2639);
	suite_add_tcase(s, tc);
	return s;
}

Suite *legacy_suite(void)
{
	Suite *s = suite_create("legacy");
	TCase *checks = tcase_create("checks");
	tcase_set_timeout(checks, 600);
	tcase_add_test(checks, centos6_has_no_ceph);
	tcase_add_test(checks, series_2638_dry_run);
	suite_add_tcase(s, checks);
	TCase *lines = tcase_create("lines");
	tcase_set_timeout(lines, 3600);
	tcase_add_test(lines, centos6_2632_qa);
	suite_add_tcase(s, lines);
	return s;
}
