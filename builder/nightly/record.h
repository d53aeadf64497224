/* The run record (record.json): one normalized document per run, gathered
 * from an output directory's files (metadata.json, results.json, config,
 * applied, the build log, boot.rec, the built artifacts). The KCIDB and
 * SQUAD documents and `kbuild compare` are all derived from it, so that
 * two nights can be compared without keeping their output trees. */
#ifndef KBUILD_RECORD_H
#define KBUILD_RECORD_H

#include "core/run.h"

#include <jansson.h>

#define RECORD_FORMAT "kbuild-record"
#define RECORD_VERSION 1

/* The record of the run in r->outdir, which ended with exit_code. Missing
 * files leave their part empty (a run that stopped early has no tests).
 * Never NULL. */
json_t *record_collect(struct run *r, int exit_code);

/* A record from a file, or from DIR/record.json when path is a directory.
 * NULL with kb_fail() naming the file when absent, unreadable or not a
 * kbuild record. */
json_t *record_load(const char *path);

/* Writes doc as indented JSON to path, atomically. Returns 0 or -1. */
int record_write_json(const json_t *doc, const char *path);

/* One compiler warning line "file:line[:col]: warning: message" split into
 * parts (malloc'd). Returns false for any other line. */
bool record_parse_warning(const char *text, char **file, long *line, char **message);

/* "tcp_tw_timeout=2: TIME_WAIT lasted 2.09 s" in a test log: the TIME_WAIT
 * lifetimes the guest measured, added to out as {"lifetime_2s": 2.09}. */
void record_timewait_measurements(const char *log, json_t *out);

#endif
