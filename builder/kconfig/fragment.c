#include "kconfig/fragment.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of a CONFIG_ name at p (after the prefix), 0 if none. */
static size_t name_len(const char *p)
{
	size_t n = 0;
	while (is_name_char(p[n]))
		n++;
	return n;
}

static bool all_blank(const char *p)
{
	for (; *p; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

/* A value as kconfig writes it: y m n, decimal, 0x hex, or a quoted string
 * with backslash escapes. Returns its length, 0 if invalid. */
static size_t value_len(const char *v)
{
	if ((v[0] == 'y' || v[0] == 'm' || v[0] == 'n') && !is_name_char(v[1]))
		return 1;
	if (v[0] == '"') {
		size_t i = 1;
		for (; v[i] && v[i] != '"'; i++)
			if (v[i] == '\\' && v[i + 1])
				i++;
		return v[i] == '"' ? i + 1 : 0;
	}
	if ((v[0] == '0') && (v[1] == 'x' || v[1] == 'X')) {
		size_t i = 2;
		while (isxdigit((unsigned char)v[i]))
			i++;
		return i > 2 && !is_name_char(v[i]) ? i : 0;
	}
	size_t i = v[0] == '-' ? 1 : 0;
	size_t start = i;
	while (isdigit((unsigned char)v[i]))
		i++;
	return i > start && !is_name_char(v[i]) ? i : 0;
}

int kopt_parse_line(const char *line, char **name, char **value, const char **why)
{
	const char *p = line + strspn(line, " \t");
	if (*p == '\0' || *p == '\n' || *p == '\r')
		return 0;
	if (*p == '#') {
		/* "# CONFIG_X is not set" is a value; any other comment is not. */
		const char *q = p + 1 + strspn(p + 1, " \t");
		if (strncmp(q, "CONFIG_", 7) != 0)
			return 0;
		size_t n = name_len(q + 7);
		if (n == 0 || strncmp(q + 7 + n, " is not set", 11) != 0)
			return 0;
		if (!all_blank(q + 7 + n + 11))
			return 0;
		*name = xstrndup(q + 7, n);
		*value = xstrdup("n");
		return 1;
	}
	if (strncmp(p, "CONFIG_", 7) != 0) {
		*why = "expected CONFIG_NAME=value, '# CONFIG_NAME is not set' or a # comment";
		return -1;
	}
	size_t n = name_len(p + 7);
	if (n == 0 || p[7 + n] != '=') {
		*why = "expected CONFIG_NAME=value (name of letters, digits, _ followed by =)";
		return -1;
	}
	const char *v = p + 7 + n + 1;
	size_t vl = value_len(v);
	if (vl == 0 || !all_blank(v + vl)) {
		*why = "invalid value (expected y, m, n, a decimal or 0x hex number, or a \"quoted string\")";
		return -1;
	}
	*name = xstrndup(p + 7, n);
	*value = xstrndup(v, vl);
	return 1;
}

bool kopt_value_equal(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	bool ha = a[0] == '0' && (a[1] == 'x' || a[1] == 'X');
	bool hb = b[0] == '0' && (b[1] == 'x' || b[1] == 'X');
	bool da = isdigit((unsigned char)a[0]) || (a[0] == '-' && isdigit((unsigned char)a[1]));
	bool db = isdigit((unsigned char)b[0]) || (b[0] == '-' && isdigit((unsigned char)b[1]));
	if (ha != hb || !da || !db)
		return false;
	char *ea, *eb;
	errno = 0;
	long long x = strtoll(a, &ea, ha ? 16 : 10);
	long long y = strtoll(b, &eb, hb ? 16 : 10);
	return !errno && !*ea && !*eb && x == y;
}

const struct kopt *kopt_set_find(const struct kopt_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static void kopt_fill(struct kopt *o, const char *value, const char *file, unsigned line)
{
	free(o->value);
	free(o->file);
	o->value = xstrdup(value);
	o->file = xstrdup(file ? file : "");
	o->line = line;
}

void kopt_set_put(struct kopt_set *s, const char *name, const char *value, const char *file, unsigned line)
{
	struct kopt *o = (struct kopt *)kopt_set_find(s, name);
	if (!o) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		o = &s->v[s->n++];
		*o = (struct kopt){.name = xstrdup(name)};
	}
	kopt_fill(o, value, file, line);
}

void kopt_set_free(struct kopt_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].value);
		free(s->v[i].file);
	}
	free(s->v);
	*s = (struct kopt_set){0};
}

/* Call fn for each option line of path; stops at the first error. */
typedef int (*kopt_line_fn)(void *ctx, const char *path, unsigned lineno, char *name, char *value);

static int each_option(const char *path, kopt_line_fn fn, void *ctx)
{
	char *text = read_text(path, NULL);
	if (!text)
		return -1;
	int r = 0;
	unsigned lineno = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3)) {
			r = kb_fail(
				"%s:1: starts with a UTF-8 byte order mark (bytes EF BB BF); save it without one",
				path);
			break;
		}
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		char *name, *value;
		const char *why = NULL;
		int k = kopt_parse_line(line, &name, &value, &why);
		if (k < 0) {
			r = kb_fail("%s:%u: %s: %s", path, lineno, why, line);
			break;
		}
		if (k == 0)
			continue;
		r = fn(ctx, path, lineno, name, value);
		free(name);
		free(value);
		if (r < 0)
			break;
	}
	free(text);
	return r;
}

struct merge_ctx {
	struct kopt_set *set;
	bool allow_override;
	FILE *log;
};

static int merge_one(void *vctx, const char *path, unsigned lineno, char *name, char *value)
{
	struct merge_ctx *c = vctx;
	const struct kopt *old = kopt_set_find(c->set, name);
	if (old && !kopt_value_equal(old->value, value)) {
		if (!c->allow_override)
			return kb_fail("CONFIG_%s is set to %s at %s:%u and to %s at %s:%u", name, old->value,
				       old->file, old->line, value, path, lineno);
		if (c->log)
			fprintf(c->log, "%s:%u: CONFIG_%s=%s overrides %s from %s:%u\n", path, lineno, name,
				value, old->value, old->file, old->line);
	} else if (old) {
		return 0; /* same value again: keep the first place */
	}
	kopt_set_put(c->set, name, value, path, lineno);
	return 0;
}

int fragment_parse(const char *path, struct kopt_set *set, bool allow_override, FILE *log)
{
	struct merge_ctx c = {set, allow_override, log};
	return each_option(path, merge_one, &c);
}

static int read_one(void *vctx, const char *path, unsigned lineno, char *name, char *value)
{
	kopt_set_put(vctx, name, value, path, lineno);
	return 0;
}

int dotconfig_read(const char *path, struct kopt_set *out)
{
	return each_option(path, read_one, out);
}

/* Whether a .config line sets (in either form) one of the symbols in req. */
static bool line_sets_one_of(const char *line, const struct kopt_set *req)
{
	char *name, *value;
	const char *why;
	if (kopt_parse_line(line, &name, &value, &why) != 1)
		return false;
	bool found = kopt_set_find(req, name) != NULL;
	free(name);
	free(value);
	return found;
}

int dotconfig_apply(const char *dotconfig, const struct kopt_set *req)
{
	size_t len;
	char *text = read_text(dotconfig, &len);
	if (!text)
		return -1;
	size_t cap = len + 64, n = 0;
	char *out = xmalloc(cap);
	for (char *line = text, *next; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		char save = *next;
		*next = '\0';
		bool drop = line_sets_one_of(line, req);
		*next = save;
		if (drop)
			continue;
		size_t l = (size_t)(next - line);
		memcpy(out + n, line, l);
		n += l;
	}
	if (n && out[n - 1] != '\n')
		out[n++] = '\n';
	free(text);

	size_t extra = 64;
	for (size_t i = 0; i < req->n; i++)
		extra += strlen(req->v[i].name) + strlen(req->v[i].value) + 32;
	out = xrealloc(out, n + extra);
	n += (size_t)sprintf(out + n, "# kbuild: requested options\n");
	for (size_t i = 0; i < req->n; i++) {
		const struct kopt *o = &req->v[i];
		if (strcmp(o->value, "n") == 0)
			n += (size_t)sprintf(out + n, "# CONFIG_%s is not set\n", o->name);
		else
			n += (size_t)sprintf(out + n, "CONFIG_%s=%s\n", o->name, o->value);
	}
	int r = write_file_atomic(dotconfig, out, n);
	free(out);
	return r;
}

static int cmp_kopt(const void *a, const void *b)
{
	return strcmp((*(const struct kopt *const *)a)->name, (*(const struct kopt *const *)b)->name);
}

void kopt_sort(const struct kopt **v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_kopt);
}

const char *kopt_sorted_value(const struct kopt *const *v, size_t n, const char *name)
{
	struct kopt key = {.name = (char *)name};
	const struct kopt *kp = &key;
	const struct kopt *const *hit = bsearch(&kp, v, n, sizeof(*v), cmp_kopt);
	return hit ? (*hit)->value : NULL;
}
