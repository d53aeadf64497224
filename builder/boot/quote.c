/* Validation and quoting shared by every boot loader format. */
#include "boot/quote.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

int boot_check_line(const char *key, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\n')
			return kb_fail(
				"%s: a newline would end the line early and start a command of its own", key);
		if (*p < 0x20 || *p == 0x7f)
			return kb_fail("%s: control character 0x%02x is not allowed", key, *p);
	}
	return 0;
}

int boot_check_charset(const char *key, const char *v, const char *extra)
{
	if (!v || !*v)
		return kb_fail("%s: empty value", key);
	for (const char *p = v; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			  strchr(extra, *p);
		if (!ok) {
			if ((unsigned char)*p < 0x20)
				return kb_fail("%s: control character 0x%02x is not allowed", key,
					       (unsigned char)*p);
			return kb_fail(
				"%s: character '%c' is not allowed in '%s' (letters, digits and %s only)",
				key, *p, v, extra);
		}
	}
	return 0;
}

int boot_check_cmdline(const char *key, const char *v)
{
	if (boot_check_line(key, v) < 0)
		return -1;
	size_t quotes = 0;
	for (const char *p = v; *p; p++)
		quotes += *p == '"';
	if (quotes % 2)
		return kb_fail(
			"%s: unbalanced '\"' in '%s' (the kernel would read the rest of the line as one value)",
			key, v);
	return 0;
}

bool grub2_word_is_plain(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			  strchr(",./:=@_+-", *p);
		if (!ok)
			return false;
	}
	return true;
}

static char *single_quote(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *q = xmalloc(n), *o = q;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

char *grub2_quote(const char *s)
{
	return grub2_word_is_plain(s) ? xstrdup(s) : single_quote(s);
}

char *sh_quote_word(const char *s)
{
	return single_quote(s);
}
