#include "kernel/buildlog.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Quiet kbuild output: two spaces, an upper-case tag, spaces, a target:
 * "  CC      kernel/fork.o", "  LD [M]  fs/ceph/ceph.ko". */
static bool is_step(const char *l)
{
	if (l[0] != ' ' || l[1] != ' ' || !isupper((unsigned char)l[2]))
		return false;
	const char *p = l + 2;
	while (isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '-')
		p++;
	if (*p == ' ' && p[1] == '[') /* "LD [M]" */
		p = strchr(p, ']') ? strchr(p, ']') + 1 : p;
	return *p == ' ' && p - l <= 12;
}

static bool is_error(const char *l)
{
	if (strstr(l, ": error: ") || strstr(l, ": fatal error: ") || strstr(l, ": undefined reference to "))
		return true;
	/* The assembler and the linker speak differently; the linker's
	 * warnings and notes are not errors. */
	if (strstr(l, ": Error: "))
		return true;
	if (!strncmp(l, "ld: ", 4))
		return !strstr(l, "warning: ") && strncmp(l + 4, "NOTE: ", 6);
	return false;
}

/* "file:line[:col]" before the marker at w: the file and line, or false. */
static bool file_line(const char *text, const char *w, char **file, long *line)
{
	const char *c1 = NULL, *c2 = NULL;
	for (const char *p = text; p < w; p++)
		if (*p == ':') {
			c1 = c2;
			c2 = p;
		}
	if (!c2)
		return false;
	/* "file:line:col" has two colons with digits after each; "file:line" one. */
	const char *fend = c2;
	if (c1 && isdigit((unsigned char)c1[1]) && isdigit((unsigned char)c2[1]))
		fend = c1;
	if (!isdigit((unsigned char)fend[1]) || fend == text)
		return false;
	*file = xstrndup(text, (size_t)(fend - text));
	*line = strtol(fend + 1, NULL, 10);
	return true;
}

bool buildlog_warning(const char *text, char **file, long *line, char **message)
{
	const char *w;
	if (!strncmp(text, "ld: ", 4) && (w = strstr(text, "warning: "))) {
		const char *named = text + 4;
		size_t n = (size_t)(w - named);
		*file = n > 2 && named[n - 2] == ':' ? xstrndup(named, n - 2) : xstrdup("ld");
		*line = 0;
		*message = xstrdup(w + strlen("warning: "));
		return true;
	}
	const char *markers[] = {": warning: ", ": Warning: "};
	for (size_t i = 0; i < 2; i++)
		if ((w = strstr(text, markers[i]))) {
			if (!file_line(text, w, file, line)) { /* "cc1: warning: ...": a tool, no line */
				*file = xstrndup(text, (size_t)(w - text));
				*line = 0;
			}
			*message = xstrdup(w + strlen(markers[i]));
			return true;
		}
	return false;
}

bool buildlog_line(struct buildlog *b, const char *line)
{
	char *file, *msg;
	long n;
	if (buildlog_warning(line, &file, &n, &msg)) {
		b->warnings++;
		free(file);
		free(msg);
	}
	if (is_error(line)) {
		b->errors++;
		if (!b->first_error)
			b->first_error = xstrdup(line);
	} else if (strncmp(line, "make", 4) == 0 && strstr(line, "] Error ")) {
		b->errors++;
	}
	if (is_step(line)) {
		b->steps++;
		return true;
	}
	return false;
}

void buildlog_free(struct buildlog *b)
{
	free(b->first_error);
	memset(b, 0, sizeof(*b));
}
