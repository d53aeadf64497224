/* The programs kbuild runs and the Debian packages that ship them, so that
 * a missing tool is reported as the one command that installs it. */
#ifndef KBUILD_LIB_TOOLS_H
#define KBUILD_LIB_TOOLS_H

#include <stdbool.h>

/* The Debian package shipping program (a name or a path: its last component
 * counts; "gcc-11" -> "gcc-11"), or NULL when kbuild does not know it. */
const char *tool_debian_package(const char *program);

/* Whether program is an executable file: a path as given, a name in $PATH. */
bool tool_available(const char *program);

/* Records, with kb_fail(), that program could not be started:
 * "<program> is not installed (apt-get install <package>)". Returns -1. */
int tool_missing(const char *program);

/* For a child that exited 127 (the shell's and execvp's "not found"): the
 * tool_missing() message when program is not there, else a note that it
 * exited 127 itself. Returns -1. */
int tool_missing_or_failed(const char *program);

/* tool_missing() unless program is available. Returns 0 or -1. */
int tool_require(const char *program);

#endif
