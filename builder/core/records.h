/* Records: what a stage hands to the stages after it, one small file per
 * record in the output directory. Each record is a struct with a descriptor
 * (file name, producing stage, fields); this module alone knows the files
 * and their format ("key value" lines, values escaped so that a newline or
 * backslash in a path reads back as it was written). */
#ifndef KBUILD_CORE_RECORDS_H
#define KBUILD_CORE_RECORDS_H

#include <stddef.h>

struct run;

enum record_type { REC_STRING, REC_LLONG, REC_SIZE, REC_DOUBLE };

struct record_field {
	const char *key;
	enum record_type type;
	size_t offset; /* of the member (char *, long long, size_t, double) */
};

struct record_desc {
	const char *file;     /* below the output directory */
	const char *producer; /* the stage that writes it, for "run ... first" */
	const struct record_field *fields;
	size_t n_fields;
};

/* Write rec (a struct the descriptor describes) atomically. Returns 0 or -1. */
int record_put(const struct run *r, const struct record_desc *d, const void *rec);
/* Read the record into rec (zeroed first; strings malloc'd, absent keys NULL
 * or 0). Returns 0, or -1 with kb_fail() naming the stage to run when there
 * is no record or it cannot be read. */
int record_get(const struct run *r, const struct record_desc *d, void *rec);
/* Free the strings of a record read by record_get. */
void record_release(const struct record_desc *d, void *rec);
/* Remove the record (a stage about to redo what it vouched for). */
int record_remove(const struct run *r, const struct record_desc *d);

/* Typed wrappers: name_put, name_get, name_free for struct name. */
#define RECORD_TYPE(name)                                                       \
	extern const struct record_desc name##_desc;                            \
	static inline int name##_put(const struct run *r, const struct name *v) \
	{                                                                       \
		return record_put(r, &name##_desc, v);                          \
	}                                                                       \
	static inline int name##_get(const struct run *r, struct name *v)       \
	{                                                                       \
		return record_get(r, &name##_desc, v);                          \
	}                                                                       \
	static inline void name##_free(struct name *v)                          \
	{                                                                       \
		record_release(&name##_desc, v);                                \
	}

/* fetch -> extract, metadata: where the tarball (or tree) is and how it was checked. */
struct source_rec {
	char *kind;     /* "tarball" or "tree" */
	char *path;     /* the tarball or tree to unpack or copy */
	char *sha256;   /* its digest, "none" for a tree */
	char *verified; /* how: "yes (sha256)", "yes (dpkg)", "no (local tree)" */
	char *origin;   /* URL, package or local path it came from */
};
RECORD_TYPE(source_rec)

/* extract -> build (kmake_env): the unpatched source's date. */
struct source_date_rec {
	long long epoch; /* mtime of the pristine top-level Makefile */
};
RECORD_TYPE(source_date_rec)

/* build -> the next build's progress, metadata. */
struct build_rec {
	size_t steps, warnings, errors;
	double seconds;
	long long jobs;
};
RECORD_TYPE(build_rec)

/* install -> initramfs, boot, metadata: the kernel release installed under stage/. */
struct install_rec {
	char *release;
};
RECORD_TYPE(install_rec)

/* boot -> metadata: the verdict and the accelerator the guest ran on. */
struct boot_rec {
	char *verdict; /* boot_verdict_name() */
	double seconds;
	long long qemu_status;
	char *accel;     /* "kvm" or "tcg" */
	char *accel_why; /* why that accelerator (guest/accel.h) */
};
RECORD_TYPE(boot_rec)

/* bundle -> the user, the e2e test, the rollout: where the three artifacts
 * are, and the SBOM (a copy of the bundle's) and provenance next to them. */
struct bundle_rec {
	char *tarball, *rpm, *deb;
	char *sbom, *provenance;
};
RECORD_TYPE(bundle_rec)

/* The files of the output directory that stages, commands and people read,
 * named once. */
#define OUT_APPLIED "applied"                 /* patch: what the tree holds (source/patch_apply.h) */
#define OUT_CONFIG "config"                   /* config -> the user, records: the resolved config */
#define OUT_CONFIG_REPORT "config-report.txt" /* config: what was asked and what survived */
#define OUT_INITRAMFS "initramfs.cpio.gz"     /* initramfs -> boot */
#define OUT_SERIAL_LOG "serial.log"           /* boot -> qa: the guest's console */
#define OUT_RESULTS_JSON "results.json"       /* qa -> bundle, records: the self-tests */
#define OUT_JUNIT_XML "junit.xml"             /* qa: the same for CI systems */
#define OUT_METADATA_JSON "metadata.json"     /* the run, rewritten after every stage */
#define OUT_RECORD_JSON "record.json"         /* the run document at the end (core/rundoc.h) */
#define OUT_KCIDB_JSON "kcidb.json"           /* nightly: KCIDB v5 */
#define OUT_SQUAD_JSON "squad.json"           /* nightly: SQUAD */
#define OUT_BISECT_JSON "bisect.json"         /* kbuild bisect: the answer (bisect/bisect.h) */
#define OUT_BISECT_DIR "bisect"               /* kbuild bisect: each step's record, its history */

/* The patch stage's list of what the tree holds (its format: source/patch_apply.h). */
char *record_applied_path(const struct run *r);

#endif
