#include "nightly/record.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "core/records.h"
#include "kconfig/fragment.h"
#include "kernel/arch.h"

#include <ctype.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static json_t *load_json(const char *path)
{
	return path_exists(path) ? json_read_file(path) : NULL;
}

static json_t *load_out_json(struct run *r, const char *name)
{
	char *p = run_path(r, name);
	json_t *j = load_json(p);
	free(p);
	kb_clear_error();
	return j;
}

/* A copy of member key of o (null when absent). */
static json_t *copy_member(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v ? json_deep_copy(v) : json_null();
}

bool record_parse_warning(const char *text, char **file, long *line, char **message)
{
	const char *w = strstr(text, ": warning: ");
	if (!w)
		return false;
	/* file:line[:col] before ": warning: " */
	const char *end = w;
	const char *c1 = NULL, *c2 = NULL;
	for (const char *p = text; p < end; p++)
		if (*p == ':') {
			c1 = c2;
			c2 = p;
		}
	if (!c2)
		return false;
	/* "file:line:col" has two colons with digits after each; "file:line" one. */
	const char *fend = c2;
	if (c1 && isdigit((unsigned char)c1[1]) && isdigit((unsigned char)c2[1]))
		fend = c1;
	if (!isdigit((unsigned char)fend[1]) || fend == text)
		return false;
	*file = xstrndup(text, (size_t)(fend - text));
	*line = strtol(fend + 1, NULL, 10);
	*message = xstrdup(w + strlen(": warning: "));
	return true;
}

void record_timewait_measurements(const char *log, json_t *out)
{
	for (const char *p = log; (p = strstr(p, ": TIME_WAIT lasted ")); p++) {
		const char *eq = p;
		while (eq > log && eq[-1] != '=' && eq[-1] != '\n')
			eq--;
		if (eq == log || eq[-1] != '=')
			continue;
		long set = strtol(eq, NULL, 10);
		double lasted = strtod(p + strlen(": TIME_WAIT lasted "), NULL);
		char key[48];
		snprintf(key, sizeof(key), "lifetime_%lds", set);
		json_object_set_new(out, key, json_real(lasted));
	}
}

/* "sha256 name" lines of O/applied: the patches really applied, in order. */
static json_t *applied_patches(struct run *r)
{
	json_t *a = json_array();
	char *p = record_applied_path(r);
	char *text = path_exists(p) ? read_file(p, NULL) : NULL;
	kb_clear_error();
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		json_array_append_new(a, json_pack("{s:s,s:s}", "name", sp + 1, "sha256", l));
	}
	free(text);
	free(p);
	return a;
}

static json_t *kopts_object(const struct kopt_set *s, bool skip_n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < s->n; i++)
		if (!skip_n || strcmp(s->v[i].value, "n"))
			json_object_set_new(o, s->v[i].name, json_string(s->v[i].value));
	return o;
}

/* Options set in the resolved config (=n and "is not set" are left out). */
static json_t *resolved_config(struct run *r)
{
	char *p = run_path(r, "config");
	struct kopt_set s = {0};
	json_t *o = path_exists(p) && dotconfig_read(p, &s) == 0 ? kopts_object(&s, true) : json_object();
	kb_clear_error();
	kopt_set_free(&s);
	free(p);
	return o;
}

/* The options the profile's fragments ask for, resolved as the config stage
 * resolves fragment names. */
static json_t *requested_config(struct run *r)
{
	const struct strv *frags = &r->set->config.fragments;
	struct kopt_set s = {0};
	bool override = r->set->config.override;
	for (size_t i = 0; i < frags->n; i++) {
		const char *name = frags->v[i];
		char *p;
		if (path_exists(name) && !is_dir(name)) {
			p = xstrdup(name);
		} else {
			char *rel = xasprintf("configs/%s%s", name, strstr(name, ".config") ? "" : ".config");
			p = home_path(r, rel);
			free(rel);
		}
		if (fragment_parse(p, &s, override, NULL) < 0)
			kb_clear_error();
		free(p);
	}
	json_t *o = kopts_object(&s, false);
	kopt_set_free(&s);
	return o;
}

/* Compiler warnings of the last build (logs/build.log), each once. */
static json_t *build_warnings(struct run *r)
{
	json_t *a = json_array();
	char *p = path_join(r->logdir, "build.log");
	char *text = path_exists(p) ? read_file(p, NULL) : NULL;
	kb_clear_error();
	json_t *seen = json_object();
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *file, *msg;
		long line;
		if (!record_parse_warning(l, &file, &line, &msg))
			continue;
		char *key = xasprintf("%s:%ld: %s", file, line, msg);
		if (!json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_array_append_new(a, json_pack("{s:s,s:I,s:s}", "file", file, "line",
							   (json_int_t)line, "message", msg));
		}
		free(key);
		free(file);
		free(msg);
	}
	json_decref(seen);
	free(text);
	free(p);
	return a;
}

static json_int_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (json_int_t)st.st_size : -1;
}

/* nftw has no context argument: one walk at a time. */
static json_t *walk_modules;
static json_int_t walk_total;

static int module_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (flag == FTW_F && strstr(base, ".ko")) {
		json_object_set_new(walk_modules, base, json_integer((json_int_t)st->st_size));
		walk_total += (json_int_t)st->st_size;
	}
	return 0;
}

static json_t *artifact_sizes(struct run *r, const char *release)
{
	json_t *o = json_object();
	char *vmlinux = path_join(r->objdir, "vmlinux");
	const struct kernel_arch *a = kernel_arch(r);
	kb_clear_error();
	char *rel = a ? kernel_arch_image_path(a) : NULL;
	char *bz = rel ? path_join(r->objdir, rel) : NULL;
	free(rel);
	if (file_size(vmlinux) >= 0)
		json_object_set_new(o, "vmlinux", json_integer(file_size(vmlinux)));
	/* Keyed "bzImage" whatever the arch's image is called, so records compare. */
	if (bz && file_size(bz) >= 0)
		json_object_set_new(o, "bzImage", json_integer(file_size(bz)));
	if (release) {
		char *mods = xasprintf("%s/lib/modules/%s", r->stagedir, release);
		walk_modules = json_object();
		walk_total = 0;
		if (is_dir(mods) && nftw(mods, module_entry, 16, FTW_PHYS) == 0) {
			json_object_set_new(o, "modules_total", json_integer(walk_total));
			json_object_set_new(o, "modules", walk_modules);
		} else {
			json_decref(walk_modules);
		}
		walk_modules = NULL;
		free(mods);
	}
	free(bz);
	free(vmlinux);
	return o;
}

/* A test or subtest name as a KCIDB/SQUAD path component: [A-Za-z0-9_-]. */
static char *path_part(const char *name)
{
	char *s = xstrdup(*name ? name : "unnamed");
	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '_';
	return s;
}

static void add_tests(json_t *tests, json_t *measure, const json_t *arr, const char *prefix)
{
	size_t i;
	json_t *t;
	json_array_foreach(arr, i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *status = json_string_value(json_object_get(t, "status"));
		const char *log = json_string_value(json_object_get(t, "log"));
		char *part = path_part(name ? name : "");
		char *full = prefix ? xasprintf("%s.%s", prefix, part) : xstrdup(part);
		json_t *e = json_pack("{s:s}", "status", status ? status : "missing");
		json_t *dur = json_object_get(t, "duration");
		if (json_is_number(dur))
			json_object_set_new(e, "duration", json_real(json_number_value(dur)));
		json_object_set_new(tests, full, e);
		if (log && strstr(log, "TIME_WAIT lasted")) {
			json_t *m = json_object();
			record_timewait_measurements(log, m);
			json_object_update(measure, m);
			json_decref(m);
		}
		add_tests(tests, measure, json_object_get(t, "subtests"), full);
		free(full);
		free(part);
	}
}

/* The last lines of a log (at most max_lines and 8 KiB), malloc'd, or NULL. */
static char *log_tail(const char *path, int max_lines)
{
	size_t len;
	char *text = path_exists(path) ? read_file(path, &len) : NULL;
	kb_clear_error();
	if (!text)
		return NULL;
	size_t start = len;
	int lines = 0;
	while (start > 0 && len - start < 8192) {
		if (text[start - 1] == '\n' && start != len && ++lines >= max_lines)
			break;
		start--;
	}
	char *tail = xstrdup(text + start);
	free(text);
	return tail;
}

/* The first stage that failed and the end of its log (what KCIDB calls a
 * log excerpt), or null. */
static json_t *first_failure(struct run *r, const json_t *stages)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)stages, k, v) {
		const char *s = json_string_value(json_object_get(v, "status"));
		if (!s || strcmp(s, "fail"))
			continue;
		char *name = xasprintf("%s.log", k);
		char *p = path_join(r->logdir, name);
		char *tail = log_tail(p, 30);
		json_t *f = json_pack("{s:s,s:s?}", "stage", k, "log_tail", tail);
		free(tail);
		free(p);
		free(name);
		return f;
	}
	return json_null();
}

json_t *record_collect(struct run *r, int exit_code)
{
	json_t *meta = load_out_json(r, "metadata.json");
	json_t *results = load_out_json(r, "results.json");
	json_t *mres = json_object_get(meta, "results");
	/* Absent records (a run that stopped early) read as zeroes and NULLs. */
	struct install_rec inst;
	struct boot_rec boot;
	struct build_rec build;
	bool have_build = build_rec_get(r, &build) == 0, have_boot = boot_rec_get(r, &boot) == 0;
	if (install_rec_get(r, &inst) < 0)
		inst = (struct install_rec){0};
	kb_clear_error();
	const char *release = inst.release;

	json_t *rec = json_pack("{s:s,s:i,s:s,s:i,s:s}", "format", RECORD_FORMAT, "version", RECORD_VERSION,
				"profile", r->set->name, "exit_code", exit_code, "status",
				exit_code == 0 ? "pass" : "fail");
	json_object_set_new(rec, "outdir", json_string(r->outdir));
	json_object_set_new(rec, "started", copy_member(meta, "started"));
	json_object_set_new(rec, "finished", copy_member(meta, "finished"));
	json_object_set_new(rec, "reproducer", copy_member(meta, "reproducer"));
	json_object_set_new(rec, "kernel_release", json_str_or_null(release));
	json_object_set_new(rec, "compiler", copy_member(json_object_get(meta, "compiler"), "version_full"));
	json_object_set_new(rec, "arch", json_string(kernel_arch_name(r)));
	json_t *src = json_object_get(meta, "source");
	json_object_set_new(rec, "source", src ? json_deep_copy(src) : json_object());
	json_object_set_new(rec, "patches", applied_patches(r));
	json_object_set_new(rec, "fragments", copy_member(meta, "config_fragments"));
	json_t *stages = json_object_get(mres, "stages");
	json_object_set_new(rec, "stages", stages ? json_deep_copy(stages) : json_object());
	json_object_set_new(rec, "failure", first_failure(r, stages));
	json_object_set_new(rec, "build",
			    have_build ? json_pack("{s:I,s:I,s:I,s:f}", "steps", (json_int_t)build.steps, "warnings",
						   (json_int_t)build.warnings, "errors", (json_int_t)build.errors,
						   "seconds", build.seconds)
				       : json_pack("{s:n,s:n,s:n,s:n}", "steps", "warnings", "errors", "seconds"));
	json_object_set_new(rec, "config", resolved_config(r));
	json_object_set_new(rec, "requested", requested_config(r));
	json_object_set_new(rec, "warnings", build_warnings(r));
	json_object_set_new(rec, "sizes", artifact_sizes(r, release));
	/* Results of stages this run did not reach are an earlier run's: left out. */
	bool booted = json_object_get(stages, "boot") != NULL, tested = json_object_get(stages, "qa") != NULL;
	booted &= have_boot;
	json_object_set_new(rec, "boot", booted ? json_pack("{s:s?,s:f,s:s?}", "verdict", boot.verdict, "seconds",
							    boot.seconds, "accel", boot.accel)
						: json_pack("{s:n,s:n}", "verdict", "seconds"));
	json_t *tests = json_object(), *measure = json_object();
	if (results && tested)
		add_tests(tests, measure, json_object_get(results, "tests"), NULL);
	json_object_set_new(rec, "tests", tests);
	json_object_set_new(rec, "measurements", measure);
	if (have_boot)
		boot_rec_free(&boot);
	if (have_build)
		build_rec_free(&build);
	install_rec_free(&inst);
	json_decref(results);
	json_decref(meta);
	return rec;
}

json_t *record_load(const char *path)
{
	char *file = is_dir(path) ? path_join(path, "record.json") : xstrdup(path);
	json_t *j = NULL;
	if (!path_exists(file))
		kb_fail("%s: no such record (kbuild writes record.json at the end of every run)", file);
	else if ((j = load_json(file)) &&
		 (!json_is_object(j) ||
		  strcmp(json_string_value(json_object_get(j, "format")) ?: "", RECORD_FORMAT))) {
		kb_fail("%s: not a kbuild record (no \"format\": \"%s\")", file, RECORD_FORMAT);
		json_decref(j);
		j = NULL;
	}
	free(file);
	return j;
}

int record_write_json(const json_t *doc, const char *path)
{
	return json_write_file(doc, path, JSON_DOC_FLAGS);
}
