/* Collect the initramfs tree in memory, then write it sorted with libarchive. */
#define _GNU_SOURCE
#include "guest/initramfs.h"
#include "kernel/elf_deps.h"
#include "guest/init_script.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "lib/outfile.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum entry_kind { ENT_DIR, ENT_FILE, ENT_DATA, ENT_SYMLINK, ENT_CHR };

struct entry {
	char *path;             /* inside the archive, no leading '/' */
	enum entry_kind kind;
	unsigned perm;
	char *src;              /* ENT_FILE: host file; ENT_SYMLINK: target; ENT_DATA: bytes */
	size_t len;             /* ENT_DATA */
	unsigned major, minor;  /* ENT_CHR */
	size_t seq;             /* insertion order: the first of two equal paths wins */
};

struct tree {
	struct entry *e;
	size_t n, cap;
};

static void tree_add(struct tree *t, const char *path, enum entry_kind kind, unsigned perm,
		     const char *src, size_t len)
{
	while (*path == '/')
		path++;
	if (t->n == t->cap)
		t->e = xrealloc(t->e, (t->cap = t->cap ? 2 * t->cap : 256) * sizeof(*t->e));
	struct entry *e = &t->e[t->n];
	*e = (struct entry){.path = xstrdup(path), .kind = kind, .perm = perm, .seq = t->n};
	if (kind == ENT_DATA) {
		e->src = xmalloc(len + 1);
		memcpy(e->src, src, len);
		e->len = len;
	} else if (src) {
		e->src = xstrdup(src);
	}
	t->n++;
}

static void tree_free(struct tree *t)
{
	for (size_t k = 0; k < t->n; k++) {
		free(t->e[k].path);
		free(t->e[k].src);
	}
	free(t->e);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Add every missing parent directory, sort, and drop repeated paths. */
static int tree_finish(struct tree *t)
{
	size_t n = t->n;
	for (size_t k = 0; k < n; k++) {
		char *p = xstrdup(t->e[k].path);
		for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			*s = '\0';
			tree_add(t, p, ENT_DIR, 0755, NULL, 0);
			*s = '/';
		}
		free(p);
	}
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	size_t out = 0;
	for (size_t k = 0; k < t->n; k++) {
		if (out && strcmp(t->e[out - 1].path, t->e[k].path) == 0) {
			struct entry *kept = &t->e[out - 1];
			if ((kept->kind == ENT_DIR) != (t->e[k].kind == ENT_DIR))
				return kb_fail("initramfs: /%s is both a directory and a file",
					       kept->path);
			free(t->e[k].path);
			free(t->e[k].src);
			continue;
		}
		t->e[out++] = t->e[k];
	}
	t->n = out;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Directories the guest's loader searches without ld.so.cache. */
static bool loader_default_dir(const char *dir)
{
	static const char *const dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
					   "/lib64", "/usr/lib64", "/lib", "/usr/lib"};
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		if (strcmp(dir, dirs[k]) == 0)
			return true;
	return false;
}

/* Remember a library's directory for LD_LIBRARY_PATH unless the loader
 * searches it anyway. */
static void note_lib_dir(struct strv *dirs, const char *lib)
{
	char *dir = xstrdup(lib);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	bool have = loader_default_dir(dir);
	for (size_t k = 0; !have && k < dirs->n; k++)
		have = strcmp(dirs->v[k], dir) == 0;
	if (!have)
		strv_push(dirs, dir);
	free(dir);
}

/* A program and the shared libraries it needs, at their host paths. */
static int add_libs_of(struct tree *t, const char *binary, struct strv *lib_dirs)
{
	struct strv libs = {0};
	if (elf_needed_closure(binary, NULL, &libs) < 0) {
		strv_free(&libs);
		return -1;
	}
	for (size_t k = 0; k < libs.n; k++) {
		tree_add(t, libs.v[k], ENT_FILE, 0755, libs.v[k], 0);
		if (k > 0 || !strstr(libs.v[k], "/ld-"))   /* the interpreter is found by path */
			note_lib_dir(lib_dirs, libs.v[k]);
	}
	strv_free(&libs);
	return 0;
}

static int add_busybox(struct tree *t, const char *busybox, struct strv *lib_dirs)
{
	if (access(busybox, X_OK) < 0)
		return kb_fail("busybox %s: %s", busybox, strerror(errno));
	tree_add(t, "bin/busybox", ENT_FILE, 0755, busybox, 0);
	if (add_libs_of(t, busybox, lib_dirs) < 0)
		return -1;
	/* --list-full gives each applet's usual directory (bin/sh, sbin/modprobe, ...) */
	char *argv[] = {(char *)busybox, "--list-full", NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *list = NULL;
	bool full = true;
	if (spawn_capture(argv, &o, &list) != 0) {
		free(list);
		list = NULL;
		argv[1] = "--list";
		full = false;
		if (spawn_capture(argv, &o, &list) != 0) {
			free(list);
			return kb_fail("%s --list failed: is it a busybox binary?", busybox);
		}
	}
	size_t applets = 0;
	char *save = NULL;
	for (char *l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!*l || strcmp(base_name(l), "busybox") == 0)
			continue;
		char *path = full ? xstrdup(l) : xasprintf("bin/%s", l);
		tree_add(t, path, ENT_SYMLINK, 0777, "/bin/busybox", 0);
		free(path);
		applets++;
	}
	free(list);
	if (!applets)
		return kb_fail("%s lists no applets", busybox);
	/* the kernel runs /sbin/modprobe for module requests */
	tree_add(t, "sbin/modprobe", ENT_SYMLINK, 0777, "/bin/busybox", 0);
	return 0;
}

static int add_qa(struct tree *t, const struct initramfs_spec *s, struct strv *lib_dirs)
{
	for (size_t k = 0; k < s->n_qa_bins; k++) {
		const char *b = s->qa_bins[k];
		if (access(b, X_OK) < 0)
			return kb_fail("qa program %s: %s", b, strerror(errno));
		char *dest = xasprintf("qa/%s", base_name(b));
		tree_add(t, dest, ENT_FILE, 0755, b, 0);
		free(dest);
		if (add_libs_of(t, b, lib_dirs) < 0)
			return -1;
	}
	const char *plan = s->plan ? s->plan : "";
	tree_add(t, INIT_QA_PLAN, ENT_DATA, 0644, plan, strlen(plan));
	return 0;
}

/* --- modules --- */

static struct tree *walk_tree;
static size_t walk_prefix_len;
static const char *walk_dest;

static int walk_add(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = fpath + walk_prefix_len;
	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0;
	/* the build/source links point into the build tree, not wanted in a guest */
	if (ftw->level == 1 && (strcmp(rel, "build") == 0 || strcmp(rel, "source") == 0))
		return type == FTW_D ? FTW_SKIP_SUBTREE : 0;
	char *dest = xasprintf("%s/%s", walk_dest, rel);
	if (type == FTW_F)
		tree_add(walk_tree, dest, ENT_FILE, st->st_mode & 07777, fpath, 0);
	else if (type == FTW_SL) {
		char target[4096];
		ssize_t n = readlink(fpath, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			tree_add(walk_tree, dest, ENT_SYMLINK, 0777, target, 0);
		}
	} else if (type == FTW_D)
		tree_add(walk_tree, dest, ENT_DIR, st->st_mode & 07777, NULL, 0);
	free(dest);
	return 0;
}

static int add_dir_contents(struct tree *t, const char *host_dir, const char *dest)
{
	walk_tree = t;
	walk_prefix_len = strlen(host_dir);
	walk_dest = dest;
	if (nftw(host_dir, walk_add, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0)
		return kb_fail("%s: cannot walk: %s", host_dir, strerror(errno));
	return 0;
}

struct modset {
	struct strv paths;   /* host paths of the chosen .ko files */
	struct strv names;
};

static bool modset_has(const struct modset *m, const char *name)
{
	for (size_t k = 0; k < m->names.n; k++)
		if (strcmp(m->names.v[k], name) == 0)
			return true;
	return false;
}

static int modset_add_list(struct kmod_ctx *ctx, struct modset *m, struct kmod_list *list,
			   int depth);

static int modset_add(struct kmod_ctx *ctx, struct modset *m, struct kmod_module *mod, int depth)
{
	const char *name = kmod_module_get_name(mod);
	const char *path = kmod_module_get_path(mod);
	if (!path || modset_has(m, name) || depth > 64)
		return 0;   /* built in, already chosen, or a softdep cycle */
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

static int modset_add_list(struct kmod_ctx *ctx, struct modset *m, struct kmod_list *list,
			   int depth)
{
	struct kmod_list *it;
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		int rc = modset_add(ctx, m, mod, depth);
		kmod_module_unref(mod);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int choose_modules(const char *moddir, const struct initramfs_spec *s, struct modset *m)
{
	struct kmod_ctx *ctx = kmod_new(moddir, NULL);
	if (!ctx)
		return kb_fail("libkmod: cannot open %s", moddir);
	kmod_set_log_priority(ctx, 0);
	int rc = 0;
	for (size_t k = 0; k < s->n_modules && rc == 0; k++) {
		struct kmod_list *list = NULL;
		if (kmod_module_new_from_lookup(ctx, s->modules[k], &list) < 0 || !list) {
			rc = kb_fail("module %s: not found in %s/modules.dep (or its aliases, "
				     "modules.builtin)", s->modules[k], moddir);
			break;
		}
		rc = modset_add_list(ctx, m, list, 0);
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
	return rc;
}

/* A hard link when possible: the temporary tree only feeds depmod. */
static int link_or_copy(const char *from, const char *to)
{
	return link(from, to) == 0 ? 0 : copy_file(from, to);
}

/* Copy the chosen modules into tmp/lib/modules/<release> and regenerate the
 * index files there with depmod, so the guest's modules.dep lists only what
 * it has. */
static int stage_modules(const char *moddir, const char *release, const struct modset *m,
			 const char *tmp, FILE *log)
{
	char *dest = xasprintf("%s/lib/modules/%s", tmp, release);
	int rc = mkdir_p(dest, 0755);
	size_t dl = strlen(moddir);
	for (size_t k = 0; rc == 0 && k < m->paths.n; k++) {
		const char *p = m->paths.v[k];
		char *rel = strncmp(p, moddir, dl) == 0 && p[dl] == '/'
				    ? xstrdup(p + dl + 1) : xasprintf("extra/%s", base_name(p));
		char *to = path_join(dest, rel);
		char *dir = xstrdup(to);
		*strrchr(dir, '/') = '\0';
		rc = mkdir_p(dir, 0755);
		if (rc == 0)
			rc = link_or_copy(p, to);
		free(dir);
		free(to);
		free(rel);
	}
	static const char *const keep[] = {"modules.order", "modules.builtin",
					   "modules.builtin.modinfo"};
	for (size_t k = 0; rc == 0 && k < sizeof(keep) / sizeof(keep[0]); k++) {
		char *from = path_join(moddir, keep[k]), *to = path_join(dest, keep[k]);
		if (path_exists(from))
			rc = link_or_copy(from, to);
		free(from);
		free(to);
	}
	if (rc == 0) {
		/* depmod lives in /sbin, which a user's PATH may lack */
		const char *depmod = path_exists("/usr/sbin/depmod") ? "/usr/sbin/depmod"
				     : path_exists("/sbin/depmod")   ? "/sbin/depmod"
								      : "depmod";
		char *argv[] = {(char *)depmod, "-b", (char *)tmp, (char *)release, NULL};
		struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = log ? fileno(log) : -1,
				       .stderr_fd = -1};
		if (log)
			fflush(log);
		int st = spawn_run(argv, &o);
		if (st != 0)
			rc = st < 0 ? -1 : kb_fail("depmod -b %s %s failed with status %d", tmp,
						   release, st);
	}
	free(dest);
	return rc;
}

static int add_modules(struct tree *t, const struct initramfs_spec *s, const char *tmp,
		       FILE *log)
{
	if (!s->modules_root)
		return 0;
	if (!s->release)
		return kb_fail("initramfs: modules_root given without a release");
	char *moddir = xasprintf("%s/lib/modules/%s", s->modules_root, s->release);
	char *dest = xasprintf("lib/modules/%s", s->release);
	int rc;
	if (!is_dir(moddir)) {
		rc = kb_fail("%s: no such module directory", moddir);
	} else if (s->n_modules == 0) {
		rc = add_dir_contents(t, moddir, dest);
	} else {
		struct modset m = {0};
		rc = choose_modules(moddir, s, &m);
		if (rc == 0)
			rc = stage_modules(moddir, s->release, &m, tmp, log);
		if (rc == 0) {
			char *staged = xasprintf("%s/lib/modules/%s", tmp, s->release);
			rc = add_dir_contents(t, staged, dest);
			free(staged);
		}
		if (rc == 0 && log)
			fprintf(log, "initramfs: %zu modules (with dependencies) for %zu requested\n",
				m.names.n, s->n_modules);
		strv_free(&m.names);
		strv_free(&m.paths);
	}
	free(dest);
	free(moddir);
	return rc;
}

/* --- writing --- */

static long long source_date_epoch(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (!e || !*e)
		return 0;
	char *end;
	long long v = strtoll(e, &end, 10);
	return *end || v < 0 ? 0 : v;
}

static int write_entry(struct archive *a, struct archive_entry *ae, const struct entry *e,
		       long long mtime, long long ino)
{
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_ino64(ae, ino);
	archive_entry_set_nlink(ae, e->kind == ENT_DIR ? 2 : 1);
	char *data = NULL;
	size_t len = 0;
	switch (e->kind) {
	case ENT_DIR:
		archive_entry_set_mode(ae, AE_IFDIR | e->perm);
		break;
	case ENT_SYMLINK:
		archive_entry_set_mode(ae, AE_IFLNK | 0777);
		archive_entry_set_symlink(ae, e->src);
		break;
	case ENT_CHR:
		archive_entry_set_mode(ae, AE_IFCHR | e->perm);
		archive_entry_set_rdevmajor(ae, e->major);
		archive_entry_set_rdevminor(ae, e->minor);
		break;
	case ENT_DATA:
		archive_entry_set_mode(ae, AE_IFREG | e->perm);
		data = e->src;
		len = e->len;
		break;
	case ENT_FILE:
		data = read_file(e->src, &len);
		if (!data)
			return kb_fail("initramfs: cannot read %s for /%s: %s", e->src, e->path,
				       strerror(errno));
		archive_entry_set_mode(ae, AE_IFREG | e->perm);
		break;
	}
	archive_entry_set_size(ae, (la_int64_t)len);
	int rc = 0;
	if (archive_write_header(a, ae) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len))
		rc = kb_fail("initramfs: writing /%s: %s%s%s", e->path, archive_error_string(a),
			     archive_errno(a) > 0 ? ": " : "", archive_errno(a) > 0 ? strerror(archive_errno(a)) : "");
	if (e->kind == ENT_FILE)
		free(data);
	return rc;
}

static int write_archive(const struct tree *t, const char *path)
{
	struct archive *a = archive_write_new();
	int rc = 0;
	/* no timestamp in the gzip header: identical inputs give identical bytes */
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
		rc = kb_fail("initramfs: cannot set up %s: %s", path, archive_error_string(a));
		archive_write_free(a);
		return rc;
	}
	/* the file itself is a checked outfile: written under a temporary
	 * name, synced, renamed only when every byte is on disk */
	struct outfile f;
	if (outfile_open(&f, path, 0644) < 0) {
		archive_write_free(a);
		return -1;
	}
	if (archive_write_open_fd(a, f.fd) != ARCHIVE_OK) {
		rc = kb_fail("initramfs: cannot create %s: %s", path, archive_error_string(a));
		archive_write_free(a);
		outfile_abort(&f);
		return rc;
	}
	long long mtime = source_date_epoch();
	struct archive_entry *ae = archive_entry_new();
	for (size_t k = 0; k < t->n && rc == 0; k++)
		rc = write_entry(a, ae, &t->e[k], mtime, (long long)k + 1);
	archive_entry_free(ae);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = kb_fail("initramfs: finishing %s: %s%s%s", path, archive_error_string(a),
			     archive_errno(a) > 0 ? ": " : "", archive_errno(a) > 0 ? strerror(archive_errno(a)) : "");
	archive_write_free(a);
	if (rc == 0)
		return outfile_commit(&f);
	outfile_abort(&f);
	return rc;
}

int initramfs_build(const struct initramfs_spec *s, const char *out_path, FILE *log)
{
	struct tree t = {0};
	struct strv lib_dirs = {0};
	char *tmpdir = xasprintf("%s.modtree.XXXXXX", out_path);
	int rc = 0;
	if (!mkdtemp(tmpdir)) {
		rc = kb_fail("%s: cannot create: %s", tmpdir, strerror(errno));
		free(tmpdir);
		tmpdir = NULL;
		goto out;
	}
	static const char *const dirs[] = {"proc", "sys", "dev", "run", "qa", "bin", "sbin"};
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		tree_add(&t, dirs[k], ENT_DIR, 0755, NULL, 0);
	tree_add(&t, "tmp", ENT_DIR, 01777, NULL, 0);
	/* the kernel opens /dev/console for init before anything is mounted */
	tree_add(&t, "dev/console", ENT_CHR, 0600, NULL, 0);
	t.e[t.n - 1].major = 5, t.e[t.n - 1].minor = 1;
	tree_add(&t, "dev/null", ENT_CHR, 0666, NULL, 0);
	t.e[t.n - 1].major = 1, t.e[t.n - 1].minor = 3;

	if ((rc = add_busybox(&t, s->busybox ? s->busybox : "/bin/busybox", &lib_dirs)) < 0 ||
	    (rc = add_qa(&t, s, &lib_dirs)) < 0 || (rc = add_modules(&t, s, tmpdir, log)) < 0)
		goto out;
	char *ld_path = xstrdup("");
	for (size_t k = 0; k < lib_dirs.n; k++) {
		char *p = xasprintf("%s%s%s", ld_path, k ? ":" : "", lib_dirs.v[k]);
		free(ld_path);
		ld_path = p;
	}
	char *init = init_script_generate(s->sysctls, s->n_sysctls, s->init_extra, ld_path);
	free(ld_path);
	if (!init) {
		rc = -1;
		goto out;
	}
	tree_add(&t, "init", ENT_DATA, 0755, init, strlen(init));
	free(init);
	if ((rc = tree_finish(&t)) < 0)
		goto out;
	rc = write_archive(&t, out_path);
	if (rc == 0 && log) {
		struct stat st;
		if (stat(out_path, &st) == 0)
			fprintf(log, "initramfs: %s: %zu entries, %lld bytes\n", out_path, t.n,
				(long long)st.st_size);
	}
out:
	if (tmpdir)
		rm_rf(tmpdir);
	free(tmpdir);
	tree_free(&t);
	strv_free(&lib_dirs);
	return rc;
}
