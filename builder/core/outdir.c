#include "core/outdir.h"
#include "lib/outfile.h"
#include "core/lock.h"
#include "core/profile_values.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static void set_paths(struct run *r)
{
	r->srcdir = run_path(r, "src");
	r->objdir = run_path(r, "build");
	r->installroot = run_path(r, "stage");
	r->logdir = run_path(r, "logs");
	r->stampdir = run_path(r, "stamps");
}

/* A shared lock for readers; a running kbuild (exclusive) is reported, not
 * waited for: status shows what is on disk now. */
static int lock_shared(const char *outdir)
{
	char *path = path_join(outdir, ".lock");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -1; /* never locked: no run ever held it */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		char buf[32] = "";
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr, "kbuild: note: a run is in progress in %s (pid %s)\n", outdir,
			*buf ? buf : "unknown");
		close(fd);
		return -1;
	}
	return fd;
}

static int write_marker(const char *outdir)
{
	char *m = path_join(outdir, OUTDIR_MARKER);
	int r = 0;
	if (!path_exists(m)) {
		static const char text[] = "kbuild output directory: `kbuild clean` may remove it\n";
		r = write_file_atomic(m, text, sizeof(text) - 1);
	}
	free(m);
	return r;
}

int outdir_open(struct run *r, const char *dir, enum outdir_use use, int *lock_fd)
{
	*lock_fd = -1;
	if (use != OUTDIR_RUN && !is_dir(dir)) {
		r->outdir = xstrdup(dir);
		set_paths(r);
		return 1;
	}
	if (use == OUTDIR_RUN) {
		/* O reaches make (O=, -C, KCFLAGS, CCACHE_BASEDIR): checked before
		 * anything is created, as cc, arch and cross are */
		char *cwd = dir[0] == '/' ? NULL : getcwd(NULL, 0);
		char *abs = cwd ? path_join(cwd, dir) : xstrdup(dir);
		const char *why = value_rule_make_path(abs);
		if (why)
			kb_fail("O=%s: the output directory %s: %s", dir, abs, why);
		free(cwd);
		free(abs);
		if (why)
			return -1;
		if (mkdir_p(dir, 0755) < 0)
			return -1;
	}
	r->outdir = path_abs(dir);
	if (!r->outdir)
		return -1;
	set_paths(r);
	if (use == OUTDIR_STATUS) {
		*lock_fd = lock_shared(r->outdir);
		return 0;
	}
	if (use == OUTDIR_CLEAN && outdir_check_removable(r->outdir, r->home) < 0)
		return -1;
	*lock_fd = lock_outdir(r->outdir);
	if (*lock_fd < 0)
		return -1;
	if (use == OUTDIR_RUN && write_marker(r->outdir) < 0) {
		unlock_outdir(*lock_fd);
		*lock_fd = -1;
		return -1;
	}
	return 0;
}

/* Whether dir is precious itself or above something precious. */
static bool is_or_contains(const char *dir, const char *precious)
{
	if (!precious)
		return false;
	char *p = realpath(precious, NULL);
	if (!p)
		return false;
	size_t n = strlen(dir);
	bool r = !strcmp(dir, "/") || (!strncmp(p, dir, n) && (p[n] == '\0' || p[n] == '/'));
	free(p);
	return r;
}

int outdir_check_removable(const char *dir, const char *home)
{
	char *abs = realpath(dir, NULL);
	if (!abs)
		return kb_fail("cannot resolve %s: %s", dir, strerror(errno));
	char *cwd = getcwd(NULL, 0);
	const char *what = NULL;
	if (!strcmp(abs, "/"))
		what = "the root directory";
	else if (is_or_contains(abs, getenv("HOME")))
		what = "your home directory (or a parent of it)";
	else if (is_or_contains(abs, home))
		what = "kbuild's own checkout (or a parent of it)";
	else if (is_or_contains(abs, cwd))
		what = "the current directory (or a parent of it)";
	int r = 0;
	char *marker = path_join(abs, OUTDIR_MARKER);
	if (what)
		r = kb_fail("refusing to clean %s: it is %s", abs, what);
	else if (!path_exists(marker))
		r = kb_fail("refusing to clean %s: not a kbuild output directory (no %s in it; "
			    "remove it by hand if it is one from an older kbuild)",
			    abs, OUTDIR_MARKER);
	free(marker);
	free(cwd);
	free(abs);
	return r;
}

int outdir_clean(const struct run *r)
{
	if (outdir_check_removable(r->outdir, r->home) < 0)
		return -1;
	return rm_rf(r->stampdir) < 0 || rm_rf(r->outdir) < 0 ? -1 : 0;
}
