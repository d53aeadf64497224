/* results.json (jansson) and junit.xml for the rollout. */
#include "rollout/outcome.h"
#include "core/status.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "guest/results.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void rollout_report_init(struct rollout_report *rep, const char *scenario)
{
	*rep = (struct rollout_report){.scenario = xstrdup(scenario)};
}

void rollout_report_add(struct rollout_report *rep, const char *name, bool pass, double seconds,
			const char *log)
{
	rep->v = xrealloc(rep->v, (rep->n + 1) * sizeof(*rep->v));
	rep->v[rep->n++] = (struct rollout_test){xstrdup(name), results_clean_text(log ? log : ""), pass,
						 seconds};
}

void rollout_report_set_time(struct rollout_report *rep, const char *name, double seconds)
{
	rep->time_names = xrealloc(rep->time_names, (rep->n_times + 1) * sizeof(char *));
	rep->times = xrealloc(rep->times, (rep->n_times + 1) * sizeof(double));
	rep->time_names[rep->n_times] = xstrdup(name);
	rep->times[rep->n_times++] = seconds;
}

static const char *verdict(int exit_code)
{
	return exit_code == 0 ? "passed" : exit_code == 4 ? "rolled back" : "failed";
}

static char *xml_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 6 + 1), *w = out;
	for (; *s; s++) {
		const char *rep = *s == '&'   ? "&amp;"
				  : *s == '<' ? "&lt;"
				  : *s == '>' ? "&gt;"
				  : *s == '"' ? "&quot;"
					      : NULL;
		if (rep)
			w = stpcpy(w, rep);
		else
			*w++ = *s;
	}
	*w = '\0';
	return out;
}

int rollout_report_write(const struct rollout_report *rep, int exit_code, const char *json, const char *junit)
{
	json_t *root = json_object(), *tests = json_array(), *times = json_object();
	json_object_set_new(root, "suite", json_string("rollout"));
	json_object_set_new(root, "scenario", json_string(rep->scenario));
	json_object_set_new(root, "verdict", json_string(verdict(exit_code)));
	json_object_set_new(root, "exit_code", json_integer(exit_code));
	size_t failed = 0;
	for (size_t i = 0; i < rep->n; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "name", json_string(rep->v[i].name));
		json_object_set_new(t, "status",
				    json_string(test_status_name(rep->v[i].pass ? TEST_PASS : TEST_FAIL)));
		json_object_set_new(t, "duration", json_real(rep->v[i].seconds));
		json_object_set_new(t, "log", json_string(rep->v[i].log));
		json_array_append_new(tests, t);
		failed += !rep->v[i].pass;
	}
	for (size_t i = 0; i < rep->n_times; i++)
		json_object_set_new(times, rep->time_names[i], json_real(rep->times[i]));
	json_object_set_new(root, "tests", tests);
	json_object_set_new(root, "seconds", times);
	int rc = json_write_file(root, json, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (rc < 0)
		return -1;

	char *x = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites>\n<testsuite name=\"rollout\" tests=\"%zu\" failures=\"%zu\">\n",
			    rep->n, failed);
	for (size_t i = 0; i < rep->n; i++) {
		char *name = xml_escape(rep->v[i].name), *log = xml_escape(rep->v[i].log);
		char *tc = rep->v[i].pass
				   ? xasprintf("%s<testcase classname=\"rollout\" name=\"%s\" time=\"%.3f\">"
					       "<system-out>%s</system-out></testcase>\n",
					       x, name, rep->v[i].seconds, log)
				   : xasprintf("%s<testcase classname=\"rollout\" name=\"%s\" time=\"%.3f\">"
					       "<failure message=\"%s\">%s</failure></testcase>\n",
					       x, name, rep->v[i].seconds, name, log);
		free(x);
		x = tc;
		free(name);
		free(log);
	}
	char *all = xasprintf("%s</testsuite>\n</testsuites>\n", x);
	free(x);
	rc = write_file_atomic(junit, all, strlen(all));
	free(all);
	return rc;
}

void rollout_report_free(struct rollout_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->v[i].name);
		free(rep->v[i].log);
	}
	for (size_t i = 0; i < rep->n_times; i++)
		free(rep->time_names[i]);
	free(rep->v);
	free(rep->time_names);
	free(rep->times);
	free(rep->scenario);
	*rep = (struct rollout_report){0};
}
