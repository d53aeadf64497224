/* Every suite, with its group: "unit" (fast, no kernel), "system" (real
 * programs: HTTP server, QEMU boots of a prebuilt kernel), "e2e" (builds
 * and boots kernels; minutes). */
#ifndef KBUILD_SUITES_H
#define KBUILD_SUITES_H

#include <check.h>
#include <stddef.h>

Suite *profile_suite(void);
Suite *pipeline_suite(void);
Suite *buildlog_suite(void);
Suite *metadata_suite(void);
Suite *fetch_suite(void);
Suite *extract_suite(void);
Suite *patch_suite(void);
Suite *ktap_suite(void);
Suite *results_suite(void);
Suite *elf_deps_suite(void);
Suite *modcheck_suite(void);
Suite *initramfs_suite(void);
Suite *qemu_suite(void);
Suite *accel_suite(void);
Suite *fragment_suite(void);
Suite *config_verify_suite(void);
Suite *qaplan_suite(void);
Suite *tcp_guest_suite(void);
Suite *e2e_suite(void);
Suite *distcc_suite(void);
Suite *legacytrees_suite(void);
Suite *kconfig_root_suite(void);
Suite *legacy_suite(void);
Suite *faults_suite(void);
Suite *console_verdict_suite(void);
Suite *report_suite(void);
Suite *compare_suite(void);
Suite *matrix_suite(void);
Suite *matrix_e2e_suite(void);
Suite *bundle_suite(void);
Suite *package_suite(void);
Suite *grub_suite(void);
Suite *rollout_console_suite(void);
Suite *rollout_suite(void);
Suite *interrupt_suite(void);
Suite *records_suite(void);
Suite *qa_kver_suite(void);

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
	{"grub", "unit", grub_suite},
	{"rollout_console", "unit", rollout_console_suite},
	{"interrupt", "unit", interrupt_suite},
	{"accel", "unit", accel_suite},
	{"qaplan", "unit", qaplan_suite},
	{"qa_kver", "unit", qa_kver_suite},
	{"fetch", "system", fetch_suite},
	{"qemu", "system", qemu_suite},
	{"package", "system", package_suite},
	{"tcp_guest", "system", tcp_guest_suite},
	{"e2e", "e2e", e2e_suite},
	{"rollout", "e2e", rollout_suite},
	{"distcc", "e2e", distcc_suite},
	{"legacytrees", "unit", legacytrees_suite},
	{"kconfig_root", "unit", kconfig_root_suite},
	{"legacy", "e2e", legacy_suite},
	{"matrix_e2e", "e2e", matrix_e2e_suite},
};
static const size_t n_all_suites = sizeof(all_suites) / sizeof(all_suites[0]);

#endif
