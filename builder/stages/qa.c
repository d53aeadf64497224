/* qa: the KTAP the guest printed becomes results.json and junit.xml; the
 * exit code follows tuxrun's rule (1: a test failed, 2: a test is missing
 * or the guest never reported). */
#include "guest/ktap.h"
#include "guest/qaplan.h"
#include "guest/results.h"
#include "lib/json.h"
#include "stages/chain.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>

static int qa_inputs(struct run *r, struct stamp *s)
{
	char *serial = run_path(r, OUT_SERIAL_LOG);
	stamp_add_file(s, OUT_SERIAL_LOG, serial);
	free(serial);
	return 0;
}

static int qa_run(struct run *r)
{
	struct strv expected = {0};
	if (qaplan_tests(r, &expected) < 0)
		return -1;
	char *serial = run_path(r, OUT_SERIAL_LOG);
	size_t len;
	char *text = read_file(serial, &len);
	if (!text) {
		free(serial);
		strv_free(&expected);
		return -1;
	}
	struct ktap_report rep;
	ktap_parse(text, len, &rep);
	struct results res;
	results_build(&res, &rep, (const char *const *)expected.v, expected.n);
	char *json = run_path(r, OUT_RESULTS_JSON), *junit = run_path(r, OUT_JUNIT_XML);
	int rc = results_write_json(&res, json);
	if (rc == 0)
		rc = results_write_junit(&res, junit);
	if (rc == 0) {
		struct strv bad = {0};
		for (size_t i = 0; i < res.n; i++) {
			fprintf(r->log, "%-14s %s\n", res.v[i].name, test_status_name(res.v[i].status));
			if (res.v[i].status == TEST_FAIL || res.v[i].status == TEST_MISSING)
				strv_push_owned(&bad, xasprintf("%s (%s)", res.v[i].name,
								test_status_name(res.v[i].status)));
		}
		rc = results_exit_code(&res);
		fprintf(r->log, "%zu passed, %zu failed, %zu skipped, %zu missing; exit %d\n",
			res.count[TEST_PASS], res.count[TEST_FAIL], res.count[TEST_SKIP],
			res.count[TEST_MISSING], rc);
		if (!res.reported)
			kb_fail("the guest never reported (no KTAP in %s)", serial);
		else if (rc)
			kb_fail("self-tests failed: %s%s%s; see %s", bad.n ? bad.v[0] : "?",
				bad.n > 1 ? " and others" : "", "", json);
		strv_free(&bad);
	}
	results_free(&res);
	ktap_report_free(&rep);
	free(text);
	free(json);
	free(junit);
	free(serial);
	strv_free(&expected);
	return rc;
}

/* "tests", "measurements" and "figures" from results.json (also after a failed
 * self-test: that is what the records are for), and both files as artifacts. */
static void qa_describe(struct run *r, struct rundoc *doc)
{
	char *json = run_path(r, OUT_RESULTS_JSON), *junit = run_path(r, OUT_JUNIT_XML);
	json_t *results = path_exists(json) ? json_read_file(json) : NULL;
	if (results) {
		json_t *tests = json_object(), *measurements = json_object(), *figures = json_array();
		results_flatten(results, tests, measurements, figures);
		rundoc_set(doc, "tests", tests);
		rundoc_set(doc, "measurements", measurements);
		rundoc_set(doc, "figures", figures);
		json_decref(results);
	}
	rundoc_artifact(doc, json);
	rundoc_artifact(doc, junit);
	free(json);
	free(junit);
}

const struct stage stage_qa = {
	.name = "qa",
	.summary = "self-test results: results.json, junit.xml",
	.inputs = qa_inputs,
	.run = qa_run,
	.describe = qa_describe,
};
