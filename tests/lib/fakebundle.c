#include "fakebundle.h"
#include "package/bundle_tree.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fake_stage(struct fakebundle *fb, const char *tag)
{
	*fb = (struct fakebundle){0};
	fb->dir = tu_tmpdir(tag);
	fb->stage = path_join(fb->dir, "stage");
	fb->grub = path_join(fb->dir, "grub");
	const char *m = "lib/modules/" FAKE_KREL;
	tu_write(fb->stage, "boot/vmlinuz-" FAKE_KREL, "MZ fake bzImage\n");
	tu_write(fb->stage, "boot/System.map-" FAKE_KREL, "ffffffff81000000 T _text\n");
	tu_write(fb->stage, "boot/config-" FAKE_KREL, "CONFIG_CEPH_LIB=m\n");
	char *p;
	p = xasprintf("%s/kernel/net/ceph/libceph.ko", m), tu_write(fb->stage, p, "fake libceph module\n"),
	free(p);
	p = xasprintf("%s/kernel/drivers/block/rbd.ko", m), tu_write(fb->stage, p, "fake rbd module\n"),
	free(p);
	p = xasprintf("%s/modules.dep", m),
	tu_write(fb->stage, p, "kernel/drivers/block/rbd.ko: kernel/net/ceph/libceph.ko\n"), free(p);
	p = xasprintf("%s/%s/modules.alias", fb->stage, m);
	ck_assert_int_eq(symlink("modules.dep", p), 0);
	free(p);
	tu_write(fb->grub, "grub.conf.stanza", "title kbuild (" FAKE_KREL ")\n");
	tu_write(fb->grub, "install.sh", "#!/bin/sh\necho install\n");
	p = path_join(fb->grub, "install.sh");
	ck_assert_int_eq(chmod(p, 0755), 0);
	free(p);
}

void fake_bundle(struct fakebundle *fb, const char *tree_name, const char *tar_name)
{
	manifest_free(&fb->m);
	free(fb->tree);
	free(fb->tarball);
	fb->tree = path_join(fb->dir, tree_name);
	fb->tarball = path_join(fb->dir, tar_name);
	manifest_set(&fb->m, "profile", "fake");
	manifest_set(&fb->m, "release", FAKE_KREL);
	manifest_set(&fb->m, "selftest", "modules pass");
	int rc = bundle_make_tree(fb->stage, fb->grub, FAKE_KREL, 1700000000, &fb->m, fb->tree);
	ck_assert_msg(rc == 0, "bundle_make_tree: %s", kb_last_error());
	rc = bundle_write_tarball(fb->tree, &fb->m, FAKE_KREL, 1700000000, fb->tarball);
	ck_assert_msg(rc == 0, "bundle_write_tarball: %s", kb_last_error());
}

void fake_free(struct fakebundle *fb)
{
	rm_rf(fb->dir);
	free(fb->dir);
	free(fb->stage);
	free(fb->grub);
	free(fb->tree);
	free(fb->tarball);
	manifest_free(&fb->m);
}

void fake_flip_byte(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	int fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	unsigned char c;
	ck_assert_int_eq(pread(fd, &c, 1, 1), 1);
	c ^= 0x01;
	ck_assert_int_eq(pwrite(fd, &c, 1, 1), 1);
	close(fd);
	free(p);
}
