/* metadata.json: rendered from the run document when the run starts and
 * after every stage, so a killed run still leaves a record that names what
 * it was doing; each stage's part appears once the stage has been reached. */
#include "engine/metadata.h"
#include "suites.h"
#include "core/profile.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "engine/pipeline.h"
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

static json_t *stage_entry(const json_t *j, const char *name)
{
	return json_object_get(json_object_get(json_object_get(j, "results"), "stages"), name);
}

static int run_ok(struct run *r)
{
	(void)r;
	return 0;
}

/* The second stage finds the first one's outcome on disk already. */
static int run_sees_previous(struct run *r)
{
	json_t *j = load(r->outdir);
	ck_assert_str_eq(json_string_value(json_object_get(stage_entry(j, "fetch"), "status")), "pass");
	ck_assert_ptr_null(stage_entry(j, "build"));
	json_decref(j);
	return 0;
}

START_TEST(written_at_start_and_after_each_stage)
{
	char *dir = tu_tmpdir("metadata");
	tu_write_data(dir, "configs/profiles/m.ini", "metadata/m.ini");
	struct profile p;
	ck_assert_int_eq(profile_load(dir, "m", &p), 0);
	struct settings set;
	settings_resolve(&p, &set);
	struct run r = {.set = &set, .home = dir, .outdir = dir};
	r.srcdir = path_join(dir, "src");
	r.objdir = path_join(dir, "build");
	r.installroot = path_join(dir, "stage");
	r.logdir = path_join(dir, "logs");
	r.stampdir = path_join(dir, "stamps");
	struct source_rec src_rec = {"tarball", "/x/linux.tar.xz", "abc", "yes (sha256)", NULL};
	struct build_rec build_rec = {.steps = 10, .warnings = 3};
	ck_assert_int_eq(source_rec_put(&r, &src_rec), 0);
	ck_assert_int_eq(build_rec_put(&r, &build_rec), 0);

	struct rundoc doc;
	char *argv[] = {"kbuild", "build", "jobs=3", NULL};
	rundoc_begin(&doc, set.name, dir, set.build.arch, 3, argv);
	r.doc = &doc;
	metadata_write(&r);
	json_t *j = load(dir);
	ck_assert_str_eq(json_string_value(json_object_get(j, "profile")), "m");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "results"), "status")),
			 "running");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "reproducer")), "profile=m"));
	ck_assert_ptr_null(json_object_get(j, "source")); /* not reached yet */
	json_decref(j);

	/* The real stages' parts, through the pipeline. */
	const struct stage fetch = {.name = "fetch", .run = run_ok, .describe = stage_fetch.describe};
	const struct stage build = {.name = "build",
				    .run = run_sees_previous,
				    .describe = stage_build.describe};
	const struct stage *const table[] = {&fetch, &build};
	ck_assert_int_eq(pipeline_run(&r, table, 2, 1), 0);
	j = load(dir);
	json_t *src = json_object_get(j, "source");
	ck_assert_str_eq(json_string_value(json_object_get(src, "sha256")), "abc");
	ck_assert_str_eq(json_string_value(json_object_get(src, "verified")), "yes (sha256)");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "results"), "warnings")), 3);
	/* the targets are the profile's build.targets, not a fixed pair */
	json_t *targets = json_object_get(json_object_get(j, "build"), "targets");
	ck_assert_uint_eq(json_array_size(targets), 2);
	ck_assert_str_eq(json_string_value(json_array_get(targets, 0)), "vmlinux");
	const char *ver = json_string_value(json_object_get(json_object_get(j, "compiler"), "version_full"));
	ck_assert_ptr_nonnull(strstr(ver, "gcc"));
	ck_assert_str_eq(json_string_value(json_object_get(stage_entry(j, "build"), "status")), "pass");
	json_decref(j);

	rundoc_end(&doc, 1, r.logdir);
	metadata_write(&r);
	j = load(dir);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "results"), "status")), "fail");
	ck_assert_ptr_nonnull(json_object_get(j, "finished"));
	json_decref(j);

	rundoc_free(&doc);
	settings_free(&set);
	profile_free(&p);
	free(r.srcdir);
	free(r.objdir);
	free(r.installroot);
	free(r.logdir);
	free(r.stampdir);
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
