#include "nightly/squad.h"
#include "core/status.h"
#include "lib/json.h"
#include "core/version.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

const char *squad_result(const char *s)
{
	static const char *const squad[] = {[TEST_PASS] = "pass",
					    [TEST_FAIL] = "fail",
					    [TEST_SKIP] = "skip",
					    [TEST_TODO] = "xfail",
					    [TEST_MISSING] = "fail"};
	enum test_status t;
	return test_status_parse(s, &t) ? squad[t] : "fail";
}

static void metric(json_t *m, const char *name, const json_t *v)
{
	if (json_is_number(v))
		json_object_set_new(m, name, json_real(json_number_value(v)));
}

json_t *squad_from_record(const json_t *rec)
{
	json_t *tests = json_object(), *metrics = json_object();
	const char *k;
	json_t *v;
	/* Each stage is a test of suite "kbuild-stages": up to date counts as pass. */
	json_object_foreach(json_object_get(rec, "stages"), k, v)
	{
		char *name = xasprintf("kbuild-stages/%s", k);
		enum stage_status s;
		bool fail = stage_status_parse(json_member_str(v, "status"), &s) && s == STAGE_FAIL;
		json_object_set_new(tests, name, json_string(fail ? "fail" : "pass"));
		free(name);
	}
	json_object_foreach(json_object_get(rec, "tests"), k, v)
	{
		char *name = xasprintf("kbuild-qa/%s", k);
		json_object_set_new(tests, name, json_string(squad_result(json_member_str(v, "status"))));
		free(name);
	}
	const json_t *b = json_object_get(rec, "build"), *sz = json_object_get(rec, "sizes");
	metric(metrics, "kbuild/build-time", json_object_get(b, "seconds"));
	metric(metrics, "kbuild/warnings", json_object_get(b, "warnings"));
	metric(metrics, "kbuild/boot-to-verdict", json_object_get(json_object_get(rec, "boot"), "seconds"));
	metric(metrics, "kbuild/vmlinux-size", json_object_get(sz, "vmlinux"));
	metric(metrics, "kbuild/bzImage-size", json_object_get(sz, "bzImage"));
	metric(metrics, "kbuild/modules-size", json_object_get(sz, "modules_total"));
	json_object_foreach(json_object_get(sz, "modules"), k, v)
	{
		char *name = xasprintf("kbuild-module-size/%s", k);
		metric(metrics, name, v);
		free(name);
	}
	json_object_foreach(json_object_get(rec, "measurements"), k, v)
	{
		char *name = xasprintf("kbuild-qa/tcp_timewait-%s", k);
		metric(metrics, name, v);
		free(name);
	}
	json_object_foreach(json_object_get(rec, "stages"), k, v)
	{
		enum stage_status s;
		if (!stage_status_parse(json_member_str(v, "status"), &s) || s != STAGE_PASS)
			continue;
		char *name = xasprintf("kbuild-stage-time/%s", k);
		metric(metrics, name, json_object_get(v, "duration"));
		free(name);
	}

	const json_t *src = json_object_get(rec, "source");
	json_t *patches = json_array();
	size_t i;
	json_array_foreach(json_object_get(rec, "patches"), i, v)
		json_array_append_new(patches, json_string(json_member_str(v, "name") ?: ""));
	char *job = xasprintf("%s-%s", json_member_str(rec, "profile") ?: "",
			      json_member_str(rec, "started") ?: "unknown");
	json_t *meta = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:O?,s:o,s:s?,s:s?,s:s?,s:s}",
				 "job_id", job, "profile", json_member_str(rec, "profile") ?: "",
				 "kernel_version", json_member_str(src, "version"), "kernel_release",
				 json_member_str(rec, "kernel_release"), "source_origin",
				 json_member_str(src, "origin"), "source_sha256",
				 json_member_str(src, "sha256"), "compiler", json_member_str(rec, "compiler"),
				 "arch", json_member_str(rec, "arch"), "config_fragments",
				 json_object_get(rec, "fragments"), "patches", patches, "reproducer",
				 json_member_str(rec, "reproducer"), "datetime",
				 json_member_str(rec, "started"), "finished",
				 json_member_str(rec, "finished"), "kbuild_version", KBUILD_VERSION);
	/* What the run did not get to (no release before install) is left out. */
	void *tmp;
	json_object_foreach_safe(meta, tmp, k, v) if (json_is_null(v)) json_object_del(meta, k);
	const char *build = json_member_str(rec, "kernel_release") ? json_member_str(rec, "kernel_release")
								   : json_member_str(src, "version");
	char *env = xasprintf("%s-qemu", json_member_str(rec, "arch") ?: "x86_64");
	json_t *doc = json_pack("{s:s?,s:s,s:o,s:o,s:o}", "build", build, "environment", env, "tests", tests,
				"metrics", metrics, "metadata", meta);
	free(env);
	free(job);
	return doc;
}
