#include "core/records.h"
#include "lib/outfile.h"
#include "core/run.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIELD(type, member, kind)                            \
	{                                                    \
#member, kind, offsetof(struct type, member) \
	}
/* The field table and the descriptor of struct type, in one statement. */
#define RECORD_DESC(type, file, producer, ...)                                 \
	static const struct record_field type##_fields[] = {__VA_ARGS__};      \
	const struct record_desc type##_desc = {file, producer, type##_fields, \
						sizeof(type##_fields) / sizeof(type##_fields[0])}

RECORD_DESC(source_rec, "source.rec", "fetch", FIELD(source_rec, kind, REC_STRING),
	    FIELD(source_rec, path, REC_STRING), FIELD(source_rec, sha256, REC_STRING),
	    FIELD(source_rec, verified, REC_STRING), FIELD(source_rec, origin, REC_STRING));
RECORD_DESC(source_date_rec, "source-date.rec", "extract", FIELD(source_date_rec, epoch, REC_LLONG));
RECORD_DESC(build_rec, "build.rec", "build", FIELD(build_rec, steps, REC_SIZE),
	    FIELD(build_rec, warnings, REC_SIZE), FIELD(build_rec, errors, REC_SIZE),
	    FIELD(build_rec, seconds, REC_DOUBLE), FIELD(build_rec, jobs, REC_LLONG));
RECORD_DESC(install_rec, "install.rec", "install", FIELD(install_rec, release, REC_STRING));
RECORD_DESC(boot_rec, "boot.rec", "boot", FIELD(boot_rec, verdict, REC_STRING),
	    FIELD(boot_rec, seconds, REC_DOUBLE), FIELD(boot_rec, qemu_status, REC_LLONG),
	    FIELD(boot_rec, accel, REC_STRING), FIELD(boot_rec, accel_why, REC_STRING));
RECORD_DESC(bundle_rec, "bundle.rec", "bundle", FIELD(bundle_rec, tarball, REC_STRING),
	    FIELD(bundle_rec, rpm, REC_STRING), FIELD(bundle_rec, deb, REC_STRING),
	    FIELD(bundle_rec, sbom, REC_STRING), FIELD(bundle_rec, provenance, REC_STRING));

/* Backslash, newline and other control bytes as \\, \n, \xHH. */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (const char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
		} else if (p[1] == 'n') {
			*o++ = '\n';
			p++;
		} else if (p[1] == 'x' && p[2] && p[3]) {
			char hex[3] = {p[2], p[3], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 3;
		} else {
			*o++ = p[1];
			p++;
		}
	}
	*o = '\0';
	return out;
}

static void *member(void *rec, const struct record_field *f)
{
	return (char *)rec + f->offset;
}

int record_put(const struct run *r, const struct record_desc *d, const void *rec)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return kb_fail("out of memory writing %s", d->file);
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct record_field *fl = &d->fields[i];
		const void *m = member((void *)rec, fl);
		fprintf(f, "%s ", fl->key);
		switch (fl->type) {
		case REC_STRING:
			put_escaped(f, *(char *const *)m ? *(char *const *)m : "");
			break;
		case REC_LLONG:
			fprintf(f, "%lld", *(const long long *)m);
			break;
		case REC_SIZE:
			fprintf(f, "%zu", *(const size_t *)m);
			break;
		case REC_DOUBLE:
			fprintf(f, "%.3f", *(const double *)m);
			break;
		}
		fputc('\n', f);
	}
	fclose(f);
	char *path = run_path(r, d->file);
	int rc = write_file_atomic(path, text, len);
	free(path);
	free(text);
	return rc;
}

static void set_field(void *rec, const struct record_field *f, const char *value)
{
	void *m = member(rec, f);
	switch (f->type) {
	case REC_STRING:
		free(*(char **)m);
		*(char **)m = unescape(value);
		break;
	case REC_LLONG:
		*(long long *)m = strtoll(value, NULL, 10);
		break;
	case REC_SIZE:
		*(size_t *)m = (size_t)strtoull(value, NULL, 10);
		break;
	case REC_DOUBLE:
		*(double *)m = strtod(value, NULL);
		break;
	}
}

/* The size of the struct a descriptor covers is not known here: zero every
 * member it names (the structs hold nothing else). */
static void clear(const struct record_desc *d, void *rec)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		void *m = member(rec, &d->fields[i]);
		switch (d->fields[i].type) {
		case REC_STRING:
			*(char **)m = NULL;
			break;
		case REC_LLONG:
			*(long long *)m = 0;
			break;
		case REC_SIZE:
			*(size_t *)m = 0;
			break;
		case REC_DOUBLE:
			*(double *)m = 0;
			break;
		}
	}
}

int record_get(const struct run *r, const struct record_desc *d, void *rec)
{
	clear(d, rec);
	char *path = run_path(r, d->file);
	if (!path_exists(path)) {
		kb_fail("no %s record (%s): run the %s stage first", d->producer, path, d->producer);
		free(path);
		return -1;
	}
	char *text = read_text(path, NULL);
	free(path);
	if (!text)
		return -1;
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		for (size_t i = 0; i < d->n_fields; i++)
			if (!strcmp(d->fields[i].key, line))
				set_field(rec, &d->fields[i], sp + 1);
	}
	free(text);
	return 0;
}

void record_release(const struct record_desc *d, void *rec)
{
	for (size_t i = 0; i < d->n_fields; i++)
		if (d->fields[i].type == REC_STRING) {
			char **m = member(rec, &d->fields[i]);
			free(*m);
			*m = NULL;
		}
}

char *record_applied_path(const struct run *r)
{
	return run_path(r, OUT_APPLIED);
}

int record_remove(const struct run *r, const struct record_desc *d)
{
	char *path = run_path(r, d->file);
	int rc = unlink(path) < 0 && errno != ENOENT ? kb_fail("cannot remove %s: %s", path, strerror(errno))
						     : 0;
	free(path);
	return rc;
}
