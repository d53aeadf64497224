/* Packaging templates (packaging/ in kbuild's directory): text with @NAME@
 * placeholders filled from a list of values; "@@" is a literal '@'. */
#ifndef KBUILD_PACKAGE_TEMPLATE_H
#define KBUILD_PACKAGE_TEMPLATE_H

#include "lib/util.h"

/* Fill the template text read from origin: every @NAME@ is replaced with the
 * value of NAME in names/values; an unknown or unterminated placeholder is an
 * error naming origin:line. Returns the text (malloc'd) or NULL with kb_fail(). */
char *template_fill(const char *text, const char *origin, const struct strv *names,
		    const struct strv *values);

/* The same for the template file at path. */
char *template_fill_file(const char *path, const struct strv *names, const struct strv *values);

#endif
