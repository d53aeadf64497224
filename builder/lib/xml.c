#include "lib/xml.h"

void xml_escape(FILE *f, const char *s, bool attr)
{
	for (; s && *s; s++) {
		const char *ref = NULL;
		switch (*s) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = attr ? "&quot;" : NULL;
			break;
		case '\'':
			ref = attr ? "&apos;" : NULL;
			break;
		case '\n':
			ref = attr ? "&#10;" : NULL;
			break;
		case '\t':
			ref = attr ? "&#9;" : NULL;
			break;
		}
		if (ref)
			fputs(ref, f);
		else
			fputc(*s, f);
	}
}
