/* XML escaping, one writer for the junit.xml records and the report page's
 * HTML and SVG. */
#ifndef KBUILD_LIB_XML_H
#define KBUILD_LIB_XML_H

#include <stdbool.h>
#include <stdio.h>

/* Writes s (NULL: nothing) to f with & < > escaped; attr (an attribute
 * value) also escapes both quotes, newlines and tabs, which an attribute
 * would otherwise lose to whitespace normalisation. s must already be
 * valid XML text (results_clean_text). */
void xml_escape(FILE *f, const char *s, bool attr);

#endif
