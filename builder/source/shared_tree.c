#include "source/shared_tree.h"
#include "lib/outfile.h"
#include "source/unpack.h"
#include "lib/sha256.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char *shared_tree_root(void)
{
	const char *r = getenv("KBUILD_PRISTINE");
	return r && *r ? r : NULL;
}

/* nftw has no context argument: one walk at a time (the extract stage is
 * single-threaded). */
static const char *walk_src, *walk_dest;
static unsigned long walk_links;

static int link_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	const char *rel = path + strlen(walk_src);
	char *to = xasprintf("%s%s", walk_dest, rel);
	int rc = 0;
	if (flag == FTW_D) {
		if (mkdir(to, (st->st_mode & 07777) | 0700) < 0)
			rc = kb_fail("cannot create %s: %s", to, strerror(errno));
	} else if (flag == FTW_SL) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n < 0 || (target[n] = '\0', symlink(target, to) < 0))
			rc = kb_fail("cannot copy the symlink %s: %s", path, strerror(errno));
	} else if (flag == FTW_F) {
		if (link(path, to) == 0)
			walk_links++;
		else if (errno == EXDEV || errno == EMLINK)
			rc = copy_file(path, to);
		else
			rc = kb_fail("cannot link %s to %s: %s", path, to, strerror(errno));
	} else {
		rc = kb_fail("cannot read %s", path);
	}
	free(to);
	return rc;
}

int link_tree(const char *src, const char *dest)
{
	walk_src = src;
	walk_dest = dest;
	walk_links = 0;
	int rc = nftw(src, link_entry, 64, FTW_PHYS);
	walk_src = walk_dest = NULL;
	return rc == 0 ? 0 : -1;
}

int shared_tree_extract(const char *root, const char *sha256, const char *archive, const char *dest,
			FILE *log)
{
	if (!sha256_valid_hex(sha256))
		return kb_fail("no verified sha256 for %s: cannot share a pristine tree", archive);
	if (mkdir_p(root, 0755) < 0)
		return -1;
	char *tree = path_join(root, sha256);
	char *lockp = xasprintf("%s.lock", tree);
	int fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int rc = 0;
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		rc = kb_fail("cannot lock %s: %s", lockp, strerror(errno));
	if (rc == 0 && !is_dir(tree)) {
		if (log)
			fprintf(log, "unpacking %s once into the shared pristine tree %s\n", archive, tree);
		rc = extract_archive(archive, tree, log);
	} else if (rc == 0 && log) {
		fprintf(log, "the pristine tree %s is already unpacked\n", tree);
	}
	if (fd >= 0)
		close(fd); /* releases the lock */
	char *tmp = NULL;
	if (rc == 0 && !(tmp = extract_prepare_dest(dest)))
		rc = -1;
	/* extract_prepare_dest made tmp; link_tree makes its own top. */
	if (rc == 0 && rmdir(tmp) < 0)
		rc = kb_fail("cannot remove %s: %s", tmp, strerror(errno));
	if (rc == 0)
		rc = link_tree(tree, tmp);
	if (rc == 0 && rename(tmp, dest) < 0)
		rc = kb_fail("cannot rename %s to %s: %s", tmp, dest, strerror(errno));
	if (rc == 0 && log)
		fprintf(log, "linked %lu files from %s into %s\n", walk_links, tree, dest);
	if (rc < 0 && tmp)
		rm_rf(tmp);
	free(tmp);
	free(lockp);
	free(tree);
	return rc;
}
