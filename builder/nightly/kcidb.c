#include "nightly/kcidb.h"
#include "core/rundoc.h"
#include "lib/json.h"
#include "lib/sha256.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *kcidb_test_status(const char *s)
{
	static const char *const kcidb[] = {[TEST_PASS] = "PASS",
					    [TEST_FAIL] = "FAIL",
					    [TEST_SKIP] = "SKIP",
					    [TEST_TODO] = "SKIP",
					    [TEST_MISSING] = "MISS"};
	enum test_status t;
	return test_status_parse(s, &t) ? kcidb[t] : "MISS";
}

/* KCIDB's patchset hash: sha256 over the newline-terminated sha256 of each
 * patch, in order; "" without patches. */
static char *patchset_hash(const json_t *patches)
{
	if (!json_array_size(patches))
		return xstrdup("");
	struct sha256_ctx *c = sha256_new();
	size_t i;
	json_t *p;
	json_array_foreach(patches, i, p)
	{
		const char *h = json_member_str(p, "sha256");
		sha256_update(c, h ? h : "", h ? strlen(h) : 0);
		sha256_update(c, "\n", 1);
	}
	char hex[SHA256_HEX_LEN + 1];
	sha256_final_hex(c, hex);
	return xstrdup(hex);
}

static bool failed(const json_t *rec, const char *stage)
{
	enum stage_status s;
	return rundoc_stage_status(rec, stage, &s) && s == STAGE_FAIL;
}

/* The build's status: FAIL when config or build failed (the code or config
 * is at fault), ERROR when kbuild could not get the source ready, MISS when
 * the run never got to build (or the patches did not apply: the checkout is
 * then invalid, not the build). */
static const char *build_status(const json_t *rec)
{
	enum stage_status b;
	if (rundoc_stage_status(rec, "build", &b))
		return b == STAGE_FAIL ? "FAIL" : "PASS";
	if (failed(rec, "config"))
		return "FAIL";
	if (failed(rec, "fetch") || failed(rec, "extract"))
		return "ERROR";
	return "MISS";
}

/* The boot as a test: reported (pass or failed tests) is PASS, a panic is
 * FAIL, anything else that ended the boot stage (timeout, QEMU trouble) is
 * ERROR; MISS when it did not run. */
static const char *boot_status(const json_t *rec)
{
	enum boot_verdict v;
	if (boot_verdict_parse(json_member_str(json_object_get(rec, "boot"), "verdict"), &v))
		return v == BOOT_PASSED || v == BOOT_TESTS_FAILED ? "PASS"
		       : v == BOOT_PANIC                          ? "FAIL"
								  : "ERROR";
	return failed(rec, "boot") ? "ERROR" : "MISS";
}

static char *compact_time(const char *iso)
{
	char *s = xstrdup(iso ? iso : "unknown");
	char *w = s;
	for (const char *p = s; *p; p++)
		if (isalnum((unsigned char)*p))
			*w++ = *p;
	*w = '\0';
	return s;
}

static json_t *test_entry(const char *build_id, const char *origin, const char *path, const char *status,
			  const char *started)
{
	char *id = xasprintf("%s:%s", build_id, path);
	json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:s}", "build_id", build_id, "id", id, "origin", origin,
			      "path", path, "status", status);
	if (started)
		json_object_set_new(t, "start_time", json_string(started));
	json_object_set_new(t, "environment", json_pack("{s:s}", "comment", "QEMU guest started by kbuild"));
	free(id);
	return t;
}

json_t *kcidb_from_record(const json_t *rec, const char *origin)
{
	const json_t *src = json_object_get(rec, "source");
	const char *started = json_member_str(rec, "started");
	char *ph = patchset_hash(json_object_get(rec, "patches"));
	char key[256], hex[SHA256_HEX_LEN + 1];
	snprintf(key, sizeof(key), "%s\n%s", json_member_str(src, "sha256") ?: "", ph);
	sha256_hex(key, strlen(key), hex);
	char *checkout_id = xasprintf("%s:c%.16s", origin, hex);
	char *when = compact_time(started);
	char *build_id = xasprintf("%s:%s-%s", origin, json_member_str(rec, "profile") ?: "profile", when);

	json_t *names = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "patches"), i, p)
		json_array_append_new(names, json_string(json_member_str(p, "name") ?: ""));
	char *comment = xasprintf("Linux %s from %s", json_member_str(src, "version") ?: "?",
				  json_member_str(src, "origin") ? json_member_str(src, "origin") : json_member_str(src, "path") ?: "?");
	json_t *checkout = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:{s:s?,s:s?,s:s?,s:o}}", "id", checkout_id,
				     "origin", origin, "tree_name", json_member_str(src, "origin") ?: "local",
				     "patchset_hash", ph, "comment", comment, "valid", !failed(rec, "patch"),
				     "misc", "source_sha256", json_member_str(src, "sha256"), "source_kind",
				     json_member_str(src, "kind"), "verified",
				     json_member_str(src, "verified"), "patches", names);
	if (started)
		json_object_set_new(checkout, "start_time", json_string(started));
	/* kbuild bisect's answer: the patch of this checkout's series that broke it */
	if (json_object_get(rec, "bisect"))
		json_object_set(json_object_get(checkout, "misc"), "bisect", json_object_get(rec, "bisect"));
	/* The failed stage's log, on the object it is about. */
	const json_t *failure = json_object_get(rec, "failure");
	const char *fstage = json_member_str(failure, "stage"), *ftail = json_member_str(failure, "log_tail");
	if (fstage && ftail && !strcmp(fstage, "patch"))
		json_object_set_new(checkout, "log_excerpt", json_string(ftail));

	const json_t *bstage = json_object_get(json_object_get(rec, "stages"), "build");
	const json_t *bsecs = json_object_get(json_object_get(rec, "build"), "seconds");
	const char *bstat = build_status(rec);
	json_t *build = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "checkout_id", checkout_id, "id", build_id,
				  "origin", origin, "architecture", json_member_str(rec, "arch") ?: "x86_64",
				  "config_name", json_member_str(rec, "profile") ?: "", "status", bstat);
	if (started)
		json_object_set_new(build, "start_time", json_string(started));
	if (json_is_number(bsecs))
		json_object_set_new(build, "duration", json_real(json_number_value(bsecs)));
	else if (bstage)
		json_object_set_new(build, "duration",
				    json_real(json_number_value(json_object_get(bstage, "duration"))));
	if (json_member_str(rec, "compiler"))
		json_object_set_new(build, "compiler", json_string(json_member_str(rec, "compiler")));
	if (json_member_str(rec, "reproducer"))
		json_object_set_new(build, "command", json_string(json_member_str(rec, "reproducer")));
	if (fstage && ftail && (!strcmp(fstage, "config") || !strcmp(fstage, "build")))
		json_object_set_new(build, "log_excerpt", json_string(ftail));
	json_object_set_new(build, "misc",
			    json_pack("{s:O?,s:O?,s:O?,s:O?}", "kernel_release",
				      json_object_get(rec, "kernel_release"), "build",
				      json_object_get(rec, "build"), "sizes", json_object_get(rec, "sizes"),
				      "fragments", json_object_get(rec, "fragments")));

	json_t *tests = json_array();
	if (!strcmp(bstat, "PASS")) {
		json_array_append_new(tests,
				      test_entry(build_id, origin, "kbuild.boot", boot_status(rec), started));
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(rec, "tests"), k, v)
		{
			char *path = xasprintf("kbuild.%s", k);
			json_t *t = test_entry(build_id, origin, path,
					       kcidb_test_status(json_member_str(v, "status")), started);
			if (json_is_number(json_object_get(v, "duration")))
				json_object_set(t, "duration", json_object_get(v, "duration"));
			json_array_append_new(tests, t);
			free(path);
		}
		/* Measurements: DONE with the number, the way KCIDB carries them. */
		json_object_foreach(json_object_get(rec, "measurements"), k, v)
		{
			char *path = xasprintf("kbuild.tcp_timewait.%s", k);
			json_t *t = test_entry(build_id, origin, path, "DONE", started);
			json_object_set_new(t, "number",
					    json_pack("{s:f,s:s}", "value", json_number_value(v), "unit",
						      "s"));
			json_array_append_new(tests, t);
			free(path);
		}
	}
	/* kbuild rollout's verdict (exit code 0 blessed, 1 kbuild could not
	 * run it, else rolled back or host lost), with the console of the
	 * new kernel's trial boot */
	const json_t *ro = json_object_get(rec, "rollout");
	if (ro) {
		json_int_t code = json_integer_value(json_object_get(ro, "exit_code"));
		json_t *t = test_entry(build_id, origin, "kbuild.rollout",
				       code == 0   ? "PASS"
				       : code == 1 ? "ERROR"
						   : "FAIL",
				       started);
		json_object_set_new(t, "misc",
				    json_pack("{s:O?,s:O?,s:O?}", "verdict", json_object_get(ro, "verdict"),
					      "exit_code", json_object_get(ro, "exit_code"), "inject",
					      json_object_get(ro, "inject")));
		const char *trial = json_member_str(json_array_get(json_object_get(ro, "boots"), 0),
						    "console");
		if (trial && *trial)
			json_object_set_new(t, "log_excerpt", json_string(trial));
		json_array_append_new(tests, t);
	}
	json_t *doc = json_pack("{s:{s:i,s:i},s:[o],s:[o],s:o}", "version", "major", KCIDB_MAJOR, "minor",
				KCIDB_MINOR, "checkouts", checkout, "builds", build, "tests", tests);
	free(comment);
	free(build_id);
	free(when);
	free(checkout_id);
	free(ph);
	return doc;
}
