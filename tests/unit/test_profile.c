/* Profiles: parsing, inheritance, command-line overrides, and every error
 * naming file:line. */
#include "core/profile.h"
#include "core/settings.h"
#include "suites.h"
#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *home;

static void setup(void)
{
	home = tu_tmpdir("profile");
	tu_write_data(home, "configs/profiles/base.ini", "profile/base.ini");
	tu_write_data(home, "configs/profiles/child.ini", "profile/child.ini");
}

static void teardown(void)
{
	rm_rf(home);
	free(home);
}

static int load_text(const char *text, struct profile *p)
{
	tu_write(home, "configs/profiles/t.ini", text);
	return profile_load(home, "t", p);
}

START_TEST(valid_profile)
{
	struct profile p;
	ck_assert_int_eq(profile_load(home, "base", &p), 0);
	ck_assert_str_eq(profile_get(&p, "source", "version"), "2.6.39.4");
	ck_assert_str_eq(profile_get(&p, "config", "base"), "allnoconfig");
	struct settings s;
	settings_resolve(&p, &s);
	ck_assert_uint_eq(s.qa.modules.n, 3);
	ck_assert_str_eq(s.qa.modules.v[1], "ceph");
	/* unset keys take the schema's default; origins name where values came from */
	ck_assert_int_eq(s.qa.memory, 512);
	ck_assert_int_eq(s.qa.timeout, 300);
	ck_assert_int_eq(s.boot.panic, 10);
	ck_assert_int_eq(s.rollout.timeout, 1800);
	ck_assert_int_eq(s.rollout.deadline, 300);
	ck_assert_int_eq(s.rollout.inject, INJECT_NONE);
	ck_assert_str_eq(s.build.arch, "x86_64");
	ck_assert_int_eq(s.qa.accel, ACCEL_AUTO);
	ck_assert_int_ge(s.build.jobs, 1);
	ck_assert_ptr_nonnull(strstr(settings_origin(&s, &s.config.base), "base.ini:8"));
	ck_assert_str_eq(settings_origin(&s, &s.qa.memory), "default");
	settings_free(&s);
	ck_assert_int_eq(profile_check_required(&p), 0);
	ck_assert_ptr_nonnull(strstr(profile_value(&p, "config", "base")->origin, "base.ini:8"));
	profile_free(&p);
}
END_TEST

START_TEST(inheritance)
{
	struct profile p;
	ck_assert_int_eq(profile_load(home, "child", &p), 0);
	ck_assert_str_eq(profile_get(&p, "profile", "description"), "the child");
	ck_assert_str_eq(profile_get(&p, "source", "version"), "6.1");
	/* An empty value clears what the parent set. */
	ck_assert_ptr_null(profile_get(&p, "source", "url"));
	/* Inherited unchanged. */
	ck_assert_str_eq(profile_get(&p, "qa", "modules"), "libceph ceph rbd");
	/* "+=" extends the parent's list. */
	ck_assert_str_eq(profile_get(&p, "config", "fragments"), "2.6/qemu-guest 2.6/ceph 6.1/extra");
	profile_free(&p);
}
END_TEST

START_TEST(overrides)
{
	struct profile p;
	ck_assert_int_eq(profile_load(home, "base", &p), 0);
	ck_assert_int_eq(profile_override(&p,
					  "sha256="
					  "0000000000000000000000000000000000000000000000000000000000000000"),
			 0);
	ck_assert_str_eq(profile_get(&p, "source", "sha256"),
			 "0000000000000000000000000000000000000000000000000000000000000000");
	ck_assert_int_eq(profile_override(&p, "fragments+=extra.config"), 0);
	ck_assert_str_eq(profile_get(&p, "config", "fragments"), "2.6/qemu-guest 2.6/ceph extra.config");
	ck_assert_int_eq(profile_override(&p, "config.fragments=only"), 0);
	ck_assert_str_eq(profile_get(&p, "config", "fragments"), "only");
	ck_assert_int_eq(profile_override(&p, "jobs=4"), 0);
	ck_assert_int_eq(profile_override(&p, "accel=tcg"), 0);
	struct settings s;
	settings_resolve(&p, &s);
	ck_assert_int_eq(s.build.jobs, 4);
	ck_assert_int_eq(s.qa.accel, ACCEL_TCG);
	ck_assert_str_eq(settings_origin(&s, &s.build.jobs), "command line");
	settings_free(&s);
	ck_assert_int_eq(profile_override(&p, "mirror=file:///tmp/x.tar.xz"), 0);
	ck_assert_str_eq(profile_get(&p, "source", "mirrors"), "file:///tmp/x.tar.xz");
	ck_assert_str_eq(profile_value(&p, "build", "jobs")->origin, "command line");

	ck_assert_int_eq(profile_override(&p, "nosuchkey=1"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "unknown key 'nosuchkey'"));
	ck_assert_int_eq(profile_override(&p, "jobs=many"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "build.jobs"));
	ck_assert_int_eq(profile_override(&p, "sha256=xyz"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "64 hexadecimal"));
	ck_assert_int_eq(profile_override(&p, "version+=1"), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "not a list"));
	ck_assert_int_eq(profile_override(&p, "novalue"), -1);
	profile_free(&p);
}
END_TEST

/* Each malformed profile: the error names the file and the line. */
static void expect_error(const char *text, const char *where, const char *what)
{
	struct profile p;
	if (load_text(text, &p) != -1)
		ck_abort_msg("profile accepted: %s", text);
	const char *e = kb_last_error();
	if (!strstr(e, where) || !strstr(e, what))
		ck_abort_msg("error '%s' lacks '%s' or '%s'", e, where, what);
}

START_TEST(errors_name_file_and_line)
{
	expect_error("[source]\nversion = 1\n[sorce]\nurl = x\n", "t.ini:3", "unknown section [sorce]");
	expect_error("[source]\nversion = 1\nverison = 2\n", "t.ini:3", "unknown key 'verison'");
	expect_error("[source]\nversion = 1\nsha256 = abc\n", "t.ini:3", "64 hexadecimal");
	expect_error("[source]\nurl = ftp://x/y\n", "t.ini:2", "URL");
	expect_error("[build]\njobs = -3\n", "t.ini:2", "whole number");
	expect_error("[config]\noverride = perhaps\n", "t.ini:2", "yes or no");
	expect_error("[source]\nversion = 1\nversion = 2\n", "t.ini:3", "set twice");
	expect_error("[source]\nversion += 1\n", "t.ini:2", "not a list");
	expect_error("[source]\nthis line has no equals sign\n", "t.ini:2", "malformed");
	expect_error("[profile]\ninherit = nosuch\n", "nosuch", "no profile");
	expect_error("[profile]\ninherit = t\n", "t", "inheritance loop: t -> t");
	/* limits: a line past inih's buffer is refused at its own line number */
	char longline[400];
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "[profile]\ndescription = ", 24);
	memcpy(longline + sizeof(longline) - 2, "\n", 2);
	expect_error(longline, "t.ini:2", "line longer than");
	/* every number has its range in the schema: 0 never silently means "default" */
	expect_error("[qa]\ntimeout = 4294967297\n", "t.ini:2", "out of range (1..86400)");
	expect_error("[qa]\ntimeout = 0\n", "t.ini:2", "out of range (1..86400)");
	expect_error("[qa]\nmemory = 0\n", "t.ini:2", "out of range (64..");
	expect_error("[build]\njobs = 0\n", "t.ini:2", "out of range (1..4096)");
	expect_error("[rollout]\ntimeout = 4294967297\n", "t.ini:2", "out of range (1..86400)");
	expect_error("[boot]\ntries = 101\n", "t.ini:2", "out of range (0..100)");
	expect_error("[qa]\naccel = hvf\n", "t.ini:2", "expected one of: auto kvm tcg");
	expect_error("[config]\nbase = passwd\n", "t.ini:2", "*config make target");
	expect_error("[build]\narch = x86_65\n", "t.ini:2", "not a kernel architecture");
	expect_error("[build]\ncc = gcc; rm -rf /\n", "t.ini:2", "no shell characters");
	expect_error("[build]\ncross = $(evil)\n", "t.ini:2", "toolchain prefix");
}
END_TEST

/* A loop through several profiles is named in full. */
START_TEST(inheritance_loop_names_the_chain)
{
	tu_write(home, "configs/profiles/la.ini", "[profile]\ninherit = lb\n");
	tu_write(home, "configs/profiles/lb.ini", "[profile]\ninherit = lc\n");
	tu_write(home, "configs/profiles/lc.ini", "[profile]\ninherit = la\n");
	struct profile p;
	ck_assert_int_eq(profile_load(home, "la", &p), -1);
	ck_assert_msg(strstr(kb_last_error(), "la -> lb -> lc -> la"), "%s", kb_last_error());
}
END_TEST

/* The negative case of the limits: long values that fit, and values at the
 * edge, load. */
START_TEST(values_within_limits_load)
{
	struct profile p;
	ck_assert_int_eq(load_text("[source]\nversion = 1\n[config]\nbase = my/base.config\n"
				   "[build]\narch = arm64\ncc = distcc gcc-11\ncross = aarch64-linux-gnu-\n"
				   "[qa]\ntimeout = 86400\nmemory = 64\n[boot]\npanic = 0\n",
				   &p),
			 0);
	profile_free(&p);
}
END_TEST

START_TEST(continuation_lines_extend_lists)
{
	struct profile p;
	ck_assert_int_eq(load_text("[source]\nversion = 1\nmirrors = http://a/x\n   http://b/x\n"
				   "[config]\nbase = tinyconfig\n",
				   &p),
			 0);
	ck_assert_str_eq(profile_get(&p, "source", "mirrors"), "http://a/x http://b/x");
	profile_free(&p);
	expect_error("[source]\nversion = 1\n  2\n", "t.ini:3", "not a list");
}
END_TEST

START_TEST(missing_required_key)
{
	struct profile p;
	ck_assert_int_eq(load_text("[source]\nversion = 1\n", &p), 0);
	ck_assert_int_eq(profile_check_required(&p), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "t.ini"));
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "'base'"));
	profile_free(&p);
}
END_TEST

START_TEST(bad_names)
{
	struct profile p;
	ck_assert_int_eq(profile_load(home, "../etc/passwd", &p), -1);
	ck_assert_int_eq(profile_load(home, "nosuch", &p), -1);
	ck_assert_ptr_nonnull(strstr(kb_last_error(), "kbuild list"));
}
END_TEST

/* The shipped 6.12 profiles (read from the project root, where the tests
 * run): 6.1's features and fragments on Debian's linux-source-6.12 with the
 * 6.12 series; the tuning variant on top. */
START_TEST(shipped_612_profiles)
{
	struct profile p, base;
	ck_assert_msg(profile_load(".", "debian-6.12-ceph", &p) == 0, "%s", kb_last_error());
	ck_assert_int_eq(profile_check_required(&p), 0);
	ck_assert_msg(profile_load(".", "debian-6.1-ceph", &base) == 0, "%s", kb_last_error());
	ck_assert_str_eq(profile_get(&p, "source", "version"), "6.12");
	ck_assert_str_eq(profile_get(&p, "source", "package"), "linux-source-6.12");
	ck_assert_str_eq(profile_get(&p, "patches", "series"), "patches/6.12/series");
	/* the fragments are 6.1's, shared (README: "debian-6.12-ceph") */
	ck_assert_str_eq(profile_get(&p, "config", "fragments"), profile_get(&base, "config", "fragments"));
	ck_assert_str_eq(profile_get(&p, "config", "base"), "tinyconfig");
	ck_assert_str_eq(profile_get(&p, "qa", "modules"), "libceph ceph rbd");
	ck_assert_str_eq(profile_get(&p, "qa", "sysctl"), "net.ipv4.tcp_tw_timeout=10");
	ck_assert_str_eq(profile_get(&p, "qa", "symbols"), "tcp_tw_timeout_max");
	/* nothing of 2.6.39.4's download is left to be fetched */
	const char *url = profile_get(&p, "source", "url"), *sha = profile_get(&p, "source", "sha256");
	ck_assert(!url || !*url);
	ck_assert(!sha || !*sha);
	profile_free(&base);
	profile_free(&p);

	ck_assert_msg(profile_load(".", "debian-6.12-tuning", &p) == 0, "%s", kb_last_error());
	ck_assert_str_eq(profile_get(&p, "source", "package"), "linux-source-6.12");
	ck_assert_str_eq(profile_get(&p, "patches", "series"), "patches/6.12/series");
	ck_assert_ptr_nonnull(strstr(profile_get(&p, "qa", "sysctl"), "net.ipv4.tcp_tw_reuse=1"));
	ck_assert_ptr_nonnull(strstr(profile_get(&p, "qa", "sysctl"), "net.ipv4.tcp_tw_timeout=10"));
	profile_free(&p);
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, valid_profile);
	tcase_add_test(tc, inheritance);
	tcase_add_test(tc, inheritance_loop_names_the_chain);
	tcase_add_test(tc, values_within_limits_load);
	tcase_add_test(tc, overrides);
	tcase_add_test(tc, errors_name_file_and_line);
	tcase_add_test(tc, continuation_lines_extend_lists);
	tcase_add_test(tc, missing_required_key);
	tcase_add_test(tc, bad_names);
	suite_add_tcase(s, tc);
	TCase *shipped = tcase_create("shipped");
	tcase_add_test(shipped, shipped_612_profiles);
	suite_add_tcase(s, shipped);
	return s;
}
