/* The run document: everything one run learns about itself, held in memory
 * and filled as the run goes: the engine sets the run's facts and each
 * stage's status; each stage's describe hook (engine/stage.h) adds its own
 * section from its records, once, after it ran or was found up to date; an
 * artifact is hashed once. metadata.json (engine/metadata.c), record.json,
 * kcidb.json and squad.json (nightly/) are rendered from it; record.json is
 * the document itself as written at the end, which history, compare and
 * the matrix read back (the disk stays the truth between processes).
 *
 * Its members (the record.json format "kbuild-record"), each set in one place:
 *   format, version, profile, outdir, arch, started, reproducer   rundoc_begin
 *   stages {name: {status, duration}}                              rundoc_stage (pipeline)
 *   exit_code, status, finished, failure {stage, log_tail}|null    rundoc_end
 *   source {version, kind, origin, path, sha256, verified}         fetch
 *   patches [{name, sha256}] (applied, in order),
 *   series {file, length, upto} (upto: null, or patches.upto)      patch
 *   fragments [names], requested {OPT: value}, config {OPT: value} config
 *   compiler (version line), toolchain {command, version_full},
 *   make {make_variables, arch, cross, environment, targets, jobs},
 *   build {steps, warnings, errors, seconds}, warnings [{file, line, message}],
 *   kernel_release                                                  build
 *   sizes {vmlinux, bzImage, modules_total, modules {name: bytes}}  install
 *   boot {verdict, seconds, qemu_status, accel, accel_why, accel_asked}  boot
 *   tests {path: {status, duration}}, measurements {name: number}  qa
 *   artifacts [{path, size, sha256}] (in stage order)               rundoc_artifact
 *   bisect {result, answer, until, first_bad, range, verdict, builds,
 *     document} (on the last step's record only)                  kbuild bisect
 *   rollout {verdict, exit_code, inject, tests, boots [{session,
 *     entry, release, outcome, seconds, console}], seconds}       kbuild rollout
 * A member is absent until its owner has run in this run: a record never
 * carries an earlier run's results as this run's. */
#ifndef KBUILD_CORE_RUNDOC_H
#define KBUILD_CORE_RUNDOC_H

#include <jansson.h>

#include "core/status.h"

#define RUNDOC_FORMAT "kbuild-record"
#define RUNDOC_VERSION 2 /* 2: toolchain, make, boot details and artifacts added to 1 */

struct rundoc {
	json_t *root;
};

/* A new document for a run of profile in outdir; argv (argc words) is the
 * command line, written back as the reproducer with the profile spelled out. */
void rundoc_begin(struct rundoc *d, const char *profile, const char *outdir, const char *arch, int argc,
		  char **argv);
void rundoc_free(struct rundoc *d);

/* Sets member key (a section the caller owns, see above) to value (the
 * reference is stolen). */
void rundoc_set(struct rundoc *d, const char *key, json_t *value);
/* A member, or NULL (borrowed). */
json_t *rundoc_get(const struct rundoc *d, const char *key);
/* A stage's outcome and duration. */
void rundoc_stage(struct rundoc *d, const char *stage, enum stage_status s, double seconds);
/* Lists path with its size and sha256; a path listed already is not hashed
 * again, a missing file is left out. */
void rundoc_artifact(struct rundoc *d, const char *path);
/* The run's end: exit code, status, finish time, and for a failure the
 * first failed stage with the tail of its log (logdir/<stage>.log). */
void rundoc_end(struct rundoc *d, int exit_code, const char *logdir);

/* The status of each stage (STAGE_* parsed from the document), false when
 * the stage is absent. */
bool rundoc_stage_status(const json_t *doc, const char *stage, enum stage_status *out);

/* A document written by an earlier run: from a file, or DIR/record.json
 * when path is a directory. NULL with kb_fail() naming the file when absent,
 * unreadable or not a kbuild record. */
json_t *rundoc_load(const char *path);
/* Writes the document (indented, a newline at the end) to path, atomically. */
int rundoc_write(const json_t *doc, const char *path);

#endif
