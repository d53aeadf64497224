#include "core/rundoc.h"
#include "core/records.h"
#include "lib/json.h"
#include "lib/spawn.h"
#include "lib/sha256.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LOG_TAIL_LINES 30
#define LOG_TAIL_BYTES 8192

static char *now_iso(void)
{
	time_t t = time(NULL);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

/* The same command, with the profile spelled out. */
static char *reproducer(const char *profile, int argc, char **argv)
{
	struct strv repro = {0};
	strv_push(&repro, "kbuild");
	bool has_profile = false;
	for (int i = 1; i < argc; i++) {
		strv_push(&repro, argv[i]);
		has_profile |= !strncmp(argv[i], "profile=", 8);
	}
	if (!has_profile)
		strv_push_owned(&repro, xasprintf("profile=%s", profile));
	char *s = argv_to_string(strv_argv(&repro));
	strv_free(&repro);
	return s;
}

void rundoc_begin(struct rundoc *d, const char *profile, const char *outdir, const char *arch, int argc,
		  char **argv)
{
	char *started = now_iso(), *repro = reproducer(profile, argc, argv);
	d->root = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:{}}", "format", RUNDOC_FORMAT, "version",
			    RUNDOC_VERSION, "profile", profile, "status", run_status_name(RUN_RUNNING),
			    "outdir", outdir, "arch", arch, "started", started, "reproducer", repro,
			    "stages");
	free(repro);
	free(started);
}

void rundoc_free(struct rundoc *d)
{
	json_decref(d->root);
	d->root = NULL;
}

void rundoc_set(struct rundoc *d, const char *key, json_t *value)
{
	json_object_set_new(d->root, key, value ? value : json_null());
}

json_t *rundoc_get(const struct rundoc *d, const char *key)
{
	return json_object_get(d->root, key);
}

void rundoc_stage(struct rundoc *d, const char *stage, enum stage_status s, double seconds)
{
	json_object_set_new(json_object_get(d->root, "stages"), stage,
			    json_pack("{s:s,s:f}", "status", stage_status_name(s), "duration", seconds));
}

void rundoc_artifact(struct rundoc *d, const char *path)
{
	json_t *arts = json_object_get(d->root, "artifacts");
	if (!arts) {
		arts = json_array();
		json_object_set_new(d->root, "artifacts", arts);
	}
	size_t i;
	json_t *a;
	json_array_foreach(arts, i, a) if (!strcmp(json_member_str(a, "path") ?: "", path)) return;
	struct stat st;
	char hex[SHA256_HEX_LEN + 1];
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || sha256_file(path, hex) < 0) {
		kb_clear_error();
		return;
	}
	json_array_append_new(arts, json_pack("{s:s,s:I,s:s}", "path", path, "size", (json_int_t)st.st_size,
					      "sha256", hex));
}

/* The first stage that failed and the end of its log (what KCIDB calls a
 * log excerpt), or null. */
static json_t *first_failure(const json_t *stages, const char *logdir)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)stages, k, v)
	{
		enum stage_status s;
		if (!stage_status_parse(json_member_str(v, "status"), &s) || s != STAGE_FAIL)
			continue;
		char *name = xasprintf("%s.log", k);
		char *p = path_join(logdir, name);
		char *tail = file_tail(p, LOG_TAIL_LINES, LOG_TAIL_BYTES);
		json_t *f = json_pack("{s:s,s:s}", "stage", k, "log_tail", tail);
		free(tail);
		free(p);
		free(name);
		return f;
	}
	return json_null();
}

void rundoc_end(struct rundoc *d, int exit_code, const char *logdir)
{
	char *done = now_iso();
	json_object_set_new(d->root, "exit_code", json_integer(exit_code));
	json_object_set_new(d->root, "status",
			    json_string(run_status_name(exit_code == 0 ? RUN_PASS : RUN_FAIL)));
	json_object_set_new(d->root, "finished", json_string(done));
	json_object_set_new(d->root, "failure", first_failure(json_object_get(d->root, "stages"), logdir));
	free(done);
}

bool rundoc_stage_status(const json_t *doc, const char *stage, enum stage_status *out)
{
	return stage_status_parse(json_member_str(json_object_get(json_object_get(doc, "stages"), stage),
						  "status"),
				  out);
}

json_t *rundoc_load(const char *path)
{
	char *file = is_dir(path) ? path_join(path, OUT_RECORD_JSON) : xstrdup(path);
	json_t *j = NULL;
	if (!path_exists(file))
		kb_fail("%s: no such record (kbuild writes record.json at the end of every run)", file);
	else if ((j = json_read_file(file)) &&
		 (!json_is_object(j) || strcmp(json_member_str(j, "format") ?: "", RUNDOC_FORMAT))) {
		kb_fail("%s: not a kbuild record (no \"format\": \"%s\")", file, RUNDOC_FORMAT);
		json_decref(j);
		j = NULL;
	}
	free(file);
	return j;
}

int rundoc_write(const json_t *doc, const char *path)
{
	return json_write_file(doc, path, JSON_DOC_FLAGS);
}
