#include "engine/metadata.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "engine/stage.h"
#include "core/version.h"
#include "lib/sha256.h"
#include "lib/spawn.h"

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

/* Every stage's artifacts and keys, in pipeline order. */
static void from_stages(struct run *r)
{
	json_t *arts = json_array();
	for (size_t i = 0; i < r->n_stages; i++) {
		const struct stage *st = r->stages[i];
		if (st->metadata)
			st->metadata(r, meta);
		struct strv paths = {0};
		if (st->artifacts)
			st->artifacts(r, &paths);
		for (size_t k = 0; k < paths.n; k++) {
			json_t *f = file_artifact(paths.v[k]);
			if (f)
				json_array_append_new(arts, f);
		}
		strv_free(&paths);
	}
	json_object_set_new(json_object_get(meta, "results"), "artifacts", arts);
}

static void save(struct run *r)
{
	if (!meta)
		return;
	from_stages(r);
	char *path = run_path(r, "metadata.json");
	if (json_write_file(meta, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		fprintf(stderr, "kbuild: warning: %s\n", kb_last_error());
	free(path);
}

/* The same command, with the profile spelled out. */
static char *reproducer(struct run *r, int argc, char **argv)
{
	struct strv repro = {0};
	strv_push(&repro, "kbuild");
	bool has_profile = false;
	for (int i = 1; i < argc; i++) {
		strv_push(&repro, argv[i]);
		has_profile |= !strncmp(argv[i], "profile=", 8);
	}
	if (!has_profile)
		strv_push_owned(&repro, xasprintf("profile=%s", r->set->name));
	char *s = argv_to_string(strv_argv(&repro));
	strv_free(&repro);
	return s;
}

void metadata_begin(struct run *r, int argc, char **argv)
{
	char *started = now_iso();
	char *repro = reproducer(r, argc, argv);
	meta = json_pack("{s:{s:s},s:s,s:s,s:{s:s,s:o},s:s}",
			 "kbuild", "version", KBUILD_VERSION,
			 "profile", r->set->name,
			 "started", started,
			 "results", "status", "running", "stages", json_object(),
			 "reproducer", repro);
	free(repro);
	free(started);
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
