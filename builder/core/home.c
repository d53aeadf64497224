#include "core/home.h"
#include "lib/util.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_profiles(const char *dir)
{
	char *p = path_join(dir, "configs/profiles");
	bool r = is_dir(p);
	free(p);
	return r;
}

char *kbuild_home(void)
{
	const char *env = getenv("KBUILD_HOME");
	if (env && *env)
		return xstrdup(env);
	char *exe = realpath("/proc/self/exe", NULL);
	if (exe) {
		char *dir = xstrdup(dirname(exe));
		free(exe);
		for (int up = 0; up < 2; up++) {
			if (has_profiles(dir))
				return dir;
			char *parent = xstrdup(dirname(dir));
			free(dir);
			dir = parent;
		}
		free(dir);
	}
	char *cwd = getcwd(NULL, 0);
	return cwd ? cwd : xstrdup(".");
}

char *kbuild_cache(void)
{
	const char *env = getenv("KBUILD_CACHE");
	if (env && *env)
		return xstrdup(env);
	env = getenv("XDG_CACHE_HOME");
	if (env && *env)
		return path_join(env, "kbuild");
	env = getenv("HOME");
	if (env && *env == '/')
		return xasprintf("%s/.cache/kbuild", env);
	/* never a shared, world-writable fallback such as /tmp: anyone could
	 * plant files or symlinks there */
	kb_fail("no download cache: HOME is not set (or not absolute); set KBUILD_CACHE=DIR or HOME");
	return NULL;
}
