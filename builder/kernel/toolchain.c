#include "kernel/toolchain.h"
#include "lib/tools.h"
#include "kernel/arch.h"
#include "lib/spawn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char *copy = xstrdup(path);
	bool found = false;
	for (char *dir = strtok(copy, ":"); dir && !found; dir = strtok(NULL, ":")) {
		char *p = path_join(dir, prog);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

static bool is_wrapper(const char *word)
{
	return !strcmp(word, "ccache") || !strcmp(word, "distcc") || !strcmp(word, "icecc") ||
	       !strcmp(word, "sccache");
}

static char *base_cc(const struct run *r)
{
	const char *cc = r->set->build.cc, *cross = r->set->build.cross;
	if (cc)
		return xstrdup(cc);
	return xasprintf("%sgcc", cross ? cross : "");
}

char *toolchain_cc(const struct run *r)
{
	char *cc = base_cc(r);
	struct strv words = {0};
	strv_split(&words, cc);
	bool wrapped = words.n && is_wrapper(words.v[0]);
	strv_free(&words);
	if (!wrapped && r->set->build.ccache && in_path("ccache")) {
		char *w = xasprintf("ccache %s", cc);
		free(cc);
		return w;
	}
	return cc;
}

/* The compiler's version is asked for by several stages and by metadata.json;
 * one kbuild process has one compiler, so the answer is remembered. */
static char *cached_cc, *cached_version;

static char *ask_version(const struct run *r);

char *toolchain_version(const struct run *r)
{
	char *cc = base_cc(r);
	if (!cached_cc || strcmp(cached_cc, cc)) {
		free(cached_cc);
		free(cached_version);
		cached_cc = cc;
		cached_version = ask_version(r);
	} else {
		free(cc);
	}
	return xstrdup(cached_version);
}

static char *ask_version(const struct run *r)
{
	char *cc = base_cc(r);
	struct strv argv = {0};
	strv_split(&argv, cc);
	free(cc);
	/* Skip wrappers: the version that matters is the compiler's own. */
	size_t first = 0;
	while (first < argv.n && is_wrapper(argv.v[first]))
		first++;
	if (first == argv.n) {
		strv_free(&argv);
		return xstrdup("unknown");
	}
	struct strv cmd = {0};
	for (size_t i = first; i < argv.n; i++)
		strv_push(&cmd, argv.v[i]);
	strv_push(&cmd, "--version");
	strv_free(&argv);
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *out = NULL;
	int st = spawn_capture(strv_argv(&cmd), &o, &out);
	strv_free(&cmd);
	if (st != 0 || !out) {
		free(out);
		kb_clear_error();
		return xstrdup("unknown");
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

void toolchain_make_vars(const struct run *r, struct strv *argv)
{
	const char *arch = kernel_arch_name(r);
	const char *cross = r->set->build.cross;
	strv_push_owned(argv, xasprintf("ARCH=%s", arch));
	if (cross)
		strv_push_owned(argv, xasprintf("CROSS_COMPILE=%s", cross));
	char *cc = toolchain_cc(r);
	strv_push_owned(argv, xasprintf("CC=%s", cc));
	free(cc);
	strv_push_owned(argv, xasprintf("O=%s", r->objdir));
}

int toolchain_check(const struct run *r)
{
	char *cc = toolchain_cc(r);
	struct strv words = {0};
	strv_split(&words, cc);
	free(cc);
	int rc = 0;
	for (size_t i = 0; i < words.n && rc == 0; i++)
		if (words.v[i][0] != '-' && !strchr(words.v[i], '='))
			rc = tool_require(words.v[i]);
	strv_free(&words);
	return rc;
}
