/* metadata.json: written at the start and after every stage, so a killed
 * run still leaves a record that names what it was doing. */
#include "engine/metadata.h"
#include "suites.h"
#include "core/profile.h"
#include "core/records.h"
#include "stages/chain.h"
#include "testutil.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *load(const char *dir)
{
	char *p = path_join(dir, "metadata.json");
	json_error_t err;
	json_t *j = json_load_file(p, 0, &err);
	if (!j)
		ck_abort_msg("%s: %s", p, err.text);
	free(p);
	return j;
}

START_TEST(written_at_start_and_after_each_stage)
{
	char *dir = tu_tmpdir("metadata");
	tu_write_data(dir, "configs/profiles/m.ini", "metadata/m.ini");
	struct profile p;
	ck_assert_int_eq(profile_load(dir, "m", &p), 0);
	struct settings set;
	settings_resolve(&p, &set);
	struct run r = {.set = &set,
			.home = dir,
			.outdir = dir,
			.stages = chain_stages,
			.n_stages = chain_n_stages};
	struct source_rec src_rec = {"tarball", "/x/linux.tar.xz", "abc", "yes (sha256)", NULL};
	struct build_rec build_rec = {.steps = 10, .warnings = 3};
	ck_assert_int_eq(source_rec_put(&r, &src_rec), 0);
	ck_assert_int_eq(build_rec_put(&r, &build_rec), 0);
	r.srcdir = path_join(dir, "src");
	r.objdir = path_join(dir, "build");
	r.stagedir = path_join(dir, "stage");
	char *argv[] = {"kbuild", "build", "jobs=3", NULL};
	metadata_begin(&r, 3, argv);

	json_t *j = load(dir);
	ck_assert_str_eq(json_string_value(json_object_get(j, "profile")), "m");
	json_t *res = json_object_get(j, "results");
	ck_assert_str_eq(json_string_value(json_object_get(res, "status")), "running");
	ck_assert_int_eq(json_integer_value(json_object_get(res, "warnings")), 3);
	json_t *src = json_object_get(j, "source");
	ck_assert_str_eq(json_string_value(json_object_get(src, "sha256")), "abc");
	ck_assert_str_eq(json_string_value(json_object_get(src, "verified")), "yes (sha256)");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "reproducer")), "profile=m"));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "config_fragments")), 2);
	/* the targets are the profile's build.targets, not a fixed pair */
	json_t *targets = json_object_get(json_object_get(j, "build"), "targets");
	ck_assert_uint_eq(json_array_size(targets), 2);
	ck_assert_str_eq(json_string_value(json_array_get(targets, 0)), "vmlinux");
	const char *ver = json_string_value(json_object_get(json_object_get(j, "compiler"), "version_full"));
	ck_assert_ptr_nonnull(strstr(ver, "gcc"));
	json_decref(j);

	/* A stage's outcome is on disk before the next stage starts. */
	metadata_stage(&r, "fetch", "pass", 1.5);
	j = load(dir);
	json_t *st = json_object_get(json_object_get(json_object_get(j, "results"), "stages"), "fetch");
	ck_assert_str_eq(json_string_value(json_object_get(st, "status")), "pass");
	json_decref(j);

	metadata_end(&r, 1);
	j = load(dir);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "results"), "status")), "fail");
	ck_assert_ptr_nonnull(json_object_get(j, "finished"));
	json_decref(j);

	settings_free(&set);
	profile_free(&p);
	free(r.srcdir);
	free(r.objdir);
	free(r.stagedir);
	rm_rf(dir);
	free(dir);
}
END_TEST

Suite *metadata_suite(void)
{
	Suite *s = suite_create("metadata");
	TCase *tc = tcase_create("write");
	tcase_add_test(tc, written_at_start_and_after_each_stage);
	suite_add_tcase(s, tc);
	return s;
}
