#include "kernel/depmod.h"
#include "lib/spawn.h"
#include "lib/tools.h"
#include "lib/util.h"

int depmod_run(const char *root, const char *release, FILE *log)
{
	const char *depmod = path_exists("/usr/sbin/depmod") ? "/usr/sbin/depmod"
			     : path_exists("/sbin/depmod")   ? "/sbin/depmod"
							     : "depmod";
	if (tool_require(depmod) < 0)
		return -1;
	char *argv[] = {(char *)depmod, "-b", (char *)root, (char *)release, NULL};
	if (log) {
		fprintf(log, "$ depmod -b %s %s\n", root, release);
		fflush(log);
	}
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = log ? fileno(log) : -1, .stderr_fd = -1};
	int st = spawn_run(argv, &o);
	if (st == 0)
		return 0;
	return st < 0 ? -1 : kb_fail("depmod -b %s %s failed (status %d)", root, release, st);
}
