/* The test runner: every suite, or one group ("unit", "system", "e2e"),
 * or the suites named on the command line. Check prints the summary CI reads.
 * A suite's group is its folder: tests/<group>/test_*.c (`make lint` checks
 * that the table below agrees). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testskip.h"

static const struct {
	const char *name, *group;
	Suite *(*make)(void);
} all_suites[] = {
	{"profile", "unit", profile_suite},
	{"pipeline", "unit", pipeline_suite},
	{"records", "unit", records_suite},
	{"buildlog", "unit", buildlog_suite},
	{"metadata", "unit", metadata_suite},
	{"fragment", "unit", fragment_suite},
	{"config_verify", "unit", config_verify_suite},
	{"extract", "unit", extract_suite},
	{"patch", "unit", patch_suite},
	{"repatch", "unit", repatch_suite},
	{"bisect", "unit", bisect_suite},
	{"ktap", "unit", ktap_suite},
	{"results", "unit", results_suite},
	{"elf_deps", "unit", elf_deps_suite},
	{"modcheck", "unit", modcheck_suite},
	{"initramfs", "unit", initramfs_suite},
	{"faults", "unit", faults_suite},
	{"console_verdict", "unit", console_verdict_suite},
	{"report", "unit", report_suite},
	{"compare", "unit", compare_suite},
	{"matrix", "unit", matrix_suite},
	{"bundle", "unit", bundle_suite},
	{"attest", "unit", attest_suite},
	{"summary", "unit", summary_suite},
	{"report_page", "system", report_page_suite},
	{"grub", "unit", grub_suite},
	{"rollout_console", "unit", rollout_console_suite},
	{"rollout_verdict", "unit", rollout_verdict_suite},
	{"interrupt", "unit", interrupt_suite},
	{"accel", "unit", accel_suite},
	{"qaplan", "unit", qaplan_suite},
	{"qa_kver", "unit", qa_kver_suite},
	{"fetch", "system", fetch_suite},
	{"qemu", "system", qemu_suite},
	{"package", "system", package_suite},
	{"tcp_guest", "system", tcp_guest_suite},
	{"modcheck_debian", "system", modcheck_debian_suite},
	{"initramfs_modules", "system", initramfs_modules_suite},
	{"config_verify_real", "system", config_verify_real_suite},
	{"e2e", "e2e", e2e_suite},
	{"rollout", "e2e", rollout_suite},
	{"distcc", "e2e", distcc_suite},
	{"legacytrees", "unit", legacytrees_suite},
	{"kconfig_root", "unit", kconfig_root_suite},
	{"kconfig_syntax", "unit", kconfig_syntax_suite},
	{"kconfig_trees", "system", kconfig_trees_suite},
	{"legacy", "e2e", legacy_suite},
	{"faults_e2e", "e2e", faults_e2e_suite},
	{"matrix_e2e", "e2e", matrix_e2e_suite},
	{"bisect_e2e", "e2e", bisect_e2e_suite},
};
static const size_t n_all_suites = sizeof(all_suites) / sizeof(all_suites[0]);

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
	srunner_set_xml(sr, getenv("CK_XML") ? getenv("CK_XML") : "build/tests/results.xml");
	tu_skips_begin();
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	tu_skips_report();
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
