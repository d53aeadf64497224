/* Profiles: small INI files under configs/profiles/, parsed with inih.
 *
 * Every key belongs to a fixed schema (section, name, type); an unknown
 * section or key, a malformed value or a missing required key is an error
 * naming file:line. A profile may inherit from another ([profile] inherit).
 * Command-line arguments override any key (`key=value` or `section.key=value`)
 * or extend a list (`key+=value`). */
#ifndef KBUILD_PROFILE_H
#define KBUILD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

/* The profile kbuild uses when neither profile= nor $KBUILD_PROFILE names one. */
#define PROFILE_DEFAULT "debian-6.1-ceph"

enum key_type { KEY_STRING, KEY_LIST, KEY_INT, KEY_BOOL, KEY_SHA256, KEY_URL, KEY_URL_LIST, KEY_CHOICE,
		KEY_PKG_TOKEN /* lowercase letters, digits, . + ~ : a package name part or release */,
		KEY_PKG_VENDOR /* "Name <address>" */ };

struct key_def {
	const char *section;
	const char *name;
	enum key_type type;
	bool required;
	const char *help;
};

/* The words a KEY_CHOICE key allows, blank-separated. */
struct key_choice {
	const char *section, *name, *words;
};

/* The schema, terminated by an entry with name == NULL. */
extern const struct key_def profile_keys[];
/* The allowed words of each KEY_CHOICE key, terminated by name == NULL. */
extern const struct key_choice profile_key_choices[];
/* The allowed words of a KEY_CHOICE key ("" when the table lacks it). */
const char *profile_choices(const struct key_def *d);

struct profile_value {
	const struct key_def *def;
	char *value;      /* lists are stored blank-separated */
	char *origin;     /* "file:line" or "command line" */
	bool extends;     /* set by "+=": extends the inherited list */
};

struct profile {
	char *name;
	char *file;       /* the profile's own file */
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

/* Lookups; NULL or the default when unset or empty. */
const char *profile_get(const struct profile *p, const char *section, const char *name);
const struct profile_value *profile_value(const struct profile *p, const char *section, const char *name);
long profile_get_int(const struct profile *p, const char *section, const char *name, long dflt);
bool profile_get_bool(const struct profile *p, const char *section, const char *name, bool dflt);
/* Split a list value into out (appends). */
size_t profile_get_list(const struct profile *p, const char *section, const char *name, struct strv *out);

/* Find a schema entry by "name" (unique across sections) or "section.name". */
const struct key_def *profile_find_key(const char *key);

#endif
