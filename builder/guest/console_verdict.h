/* Which guest console lines mean the kernel itself is broken. */
#ifndef KBUILD_GUEST_CONSOLE_VERDICT_H
#define KBUILD_GUEST_CONSOLE_VERDICT_H

#include <stdbool.h>

/* Whether line (one console line, no newline) is one of the kernel's own
 * panic/oops headers, matched as the kernel prints them: at the start of the
 * line, after the optional printk timestamp "[    1.234567] " and caller
 * field "[    T1] ". "Kernel panic - not syncing", "BUG: <text>",
 * "kernel BUG at", "Oops: <code>", "general protection fault". A substring
 * elsewhere ("DEBUG: ...", a test's indented output) is not a panic. */
bool console_line_is_panic(const char *line);

#endif
