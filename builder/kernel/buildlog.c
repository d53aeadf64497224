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

bool buildlog_line(struct buildlog *b, const char *line)
{
	if (strstr(line, ": warning: ") || strstr(line, ": Warning: ") ||
	    (!strncmp(line, "ld: ", 4) && strstr(line, "warning: ")))
		b->warnings++;
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
