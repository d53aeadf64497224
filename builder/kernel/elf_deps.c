/* Resolve DT_NEEDED like ld.so: RUNPATH/RPATH, ld.so.conf, default dirs. */
#include "kernel/elf_deps.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct elf_info {
	int cls, machine;
	char *interp;        /* PT_INTERP, or NULL */
	struct strv needed;  /* DT_NEEDED names */
	struct strv runpath; /* DT_RUNPATH entries (or DT_RPATH when no RUNPATH) */
	bool has_runpath;    /* RUNPATH present: RPATH is then ignored */
};

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct resolver {
	const char *root; /* sysroot prefix, "" for / */
	const char *binary;
	int cls, machine;
	struct strv conf_dirs; /* from ld.so.conf */
	struct strv exe_rpath; /* DT_RPATH of the executable, searched for every object */
	struct strv names;     /* DT_NEEDED names already satisfied */
	struct file_id *ids;   /* files already in the closure */
	size_t n_ids;
};

static const char *const default_dirs[] = {
	"/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib",
};

static void elf_info_free(struct elf_info *i)
{
	free(i->interp);
	strv_free(&i->needed);
	strv_free(&i->runpath);
	memset(i, 0, sizeof(*i));
}

static void split_path_list(struct strv *out, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (*d)
			strv_push(out, d);
	free(copy);
}

static void read_dynamic(Elf *e, struct elf_info *info)
{
	struct strv rpath = {0};
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(data, (int)k, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			const char *s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag == DT_NEEDED)
				strv_push(&info->needed, s);
			else if (dyn.d_tag == DT_RUNPATH) {
				info->has_runpath = true;
				split_path_list(&info->runpath, s);
			} else
				split_path_list(&rpath, s);
		}
	}
	if (!info->has_runpath) {
		for (size_t k = 0; k < rpath.n; k++)
			strv_push(&info->runpath, rpath.v[k]);
	}
	strv_free(&rpath);
}

/* Read class, machine, interpreter and dynamic entries. Returns -1 with
 * kb_fail() when path is not a readable ELF file. */
static int elf_info_read(const char *path, struct elf_info *info)
{
	memset(info, 0, sizeof(*info));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("%s: %s", path, strerror(errno));
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		if (e)
			elf_end(e);
		close(fd);
		return kb_fail("%s: not an ELF file", path);
	}
	info->cls = gelf_getclass(e);
	info->machine = eh.e_machine;
	size_t nph = 0, rawsize = 0;
	char *raw = elf_rawfile(e, &rawsize);
	if (elf_getphdrnum(e, &nph) == 0) {
		for (size_t k = 0; k < nph; k++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)k, &ph) || ph.p_type != PT_INTERP)
				continue;
			if (raw && ph.p_offset < rawsize && ph.p_filesz <= rawsize - ph.p_offset)
				info->interp = xstrndup(raw + ph.p_offset, ph.p_filesz);
		}
	}
	read_dynamic(e, info);
	elf_end(e);
	close(fd);
	return 0;
}

static bool seen_file(struct resolver *r, const char *host_path, bool add)
{
	struct stat st;
	if (stat(host_path, &st) < 0)
		return false;
	for (size_t k = 0; k < r->n_ids; k++)
		if (r->ids[k].dev == st.st_dev && r->ids[k].ino == st.st_ino)
			return true;
	if (add) {
		r->ids = xrealloc(r->ids, (r->n_ids + 1) * sizeof(*r->ids));
		r->ids[r->n_ids++] = (struct file_id){st.st_dev, st.st_ino};
	}
	return false;
}

static bool seen_name(struct resolver *r, const char *name)
{
	for (size_t k = 0; k < r->names.n; k++)
		if (strcmp(r->names.v[k], name) == 0)
			return true;
	return false;
}

static char *host_path(struct resolver *r, const char *guest_path)
{
	return xasprintf("%s%s", r->root, guest_path);
}

/* ld.so.conf: one directory a line, '#' comments, "include <glob>" relative
 * to the including file's directory. */
static void parse_ld_conf(struct resolver *r, const char *guest_path, int depth)
{
	if (depth > 8)
		return;
	char *hp = host_path(r, guest_path);
	char *text = read_file(hp, NULL);
	free(hp);
	if (!text)
		return;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line += strspn(line, " \t");
		size_t len = strlen(line);
		while (len && strchr(" \t\r", line[len - 1]))
			line[--len] = '\0';
		if (!len || strncmp(line, "hwcap", 5) == 0)
			continue;
		if (strncmp(line, "include", 7) == 0 && (line[7] == ' ' || line[7] == '\t')) {
			char *pat = line + 8 + strspn(line + 8, " \t");
			char *dir = xstrdup(guest_path);
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			char *full = pat[0] == '/' ? xasprintf("%s%s", r->root, pat)
						   : xasprintf("%s%s/%s", r->root, dir, pat);
			glob_t g;
			if (glob(full, 0, NULL, &g) == 0) {
				size_t rootlen = strlen(r->root);
				for (size_t k = 0; k < g.gl_pathc; k++)
					parse_ld_conf(r, g.gl_pathv[k] + rootlen, depth + 1);
				globfree(&g);
			}
			free(full);
			free(dir);
			continue;
		}
		char *eq = strchr(line, '='); /* libc5 "dir=TYPE" form */
		if (eq)
			*eq = '\0';
		strv_push(&r->conf_dirs, line);
	}
	free(text);
}

/* Expand $ORIGIN / ${ORIGIN} in a RUNPATH entry. */
static char *expand_origin(const char *entry, const char *object_guest_path)
{
	char *origin = xstrdup(object_guest_path);
	char *slash = strrchr(origin, '/');
	if (slash)
		*slash = '\0';
	const char *p;
	char *res;
	if ((p = strstr(entry, "${ORIGIN}")))
		res = xasprintf("%.*s%s%s", (int)(p - entry), entry, origin, p + 9);
	else if ((p = strstr(entry, "$ORIGIN")))
		res = xasprintf("%.*s%s%s", (int)(p - entry), entry, origin, p + 7);
	else
		res = xstrdup(entry);
	free(origin);
	return res;
}

/* A candidate qualifies when it is an ELF of the binary's class and machine. */
static bool candidate_ok(struct resolver *r, const char *guest_path)
{
	char *hp = host_path(r, guest_path);
	struct elf_info ci;
	bool ok = false;
	if (access(hp, R_OK) == 0 && elf_info_read(hp, &ci) == 0) {
		ok = ci.cls == r->cls && ci.machine == r->machine;
		elf_info_free(&ci);
	}
	free(hp);
	kb_clear_error();
	return ok;
}

static char *try_dirs(struct resolver *r, const struct strv *dirs, const char *name,
		      const char *object_guest_path)
{
	for (size_t k = 0; k < dirs->n; k++) {
		char *dir = expand_origin(dirs->v[k], object_guest_path);
		char *cand = path_join(dir, name);
		free(dir);
		if (candidate_ok(r, cand))
			return cand;
		free(cand);
	}
	return NULL;
}

/* Guest path of library name needed by the object at object_guest_path. */
static char *find_library(struct resolver *r, const char *name, const struct elf_info *obj,
			  const char *object_guest_path)
{
	if (strchr(name, '/'))
		return candidate_ok(r, name) ? xstrdup(name) : NULL;
	char *found = try_dirs(r, &obj->runpath, name, object_guest_path);
	if (!found && !obj->has_runpath)
		found = try_dirs(r, &r->exe_rpath, name, object_guest_path);
	if (!found)
		found = try_dirs(r, &r->conf_dirs, name, object_guest_path);
	for (size_t k = 0; !found && k < sizeof(default_dirs) / sizeof(default_dirs[0]); k++) {
		char *cand = path_join(default_dirs[k], name);
		if (candidate_ok(r, cand))
			found = cand;
		else
			free(cand);
	}
	return found;
}

/* Resolve the DT_NEEDED entries of one object (read at host path hp, seen by
 * the loader at guest_path), appending new libraries to out and queue. */
static int add_object_deps(struct resolver *r, const char *hp, const char *guest_path, struct strv *queue,
			   struct strv *out)
{
	struct elf_info info;
	int rc = elf_info_read(hp, &info);
	if (rc < 0)
		return -1;
	for (size_t k = 0; k < info.needed.n && rc == 0; k++) {
		const char *name = info.needed.v[k];
		if (seen_name(r, name))
			continue;
		char *lib = find_library(r, name, &info, guest_path);
		if (!lib) {
			rc = kb_fail("%s: needed library %s (needed by %s) not found in RUNPATH, "
				     "ld.so.conf or the default directories%s%s",
				     r->binary, name, guest_path, *r->root ? " under " : "", r->root);
			break;
		}
		strv_push(&r->names, name);
		char *lib_host = host_path(r, lib);
		if (!seen_file(r, lib_host, true)) {
			strv_push(out, lib_host);
			strv_push(queue, lib);
		}
		free(lib_host);
		free(lib);
	}
	elf_info_free(&info);
	return rc;
}

int elf_needed_closure(const char *binary, const char *sysroot, struct strv *out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kb_fail("libelf: %s", elf_errmsg(-1));
	struct resolver r = {.root = sysroot ? sysroot : "", .binary = binary};
	size_t rootlen = strlen(r.root);
	while (rootlen && r.root[rootlen - 1] == '/')
		rootlen--;
	char *root = xstrndup(r.root, rootlen);
	r.root = root;

	struct elf_info exe;
	if (elf_info_read(binary, &exe) < 0) {
		free(root);
		return -1;
	}
	int rc = 0;
	if (!exe.interp && exe.needed.n == 0)
		goto done; /* static */
	r.cls = exe.cls;
	r.machine = exe.machine;
	if (!exe.has_runpath)
		for (size_t k = 0; k < exe.runpath.n; k++)
			strv_push(&r.exe_rpath, exe.runpath.v[k]);
	parse_ld_conf(&r, "/etc/ld.so.conf", 0);

	struct strv queue = {0};
	if (exe.interp) {
		char *ih = host_path(&r, exe.interp);
		if (access(ih, R_OK) < 0) {
			rc = kb_fail("%s: program interpreter %s not found", binary, ih);
			free(ih);
			goto done_queue;
		}
		seen_file(&r, ih, true);
		strv_push_owned(out, ih);
		const char *base = strrchr(exe.interp, '/');
		strv_push(&r.names, base ? base + 1 : exe.interp);
	}
	/* $ORIGIN of the executable is its own directory inside the sysroot. */
	char *bin_abs = path_abs(binary);
	const char *bin_guest = bin_abs ? bin_abs : binary;
	if (rootlen && bin_abs && strncmp(bin_abs, root, rootlen) == 0 && bin_abs[rootlen] == '/')
		bin_guest = bin_abs + rootlen;
	rc = add_object_deps(&r, binary, bin_guest, &queue, out);
	free(bin_abs);
	for (size_t q = 0; rc == 0 && q < queue.n; q++) {
		char *hp = host_path(&r, queue.v[q]);
		rc = add_object_deps(&r, hp, queue.v[q], &queue, out);
		free(hp);
	}
done_queue:
	strv_free(&queue);
done:
	elf_info_free(&exe);
	strv_free(&r.conf_dirs);
	strv_free(&r.exe_rpath);
	strv_free(&r.names);
	free(r.ids);
	free(root);
	return rc;
}
