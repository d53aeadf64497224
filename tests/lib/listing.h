/* What the initramfs tests share: the static busybox they put in the
 * image, and the image read back as a listing of its entries. */
#ifndef KBUILD_TEST_LISTING_H
#define KBUILD_TEST_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#define BUSYBOX "/bin/busybox"

/* Whether BUSYBOX is a static executable; false (a skip recorded) if not. */
bool have_busybox(void);

struct listed {
	char *path;
	unsigned mode; /* type and permissions */
	long long mtime, uid, gid, size;
	unsigned rmaj, rmin;
	char *link;
	char *data; /* contents of small regular files */
};

struct listing {
	struct listed *e;
	size_t n;
};

/* Every entry of the archive at path (any format and filter libarchive reads). */
void read_listing(const char *path, struct listing *l);
void free_listing(struct listing *l);
/* The entry with that path (no leading '/'), or NULL. */
const struct listed *find_listed(const struct listing *l, const char *path);
/* The same, failing the test when it is absent. */
const struct listed *must_find(const struct listing *l, const char *path);

#endif
