#include "core/settings.h"
#include "core/profile.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(enum accel_mode) == sizeof(int) && sizeof(enum boot_mode) == sizeof(int) &&
		       sizeof(enum rollout_inject) == sizeof(int),
	       "choice settings are stored as int");

static bool parse_bool(const char *v)
{
	return !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1");
}

static int choice_index(const struct key_def *d, const char *v)
{
	for (int i = 0; d->choices[i]; i++)
		if (!strcmp(d->choices[i], v))
			return i;
	return 0; /* the parser refused anything else */
}

void settings_resolve(const struct profile *p, struct settings *s)
{
	*s = (struct settings){.name = p->name, .file = p->file, .prof = p};
	for (const struct key_def *d = profile_keys; d->name; d++) {
		if (d->offset == KEY_NO_FIELD)
			continue;
		const struct profile_value *pv = profile_value_of(p, d);
		const char *v = pv ? pv->value : d->dflt;
		void *field = (char *)s + d->offset;
		switch (d->type) {
		case KEY_LIST:
		case KEY_URL_LIST:
			if (v)
				strv_split(field, v);
			break;
		case KEY_INT: {
			long n = v ? strtol(v, NULL, 10) : 0;
			memcpy(field, &n, sizeof(n));
			break;
		}
		case KEY_BOOL: {
			bool b = v && parse_bool(v);
			memcpy(field, &b, sizeof(b));
			break;
		}
		case KEY_CHOICE: {
			int c = v ? choice_index(d, v) : 0;
			memcpy(field, &c, sizeof(c));
			break;
		}
		default:
			memcpy(field, &v, sizeof(v));
			break;
		}
	}
	/* The one default that is not a constant (an explicit jobs is at least 1). */
	if (s->build.jobs == 0)
		s->build.jobs = cpu_count();
}

void settings_free(struct settings *s)
{
	for (const struct key_def *d = profile_keys; d->name; d++)
		if (d->offset != KEY_NO_FIELD && (d->type == KEY_LIST || d->type == KEY_URL_LIST))
			strv_free((struct strv *)((char *)s + d->offset));
	*s = (struct settings){0};
}

const char *settings_origin(const struct settings *s, const void *field)
{
	size_t off = (size_t)((const char *)field - (const char *)s);
	for (const struct key_def *d = profile_keys; d->name; d++)
		if (d->offset == off) {
			const struct profile_value *pv = s->prof ? profile_value_of(s->prof, d) : NULL;
			return pv ? pv->origin : "default";
		}
	return "?";
}
