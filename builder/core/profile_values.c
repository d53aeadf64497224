#include "core/profile_values.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool all_of(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

const char *value_rule_base(const char *v)
{
	size_t l = strlen(v);
	if (strchr(v, '/') || (l > 7 && !strcmp(v + l - 7, ".config")))
		return NULL; /* a file: its content is checked by the config stage */
	if (l >= 6 && !strcmp(v + l - 6, "config") && v[0] != '-' && all_of(v, ALNUM "_.-"))
		return NULL;
	return "expected a *config make target (allnoconfig, tinyconfig, defconfig, ...) or the path "
	       "of a config file (containing '/' or ending in .config)";
}

/* ARCH values of the kernel's arch/ directories (and make's x86 aliases). */
static const char *const arches[] = {
	"x86_64",     "x86",      "i386", "arm",       "arm64",   "riscv",  "powerpc", "s390", "mips",
	"sparc",      "sparc64",  "um",   "loongarch", "m68k",    "parisc", "alpha",   "sh",   "xtensa",
	"microblaze", "openrisc", "arc",  "csky",      "hexagon", "nios2",  "ia64",    NULL,
};

const char *value_rule_arch(const char *v)
{
	for (const char *const *a = arches; *a; a++)
		if (!strcmp(*a, v))
			return NULL;
	return "not a kernel architecture (x86_64, x86, i386, arm, arm64, riscv, powerpc, s390, ...)";
}

/* cc is split into words by make's shell: each word a plain program name,
 * path or option, nothing the shell would interpret. */
const char *value_rule_cc(const char *v)
{
	if (!all_of(v, ALNUM "_.+/=:,- "))
		return "expected a compiler command such as gcc-11 or \"distcc gcc\" (letters, digits and "
		       "_.+/=:,- only: no shell characters)";
	if (v[0] == '-' || v[0] == ' ')
		return "expected a compiler command, not an option";
	return NULL;
}

const char *value_rule_cross(const char *v)
{
	if (!all_of(v, ALNUM "_./-") || v[0] == '-')
		return "expected a toolchain prefix such as aarch64-linux-gnu- (letters, digits and _./-)";
	return NULL;
}

const char *value_rule_make_path(const char *v)
{
	if (!*v)
		return "an empty path";
	if (!all_of(v, ALNUM "_.+,@-/"))
		return "make would misread it: only letters, digits and _.+,@-/ are allowed (no blank, '$', "
		       "':', '#', '%', '=', quote or other shell character)";
	return NULL;
}
