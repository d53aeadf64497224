#include "report/facts.h"
#include "core/status.h"
#include "lib/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The chain's last stage: a run that reached it made the artifacts. */
#define LAST_STAGE "bundle"

/* The one line of a failure: the stage log ends with "kbuild: <stage>
 * failed: <why>" (engine/stagelog.c); else its last non-empty line. */
static char *reason_from_tail(const char *tail, const char *stage)
{
	if (!tail || !*tail)
		return NULL;
	char *marker = xasprintf("kbuild: %s failed: ", stage);
	char *found = NULL;
	for (const char *p = tail; (p = strstr(p, marker)); p++)
		if (p == tail || p[-1] == '\n') {
			const char *s = p + strlen(marker), *e = strchr(s, '\n');
			free(found);
			found = e ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
		}
	free(marker);
	if (found)
		return found;
	const char *end = tail + strlen(tail);
	while (end > tail && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > tail && start[-1] != '\n')
		start--;
	return end > start ? xstrndup(start, (size_t)(end - start)) : NULL;
}

void report_facts(const json_t *doc, struct report_facts *f)
{
	*f = (struct report_facts){0};
	f->profile = json_member_str(doc, "profile");
	f->release = json_member_str(doc, "kernel_release");
	f->outdir = json_member_str(doc, "outdir");
	json_t *boot = json_object_get(doc, "boot");
	f->accel = json_member_str(boot, "accel");
	enum run_status rs = RUN_RUNNING;
	run_status_parse(json_member_str(doc, "status"), &rs);
	f->passed = rs == RUN_PASS;
	f->running = rs == RUN_RUNNING;
	f->exit_code = (int)json_integer_value(json_object_get(doc, "exit_code"));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(doc, "stages"), k, v)
	{
		f->last_stage = k;
		f->seconds += json_number_value(json_object_get(v, "duration"));
	}
	f->chain_complete = f->last_stage && !strcmp(f->last_stage, LAST_STAGE);
	json_object_foreach(json_object_get(doc, "tests"), k, v)
	{
		if (strchr(k, '.'))
			continue; /* a subtest counts in its test's verdict */
		enum test_status s = TEST_MISSING;
		test_status_parse(json_member_str(v, "status"), &s);
		f->tests++;
		if (s == TEST_PASS)
			f->tests_passed++;
		else if (s == TEST_SKIP || s == TEST_TODO)
			f->tests_skipped++;
		else {
			f->tests_failed++;
			strv_push(&f->failed, k);
		}
	}
	json_t *fail = json_object_get(doc, "failure");
	f->failed_stage = json_member_str(fail, "stage");
	if (f->failed_stage) {
		f->reason = reason_from_tail(json_member_str(fail, "log_tail"), f->failed_stage);
		if (f->outdir)
			f->log = xasprintf("%s/logs/%s.log", f->outdir, f->failed_stage);
	}
}

void report_facts_free(struct report_facts *f)
{
	strv_free(&f->failed);
	free(f->reason);
	free(f->log);
	*f = (struct report_facts){0};
}

char *report_human_size(long long bytes)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	if (bytes < 1024)
		return xasprintf("%lld B", bytes);
	double v = (double)bytes / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]))
		v /= 1024, u++;
	return xasprintf(v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

char *report_human_seconds(double s)
{
	if (!isfinite(s) || s < 0)
		s = 0;
	long t = lround(s);
	if (s < 60)
		return xasprintf(s < 10 ? "%.1f s" : "%.0f s", s);
	if (t < 3600)
		return xasprintf("%ld min %02ld s", t / 60, t % 60);
	return xasprintf("%ld h %02ld min", t / 3600, t % 3600 / 60);
}

char *report_display_path(const char *path)
{
	char *cwd = get_current_dir_name();
	char *out = NULL;
	if (cwd && path[0] == '/') {
		size_t l = strlen(cwd);
		if (!strncmp(path, cwd, l) && path[l] == '/' && path[l + 1])
			out = xstrdup(path + l + 1);
	}
	free(cwd);
	return out ? out : xstrdup(path);
}
