/* The initramfs tests' shared helpers (listing.h). */
#include "listing.h"
#include "kernel/elf_deps.h"
#include "lib/util.h"
#include "testskip.h"

#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool have_busybox(void)
{
	struct strv libs = {0};
	bool ok = access(BUSYBOX, X_OK) == 0 && elf_needed_closure(BUSYBOX, NULL, &libs) == 0 && libs.n == 0;
	strv_free(&libs);
	if (!ok)
		tu_skip(TU_SKIP_ENV, "no static %s (install busybox-static)", BUSYBOX);
	return ok;
}

void read_listing(const char *path, struct listing *l)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 65536), ARCHIVE_OK);
	struct archive_entry *ae;
	*l = (struct listing){0};
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		l->e = xrealloc(l->e, (l->n + 1) * sizeof(*l->e));
		struct listed *x = &l->e[l->n++];
		*x = (struct listed){
			.path = xstrdup(archive_entry_pathname(ae)),
			.mode = archive_entry_mode(ae),
			.mtime = archive_entry_mtime(ae),
			.uid = archive_entry_uid(ae),
			.gid = archive_entry_gid(ae),
			.size = archive_entry_size(ae),
			.rmaj = archive_entry_rdevmajor(ae),
			.rmin = archive_entry_rdevminor(ae),
			.link = archive_entry_symlink(ae) ? xstrdup(archive_entry_symlink(ae)) : NULL,
		};
		if (S_ISREG(x->mode) && x->size < 65536) {
			x->data = xmalloc((size_t)x->size + 1);
			la_ssize_t n = archive_read_data(a, x->data, (size_t)x->size);
			x->data[n > 0 ? n : 0] = '\0';
		}
	}
	archive_read_free(a);
}

void free_listing(struct listing *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->e[k].path);
		free(l->e[k].link);
		free(l->e[k].data);
	}
	free(l->e);
}

const struct listed *find_listed(const struct listing *l, const char *path)
{
	for (size_t k = 0; k < l->n; k++)
		if (strcmp(l->e[k].path, path) == 0)
			return &l->e[k];
	return NULL;
}

const struct listed *must_find(const struct listing *l, const char *path)
{
	const struct listed *x = find_listed(l, path);
	ck_assert_msg(x != NULL, "/%s missing from the archive", path);
	return x;
}
