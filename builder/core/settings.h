/* Settings: a profile resolved once into typed values. Every key's type,
 * default, bounds and help live in the schema (core/schema.c), which also
 * says where each key's value goes in struct settings; stages read
 * r->set->qa.memory, never a ("section", "key") string, so a typo is a
 * compile error and a default is written once. */
#ifndef KBUILD_CORE_SETTINGS_H
#define KBUILD_CORE_SETTINGS_H

#include <stdbool.h>

#include "lib/util.h"

struct profile;

/* qa.accel: which QEMU accelerator (guest/accel.h decides for auto). */
enum accel_mode { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };
extern const char *const accel_mode_names[]; /* in enum order, NULL-terminated */

/* boot.mode: how the grub stage installs the new entry. */
enum boot_mode {
	BOOT_MODE_ONCE,    /* the old default stays; the new entry is booted once */
	BOOT_MODE_DEFAULT, /* the new entry becomes the default, the old one its fallback */
};
extern const char *const boot_mode_names[];

/* rollout.inject: a fault `kbuild rollout` plants in the new kernel's boot
 * (tests and demonstrations); the verdict still comes from what the host does. */
enum rollout_inject { INJECT_NONE, INJECT_PANIC, INJECT_HANG, INJECT_UNHEALTHY };
extern const char *const rollout_inject_names[];

/* Strings point into the profile (valid while it lives); NULL is unset
 * where the key has no default. Lists are owned here. */
struct settings {
	const char *name; /* the profile's name */
	const char *file; /* its own file */
	struct profile_settings {
		const char *description;
	} profile;
	struct source_settings {
		const char *version, *url, *sha256, *file, *package, *source, *tree;
		struct strv mirrors;
	} source;
	struct patches_settings {
		const char *series;
		long upto; /* apply only the first upto patches; -1: all */
	} patches;
	struct config_settings {
		const char *base;
		struct strv fragments;
		bool override;
	} config;
	struct build_settings {
		const char *arch, *cc, *cross;
		long jobs;
		bool ccache;
		struct strv targets;
	} build;
	struct qa_settings {
		struct strv modules, sysctl, symbols, tests;
		long timeout, memory;
		enum accel_mode accel;
	} qa;
	struct boot_settings {
		const char *root, *cmdline, *title, *id, *grubconf, *legacy_root, *bootdir;
		long panic, tries;
		enum boot_mode mode;
	} boot;
	struct rollout_settings {
		const char *old_kernel, *old_initrd;
		enum rollout_inject inject;
		long deadline, timeout;
	} rollout;
	struct bisect_settings {
		long good, bad;    /* prefixes: known to pass, to fail (-1: the whole series) */
		const char *until; /* build, boot or a self-test; NULL: the whole series' first failure */
	} bisect;
	struct report_settings {
		const char *history, *origin;
		long keep;
	} report;
	struct package_settings {
		const char *suffix, *release, *vendor, *signing_key;
	} package;
	const struct profile *prof; /* where each value came from (settings_origin) */
};

/* Resolve p (already checked against the schema) into s: every key its
 * value or its default. s keeps pointers into p. */
void settings_resolve(const struct profile *p, struct settings *s);
void settings_free(struct settings *s);
/* "file:line", "command line" or "default" for the key whose value is at
 * field (a member of s), for error messages. */
const char *settings_origin(const struct settings *s, const void *field);

#endif
