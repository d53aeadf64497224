/* elf_needed_closure against the loader's own answer (ldd) on real binaries. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/elf_deps.h"
#include "suites.h"
#include "lib/outfile.h"
#include "lib/spawn.h"
#include "testutil.h"
#include "lib/util.h"

static char *tmpdir;

static void setup(void)
{
	tmpdir = tu_tmpdir("elfdeps");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

static bool strv_has(const struct strv *v, const char *s)
{
	for (size_t k = 0; k < v->n; k++)
		if (strcmp(v->v[k], s) == 0)
			return true;
	return false;
}

/* Canonical paths of what ldd lists ("x => /p (0x..)" and "/p (0x..)"). */
static int ldd_paths(const char *binary, struct strv *out)
{
	char *argv[] = {"ldd", (char *)binary, NULL}, *text = NULL;
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	if (spawn_capture(argv, &o, &text) != 0) {
		free(text);
		return -1;
	}
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(l, "=> "), *p = arrow ? arrow + 3 : l + strspn(l, " \t");
		if (*p != '/')
			continue; /* linux-vdso.so.1 */
		char *sp = strchr(p, ' ');
		if (sp)
			*sp = '\0';
		char *abs = path_abs(p);
		if (abs)
			strv_push_owned(out, abs);
	}
	free(text);
	return 0;
}

static void compare_with_ldd(const char *binary)
{
	struct strv mine = {0}, theirs = {0}, mine_abs = {0};
	ck_assert_msg(elf_needed_closure(binary, NULL, &mine) == 0, "%s", kb_last_error());
	ck_assert_msg(mine.n > 0, "%s: no libraries found", binary);
	ck_assert_msg(strstr(mine.v[0], "ld-linux") != NULL, "interpreter first, got %s", mine.v[0]);
	if (ldd_paths(binary, &theirs) < 0) {
		tu_skip(TU_SKIP_ENV, "comparison for %s: ldd failed", binary);
		goto out;
	}
	for (size_t k = 0; k < mine.n; k++) {
		ck_assert_msg(mine.v[k][0] == '/', "%s is not absolute", mine.v[k]);
		char *abs = path_abs(mine.v[k]);
		ck_assert_ptr_nonnull(abs);
		ck_assert_msg(!strv_has(&mine_abs, abs), "%s listed twice", abs);
		strv_push_owned(&mine_abs, abs);
	}
	for (size_t k = 0; k < theirs.n; k++)
		ck_assert_msg(strv_has(&mine_abs, theirs.v[k]), "%s: ldd lists %s, we do not", binary,
			      theirs.v[k]);
	ck_assert_msg(mine_abs.n == theirs.n, "%s: %zu libraries, ldd %zu", binary, mine_abs.n, theirs.n);
out:
	strv_free(&mine);
	strv_free(&mine_abs);
	strv_free(&theirs);
}

START_TEST(ls_matches_ldd)
{
	if (access("/usr/bin/ls", X_OK) < 0) {
		tu_skip(TU_SKIP_ENV, "/usr/bin/ls absent");
		return;
	}
	compare_with_ldd("/usr/bin/ls");
}
END_TEST

START_TEST(libkmod_program_matches_ldd)
{
	char *src = path_join(tmpdir, "k.c"), *bin = path_join(tmpdir, "k");
	const char *code = "#include <libkmod.h>\nint main(void){struct kmod_ctx *c = "
			   "kmod_new(0, 0); kmod_unref(c); return 0;}\n";
	ck_assert_int_eq(write_file_atomic(src, code, strlen(code)), 0);
	char *argv[] = {"gcc", "-o", bin, src, "-lkmod", NULL};
	if (tu_run(argv) != 0) {
		tu_skip(TU_SKIP_ENV, "cannot link with -lkmod");
		goto out;
	}
	struct strv libs = {0};
	ck_assert_msg(elf_needed_closure(bin, NULL, &libs) == 0, "%s", kb_last_error());
	bool kmod = false;
	for (size_t k = 0; k < libs.n; k++)
		kmod |= strstr(libs.v[k], "/libkmod.so") != NULL;
	ck_assert_msg(kmod, "libkmod.so not in the closure");
	strv_free(&libs);
	compare_with_ldd(bin);
out:
	free(src);
	free(bin);
}
END_TEST

/* A private library found only through DT_RUNPATH ($ORIGIN), then removed. */
START_TEST(runpath_and_missing_library)
{
	char *lsrc = path_join(tmpdir, "f.c"), *lib = path_join(tmpdir, "lib/libkbtest.so");
	char *msrc = path_join(tmpdir, "m.c"), *bin = path_join(tmpdir, "m");
	char *libdir = path_join(tmpdir, "lib");
	ck_assert_int_eq(mkdir_p(libdir, 0755), 0);
	ck_assert_int_eq(write_file_atomic(lsrc, "int kbtest(void){return 7;}\n", 28), 0);
	const char *m = "int kbtest(void);\nint main(void){return kbtest() != 7;}\n";
	ck_assert_int_eq(write_file_atomic(msrc, m, strlen(m)), 0);
	char *a1[] = {"gcc", "-shared", "-fPIC", "-o", lib, lsrc, NULL};
	char *a2[] = {"gcc", "-o",   bin,        msrc,
		      "-L",  libdir, "-lkbtest", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib",
		      NULL};
	if (tu_run(a1) != 0 || tu_run(a2) != 0) {
		tu_skip(TU_SKIP_ENV, "gcc failed");
		goto out;
	}
	struct strv libs = {0};
	ck_assert_msg(elf_needed_closure(bin, NULL, &libs) == 0, "%s", kb_last_error());
	char *abs_lib = path_abs(lib);
	ck_assert_msg(strv_has(&libs, lib) || strv_has(&libs, abs_lib), "%s not found through RUNPATH", lib);
	free(abs_lib);
	strv_free(&libs);

	unlink(lib);
	struct strv none = {0};
	kb_clear_error();
	ck_assert_int_eq(elf_needed_closure(bin, NULL, &none), -1);
	ck_assert_msg(strstr(kb_last_error(), "libkbtest.so") && strstr(kb_last_error(), bin),
		      "error must name binary and library: %s", kb_last_error());
	strv_free(&none);
out:
	free(lsrc);
	free(lib);
	free(msrc);
	free(bin);
	free(libdir);
}
END_TEST

/* A sysroot holding ls and its libraries: everything is found inside it,
 * and a library missing there is missing even though the host has it. */
START_TEST(sysroot_is_searched_not_the_host)
{
	if (access("/usr/bin/ls", X_OK) < 0) {
		tu_skip(TU_SKIP_ENV, "/usr/bin/ls absent");
		return;
	}
	struct strv host = {0};
	ck_assert_int_eq(elf_needed_closure("/usr/bin/ls", NULL, &host), 0);
	char *root = path_join(tmpdir, "root");
	for (size_t k = 0; k < host.n; k++) {
		char *to = xasprintf("%s%s", root, host.v[k]), *dir = xstrdup(to);
		*strrchr(dir, '/') = '\0';
		ck_assert_int_eq(mkdir_p(dir, 0755), 0);
		ck_assert_msg(copy_file(host.v[k], to) == 0, "%s", kb_last_error());
		free(to);
		free(dir);
	}
	char *bin = xasprintf("%s/usr/bin/ls", root), *bindir = xasprintf("%s/usr/bin", root);
	ck_assert_int_eq(mkdir_p(bindir, 0755), 0);
	ck_assert_int_eq(copy_file("/usr/bin/ls", bin), 0);

	struct strv inside = {0};
	ck_assert_msg(elf_needed_closure(bin, root, &inside) == 0, "%s", kb_last_error());
	ck_assert_uint_eq(inside.n, host.n);
	for (size_t k = 0; k < inside.n; k++) {
		char *want = xasprintf("%s%s", root, host.v[k]);
		ck_assert_str_eq(inside.v[k], want);
		free(want);
	}
	char *victim = xasprintf("%s%s", root, host.v[host.n - 1]);
	ck_assert_int_eq(unlink(victim), 0);
	struct strv none = {0};
	ck_assert_int_eq(elf_needed_closure(bin, root, &none), -1);
	const char *base = strrchr(host.v[host.n - 1], '/') + 1;
	ck_assert_msg(strstr(kb_last_error(), base), "%s", kb_last_error());
	strv_free(&none);
	strv_free(&inside);
	strv_free(&host);
	free(victim);
	free(bin);
	free(bindir);
	free(root);
}
END_TEST

START_TEST(static_busybox_needs_nothing)
{
	if (access("/bin/busybox", X_OK) < 0) {
		tu_skip(TU_SKIP_ENV, "/bin/busybox absent "
				     "(install busybox-static)\n");
		return;
	}
	struct strv libs = {0};
	ck_assert_msg(elf_needed_closure("/bin/busybox", NULL, &libs) == 0, "%s", kb_last_error());
	ck_assert_msg(libs.n == 0, "static busybox got %zu libraries (%s...)", libs.n,
		      libs.n ? libs.v[0] : "");
	strv_free(&libs);
}
END_TEST

START_TEST(not_elf_fails)
{
	char *f = path_join(tmpdir, "script");
	ck_assert_int_eq(write_file_atomic(f, "#!/bin/sh\n", 10), 0);
	struct strv libs = {0};
	ck_assert_int_eq(elf_needed_closure(f, NULL, &libs), -1);
	ck_assert_msg(strstr(kb_last_error(), f) != NULL, "%s", kb_last_error());
	free(f);
}
END_TEST

Suite *elf_deps_suite(void)
{
	Suite *s = suite_create("elf_deps");
	TCase *tc = tcase_create("closure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ls_matches_ldd);
	tcase_add_test(tc, libkmod_program_matches_ldd);
	tcase_add_test(tc, runpath_and_missing_library);
	tcase_add_test(tc, sysroot_is_searched_not_the_host);
	tcase_add_test(tc, static_busybox_needs_nothing);
	tcase_add_test(tc, not_elf_fails);
	suite_add_tcase(s, tc);
	return s;
}
