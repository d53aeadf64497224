#include "source/series.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ANNOTATION "kbuild:"

void series_free(struct series *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].name);
	}
	free(s->e);
	free(s->file);
	*s = (struct series){0};
}

void series_truncate(struct series *s, size_t n)
{
	for (size_t i = n; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].name);
	}
	if (n < s->n)
		s->n = n;
}

static char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Next blank-separated word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
	char *w = skip_blanks(*p);
	if (!*w)
		return NULL;
	char *end = w + strcspn(w, " \t\r");
	if (*end)
		*end++ = '\0';
	*p = end;
	return w;
}

/* "#kbuild: optional" (words after "kbuild:", blank or comma separated). */
static int parse_annotation(const char *file, unsigned line, char *comment, struct series_entry *e,
			    bool has_patch)
{
	char *p = skip_blanks(comment);
	if (strncmp(p, ANNOTATION, strlen(ANNOTATION)) != 0)
		return 0; /* an ordinary comment */
	if (!has_patch)
		return kb_fail("%s:%u: '#%s' annotation on a line without a patch", file, line, ANNOTATION);
	p += strlen(ANNOTATION);
	char *w;
	while ((w = next_word(&p))) {
		for (char *c = strtok(w, ","); c; c = strtok(NULL, ",")) {
			if (!strcmp(c, "optional"))
				e->optional = true;
			else
				return kb_fail("%s:%u: unknown annotation '%s' (known: optional)", file, line,
					       c);
		}
	}
	return 0;
}

static int parse_strip(const char *file, unsigned line, const char *arg, int *strip)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < 0 || v > 64)
		return kb_fail("%s:%u: bad strip level '-p%s'", file, line, arg);
	*strip = (int)v;
	return 0;
}

/* One line: "name [-pN] [# comment]". Returns 1 when it held a patch. */
/* A patch must change something: GNU patch takes an empty file (or one of
 * prose only) with exit status 0, and the series would record it applied. */
static int check_has_diff(const char *file, unsigned line, const char *name, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		return -1;
	static const char *const marks[] = {"@@ ",
					    "*** ",
					    "GIT binary patch",
					    "Binary files ",
					    "rename from ",
					    "new file mode ",
					    "deleted file mode ",
					    "old mode ",
					    NULL};
	bool found = false;
	for (const char *p = text; !found && p < text + len;) {
		for (const char *const *m = marks; *m && !found; m++)
			found = (size_t)(text + len - p) >= strlen(*m) && !strncmp(p, *m, strlen(*m));
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		p = nl ? nl + 1 : text + len;
	}
	free(text);
	if (!found)
		return kb_fail(
			"%s:%u: patch %s holds no diff (no hunk, no git header): an empty patch would be "
			"recorded as applied; refusing it",
			file, line, name);
	return 0;
}

static int parse_line(const char *file, const char *dir, unsigned line, char *text, struct series_entry *e)
{
	*e = (struct series_entry){.strip = 1, .line = line};
	char *hash = strchr(text, '#');
	char *comment = NULL;
	if (hash) {
		*hash = '\0';
		comment = hash + 1;
	}
	char *p = text;
	char *name = next_word(&p);
	if (comment && parse_annotation(file, line, comment, e, name != NULL) < 0)
		return -1;
	if (!name)
		return 0;
	char *w;
	while ((w = next_word(&p))) {
		if (!strcmp(w, "-p")) {
			char *arg = next_word(&p);
			if (!arg)
				return kb_fail("%s:%u: '-p' needs a number", file, line);
			if (parse_strip(file, line, arg, &e->strip) < 0)
				return -1;
		} else if (!strncmp(w, "-p", 2)) {
			if (parse_strip(file, line, w + 2, &e->strip) < 0)
				return -1;
		} else {
			return kb_fail("%s:%u: unsupported option '%s' for %s (only -pN is understood)", file,
				       line, w, name);
		}
	}
	e->path = name[0] == '/' ? xstrdup(name) : path_join(dir, name);
	struct stat st;
	int missing = stat(e->path, &st) < 0 ? errno : 0;
	if (missing || !S_ISREG(st.st_mode)) {
		kb_fail("%s:%u: patch %s not found (%s: %s)", file, line, name, e->path,
			missing ? strerror(missing) : "not a regular file");
		free(e->path);
		e->path = NULL;
		return -1;
	}
	if (sha256_file(e->path, e->sha256) < 0 || check_has_diff(file, line, name, e->path) < 0) {
		free(e->path);
		e->path = NULL;
		return -1;
	}
	e->name = xstrdup(name);
	return 1;
}

static char *series_dir(const char *series_path)
{
	char *abs = path_abs(series_path);
	if (!abs)
		return NULL;
	char *slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else
		*slash = '\0';
	return abs;
}

int series_load(const char *series_path, struct series *out)
{
	*out = (struct series){0};
	char *text = read_text(series_path, NULL);
	if (!text)
		return -1;
	char *dir = series_dir(series_path);
	if (!dir) {
		free(text);
		return -1;
	}
	struct series s = {.file = xstrdup(series_path)};
	size_t cap = 0;
	unsigned line = 0;
	int r = 0;
	for (char *p = text, *nl; p && *p && r == 0; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		struct series_entry e;
		int got = parse_line(series_path, dir, line, p, &e);
		if (got < 0) {
			r = -1;
			break;
		}
		if (got == 0)
			continue;
		for (size_t i = 0; i < s.n; i++) {
			if (!strcmp(s.e[i].name, e.name)) {
				r = kb_fail("%s:%u: patch %s is listed twice (first at line %u)", series_path,
					    line, e.name, s.e[i].line);
				break;
			}
		}
		if (r < 0) {
			free(e.path);
			free(e.name);
			break;
		}
		if (s.n == cap) {
			cap = cap ? cap * 2 : 16;
			s.e = xrealloc(s.e, cap * sizeof(*s.e));
		}
		s.e[s.n++] = e;
	}
	free(text);
	free(dir);
	if (r < 0) {
		series_free(&s);
		return -1;
	}
	*out = s;
	return 0;
}
