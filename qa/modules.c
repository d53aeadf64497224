/* qa/modules: each module named on the command line is known to modules.dep
 * of the running kernel, loads with its dependencies, is live, and was built
 * for this kernel (vermagic starts with the release uname reports).
 *
 * usage: modules NAME...
 *
 * Dynamic: Debian ships no static libkmod. */
#include "qa.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define CHECKS_PER_MODULE 4

static char *module_vermagic(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	char *vermagic = NULL;
	if (kmod_module_get_info(mod, &info) < 0)
		return NULL;
	kmod_list_foreach(l, info)
	{
		if (!strcmp(kmod_module_info_get_key(l), "vermagic")) {
			vermagic = strdup(kmod_module_info_get_value(l));
			break;
		}
	}
	kmod_module_info_free_list(info);
	return vermagic;
}

static void check_module(struct qa_ktap *k, struct kmod_ctx *ctx, const char *name, const char *release)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	int r = kmod_module_new_from_lookup(ctx, name, &list);
	if (r == 0 && list) {
		mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
	}
	const char *path = mod ? kmod_module_get_path(mod) : NULL;
	if (!path) {
		qa_result(k, false, "%s: found in modules.dep", name);
		qa_skip(k, "not found", "%s: loads with its dependencies", name);
		qa_skip(k, "not found", "%s: is live", name);
		qa_skip(k, "not found", "%s: vermagic matches %s", name, release);
		if (mod)
			kmod_module_unref(mod);
		return;
	}
	qa_diag("%s: %s", name, path);
	qa_result(k, true, "%s: found in modules.dep", name);

	/* No KMOD_PROBE_APPLY_BLACKLIST: the profile asked for this module. */
	r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (r < 0)
		qa_diag("%s: probe: %s", name, strerror(-r));
	qa_result(k, r == 0, "%s: loads with its dependencies", name);

	char sysdir[256];
	struct stat st;
	snprintf(sysdir, sizeof(sysdir), "/sys/module/%s", kmod_module_get_name(mod));
	int state = kmod_module_get_initstate(mod);
	bool in_sys = stat(sysdir, &st) == 0;
	if (state != KMOD_MODULE_LIVE || !in_sys)
		qa_diag("%s: initstate %s, %s %s", name,
			state < 0 ? strerror(-state) : kmod_module_initstate_str(state), sysdir,
			in_sys ? "present" : "absent");
	qa_result(k, state == KMOD_MODULE_LIVE && in_sys, "%s: is live", name);

	char *vermagic = module_vermagic(mod);
	size_t rl = strlen(release);
	bool match = vermagic && !strncmp(vermagic, release, rl) &&
		     (vermagic[rl] == ' ' || vermagic[rl] == '\0');
	qa_diag("%s: vermagic \"%s\"", name, vermagic ? vermagic : "(none)");
	qa_result(k, match, "%s: vermagic matches %s", name, release);
	free(vermagic);
	kmod_module_unref(mod);
}

int main(int argc, char **argv)
{
	struct qa_ktap k;
	struct utsname u;
	qa_begin(&k, (argc - 1) * CHECKS_PER_MODULE);
	if (argc < 2) {
		qa_diag("no module names given");
		return QA_EXIT_SKIP;
	}
	uname(&u);
	qa_diag("kernel release %s", u.release);
	/* NULL dirname: /lib/modules/`uname -r`. */
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		qa_diag("kmod_new failed for /lib/modules/%s", u.release);
		return qa_end(&k);
	}
	if (kmod_load_resources(ctx) < 0)
		qa_diag("cannot load modules.dep indexes of /lib/modules/%s", u.release);
	for (int i = 1; i < argc; i++)
		check_module(&k, ctx, argv[i], u.release);
	kmod_unref(ctx);
	return qa_end(&k);
}
