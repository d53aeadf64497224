/* Shared by the libFuzzer targets: the parsers read files, so each input is
 * written to a file in a per-process scratch directory first. */
#ifndef KBUILD_FUZZ_UTIL_H
#define KBUILD_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The scratch directory (created once, removed at exit). */
const char *fuzz_dir(void);
/* Writes data to fuzz_dir()/name (parents created) and returns its path
 * (static storage, valid until the next call). */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

#endif
