#include "guest/modsel.h"

#include <libkmod.h>
#include <string.h>

static bool modset_has(const struct modset *m, const char *name)
{
	for (size_t k = 0; k < m->names.n; k++)
		if (strcmp(m->names.v[k], name) == 0)
			return true;
	return false;
}

static int modset_add_list(struct kmod_ctx *ctx, struct modset *m, struct kmod_list *list, int depth);

static int modset_add(struct kmod_ctx *ctx, struct modset *m, struct kmod_module *mod, int depth)
{
	const char *name = kmod_module_get_name(mod);
	const char *path = kmod_module_get_path(mod);
	if (!path || modset_has(m, name) || depth > 64)
		return 0; /* built in, already chosen, or a softdep cycle */
	strv_push(&m->names, name);
	strv_push(&m->paths, path);
	struct kmod_list *deps = kmod_module_get_dependencies(mod);
	int rc = modset_add_list(ctx, m, deps, depth + 1);
	kmod_module_unref_list(deps);
	struct kmod_list *pre = NULL, *post = NULL;
	if (rc == 0 && kmod_module_get_softdeps(mod, &pre, &post) == 0) {
		rc = modset_add_list(ctx, m, pre, depth + 1);
		if (rc == 0)
			rc = modset_add_list(ctx, m, post, depth + 1);
	}
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return rc;
}

static int modset_add_list(struct kmod_ctx *ctx, struct modset *m, struct kmod_list *list, int depth)
{
	struct kmod_list *it;
	kmod_list_foreach(it, list)
	{
		struct kmod_module *mod = kmod_module_get_module(it);
		int rc = modset_add(ctx, m, mod, depth);
		kmod_module_unref(mod);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int modsel_choose(const char *moddir, const char *const *names, size_t n, struct modset *m)
{
	struct kmod_ctx *ctx = kmod_new(moddir, NULL);
	if (!ctx)
		return kb_fail("libkmod: cannot open %s", moddir);
	kmod_set_log_priority(ctx, 0);
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		struct kmod_list *list = NULL;
		if (kmod_module_new_from_lookup(ctx, names[k], &list) < 0 || !list) {
			rc = kb_fail("module %s: not found in %s/modules.dep (or its aliases, "
				     "modules.builtin)",
				     names[k], moddir);
			break;
		}
		rc = modset_add_list(ctx, m, list, 0);
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
	return rc;
}

void modsel_free(struct modset *m)
{
	strv_free(&m->names);
	strv_free(&m->paths);
}
