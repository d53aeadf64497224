/* Profiles: small INI files under configs/profiles/, parsed with inih.
 *
 * Every key belongs to a fixed schema (section, name, type); an unknown
 * section or key, a malformed value or a missing required key is an error
 * naming file:line. A profile may inherit from another ([profile] inherit).
 * Command-line arguments override any key (`key=value` or `section.key=value`)
 * or extend a list (`key+=value`). */
#ifndef KBUILD_CORE_PROFILE_H
#define KBUILD_CORE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

/* The profile kbuild uses when neither profile= nor $KBUILD_PROFILE names one. */
#define PROFILE_DEFAULT "debian-6.1-ceph"

enum key_type {
	KEY_STRING,
	KEY_LIST,
	KEY_INT,
	KEY_BOOL,
	KEY_SHA256,
	KEY_URL,
	KEY_URL_LIST,
	KEY_CHOICE,
	KEY_PKG_TOKEN /* lowercase letters, digits, . + ~ : a package name part or release */,
	KEY_PKG_VENDOR /* "Name <address>" */
};

/* One key of the schema (core/schema.c). */
struct key_def {
	const char *section;
	const char *name;
	enum key_type type;
	bool required;
	const char *dflt;           /* the value when unset; NULL: none (help says what unset means) */
	long min, max;              /* KEY_INT: the allowed range */
	const char *const *choices; /* KEY_CHOICE: the words, in the order of the setting's enum */
	/* A further check of the value's shape: NULL when acceptable, else why
	 * (a static string). NULL: the type's check only. */
	const char *(*rule)(const char *value);
	size_t offset; /* where settings_resolve puts the value in struct settings */
	const char *help;
};
#define KEY_NO_FIELD ((size_t)-1) /* a key that is not a setting (profile.inherit) */

/* The schema, terminated by an entry with name == NULL. */
extern const struct key_def profile_keys[];

struct profile_value {
	const struct key_def *def;
	char *value;  /* lists are stored blank-separated */
	char *origin; /* "file:line" or "command line" */
	bool extends; /* set by "+=": extends the inherited list */
};

struct profile {
	char *name;
	char *file; /* the profile's own file */
	struct profile_value *v;
	size_t n;
};

/* Load configs/profiles/<name>.ini below home, following inheritance. */
int profile_load(const char *home, const char *name, struct profile *out);
/* Apply one command-line argument "key=value", "section.key=value" or "key+=value". */
int profile_override(struct profile *p, const char *arg);
/* Check that every required key has a non-empty value. */
int profile_check_required(const struct profile *p);
void profile_free(struct profile *p);

/* The raw value of a key as the profile (and command line) set it, and
 * where; NULL when unset or empty. Stages read typed settings instead
 * (core/settings.h); these serve settings_resolve and the parser's tests. */
const char *profile_get(const struct profile *p, const char *section, const char *name);
const struct profile_value *profile_value(const struct profile *p, const char *section, const char *name);
/* The value of the key d, or NULL. */
const struct profile_value *profile_value_of(const struct profile *p, const struct key_def *d);

/* Find a schema entry by "name" (unique across sections) or "section.name". */
const struct key_def *profile_find_key(const char *key);

#endif
