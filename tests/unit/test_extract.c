/* extract_archive and copy_tree: good archives unpack (top directory
 * stripped, modes, times and links kept); hostile ones are refused, naming
 * the entry, with no destination left and nothing written outside it. The
 * archives are written here with libarchive's writer. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "source/unpack.h"
#include "suites.h"
#include "lib/outfile.h"
#include "testutil.h"
#include "lib/util.h"

static char *g_dir;

static void setup(void)
{
	g_dir = tu_tmpdir("extract");
	char *out = path_join(g_dir, "outside");
	ck_assert_int_eq(mkdir(out, 0755), 0);
	char *marker = path_join(out, "marker");
	ck_assert_int_eq(write_file_atomic(marker, "m\n", 2), 0);
	free(marker);
	free(out);
}

static void teardown(void)
{
	rm_rf(g_dir);
	free(g_dir);
}

static char *in_dir(const char *name)
{
	return path_join(g_dir, name);
}

/* ---- building archives ---- */

struct ent {
	char type; /* f file, d dir, l symlink, h hardlink, c char device, p fifo */
	const char *name;
	const char *arg; /* file content, symlink target or hardlink target */
	unsigned mode;
	long mtime;
};

static void make_archive(const char *path, char filter, const struct ent *ents, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (filter == 'z')
		archive_write_add_filter_gzip(a);
	else if (filter == 'x')
		archive_write_add_filter_xz(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		const struct ent *t = &ents[i];
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, t->name);
		archive_entry_set_mtime(e, t->mtime ? t->mtime : 1300000000, 0);
		size_t size = 0;
		switch (t->type) {
		case 'f':
			archive_entry_set_filetype(e, AE_IFREG);
			size = strlen(t->arg);
			break;
		case 'd':
			archive_entry_set_filetype(e, AE_IFDIR);
			break;
		case 'l':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, t->arg);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, t->arg);
			break;
		case 'c':
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_rdev(e, makedev(1, 3));
			break;
		case 'p':
			archive_entry_set_filetype(e, AE_IFIFO);
			break;
		}
		archive_entry_set_perm(e, t->mode ? t->mode : (t->type == 'd' ? 0755 : 0644));
		archive_entry_set_size(e, (la_int64_t)size);
		ck_assert_int_ge(archive_write_header(a, e), ARCHIVE_WARN);
		if (size)
			ck_assert_int_eq(archive_write_data(a, t->arg, size), (la_ssize_t)size);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* ---- looking at the test directory ---- */

static char *g_list;
static size_t g_list_len;

static int list_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)flag;
	(void)f;
	char line[4200];
	/* directory mtimes move when the temporary tree comes and goes */
	int n = snprintf(line, sizeof(line), "%s %o %ld\n", path, st->st_mode,
			 S_ISDIR(st->st_mode) ? 0L : (long)st->st_mtime);
	g_list = xrealloc(g_list, g_list_len + (size_t)n + 1);
	memcpy(g_list + g_list_len, line, (size_t)n + 1);
	g_list_len += (size_t)n;
	return 0;
}

/* Every path under dir with its mode and mtime (nftw order is stable for an
 * unchanged tree). */
static char *listing(const char *dir)
{
	g_list = NULL;
	g_list_len = 0;
	ck_assert_int_eq(nftw(dir, list_one, 32, FTW_PHYS), 0);
	return g_list ? g_list : xstrdup("");
}

static bool has_temp_leftover(void)
{
	DIR *d = opendir(g_dir);
	struct dirent *de;
	bool found = false;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".tmp."))
			found = true;
	closedir(d);
	return found;
}

/* Write the archive, extract it, expect refusal naming `named`. */
static void expect_refused(const struct ent *ents, size_t n, const char *named)
{
	char *arc = in_dir("hostile.tar");
	char *dest = in_dir("src");
	make_archive(arc, 'n', ents, n);
	char *before = listing(g_dir);
	ck_assert_int_eq(extract_archive(arc, dest, NULL), -1);
	const char *err = kb_last_error();
	ck_assert_msg(strstr(err, named), "error does not name '%s': %s", named, err);
	ck_assert_msg(!path_exists(dest), "destination left behind after: %s", err);
	ck_assert_msg(!has_temp_leftover(), "temporary tree left behind");
	char *after = listing(g_dir);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(arc);
	free(dest);
}

/* ---- hostile archives ---- */

START_TEST(refuses_dotdot)
{
	const struct ent e[] = {{'f', "ok", "fine\n", 0, 0}, {'f', "../x", "evil\n", 0, 0}};
	expect_refused(e, 2, "'../x'");
	const struct ent e2[] = {{'d', "top/", 0, 0, 0}, {'f', "top/../../x", "evil\n", 0, 0}};
	expect_refused(e2, 2, "top/../../x");
	char *x = in_dir("x");
	ck_assert(!path_exists(x));
	free(x);
}
END_TEST

START_TEST(refuses_absolute_path)
{
	char *abs = in_dir("outside/abs");
	const struct ent e[] = {{'f', "ok", "fine\n", 0, 0}, {'f', abs, "evil\n", 0, 0}};
	expect_refused(e, 2, abs);
	ck_assert(!path_exists(abs));
	free(abs);
}
END_TEST

START_TEST(refuses_symlink_to_root)
{
	const struct ent e[] = {{'l', "a", "/", 0, 0}};
	expect_refused(e, 1, "'a'");
}
END_TEST

START_TEST(refuses_symlink_climbing_out)
{
	const struct ent e[] = {{'d', "top/", 0, 0, 0},
				{'l', "top/a", "../../outside", 0, 0},
				{'f', "top/a/planted", "evil\n", 0, 0}};
	expect_refused(e, 3, "top/a");
}
END_TEST

/* top/a -> ../x stays inside the archive but not inside dest once top/ is
 * stripped. */
START_TEST(refuses_symlink_escaping_stripped_top)
{
	const struct ent e[] = {{'d', "top/", 0, 0, 0},
				{'f', "top/f", "x\n", 0, 0},
				{'l', "top/a", "../x", 0, 0}};
	expect_refused(e, 3, "top/a");
}
END_TEST

/* Each link alone looks harmless lexically; together d/up2 -> up/.. leads to
 * the parent of the tree. */
START_TEST(refuses_symlink_chain_escape)
{
	const struct ent e[] = {{'f', "README", "x\n", 0, 0},
				{'d', "d/", 0, 0, 0},
				{'l', "d/up", "..", 0, 0},
				{'l', "d/up2", "up/..", 0, 0}};
	expect_refused(e, 4, "d/up2");
}
END_TEST

START_TEST(refuses_writing_through_symlink)
{
	const struct ent e[] = {{'d', "sub/", 0, 0, 0},
				{'l', "lnk", "sub", 0, 0},
				{'f', "lnk/file", "x\n", 0, 0}};
	expect_refused(e, 3, "lnk/file");
}
END_TEST

START_TEST(refuses_hardlink_outside)
{
	const struct ent e[] = {{'f', "ok", "fine\n", 0, 0}, {'h', "h", "../outside/marker", 0, 0}};
	expect_refused(e, 2, "'h'");
	char *abs = in_dir("outside/marker");
	const struct ent e2[] = {{'f', "ok", "fine\n", 0, 0}, {'h', "h2", abs, 0, 0}};
	expect_refused(e2, 2, "'h2'");
	free(abs);
}
END_TEST

START_TEST(refuses_device_and_fifo)
{
	const struct ent e[] = {{'f', "ok", "fine\n", 0, 0}, {'c', "null", 0, 0, 0}};
	expect_refused(e, 2, "'null'");
	const struct ent e2[] = {{'p', "pipe", 0, 0, 0}};
	expect_refused(e2, 1, "'pipe'");
}
END_TEST

START_TEST(refuses_non_archive_and_existing_dest)
{
	char *junk = in_dir("junk.tar.xz");
	char *dest = in_dir("src");
	ck_assert_int_eq(write_file_atomic(junk, "not an archive\n", 15), 0);
	ck_assert_int_eq(extract_archive(junk, dest, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), junk));
	ck_assert(!path_exists(dest));
	ck_assert(!has_temp_leftover());

	ck_assert_int_eq(write_file_atomic(junk, "", 0), 0);
	ck_assert_int_eq(extract_archive(junk, dest, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), junk));
	ck_assert(!path_exists(dest));

	/* a truncated xz stream: the decompressing side fails */
	char big[20000];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + (i * 7919 % 26));
	big[sizeof(big) - 1] = '\0';
	const struct ent t[] = {{'f', "top/big", big, 0, 0}, {'f', "top/big2", big, 0, 0}};
	make_archive(junk, 'x', t, 2);
	struct stat st;
	ck_assert_int_eq(stat(junk, &st), 0);
	ck_assert_int_eq(truncate(junk, st.st_size / 2), 0);
	ck_assert_int_eq(extract_archive(junk, dest, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), junk));
	ck_assert(!path_exists(dest));
	ck_assert(!has_temp_leftover());

	ck_assert_int_eq(mkdir(dest, 0755), 0);
	const struct ent e[] = {{'f', "a", "x\n", 0, 0}};
	make_archive(junk, 'z', e, 1);
	ck_assert_int_eq(extract_archive(junk, dest, NULL), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "already exists"));
	free(junk);
	free(dest);
}
END_TEST

/* ---- good archives ---- */

static void check_good_tree(const char *dest)
{
	char *p = path_join(dest, "file");
	char *text = read_file(p, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "hello\n");
	struct stat st, st2;
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(st.st_mtime, 1000000000);
	char *h = path_join(dest, "hard");
	ck_assert_int_eq(lstat(h, &st2), 0);
	ck_assert_int_eq(st.st_ino, st2.st_ino);

	char *exe = path_join(dest, "sub/exe");
	ck_assert_int_eq(lstat(exe, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	char *lnk = path_join(dest, "link");
	char buf[64];
	ssize_t n = readlink(lnk, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "sub/exe");
	char *sub = path_join(dest, "sub");
	ck_assert_int_eq(lstat(sub, &st), 0);
	ck_assert_int_eq(st.st_mtime, 1200000000); /* set after its content was written */
	free(text);
	free(p);
	free(h);
	free(exe);
	free(lnk);
	free(sub);
}

static void extract_good(char filter, const char *prefix)
{
	char names[6][64];
	const char *rel[6] = {"", "file", "sub/", "sub/exe", "link", "hard"};
	for (int i = 0; i < 6; i++)
		snprintf(names[i], sizeof(names[i]), "%slinux-2.6.39.4/%s", prefix, rel[i]);
	const struct ent e[] = {
		{'d', names[0], 0, 0, 0},
		{'f', names[1], "hello\n", 0640, 1000000000},
		{'d', names[2], 0, 0755, 1200000000},
		{'f', names[3], "#!/bin/sh\n", 0755, 0},
		{'l', names[4], "sub/exe", 0, 0},
		{'h', names[5], names[1], 0, 0},
	};
	char *arc = in_dir(filter == 'x' ? "good.tar.xz" : "good.tar.gz");
	char *dest = in_dir("src");
	make_archive(arc, filter, e, 6);
	char *logp = in_dir("log");
	FILE *log = fopen(logp, "w");
	ck_assert_msg(extract_archive(arc, dest, log) == 0, "%s", kb_last_error());
	fclose(log);
	check_good_tree(dest);
	ck_assert(!has_temp_leftover());
	char *text = read_file(logp, NULL);
	ck_assert_ptr_nonnull(strstr(text, "stripped"));
	free(text);
	free(logp);
	free(arc);
	free(dest);
}

START_TEST(extracts_tar_gz_stripping_top)
{
	extract_good('z', "");
}
END_TEST

START_TEST(extracts_tar_xz_stripping_top)
{
	extract_good('x', "./");
}
END_TEST

START_TEST(keeps_several_top_entries)
{
	const struct ent e[] = {{'f', "a", "A\n", 0, 0}, {'d', "b/", 0, 0, 0}, {'f', "b/c", "C\n", 0, 0}};
	char *arc = in_dir("flat.tar");
	char *dest = in_dir("src");
	make_archive(arc, 'n', e, 3);
	ck_assert_msg(extract_archive(arc, dest, NULL) == 0, "%s", kb_last_error());
	char *a = path_join(dest, "a"), *c = path_join(dest, "b/c");
	ck_assert(path_exists(a));
	ck_assert(path_exists(c));
	free(a);
	free(c);
	free(arc);
	free(dest);
}
END_TEST

/* ---- copy_tree ---- */

static void make_src_tree(const char *src)
{
	char *sub = path_join(src, "sub");
	ck_assert_int_eq(mkdir_p(sub, 0755), 0);
	char *f = path_join(src, "sub/f.c");
	ck_assert_int_eq(write_file_atomic(f, "int x;\n", 7), 0);
	ck_assert_int_eq(chmod(f, 0600), 0);
	struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
	ck_assert_int_eq(utimensat(AT_FDCWD, f, ts, 0), 0);
	char *l = path_join(src, "link");
	ck_assert_int_eq(symlink("sub/f.c", l), 0);
	char *up = path_join(src, "sub/up");
	ck_assert_int_eq(symlink("../link", up), 0);
	free(sub);
	free(f);
	free(l);
	free(up);
}

START_TEST(copies_tree)
{
	char *src = in_dir("tree"), *dest = in_dir("copy");
	make_src_tree(src);
	char *before = listing(src);
	ck_assert_msg(copy_tree(src, dest, NULL) == 0, "%s", kb_last_error());
	char *after = listing(src);
	ck_assert_str_eq(before, after);

	char *f = path_join(dest, "sub/f.c");
	struct stat st;
	ck_assert_int_eq(lstat(f, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_mtime, 1000000000);
	char *text = read_file(f, NULL);
	ck_assert_str_eq(text, "int x;\n");
	char *l = path_join(dest, "sub/up");
	char buf[64];
	ssize_t n = readlink(l, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "../link");
	ck_assert(!has_temp_leftover());

	ck_assert_int_eq(copy_tree(src, dest, NULL), -1); /* dest exists */
	char *within = path_join(src, "sub/copy");
	ck_assert_int_eq(copy_tree(src, within, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "inside"), "%s", kb_last_error());
	ck_assert(!path_exists(within));
	char *after2 = listing(src);
	ck_assert_str_eq(before, after2);
	free(within);
	free(after2);
	free(before);
	free(after);
	free(text);
	free(f);
	free(l);
	free(src);
	free(dest);
}
END_TEST

START_TEST(copy_refuses_escaping_symlink)
{
	char *src = in_dir("tree"), *dest = in_dir("copy");
	make_src_tree(src);
	char *bad = path_join(src, "sub/bad");
	ck_assert_int_eq(symlink("../../outside/marker", bad), 0);
	ck_assert_int_eq(copy_tree(src, dest, NULL), -1);
	ck_assert_msg(strstr(kb_last_error(), "sub/bad"), "%s", kb_last_error());
	ck_assert(!path_exists(dest));
	ck_assert(!has_temp_leftover());
	free(bad);
	free(src);
	free(dest);
}
END_TEST

Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *t = tcase_create("hostile");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, refuses_dotdot);
	tcase_add_test(t, refuses_absolute_path);
	tcase_add_test(t, refuses_symlink_to_root);
	tcase_add_test(t, refuses_symlink_climbing_out);
	tcase_add_test(t, refuses_symlink_escaping_stripped_top);
	tcase_add_test(t, refuses_symlink_chain_escape);
	tcase_add_test(t, refuses_writing_through_symlink);
	tcase_add_test(t, refuses_hardlink_outside);
	tcase_add_test(t, refuses_device_and_fifo);
	tcase_add_test(t, refuses_non_archive_and_existing_dest);
	suite_add_tcase(s, t);

	t = tcase_create("good");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, extracts_tar_gz_stripping_top);
	tcase_add_test(t, extracts_tar_xz_stripping_top);
	tcase_add_test(t, keeps_several_top_entries);
	tcase_add_test(t, copies_tree);
	tcase_add_test(t, copy_refuses_escaping_symlink);
	suite_add_tcase(s, t);
	return s;
}
