/* The RPM and the .deb of a small fake bundle, built with the real rpmbuild
 * and dpkg-deb and read back with rpm and dpkg-deb: names, file lists,
 * scripts, digests, an installed root compared with the MANIFEST; lintian's
 * findings on the .deb go to stderr. */
#include "fakebundle.h"
#include "suites.h"
#include "package/pkginfo.h"
#include "package/manifest_verify.h"
#include "lib/spawn.h"
#include "testutil.h"
#include "testskip.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pkg_info info(const struct fakebundle *fb, const char *mode, FILE *log)
{
	return (struct pkg_info){
		.home = tu_repo(),
		.tree = fb->tree,
		.m = &fb->m,
		.krel = FAKE_KREL,
		.profile = "fake",
		.suffix = "kbuild",
		.pkgrel = "1",
		.vendor = "Fleet Ops <ops@example.org>",
		.boot_mode = mode,
		.arch = "x86_64",
		.epoch = 1700000000,
		.log = log,
	};
}

/* stdout of argv (asserting exit status want), malloc'd. */
static char *output_of(char *const argv[], int want)
{
	char *out = NULL;
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = 2};
	int st = spawn_capture(argv, &o, &out);
	ck_assert_msg(st == want, "%s: status %d, expected %d", argv[0], st, want);
	return out;
}

static int verify_root(const char *tarball, const char *root)
{
	int rc = verify_bundle(tarball, root, NULL, stderr);
	ck_assert_msg(rc >= 0, "verify: %s", kb_last_error());
	return rc;
}

START_TEST(rpm_package)
{
	if (!tu_in_path("rpmbuild") || !tu_in_path("rpm"))
		TU_SKIP(TU_SKIP_ENV, "rpm: rpmbuild/rpm not installed (Debian package rpm)");
	struct fakebundle fb;
	fake_stage(&fb, "rpm");
	fake_bundle(&fb, "tree", "b.tar.xz");
	struct pkg_info p = info(&fb, "once", stderr);
	char *rpm = NULL;
	ck_assert_msg(rpm_build(&p, fb.dir, fb.dir, &rpm) == 0, "rpm_build: %s", kb_last_error());
	ck_assert_str_eq(strrchr(rpm, '/') + 1, "kernel-kbuild-" FAKE_KREL "-1.x86_64.rpm");

	char *ql[] = {"rpm", "-qpl", rpm, NULL};
	char *list = output_of(ql, 0);
	ck_assert_ptr_nonnull(strstr(list, "/boot/vmlinuz-" FAKE_KREL "\n"));
	ck_assert_ptr_nonnull(strstr(list, "/lib/modules/" FAKE_KREL "/kernel/net/ceph/libceph.ko\n"));
	ck_assert_ptr_nonnull(strstr(list, "/usr/share/kbuild/" FAKE_KREL "/MANIFEST\n"));
	ck_assert_ptr_nonnull(strstr(list, "/usr/share/kbuild/" FAKE_KREL "/grub/install.sh\n"));
	ck_assert_ptr_null(strstr(list, "/usr/lib/.build-id"));
	ck_assert_ptr_null(strstr(list, "/boot\n")); /* shared directories are the host's */
	char *qs[] = {"rpm", "-qp", "--scripts", rpm, NULL};
	char *scripts = output_of(qs, 0);
	ck_assert_ptr_nonnull(strstr(
		scripts,
		"new-kernel-pkg --package kernel-kbuild --mkinitrd --dracut --depmod --install " FAKE_KREL));
	ck_assert_ptr_nonnull(strstr(scripts, "savedefault --default=$index --once"));
	ck_assert_ptr_null(strstr(scripts, "--make-default"));
	ck_assert_ptr_nonnull(strstr(scripts, "preuninstall scriptlet"));
	ck_assert_ptr_nonnull(strstr(scripts, "new-kernel-pkg --rminitrd --rmmoddep --remove " FAKE_KREL));
	char *qi[] = {"rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{VENDOR} %{PAYLOADCOMPRESSOR}\n",
		      rpm,   NULL};
	char *qinfo = output_of(qi, 0);
	ck_assert_str_eq(qinfo, "kernel-kbuild " FAKE_KREL " 1 Fleet Ops <ops@example.org> gzip\n");
	char *k[] = {"rpm", "-K", rpm, NULL};
	char *kout = output_of(k, 0);
	ck_assert_ptr_nonnull(strstr(kout, "digests OK"));

	/* Installed into an empty root (no scripts: they are the host's work). */
	char *root = path_join(fb.dir, "host");
	char *rootopt = xasprintf("--root=%s", root);
	ck_assert_int_eq(mkdir_p(root, 0755), 0);
	char *init[] = {"rpm", rootopt, "--initdb", NULL};
	ck_assert_int_eq(tu_run(init), 0);
	char *inst[] = {"rpm", rootopt, "--nodeps", "--noscripts", "-i", rpm, NULL};
	ck_assert_int_eq(tu_run(inst), 0);
	ck_assert_int_eq(verify_root(fb.tarball, root), 0);
	/* Negative: a lost file is seen. */
	char *lost = path_join(root, "boot/config-" FAKE_KREL);
	ck_assert_int_eq(unlink(lost), 0);
	ck_assert_int_eq(verify_root(fb.tarball, root), 1);

	/* The "default" mode makes the new kernel the default entry. */
	struct pkg_info pd = info(&fb, "default", stderr);
	char *spec = rpm_spec_text(&pd);
	ck_assert_ptr_nonnull(strstr(spec, "--make-default --install " FAKE_KREL));
	ck_assert_ptr_null(strstr(spec, "--once"));
	free(spec);
	free(lost);
	free(rootopt);
	free(root);
	free(kout);
	free(qinfo);
	free(scripts);
	free(list);
	free(rpm);
	fake_free(&fb);
}
END_TEST

static void lintian_findings(const char *deb)
{
	if (!tu_in_path("lintian")) {
		fprintf(stderr, "package: lintian not installed: no findings listed\n");
		return;
	}
	char *argv[] = {"lintian", "--no-cfg", "-I", (char *)deb, NULL};
	char *out = NULL;
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = 2};
	int st = spawn_capture(argv, &o, &out);
	fprintf(stderr, "package: lintian (status %d):\n%s", st, out ? out : "");
	/* Errors would make the package unfit for a Debian host. */
	ck_assert_msg(!out || !strstr(out, "E: "), "lintian reports errors:\n%s", out);
	free(out);
}

/* The postinst and prerm, run in a private mount namespace whose
 * /etc/kernel is a test directory with one recording hook per script:
 * the hooks get the release and the image path, DEB_MAINT_PARAMS and INITRD. */
static void run_hooks(const char *dir, const char *deb)
{
	if (!is_dir("/etc/kernel") || geteuid() != 0 || !tu_in_path("unshare") || !tu_in_path("run-parts"))
		TU_SKIP(TU_SKIP_ENV, "maintainer scripts: needs root, unshare, run-parts and /etc/kernel");
	char *ctl = path_join(dir, "ctl-hooks"), *etc = path_join(dir, "etc-kernel");
	char *e[] = {"dpkg-deb", "-e", (char *)deb, ctl, NULL};
	ck_assert_int_eq(tu_run(e), 0);
	const char *scripts[] = {"postinst", "configure", "prerm", "remove"};
	for (int i = 0; i < 4; i += 2) {
		char *hook = xasprintf("%s.d/50-record", scripts[i]);
		char *out = xasprintf("%s/%s.out", dir, scripts[i]);
		char *body = xasprintf("#!/bin/sh\necho \"$*|$DEB_MAINT_PARAMS|$INITRD\" > %s\n", out);
		tu_write(etc, hook, body);
		char *hp = path_join(etc, hook);
		ck_assert_int_eq(chmod(hp, 0755), 0);
		char *script = path_join(ctl, scripts[i]);
		/* A fixed shell line; the paths come in as its arguments. */
		char *argv[] = {"unshare",
				"--mount",
				"sh",
				"-c",
				"mount --bind \"$1\" /etc/kernel && exec sh \"$2\" \"$3\"",
				"sh",
				etc,
				script,
				(char *)scripts[i + 1],
				NULL};
		ck_assert_int_eq(tu_run(argv), 0);
		char *got = read_file(out, NULL);
		ck_assert_ptr_nonnull(got);
		char *want = xasprintf(FAKE_KREL " /boot/vmlinuz-" FAKE_KREL "|%s|No\n", scripts[i + 1]);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
		free(script);
		free(hp);
		free(body);
		free(out);
		free(hook);
	}
	free(ctl);
	free(etc);
}

START_TEST(deb_package)
{
	if (!tu_in_path("dpkg-deb"))
		TU_SKIP(TU_SKIP_ENV, "deb: dpkg-deb not installed");
	struct fakebundle fb;
	fake_stage(&fb, "deb");
	fake_bundle(&fb, "tree", "b.tar.xz");
	struct pkg_info p = info(&fb, "once", stderr);
	char *deb = NULL;
	ck_assert_msg(deb_build(&p, fb.dir, fb.dir, &deb) == 0, "deb_build: %s", kb_last_error());
	ck_assert_str_eq(strrchr(deb, '/') + 1, "linux-image-" FAKE_KREL "-kbuild_" FAKE_KREL "-1_amd64.deb");

	char *info_argv[] = {"dpkg-deb", "--info", deb, NULL};
	char *inf = output_of(info_argv, 0);
	ck_assert_ptr_nonnull(strstr(inf, " Package: linux-image-" FAKE_KREL "-kbuild\n"));
	ck_assert_ptr_nonnull(strstr(inf, " Version: " FAKE_KREL "-1\n"));
	ck_assert_ptr_nonnull(strstr(inf, " Maintainer: Fleet Ops <ops@example.org>\n"));
	ck_assert_ptr_nonnull(strstr(inf, "  postinst "));
	char *contents_argv[] = {"dpkg-deb", "--contents", deb, NULL};
	char *contents = output_of(contents_argv, 0);
	ck_assert_ptr_nonnull(strstr(contents, " ./boot/vmlinuz-" FAKE_KREL "\n"));
	ck_assert_ptr_nonnull(strstr(contents, "root/root"));
	ck_assert_ptr_null(strstr(contents, "DEBIAN"));
	char *script_argv[] = {"dpkg-deb", "--ctrl-tarfile", deb, NULL};
	free(output_of(script_argv, 0));

	char *root = path_join(fb.dir, "host");
	char *x[] = {"dpkg-deb", "-x", deb, root, NULL};
	ck_assert_int_eq(tu_run(x), 0);
	ck_assert_int_eq(verify_root(fb.tarball, root), 0);
	fake_flip_byte(root, "usr/share/kbuild/" FAKE_KREL "/grub/install.sh");
	ck_assert_int_eq(verify_root(fb.tarball, root), 1);

	/* The maintainer scripts run the hooks the way Debian's do. */
	char *post = deb_script_text(&p, "postinst");
	ck_assert_ptr_nonnull(strstr(post, "run-parts --report --exit-on-error --arg=\"$version\""));
	ck_assert_ptr_nonnull(strstr(post, "/etc/kernel/postinst.d"));
	ck_assert_ptr_nonnull(strstr(post, "version=" FAKE_KREL "\n"));
	ck_assert_ptr_nonnull(strstr(post, "export INITRD=No\n")); /* the fake config has no BLK_DEV_INITRD */
	if (tu_in_path("shellcheck")) {
		char *ctl = path_join(fb.dir, "ctl");
		char *e[] = {"dpkg-deb", "-e", deb, ctl, NULL};
		ck_assert_int_eq(tu_run(e), 0);
		const char *names[] = {"preinst", "postinst", "prerm", "postrm"};
		for (int i = 0; i < 4; i++) {
			char *s = path_join(ctl, names[i]);
			char *sc[] = {"shellcheck", "-s", "sh", s, NULL};
			ck_assert_msg(tu_run(sc) == 0, "shellcheck %s", names[i]);
			free(s);
		}
		free(ctl);
	}
	run_hooks(fb.dir, deb);
	lintian_findings(deb);
	free(post);
	free(root);
	free(contents);
	free(inf);
	free(deb);
	fake_free(&fb);
}
END_TEST

Suite *package_suite(void)
{
	Suite *s = suite_create("package");
	TCase *tc = tcase_create("package");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, rpm_package);
	tcase_add_test(tc, deb_package);
	suite_add_tcase(s, tc);
	return s;
}
