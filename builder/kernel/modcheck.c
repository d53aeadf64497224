/* Install-stage checks: staged modules with libkmod. */
#include "kernel/modcheck.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct problems {
	FILE *log;
	size_t count;
	char *first;
};

static void problem(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct problems *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	if (p->log)
		fprintf(p->log, "modcheck: %s\n", msg);
	p->count++;
	if (!p->first)
		p->first = msg;
	else
		free(msg);
}

/* libkmod's own diagnostics go to the stage log, not the terminal. */
static void kmod_log_to_file(void *data, int priority, const char *file, int line, const char *fn,
			     const char *format, va_list args)
{
	(void)priority, (void)file, (void)line, (void)fn;
	FILE *log = data;
	if (!log)
		return;
	fputs("libkmod: ", log);
	vfprintf(log, format, args);
}

static char *module_vermagic(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *it;
	char *vermagic = NULL;
	if (kmod_module_get_info(mod, &info) < 0)
		return NULL;
	kmod_list_foreach(it, info)
	{
		if (strcmp(kmod_module_info_get_key(it), "vermagic") == 0) {
			vermagic = xstrdup(kmod_module_info_get_value(it));
			break;
		}
	}
	kmod_module_info_free_list(info);
	return vermagic;
}

/* One modules.dep entry: the file, its vermagic, its dependencies' files. */
static void check_module(struct kmod_ctx *ctx, const char *dir, const char *rel, const char *release,
			 struct problems *p)
{
	char *full = rel[0] == '/' ? xstrdup(rel) : path_join(dir, rel);
	struct kmod_module *mod = NULL;
	if (access(full, R_OK) < 0) {
		problem(p, "%s: listed in modules.dep but %s is missing", rel, full);
		free(full);
		return;
	}
	if (kmod_module_new_from_path(ctx, full, &mod) < 0) {
		problem(p, "%s: libkmod cannot open %s", rel, full);
		free(full);
		return;
	}
	const char *name = kmod_module_get_name(mod);
	char *vermagic = module_vermagic(mod);
	size_t rl = strlen(release);
	if (!vermagic)
		problem(p, "module %s (%s): no vermagic in its .modinfo", name, rel);
	else if (strncmp(vermagic, release, rl) != 0 || vermagic[rl] != ' ')
		problem(p, "module %s (%s): vermagic \"%s\" does not start with \"%s \"", name, rel, vermagic,
			release);
	free(vermagic);

	struct kmod_list *deps = kmod_module_get_dependencies(mod), *it;
	kmod_list_foreach(it, deps)
	{
		struct kmod_module *dep = kmod_module_get_module(it);
		const char *dpath = kmod_module_get_path(dep);
		if (!dpath)
			problem(p, "module %s: dependency %s has no file in modules.dep", name,
				kmod_module_get_name(dep));
		else if (access(dpath, R_OK) < 0)
			problem(p, "module %s: dependency %s is missing (%s)", name,
				kmod_module_get_name(dep), dpath);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
	kmod_module_unref(mod);
	free(full);
}

static void check_expected(struct kmod_ctx *ctx, const char *name, struct problems *p)
{
	struct kmod_list *list = NULL, *it;
	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || !list) {
		problem(p,
			"expected module %s: not found in modules.dep, modules.alias or "
			"modules.builtin",
			name);
		return;
	}
	kmod_list_foreach(it, list)
	{
		struct kmod_module *mod = kmod_module_get_module(it);
		const char *path = kmod_module_get_path(mod);
		if (p->log)
			fprintf(p->log, "modcheck: expected %s -> %s\n", name, path ? path : "built in");
		if (path && access(path, R_OK) < 0)
			problem(p, "expected module %s: file %s is missing", name, path);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
}

int modcheck_tree(const char *root, const char *release, const char *const *expected_modules, size_t n,
		  FILE *log)
{
	char *dir = xasprintf("%s/lib/modules/%s", root, release);
	char *dep_file = path_join(dir, "modules.dep");
	char *deps = read_file(dep_file, NULL);
	int rc = 0;
	if (!deps) {
		rc = kb_fail("%s: cannot read (was depmod run for %s?)", dep_file, release);
		goto out;
	}
	struct kmod_ctx *ctx = kmod_new(dir, NULL);
	if (!ctx) {
		rc = kb_fail("libkmod: cannot open module directory %s", dir);
		goto out;
	}
	kmod_set_log_fn(ctx, kmod_log_to_file, log);

	struct problems p = {.log = log};
	size_t modules = 0;
	char *save = NULL;
	for (char *line = strtok_r(deps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		modules++;
		check_module(ctx, dir, line, release, &p);
	}
	for (size_t k = 0; k < n; k++)
		check_expected(ctx, expected_modules[k], &p);
	kmod_unref(ctx);
	if (log)
		fprintf(log, "modcheck: %zu modules in %s, %zu expected, %zu problems\n", modules, dir, n,
			p.count);
	if (p.count == 1)
		rc = kb_fail("%s: %s", dir, p.first);
	else if (p.count > 1)
		rc = kb_fail("%s: %s (and %zu more problems)", dir, p.first, p.count - 1);
	free(p.first);
out:
	free(deps);
	free(dep_file);
	free(dir);
	return rc;
}
