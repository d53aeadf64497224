#include "package/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *template_fill(const char *text, const char *origin, const struct strv *names, const struct strv *values)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	int line = 1;
	const char *p = text;
	for (; *p; p++) {
		if (*p == '\n')
			line++;
		if (*p != '@') {
			fputc(*p, f);
			continue;
		}
		if (p[1] == '@') { /* "@@" is a literal '@' */
			fputc('@', f);
			p++;
			continue;
		}
		const char *end = p + 1;
		while ((*end >= 'A' && *end <= 'Z') || *end == '_' || (*end >= '0' && *end <= '9'))
			end++;
		if (*end != '@' || end == p + 1) {
			fclose(f);
			free(buf);
			kb_fail("%s:%d: '@' that starts no @NAME@ placeholder", origin, line);
			return NULL;
		}
		size_t n = (size_t)(end - p - 1);
		size_t i;
		for (i = 0; i < names->n; i++)
			if (strlen(names->v[i]) == n && !strncmp(names->v[i], p + 1, n))
				break;
		if (i == names->n) {
			fclose(f);
			free(buf);
			kb_fail("%s:%d: unknown placeholder @%.*s@", origin, line, (int)n, p + 1);
			return NULL;
		}
		fputs(values->v[i], f);
		p = end;
	}
	fclose(f);
	return buf;
}

char *template_fill_file(const char *path, const struct strv *names, const struct strv *values)
{
	char *text = read_text(path, NULL);
	if (!text)
		return NULL;
	char *out = template_fill(text, path, names, values);
	free(text);
	return out;
}
