#include "core/stamp.h"
#include "lib/outfile.h"
#include "lib/sha256.h"

#include <stdlib.h>
#include <string.h>

void stamp_add(struct stamp *s, const char *key, const char *value)
{
	strv_push(&s->keys, key);
	/* Values are one line each in the stamp file. */
	char *v = xstrdup(value ? value : "");
	for (char *p = v; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	strv_push_owned(&s->vals, v);
}

void stamp_add_file(struct stamp *s, const char *key, const char *path)
{
	char hex[SHA256_HEX_LEN + 1];
	if (sha256_file(path, hex) < 0)
		stamp_add(s, key, "missing");
	else
		stamp_add(s, key, hex);
}

void stamp_free(struct stamp *s)
{
	strv_free(&s->keys);
	strv_free(&s->vals);
}

char *stamp_digest(const struct stamp *s)
{
	struct sha256_ctx *c = sha256_new();
	for (size_t i = 0; i < s->keys.n; i++) {
		sha256_update(c, s->keys.v[i], strlen(s->keys.v[i]) + 1);
		sha256_update(c, s->vals.v[i], strlen(s->vals.v[i]) + 1);
	}
	char *hex = xmalloc(SHA256_HEX_LEN + 1);
	sha256_final_hex(c, hex);
	return hex;
}

int stamp_write(const char *path, const struct stamp *s)
{
	char *d = stamp_digest(s);
	size_t cap = 128, n = 0;
	char *buf = xmalloc(cap);
	n += (size_t)snprintf(buf, cap, "digest %s\n", d);
	for (size_t i = 0; i < s->keys.n; i++) {
		size_t need = strlen(s->keys.v[i]) + strlen(s->vals.v[i]) + 3;
		while (n + need >= cap)
			buf = xrealloc(buf, cap *= 2);
		n += (size_t)sprintf(buf + n, "%s\t%s\n", s->keys.v[i], s->vals.v[i]);
	}
	int r = write_file_atomic(path, buf, n);
	free(buf);
	free(d);
	return r;
}

char *stamp_read_digest(const char *path)
{
	char *text = read_text(path, NULL);
	if (!text) {
		kb_clear_error();
		return NULL;
	}
	char *d = NULL;
	if (!strncmp(text, "digest ", 7) && strlen(text) >= 7 + SHA256_HEX_LEN)
		d = xstrndup(text + 7, SHA256_HEX_LEN);
	free(text);
	return d;
}

/* Finds key's value in the stamp text; NULL when absent. */
static char *old_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		if (!strncmp(line, key, kl) && line[kl] == '\t') {
			const char *v = line + kl + 1;
			return xstrndup(v, nl ? (size_t)(nl - v) : strlen(v));
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

enum stamp_state stamp_compare(const char *path, const struct stamp *s, char **why)
{
	*why = NULL;
	char *old = stamp_read_digest(path);
	if (!old)
		return STAMP_MISSING;
	char *now = stamp_digest(s);
	bool same = !strcmp(old, now);
	free(old);
	free(now);
	if (same)
		return STAMP_MATCH;
	char *text = read_text(path, NULL);
	for (size_t i = 0; text && i < s->keys.n && !*why; i++) {
		char *was = old_value(text, s->keys.v[i]);
		if (!was)
			*why = xasprintf("new input %s", s->keys.v[i]);
		else if (strcmp(was, s->vals.v[i]))
			*why = xasprintf("%s changed", s->keys.v[i]);
		free(was);
	}
	if (!*why)
		*why = xstrdup("an input was removed");
	free(text);
	return STAMP_DIFFERS;
}
