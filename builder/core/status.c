#include "core/status.h"

#include <string.h>

static const char *const stage_names[] =
	{[STAGE_PASS] = "pass", [STAGE_FAIL] = "fail", [STAGE_SKIP] = "skip"};
static const char *const run_names[] = {[RUN_RUNNING] = "running", [RUN_PASS] = "pass", [RUN_FAIL] = "fail"};
static const char *const test_names[] = {[TEST_PASS] = "pass",
					 [TEST_FAIL] = "fail",
					 [TEST_SKIP] = "skip",
					 [TEST_TODO] = "todo",
					 [TEST_MISSING] = "missing"};
static const char *const verdict_names[] = {
	[BOOT_PASSED] = "passed",         [BOOT_TESTS_FAILED] = "tests-failed", [BOOT_PANIC] = "panic",
	[BOOT_TIMEOUT] = "timeout",       [BOOT_NO_REPORT] = "no-report",       [BOOT_ERROR] = "error",
	[BOOT_KVM_SILENT] = "kvm-silent",
};
static const char *const bisect_verdict_names[] =
	{[BISECT_GOOD] = "good", [BISECT_BAD] = "bad", [BISECT_SKIP] = "skip"};
static const char *const bisect_result_names[] = {[BISECT_FOUND] = "found",
						  [BISECT_NOT_FOUND] = "not-found",
						  [BISECT_INCONCLUSIVE] = "inconclusive",
						  [BISECT_BAD_INPUT] = "bad-input"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool parse(const char *const *names, size_t n, const char *name, int *out)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(names[i], name)) {
			*out = (int)i;
			return true;
		}
	return false;
}

const char *stage_status_name(enum stage_status s)
{
	return (size_t)s < N(stage_names) ? stage_names[s] : "?";
}

const char *run_status_name(enum run_status s)
{
	return (size_t)s < N(run_names) ? run_names[s] : "?";
}

const char *test_status_name(enum test_status s)
{
	return (size_t)s < N(test_names) ? test_names[s] : "?";
}

const char *boot_verdict_name(enum boot_verdict v)
{
	return (size_t)v < N(verdict_names) ? verdict_names[v] : "?";
}

bool stage_status_parse(const char *name, enum stage_status *out)
{
	int v;
	return parse(stage_names, N(stage_names), name, &v) ? (*out = (enum stage_status)v, true) : false;
}

bool run_status_parse(const char *name, enum run_status *out)
{
	int v;
	return parse(run_names, N(run_names), name, &v) ? (*out = (enum run_status)v, true) : false;
}

bool test_status_parse(const char *name, enum test_status *out)
{
	int v;
	return parse(test_names, N(test_names), name, &v) ? (*out = (enum test_status)v, true) : false;
}

bool boot_verdict_parse(const char *name, enum boot_verdict *out)
{
	int v;
	return parse(verdict_names, N(verdict_names), name, &v) ? (*out = (enum boot_verdict)v, true) : false;
}

const char *bisect_verdict_name(enum bisect_verdict v)
{
	return (size_t)v < N(bisect_verdict_names) ? bisect_verdict_names[v] : "?";
}

const char *bisect_result_name(enum bisect_result r)
{
	return (size_t)r < N(bisect_result_names) ? bisect_result_names[r] : "?";
}

bool bisect_verdict_parse(const char *name, enum bisect_verdict *out)
{
	int v;
	return parse(bisect_verdict_names, N(bisect_verdict_names), name, &v)
		       ? (*out = (enum bisect_verdict)v, true)
		       : false;
}

bool bisect_result_parse(const char *name, enum bisect_result *out)
{
	int v;
	return parse(bisect_result_names, N(bisect_result_names), name, &v)
		       ? (*out = (enum bisect_result)v, true)
		       : false;
}
