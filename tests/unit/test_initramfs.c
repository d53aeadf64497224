/* initramfs_build: contents, reproducibility; the initramfs/ folder: /init
 * passes shellcheck, the skeleton list is checked, and a change to any file
 * there makes the initramfs stage stale. The module closure on Debian's
 * modules: tests/system/test_initramfs_modules.c. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/elf_deps.h"
#include "suites.h"
#include "core/profile.h"
#include "lib/outfile.h"
#include "guest/init_data.h"
#include "guest/skeleton.h"
#include "source/unpack.h"
#include "engine/pipeline.h"
#include "stages/chain.h"
#include "guest/qaplan.h"
#include "guest/image.h"
#include "listing.h"
#include "testutil.h"
#include "lib/util.h"

static char *tmpdir;

static void setup(void)
{
	tmpdir = tu_tmpdir("initramfs");
}

static void teardown(void)
{
	rm_rf(tmpdir);
	free(tmpdir);
}

static char *build_qa_program(void)
{
	char *src = path_join(tmpdir, "hello.c"), *bin = path_join(tmpdir, "hello");
	const char *code = "#include <stdio.h>\nint main(void){puts(\"ok 1 hello\");return 0;}\n";
	ck_assert_int_eq(write_file_atomic(src, code, strlen(code)), 0);
	char *argv[] = {"gcc", "-o", bin, src, NULL};
	ck_assert_msg(tu_run(argv) == 0, "gcc failed");
	free(src);
	return bin;
}

static const char *const sysctls[] = {"net.ipv4.tcp_fin_timeout=10", "kernel.printk=4 4 1 7"};

START_TEST(contents)
{
	if (!have_busybox())
		return;
	char *qa = build_qa_program(), *out = path_join(tmpdir, "i.cpio.gz");
	const char *bins[] = {qa};
	struct initramfs_spec s = {.busybox = BUSYBOX,
				   .qa_bins = bins,
				   .n_qa_bins = 1,
				   .plan = "hello /qa/hello\n",
				   .sysctls = sysctls,
				   .n_sysctls = 2};
	FILE *log = tmpfile();
	ck_assert_msg(initramfs_build(&s, out, log) == 0, "%s", kb_last_error());
	fclose(log);
	struct stat st;
	ck_assert_int_eq(stat(out, &st), 0);
	fprintf(stderr, "initramfs (busybox + one dynamic program): %lld bytes\n", (long long)st.st_size);
	char *tmpname = xasprintf("%s.tmp", out);
	ck_assert_msg(!path_exists(tmpname), "%s left behind", tmpname);
	free(tmpname);

	struct listing l;
	read_listing(out, &l);
	for (size_t k = 0; k < l.n; k++) {
		ck_assert_msg(l.e[k].uid == 0 && l.e[k].gid == 0, "/%s not owned by 0:0", l.e[k].path);
		ck_assert_msg(l.e[k].mtime == 0, "/%s mtime %lld", l.e[k].path, l.e[k].mtime);
		ck_assert_msg(l.e[k].path[0] != '/', "absolute name %s", l.e[k].path);
		if (k)
			ck_assert_msg(strcmp(l.e[k - 1].path, l.e[k].path) < 0, "not sorted at %s",
				      l.e[k].path);
	}
	const struct listed *init = must_find(&l, "init");
	ck_assert(S_ISREG(init->mode) && (init->mode & 0111));
	ck_assert_ptr_nonnull(strstr(init->data, "exec /qa/qa-runner /" INIT_QA_PLAN));
	ck_assert_ptr_nonnull(strstr(init->data, "mount -t devtmpfs devtmpfs /dev"));
	ck_assert_ptr_nonnull(strstr(init->data, "/" INIT_SYSCTL_CONF));
	const struct listed *conf = must_find(&l, INIT_SYSCTL_CONF);
	ck_assert_str_eq(conf->data, "net.ipv4.tcp_fin_timeout=10\nkernel.printk=4 4 1 7\n");
	ck_assert_msg(!find_listed(&l, INIT_LIBRARY_PATH), "libc needs no LD_LIBRARY_PATH");
	ck_assert_msg(!find_listed(&l, INIT_EXTRA), "no extra shell unless asked for");
	ck_assert(S_ISREG(must_find(&l, "bin/busybox")->mode));
	const struct listed *sh = must_find(&l, "bin/sh");
	ck_assert(S_ISLNK(sh->mode) && strcmp(sh->link, "/bin/busybox") == 0);
	ck_assert(S_ISLNK(must_find(&l, "sbin/modprobe")->mode));
	ck_assert(S_ISLNK(must_find(&l, "sbin/sysctl")->mode));
	const struct listed *con = must_find(&l, "dev/console");
	ck_assert(S_ISCHR(con->mode) && con->rmaj == 5 && con->rmin == 1);
	const struct listed *null = must_find(&l, "dev/null");
	ck_assert(S_ISCHR(null->mode) && null->rmaj == 1 && null->rmin == 3);
	const char *dirs[] = {"proc", "sys", "dev", "run", "tmp", "qa"};
	for (size_t k = 0; k < 6; k++)
		ck_assert_msg(S_ISDIR(must_find(&l, dirs[k])->mode), "/%s not a dir", dirs[k]);
	ck_assert(S_ISREG(must_find(&l, "qa/hello")->mode));
	ck_assert_str_eq(must_find(&l, "qa/plan")->data, "hello /qa/hello\n");
	/* the program's libraries sit where the loader looks for them */
	struct strv libs = {0};
	ck_assert_int_eq(elf_needed_closure(qa, NULL, &libs), 0);
	ck_assert(libs.n >= 2);
	for (size_t k = 0; k < libs.n; k++)
		ck_assert(S_ISREG(must_find(&l, libs.v[k] + 1)->mode));
	strv_free(&libs);
	free_listing(&l);
	free(qa);
	free(out);
}
END_TEST

/* A library outside the loader's default directories (here found through
 * RUNPATH) is carried at its path and named in LD_LIBRARY_PATH. */
START_TEST(private_library_dir)
{
	if (!have_busybox())
		return;
	char *libdir = path_join(tmpdir, "priv"), *lib = path_join(libdir, "libkbpriv.so");
	char *lsrc = path_join(tmpdir, "p.c"), *msrc = path_join(tmpdir, "pm.c");
	char *bin = path_join(tmpdir, "pm"), *out = path_join(tmpdir, "p.cpio.gz");
	ck_assert_int_eq(mkdir_p(libdir, 0755), 0);
	ck_assert_int_eq(write_file_atomic(lsrc, "int kbpriv(void){return 0;}\n", 28), 0);
	const char *m = "int kbpriv(void);\nint main(void){return kbpriv();}\n";
	ck_assert_int_eq(write_file_atomic(msrc, m, strlen(m)), 0);
	char *rpath = xasprintf("-Wl,-rpath,%s", libdir);
	char *a1[] = {"gcc", "-shared", "-fPIC", "-o", lib, lsrc, NULL};
	char *a2[] = {"gcc", "-o", bin, msrc, "-L", libdir, "-lkbpriv", rpath, NULL};
	ck_assert_int_eq(tu_run(a1), 0);
	ck_assert_int_eq(tu_run(a2), 0);
	const char *bins[] = {bin};
	struct initramfs_spec s = {.busybox = BUSYBOX, .qa_bins = bins, .n_qa_bins = 1};
	ck_assert_msg(initramfs_build(&s, out, NULL) == 0, "%s", kb_last_error());
	struct listing l;
	read_listing(out, &l);
	ck_assert(S_ISREG(must_find(&l, lib + 1)->mode));
	ck_assert_str_eq(must_find(&l, INIT_LIBRARY_PATH)->data, libdir);
	free_listing(&l);
	free(rpath);
	free(libdir);
	free(lib);
	free(lsrc);
	free(msrc);
	free(bin);
	free(out);
}
END_TEST

static bool same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *da = read_file(a, &la), *db = read_file(b, &lb);
	bool same = da && db && la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

START_TEST(reproducible)
{
	if (!have_busybox())
		return;
	char *a = path_join(tmpdir, "a.cpio.gz"), *b = path_join(tmpdir, "b.cpio.gz");
	const char *bins[] = {"/usr/bin/kmod"};
	struct initramfs_spec s = {.busybox = BUSYBOX,
				   .qa_bins = bins,
				   .n_qa_bins = access(bins[0], X_OK) == 0,
				   .plan = "x /qa/kmod\n",
				   .sysctls = sysctls,
				   .n_sysctls = 2};
	ck_assert_msg(initramfs_build(&s, a, NULL) == 0, "%s", kb_last_error());
	sleep(1); /* a timestamp that leaked in would now differ */
	ck_assert_msg(initramfs_build(&s, b, NULL) == 0, "%s", kb_last_error());
	ck_assert_msg(same_bytes(a, b), "two builds differ");

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	int rc = initramfs_build(&s, b, NULL);
	unsetenv("SOURCE_DATE_EPOCH");
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(!same_bytes(a, b), "SOURCE_DATE_EPOCH ignored");
	struct listing l;
	read_listing(b, &l);
	ck_assert_int_eq(must_find(&l, "init")->mtime, 1700000000);
	free_listing(&l);
	free(a);
	free(b);
}
END_TEST

START_TEST(bad_inputs_fail)
{
	if (!have_busybox())
		return;
	char *out = path_join(tmpdir, "bad.cpio.gz");
	const char *bins[] = {"/nonexistent/qa-prog"};
	struct initramfs_spec s = {.busybox = BUSYBOX, .qa_bins = bins, .n_qa_bins = 1};
	ck_assert_int_eq(initramfs_build(&s, out, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "/nonexistent/qa-prog"), "%s", kb_last_error());
	ck_assert(!path_exists(out));
	const char *bad_sysctl[] = {"net.ipv4.tcp_fin_timeout"};
	struct initramfs_spec s2 = {.busybox = BUSYBOX, .sysctls = bad_sysctl, .n_sysctls = 1};
	ck_assert_int_eq(initramfs_build(&s2, out, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "tcp_fin_timeout"), "%s", kb_last_error());
	const char *mods[] = {"kbuild_no_such_module"};
	struct initramfs_spec s3 = {.busybox = BUSYBOX,
				    .modules_root = tmpdir,
				    .release = "0.0",
				    .modules = mods,
				    .n_modules = 1};
	ck_assert_int_eq(initramfs_build(&s3, out, NULL), -1);
	ck_assert(!path_exists(out));
	free(out);
}
END_TEST

/* The cpio goes through the checked outfile: a full disk fails the build
 * and leaves neither the archive nor its temporary file. */
START_TEST(full_disk_fails_cleanly)
{
	if (!have_busybox())
		return;
	char *disk = tu_tmpfs("initramfs-full", "256k");
	if (!disk)
		return;
	char *out = path_join(disk, "initramfs.cpio.gz");
	struct initramfs_spec s = {.busybox = BUSYBOX};
	kb_clear_error();
	ck_assert_int_eq(initramfs_build(&s, out, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "No space left"), "%s", kb_last_error());
	ck_assert(!path_exists(out));
	DIR *d = opendir(disk);
	struct dirent *de;
	int left = 0;
	while ((de = readdir(d)))
		left += de->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(left, 0);
	/* negative case: the same build where there is room */
	char *room = path_join(tmpdir, "room.cpio.gz");
	ck_assert_msg(initramfs_build(&s, room, NULL) == 0, "%s", kb_last_error());
	tu_tmpfs_release(disk);
	free(out);
	free(room);
}
END_TEST

START_TEST(sysctl_conf_rejects)
{
	const char *ok[] = {"kernel.domainname=it's $(x)"};
	char *text = init_sysctl_conf(ok, 1);
	ck_assert_str_eq(text, "kernel.domainname=it's $(x)\n"); /* data: /init never evaluates it */
	free(text);
	const char *bad[] = {"kernel.x;reboot=1"};
	ck_assert_ptr_null(init_sysctl_conf(bad, 1));
	const char *nl[] = {"kernel.x=1\nreboot"};
	ck_assert_ptr_null(init_sysctl_conf(nl, 1));
}
END_TEST

/* shellcheck's verdict on a script: its exit status. */
static int shellcheck(const char *script)
{
	char *argv[] = {"shellcheck", "--shell=sh", (char *)script, NULL};
	return tu_run(argv);
}

START_TEST(init_passes_shellcheck)
{
	if (!tu_in_path("shellcheck"))
		TU_SKIP(TU_SKIP_ENV, "shellcheck is not installed (apt-get install shellcheck)");
	char *init = path_join(tu_repo(), "initramfs/init");
	ck_assert_msg(path_exists(init), "%s is missing", init);
	ck_assert_msg(shellcheck(init) == 0, "shellcheck finds fault with %s", init);
	/* the negative case: shellcheck does fail a faulty script */
	tu_write(tmpdir, "bad", "#!/bin/sh\nrm -rf $1/*\n[ $x = 1 ]\n");
	char *bad = path_join(tmpdir, "bad");
	ck_assert_int_ne(shellcheck(bad), 0);
	free(bad);
	free(init);
}
END_TEST

START_TEST(skeleton_lines_checked)
{
	tu_write(tmpdir, "skel/init", "#!/bin/sh\n");
	tu_write(tmpdir, "skel/skeleton",
		 "# comment\ndir /x 0755 0 0\nnod /dev/c 0600 0 0 c 5 1\n"
		 "slink /y /x 0777 0 0\nfile /init init 0755 0 0\n");
	char *skel = path_join(tmpdir, "skel");
	struct cpio_tree t = {0};
	ck_assert_msg(skeleton_add(&t, skel) == 0, "%s", kb_last_error());
	ck_assert_uint_eq(t.n, 4);
	cpio_free(&t);
	tu_write(tmpdir, "skel/skeleton", "dir /x 0755 0 0\ndir /y 0755 1000 0\n");
	t = (struct cpio_tree){0};
	ck_assert_int_eq(skeleton_add(&t, skel), -1);
	ck_assert_msg(strstr(kb_last_error(), "skeleton:2:"), "%s", kb_last_error());
	cpio_free(&t);
	tu_write(tmpdir, "skel/skeleton", "file /init missing 0755 0 0\n");
	t = (struct cpio_tree){0};
	ck_assert_int_eq(skeleton_add(&t, skel), -1);
	ck_assert_msg(strstr(kb_last_error(), "missing"), "%s", kb_last_error());
	cpio_free(&t);
	free(skel);
}
END_TEST

/* The initramfs stage's inputs for a home holding a copy of initramfs/. */
static enum stamp_state initramfs_stamp_against(const char *home, const char *stamp_file, char **why)
{
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = allnoconfig\n");
	struct profile p;
	ck_assert_msg(profile_load(home, "t", &p) == 0, "%s", kb_last_error());
	struct settings set;
	settings_resolve(&p, &set);
	struct run r = {.set = &set, .home = home, .outdir = (char *)home};
	r.objdir = path_join(home, "build");
	struct stamp s = {0};
	ck_assert_msg(stage_initramfs.inputs(&r, &s) == 0, "%s", kb_last_error());
	settings_free(&set);
	profile_free(&p);
	free(r.objdir);
	enum stamp_state st = why ? stamp_compare(stamp_file, &s, why) : STAMP_MATCH;
	if (!why)
		ck_assert_int_eq(stamp_write(stamp_file, &s), 0);
	stamp_free(&s);
	return st;
}

START_TEST(plan_tests_come_from_the_list)
{
	tu_write(tmpdir, QA_TESTS_LIST, "# comment\nalpha\nbeta # trailing\n");
	tu_write(tmpdir, "configs/profiles/t.ini",
		 "[source]\nversion = 1\n[config]\nbase = allnoconfig\n"
		 "[qa]\ntests = beta\n");
	struct profile p;
	ck_assert_msg(profile_load(tmpdir, "t", &p) == 0, "%s", kb_last_error());
	struct settings set;
	settings_resolve(&p, &set);
	struct run r = {.set = &set, .home = tmpdir};
	struct strv names = {0};
	ck_assert_int_eq(qaplan_known(&r, &names), 0);
	ck_assert_uint_eq(names.n, 2);
	ck_assert_str_eq(names.v[1], "beta");
	strv_free(&names);
	ck_assert_int_eq(qaplan_tests(&r, &names), 0);
	ck_assert_uint_eq(names.n, 1);
	strv_free(&names);
	/* a name the list does not have is refused, naming the list */
	ck_assert_int_eq(profile_override(&p, "qa.tests=gamma"), 0);
	settings_free(&set);
	settings_resolve(&p, &set);
	ck_assert_int_eq(qaplan_tests(&r, &names), -1);
	ck_assert_msg(strstr(kb_last_error(), "gamma") && strstr(kb_last_error(), QA_TESTS_LIST), "%s",
		      kb_last_error());
	strv_free(&names);
	settings_free(&set);
	profile_free(&p);
}
END_TEST

START_TEST(changed_init_makes_initramfs_stale)
{
	char *home = path_join(tmpdir, "home");
	char *src = path_join(tu_repo(), "initramfs");
	ck_assert_int_eq(mkdir_p(home, 0755), 0);
	char *dst = path_join(home, "initramfs");
	ck_assert_int_eq(copy_tree(src, dst, NULL), 0);
	char *list_src = path_join(tu_repo(), QA_TESTS_LIST), *list_dst = path_join(home, QA_TESTS_LIST);
	char *qa_dir = path_join(home, "qa");
	ck_assert_int_eq(mkdir_p(qa_dir, 0755), 0);
	free(qa_dir);
	ck_assert_int_eq(copy_file(list_src, list_dst), 0);
	free(list_src);
	free(list_dst);
	char *stamp_file = path_join(tmpdir, "stamp");
	initramfs_stamp_against(home, stamp_file, NULL);
	char *why = NULL;
	ck_assert_int_eq(initramfs_stamp_against(home, stamp_file, &why), STAMP_MATCH); /* unchanged */
	free(why);
	why = NULL;
	tu_write(dst, "init", "#!/bin/sh\necho changed\n");
	ck_assert_int_eq(initramfs_stamp_against(home, stamp_file, &why), STAMP_DIFFERS);
	ck_assert_msg(why && strstr(why, "initramfs/init"), "%s", why ? why : "(no reason)");
	free(why);
	free(stamp_file);
	free(dst);
	free(src);
	free(home);
}
END_TEST

Suite *initramfs_suite(void)
{
	Suite *s = suite_create("initramfs");
	TCase *tc = tcase_create("build");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, contents);
	tcase_add_test(tc, reproducible);
	tcase_add_test(tc, private_library_dir);
	tcase_add_test(tc, bad_inputs_fail);
	tcase_add_test(tc, full_disk_fails_cleanly);
	tcase_add_test(tc, sysctl_conf_rejects);
	tcase_add_test(tc, init_passes_shellcheck);
	tcase_add_test(tc, skeleton_lines_checked);
	tcase_add_test(tc, plan_tests_come_from_the_list);
	tcase_add_test(tc, changed_init_makes_initramfs_stale);
	suite_add_tcase(s, tc);
	return s;
}
