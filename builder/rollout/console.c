/* The serial console of a QEMU run with reboots, boot by boot. */
#include "rollout/console.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

#define PANIC_BEFORE 6
#define PANIC_AFTER 14
#define EXCERPT_LINES 8

/* A copy of the line without "\e[...X" sequences and other control bytes. */
static char *clean_line(const char *s, size_t len)
{
	char *o = xmalloc(len + 1), *w = o;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			i++;
			if (i < len && s[i] == '[') {
				while (i + 1 < len && !((s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
							(s[i + 1] >= 'a' && s[i + 1] <= 'z')))
					i++;
				i++;
			}
			continue;
		}
		if (c < 0x20 && c != '\t')
			continue;
		*w++ = (char)c;
	}
	*w = '\0';
	return o;
}

static struct fleet_boot *new_boot(struct fleet_boot **boots, size_t *n)
{
	*boots = xrealloc(*boots, (*n + 1) * sizeof(**boots));
	struct fleet_boot *b = &(*boots)[(*n)++];
	*b = (struct fleet_boot){0};
	return b;
}

size_t fleet_console_parse(const char *log, struct fleet_boot **boots)
{
	*boots = NULL;
	size_t n = 0;
	struct strv lines = {0};
	for (const char *p = log ? log : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		strv_push_owned(&lines, clean_line(p, len));
		p += len + (nl ? 1 : 0);
	}
	struct fleet_boot *b = NULL;
	size_t boot_start = 0;
	size_t *starts = NULL;      /* each boot's first line */
	struct strv *failed = NULL; /* each boot's "not ok" lines */
	for (size_t k = 0; k < lines.n; k++) {
		const char *l = lines.v[k];
		const char *mark = strstr(l, FLEET_ENTRY_MARK);
		const char *banner = strstr(l, "Linux version ");
		if (mark || (banner && b && b->release) || (banner && !b)) {
			b = new_boot(boots, &n);
			boot_start = k;
			starts = xrealloc(starts, n * sizeof(*starts));
			starts[n - 1] = k;
			failed = xrealloc(failed, n * sizeof(*failed));
			failed[n - 1] = (struct strv){0};
		}
		if (mark) {
			const char *id = mark + strlen(FLEET_ENTRY_MARK);
			b->entry = xstrndup(id, strcspn(id, " \t"));
			continue;
		}
		if (!b)
			continue;
		if (banner && !b->release) {
			const char *r = banner + strlen("Linux version ");
			b->release = xstrndup(r, strcspn(r, " \t"));
		} else if (strstr(l, "Kernel panic - not syncing") && !b->panicked) {
			b->panicked = true;
			size_t from = k > boot_start + PANIC_BEFORE ? k - PANIC_BEFORE : boot_start;
			size_t to = k + PANIC_AFTER < lines.n ? k + PANIC_AFTER : lines.n;
			/* not into the next boot */
			for (size_t j = k + 1; j < to; j++)
				if (strstr(lines.v[j], FLEET_ENTRY_MARK) ||
				    strstr(lines.v[j], "Linux version ")) {
					to = j;
					break;
				}
			b->panic_lines = lines_join(lines.v, from, to);
		} else if (strstr(l, "KTAP version")) {
			b->userspace = true;
		} else if (!strncmp(l, "ok ", 3)) {
			b->passed++;
		} else if (!strncmp(l, "not ok ", 7)) {
			b->failed++;
			strv_push(&failed[n - 1], l);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct fleet_boot *bi = &(*boots)[i];
		size_t end = i + 1 < n ? starts[i + 1] : lines.n;
		size_t from = end > starts[i] + EXCERPT_LINES ? end - EXCERPT_LINES : starts[i];
		bi->excerpt = bi->panic_lines ? xstrdup(bi->panic_lines)
			      : failed[i].n   ? lines_join(failed[i].v, 0, failed[i].n)
					      : lines_join(lines.v, from, end);
		strv_free(&failed[i]);
	}
	free(starts);
	free(failed);
	strv_free(&lines);
	return n;
}

void fleet_boots_free(struct fleet_boot *boots, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(boots[i].entry);
		free(boots[i].release);
		free(boots[i].panic_lines);
		free(boots[i].excerpt);
	}
	free(boots);
}

bool fleet_boot_passed(const struct fleet_boot *b)
{
	return b->userspace && !b->panicked && b->failed == 0 && b->passed > 0;
}

char *fleet_boots_describe(const struct fleet_boot *boots, size_t n)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_boot *b = &boots[i];
		char *what;
		if (b->panicked)
			what = xstrdup("kernel panic");
		else if (fleet_boot_passed(b))
			what = xasprintf("self-tests passed (%zu)", b->passed);
		else if (b->userspace)
			what = xasprintf("came up; self-tests: %zu passed, %zu failed", b->passed, b->failed);
		else
			what = xstrdup("did not reach user space");
		char *line = xasprintf("%sboot %zu: entry %s, kernel %s: %s\n", s, i + 1,
				       b->entry ? b->entry : "(none)",
				       b->release ? b->release : "(no banner)", what);
		free(what);
		free(s);
		s = line;
	}
	return s;
}
