/* A growing string, for texts built piece by piece (the Kconfig reasons
 * and the config verification's report lines). */
#ifndef KBUILD_LIB_STRBUF_H
#define KBUILD_LIB_STRBUF_H

#include <stddef.h>

/* s is NUL-terminated once anything was added; {0} is empty. The caller
 * frees s. */
struct sbuf {
	char *s;
	size_t n, cap;
};

/* Appends the formatted text to b, growing it (xrealloc: dies on no memory). */
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
