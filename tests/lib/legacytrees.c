#include "legacytrees.h"
#include <check.h>
#include "source/unpack.h"
#include "testutil.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *lt_dir(void)
{
	const char *env = getenv("KBUILD_TEST_TREES");
	if (env && *env)
		return xstrdup(env);
	return path_join(tu_repo(), "../shared/trees");
}

int lt_sums_lookup(const char *sums_text, const char *file, char hex[SHA256_HEX_LEN + 1])
{
	for (const char *p = sums_text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t k = 0;
		while (k < len && isxdigit((unsigned char)p[k]))
			k++;
		if (k == SHA256_HEX_LEN && k + 2 <= len && p[k] == ' ' &&
		    (p[k + 1] == ' ' || p[k + 1] == '*')) {
			const char *name = p + k + 2;
			size_t nlen = len - k - 2;
			while (nlen && (name[nlen - 1] == '\r' || name[nlen - 1] == ' '))
				nlen--;
			if (nlen == strlen(file) && !strncmp(name, file, nlen)) {
				for (size_t i = 0; i < SHA256_HEX_LEN; i++)
					hex[i] = (char)tolower((unsigned char)p[i]);
				hex[SHA256_HEX_LEN] = '\0';
				return 0;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return -1;
}

char *lt_find(const char *file, char hex[SHA256_HEX_LEN + 1], char **why)
{
	char *dir = lt_dir();
	char *path = path_join(dir, file);
	char *sums = path_join(dir, "SHA256SUMS");
	char *text = NULL;
	char *found = NULL;
	if (!path_exists(dir))
		*why = xasprintf("%s is absent (pristine legacy tarballs; kernel.org cannot be reached "
				 "here; set KBUILD_TEST_TREES to such a folder)",
				 dir);
	else if (!path_exists(path))
		*why = xasprintf("%s is absent", path);
	else if (!(text = read_file(sums, NULL)))
		*why = xasprintf("%s cannot be read", sums);
	else if (lt_sums_lookup(text, file, hex) < 0)
		*why = xasprintf("%s does not list %s", sums, file);
	else
		found = xstrdup(path);
	free(text);
	free(sums);
	free(path);
	free(dir);
	return found;
}

char *lt_find_2639(char hex[SHA256_HEX_LEN + 1], char **why)
{
	const char *env = getenv("KBUILD_TEST_LEGACY_SOURCE");
	if (!env || !*env)
		return lt_find("linux-2.6.39.4.tar.xz", hex, why);
	if (path_exists(env) && sha256_file(env, hex) == 0)
		return xstrdup(env);
	kb_clear_error();
	*why = xasprintf("KBUILD_TEST_LEGACY_SOURCE=%s cannot be read", env);
	return NULL;
}

char *lt_2639_or_skip(char hex[SHA256_HEX_LEN + 1], const char *what)
{
	char *why = NULL;
	char *src = lt_find_2639(hex, &why);
	if (!src)
		tu_skip(TU_SKIP_E2E, "%s (2.6.39.4): %s", what, why);
	free(why);
	return src;
}

char *lt_real_tree(const char *version, const char *env, char **why)
{
	const char *given = getenv(env);
	if (given && *given)
		return xstrdup(given);
	char hex[SHA256_HEX_LEN + 1];
	char *tarball = NULL;
	*why = NULL;
	if (!strncmp(version, "2.6.", 4)) {
		char *file = xasprintf("linux-%s.tar.xz", version);
		tarball = !strcmp(version, "2.6.39.4") ? lt_find_2639(hex, why) : lt_find(file, hex, why);
		free(file);
	} else {
		char *deb = xasprintf("/usr/src/linux-source-%s.tar.xz", version);
		if (path_exists(deb) && sha256_file(deb, hex) == 0) {
			tarball = deb;
		} else {
			kb_clear_error();
			*why = xasprintf("%s is not set and %s is missing (Debian package linux-source-%s)",
					 env, deb, version);
			free(deb);
		}
	}
	const char *home = getenv("HOME");
	if (tarball && (!home || !*home)) {
		*why = xstrdup("HOME is not set: no cache for the unpacked tree");
		free(tarball);
		tarball = NULL;
	}
	if (!tarball)
		return NULL;
	char *root = xasprintf("%s/.cache/kbuild-test-trees", home);
	char *dir = path_join(root, hex);
	if (!is_dir(dir)) {
		ck_assert_int_eq(mkdir_p(root, 0755), 0);
		double t0 = now_seconds();
		ck_assert_msg(extract_archive(tarball, dir, NULL) == 0, "%s", kb_last_error());
		fprintf(stderr, "real tree: %s unpacked into %s in %.1f s\n", tarball, dir,
			now_seconds() - t0);
	}
	free(root);
	free(tarball);
	return dir;
}
