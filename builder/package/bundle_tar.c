#include "package/bundle_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_data(struct archive *a, const char *full)
{
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kb_fail("%s: %s", full, strerror(errno));
	char buf[1 << 16];
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = kb_fail("%s: %s", full, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (archive_write_data(a, buf, (size_t)n) != n) {
			rc = kb_fail("writing %s into the bundle: %s", full, archive_error_string(a));
			break;
		}
	}
	close(fd);
	return rc;
}

static int write_entry(struct archive *a, struct archive_entry *ae, const char *root,
		       const struct mf_entry *e, long long mtime)
{
	char *full = path_join(root, e->path);
	struct stat st;
	if (lstat(full, &st) < 0) {
		int rc = kb_fail("%s: %s", full, strerror(errno));
		free(full);
		return rc;
	}
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_uname(ae, "root");
	archive_entry_set_gname(ae, "root");
	archive_entry_set_mtime(ae, (time_t)mtime, 0);
	archive_entry_set_perm(ae, st.st_mode & 07777);
	if (e->kind == MF_DIR) {
		archive_entry_set_filetype(ae, AE_IFDIR);
	} else if (e->kind == MF_LINK) {
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_symlink(ae, e->target);
	} else {
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_size(ae, st.st_size);
	}
	int rc = 0;
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		rc = kb_fail("writing %s into the bundle: %s", e->path, archive_error_string(a));
	if (rc == 0 && e->kind == MF_FILE)
		rc = write_data(a, full);
	free(full);
	return rc;
}

int bundle_tar_write(const char *root, const struct manifest *m, long long mtime, const char *out)
{
	char *tmp = xasprintf("%s.tmp.%d", out, (int)getpid());
	struct archive *a = archive_write_new();
	int rc = 0;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_xz(a) != ARCHIVE_OK || archive_write_open_filename(a, tmp) != ARCHIVE_OK)
		rc = kb_fail("%s: %s", tmp, archive_error_string(a));
	struct archive_entry *ae = archive_entry_new();
	for (size_t i = 0; rc == 0 && i < m->n; i++)
		rc = write_entry(a, ae, root, &m->e[i], mtime);
	archive_entry_free(ae);
	/* close flushes the compressor: a full disk shows up here. */
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = kb_fail("%s: %s", tmp, archive_error_string(a));
	archive_write_free(a);
	if (rc == 0) {
		int fd = open(tmp, O_RDONLY);
		if (fd < 0 || fsync(fd) < 0)
			rc = kb_fail("%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc == 0 && rename(tmp, out) < 0)
		rc = kb_fail("cannot rename %s to %s: %s", tmp, out, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* A tar path in the manifest's form: no "./", no trailing '/'. */
static char *clean_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	char *c = xstrdup(p);
	size_t l = strlen(c);
	while (l > 0 && c[l - 1] == '/')
		c[--l] = '\0';
	return c;
}

/* A file also kept whole besides the MANIFEST: the first whose path ends
 * with suffix. */
struct kept {
	const char *suffix;
	char *text;
};

static bool wants(struct kept *k, const char *p)
{
	size_t a = strlen(p), b = k && k->suffix ? strlen(k->suffix) : 0;
	return b && !k->text && a >= b && !strcmp(p + a - b, k->suffix);
}

static int read_entry(struct archive *a, struct archive_entry *ae, const char *archive_path,
		      struct manifest *entries, char **manifest_text, struct kept *kept)
{
	char *p = clean_path(archive_entry_pathname(ae));
	int rc = 0;
	mode_t type = archive_entry_filetype(ae);
	unsigned mode = archive_entry_perm(ae);
	if (!*p) {
		/* "./" itself */
	} else if (archive_entry_hardlink(ae)) {
		rc = kb_fail("%s: entry '%s' is a hard link, which a bundle never has", archive_path, p);
	} else if (!manifest_path_ok(p)) {
		rc = kb_fail("%s: entry '%s' has an unsafe path", archive_path, p);
	} else if (type == AE_IFDIR) {
		manifest_push(entries, MF_DIR, p, mode, NULL, NULL);
	} else if (type == AE_IFLNK) {
		const char *t = archive_entry_symlink(ae);
		char hex[SHA256_HEX_LEN + 1];
		sha256_hex(t, strlen(t), hex);
		manifest_push(entries, MF_LINK, p, 0777, hex, t);
	} else if (type == AE_IFREG) {
		struct sha256_ctx *c = sha256_new();
		bool keep = manifest_is_manifest_path(p) && !*manifest_text;
		bool other = !keep && wants(kept, p);
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = keep || other ? open_memstream(&buf, &len) : NULL;
		const void *block;
		size_t size;
		la_int64_t off;
		int r;
		while ((r = archive_read_data_block(a, &block, &size, &off)) == ARCHIVE_OK) {
			sha256_update(c, block, size);
			if (mem)
				fwrite(block, 1, size, mem);
		}
		char hex[SHA256_HEX_LEN + 1];
		sha256_final_hex(c, hex);
		if (mem)
			fclose(mem);
		if (r != ARCHIVE_EOF)
			rc = kb_fail("%s: reading %s: %s", archive_path, p, archive_error_string(a));
		else if (keep && nul_line(buf, len))
			rc = kb_fail("%s:%s:%zu: a NUL byte in a text file; refusing it", archive_path, p,
				     nul_line(buf, len));
		else if (keep)
			*manifest_text = buf, buf = NULL;
		else
			manifest_push(entries, MF_FILE, p, mode, hex, NULL);
		if (rc == 0 && other)
			kept->text = buf, buf = NULL;
		free(buf);
	} else {
		rc = kb_fail("%s: entry '%s' is not a file, directory or symlink", archive_path, p);
	}
	free(p);
	return rc;
}

static int read_all(const char *path, struct manifest *entries, char **manifest_text, struct kept *kept)
{
	*manifest_text = NULL;
	struct archive *a = archive_read_new();
	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	int rc = 0;
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
		rc = kb_fail("%s: %s", path, archive_error_string(a));
	struct archive_entry *ae;
	while (rc == 0) {
		int r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = kb_fail("%s: %s", path, archive_error_string(a));
			break;
		}
		rc = read_entry(a, ae, path, entries, manifest_text, kept);
	}
	archive_read_free(a);
	manifest_sort(entries);
	if (rc < 0) {
		free(*manifest_text);
		*manifest_text = NULL;
	}
	return rc;
}

int bundle_tar_read(const char *path, struct manifest *entries, char **manifest_text)
{
	return read_all(path, entries, manifest_text, NULL);
}

int bundle_tar_read_with(const char *path, struct manifest *entries, char **manifest_text, const char *suffix,
			 char **text)
{
	struct kept k = {suffix, NULL};
	int rc = read_all(path, entries, manifest_text, &k);
	if (rc < 0) {
		free(k.text);
		k.text = NULL;
	}
	*text = k.text;
	return rc;
}
