/* Symlinks that must not lead outside the tree they belong to: a lexical
 * check as each link is met, and a check on disk once the whole tree is in
 * place. Shared by extract_archive (extract.c) and copy_tree (tree_copy.c). */
#include "source/tree_links.h"
#include "lib/util.h"

#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINK_HOPS 40

bool tree_link_climbs_out(const char *link_name, const char *target)
{
	if (target[0] == '/')
		return true;
	long depth = 0;
	for (const char *p = link_name; *p; p++)
		depth += *p == '/';
	for (const char *p = target; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (len && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len;
		p += strspn(p, "/");
	}
	return false;
}

/* Physical check: resolve the symlink rel (relative to rootfd) component by
 * component, following symlinks found inside the tree, and report whether it
 * ever leaves the root. Missing components are taken lexically. This catches
 * chains such as "d/up -> .." plus "d/up2 -> up/.." that no lexical check sees. */
static bool link_stays_inside(int rootfd, const char *rel)
{
	char path[PATH_MAX];
	size_t lens[PATH_MAX / 2];
	size_t depth = 0, len = 0;
	path[0] = '\0';

	/* the link's directory */
	const char *slash = strrchr(rel, '/');
	if (slash) {
		for (const char *p = rel; p < slash;) {
			size_t l = strcspn(p, "/");
			if (len + l + 2 >= sizeof(path) || depth >= PATH_MAX / 2)
				return false;
			lens[depth++] = len;
			if (len)
				path[len++] = '/';
			memcpy(path + len, p, l);
			len += l;
			path[len] = '\0';
			p += l + 1;
		}
	}

	char buf[PATH_MAX];
	ssize_t t = readlinkat(rootfd, rel, buf, sizeof(buf) - 1);
	if (t < 0)
		return false;
	buf[t] = '\0';
	char *rem = xstrdup(buf);
	unsigned hops = 0;
	bool inside = true;
	size_t pos = 0;

	while (rem[pos]) {
		if (rem[0] == '/' && pos == 0) {
			inside = false;
			break;
		}
		size_t l = strcspn(rem + pos, "/");
		const char *c = rem + pos;
		size_t next = pos + l + strspn(rem + pos + l, "/");
		if (l == 0 || (l == 1 && c[0] == '.')) {
			pos = next;
			continue;
		}
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			if (depth == 0) {
				inside = false;
				break;
			}
			len = lens[--depth];
			path[len] = '\0';
			pos = next;
			continue;
		}
		if (len + l + 2 >= sizeof(path) || depth >= PATH_MAX / 2) {
			inside = false;
			break;
		}
		size_t before = len;
		lens[depth++] = len;
		if (len)
			path[len++] = '/';
		memcpy(path + len, c, l);
		len += l;
		path[len] = '\0';

		struct stat st;
		if (fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			if (++hops > MAX_LINK_HOPS)
				break; /* a loop never resolves, so it cannot lead out either */
			t = readlinkat(rootfd, path, buf, sizeof(buf) - 1);
			if (t < 0) {
				inside = false;
				break;
			}
			buf[t] = '\0';
			if (buf[0] == '/') {
				inside = false;
				break;
			}
			/* replace this component by the link's target */
			depth--;
			len = before;
			path[len] = '\0';
			char *nrem = xasprintf("%s/%s", buf, rem + next);
			free(rem);
			rem = nrem;
			pos = 0;
			continue;
		}
		pos = next;
	}
	free(rem);
	return inside;
}

int tree_links_check(const char *origin, const char *root, const struct strv *links, const char *strip_prefix)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return kb_fail("cannot open %s: %s", root, strerror(errno));
	size_t plen = strip_prefix ? strlen(strip_prefix) : 0;
	int r = 0;
	for (size_t i = 0; i < links->n && r == 0; i++) {
		const char *rel = links->v[i] + plen;
		if (!link_stays_inside(rootfd, rel)) {
			char buf[PATH_MAX];
			ssize_t t = readlinkat(rootfd, rel, buf, sizeof(buf) - 1);
			buf[t < 0 ? 0 : t] = '\0';
			r = kb_fail("%s: symlink '%s' -> '%s' resolves outside the tree; refusing it", origin,
				    links->v[i], buf);
		}
	}
	close(rootfd);
	return r;
}

mode_t tree_safe_mode(mode_t perm)
{
	return perm & ~(mode_t)(S_ISUID | S_ISGID | S_IWOTH);
}

/* nftw has no user pointer: the scan in progress. */
static struct strv *scan_links;
static size_t scan_root_len;

static int note_link(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_SL || flag == FTW_SLN)
		strv_push(scan_links, path + scan_root_len + 1);
	return 0;
}

int tree_links_scan(const char *origin, const char *root)
{
	struct strv links = {0};
	scan_links = &links;
	scan_root_len = strlen(root);
	while (scan_root_len > 1 && root[scan_root_len - 1] == '/')
		scan_root_len--;
	int r = nftw(root, note_link, 32, FTW_PHYS) ? kb_fail("cannot walk %s: %s", root, strerror(errno))
						    : 0;
	scan_links = NULL;
	if (r == 0)
		r = tree_links_check(origin, root, &links, NULL);
	strv_free(&links);
	return r;
}
