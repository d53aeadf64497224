/* The test runner: every suite, or one group ("unit", "system", "e2e"),
 * or the suites named on the command line. Check prints the summary CI reads. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testskip.h"

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	for (size_t i = 0; i < n_all_suites; i++) {
		bool want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], all_suites[i].group) || !strcmp(argv[a], all_suites[i].name);
		if (!want)
			continue;
		Suite *s = all_suites[i].make();
		if (!sr)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	if (!sr) {
		fprintf(stderr, "no suite matches; groups: unit system e2e\n");
		return 2;
	}
	srunner_set_xml(sr, getenv("CK_XML") ? getenv("CK_XML") : "tests/results.xml");
	tu_skips_begin();
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	tu_skips_report();
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
