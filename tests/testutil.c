#define _GNU_SOURCE
#include "testutil.h"
#include "util.h"

#include <check.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
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
