/* Every suite. check_main.c has the table, with each one's group: "unit"
 * (fast; no kernel, no download), "system" (real programs: HTTP server, QEMU
 * boots of a prebuilt kernel, Debian's kernel and source trees), "e2e"
 * (builds and boots kernels; minutes). A suite's file lives in the folder
 * of its group: tests/unit/, tests/system/, tests/e2e/. */
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
Suite *kconfig_syntax_suite(void);
Suite *kconfig_trees_suite(void);
Suite *legacy_suite(void);
Suite *faults_suite(void);
Suite *faults_e2e_suite(void);
Suite *console_verdict_suite(void);
Suite *report_suite(void);
Suite *compare_suite(void);
Suite *matrix_suite(void);
Suite *matrix_e2e_suite(void);
Suite *bundle_suite(void);
Suite *package_suite(void);
Suite *grub_suite(void);
Suite *rollout_console_suite(void);
Suite *rollout_verdict_suite(void);
Suite *rollout_suite(void);
Suite *interrupt_suite(void);
Suite *records_suite(void);
Suite *modcheck_debian_suite(void);
Suite *initramfs_modules_suite(void);
Suite *config_verify_real_suite(void);
Suite *attest_suite(void);
Suite *summary_suite(void);
Suite *report_page_suite(void);
Suite *repatch_suite(void);
Suite *bisect_suite(void);
Suite *bisect_e2e_suite(void);
Suite *qa_kver_suite(void);

#endif
