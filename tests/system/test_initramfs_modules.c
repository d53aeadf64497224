/* initramfs_build's module closure on a staging root of Debian's modules
 * (the kernel tools/test-kernel downloads, see testkernel.h). The other
 * initramfs tests: tests/unit/test_initramfs.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "guest/image.h"
#include "listing.h"
#include "testkernel.h"
#include "testutil.h"
#include "lib/util.h"

static char *tmpdir;

static void setup(void)
{
	tmpdir = tu_tmpdir("initramfs-modules");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

static bool has_module_file(const struct listing *l, const char *rel)
{
	char *p = xasprintf("lib/modules/%s/%s", tk_release(), rel);
	bool found = find_listed(l, p) != NULL;
	free(p);
	return found;
}

/* A staging root of Debian's modules (tools/test-kernel): rbd must bring
 * libceph, libcrc32c and its soft dependency (crc32c), and nothing else
 * (not ceph.ko). */
START_TEST(module_closure)
{
	if (!have_busybox())
		return;
	if (tk_unavailable()) {
		tu_skip(TU_SKIP_ENV, "%s", tk_unavailable());
		return;
	}
	const char *release = tk_release();
	static const char *const files[] = {
		"kernel/net/ceph/libceph.ko",
		"kernel/fs/ceph/ceph.ko",
		"kernel/drivers/block/rbd.ko",
		"kernel/lib/libcrc32c.ko",
		"kernel/fs/netfs/netfs.ko",
		"kernel/fs/fscache/fscache.ko",
		"kernel/crypto/crc32c_generic.ko",
		"modules.order",
		"modules.builtin",
		"modules.builtin.modinfo",
	};
	char *root = path_join(tmpdir, "stage");
	tk_install_modules(root, files, sizeof(files) / sizeof(files[0]));

	char *out = path_join(tmpdir, "m.cpio.gz");
	const char *mods[] = {"rbd"};
	struct initramfs_spec s = {.busybox = BUSYBOX,
				   .modules_root = root,
				   .release = release,
				   .modules = mods,
				   .n_modules = 1};
	ck_assert_msg(initramfs_build(&s, out, NULL) == 0, "%s", kb_last_error());
	struct listing l;
	read_listing(out, &l);
	static const char *const wanted[] = {
		"kernel/drivers/block/rbd.ko",
		"kernel/net/ceph/libceph.ko",
		"kernel/lib/libcrc32c.ko",
		"kernel/crypto/crc32c_generic.ko" /* soft dependency of libcrc32c */,
		"modules.dep.bin",
	};
	for (size_t k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++)
		ck_assert_msg(has_module_file(&l, wanted[k]), "%s missing", wanted[k]);
	ck_assert_msg(!has_module_file(&l, "kernel/fs/ceph/ceph.ko"), "ceph.ko was not asked for");
	char *dep_path = xasprintf("lib/modules/%s/modules.dep", release);
	const struct listed *dep = must_find(&l, dep_path);
	ck_assert_ptr_nonnull(strstr(dep->data, "kernel/drivers/block/rbd.ko: kernel/net/ceph/libceph.ko"));
	ck_assert_msg(!strstr(dep->data, "kernel/fs/ceph/ceph.ko:"),
		      "modules.dep lists a module that is not in the archive");
	free_listing(&l);

	/* n_modules == 0: the whole module directory as staged */
	struct initramfs_spec all = s;
	all.n_modules = 0;
	ck_assert_msg(initramfs_build(&all, out, NULL) == 0, "%s", kb_last_error());
	read_listing(out, &l);
	char *ceph_path = xasprintf("lib/modules/%s/kernel/fs/ceph/ceph.ko", release);
	must_find(&l, ceph_path);
	must_find(&l, dep_path);
	free_listing(&l);
	free(ceph_path);
	free(dep_path);
	free(out);
	free(root);
}
END_TEST

Suite *initramfs_modules_suite(void)
{
	Suite *s = suite_create("initramfs_modules");
	TCase *tc = tcase_create("modules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, module_closure);
	suite_add_tcase(s, tc);
	return s;
}
