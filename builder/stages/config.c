/* config: base config + fragments in order -> .config, resolved by the
 * tree's own kconfig, then every requested option checked in the result. */
#include "kconfig/resolve.h"
#include "core/records.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "kconfig/verify.h"
#include "kconfig/fragment.h"
#include "stages/chain.h"
#include "kernel/kmake.h"
#include "kernel/toolchain.h"

#include <stdlib.h>
#include <string.h>

/* A fragment is named as in the profile: "6.1/ceph" means
 * configs/6.1/ceph.config; an existing path is taken as it is. */
char *config_fragment_path(struct run *r, const char *name)
{
	if (path_exists(name) && !is_dir(name))
		return path_abs(name);
	char *rel = xasprintf("configs/%s%s", name, strstr(name, ".config") ? "" : ".config");
	char *p = home_path(r, rel);
	free(rel);
	if (path_exists(p))
		return p;
	kb_fail("%s: config fragment '%s' not found (looked for %s)",
		settings_origin(r->set, &r->set->config.fragments), name, p);
	free(p);
	return NULL;
}

/* The base is a make target unless it names an existing file. */
static char *base_file(struct run *r, const char *base)
{
	if (strchr(base, '/') || strstr(base, ".config")) {
		char *p = path_exists(base) ? path_abs(base) : home_path(r, base);
		return p;
	}
	return NULL;
}

/* What the profile asks of the config stage, worked out once for both
 * inputs() and run(). */
struct config_facts {
	const char *base;         /* as the profile names it */
	char *base_file;          /* its path when it is a file, else NULL (a make target) */
	const struct strv *names; /* the fragments as the profile names them */
	struct strv paths;        /* and where they are */
};

static void config_facts_free(struct config_facts *f)
{
	free(f->base_file);
	strv_free(&f->paths);
}

static int config_facts(struct run *r, struct config_facts *f)
{
	*f = (struct config_facts){.base = r->set->config.base, .names = &r->set->config.fragments};
	f->base_file = base_file(r, f->base);
	for (size_t i = 0; i < f->names->n; i++) {
		char *p = config_fragment_path(r, f->names->v[i]);
		if (!p) {
			config_facts_free(f);
			return -1;
		}
		strv_push_owned(&f->paths, p);
	}
	return 0;
}

static int config_inputs(struct run *r, struct stamp *s)
{
	struct config_facts f;
	if (config_facts(r, &f) < 0)
		return -1;
	stamp_add(s, "base", f.base);
	if (f.base_file)
		stamp_add_file(s, "base file", f.base_file);
	for (size_t i = 0; i < f.names->n; i++) {
		char *key = xasprintf("fragment %s", f.names->v[i]);
		stamp_add_file(s, key, f.paths.v[i]);
		free(key);
	}
	config_facts_free(&f);
	stamp_add(s, "override", r->set->config.override ? "yes" : "no");
	struct strv vars = {0};
	toolchain_make_vars(r, &vars);
	for (size_t i = 0; i < vars.n; i++)
		stamp_add(s, "make", vars.v[i]);
	strv_free(&vars);
	char *ver = toolchain_version(r);
	stamp_add(s, "compiler", ver);
	free(ver);
	return 0;
}

static int config_run(struct run *r)
{
	if (toolchain_check(r) < 0) /* cc= names a compiler that is not there */
		return -1;
	struct kopt_set req = {0};
	struct config_facts f;
	if (config_facts(r, &f) < 0)
		return -1;
	int rc = -1;
	bool override = r->set->config.override;
	for (size_t i = 0; i < f.paths.n; i++) {
		fprintf(r->log, "fragment %s\n", f.paths.v[i]);
		if (fragment_parse(f.paths.v[i], &req, override, r->log) < 0)
			goto out;
	}
	if (mkdir_p(r->objdir, 0755) < 0)
		goto out;

	struct strv make = {0}, env = {0};
	kmake_command(r, &make, &env);
	struct config_job job = {
		.srctree = r->srcdir,
		.objdir = r->objdir,
		.make = strv_argv(&make),
		.env = strv_argv(&env),
		.base = f.base_file ? f.base_file : f.base,
		.req = &req,
		.log = r->log,
	};
	rc = config_resolve(&job);
	strv_free(&make);
	strv_free(&env);
	if (rc < 0)
		goto out;

	char *dotconfig = path_join(r->objdir, ".config");
	char *report = NULL;
	int bad = config_verify(r->srcdir, dotconfig, &req, &report);
	char *report_path = run_path(r, OUT_CONFIG_REPORT);
	bool report_written = true;
	if (report) {
		fprintf(r->log, "%s\n", report);
		report_written = write_file_atomic(report_path, report, strlen(report)) == 0;
	}
	if (!report_written) {
		rc = -1; /* the disk is full or failing: kb_fail named the file */
	} else if (bad < 0) {
		rc = -1;
	} else if (bad > 0) {
		/* The first line is a summary; the log and the report have the rest. */
		const char *first = report ? strchr(report, '\n') : NULL;
		first = first ? first + 1 : "see the log";
		kb_fail("%d requested option%s did not survive (full report: %s): %.*s", bad,
			bad == 1 ? "" : "s", report_path, (int)strcspn(first, "\n"), first);
		rc = -1;
	} else {
		size_t len;
		char *text = read_file(dotconfig, &len);
		char *kept = run_path(r, OUT_CONFIG);
		rc = text ? write_file_atomic(kept, text, len) : -1;
		free(kept);
		free(text);
		fprintf(r->log, "all %zu requested options are in %s\n", req.n, dotconfig);
		char *warning = NULL;
		if (rc == 0 && f.base_file &&
		    config_base_losses(f.base_file, dotconfig, &req, r->log, &warning) > 0)
			fprintf(stderr, "kbuild: config: warning: %s (all in %s/config.log)\n", warning,
				r->logdir);
		free(warning);
	}
	free(report_path);
	free(report);
	free(dotconfig);
out:
	config_facts_free(&f);
	kopt_set_free(&req);
	return rc;
}

static json_t *kopts_object(const struct kopt_set *s, bool skip_n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < s->n; i++)
		if (!skip_n || strcmp(s->v[i].value, "n"))
			json_object_set_new(o, s->v[i].name, json_string(s->v[i].value));
	return o;
}

/* "fragments" as the profile names them, "requested": the options they ask
 * for (found as the stage finds them), "config": the options set in the
 * resolved config (=n and "is not set" left out), once it exists. */
static void config_describe(struct run *r, struct rundoc *doc)
{
	json_t *frags = json_array();
	const struct strv *fl = &r->set->config.fragments;
	for (size_t i = 0; i < fl->n; i++)
		json_array_append_new(frags, json_string(fl->v[i]));
	rundoc_set(doc, "fragments", frags);

	struct config_facts f;
	struct kopt_set req = {0};
	if (config_facts(r, &f) == 0) {
		for (size_t i = 0; i < f.paths.n; i++)
			if (fragment_parse(f.paths.v[i], &req, r->set->config.override, NULL) < 0)
				break;
		config_facts_free(&f);
	}
	rundoc_set(doc, "requested", kopts_object(&req, false));
	kopt_set_free(&req);

	char *p = run_path(r, OUT_CONFIG);
	struct kopt_set cfg = {0};
	if (path_exists(p) && dotconfig_read(p, &cfg) == 0)
		rundoc_set(doc, "config", kopts_object(&cfg, true));
	kopt_set_free(&cfg);
	free(p);
}

const struct stage stage_config = {
	.name = "config",
	.summary = "merge fragments, resolve, verify every requested option",
	.inputs = config_inputs,
	.run = config_run,
	.describe = config_describe,
};
