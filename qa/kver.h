/* Kernel version gates of the in-guest self-tests. Header only, so that the
 * unit tests (tests/test_qa_kver.c) check the very code the guest runs.
 *
 * A gate compares the release uname(2) reports ("2.6.39.4", "6.12.118",
 * "4.12.0-rc1", "3.10.0-1160.el7.x86_64") with major.minor as numbers: 6.12
 * is after 6.1 and 4.9 before 4.12, which a string compare gets wrong. */
#ifndef QA_KVER_H
#define QA_KVER_H

#include <stddef.h>

/* Reads the leading digits (1 to 9 of them) into *v; returns the text after
 * them, or NULL when there are none or more than 9. */
static inline const char *qa_kver_number(const char *s, int *v)
{
	int n = 0, digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		n = n * 10 + (*s - '0');
	if (!digits || (*s >= '0' && *s <= '9'))
		return NULL;
	*v = n;
	return s;
}

/* 1 when release is major.minor or later, 0 when it is earlier, -1 when it
 * does not start with "<major>.<minor>" (the caller says so and decides). */
static inline int qa_release_at_least(const char *release, int major, int minor)
{
	int ma, mi;
	const char *p = release ? qa_kver_number(release, &ma) : NULL;
	if (!p || *p != '.' || !(p = qa_kver_number(p + 1, &mi)))
		return -1;
	return ma > major || (ma == major && mi >= minor);
}

#endif
