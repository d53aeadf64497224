/* grub.conf edit: parsed line by line with GRUB legacy's own rule (a
 * command is the first word, separated from its argument by blanks or '='). */
#include "boot/grubconf_edit.h"

#include <stdlib.h>
#include <string.h>

/* One line of the file: its span, and its command word and argument. */
struct line {
	const char *start; /* first byte */
	size_t len;        /* up to, not including, '\n' */
	const char *cmd;   /* first word, or NULL for blank/comment lines */
	size_t cmd_len;
	const char *arg; /* after the separator, up to the line's end */
	size_t arg_len;
};

static void parse_line(const char *p, size_t len, struct line *l)
{
	*l = (struct line){.start = p, .len = len};
	const char *end = p + len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#' || *p == '\r')
		return;
	l->cmd = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '=' && *p != '\r')
		p++;
	l->cmd_len = (size_t)(p - l->cmd);
	while (p < end && (*p == ' ' || *p == '\t' || *p == '='))
		p++;
	l->arg = p;
	const char *e = end;
	while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	l->arg_len = (size_t)(e - p);
}

static bool is_cmd(const struct line *l, const char *name)
{
	return l->cmd && l->cmd_len == strlen(name) && !strncmp(l->cmd, name, l->cmd_len);
}

/* Calls fn for every line; stops when it returns non-zero and returns that. */
static int each_line(const char *conf, int (*fn)(const struct line *l, size_t lineno, void *ctx), void *ctx)
{
	size_t lineno = 0;
	for (const char *p = conf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct line l;
		parse_line(p, len, &l);
		int rc = fn(&l, ++lineno, ctx);
		if (rc)
			return rc;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

/* A non-negative entry number, or -1 when arg is not one. */
static long entry_number(const char *arg, size_t len)
{
	if (!len || len > 6)
		return -1;
	long n = 0;
	for (size_t i = 0; i < len; i++) {
		if (arg[i] < '0' || arg[i] > '9')
			return -1;
		n = n * 10 + (arg[i] - '0');
	}
	return n;
}

struct inspect_ctx {
	const char *name;
	struct grubconf_edit *ed;
	bool details; /* second pass: the default stanza's root and kernel */
	long entry;   /* current stanza, -1 in the header */
	size_t default_line, fallback_line;
};

/* The value of root= among a kernel line's arguments, or NULL. */
static char *kernel_root_arg(const char *a, size_t len)
{
	const char *e = a + len;
	for (const char *p = a; p + 5 < e; p++) {
		if ((p == a || p[-1] == ' ' || p[-1] == '\t') && !strncmp(p, "root=", 5)) {
			const char *v = p + 5, *ve = v;
			while (ve < e && *ve != ' ' && *ve != '\t')
				ve++;
			return xstrndup(v, (size_t)(ve - v));
		}
	}
	return NULL;
}

static int inspect_line(const struct line *l, size_t lineno, void *ctx)
{
	struct inspect_ctx *c = ctx;
	struct grubconf_edit *ed = c->ed;
	if (is_cmd(l, "title")) {
		c->entry++;
		if (!c->details)
			ed->old_entries++;
		return 0;
	}
	if (!c->details && c->entry < 0 && (is_cmd(l, "default") || is_cmd(l, "fallback"))) {
		bool is_default = is_cmd(l, "default");
		long n = entry_number(l->arg, l->arg_len);
		if (n < 0) {
			if (is_default && l->arg_len >= 5 && !strncmp(l->arg, "saved", 5))
				return kb_fail(
					"%s:%zu: 'default saved' is not supported: the saved entry number "
					"would point at another entry once the new one is first",
					c->name, lineno);
			return kb_fail("%s:%zu: %s needs one entry number", c->name, lineno,
				       is_default ? "default" : "fallback");
		}
		if (is_default) {
			ed->old_default = n;
			c->default_line = lineno;
		} else {
			ed->old_fallback = n;
			c->fallback_line = lineno;
		}
		return 0;
	}
	if (c->details && c->entry >= 0 && c->entry == ed->old_default) {
		if (is_cmd(l, "root") && !ed->default_legacy_root)
			ed->default_legacy_root = xstrndup(l->arg, l->arg_len);
		if (is_cmd(l, "kernel") && !ed->default_kernel_root) {
			ed->default_has_bootdir = l->arg_len > 6 && !strncmp(l->arg, "/boot/", 6);
			ed->default_kernel_root = kernel_root_arg(l->arg, l->arg_len);
		}
	}
	return 0;
}

int grubconf_inspect(const char *conf, const char *name, struct grubconf_edit *ed)
{
	*ed = (struct grubconf_edit){.old_default = 0,
				     .old_fallback = -1,
				     .new_fallback = -1,
				     .once_entry = -1};
	/* Two passes: `default` names the stanza whose details are copied, and
	 * nothing forces it to come before that stanza's lines are read. */
	struct inspect_ctx c = {.name = name, .ed = ed, .entry = -1};
	if (each_line(conf, inspect_line, &c))
		return -1;
	if (!ed->old_entries)
		return kb_fail("%s: no 'title' line: not a GRUB legacy menu with entries", name);
	if (ed->old_default >= (long)ed->old_entries)
		return kb_fail("%s:%zu: default=%ld but there are only %zu entries", name, c.default_line,
			       ed->old_default, ed->old_entries);
	if (ed->old_fallback >= (long)ed->old_entries)
		return kb_fail("%s:%zu: fallback=%ld but there are only %zu entries", name, c.fallback_line,
			       ed->old_fallback, ed->old_entries);
	c.details = true;
	c.entry = -1;
	each_line(conf, inspect_line, &c);
	return 0;
}

struct dup_ctx {
	const char *name, *kernel_path;
};

static int find_duplicate(const struct line *l, size_t lineno, void *ctx)
{
	struct dup_ctx *c = ctx;
	if (!is_cmd(l, "kernel"))
		return 0;
	size_t n = strlen(c->kernel_path);
	const char *a = l->arg;
	if (l->arg_len >= 5 && !strncmp(a, "/boot", 5) && strncmp(c->kernel_path, "/boot/", 6))
		a += 5; /* the same file seen from / instead of /boot */
	size_t rest = l->arg_len - (size_t)(a - l->arg);
	if (rest >= n && !strncmp(a, c->kernel_path, n) && (rest == n || a[n] == ' ' || a[n] == '\t'))
		return kb_fail("%s:%zu: there is an entry for %s already", c->name, lineno, c->kernel_path);
	return 0;
}

/* The text of a default/fallback line with its number replaced, keeping
 * its indentation, keyword, separator and anything after the number. */
static char *renumber(const struct line *l, long n)
{
	const char *digits_end = l->arg;
	while (digits_end < l->start + l->len && *digits_end >= '0' && *digits_end <= '9')
		digits_end++;
	return xasprintf("%.*s%ld%.*s", (int)(l->arg - l->start), l->start, n,
			 (int)(l->start + l->len - digits_end), digits_end);
}

struct out_ctx {
	struct grubconf_edit *ed;
	const char *stanza;
	char *buf;
	size_t len;
	bool in_header, saw_default, saw_fallback;
};

static void put(struct out_ctx *c, const char *s, size_t n)
{
	c->buf = xrealloc(c->buf, c->len + n + 1);
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

static void put_str(struct out_ctx *c, const char *s)
{
	put(c, s, strlen(s));
}

static int write_line(const struct line *l, size_t lineno, void *ctx)
{
	(void)lineno;
	struct out_ctx *c = ctx;
	bool has_nl = l->start[l->len] == '\n';
	if (c->in_header && is_cmd(l, "title")) {
		/* the end of the globals: add what was missing, then the new stanza */
		if (!c->saw_default && c->ed->new_default != 0) {
			char *s = xasprintf("default=%ld\n", c->ed->new_default);
			put_str(c, s);
			free(s);
		}
		if (!c->saw_fallback && c->ed->new_fallback >= 0) {
			char *s = xasprintf("fallback=%ld\n", c->ed->new_fallback);
			put_str(c, s);
			free(s);
		}
		put_str(c, c->stanza);
		c->in_header = false;
	}
	if (c->in_header && (is_cmd(l, "default") || is_cmd(l, "fallback"))) {
		bool is_default = is_cmd(l, "default");
		long n = is_default ? c->ed->new_default : c->ed->new_fallback;
		if (is_default)
			c->saw_default = true;
		else
			c->saw_fallback = true;
		if (n >= 0) {
			char *s = renumber(l, n);
			put_str(c, s);
			free(s);
			if (has_nl)
				put(c, "\n", 1);
			return 0;
		}
		return 0; /* unreachable: both modes keep a number for every line they saw */
	}
	put(c, l->start, l->len + (has_nl ? 1 : 0));
	return 0;
}

char *grubconf_add_entry(const char *conf, const char *name, const char *stanza, const char *kernel_path,
			 enum boot_mode mode, struct grubconf_edit *ed)
{
	struct dup_ctx d = {.name = name, .kernel_path = kernel_path};
	if (each_line(conf, find_duplicate, &d))
		return NULL;
	if (mode == BOOT_MODE_ONCE) {
		ed->new_default = ed->old_default + 1;
		ed->new_fallback = ed->old_fallback >= 0 ? ed->old_fallback + 1 : -1;
		ed->once_entry = 0;
	} else {
		ed->new_default = 0;
		ed->new_fallback = ed->old_default + 1;
		ed->once_entry = -1;
	}
	struct out_ctx c = {.ed = ed, .stanza = stanza, .in_header = true};
	put(&c, "", 0);
	each_line(conf, write_line, &c);
	return c.buf;
}

void grubconf_edit_free(struct grubconf_edit *ed)
{
	free(ed->default_legacy_root);
	free(ed->default_kernel_root);
	ed->default_legacy_root = ed->default_kernel_root = NULL;
}
