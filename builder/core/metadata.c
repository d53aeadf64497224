#define _GNU_SOURCE
#include "core/metadata.h"
#include "kernel/kmake.h"
#include "source/series.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "kernel/toolchain.h"
#include "core/version.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* One record per process: a run is one pipeline. */
static json_t *meta;

static char *now_iso(void)
{
	time_t t = time(NULL);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *source_info(struct run *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", str_or_null(profile_get(r->prof, "source", "version")));
	static const char *keys[] = {"kind", "origin", "path", "sha256", "verified"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = run_record_get(r, "source.rec", keys[i]);
		json_object_set_new(o, keys[i], str_or_null(v));
		free(v);
	}
	return o;
}

static json_t *patches_info(struct run *r)
{
	json_t *a = json_array();
	const char *s = profile_get(r->prof, "patches", "series");
	if (!s)
		return a;
	char *path = home_path(r, s);
	struct series ser;
	if (series_load(path, &ser) == 0) {
		for (size_t i = 0; i < ser.n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s}", "name", ser.e[i].name, "sha256",
							   ser.e[i].sha256));
		series_free(&ser);
	}
	kb_clear_error();
	free(path);
	return a;
}

static json_t *file_artifact(const char *path)
{
	struct stat st;
	char hex[SHA256_HEX_LEN + 1];
	if (stat(path, &st) < 0 || sha256_file(path, hex) < 0) {
		kb_clear_error();
		return NULL;
	}
	return json_pack("{s:s,s:I,s:s}", "path", path, "size", (json_int_t)st.st_size, "sha256", hex);
}

static json_t *artifacts(struct run *r)
{
	json_t *a = json_array();
	char *rel = run_record_get(r, "install.rec", "release");
	const char *names[] = {"vmlinuz", "System.map", "config"};
	for (size_t i = 0; rel && i < 3; i++) {
		char *p = xasprintf("%s/boot/%s-%s", r->stagedir, names[i], rel);
		json_t *f = file_artifact(p);
		if (f)
			json_array_append_new(a, f);
		free(p);
	}
	const char *outs[] = {"initramfs.cpio.gz", "results.json", "junit.xml", "serial.log"};
	for (size_t i = 0; i < 4; i++) {
		char *p = run_path(r, outs[i]);
		json_t *f = file_artifact(p);
		if (f)
			json_array_append_new(a, f);
		free(p);
	}
	free(rel);
	return a;
}

/* What the boot stage recorded: the verdict and the accelerator it ran on. */
static json_t *boot_info(struct run *r)
{
	static const char *keys[] = {"verdict", "accel", "accel-why"};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = run_record_get(r, "boot.rec", keys[i]);
		json_object_set_new(o, keys[i], str_or_null(v));
		free(v);
	}
	const char *asked = profile_get(r->prof, "qa", "accel");
	json_object_set_new(o, "accel-asked", json_string(asked ? asked : "auto"));
	return o;
}

static void save(struct run *r)
{
	if (!meta)
		return;
	json_t *results = json_object_get(meta, "results");
	json_object_set_new(meta, "source", source_info(r));
	char *rel = kmake_release(r);
	kb_clear_error();
	json_object_set_new(meta, "kernel_release", str_or_null(rel));
	free(rel);
	static const char *counts[] = {"warnings", "errors", "steps"};
	for (size_t i = 0; i < 3; i++) {
		char *v = run_record_get(r, "build.rec", counts[i]);
		json_object_set_new(results, counts[i], v ? json_integer(atoll(v)) : json_null());
		free(v);
	}
	json_object_set_new(results, "artifacts", artifacts(r));
	json_object_set_new(meta, "boot", boot_info(r));
	char *text = json_dumps(meta, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *path = run_path(r, "metadata.json");
	if (text && write_file_atomic(path, text, strlen(text)) < 0)
		fprintf(stderr, "kbuild: warning: %s\n", kb_last_error());
	free(path);
	free(text);
}

void metadata_begin(struct run *r, int argc, char **argv)
{
	char *started = now_iso();
	char *cc = toolchain_cc(r);
	char *ver = toolchain_version(r);
	struct strv vars = {0}, env = {0};
	toolchain_make_vars(r, &vars);
	kmake_env(r, &env);
	json_t *mv = json_array(), *ev = json_array(), *frags = json_array();
	for (size_t i = 0; i < vars.n; i++)
		json_array_append_new(mv, json_string(vars.v[i]));
	for (size_t i = 0; i < env.n; i++)
		json_array_append_new(ev, json_string(env.v[i]));
	struct strv fl = {0};
	profile_get_list(r->prof, "config", "fragments", &fl);
	for (size_t i = 0; i < fl.n; i++)
		json_array_append_new(frags, json_string(fl.v[i]));
	/* The reproducer: the same command, with the profile spelled out. */
	struct strv repro = {0};
	strv_push(&repro, "kbuild");
	for (int i = 1; i < argc; i++)
		strv_push(&repro, argv[i]);
	bool has_profile = false;
	for (int i = 1; i < argc; i++)
		has_profile |= !strncmp(argv[i], "profile=", 8);
	if (!has_profile)
		strv_push_owned(&repro, xasprintf("profile=%s", r->prof->name));
	char *repro_s = argv_to_string(strv_argv(&repro));
	meta = json_pack("{s:{s:s},s:s,s:s,s:{s:s,s:s},s:{s:o,s:s?,s:s?,s:o,s:o,s:I},s:o,s:o,s:{s:s,s:o},s:s}",
			 "kbuild", "version", KBUILD_VERSION,
			 "profile", r->prof->name,
			 "started", started,
			 "compiler", "command", cc, "version_full", ver,
			 "build", "make_variables", mv,
			 "arch", profile_get(r->prof, "build", "arch") ? profile_get(r->prof, "build", "arch") : "x86_64",
			 "cross", profile_get(r->prof, "build", "cross"),
			 "environment", ev,
			 "targets", json_pack("[ss]", "bzImage", "modules"),
			 "jobs", (json_int_t)profile_get_int(r->prof, "build", "jobs", toolchain_cpus()),
			 "patches", patches_info(r),
			 "config_fragments", frags,
			 "results", "status", "running", "stages", json_object(),
			 "reproducer", repro_s);
	free(repro_s);
	strv_free(&repro);
	strv_free(&fl);
	strv_free(&vars);
	strv_free(&env);
	free(started);
	free(cc);
	free(ver);
	save(r);
}

void metadata_stage(struct run *r, const char *stage, const char *status, double seconds)
{
	if (!meta)
		return;
	json_t *stages = json_object_get(json_object_get(meta, "results"), "stages");
	json_object_set_new(stages, stage, json_pack("{s:s,s:f}", "status", status, "duration", seconds));
	save(r);
}

void metadata_end(struct run *r, int exit_code)
{
	if (!meta)
		return;
	json_object_set_new(json_object_get(meta, "results"), "status",
			    json_string(exit_code == 0 ? "pass" : "fail"));
	char *done = now_iso();
	json_object_set_new(meta, "finished", json_string(done));
	free(done);
	save(r);
	json_decref(meta);
	meta = NULL;
}
