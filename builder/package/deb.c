/* The .deb for Debian-family hosts: the bundle tree plus DEBIAN/ (control,
 * md5sums, maintainer scripts from packaging/deb/), built with dpkg-deb.
 * The same path serves 2.6.3x, whose tree has no bindeb-pkg, and 6.1, whose
 * bindeb-pkg would re-run modules_install and ship files other than the
 * tested, depmod'ed and MANIFEST-listed ones. */
#include "package/pkginfo.h"
#include "lib/outfile.h"
#include "package/template.h"
#include "source/unpack.h"
#include "lib/spawn.h"
#include "lib/tools.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *deb_arch(const char *arch)
{
	return !strcmp(arch, "x86_64") ? "amd64" : NULL;
}

static char *deb_name(const struct pkg_info *p)
{
	return xasprintf("linux-image-%s-%s", p->krel, p->suffix);
}

static void fill_names(const struct pkg_info *p, struct strv *n, struct strv *v)
{
	strv_push(n, "NAME"), strv_push_owned(v, deb_name(p));
	strv_push(n, "KREL"), strv_push(v, p->krel);
	strv_push(n, "VERSION"), strv_push_owned(v, xasprintf("%s-%s", p->krel, p->pkgrel));
	strv_push(n, "PROFILE"), strv_push(v, p->profile);
	strv_push(n, "VENDOR"), strv_push(v, p->vendor);
	strv_push(n, "ARCH"), strv_push(v, deb_arch(p->arch) ? deb_arch(p->arch) : p->arch);
}

char *deb_control_text(const struct pkg_info *p, unsigned long installed_kib)
{
	struct strv n = {0}, v = {0};
	fill_names(p, &n, &v);
	strv_push(&n, "SIZE"), strv_push_owned(&v, xasprintf("%lu", installed_kib));
	char *path = xasprintf("%s/packaging/deb/control.in", p->home);
	char *text = template_fill_file(path, &n, &v);
	free(path);
	strv_free(&n);
	strv_free(&v);
	return text;
}

/* "Yes" when the kernel's config has CONFIG_BLK_DEV_INITRD=y, as builddeb says. */
static const char *wants_initrd(const struct pkg_info *p)
{
	char *cfg = xasprintf("%s/boot/config-%s", p->tree, p->krel);
	char *text = read_file(cfg, NULL);
	bool yes = text && (!strncmp(text, "CONFIG_BLK_DEV_INITRD=y\n", 24) ||
			    strstr(text, "\nCONFIG_BLK_DEV_INITRD=y\n"));
	if (!text)
		kb_clear_error();
	free(text);
	free(cfg);
	return yes ? "Yes" : "No";
}

char *deb_script_text(const struct pkg_info *p, const char *script)
{
	struct strv n = {0}, v = {0};
	fill_names(p, &n, &v);
	strv_push(&n, "INITRD"), strv_push(&v, wants_initrd(p));
	char *path = xasprintf("%s/packaging/deb/%s.in", p->home, script);
	char *text = template_fill_file(path, &n, &v);
	free(path);
	strv_free(&n);
	strv_free(&v);
	return text;
}

static int md5_file(const char *path, char hex[33])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("%s: %s", path, strerror(errno));
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_md5(), NULL);
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	unsigned char d[16];
	EVP_DigestFinal_ex(c, d, NULL);
	EVP_MD_CTX_free(c);
	close(fd);
	if (n < 0)
		return kb_fail("%s: %s", path, strerror(errno));
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* DEBIAN/md5sums as dh_md5sums writes it; also the installed size in KiB. */
static char *md5sums_text(const struct pkg_info *p, const char *tree, unsigned long *kib)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	unsigned long long bytes = 0;
	char *mf = manifest_relpath(p->krel);
	int rc = 0;
	/* The manifest's entries are sorted; its own MANIFEST is one more file. */
	for (size_t i = 0; rc == 0 && i <= p->m->n; i++) {
		const char *rel = i < p->m->n ? p->m->e[i].path : mf;
		if (i < p->m->n && p->m->e[i].kind != MF_FILE) {
			bytes += 1024;
			continue;
		}
		char *full = path_join(tree, rel);
		struct stat st;
		char hex[33];
		if (stat(full, &st) < 0)
			rc = kb_fail("%s: %s", full, strerror(errno));
		else if ((rc = md5_file(full, hex)) == 0)
			fprintf(f, "%s  %s\n", hex, rel), bytes += (unsigned long long)st.st_size;
		free(full);
	}
	char *name = deb_name(p);
	for (int i = 0; rc == 0 && i < 2; i++) {
		char *rel = xasprintf("usr/share/doc/%s/%s", name, i ? "copyright" : "changelog.Debian.gz");
		char *full = path_join(tree, rel);
		char hex[33];
		struct stat st;
		if (stat(full, &st) < 0)
			rc = kb_fail("%s: %s", full, strerror(errno));
		else if ((rc = md5_file(full, hex)) == 0)
			fprintf(f, "%s  %s\n", hex, rel), bytes += (unsigned long long)st.st_size;
		free(full);
		free(rel);
	}
	free(name);
	free(mf);
	fclose(f);
	*kib = (unsigned long)((bytes + 1023) / 1024);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int write_debian_file(const char *dir, const char *name, const char *text, unsigned mode,
			     long long epoch)
{
	char *path = path_join(dir, name);
	int rc = text ? write_file_atomic(path, text, strlen(text)) : -1;
	if (rc == 0 && chmod(path, mode) < 0)
		rc = kb_fail("%s: %s", path, strerror(errno));
	struct timespec t[2] = {{.tv_sec = epoch}, {.tv_sec = epoch}};
	if (rc == 0 && utimensat(AT_FDCWD, path, t, 0) < 0)
		rc = kb_fail("%s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* usr/share/doc/<package>/{copyright,changelog.Debian.gz}, which Debian
 * policy asks of every package (they are the package's, not the bundle's). */
static int write_doc_dir(const struct pkg_info *p, const char *tree)
{
	char *name = deb_name(p);
	char *doc = xasprintf("%s/usr/share/doc/%s", tree, name);
	int rc = mkdir_p(doc, 0755);
	char *copyright_in = xasprintf("%s/packaging/deb/copyright", p->home);
	char *copyright = path_join(doc, "copyright");
	if (rc == 0)
		rc = copy_file(copyright_in, copyright);
	if (rc == 0 && chmod(copyright, 0644) < 0)
		rc = kb_fail("%s: %s", copyright, strerror(errno));
	struct strv n = {0}, v = {0};
	fill_names(p, &n, &v);
	char date[64];
	time_t t = (time_t)p->epoch;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime(&t));
	strv_push(&n, "DATE"), strv_push(&v, date);
	char *changelog_in = xasprintf("%s/packaging/deb/changelog.in", p->home);
	char *text = rc == 0 ? template_fill_file(changelog_in, &n, &v) : NULL;
	char *plain = path_join(doc, "changelog.Debian");
	char *gz = xasprintf("%s.gz", plain);
	if (rc == 0)
		rc = text ? write_file_atomic(plain, text, strlen(text)) : -1;
	if (rc == 0) {
		/* gzip -n: no name or time in the header, so the bytes repeat. */
		int in = open(plain, O_RDONLY | O_CLOEXEC);
		int out = open(gz, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		char *argv[] = {"gzip", "-9n", "-c", NULL};
		struct spawn_opts o = {.stdin_fd = in, .stdout_fd = out, .stderr_fd = fileno(p->log)};
		int st = in < 0 || out < 0 ? -1 : spawn_run(argv, &o);
		if (in >= 0)
			close(in);
		if ((out >= 0 && close(out) < 0) || st != 0)
			rc = kb_fail("gzip -9n of %s failed", plain);
		unlink(plain);
	}
	if (rc == 0 && chmod(gz, 0644) < 0)
		rc = kb_fail("%s: %s", gz, strerror(errno));
	/* New entries moved usr/share's time: set it back with the rest. */
	char *share_doc = path_join(tree, "usr/share/doc"), *share = path_join(tree, "usr/share");
	const char *paths[] = {gz, copyright, doc, share_doc, share};
	struct timespec ts[2] = {{.tv_sec = p->epoch}, {.tv_sec = p->epoch}};
	for (size_t i = 0; rc == 0 && i < 5; i++)
		if (utimensat(AT_FDCWD, paths[i], ts, 0) < 0)
			rc = kb_fail("%s: %s", paths[i], strerror(errno));
	free(share_doc);
	free(share);
	strv_free(&n);
	strv_free(&v);
	free(text);
	free(plain);
	free(gz);
	free(changelog_in);
	free(copyright);
	free(copyright_in);
	free(doc);
	free(name);
	return rc;
}

static int write_debian_dir(const struct pkg_info *p, const char *tree)
{
	char *dir = path_join(tree, "DEBIAN");
	int rc = mkdir_p(dir, 0755);
	unsigned long kib = 0;
	char *sums = rc == 0 ? md5sums_text(p, tree, &kib) : NULL;
	if (rc == 0)
		rc = write_debian_file(dir, "md5sums", sums, 0644, p->epoch);
	char *control = rc == 0 ? deb_control_text(p, kib) : NULL;
	if (rc == 0)
		rc = write_debian_file(dir, "control", control, 0644, p->epoch);
	static const char *const scripts[] = {"preinst", "postinst", "prerm", "postrm"};
	for (size_t i = 0; rc == 0 && i < 4; i++) {
		char *text = deb_script_text(p, scripts[i]);
		rc = write_debian_file(dir, scripts[i], text, 0755, p->epoch);
		free(text);
	}
	struct timespec t[2] = {{.tv_sec = p->epoch}, {.tv_sec = p->epoch}};
	if (rc == 0 && utimensat(AT_FDCWD, dir, t, 0) < 0)
		rc = kb_fail("%s: %s", dir, strerror(errno));
	free(control);
	free(sums);
	free(dir);
	return rc;
}

int deb_build(const struct pkg_info *p, const char *workdir, const char *outdir, char **out)
{
	const char *arch = deb_arch(p->arch);
	if (!arch)
		return kb_fail(".deb packaging knows only arch x86_64, not %s", p->arch);
	/* The release is part of the package name: Debian allows a-z 0-9 + - . there. */
	if (strspn(p->krel, "abcdefghijklmnopqrstuvwxyz0123456789+-.") != strlen(p->krel) ||
	    !isdigit((unsigned char)p->krel[0]))
		return kb_fail("kernel release '%s' cannot name a Debian package (lowercase letters, digits, "
			       "'+', '-', '.'; starting with a digit): change CONFIG_LOCALVERSION",
			       p->krel);
	char *tree = path_join(workdir, "deb");
	int rc = rm_rf(tree);
	if (rc == 0)
		rc = copy_tree(p->tree, tree, NULL);
	if (rc == 0)
		rc = write_doc_dir(p, tree);
	if (rc == 0)
		rc = write_debian_dir(p, tree);
	char *name = deb_name(p);
	char *file = xasprintf("%s/%s_%s-%s_%s.deb", outdir, name, p->krel, p->pkgrel, arch);
	char *epoch = xasprintf("SOURCE_DATE_EPOCH=%lld", p->epoch);
	char *argv[] = {"dpkg-deb", "--root-owner-group", "-Zxz", "--build", tree, file, NULL};
	char *env[] = {epoch, "LC_ALL=C", NULL};
	if (rc == 0)
		rc = spawn_logged(argv, &(struct spawn_opts){.stdin_fd = -1, .env_add = env}, p->log);
	if (rc == 0)
		*out = file;
	else
		free(file);
	rm_rf(tree);
	free(epoch);
	free(name);
	free(tree);
	return rc;
}
