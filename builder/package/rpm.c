/* The RPM for CentOS 6-era hosts, written from packaging/rpm/ and built
 * with rpmbuild. */
#include "package/pkginfo.h"
#include "lib/outfile.h"
#include "package/template.h"
#include "lib/spawn.h"
#include "lib/tools.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* RPM versions cannot hold '-'. */
static char *rpm_version(const char *krel)
{
	char *v = xstrdup(krel);
	for (char *c = v; *c; c++)
		if (*c == '-')
			*c = '_';
	return v;
}

/* A value going into a spec tag: rpmbuild expands macros, so '%' is doubled. */
static char *spec_escape(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;
	for (; *s; s++) {
		if (*s == '%')
			*o++ = '%';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* %files: every file and link, the owned directories with %dir; the shared
 * ones (/boot, /lib/modules, /usr/share) belong to the host. */
static char *files_list(const struct pkg_info *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	for (size_t i = 0; i < p->m->n; i++) {
		const struct mf_entry *e = &p->m->e[i];
		if (e->kind == MF_DIR && manifest_owned(p->m, e->path))
			fprintf(f, "%%dir /%s\n", e->path);
		else if (e->kind != MF_DIR)
			fprintf(f, "/%s\n", e->path);
	}
	char *mf = manifest_relpath(p->krel);
	fprintf(f, "/%s", mf);
	free(mf);
	fclose(f);
	return buf;
}

static void add(struct strv *n, struct strv *v, const char *name, char *value)
{
	strv_push(n, name);
	strv_push_owned(v, value);
}

char *rpm_spec_text(const struct pkg_info *p)
{
	struct strv n = {0}, v = {0};
	char *name = xasprintf("kernel-%s", p->suffix);
	add(&n, &v, "NAME", xstrdup(name));
	add(&n, &v, "KREL", xstrdup(p->krel));
	add(&n, &v, "VERSION", rpm_version(p->krel));
	add(&n, &v, "PKGREL", xstrdup(p->pkgrel));
	add(&n, &v, "PROFILE", xstrdup(p->profile));
	add(&n, &v, "VENDOR", spec_escape(p->vendor));
	add(&n, &v, "BOOT_MODE", xstrdup(p->boot_mode));
	add(&n, &v, "BUNDLE", xasprintf("kbuild-%s-%s", p->profile, p->krel));
	char *post_path = xasprintf("%s/packaging/rpm/post-%s.in", p->home, p->boot_mode);
	char *post = template_fill_file(post_path, &n, &v);
	free(post_path);
	char *text = NULL;
	if (post) {
		size_t l = strlen(post);
		while (l && post[l - 1] == '\n')
			post[--l] = '\0';
		add(&n, &v, "POST", post);
		add(&n, &v, "FILES", files_list(p));
		char *spec_in = xasprintf("%s/packaging/rpm/kernel.spec.in", p->home);
		text = template_fill_file(spec_in, &n, &v);
		free(spec_in);
	}
	free(name);
	strv_free(&n);
	strv_free(&v);
	return text;
}

/* The one .rpm rpmbuild wrote under dir. */
static char *find_rpm(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		kb_fail("rpmbuild wrote no %s", dir);
		return NULL;
	}
	char *found = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".rpm")) {
			free(found);
			found = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (!found)
		kb_fail("rpmbuild wrote no .rpm into %s", dir);
	return found;
}

int rpm_build(const struct pkg_info *p, const char *workdir, const char *outdir, char **out)
{
	if (strcmp(p->arch, "x86_64"))
		return kb_fail("RPM packaging knows only arch x86_64, not %s", p->arch);
	/* The tree's path goes into the spec's %install script. */
	if (p->tree[0] != '/' || !manifest_path_ok(p->tree + 1))
		return kb_fail(
			"%s: the output directory's path has characters rpmbuild's %%install cannot take "
			"(use letters, digits, . _ + , @ = : - /)",
			p->tree);
	char *top = path_join(workdir, "rpm");
	char *spec_path = path_join(top, "kernel.spec");
	int rc = rm_rf(top) < 0 || mkdir_p(top, 0755) < 0 ? -1 : 0;
	char *spec = rc == 0 ? rpm_spec_text(p) : NULL;
	if (rc == 0 && !spec)
		rc = -1;
	if (rc == 0)
		rc = write_file_atomic(spec_path, spec, strlen(spec));
	char *d_top = xasprintf("_topdir %s", top);
	char *d_tree = xasprintf("kbuild_tree %s", p->tree);
	char *d_rpmdir = xasprintf("_rpmdir %s/RPMS", top);
	char *epoch = xasprintf("SOURCE_DATE_EPOCH=%lld", p->epoch);
	char *argv[] = {"rpmbuild",
			"-bb",
			"--quiet",
			"--target",
			"x86_64",
			"--define",
			d_top,
			"--define",
			d_tree,
			"--define",
			d_rpmdir,
			"--define",
			"_build_name_fmt %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm",
			spec_path,
			NULL};
	char *env[] = {epoch, "LC_ALL=C", NULL};
	if (rc == 0)
		rc = spawn_logged(argv, &(struct spawn_opts){.stdin_fd = -1, .env_add = env}, p->log);
	char *rpms = xasprintf("%s/RPMS", top);
	char *name = rc == 0 ? find_rpm(rpms) : NULL;
	if (rc == 0 && !name)
		rc = -1;
	if (rc == 0) {
		char *from = path_join(rpms, name);
		*out = path_join(outdir, name);
		if (rename(from, *out) < 0)
			rc = kb_fail("cannot rename %s to %s: %s", from, *out, strerror(errno));
		free(from);
	}
	free(name);
	free(rpms);
	free(epoch);
	free(d_top);
	free(d_tree);
	free(d_rpmdir);
	free(spec);
	free(spec_path);
	free(top);
	return rc;
}
