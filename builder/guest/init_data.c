#include "guest/init_data.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

char *init_sysctl_conf(const char *const *sysctls, size_t n)
{
	char *text = xstrdup("");
	for (size_t k = 0; k < n; k++) {
		const char *eq = strchr(sysctls[k], '=');
		size_t keylen = eq ? (size_t)(eq - sysctls[k]) : 0;
		if (!eq || !keylen ||
		    strspn(sysctls[k], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789_.-/") != keylen ||
		    strchr(eq + 1, '\n')) {
			free(text);
			kb_fail("sysctl \"%s\": expected key=value with a key of letters, digits, "
				"'.', '_', '-', '/' and a one-line value",
				sysctls[k]);
			return NULL;
		}
		char *more = xasprintf("%s%s\n", text, sysctls[k]);
		free(text);
		text = more;
	}
	return text;
}
