/* Checks of particular profile keys beyond their type: values that reach
 * make's command line (base, arch, cross, cc) must have the shape make and
 * the kernel expect, so a typo fails at the profile line, not deep in make. */
#ifndef KBUILD_PROFILE_VALUES_H
#define KBUILD_PROFILE_VALUES_H

/* NULL when value is acceptable for section.name, else the reason (a
 * static string). Keys without a special rule are always acceptable. */
const char *profile_value_rule(const char *section, const char *name, const char *value);

#endif
