#include "core/profile.h"
#include "lib/sha256.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

/* inih only reports the line of the first error, so the reader callback
 * counts lines itself; the handler then knows where each key came from. */
struct parse_ctx {
	const char *pos; /* the rest of the file's text (read_text: bounded, no NUL) */
	const char *file;
	unsigned line;
	unsigned section_line; /* where the current [section] header is */
	bool continuation;     /* the line is indented: it continues the last key */
	char *last_key;        /* "section.key" of the last entry */
	struct profile *p;
	char *inherit;    /* [profile] inherit of this file */
	struct strv seen; /* "section.key" set in this file, to refuse duplicates */
	bool failed;      /* inih goes on after an error; the first one is kept */
	int too_long;     /* a line did not fit inih's buffer: its size */
};

static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	if (c->too_long)
		return NULL;
	char *r = NULL;
	size_t got = 0;
	if (*c->pos) {
		/* one line, as fgets would give it: up to num - 1 bytes, the newline kept */
		const char *nl = strchr(c->pos, '\n');
		size_t line_len = nl ? (size_t)(nl - c->pos) + 1 : strlen(c->pos);
		got = line_len < (size_t)num - 1 ? line_len : (size_t)num - 1;
		memcpy(str, c->pos, got);
		str[got] = '\0';
		c->pos += got;
		r = str;
	}
	if (r && got == (size_t)num - 1 && str[got - 1] != '\n' && *c->pos) {
		/* inih cuts lines at its compile-time limit and parses the rest
		 * as a new line: refuse instead, naming the line */
		c->line++;
		c->too_long = num;
		return NULL;
	}
	if (r) {
		c->line++;
		size_t ws = strspn(str, " \t");
		if (str[ws] == '[')
			c->section_line = c->line;
		c->continuation = ws > 0 && str[ws] && str[ws] != '\n' && str[ws] != ';' && str[ws] != '#';
	}
	return r;
}

const struct key_def *profile_find_key(const char *key)
{
	/* Singular spellings people type on the command line. */
	if (!strcmp(key, "mirror"))
		key = "mirrors";
	else if (!strcmp(key, "fragment"))
		key = "fragments";
	const char *dot = strchr(key, '.');
	const struct key_def *found = NULL;
	for (const struct key_def *d = profile_keys; d->name; d++) {
		if (dot) {
			if (strlen(d->section) == (size_t)(dot - key) &&
			    !strncmp(d->section, key, (size_t)(dot - key)) && !strcmp(d->name, dot + 1))
				return d;
		} else if (!strcmp(d->name, key)) {
			if (found)
				return NULL; /* ambiguous: caller must say section.key */
			found = d;
		}
	}
	return found;
}

static const struct key_def *find_def(const char *section, const char *name)
{
	for (const struct key_def *d = profile_keys; d->name; d++)
		if (!strcmp(d->section, section) && !strcmp(d->name, name))
			return d;
	return NULL;
}

static bool section_known(const char *section)
{
	for (const struct key_def *d = profile_keys; d->name; d++)
		if (!strcmp(d->section, section))
			return true;
	return false;
}

static bool valid_url(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8) || !strncmp(u, "file://", 7);
}

/* Checks one value against its type; returns NULL or a reason. */
static const char *value_problem(const struct key_def *d, const char *v)
{
	if (!*v)
		return NULL; /* empty clears an inherited value */
	/* a value is one line of text: a newline (possible on the command line)
	 * would split a record or a stamp line, a control character a log line */
	for (const char *c = v; *c; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			return *c == '\n' || *c == '\r' ? "a newline in the value (a value is one line)"
							: "a control character in the value";
	const char *rule = d->rule ? d->rule(v) : NULL;
	if (rule)
		return rule;
	switch (d->type) {
	case KEY_INT: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		static char why[96];
		if (errno || *end || !isdigit((unsigned char)v[0]))
			snprintf(why, sizeof(why), "expected a whole number from %ld to %ld", d->min, d->max);
		else if (n < d->min || n > d->max)
			snprintf(why, sizeof(why), "out of range (%ld..%ld)", d->min, d->max);
		else
			return NULL;
		return why;
	}
	case KEY_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "no") || !strcmp(v, "true") || !strcmp(v, "false") ||
		    !strcmp(v, "1") || !strcmp(v, "0"))
			return NULL;
		return "expected yes or no";
	case KEY_SHA256:
		return sha256_valid_hex(v) ? NULL : "expected 64 hexadecimal digits";
	case KEY_URL:
		return valid_url(v) ? NULL : "expected an http://, https:// or file:// URL";
	case KEY_URL_LIST: {
		struct strv l = {0};
		strv_split(&l, v);
		const char *r = NULL;
		for (size_t i = 0; i < l.n && !r; i++)
			if (!valid_url(l.v[i]))
				r = "expected http://, https:// or file:// URLs";
		strv_free(&l);
		return r;
	}
	case KEY_PKG_TOKEN:
		if (!isalnum((unsigned char)v[0]) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.+~") != strlen(v))
			return "expected lowercase letters, digits, '.', '+' or '~', starting with a letter or digit";
		return NULL;
	case KEY_PKG_VENDOR: {
		const char *lt = strchr(v, '<');
		size_t l = strlen(v);
		if (!lt || lt == v || v[l - 1] != '>' || strchr(lt + 1, '<') || strchr(v, '%') ||
		    strchr(v, '\\'))
			return "expected 'Name <address>' (no '%' or backslash)";
		return NULL;
	}
	case KEY_CHOICE: {
		static char why[160];
		size_t n = (size_t)snprintf(why, sizeof(why), "expected one of:");
		for (const char *const *c = d->choices; *c; c++) {
			if (!strcmp(*c, v))
				return NULL;
			n += (size_t)snprintf(why + n, n < sizeof(why) ? sizeof(why) - n : 0, " %s", *c);
		}
		return why;
	}
	default:
		return NULL;
	}
}

static struct profile_value *slot(struct profile *p, const struct key_def *d)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].def == d)
			return &p->v[i];
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n] = (struct profile_value){.def = d, .value = xstrdup(""), .origin = xstrdup("")};
	return &p->v[p->n++];
}

static void set_value(struct profile *p, const struct key_def *d, const char *value, bool append,
		      const char *origin)
{
	struct profile_value *s = slot(p, d);
	if (append && !*s->value && !*s->origin)
		s->extends = true; /* nothing below yet: remember to extend a parent */
	else if (!append)
		s->extends = false;
	char *nv = append && *s->value ? xasprintf("%s %s", s->value, value) : xstrdup(value);
	free(s->value);
	free(s->origin);
	s->value = nv;
	s->origin = xstrdup(origin);
}

static bool is_list(const struct key_def *d)
{
	return d->type == KEY_LIST || d->type == KEY_URL_LIST;
}

static int check_entry(struct parse_ctx *c, const char *section, const char *name, const char *value);

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	if (c->failed)
		return 0;
	int ok = check_entry(c, section, name, value);
	c->failed = !ok;
	return ok;
}

static int check_entry(struct parse_ctx *c, const char *section, const char *name, const char *value)
{
	char key[256];
	snprintf(key, sizeof(key), "%s", name);
	size_t kl = strlen(key);
	bool append = kl && key[kl - 1] == '+';
	if (append) {
		key[--kl] = '\0';
		while (kl && isspace((unsigned char)key[kl - 1]))
			key[--kl] = '\0';
	}
	if (!section_known(section)) {
		kb_fail("%s:%u: unknown section [%s]", c->file, c->section_line, section);
		return 0;
	}
	const struct key_def *d = find_def(section, key);
	if (!d) {
		kb_fail("%s:%u: unknown key '%s' in [%s]", c->file, c->line, key, section);
		return 0;
	}
	if (append && !is_list(d)) {
		kb_fail("%s:%u: '%s' is not a list; '+=' only extends lists", c->file, c->line, key);
		return 0;
	}
	char *full = xasprintf("%s.%s", section, key);
	if (c->continuation && c->last_key && !strcmp(c->last_key, full)) {
		/* inih hands an indented line over as another value of the same key. */
		free(full);
		if (!is_list(d)) {
			kb_fail("%s:%u: '%s' is not a list; only lists continue on indented lines", c->file,
				c->line, key);
			return 0;
		}
		append = true;
		full = NULL;
	}
	for (size_t i = 0; full && i < c->seen.n; i++) {
		if (!strcmp(c->seen.v[i], full) && !append) {
			kb_fail("%s:%u: '%s' set twice in [%s]", c->file, c->line, key, section);
			free(full);
			return 0;
		}
	}
	if (full) {
		strv_push(&c->seen, full);
		free(c->last_key);
		c->last_key = full;
	}
	const char *why = value_problem(d, value);
	if (why) {
		kb_fail("%s:%u: bad value for %s.%s '%s': %s", c->file, c->line, section, key, value, why);
		return 0;
	}
	if (d == find_def("profile", "inherit")) {
		free(c->inherit);
		c->inherit = xstrdup(value);
		return 1;
	}
	char *origin = xasprintf("%s:%u", c->file, c->line);
	set_value(c->p, d, value, append, origin);
	free(origin);
	return 1;
}

static char *profile_path(const char *home, const char *name)
{
	return xasprintf("%s/configs/profiles/%s.ini", home, name);
}

static bool valid_name(const char *name)
{
	if (!*name || name[0] == '.')
		return false;
	for (const char *s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* Parses name into p, parents first; chain guards against inheritance loops. */
static int load_chain(const char *home, const char *name, struct profile *p, struct strv *chain)
{
	if (!valid_name(name))
		return kb_fail("bad profile name '%s' (letters, digits, '.', '_', '-')", name);
	for (size_t i = 0; i < chain->n; i++)
		if (!strcmp(chain->v[i], name)) {
			/* name the whole loop: a -> b -> c -> a */
			size_t cap = 64, n = 0;
			char *loop = xmalloc(cap);
			loop[0] = '\0';
			for (size_t k = i; k < chain->n; k++) {
				size_t need = strlen(chain->v[k]) + 5;
				while (n + need >= cap)
					loop = xrealloc(loop, cap *= 2);
				n += (size_t)sprintf(loop + n, "%s -> ", chain->v[k]);
			}
			kb_fail("profile inheritance loop: %s%s (profile.inherit)", loop, name);
			free(loop);
			return -1;
		}
	strv_push(chain, name);

	char *path = profile_path(home, name);
	if (!path_exists(path)) {
		kb_fail("no profile '%s' (%s: %s); `kbuild list` shows the profiles", name, path,
			strerror(ENOENT));
		free(path);
		return -1;
	}
	/* a regular file of bounded size, without NUL bytes (a NUL would end
	 * the line early and drop the rest of it): a symlink to /dev/zero or a
	 * FIFO is refused instead of read forever */
	char *text = read_text(path, NULL);
	if (!text) {
		free(path);
		return -1;
	}
	/* The file is parsed into a scratch profile first so that the parent's
	 * values can be laid underneath it. */
	struct profile own = {0};
	struct parse_ctx c = {.pos = text, .file = path, .p = &own};
	int r = ini_parse_stream(reader, &c, handler, &c);
	free(text);
	if (c.too_long && !c.failed) {
		kb_fail("%s:%u: line longer than %d bytes; split it (a list continues on indented lines)",
			path, c.line, c.too_long - 2);
		r = -1;
		goto out;
	}
	if (r != 0) {
		if (!c.failed)
			kb_fail("%s:%d: malformed line (expected [section] or key = value)", path, r);
		r = -1;
		goto out;
	}
	if (c.inherit && *c.inherit) {
		r = load_chain(home, c.inherit, p, chain);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < own.n; i++) {
		/* A "+=" in the child extends the parent's list. */
		set_value(p, own.v[i].def, own.v[i].value, own.v[i].extends, own.v[i].origin);
	}
	r = 0;
out:
	profile_free(&own);
	strv_free(&c.seen);
	free(c.last_key);
	free(c.inherit);
	free(path);
	return r;
}

int profile_load(const char *home, const char *name, struct profile *out)
{
	struct strv chain = {0};
	memset(out, 0, sizeof(*out));
	int r = load_chain(home, name, out, &chain);
	strv_free(&chain);
	if (r < 0) {
		profile_free(out);
		return -1;
	}
	out->name = xstrdup(name);
	out->file = profile_path(home, name);
	return 0;
}

int profile_override(struct profile *p, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return kb_fail("bad argument '%s': expected key=value", arg);
	bool append = eq[-1] == '+';
	char *key = xstrndup(arg, (size_t)(eq - arg - append));
	const struct key_def *d = profile_find_key(key);
	if (!d) {
		kb_fail("unknown key '%s' on the command line%s", key,
			strchr(key, '.') ? "" : " (or ambiguous: write section.key)");
		free(key);
		return -1;
	}
	free(key);
	if (append && !is_list(d))
		return kb_fail("'%s' is not a list; '+=' only extends lists", d->name);
	const char *why = value_problem(d, eq + 1);
	if (why)
		return kb_fail("bad value for %s.%s '%s' on the command line: %s", d->section, d->name,
			       eq + 1, why);
	if (d == find_def("profile", "inherit"))
		return kb_fail("'inherit' cannot be set on the command line; name the profile instead");
	set_value(p, d, eq + 1, append, "command line");
	return 0;
}

int profile_check_required(const struct profile *p)
{
	for (const struct key_def *d = profile_keys; d->name; d++) {
		if (!d->required)
			continue;
		const char *v = profile_get(p, d->section, d->name);
		if (!v)
			return kb_fail("%s: missing required key '%s' in [%s]", p->file, d->name, d->section);
	}
	return 0;
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].value);
		free(p->v[i].origin);
	}
	free(p->v);
	free(p->name);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

const struct profile_value *profile_value(const struct profile *p, const char *section, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].def->section, section) && !strcmp(p->v[i].def->name, name))
			return &p->v[i];
	return NULL;
}

const char *profile_get(const struct profile *p, const char *section, const char *name)
{
	const struct profile_value *v = profile_value(p, section, name);
	return v && *v->value ? v->value : NULL;
}

const struct profile_value *profile_value_of(const struct profile *p, const struct key_def *d)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].def == d)
			return *p->v[i].value ? &p->v[i] : NULL;
	return NULL;
}
