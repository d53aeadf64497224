/* qa: the KTAP the guest printed becomes results.json and junit.xml; the
 * exit code follows tuxrun's rule (1: a test failed, 2: a test is missing
 * or the guest never reported). */
#include "guest/ktap.h"
#include "guest/qaplan.h"
#include "guest/results.h"
#include "stages/chain.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>

#define QA_RESULTS_JSON "results.json"
#define QA_JUNIT_XML "junit.xml"

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
	char *json = run_path(r, QA_RESULTS_JSON), *junit = run_path(r, QA_JUNIT_XML);
	int rc = results_write_json(&res, json);
	if (rc == 0)
		rc = results_write_junit(&res, junit);
	if (rc == 0) {
		struct strv bad = {0};
		for (size_t i = 0; i < res.n; i++) {
			fprintf(r->log, "%-14s %s\n", res.v[i].name, ktap_status_name(res.v[i].status));
			if (res.v[i].status == KTAP_FAIL || res.v[i].status == KTAP_MISSING)
				strv_push_owned(&bad, xasprintf("%s (%s)", res.v[i].name,
								ktap_status_name(res.v[i].status)));
		}
		rc = results_exit_code(&res);
		fprintf(r->log, "%zu passed, %zu failed, %zu skipped, %zu missing; exit %d\n",
			res.count[KTAP_PASS], res.count[KTAP_FAIL], res.count[KTAP_SKIP],
			res.count[KTAP_MISSING], rc);
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

static void qa_artifacts(struct run *r, struct strv *paths)
{
	strv_push_owned(paths, run_path(r, QA_RESULTS_JSON));
	strv_push_owned(paths, run_path(r, QA_JUNIT_XML));
}

const struct stage stage_qa = {
	.name = "qa",
	.summary = "self-test results: results.json, junit.xml",
	.inputs = qa_inputs,
	.run = qa_run,
	.artifacts = qa_artifacts,
};
