#include "testutil.h"
#include "lib/outfile.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <check.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

char *tu_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/kbuild-test-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return tmpl;
}

void tu_write(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);
	char *d = xstrdup(p);
	ck_assert_int_eq(mkdir_p(dirname(d), 0755), 0);
	ck_assert_int_eq(write_file_atomic(p, text, strlen(text)), 0);
	free(d);
	free(p);
}

const char *tu_repo(void)
{
	static char *repo;
	if (!repo) {
		const char *env = getenv("KBUILD_REPO");
		repo = env && *env ? xstrdup(env) : getcwd(NULL, 0);
	}
	return repo;
}

char *tu_data_path(const char *rel)
{
	return xasprintf("%s/tests/data/%s", tu_repo(), rel);
}

char *tu_data(const char *rel, size_t *len)
{
	char *p = tu_data_path(rel);
	char *text = read_file(p, len);
	ck_assert_msg(text != NULL, "fixture %s: %s", p, kb_last_error());
	free(p);
	return text;
}

void tu_write_data(const char *dir, const char *name, const char *rel)
{
	size_t len;
	char *text = tu_data(rel, &len);
	char *p = path_join(dir, name);
	char *d = xstrdup(p);
	ck_assert_int_eq(mkdir_p(dirname(d), 0755), 0);
	ck_assert_int_eq(write_file_atomic(p, text, len), 0);
	free(d);
	free(p);
	free(text);
}

void tu_copy_data(const char *rel, const char *dir)
{
	char *from = tu_data_path(rel);
	char *src = xasprintf("%s/.", from);
	ck_assert_msg(is_dir(from), "fixture folder %s is missing", from);
	char *argv[] = {"cp", "-R", src, (char *)dir, NULL};
	ck_assert_msg(tu_run(argv) == 0, "cp -R %s %s failed", src, dir);
	free(src);
	free(from);
}

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void capture_line(const char *line, void *ctx)
{
	struct capture *c = ctx;
	fprintf(c->f, "%s\n", line);
	fprintf(stderr, "%s\n", line);
}

int tu_kbuild(const char *tag, const char *const args[], size_t n, char *const *env_add, char **out)
{
	struct strv argv = {0};
	strv_push_owned(&argv, path_join(tu_repo(), "kbuild"));
	for (size_t i = 0; i < n; i++)
		strv_push(&argv, args[i]);
	char *cmd = argv_to_string(strv_argv(&argv));
	fprintf(stderr, "%s: $ %s\n", tag, cmd);
	free(cmd);
	struct capture c = {0};
	c.f = open_memstream(&c.buf, &c.len);
	ck_assert_ptr_nonnull(c.f);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1, .env_add = env_add};
	int st = spawn_lines(strv_argv(&argv), &o, capture_line, &c);
	fclose(c.f);
	strv_free(&argv);
	*out = c.buf;
	return st;
}

int tu_run(char *const argv[])
{
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = 2, .stderr_fd = 2};
	return spawn_run(argv, &o);
}

bool tu_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = path_join(d, prog);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

char *tu_e2e_path(const char *name)
{
	const char *base = getenv("KBUILD_E2E_DIR");
	const char *home = getenv("HOME");
	struct statvfs vfs;
	if (base && *base)
		return path_join(base, name);
	if (statvfs("/dev/shm", &vfs) == 0 && access("/dev/shm", W_OK) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= (8ULL << 30))
		return xasprintf("/dev/shm/kbuild-e2e/%s", name);
	return xasprintf("%s/.cache/kbuild-e2e/%s", home && *home ? home : "/tmp", name);
}

char *tu_e2e_dir(const char *name)
{
	char *dir = tu_e2e_path(name);
	ck_assert_int_eq(rm_rf(dir), 0);
	ck_assert_int_eq(mkdir_p(dir, 0755), 0);
	return dir;
}

char *const *tu_make_line(struct strv *v, const char *src, const char *obj, const char *arch)
{
	strv_push(v, "make");
	strv_push(v, "-C");
	strv_push(v, src);
	strv_push_owned(v, xasprintf("ARCH=%s", arch));
	strv_push_owned(v, xasprintf("O=%s", obj));
	return strv_argv(v);
}

char *tu_schema(const char *name)
{
	const char *env = getenv("KBUILD_TEST_SCHEMAS");
	char *dir = env && *env ? xstrdup(env) : path_join(tu_repo(), "../shared/schemas");
	char *p = path_join(dir, name);
	free(dir);
	if (path_exists(p))
		return p;
	free(p);
	return NULL;
}

char *tu_numbered_lines(const char *prefix, int n)
{
	char *s = xstrdup("");
	for (int i = 1; i <= n; i++) {
		char *t = xasprintf("%s%s%d\n", s, prefix, i);
		free(s);
		s = t;
	}
	return s;
}
