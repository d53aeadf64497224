#include "engine/metadata.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "core/version.h"
#include "lib/json.h"

#include <stdlib.h>

/* A member of the document, copied (null when absent). */
static json_t *copy(const json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	return v ? json_deep_copy(v) : json_null();
}

static json_t *member(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v ? json_incref(v) : json_null();
}

static json_t *render(const json_t *doc)
{
	const json_t *build = json_object_get(doc, "build"), *boot = json_object_get(doc, "boot");
	json_t *results = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "status", copy(doc, "status"), "stages",
				    copy(doc, "stages"), "artifacts",
				    json_object_get(doc, "artifacts") ? copy(doc, "artifacts") : json_array(),
				    "warnings", member(build, "warnings"), "errors", member(build, "errors"),
				    "steps", member(build, "steps"));
	json_t *m = json_pack("{s:{s:s},s:o,s:o,s:o,s:o}", "kbuild", "version", KBUILD_VERSION, "profile",
			      copy(doc, "profile"), "started", copy(doc, "started"), "results", results,
			      "reproducer", copy(doc, "reproducer"));
	/* The stages' parts, in chain order, once their stage has been reached. */
	if (json_object_get(doc, "source"))
		json_object_set_new(m, "source", copy(doc, "source"));
	if (json_object_get(doc, "patches"))
		json_object_set_new(m, "patches", copy(doc, "patches"));
	if (json_object_get(doc, "series"))
		json_object_set_new(m, "series", copy(doc, "series"));
	if (json_object_get(doc, "fragments"))
		json_object_set_new(m, "config_fragments", copy(doc, "fragments"));
	if (json_object_get(doc, "toolchain"))
		json_object_set_new(m, "compiler", copy(doc, "toolchain"));
	if (json_object_get(doc, "make"))
		json_object_set_new(m, "build", copy(doc, "make"));
	if (json_object_get(doc, "kernel_release"))
		json_object_set_new(m, "kernel_release", copy(doc, "kernel_release"));
	if (boot)
		json_object_set_new(m, "boot",
				    json_pack("{s:o,s:o,s:o,s:o}", "verdict", member(boot, "verdict"),
					      "accel", member(boot, "accel"), "accel-why",
					      member(boot, "accel_why"), "accel-asked",
					      member(boot, "accel_asked")));
	if (json_object_get(doc, "finished"))
		json_object_set_new(m, "finished", copy(doc, "finished"));
	return m;
}

void metadata_write(struct run *r)
{
	if (!r->doc)
		return;
	json_t *m = render(r->doc->root);
	char *path = run_path(r, OUT_METADATA_JSON);
	if (json_write_file(m, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		fprintf(stderr, "kbuild: warning: %s\n", kb_last_error());
	free(path);
	json_decref(m);
}
