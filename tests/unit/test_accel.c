/* The accelerator decision for each kind of host, with the facts injected:
 * as a struct, and as a fake root (dev/kvm, proc/cpuinfo, sys/module). */
#include "guest/accel.h"
#include "lib/util.h"
#include "suites.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct accel_facts real_kvm = {
	.kvm_dev_present = true,
	.kvm_dev_opens = true,
	.cpu_vmx_svm = true,
	.hw_module = true,
	.modules_known = true,
};
/* This project's CI machines: a nested, pagetable-based KVM. */
static const struct accel_facts pvm_host = {
	.kvm_dev_present = true,
	.kvm_dev_opens = true,
	.cpu_vmx_svm = false,
	.pvm_module = true,
	.modules_known = true,
};
static const struct accel_facts no_kvm = {.modules_known = true, .kvm_dev_errno = 2};

START_TEST(auto_on_real_kvm)
{
	struct accel_choice c;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &real_kvm, &c), 0);
	ck_assert(c.kvm);
	ck_assert(c.fallback_allowed);
	ck_assert_msg(strstr(c.why, "vmx/svm"), "%s", c.why);
}
END_TEST

START_TEST(auto_on_pvm_host_is_tcg)
{
	struct accel_choice c;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &pvm_host, &c), 0);
	ck_assert(!c.kvm);
	ck_assert_msg(strstr(c.why, "kvm_pvm"), "%s", c.why);
	/* the same host with the PVM module hidden: the missing vmx/svm still decides */
	struct accel_facts f = pvm_host;
	f.pvm_module = false;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(!c.kvm);
	ck_assert_msg(strstr(c.why, "no vmx or svm"), "%s", c.why);
}
END_TEST

START_TEST(auto_without_dev_kvm_is_tcg)
{
	struct accel_choice c;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &no_kvm, &c), 0);
	ck_assert(!c.kvm);
	ck_assert_msg(strstr(c.why, "no /dev/kvm"), "%s", c.why);
	struct accel_facts f = real_kvm;
	f.kvm_dev_opens = false;
	f.kvm_dev_errno = 13;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(!c.kvm);
	ck_assert_msg(strstr(c.why, "does not open"), "%s", c.why);
}
END_TEST

START_TEST(flags_without_vendor_module_is_tcg)
{
	struct accel_facts f = real_kvm;
	f.hw_module = false;
	struct accel_choice c;
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(!c.kvm);
	ck_assert_msg(strstr(c.why, "kvm_intel"), "%s", c.why);
}
END_TEST

START_TEST(explicit_modes)
{
	struct accel_choice c;
	ck_assert_int_eq(accel_decide(ACCEL_TCG, &real_kvm, &c), 0);
	ck_assert(!c.kvm);
	/* kvm is obeyed where the device opens, with a warning where it looks unfit */
	ck_assert_int_eq(accel_decide(ACCEL_KVM, &pvm_host, &c), 0);
	ck_assert(c.kvm);
	ck_assert(!c.fallback_allowed);
	ck_assert_msg(strstr(c.why, "warning"), "%s", c.why);
	/* and refused, saying why, where it cannot even open */
	ck_assert_int_eq(accel_decide(ACCEL_KVM, &no_kvm, &c), -1);
	ck_assert_msg(strstr(kb_last_error(), "accel=tcg"), "%s", kb_last_error());
	kb_clear_error();
}
END_TEST

/* qa.accel's words (the schema) name the enum's values in its order. */
START_TEST(mode_parse)
{
	ck_assert_str_eq(accel_mode_names[ACCEL_AUTO], "auto");
	ck_assert_str_eq(accel_mode_names[ACCEL_KVM], "kvm");
	ck_assert_str_eq(accel_mode_names[ACCEL_TCG], "tcg");
	ck_assert_ptr_null(accel_mode_names[ACCEL_TCG + 1]);
}
END_TEST

/* A fake host below root: which files exist decides the facts read. */
static char *fake_root(const char *cpu_flags, const char *const *modules, bool dev)
{
	char *root = tu_tmpdir("accel");
	char *cpuinfo = xasprintf("processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: %s\n\n"
				  "processor\t: 1\nflags\t\t: %s\n",
				  cpu_flags, cpu_flags);
	tu_write(root, "proc/cpuinfo", cpuinfo);
	free(cpuinfo);
	tu_write(root, "sys/module/kvm/refcnt", "1\n");
	for (size_t i = 0; modules && modules[i]; i++) {
		char *p = xasprintf("sys/module/%s/refcnt", modules[i]);
		tu_write(root, p, "0\n");
		free(p);
	}
	if (dev)
		tu_write(root, "dev/kvm", "");
	return root;
}

START_TEST(facts_from_a_fake_root)
{
	static const char *const intel[] = {"kvm_intel", NULL}, *const pvm[] = {"kvm_pvm", NULL};
	struct accel_facts f;
	struct accel_choice c;

	char *root = fake_root("fpu vme de pse tsc msr pae vmx ept", intel, true);
	accel_facts_read(root, &f);
	ck_assert(f.kvm_dev_present && f.kvm_dev_opens && f.cpu_vmx_svm && f.hw_module && !f.pvm_module);
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(c.kvm);
	free(root);

	/* "vmxnet" or "svm_lock"-like words are not the flags */
	root = fake_root("fpu vme hypervisor vmxfoo svm_lock", pvm, true);
	accel_facts_read(root, &f);
	ck_assert(f.kvm_dev_present && !f.cpu_vmx_svm && f.pvm_module && !f.hw_module);
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(!c.kvm);
	free(root);

	root = fake_root("fpu svm", NULL, false);
	accel_facts_read(root, &f);
	ck_assert(!f.kvm_dev_present && f.cpu_vmx_svm);
	ck_assert_int_eq(accel_decide(ACCEL_AUTO, &f, &c), 0);
	ck_assert(!c.kvm);
	free(root);
}
END_TEST

Suite *accel_suite(void)
{
	Suite *s = suite_create("accel");
	TCase *tc = tcase_create("decide");
	tcase_add_test(tc, auto_on_real_kvm);
	tcase_add_test(tc, auto_on_pvm_host_is_tcg);
	tcase_add_test(tc, auto_without_dev_kvm_is_tcg);
	tcase_add_test(tc, flags_without_vendor_module_is_tcg);
	tcase_add_test(tc, explicit_modes);
	tcase_add_test(tc, mode_parse);
	tcase_add_test(tc, facts_from_a_fake_root);
	suite_add_tcase(s, tc);
	return s;
}
