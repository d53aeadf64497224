#include "guest/skeleton.h"
#include "core/home.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

char *skeleton_default_dir(void)
{
	char *home = kbuild_home();
	char *dir = path_join(home, "initramfs");
	free(home);
	return dir;
}

static bool parse_mode(const char *s, unsigned *mode)
{
	char *end;
	unsigned long v = s ? strtoul(s, &end, 8) : 0;
	if (!s || *end || v > 07777)
		return false;
	*mode = (unsigned)v;
	return true;
}

static bool root_owned(const char *uid, const char *gid)
{
	return uid && gid && !strcmp(uid, "0") && !strcmp(gid, "0");
}

/* One list line, split into words w[0..n). */
static int add_line(struct cpio_tree *t, const char *dir, char **w, size_t n, const char *where)
{
	unsigned mode;
	if (!strcmp(w[0], "dir") && n == 5 && parse_mode(w[2], &mode) && root_owned(w[3], w[4])) {
		cpio_add(t, w[1], CPIO_DIR, mode, NULL, 0);
	} else if (!strcmp(w[0], "nod") && n == 8 && parse_mode(w[2], &mode) && root_owned(w[3], w[4]) &&
		   !strcmp(w[5], "c")) {
		cpio_add_chr(t, w[1], mode, (unsigned)strtoul(w[6], NULL, 10),
			     (unsigned)strtoul(w[7], NULL, 10));
	} else if (!strcmp(w[0], "slink") && n == 6 && root_owned(w[4], w[5])) {
		cpio_add(t, w[1], CPIO_SYMLINK, 0777, w[2], 0);
	} else if (!strcmp(w[0], "file") && n == 6 && parse_mode(w[3], &mode) && root_owned(w[4], w[5])) {
		char *host = path_join(dir, w[2]);
		bool there = path_exists(host);
		if (there)
			cpio_add(t, w[1], CPIO_FILE, mode, host, 0);
		free(host);
		if (!there)
			return kb_fail("%s: %s: no such file in %s", where, w[2], dir);
	} else {
		return kb_fail("%s: expected dir|nod (c)|slink|file with octal mode and owner 0 0", where);
	}
	return 0;
}

int skeleton_add(struct cpio_tree *t, const char *dir)
{
	char *list = path_join(dir, SKELETON_LIST);
	char *text = read_text(list, NULL);
	if (!text) {
		free(list);
		return -1;
	}
	int rc = 0;
	unsigned lineno = 0;
	for (char *line = text, *nl; rc == 0 && line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		char *w[9], *save = NULL;
		size_t n = 0;
		for (char *tok = strtok_r(line, " \t", &save); tok && n < 9;
		     tok = strtok_r(NULL, " \t", &save))
			w[n++] = tok;
		if (!n || w[0][0] == '#')
			continue;
		char *where = xasprintf("%s:%u", list, lineno);
		rc = add_line(t, dir, w, n, where);
		free(where);
	}
	free(text);
	free(list);
	return rc;
}
