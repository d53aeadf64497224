#include "nightly/history.h"
#include "core/records.h"
#include "core/rundoc.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const history_files[] = {
	OUT_RECORD_JSON,   OUT_KCIDB_JSON, OUT_SQUAD_JSON,    OUT_RESULTS_JSON, OUT_JUNIT_XML,
	OUT_METADATA_JSON, OUT_CONFIG,     OUT_CONFIG_REPORT, OUT_APPLIED,      NULL,
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir/runs/<digits>.json, sorted (oldest first). */
static void run_names(const char *dir, struct strv *out)
{
	char *runs = path_join(dir, HISTORY_RUNS);
	DIR *d = opendir(runs);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strspn(de->d_name, "0123456789");
		if (n > 0 && !strcmp(de->d_name + n, ".json"))
			strv_push(out, de->d_name);
	}
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), name_cmp);
	free(runs);
}

/* dir/runs into tmp/runs, as hard links (a copy where linking fails). */
static int carry_runs(const char *dir, const char *tmp)
{
	struct strv names = {0};
	run_names(dir, &names);
	char *from = path_join(dir, HISTORY_RUNS), *to = path_join(tmp, HISTORY_RUNS);
	int rc = names.n ? mkdir_p(to, 0755) : 0;
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char *src = path_join(from, names.v[i]), *dst = path_join(to, names.v[i]);
		if (link(src, dst) < 0)
			rc = copy_file(src, dst);
		free(src);
		free(dst);
	}
	free(from);
	free(to);
	strv_free(&names);
	return rc;
}

int history_save(const char *outdir, const char *dir)
{
	char *tmp = xasprintf("%s.tmp.%d", dir, (int)getpid());
	int rc = rm_rf(tmp);
	if (rc == 0)
		rc = mkdir_p(tmp, 0755);
	for (size_t i = 0; rc == 0 && history_files[i]; i++) {
		char *src = path_join(outdir, history_files[i]);
		char *dst = path_join(tmp, history_files[i]);
		if (path_exists(src))
			rc = copy_file(src, dst);
		free(src);
		free(dst);
	}
	if (rc == 0)
		rc = carry_runs(dir, tmp);
	if (rc == 0) {
		if (is_dir(dir)) {
			if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) < 0)
				rc = kb_fail("cannot replace %s: %s", dir, strerror(errno));
		} else if (rename(tmp, dir) < 0) {
			rc = kb_fail("cannot rename %s to %s: %s", tmp, dir, strerror(errno));
		}
	}
	/* After an exchange tmp holds the previous run; after a failure, the
	 * partial copy. Either way it goes. */
	int rm = rm_rf(tmp);
	free(tmp);
	return rc ? rc : rm;
}

int history_add_run(const char *dir, const json_t *rec, long keep)
{
	char *runs = path_join(dir, HISTORY_RUNS);
	int rc = 0;
	if (keep <= 0) {
		rc = rm_rf(runs);
		free(runs);
		return rc;
	}
	struct strv names = {0};
	run_names(dir, &names);
	long seq = names.n ? strtol(names.v[names.n - 1], NULL, 10) + 1 : 1;
	char *name = xasprintf("%06ld.json", seq);
	char *p = path_join(runs, name);
	rc = mkdir_p(runs, 0755);
	if (rc == 0)
		rc = rundoc_write(rec, p);
	/* names does not hold the new one: keep - 1 of them stay. */
	for (size_t i = 0; rc == 0 && names.n + 1 > (size_t)keep && i < names.n + 1 - (size_t)keep; i++) {
		char *old = path_join(runs, names.v[i]);
		if (unlink(old) < 0 && errno != ENOENT)
			rc = kb_fail("cannot remove %s: %s", old, strerror(errno));
		free(old);
	}
	free(p);
	free(name);
	strv_free(&names);
	free(runs);
	return rc;
}

json_t *history_runs(const char *dir)
{
	struct strv names = {0};
	run_names(dir, &names);
	json_t *out = json_array();
	char *runs = path_join(dir, HISTORY_RUNS);
	for (size_t i = 0; i < names.n; i++) {
		char *p = path_join(runs, names.v[i]);
		json_t *j = rundoc_load(p);
		if (j)
			json_array_append_new(out, j);
		kb_clear_error();
		free(p);
	}
	free(runs);
	strv_free(&names);
	return out;
}
