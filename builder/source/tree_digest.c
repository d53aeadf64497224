#include "source/tree_digest.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* Hashes dir (path relative to the root: rel) recursively, in name order
 * (scandir, so the digest does not depend on the filesystem's order). */
static int walk(struct sha256_ctx *c, const char *path, const char *rel)
{
	struct dirent **ents;
	int n = scandir(path, &ents, skip_dots, by_name);
	if (n < 0)
		return kb_fail("cannot read %s: %s", path, strerror(errno));
	int r = 0;
	for (int i = 0; i < n; i++) {
		if (r == 0) {
			char *p = path_join(path, ents[i]->d_name);
			char *q = *rel ? xasprintf("%s/%s", rel, ents[i]->d_name) : xstrdup(ents[i]->d_name);
			struct stat st;
			if (lstat(p, &st) < 0) {
				r = kb_fail("cannot stat %s: %s", p, strerror(errno));
			} else {
				char line[256];
				int len = snprintf(line, sizeof(line), "%o %lld %lld.%09ld %lld.%09ld ",
						   (unsigned)st.st_mode, (long long)st.st_size,
						   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
						   (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
				sha256_update(c, q, strlen(q) + 1);
				sha256_update(c, line, (size_t)len);
				if (S_ISLNK(st.st_mode)) {
					char target[4096];
					ssize_t t = readlink(p, target, sizeof(target));
					if (t > 0)
						sha256_update(c, target, (size_t)t);
				} else if (S_ISDIR(st.st_mode)) {
					r = walk(c, p, q);
				}
			}
			free(p);
			free(q);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int tree_digest(const char *root, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx *c = sha256_new();
	int r = walk(c, root, "");
	sha256_final_hex(c, hex);
	return r;
}
