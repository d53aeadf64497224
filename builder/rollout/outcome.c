/* results.json (jansson) and junit.xml for the rollout. */
#include "rollout/outcome.h"
#include "core/status.h"
#include "guest/results.h"
#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/util.h"
#include "lib/xml.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void rollout_report_init(struct rollout_report *rep, const char *inject)
{
	*rep = (struct rollout_report){.inject = xstrdup(inject)};
}

void rollout_report_add(struct rollout_report *rep, const char *name, bool pass, double seconds,
			const char *log)
{
	rep->v = xrealloc(rep->v, (rep->n + 1) * sizeof(*rep->v));
	rep->v[rep->n++] = (struct rollout_test){xstrdup(name), results_clean_text(log ? log : ""), pass,
						 seconds};
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void rollout_report_add_boot(struct rollout_report *rep, const char *session, const struct fleet_boot *b,
			     const char *outcome, double seconds)
{
	rep->boots = xrealloc(rep->boots, (rep->n_boots + 1) * sizeof(*rep->boots));
	rep->boots[rep->n_boots++] = (struct rollout_boot_row){
		.session = xstrdup(session),
		.entry = dup_or_null(b->entry),
		.release = dup_or_null(b->release),
		.outcome = xstrdup(outcome),
		.excerpt = results_clean_text(b->excerpt ? b->excerpt : ""),
		.seconds = seconds,
	};
}

void rollout_report_set_time(struct rollout_report *rep, const char *name, double seconds)
{
	rep->time_names = xrealloc(rep->time_names, (rep->n_times + 1) * sizeof(char *));
	rep->times = xrealloc(rep->times, (rep->n_times + 1) * sizeof(double));
	rep->time_names[rep->n_times] = xstrdup(name);
	rep->times[rep->n_times++] = seconds;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *rollout_report_doc(const struct rollout_report *rep, enum rollout_verdict v)
{
	json_t *root = json_object(), *tests = json_array(), *boots = json_array(), *times = json_object();
	json_object_set_new(root, "suite", json_string("rollout"));
	json_object_set_new(root, "inject", json_string(rep->inject));
	json_object_set_new(root, "verdict", json_string(rollout_verdict_names[v]));
	json_object_set_new(root, "exit_code", json_integer(rollout_verdict_exit[v]));
	for (size_t i = 0; i < rep->n; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "name", json_string(rep->v[i].name));
		json_object_set_new(t, "status",
				    json_string(test_status_name(rep->v[i].pass ? TEST_PASS : TEST_FAIL)));
		json_object_set_new(t, "duration", json_real(rep->v[i].seconds));
		json_object_set_new(t, "log", json_string(rep->v[i].log));
		json_array_append_new(tests, t);
	}
	for (size_t i = 0; i < rep->n_boots; i++) {
		const struct rollout_boot_row *b = &rep->boots[i];
		json_t *o = json_object();
		json_object_set_new(o, "session", json_string(b->session));
		json_object_set_new(o, "entry", string_or_null(b->entry));
		json_object_set_new(o, "release", string_or_null(b->release));
		json_object_set_new(o, "outcome", json_string(b->outcome));
		json_object_set_new(o, "seconds", json_real(b->seconds));
		json_object_set_new(o, "console", json_string(b->excerpt));
		json_array_append_new(boots, o);
	}
	for (size_t i = 0; i < rep->n_times; i++)
		json_object_set_new(times, rep->time_names[i], json_real(rep->times[i]));
	json_object_set_new(root, "tests", tests);
	json_object_set_new(root, "boots", boots);
	json_object_set_new(root, "seconds", times);
	return root;
}

static int write_json(const struct rollout_report *rep, enum rollout_verdict v, const char *path)
{
	json_t *root = rollout_report_doc(rep, v);
	int rc = json_write_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	return rc;
}

static int write_junit(const struct rollout_report *rep, enum rollout_verdict v, const char *path)
{
	char *buf = NULL;
	size_t len = 0, failed = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return kb_fail("open_memstream: out of memory");
	for (size_t i = 0; i < rep->n; i++)
		failed += !rep->v[i].pass;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		"<testsuite name=\"rollout\" tests=\"%zu\" failures=\"%zu\">\n",
		rep->n, failed);
	fprintf(f, "<properties><property name=\"verdict\" value=\"");
	xml_escape(f, rollout_verdict_names[v], true);
	fprintf(f, "\"/><property name=\"inject\" value=\"");
	xml_escape(f, rep->inject, true);
	fprintf(f, "\"/></properties>\n");
	for (size_t i = 0; i < rep->n; i++) {
		const struct rollout_test *t = &rep->v[i];
		fprintf(f, "<testcase classname=\"rollout\" name=\"");
		xml_escape(f, t->name, true);
		fprintf(f, "\" time=\"%.3f\">", t->seconds);
		if (t->pass) {
			fprintf(f, "<system-out>");
			xml_escape(f, t->log, false);
			fprintf(f, "</system-out>");
		} else {
			fprintf(f, "<failure message=\"");
			xml_escape(f, rollout_verdict_names[v], true);
			fprintf(f, "\">");
			xml_escape(f, t->log, false);
			fprintf(f, "</failure>");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	if (fclose(f) != 0) {
		free(buf);
		return kb_fail("junit.xml: out of memory");
	}
	int rc = write_file_atomic(path, buf, len);
	free(buf);
	return rc;
}

int rollout_report_write(const struct rollout_report *rep, enum rollout_verdict v, const char *json,
			 const char *junit)
{
	return write_json(rep, v, json) < 0 || write_junit(rep, v, junit) < 0 ? -1 : 0;
}

void rollout_report_free(struct rollout_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->v[i].name);
		free(rep->v[i].log);
	}
	for (size_t i = 0; i < rep->n_boots; i++) {
		struct rollout_boot_row *b = &rep->boots[i];
		free(b->session);
		free(b->entry);
		free(b->release);
		free(b->outcome);
		free(b->excerpt);
	}
	for (size_t i = 0; i < rep->n_times; i++)
		free(rep->time_names[i]);
	free(rep->v);
	free(rep->boots);
	free(rep->time_names);
	free(rep->times);
	free(rep->inject);
	*rep = (struct rollout_report){0};
}
