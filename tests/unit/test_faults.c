/* Faults at the root: a full disk (a small tmpfs the test mounts) fails every
 * checked writer and leaves nothing a later run trusts; extracted modes lose
 * setuid/setgid/world-write; an interrupted extract's temporary tree is
 * removed by the next one. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/home.h"
#include "suites.h"
#include "core/profile.h"
#include "engine/pipeline.h"
#include "guest/ktap.h"
#include "kconfig/db.h"
#include "kernel/toolchain.h"
#include "lib/outfile.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "lib/tools.h"
#include "source/tree_digest.h"
#include "source/tree_links.h"
#include "engine/stage.h"
#include "core/records.h"
#include "source/pristine.h"
#include "lib/util.h"
#include "source/unpack.h"
#include "kconfig/verify.h"
#include "kconfig/resolve.h"
#include "source/patch_apply.h"
#include "fakebundle.h"
#include "package/manifest_verify.h"
#include "matrix/plan.h"
#include "source/series.h"
#include "kconfig/fragment.h"
#include "lib/json.h"
#include "testutil.h"

#define BIG (2u << 20) /* 2 MiB: larger than the small tmpfs */

/* A tar.gz holding top/big (len bytes, incompressible enough not to matter:
 * the limit is on the extracted size), top/suid (04755), top/open/ (0777). */
static void make_tarball(const char *path, size_t len)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	char *data = xmalloc(len);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i * 2654435761u >> 13);
	struct {
		const char *name;
		unsigned type, mode;
		size_t size;
	} ents[] = {
		{"top/", AE_IFDIR, 0755, 0},
		{"top/big", AE_IFREG, 0644, len},
		{"top/suid", AE_IFREG, 04755, 3},
		{"top/open/", AE_IFDIR, 0777, 0},
	};
	for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, ents[k].name);
		archive_entry_set_filetype(e, ents[k].type);
		archive_entry_set_perm(e, ents[k].mode);
		archive_entry_set_size(e, (la_int64_t)ents[k].size);
		archive_entry_set_mtime(e, 1300000000, 0);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (ents[k].size)
			ck_assert_int_eq(archive_write_data(a,
							    ents[k].type == AE_IFREG && k == 1 ? data : "abc",
							    ents[k].size),
					 (la_ssize_t)ents[k].size);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	free(data);
}

/* Whether dir holds an entry whose name starts with prefix. */
static bool has_entry(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	bool found = false;
	struct dirent *de;
	while ((de = readdir(d)))
		found |= !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return found;
}

START_TEST(extract_on_full_disk_fails)
{
	char *disk = tu_tmpfs("full-extract", "1M");
	if (!disk)
		return;
	char *work = tu_tmpdir("full-extract-src");
	char *tgz = path_join(work, "t.tar.gz");
	make_tarball(tgz, BIG);
	char *dest = path_join(disk, "src");
	kb_clear_error();
	ck_assert_int_eq(extract_archive(tgz, dest, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "No space left"), "%s", kb_last_error());
	ck_assert(!path_exists(dest));
	ck_assert(!has_entry(disk, "src.tmp."));
	tu_tmpfs_release(disk);
	rm_rf(work);
	free(work);
	free(tgz);
	free(dest);
}
END_TEST

/* The negative case: the same archive on a tmpfs that is large enough. */
START_TEST(extract_on_roomy_disk_works)
{
	char *disk = tu_tmpfs("roomy-extract", "8M");
	if (!disk)
		return;
	char *work = tu_tmpdir("roomy-extract-src");
	char *tgz = path_join(work, "t.tar.gz");
	make_tarball(tgz, BIG);
	char *dest = path_join(disk, "src");
	ck_assert_msg(extract_archive(tgz, dest, NULL) == 0, "%s", kb_last_error());
	char *big = path_join(dest, "big");
	struct stat st;
	ck_assert_int_eq(stat(big, &st), 0);
	ck_assert_int_eq(st.st_size, BIG);
	tu_tmpfs_release(disk);
	rm_rf(work);
	free(work);
	free(tgz);
	free(dest);
	free(big);
}
END_TEST

START_TEST(extract_strips_setuid_and_world_write)
{
	char *work = tu_tmpdir("modes");
	char *tgz = path_join(work, "t.tar.gz");
	make_tarball(tgz, 10);
	char *dest = path_join(work, "src");
	ck_assert_msg(extract_archive(tgz, dest, NULL) == 0, "%s", kb_last_error());
	struct stat st;
	char *suid = path_join(dest, "suid"), *open_dir = path_join(dest, "open");
	ck_assert_int_eq(stat(suid, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(stat(open_dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0775);
	rm_rf(work);
	free(work);
	free(tgz);
	free(dest);
	free(suid);
	free(open_dir);
}
END_TEST

START_TEST(interrupted_extract_temp_is_removed)
{
	char *work = tu_tmpdir("stale");
	char *tgz = path_join(work, "t.tar.gz");
	make_tarball(tgz, 10);
	tu_write(work, "src.tmp.999999/half-written", "x");
	char *dest = path_join(work, "src");
	ck_assert(has_entry(work, "src.tmp."));
	ck_assert_msg(extract_archive(tgz, dest, NULL) == 0, "%s", kb_last_error());
	ck_assert(!has_entry(work, "src.tmp."));
	rm_rf(work);
	free(work);
	free(tgz);
	free(dest);
}
END_TEST

START_TEST(atomic_write_on_full_disk_fails)
{
	char *disk = tu_tmpfs("full-write", "512k");
	if (!disk)
		return;
	char *data = xcalloc(1, BIG);
	char *p = path_join(disk, "record");
	kb_clear_error();
	ck_assert_int_eq(write_file_atomic(p, data, BIG), -1);
	ck_assert_msg(strstr(kb_last_error(), "No space left") && strstr(kb_last_error(), p), "%s",
		      kb_last_error());
	ck_assert(!path_exists(p));
	ck_assert(!has_entry(disk, "record"));
	/* a small one still fits: the helper is not failing for other reasons */
	ck_assert_int_eq(write_file_atomic(p, "ok\n", 3), 0);
	tu_tmpfs_release(disk);
	free(data);
	free(p);
}
END_TEST

START_TEST(fclose_checked_reports_a_full_disk)
{
	char *disk = tu_tmpfs("full-stdio", "256k");
	if (!disk)
		return;
	char *p = path_join(disk, "log");
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IOLBF, 0); /* as stage logs are: the error happens inside fprintf */
	for (int i = 0; i < 20000; i++)
		fprintf(f, "line %d of a build log that does not fit\n", i);
	kb_clear_error();
	ck_assert_int_eq(fclose_checked(f, p), -1);
	ck_assert_msg(strstr(kb_last_error(), p), "%s", kb_last_error());
	tu_tmpfs_release(disk);
	free(p);
}
END_TEST

/* A stage whose log does not fit fails, and leaves no stamp. */
static int run_chatty(struct run *r)
{
	char line[4000];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (int i = 0; i < 100; i++)
		fprintf(r->log, "%d %s\n", i, line);
	return 0;
}

START_TEST(stage_with_unwritable_log_fails_without_stamp)
{
	char *dir = tu_tmpdir("full-stagelog");
	char *logs = path_join(dir, "logs");
	ck_assert_int_eq(mkdir(logs, 0755), 0);
	char *disk = tu_tmpfs("full-stagelog-logs", "256k");
	if (!disk) {
		rm_rf(dir);
		return;
	}
	static struct settings set = {.name = "test"};
	static const struct stage chatty = {.name = "chatty", .summary = "", .run = run_chatty};
	const struct stage *const table[] = {&chatty};
	struct run r = {.set = &set, .home = dir, .outdir = dir, .logdir = disk};
	r.stampdir = path_join(dir, "stamps");
	ck_assert_int_ne(pipeline_run(&r, table, 1, 0), 0);
	char *stamp = path_join(r.stampdir, "chatty");
	ck_assert(!path_exists(stamp));
	tu_tmpfs_release(disk);
	rm_rf(dir);
	free(dir);
	free(logs);
	free(stamp);
	free(r.stampdir);
}
END_TEST

/* ---- qa-runner: no argument, line or test-count limit ---- */

/* Runs qa/qa-runner on a plan with one test: check.sh with nargs arguments,
 * each argpad bytes long; check.sh passes only when it got 45 arguments
 * and the last is the 45th. Returns qa-runner's exit status. */
static int run_plan(const char *dir, int nargs, size_t argpad)
{
	tu_write(dir, "check.sh",
		 "#!/bin/sh\n[ \"$#\" = 45 ] && case \"${45}\" in *a45) exit 0;; esac; exit 1\n");
	char *script = path_join(dir, "check.sh");
	ck_assert_int_eq(chmod(script, 0755), 0);
	char *plan = xasprintf("many %s", script);
	for (int i = 1; i <= nargs; i++) {
		char *more = xasprintf("%s %0*da%d", plan, (int)argpad, 0, i);
		free(plan);
		plan = more;
	}
	char *text = xasprintf("# comment\n%s\n", plan);
	tu_write(dir, "plan", text);
	char *plan_path = path_join(dir, "plan");
	char *runner = path_join(tu_repo(), "build/qa/qa-runner");
	char *argv[] = {runner, "-t", "20", plan_path, NULL};
	int st = tu_run(argv);
	free(script);
	free(plan);
	free(text);
	free(plan_path);
	free(runner);
	return st;
}

START_TEST(qa_runner_passes_every_argument)
{
	char *runner = path_join(tu_repo(), "build/qa/qa-runner");
	if (access(runner, X_OK) < 0) {
		free(runner);
		TU_SKIP(TU_SKIP_ENV, "build/qa/qa-runner is not built (make qa)");
	}
	free(runner);
	char *dir = tu_tmpdir("qa-runner");
	/* 45 arguments of ~40 bytes: past the old 31-argument and 1,023-byte cuts */
	ck_assert_int_eq(run_plan(dir, 45, 36), 0);
	/* negative: the script does fail when an argument is missing */
	ck_assert_int_eq(run_plan(dir, 44, 36), 1);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* ---- patches and symlinks ---- */

START_TEST(patch_created_symlink_out_of_tree_refused)
{
	if (!tu_in_path("patch"))
		TU_SKIP(TU_SKIP_ENV, "GNU patch is not installed (apt-get install patch)");
	char *dir = tu_tmpdir("patch-symlink");
	tu_write(dir, "tree/a/file", "x\n");
	tu_write(
		dir, "evil.patch",
		"diff --git a/a/evil b/a/evil\nnew file mode 120000\nindex 0000000..1111111\n"
		"--- /dev/null\n+++ b/a/evil\n@@ -0,0 +1 @@\n+../../outside\n\\ No newline at end of file\n");
	tu_write(dir, "fine.patch",
		 "diff --git a/a/fine b/a/fine\nnew file mode 120000\nindex 0000000..1111111\n"
		 "--- /dev/null\n+++ b/a/fine\n@@ -0,0 +1 @@\n+file\n\\ No newline at end of file\n");
	char *tree = path_join(dir, "tree"), *fine = path_join(dir, "fine.patch"),
	     *evil = path_join(dir, "evil.patch");
	char *fine_argv[] = {"patch", "-p1", "-s", "-d", tree, "-i", fine, NULL};
	ck_assert_int_eq(tu_run(fine_argv), 0);
	/* negative case: a link that stays inside passes */
	ck_assert_msg(tree_links_scan("series", tree) == 0, "%s", kb_last_error());
	char *evil_argv[] = {"patch", "-p1", "-s", "-d", tree, "-i", evil, NULL};
	ck_assert_int_eq(tu_run(evil_argv), 0);
	char *link = path_join(tree, "a/evil");
	struct stat st;
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode)); /* GNU patch did create it */
	ck_assert_int_eq(tree_links_scan("series", tree), -1);
	ck_assert_msg(strstr(kb_last_error(), "a/evil") && strstr(kb_last_error(), "outside"), "%s",
		      kb_last_error());
	rm_rf(dir);
	free(dir);
	free(tree);
	free(fine);
	free(evil);
	free(link);
}
END_TEST

/* ---- tree= sources are stamped by content ---- */

START_TEST(tree_digest_notices_edits)
{
	char *dir = tu_tmpdir("tree-digest");
	tu_write(dir, "Makefile", "VERSION = 6\n");
	tu_write(dir, "kernel/sched.c", "int x;\n");
	char a[SHA256_HEX_LEN + 1], b[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(tree_digest(dir, a), 0);
	ck_assert_int_eq(tree_digest(dir, b), 0);
	ck_assert_str_eq(a, b); /* negative case: no edit, same digest */
	/* same size, mtime put back: the edit still shows (ctime) */
	char *f = path_join(dir, "kernel/sched.c");
	struct stat st;
	ck_assert_int_eq(stat(f, &st), 0);
	tu_write(dir, "kernel/sched.c", "int y;\n");
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	ck_assert_int_eq(utimensat(AT_FDCWD, f, times, 0), 0);
	ck_assert_int_eq(tree_digest(dir, b), 0);
	ck_assert_str_ne(a, b);
	/* a new file */
	ck_assert_int_eq(tree_digest(dir, a), 0);
	tu_write(dir, "new.c", "");
	ck_assert_int_eq(tree_digest(dir, b), 0);
	ck_assert_str_ne(a, b);
	rm_rf(dir);
	free(dir);
	free(f);
}
END_TEST

/* ---- the re-extract checks the digest again ---- */

START_TEST(re_extract_verifies_the_digest)
{
	char *dir = tu_tmpdir("re-extract");
	char *tgz = path_join(dir, "t.tar.gz");
	make_tarball(tgz, 10);
	char good[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tgz, good), 0);
	static struct settings set = {.name = "test"};
	struct run r = {.set = &set, .home = dir, .outdir = dir};
	r.srcdir = path_join(dir, "src");
	r.log = fopen("/dev/null", "w");
	struct source_rec rec = {.kind = "tarball",
				 .path = tgz,
				 .sha256 = good,
				 .verified = "yes",
				 .origin = tgz};
	ck_assert_msg(source_rec_put(&r, &rec) == 0, "%s", kb_last_error());
	ck_assert_msg(pristine_tree(&r) == 0, "%s", kb_last_error());
	/* the cached file is replaced behind kbuild's back */
	make_tarball(tgz, 20);
	ck_assert_int_eq(pristine_tree(&r), -1);
	ck_assert_msg(strstr(kb_last_error(), "changed since it was verified"), "%s", kb_last_error());
	ck_assert(!path_exists(r.srcdir));
	fclose(r.log);
	rm_rf(dir);
	free(dir);
	free(tgz);
	free(r.srcdir);
}
END_TEST

/* ---- clean, status and the output directory ---- */

START_TEST(clean_refuses_what_kbuild_did_not_make)
{
	char *dir = tu_tmpdir("clean");
	tu_write(dir, "precious", "keep me\n");
	char *o = xasprintf("O=%s", dir);
	const char *args[] = {"clean", o};
	char *out = NULL;
	ck_assert_int_ne(tu_kbuild("clean", args, 2, NULL, &out), 0);
	ck_assert_msg(strstr(out, "not a kbuild output directory"), "%s", out);
	ck_assert(path_exists(dir));
	free(out);
	/* the checkout itself, even when marked */
	char *ro = xasprintf("O=%s", tu_repo());
	const char *args2[] = {"clean", ro};
	ck_assert_int_ne(tu_kbuild("clean", args2, 2, NULL, &out), 0);
	ck_assert_msg(strstr(out, "refusing to clean"), "%s", out);
	free(out);
	/* negative case: a marked output directory is removed */
	tu_write(dir, ".kbuild-output", "kbuild output directory\n");
	ck_assert_int_eq(tu_kbuild("clean", args, 2, NULL, &out), 0);
	ck_assert(!path_exists(dir));
	free(out);
	free(o);
	free(ro);
	free(dir);
}
END_TEST

START_TEST(status_creates_nothing)
{
	char *dir = tu_tmpdir("status");
	char *o_dir = path_join(dir, "never-made");
	char *o = xasprintf("O=%s", o_dir);
	const char *args[] = {"status", o};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("status", args, 2, NULL, &out), 0);
	ck_assert_msg(strstr(out, "fetch") && strstr(out, "not run"), "%s", out);
	ck_assert(!path_exists(o_dir));
	free(out);
	const char *cargs[] = {"clean", o};
	ck_assert_int_eq(tu_kbuild("clean", cargs, 2, NULL, &out), 0);
	ck_assert(!path_exists(o_dir));
	free(out);
	rm_rf(dir);
	free(dir);
	free(o_dir);
	free(o);
}
END_TEST

START_TEST(no_home_no_tmp_cache)
{
	char *saved_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	unsetenv("HOME");
	unsetenv("KBUILD_CACHE");
	unsetenv("XDG_CACHE_HOME");
	kb_clear_error();
	char *c = kbuild_cache();
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(kb_last_error(), "KBUILD_CACHE") && strstr(kb_last_error(), "HOME"), "%s",
		      kb_last_error());
	setenv("HOME", "/nonexistent-home", 1);
	c = kbuild_cache();
	ck_assert_str_eq(c, "/nonexistent-home/.cache/kbuild");
	free(c);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	free(saved_home);
}
END_TEST

/* ---- a missing tool names its Debian package ---- */

START_TEST(missing_tool_names_the_package)
{
	ck_assert_str_eq(tool_debian_package("qemu-system-x86_64"), "qemu-system-x86");
	ck_assert_str_eq(tool_debian_package("/bin/busybox"), "busybox-static");
	ck_assert_str_eq(tool_debian_package("patch"), "patch");
	ck_assert_ptr_null(tool_debian_package("no-such-tool-kbuild"));
	/* through spawn, where exec fails: PATH without patch */
	char *saved = xstrdup(getenv("PATH"));
	setenv("PATH", "/nonexistent", 1);
	char *argv[] = {"patch", "--version", NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	kb_clear_error();
	int st = spawn_run(argv, &o);
	setenv("PATH", saved, 1);
	free(saved);
	ck_assert_int_eq(st, 127);
	ck_assert_msg(strstr(kb_last_error(), "apt-get install patch"), "%s", kb_last_error());
	/* negative: the same program where it exists runs */
	if (tu_in_path("patch"))
		ck_assert_int_eq(spawn_run(argv, &o), 0);
}
END_TEST

START_TEST(missing_compiler_is_named)
{
	char *home = tu_tmpdir("cc-check");
	tu_write(
		home, "configs/profiles/t.ini",
		"[source]\nversion = 1\n[config]\nbase = tinyconfig\n[build]\ncc = distcc gcc-kbuild-none\n");
	struct profile p;
	ck_assert_msg(profile_load(home, "t", &p) == 0, "%s", kb_last_error());
	struct settings set;
	settings_resolve(&p, &set);
	struct run r = {.set = &set, .home = home};
	bool have_distcc = tu_in_path("distcc");
	ck_assert_int_eq(toolchain_check(&r), -1);
	ck_assert_msg(strstr(kb_last_error(), have_distcc ? "gcc-kbuild-none" : "apt-get install distcc"),
		      "%s", kb_last_error());
	/* negative case: the default compiler is there */
	ck_assert_int_eq(profile_override(&p, "cc=gcc"), 0);
	settings_free(&set);
	settings_resolve(&p, &set);
	ck_assert_msg(toolchain_check(&r) == 0, "%s", kb_last_error());
	settings_free(&set);
	profile_free(&p);
	rm_rf(home);
	free(home);
}
END_TEST

/* ---- the guest's output is untrusted ---- */

START_TEST(guest_plan_cannot_exhaust_memory)
{
	static const char text[] = "KTAP version 1\n1..2000000000\nok 1 first\n";
	struct ktap_report r;
	ck_assert_int_eq(ktap_parse(text, sizeof(text) - 1, &r), 0);
	ck_assert_int_ge(r.root.plan, 1000000); /* clamped, still far more than reported */
	/* bounded placeholders, and the missing ones still show */
	ck_assert_uint_le(r.root.nsub, 1 + 1024);
	ck_assert_uint_gt(r.root.nsub, 1);
	ck_assert_int_eq(r.root.sub[1].status, TEST_MISSING);
	ktap_report_free(&r);
	/* numbers past LONG_MAX, and counting on from the largest (found by fuzz_ktap) */
	static const char big[] = "KTAP version 1\nok 9223372036854775807 a\nok b\n# duration_ms: -5\n";
	ck_assert_int_eq(ktap_parse(big, sizeof(big) - 1, &r), 0);
	ck_assert_int_eq(r.root.nsub, 2);
	ck_assert_int_gt(r.root.sub[1].number, r.root.sub[0].number);
	ktap_report_free(&r);
}
END_TEST

/* A Kconfig that sources itself is read once more at most, not 2^64 times
 * (found by fuzz_kconfig). */
START_TEST(kconfig_source_cycle_is_cut)
{
	char *tree = tu_tmpdir("kconfig-cycle");
	tu_write(tree, "Kconfig", "config A\n\tbool \"a\"\nsource \"/Kconfig\"\nsource \"Kconfig\"\n");
	tu_write(tree, "arch/x86/Kconfig", "config B\n\tbool\n");
	double t0 = now_seconds();
	struct kconfig_db *db = kconfig_db_load(tree, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_double_lt(now_seconds() - t0, 5);
	ck_assert_msg(strstr(kconfig_db_warnings(db), "recursive inclusion"), "%s", kconfig_db_warnings(db));
	ck_assert_ptr_nonnull(kconfig_db_find(db, "A"));
	kconfig_db_free(db);
	/* negative case: the same file sourced from two others is no cycle */
	tu_write(tree, "Kconfig", "source \"a/Kconfig\"\nsource \"b/Kconfig\"\n");
	tu_write(tree, "a/Kconfig", "source \"common/Kconfig\"\n");
	tu_write(tree, "b/Kconfig", "source \"common/Kconfig\"\n");
	tu_write(tree, "common/Kconfig", "config C\n\tbool\n");
	db = kconfig_db_load(tree, "x86");
	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_null(strstr(kconfig_db_warnings(db), "recursive"));
	kconfig_db_free(db);
	rm_rf(tree);
	free(tree);
}
END_TEST

/* The user's view of a full disk: `kbuild extract` with O on a 1 MiB tmpfs
 * fails with one line naming the error, leaves no stamp and no temporary
 * tree, and the same command on a roomy O then finishes. */
START_TEST(kbuild_extract_on_full_disk)
{
	char *home = tu_tmpdir("full-kbuild");
	char *disk = tu_tmpfs("full-kbuild-o", "1M");
	if (!disk) {
		rm_rf(home);
		free(home);
		return;
	}
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = tinyconfig\n");
	char *tgz = path_join(home, "t.tar.gz");
	make_tarball(tgz, BIG);
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tgz, hex), 0);
	char *src = xasprintf("source=%s", tgz), *sha = xasprintf("sha256=%s", hex);
	char *o = xasprintf("O=%s/out", disk), *env_home = xasprintf("KBUILD_HOME=%s", home);
	char *cache = xasprintf("KBUILD_CACHE=%s/cache", home);
	char *env[] = {env_home, cache, NULL};
	const char *args[] = {"extract", "profile=t", src, sha, o};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("full", args, 5, env, &out), 1);
	ck_assert_msg(strstr(out, "kbuild: extract: ") && strstr(out, "No space left on device"), "%s", out);
	char *stamp = xasprintf("%s/out/stamps/extract", disk), *outdir = xasprintf("%s/out", disk);
	ck_assert(!path_exists(stamp));
	ck_assert(!has_entry(outdir, "src.tmp."));
	ck_assert(!has_entry(outdir, "src"));
	free(out);
	/* negative case: the same on a roomy O */
	char *o2 = xasprintf("O=%s/out", home);
	const char *args2[] = {"extract", "profile=t", src, sha, o2};
	ck_assert_int_eq(tu_kbuild("roomy", args2, 5, env, &out), 0);
	free(out);
	tu_tmpfs_release(disk);
	rm_rf(home);
	free(home);
	free(tgz);
	free(src);
	free(sha);
	free(o);
	free(o2);
	free(env_home);
	free(cache);
	free(stamp);
	free(outdir);
}
END_TEST

/* A tar.gz at path holding top/NAME = TEXT for each pair of files (NULL-ended). */
static void make_text_tarball(const char *path, const char *const *files)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "top/");
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	archive_entry_free(e);
	for (size_t k = 0; files[k]; k += 2) {
		char *name = xasprintf("top/%s", files[k]);
		e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(files[k + 1]));
		archive_entry_set_mtime(e, 1300000000, 0);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, files[k + 1], strlen(files[k + 1])),
				 (la_ssize_t)strlen(files[k + 1]));
		archive_entry_free(e);
		free(name);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* "source=PATH" and "sha256=HEX" for a tarball (both malloc'd). */
static void source_args(const char *tgz, char **src, char **sha)
{
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tgz, hex), 0);
	*src = xasprintf("source=%s", tgz);
	*sha = xasprintf("sha256=%s", hex);
}

/* A kbuild home with profile t (tarball X, a one-patch series) for the
 * end-to-end fault cases; *env gets KBUILD_HOME and KBUILD_CACHE. */
static char *patch_home(const char *tag, char *env[3])
{
	char *home = tu_tmpdir(tag);
	tu_write(home, "configs/profiles/t.ini",
		 "[source]\nversion = 1\n[patches]\nseries = patches/series\n[config]\nbase = tinyconfig\n");
	tu_write(home, "patches/series", "hello.patch\n");
	tu_write(home, "patches/hello.patch",
		 "--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-hello\n+hello, patched\n");
	char *x = path_join(home, "x.tar.gz"), *y = path_join(home, "y.tar.gz");
	make_text_tarball(x, (const char *const[]){"hello.txt", "hello\n", NULL});
	make_text_tarball(y, (const char *const[]){"hello.txt", "hello\n", "other.txt", "y\n", NULL});
	free(x);
	free(y);
	env[0] = xasprintf("KBUILD_HOME=%s", home);
	env[1] = xasprintf("KBUILD_CACHE=%s/cache", home);
	env[2] = NULL;
	return home;
}

static void free_env(char *env[3])
{
	free(env[0]);
	free(env[1]);
}

/* The critical case: `patch` (X), `extract` of another tarball Y, `extract`
 * of X again: the third run's extract has the first run's inputs and so its
 * digest; the patch stamp made over the first tree must not vouch for the
 * new, unpatched one. */
START_TEST(rerun_of_earlier_stage_invalidates_later_stamps)
{
	char *env[3];
	char *home = patch_home("stale-patch", env);
	char *x = path_join(home, "x.tar.gz"), *y = path_join(home, "y.tar.gz");
	char *xs, *xh, *ys, *yh;
	source_args(x, &xs, &xh);
	source_args(y, &ys, &yh);
	char *o = xasprintf("O=%s/out", home);
	char *out = NULL;
	const char *patch_x[] = {"patch", "profile=t", xs, xh, o};
	ck_assert_int_eq(tu_kbuild("patch-x", patch_x, 5, env, &out), 0);
	free(out);
	const char *extract_y[] = {"extract", "profile=t", ys, yh, o};
	ck_assert_int_eq(tu_kbuild("extract-y", extract_y, 5, env, &out), 0);
	free(out);
	const char *extract_x[] = {"extract", "profile=t", xs, xh, o};
	ck_assert_int_eq(tu_kbuild("extract-x", extract_x, 5, env, &out), 0);
	free(out);
	/* status does not call the patch stage done over the unpatched tree */
	const char *status[] = {"status", "profile=t", xs, xh, o};
	ck_assert_int_eq(tu_kbuild("status", status, 5, env, &out), 0);
	ck_assert_msg(!strstr(out, "patch       done"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_kbuild("patch-again", patch_x, 5, env, &out), 0);
	ck_assert_msg(!strstr(out, "up to date") || !strstr(strstr(out, "patch"), "up to date"), "%s", out);
	free(out);
	char *hello = xasprintf("%s/out/src/hello.txt", home);
	char *text = read_file(hello, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "hello, patched\n");
	free(text);
	free(hello);
	rm_rf(home);
	free(home);
	free(x);
	free(y);
	free(xs);
	free(xh);
	free(ys);
	free(yh);
	free(o);
	free_env(env);
}
END_TEST

/* ---- text inputs: NUL bytes, kinds, sizes (lib/util.c read_text) ---- */

/* dir/name holding len bytes of data (which may hold NULs). */
static char *write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
	char *p = path_join(dir, name);
	ck_assert_int_eq(write_file_atomic(p, data, len), 0);
	return p;
}

/* A NUL in a series stopped the parser: later patches were never applied. */
START_TEST(nul_in_series_is_refused)
{
	char *dir = tu_tmpdir("nul-series");
	tu_write(dir, "a.patch", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n");
	tu_write(dir, "b.patch", "--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n");
	static const char text[] = "a.patch\n\0b.patch\n";
	char *series = write_bytes(dir, "series", text, sizeof(text) - 1);
	struct series ser;
	kb_clear_error();
	ck_assert_int_eq(series_load(series, &ser), -1);
	char *want = xasprintf("%s:2: a NUL byte", series);
	ck_assert_msg(strstr(kb_last_error(), want), "%s", kb_last_error());
	/* negative: without the NUL both patches are listed */
	free(series);
	series = write_bytes(dir, "series", "a.patch\nb.patch\n", 16);
	ck_assert_msg(series_load(series, &ser) == 0, "%s", kb_last_error());
	ck_assert_uint_eq(ser.n, 2);
	series_free(&ser);
	rm_rf(dir);
	free(dir);
	free(series);
	free(want);
}
END_TEST

/* A NUL in a fragment: later options were neither requested nor verified. */
START_TEST(nul_in_fragment_is_refused)
{
	char *dir = tu_tmpdir("nul-fragment");
	static const char text[] = "CONFIG_A=y\nCONFIG_B=y\0\nCONFIG_C=y\n";
	char *frag = write_bytes(dir, "f.config", text, sizeof(text) - 1);
	struct kopt_set set = {0};
	kb_clear_error();
	ck_assert_int_eq(fragment_parse(frag, &set, false, NULL), -1);
	char *want = xasprintf("%s:2: a NUL byte", frag);
	ck_assert_msg(strstr(kb_last_error(), want), "%s", kb_last_error());
	kopt_set_free(&set);
	struct kopt_set dot = {0};
	ck_assert_int_eq(dotconfig_read(frag, &dot), -1);
	kopt_set_free(&dot);
	rm_rf(dir);
	free(dir);
	free(frag);
	free(want);
}
END_TEST

/* A NUL in a profile value dropped the rest of the line. */
START_TEST(nul_in_profile_is_refused)
{
	char *home = tu_tmpdir("nul-profile");
	static const char text[] = "[source]\nversion = 1\0 and the rest\n[config]\nbase = tinyconfig\n";
	char *dir = path_join(home, "configs/profiles");
	ck_assert_int_eq(mkdir_p(dir, 0755), 0);
	char *ini = write_bytes(dir, "t.ini", text, sizeof(text) - 1);
	struct profile p;
	kb_clear_error();
	ck_assert_int_eq(profile_load(home, "t", &p), -1);
	char *want = xasprintf("%s:2: a NUL byte", ini);
	ck_assert_msg(strstr(kb_last_error(), want), "%s", kb_last_error());
	rm_rf(home);
	free(home);
	free(dir);
	free(ini);
	free(want);
}
END_TEST

/* A NUL in a record between stages. */
START_TEST(nul_in_record_is_refused)
{
	char *dir = tu_tmpdir("nul-record");
	static struct settings set = {.name = "test"};
	struct run r = {.set = &set, .home = dir, .outdir = dir};
	static const char text[] = "kind tarball\npath /x\0/y\nsha256 none\n";
	char *rec = write_bytes(dir, "source.rec", text, sizeof(text) - 1);
	struct source_rec src;
	kb_clear_error();
	ck_assert_int_eq(source_rec_get(&r, &src), -1);
	ck_assert_msg(strstr(kb_last_error(), ":2: a NUL byte"), "%s", kb_last_error());
	rm_rf(dir);
	free(dir);
	free(rec);
}
END_TEST

/* Special files: a FIFO, /dev/zero, a directory are refused at once (not
 * waited on or read forever), by every reader and by the hash. */
START_TEST(special_files_are_refused_by_readers)
{
	char *dir = tu_tmpdir("special");
	char *fifo = path_join(dir, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	const char *paths[] = {fifo, "/dev/zero", dir};
	const char *kinds[] = {"is a fifo", "is a character device", "is a directory"};
	for (size_t i = 0; i < 3; i++) {
		kb_clear_error();
		ck_assert_ptr_null(read_file(paths[i], NULL));
		ck_assert_msg(strstr(kb_last_error(), kinds[i]), "%s", kb_last_error());
		ck_assert_ptr_null(read_text(paths[i], NULL));
		char hex[SHA256_HEX_LEN + 1];
		ck_assert_int_eq(sha256_file(paths[i], hex), -1);
		ck_assert_msg(strstr(kb_last_error(), kinds[i]), "%s", kb_last_error());
		ck_assert_ptr_null(json_read_file(paths[i]));
	}
	/* a regular file of the same name reads (the negative case) */
	char *plain = write_bytes(dir, "plain", "{}", 2);
	json_t *j = json_read_file(plain);
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	rm_rf(dir);
	free(dir);
	free(fifo);
	free(plain);
}
END_TEST

/* A text input past READ_TEXT_MAX is refused, not read into memory. */
START_TEST(oversized_text_is_refused)
{
	char *dir = tu_tmpdir("big-series");
	char *series = path_join(dir, "series");
	int fd = open(series, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)READ_TEXT_MAX + 1), 0); /* sparse: cheap */
	close(fd);
	struct series ser;
	kb_clear_error();
	ck_assert_int_eq(series_load(series, &ser), -1);
	ck_assert_msg(strstr(kb_last_error(), "larger than"), "%s", kb_last_error());
	rm_rf(dir);
	free(dir);
	free(series);
}
END_TEST

/* The commands: source=/dev/zero and source=FIFO fail the fetch stage at
 * once; a profile that is a symlink to /dev/zero breaks `list` with the
 * reason instead of hanging it; `compare` on a FIFO fails. */
START_TEST(special_files_fail_commands)
{
	char *home = tu_tmpdir("special-cmd");
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = tinyconfig\n");
	char *fifo = path_join(home, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	char *env[] = {xasprintf("KBUILD_HOME=%s", home), xasprintf("KBUILD_CACHE=%s/cache", home), NULL};
	char *o = xasprintf("O=%s/out", home);
	char *zero_sha = xasprintf("sha256=%064d", 0);
	const char *sources[] = {"source=/dev/zero", NULL};
	char *fifo_src = xasprintf("source=%s", fifo);
	sources[1] = fifo_src;
	for (size_t i = 0; i < 2; i++) {
		const char *args[] = {"fetch", "profile=t", sources[i], zero_sha, o};
		char *out = NULL;
		ck_assert_int_eq(tu_kbuild("special-fetch", args, 5, env, &out), 1);
		ck_assert_msg(strstr(out, "not a regular file"), "%s", out);
		free(out);
	}
	char *link = path_join(home, "configs/profiles/z.ini");
	ck_assert_int_eq(symlink("/dev/zero", link), 0);
	const char *list[] = {"list"};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("special-list", list, 1, env, &out), 1);
	ck_assert_msg(strstr(out, "z ") && strstr(out, "character device"), "%s", out);
	ck_assert_msg(strstr(out, "t "), "%s", out); /* the other profile still listed */
	free(out);
	const char *cmp[] = {"compare", fifo, fifo};
	ck_assert_int_ne(tu_kbuild("special-compare", cmp, 3, env, &out), 0);
	ck_assert_msg(strstr(out, "is a fifo"), "%s", out);
	free(out);
	rm_rf(home);
	free(home);
	free(fifo);
	free(fifo_src);
	free(env[0]);
	free(env[1]);
	free(o);
	free(zero_sha);
	free(link);
}
END_TEST

/* ---- long paths, removal, archive bounds ---- */

/* A tar.gz at path with entries (name, type, size of zeros); NULL-ended. */
struct tent {
	const char *name;
	unsigned type;
	size_t size;
};
static void make_archive(const char *path, const struct tent *ents)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	static char zeros[1 << 20];
	for (size_t k = 0; ents[k].name; k++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, ents[k].name);
		archive_entry_set_filetype(e, ents[k].type);
		archive_entry_set_perm(e, ents[k].type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_size(e, (la_int64_t)ents[k].size);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		for (size_t left = ents[k].size; left;) {
			size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
			ck_assert_int_eq(archive_write_data(a, zeros, n), (la_ssize_t)n);
			left -= n;
		}
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* A name of depth levels "dddd/dddd/..." plus "/f" (malloc'd). */
static char *deep_name(size_t depth)
{
	char *n = xmalloc(depth * 5 + 3);
	for (size_t i = 0; i < depth; i++)
		memcpy(n + i * 5, "dddd/", 5);
	strcpy(n + depth * 5, "f");
	return n;
}

/* An entry whose path in the tree would pass PATH_MAX extracted fine, and
 * then neither clean nor a re-extract could remove it. */
START_TEST(extract_refuses_paths_past_path_max)
{
	char *dir = tu_tmpdir("pathmax");
	char *tgz = path_join(dir, "t.tar.gz"), *dest = path_join(dir, "src");
	char *name = deep_name(900); /* 4,500 bytes */
	char *full = xasprintf("top/%s", name);
	make_archive(tgz,
		     (const struct tent[]){{"top/Makefile", AE_IFREG, 1}, {full, AE_IFREG, 1}, {NULL, 0, 0}});
	kb_clear_error();
	ck_assert_int_eq(extract_archive(tgz, dest, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "PATH_MAX"), "%s", kb_last_error());
	ck_assert_uint_lt(strlen(kb_last_error()), 1000); /* one readable line, not the 4 KiB name */
	ck_assert(!path_exists(dest));
	ck_assert(!has_entry(dir, "src.tmp."));
	rm_rf(dir);
	free(dir);
	free(tgz);
	free(dest);
	free(name);
	free(full);
}
END_TEST

/* rm_rf (clean, re-extract, every temporary tree) removes a tree whose paths
 * are far past PATH_MAX and deeper than the descriptors a process may hold. */
START_TEST(rm_rf_removes_trees_past_path_max)
{
	char *dir = tu_tmpdir("deep");
	char *top = path_join(dir, "tree");
	ck_assert_int_eq(mkdir(top, 0755), 0);
	int fd = open(top, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 1500; i++) { /* 7,500 bytes, 1,500 levels */
		ck_assert_int_eq(mkdirat(fd, "dddd", 0755), 0);
		int f = openat(fd, "f", O_WRONLY | O_CREAT, 0644);
		ck_assert_int_ge(f, 0);
		close(f);
		int nfd = openat(fd, "dddd", O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(nfd, 0);
		close(fd);
		fd = nfd;
	}
	close(fd);
	kb_clear_error();
	ck_assert_msg(rm_rf(top) == 0, "%s", kb_last_error());
	ck_assert(!path_exists(top));
	/* the same through `kbuild clean` on a marked output directory */
	char *o_dir = path_join(dir, "out");
	tu_write(o_dir, ".kbuild-output", "kbuild output directory\n");
	char *src = path_join(o_dir, "src");
	ck_assert_int_eq(mkdir(src, 0755), 0);
	fd = open(src, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 1000; i++) {
		ck_assert_int_eq(mkdirat(fd, "dddd", 0755), 0);
		int nfd = openat(fd, "dddd", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = nfd;
	}
	close(fd);
	char *o = xasprintf("O=%s", o_dir);
	const char *args[] = {"clean", o};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("clean-deep", args, 2, NULL, &out), 0);
	ck_assert(!path_exists(o_dir));
	free(out);
	rm_rf(dir);
	free(dir);
	free(top);
	free(o_dir);
	free(src);
	free(o);
}
END_TEST

/* 100 MiB of zeros in a ~100 KiB tar.gz wrote until the disk was full: the
 * bound (100 times the archive, at least 64 MiB) stops it. */
START_TEST(extract_bomb_is_bounded)
{
	char *dir = tu_tmpdir("bomb");
	char *tgz = path_join(dir, "t.tar.gz"), *dest = path_join(dir, "src");
	make_archive(tgz, (const struct tent[]){{"top/zeros", AE_IFREG, 100u << 20}, {NULL, 0, 0}});
	kb_clear_error();
	ck_assert_int_eq(extract_archive(tgz, dest, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "decompression bomb"), "%s", kb_last_error());
	ck_assert(!path_exists(dest));
	ck_assert(!has_entry(dir, "src.tmp."));
	/* negative: 8 MiB of zeros (below the 64 MiB floor) unpacks */
	make_archive(tgz, (const struct tent[]){{"top/zeros", AE_IFREG, 8u << 20}, {NULL, 0, 0}});
	ck_assert_msg(extract_archive(tgz, dest, NULL) == 0, "%s", kb_last_error());
	rm_rf(dir);
	free(dir);
	free(tgz);
	free(dest);
}
END_TEST

/* Two top-level directories, an archive of one empty directory, an archive
 * of directories only: the extract stage stamped them done. */
START_TEST(extract_refuses_what_is_not_one_tree)
{
	char *dir = tu_tmpdir("not-one-tree");
	char *tgz = path_join(dir, "t.tar.gz");
	static struct settings set = {.name = "test"};
	struct run r = {.set = &set, .home = dir, .outdir = dir};
	r.srcdir = path_join(dir, "src");
	r.log = fopen("/dev/null", "w");
	const struct tent two[] = {{"a/Makefile", AE_IFREG, 1}, {"b/Makefile", AE_IFREG, 1}, {NULL, 0, 0}};
	const struct tent empty[] = {{"top/", AE_IFDIR, 0}, {NULL, 0, 0}};
	const struct tent dirs[] = {{"top/a/", AE_IFDIR, 0}, {"top/b/", AE_IFDIR, 0}, {NULL, 0, 0}};
	const struct tent *cases[] = {two, empty, dirs};
	const char *why[] = {"2 top-level directories ('a/', 'b/'", "only directories", "only directories"};
	for (size_t i = 0; i < 3; i++) {
		make_archive(tgz, cases[i]);
		char hex[SHA256_HEX_LEN + 1];
		ck_assert_int_eq(sha256_file(tgz, hex), 0);
		struct source_rec rec = {.kind = "tarball",
					 .path = tgz,
					 .sha256 = hex,
					 .verified = "yes",
					 .origin = tgz};
		ck_assert_int_eq(source_rec_put(&r, &rec), 0);
		kb_clear_error();
		ck_assert_int_eq(pristine_tree(&r), -1);
		ck_assert_msg(strstr(kb_last_error(), why[i]), "%zu: %s", i, kb_last_error());
		ck_assert(!path_exists(r.srcdir));
	}
	/* negative: one tree, and a flat tarball with files at its root */
	const struct tent one[] = {{"top/Makefile", AE_IFREG, 1}, {"top/a/x", AE_IFREG, 1}, {NULL, 0, 0}};
	const struct tent flat[] = {{"Makefile", AE_IFREG, 1},
				    {"a/x", AE_IFREG, 1},
				    {"b/y", AE_IFREG, 1},
				    {NULL, 0, 0}};
	const struct tent *good[] = {one, flat};
	for (size_t i = 0; i < 2; i++) {
		make_archive(tgz, good[i]);
		char hex[SHA256_HEX_LEN + 1];
		ck_assert_int_eq(sha256_file(tgz, hex), 0);
		struct source_rec rec = {.kind = "tarball",
					 .path = tgz,
					 .sha256 = hex,
					 .verified = "yes",
					 .origin = tgz};
		ck_assert_int_eq(source_rec_put(&r, &rec), 0);
		ck_assert_msg(pristine_tree(&r) == 0, "%s", kb_last_error());
	}
	fclose(r.log);
	rm_rf(dir);
	free(dir);
	free(tgz);
	free(r.srcdir);
}
END_TEST

/* ---- O= and matrix labels reach make ---- */

/* O='dir$(shell touch …)' ran the command through make's expansion, and an
 * O with a blank failed late with the reason only in the log: both are
 * refused before anything is created. */
START_TEST(o_that_make_would_misread_is_refused)
{
	char *home = tu_tmpdir("o-check");
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = tinyconfig\n");
	char *env[] = {xasprintf("KBUILD_HOME=%s", home), xasprintf("KBUILD_CACHE=%s/cache", home), NULL};
	char *tgz = path_join(home, "t.tar.gz");
	make_text_tarball(tgz, (const char *const[]){"Makefile", "all:\n", NULL});
	char *src, *sha;
	source_args(tgz, &src, &sha);
	const char *bad[] = {"dir$(shell touch pwned)", "with space", "a:b", "x#y"};
	for (size_t i = 0; i < 4; i++) {
		char *o_dir = path_join(home, bad[i]);
		char *o = xasprintf("O=%s", o_dir);
		const char *args[] = {"extract", "profile=t", src, sha, o};
		char *out = NULL;
		ck_assert_int_eq(tu_kbuild("o-check", args, 5, env, &out), 1);
		ck_assert_msg(strstr(out, "make would misread it"), "%s", out);
		ck_assert(!path_exists(o_dir));
		free(out);
		free(o_dir);
		free(o);
	}
	/* negative: a plain O works */
	char *o = xasprintf("O=%s/out-1.0_x", home);
	const char *args[] = {"extract", "profile=t", src, sha, o};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("o-check", args, 5, env, &out), 0);
	free(out);
	rm_rf(home);
	free(home);
	free(env[0]);
	free(env[1]);
	free(tgz);
	free(src);
	free(sha);
	free(o);
}
END_TEST

/* A matrix row's label is its output directory: '$' was allowed. */
START_TEST(matrix_label_that_make_would_misread_is_refused)
{
	char *dir = tu_tmpdir("label");
	tu_write(dir, "rows", "a$(shell:x) profile=ceph\n");
	char *list = path_join(dir, "rows");
	char *arg = xasprintf("list=%s", list);
	char *argv[] = {arg};
	struct matrix_plan p;
	kb_clear_error();
	ck_assert_int_eq(matrix_parse(1, argv, 2, &p), -1);
	ck_assert_msg(strstr(kb_last_error(), "rows:1: 'a$(shell:x)' is not a label"), "%s", kb_last_error());
	matrix_plan_free(&p);
	tu_write(dir, "rows", "ok-1.0 profile=ceph\n");
	ck_assert_msg(matrix_parse(1, argv, 2, &p) == 0, "%s", kb_last_error());
	matrix_plan_free(&p);
	rm_rf(dir);
	free(dir);
	free(list);
	free(arg);
}
END_TEST

/* ---- kbuild verify ---- */

static int verify_to(const char *bundle, const char *root, const char *release, char **report)
{
	size_t len;
	FILE *f = open_memstream(report, &len);
	int rc = verify_bundle(bundle, root, release, f);
	fclose(f);
	fprintf(stderr, "%s", *report);
	return rc;
}

/* `verify root=` with `lib -> /elsewhere` inside the root checked the
 * host's /elsewhere and answered "all entries match". */
START_TEST(verify_root_resolves_inside_the_root)
{
	struct fakebundle fb;
	fake_stage(&fb, "verify-inroot");
	fake_bundle(&fb, "tree", "b.tar.xz");
	char *root = path_join(fb.dir, "host");
	ck_assert_int_eq(extract_archive(fb.tarball, root, NULL), 0);
	char *rep;
	ck_assert_int_eq(verify_to(fb.tarball, root, NULL, &rep), 0); /* negative: the real root */
	free(rep);
	/* the root's lib moves elsewhere on the host; an absolute link replaces it */
	char *lib = path_join(root, "lib"), *elsewhere = path_join(fb.dir, "elsewhere");
	ck_assert_int_eq(rename(lib, elsewhere), 0);
	ck_assert_int_eq(symlink(elsewhere, lib), 0);
	ck_assert_int_eq(verify_to(fb.tarball, root, NULL, &rep), 1);
	ck_assert_msg(strstr(rep, "missing lib/modules/"), "%s", rep);
	ck_assert_msg(strstr(rep, "note: lib -> ") && strstr(rep, "leads out of"), "%s", rep);
	ck_assert_ptr_null(strstr(rep, "all "));
	free(rep);
	free(lib);
	free(elsewhere);
	free(root);
	fake_free(&fb);
}
END_TEST

/* A MANIFEST listing entries below one of its own symlinks, and a second,
 * unlisted MANIFEST in a bundle, were accepted. */
START_TEST(verify_refuses_entries_below_links_and_second_manifest)
{
	struct manifest m = {0};
	const char *text =
		"kbuild-manifest 1\nrelease 9\n"
		"dir 0755 lib\n"
		"link 0777 0000000000000000000000000000000000000000000000000000000000000000 lib/m -> /etc\n"
		"file 0644 0000000000000000000000000000000000000000000000000000000000000000 lib/m/passwd\n";
	ck_assert_msg(manifest_parse(text, "M", &m) == 0, "%s", kb_last_error());
	char *rep = NULL;
	size_t len;
	FILE *f = open_memstream(&rep, &len);
	ck_assert_uint_eq(verify_below_links(&m, "the MANIFEST", f), 1);
	fclose(f);
	ck_assert_msg(strstr(rep, "below-link lib/m/passwd (lib/m in the MANIFEST is a symlink, to /etc)"),
		      "%s", rep);
	free(rep);
	manifest_free(&m);

	struct fakebundle fb;
	fake_stage(&fb, "verify-second");
	fake_bundle(&fb, "tree", "b.tar.xz");
	ck_assert_int_eq(verify_to(fb.tree, NULL, FAKE_KREL, &rep), 0); /* negative */
	free(rep);
	tu_write(fb.tree, "usr/share/kbuild/8.8.8/MANIFEST", "kbuild-manifest 1\n");
	ck_assert_int_eq(verify_to(fb.tree, NULL, FAKE_KREL, &rep), 1);
	ck_assert_msg(strstr(rep, "extra usr/share/kbuild/8.8.8/MANIFEST (a second MANIFEST"), "%s", rep);
	free(rep);
	fake_free(&fb);
}
END_TEST

/* A NUL in a MANIFEST (a file or inside a tarball) is refused with its line. */
START_TEST(nul_in_manifest_is_refused)
{
	struct fakebundle fb;
	fake_stage(&fb, "verify-nul");
	fake_bundle(&fb, "tree", "b.tar.xz");
	char *mp = xasprintf("%s/usr/share/kbuild/%s/MANIFEST", fb.tree, FAKE_KREL);
	size_t len;
	char *text = read_file(mp, &len);
	ck_assert_ptr_nonnull(text);
	char *nl = strchr(text, '\n');
	nl[1] = '\0'; /* line 2 starts with a NUL */
	ck_assert_int_eq(write_file_atomic(mp, text, len), 0);
	char *rep;
	kb_clear_error();
	ck_assert_int_eq(verify_to(fb.tree, NULL, NULL, &rep), -1);
	ck_assert_msg(strstr(kb_last_error(), "MANIFEST:2: a NUL byte"), "%s", kb_last_error());
	free(rep);
	free(text);
	free(mp);
	fake_free(&fb);
}
END_TEST

/* ---- a stamp and the output it vouches for ---- */

/* rm -rf of the download cache and of O/src: fetch said "up to date",
 * extract failed with no hint, status said extract done. */
START_TEST(stage_output_gone_makes_it_stale)
{
	char *home = tu_tmpdir("output-gone");
	char *tgz = path_join(home, "t.tar.gz");
	make_text_tarball(tgz, (const char *const[]){"Makefile", "all:\n", NULL});
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(sha256_file(tgz, hex), 0);
	char *ini = xasprintf(
		"[source]\nversion = 1\nurl = file://%s\nsha256 = %s\n[config]\nbase = tinyconfig\n", tgz,
		hex);
	tu_write(home, "configs/profiles/t.ini", ini);
	char *env[] = {xasprintf("KBUILD_HOME=%s", home), xasprintf("KBUILD_CACHE=%s/cache", home), NULL};
	char *o = xasprintf("O=%s/out", home);
	const char *args[] = {"extract", "profile=t", o};
	const char *status[] = {"status", "profile=t", o};
	char *out = NULL;
	ck_assert_int_eq(tu_kbuild("gone", args, 3, env, &out), 0);
	free(out);
	char *cache = path_join(home, "cache"), *src = path_join(home, "out/src");
	ck_assert_int_eq(rm_rf(cache), 0);
	ck_assert_int_eq(rm_rf(src), 0);
	ck_assert_int_eq(tu_kbuild("gone-status", status, 3, env, &out), 0);
	ck_assert_msg(strstr(out, "fetch       stale") && strstr(out, "is gone"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_kbuild("gone-again", args, 3, env, &out), 0);
	ck_assert_msg(strstr(out, "] fetch      done") && strstr(out, "] extract    done"), "%s", out);
	free(out);
	ck_assert(is_dir(src));
	rm_rf(home);
	free(home);
	free(tgz);
	free(ini);
	free(env[0]);
	free(env[1]);
	free(o);
	free(cache);
	free(src);
}
END_TEST

/* ---- patch failures the user can act on ---- */

/* series_apply of one patch (text) on a tree holding x; the error. */
static char *apply_one(const char *tag, const char *patch_text)
{
	char *dir = tu_tmpdir(tag);
	tu_write(dir, "tree/x", "a\n");
	tu_write(dir, "p/one.patch", patch_text);
	tu_write(dir, "p/series", "one.patch\n");
	char *series = path_join(dir, "p/series"), *tree = path_join(dir, "tree"),
	     *rec = path_join(dir, "applied");
	struct series ser;
	ck_assert_msg(series_load(series, &ser) == 0, "%s", kb_last_error());
	kb_clear_error();
	ck_assert_int_ne(series_apply(&ser, tree, rec, NULL), 0);
	char *err = xstrdup(kb_last_error());
	series_free(&ser);
	rm_rf(dir);
	free(dir);
	free(series);
	free(tree);
	free(rec);
	return err;
}

/* "git binary diffs are not supported" and "Ignoring potentially dangerous
 * file name" reached the user as "status 1" / "wrong -p level?". */
START_TEST(patch_failures_say_why)
{
	char *err = apply_one("patch-binary", "diff --git a/x.bin b/x.bin\nnew file mode 100644\n"
					      "index 0000000..1111111\nGIT binary patch\nliteral 3\n"
					      "KcmZ>Y%>e)a0{{R3\n\nliteral 0\nHcmV?d00001\n\n");
	ck_assert_msg(strstr(err, "git binary diffs are not supported") && strstr(err, "binary diff"), "%s",
		      err);
	free(err);
	err = apply_one("patch-dangerous", "--- a/../evil\n+++ b/../evil\n@@ -0,0 +1 @@\n+x\n");
	ck_assert_msg(strstr(err, "unsafe path ../evil"), "%s", err);
	ck_assert_ptr_null(strstr(err, "wrong -p"));
	free(err);
}
END_TEST

/* An empty patch (or prose only) was recorded as applied. */
START_TEST(empty_patch_is_refused)
{
	char *dir = tu_tmpdir("patch-empty");
	tu_write(dir, "p/empty.patch", "");
	tu_write(dir, "p/prose.patch", "Just a description, the diff was lost.\n");
	const char *names[] = {"empty.patch", "prose.patch"};
	for (size_t i = 0; i < 2; i++) {
		char *text = xasprintf("%s\n", names[i]);
		tu_write(dir, "p/series", text);
		char *series = path_join(dir, "p/series");
		struct series ser;
		kb_clear_error();
		ck_assert_int_eq(series_load(series, &ser), -1);
		ck_assert_msg(strstr(kb_last_error(), "series:1: patch") &&
				      strstr(kb_last_error(), "holds no diff"),
			      "%s", kb_last_error());
		free(series);
		free(text);
	}
	rm_rf(dir);
	free(dir);
}
END_TEST

/* ---- the base config ---- */

/* A powerpc base on x86_64 "succeeded" with its lines gone: what the base
 * asked for and lost is reported with counts. */
START_TEST(base_options_lost_are_reported)
{
	char *dir = tu_tmpdir("base-lost");
	tu_write(dir, "base", "CONFIG_PPC=y\n# CONFIG_SMP is not set\nCONFIG_A=y\nCONFIG_FROM_FRAG=y\n");
	tu_write(dir, "result", "CONFIG_A=y\nCONFIG_X86_64=y\n");
	char *base = path_join(dir, "base"), *result = path_join(dir, "result");
	struct kopt_set req = {0};
	kopt_set_put(&req, "FROM_FRAG", "n", "frag", 1);
	char *log = NULL, *summary = NULL;
	size_t len;
	FILE *f = open_memstream(&log, &len);
	ck_assert_uint_eq(config_base_losses(base, result, &req, f, &summary), 1);
	fclose(f);
	ck_assert_msg(strstr(log, "CONFIG_PPC=y, now not set"), "%s", log);
	ck_assert_msg(summary && strstr(summary, "1 of the 3 options of the base") &&
			      strstr(summary, "CONFIG_PPC=y"),
		      "%s", summary ? summary : "(none)");
	free(log);
	free(summary);
	/* negative: all kept */
	tu_write(dir, "result", "CONFIG_PPC=y\nCONFIG_A=y\n");
	f = open_memstream(&log, &len);
	ck_assert_uint_eq(config_base_losses(base, result, &req, f, &summary), 0);
	fclose(f);
	ck_assert_ptr_null(summary);
	free(log);
	kopt_set_free(&req);
	rm_rf(dir);
	free(dir);
	free(base);
	free(result);
}
END_TEST

/* Blank CRLF lines in a base were rejected; a BOM was not named. The base
 * check is config_resolve's (kconfig/resolve.c): run it with a make that
 * is never reached for a refused base. */
START_TEST(base_crlf_and_bom)
{
	char *dir = tu_tmpdir("base-crlf");
	tu_write(dir, "src/Makefile", "olddefconfig:\n\t@true\n");
	char *src = path_join(dir, "src"), *obj = path_join(dir, "obj");
	char *mk[] = {"make", "-s", "-C", src, NULL};
	struct config_job j = {.srctree = src, .objdir = obj, .make = mk, .timeout_sec = 30};
	tu_write(dir, "crlf.config", "CONFIG_A=y\r\n\r\n# comment\r\nCONFIG_B=m\r\n");
	char *crlf = path_join(dir, "crlf.config");
	j.base = crlf;
	kb_clear_error();
	int rc = config_resolve(&j);
	ck_assert_msg(!strstr(kb_last_error(), "not a kernel config line"), "%s", kb_last_error());
	(void)rc; /* make's own result does not matter here */
	tu_write(dir, "bom.config",
		 "\xef\xbb\xbf"
		 "CONFIG_A=y\n");
	char *bom = path_join(dir, "bom.config");
	j.base = bom;
	kb_clear_error();
	ck_assert_int_eq(config_resolve(&j), -1);
	ck_assert_msg(strstr(kb_last_error(), "bom.config:1: starts with a UTF-8 byte order mark"), "%s",
		      kb_last_error());
	struct kopt_set set = {0};
	ck_assert_int_eq(fragment_parse(bom, &set, false, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "byte order mark"), "%s", kb_last_error());
	kopt_set_free(&set);
	rm_rf(dir);
	free(dir);
	free(src);
	free(obj);
	free(crlf);
	free(bom);
}
END_TEST

/* ---- values from the command line ---- */

/* source.version=$'1\nkind tree' was accepted: a newline splits a record. */
START_TEST(newline_in_command_line_value_is_refused)
{
	char *home = tu_tmpdir("newline-value");
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = tinyconfig\n");
	struct profile p;
	ck_assert_int_eq(profile_load(home, "t", &p), 0);
	kb_clear_error();
	ck_assert_int_eq(profile_override(&p, "source.version=1\nkind tree"), -1);
	ck_assert_msg(strstr(kb_last_error(), "source.version") && strstr(kb_last_error(), "a newline"), "%s",
		      kb_last_error());
	ck_assert_int_eq(profile_override(&p, "description=a\x1b[2Jb"), -1);
	ck_assert_msg(strstr(kb_last_error(), "control character"), "%s", kb_last_error());
	ck_assert_int_eq(profile_override(&p, "source.version=1.2-rc3"), 0); /* negative */
	profile_free(&p);
	rm_rf(home);
	free(home);
}
END_TEST

/* ---- SIGINT with no child running ---- */

/* SIGINT during extract (libarchive in-process: no child) exited at once:
 * metadata.json said "running", src.tmp.* stayed, and record.json said 1. */
START_TEST(sigint_without_child_finishes_the_run)
{
	char *home = tu_tmpdir("sigint-nochild");
	tu_write(home, "configs/profiles/t.ini", "[source]\nversion = 1\n[config]\nbase = tinyconfig\n");
	char *tgz = path_join(home, "t.tar.gz");
	make_tarball(tgz, 400u << 20); /* poorly compressible: seconds to write */
	char *src, *sha;
	source_args(tgz, &src, &sha);
	char *o_dir = path_join(home, "out");
	char *o = xasprintf("O=%s", o_dir);
	char *exe = path_join(tu_repo(), "kbuild");
	char *env_home = xasprintf("KBUILD_HOME=%s", home),
	     *env_cache = xasprintf("KBUILD_CACHE=%s/cache", home);
	char *env[] = {env_home, env_cache, NULL};
	char *const argv[] = {exe, "extract", "profile=t", src, sha, o, NULL};
	struct spawn_opts so = {.stdin_fd = -1, .stdout_fd = 2, .stderr_fd = 2, .env_add = env};
	struct spawn_proc p;
	ck_assert_int_eq(spawn_start(argv, &so, &p), 0);
	bool started = false;
	for (double until = now_seconds() + 30; !started && now_seconds() < until; usleep(10000))
		started = is_dir(o_dir) && has_entry(o_dir, "src.tmp.");
	ck_assert_msg(started, "extract never started");
	/* at once: on an idle machine with the tarball in the page cache the
	 * whole 400 MB extract took under 200 ms (a sleep that long raced it) */
	usleep(10000);
	kill(p.pid, SIGINT);
	int st = 0;
	ck_assert_int_ge(spawn_wait(&p, 0, &st), 0);
	ck_assert_int_eq(st, 130);
	ck_assert(!has_entry(o_dir, "src.tmp."));
	ck_assert(!has_entry(o_dir, "src"));
	char *stamp = path_join(o_dir, "stamps/extract");
	ck_assert(!path_exists(stamp));
	char *meta_path = path_join(o_dir, "metadata.json");
	json_t *meta = json_read_file(meta_path);
	ck_assert_ptr_nonnull(meta);
	const char *status = json_string_value(json_object_get(json_object_get(meta, "results"), "status"));
	ck_assert_msg(status && strcmp(status, "running"), "metadata.json status %s",
		      status ? status : "null");
	json_decref(meta);
	char *rec_path = path_join(o_dir, "record.json");
	json_t *rec = json_read_file(rec_path);
	if (rec) {
		char *dump = json_dumps(rec, JSON_COMPACT);
		ck_assert_msg(strstr(dump, "130"), "record.json does not say 130: %.400s", dump);
		free(dump);
		json_decref(rec);
	}
	kb_clear_error();
	rm_rf(home);
	free(home);
	free(tgz);
	free(src);
	free(sha);
	free(o_dir);
	free(o);
	free(exe);
	free(env_home);
	free(env_cache);
	free(stamp);
	free(meta_path);
	free(rec_path);
}
END_TEST

Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, extract_on_full_disk_fails);
	tcase_add_test(tc, extract_on_roomy_disk_works);
	tcase_add_test(tc, extract_strips_setuid_and_world_write);
	tcase_add_test(tc, interrupted_extract_temp_is_removed);
	tcase_add_test(tc, atomic_write_on_full_disk_fails);
	tcase_add_test(tc, fclose_checked_reports_a_full_disk);
	tcase_add_test(tc, stage_with_unwritable_log_fails_without_stamp);
	tcase_add_test(tc, qa_runner_passes_every_argument);
	tcase_add_test(tc, patch_created_symlink_out_of_tree_refused);
	tcase_add_test(tc, tree_digest_notices_edits);
	tcase_add_test(tc, re_extract_verifies_the_digest);
	tcase_add_test(tc, clean_refuses_what_kbuild_did_not_make);
	tcase_add_test(tc, status_creates_nothing);
	tcase_add_test(tc, no_home_no_tmp_cache);
	tcase_add_test(tc, missing_tool_names_the_package);
	tcase_add_test(tc, guest_plan_cannot_exhaust_memory);
	tcase_add_test(tc, missing_compiler_is_named);
	tcase_add_test(tc, kconfig_source_cycle_is_cut);
	tcase_add_test(tc, kbuild_extract_on_full_disk);
	tcase_add_test(tc, rerun_of_earlier_stage_invalidates_later_stamps);
	tcase_add_test(tc, nul_in_series_is_refused);
	tcase_add_test(tc, nul_in_fragment_is_refused);
	tcase_add_test(tc, nul_in_profile_is_refused);
	tcase_add_test(tc, nul_in_record_is_refused);
	tcase_add_test(tc, special_files_are_refused_by_readers);
	tcase_add_test(tc, oversized_text_is_refused);
	tcase_add_test(tc, special_files_fail_commands);
	tcase_add_test(tc, extract_refuses_paths_past_path_max);
	tcase_add_test(tc, rm_rf_removes_trees_past_path_max);
	tcase_add_test(tc, extract_bomb_is_bounded);
	tcase_add_test(tc, extract_refuses_what_is_not_one_tree);
	tcase_add_test(tc, o_that_make_would_misread_is_refused);
	tcase_add_test(tc, matrix_label_that_make_would_misread_is_refused);
	tcase_add_test(tc, verify_root_resolves_inside_the_root);
	tcase_add_test(tc, verify_refuses_entries_below_links_and_second_manifest);
	tcase_add_test(tc, nul_in_manifest_is_refused);
	tcase_add_test(tc, stage_output_gone_makes_it_stale);
	tcase_add_test(tc, patch_failures_say_why);
	tcase_add_test(tc, empty_patch_is_refused);
	tcase_add_test(tc, base_options_lost_are_reported);
	tcase_add_test(tc, base_crlf_and_bom);
	tcase_add_test(tc, newline_in_command_line_value_is_refused);
	tcase_add_test(tc, sigint_without_child_finishes_the_run);
	suite_add_tcase(s, tc);
	return s;
}
