#include "guest/console_verdict.h"

#include <ctype.h>
#include <string.h>

/* Skips one "[ ... ]" printk field (timestamp or caller id) and the blank
 * after it; returns p unchanged when there is none. */
static const char *skip_bracket_field(const char *p)
{
	if (*p != '[')
		return p;
	const char *q = p + 1;
	while (*q == ' ')
		q++;
	/* timestamp "1.234567", caller "T123" / "C0" */
	if (*q == 'T' || *q == 'C')
		q++;
	if (!isdigit((unsigned char)*q))
		return p;
	while (isdigit((unsigned char)*q) || *q == '.')
		q++;
	if (*q != ']')
		return p;
	q++;
	return *q == ' ' ? q + 1 : q;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool console_line_is_panic(const char *line)
{
	const char *p = line;
	if (*p == '<' && isdigit((unsigned char)p[1]) && p[2] == '>') /* a raw log level */
		p += 3;
	p = skip_bracket_field(p);
	p = skip_bracket_field(p);
	if (starts(p, "Kernel panic - not syncing") || starts(p, "kernel BUG at "))
		return true;
	/* 2.6: "general protection fault: 0000 [#1]", 6.x: "..., probably for ..." */
	if (starts(p, "general protection fault") && strchr(":,", p[24]) && p[24])
		return true;
	/* "BUG: unable to handle ...", "BUG: kernel NULL pointer ...", "BUG: soft lockup" */
	if (starts(p, "BUG: ") && isalpha((unsigned char)p[5]))
		return true;
	/* "Oops: 0002 [#1] SMP", 6.x also "Oops: general protection fault, ..." */
	if (starts(p, "Oops: ") && isalnum((unsigned char)p[6]))
		return true;
	return false;
}
