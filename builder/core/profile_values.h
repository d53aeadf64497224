/* Checks of particular profile keys beyond their type: values that reach
 * make's command line (base, arch, cross, cc) must have the shape make and
 * the kernel expect, so a typo fails at the profile line, not deep in make. */
#ifndef KBUILD_CORE_PROFILE_VALUES_H
#define KBUILD_CORE_PROFILE_VALUES_H

/* Each returns NULL when value is acceptable, else the reason (a static
 * string); the schema (core/schema.c) names the rule of each key. */
const char *value_rule_base(const char *value);  /* config.base: a *config target or a file */
const char *value_rule_arch(const char *value);  /* build.arch: a kernel architecture */
const char *value_rule_cc(const char *value);    /* build.cc: words make's shell will not interpret */
const char *value_rule_cross(const char *value); /* build.cross: a toolchain prefix */
/* A path that reaches make's command line (O=, and so src/ and build/ below
 * it, a matrix row's label): letters, digits and _.+,@-/ only. make expands
 * '$' in a command-line variable (O='x$(shell cmd)' runs cmd), splits on
 * blanks, and reads ':', '#', '%', '=' and quotes its own way. */
const char *value_rule_make_path(const char *value);

#endif
