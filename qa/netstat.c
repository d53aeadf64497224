/* TcpExt counters from /proc/net/netstat: a line of names followed by a line
 * of values, both starting with "TcpExt:". */
#include "netstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qa_tcpext(const char *name, long long *value)
{
	FILE *f = fopen("/proc/net/netstat", "re");
	if (!f)
		return -errno;
	static char names[8192], values[8192];
	int ret = -ENOENT;
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		if (!fgets(values, sizeof(values), f)) {
			ret = -EIO;
			break;
		}
		char *ns, *vs;
		char *n = strtok_r(names + 7, " \n", &ns);
		char *v = strtok_r(values + 7, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns), v = strtok_r(NULL, " \n", &vs)) {
			if (!strcmp(n, name)) {
				*value = strtoll(v, NULL, 10);
				ret = 0;
				break;
			}
		}
		break;
	}
	fclose(f);
	return ret;
}
