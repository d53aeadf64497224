#include "source/debsrc.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "lib/tools.h"

#include <stdlib.h>
#include <string.h>

char *debsrc_version(const char *package)
{
	/* without dpkg, every answer below would read as "not installed" or
	 * "modified files" */
	if (tool_require("dpkg-query") < 0 || tool_require("dpkg") < 0)
		return NULL;
	char *argv[] = {"dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", (char *)package, NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *out = NULL;
	int st = spawn_capture(argv, &o, &out);
	if (st != 0 || !out || strncmp(out, "installed ", 10)) {
		free(out);
		kb_fail("package %s is not installed (apt-get install %s)", package, package);
		return NULL;
	}
	char *v = xstrdup(out + 10);
	v[strcspn(v, " \n")] = '\0';
	free(out);
	return v;
}

int debsrc_verify(const char *package, struct debsrc *out, FILE *log)
{
	memset(out, 0, sizeof(*out));
	out->version = debsrc_version(package);
	if (!out->version)
		return -1;
	/* The tarball must be one of the package's own files. */
	char *argv_l[] = {"dpkg-query", "-L", (char *)package, NULL};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	char *files = NULL;
	if (spawn_capture(argv_l, &o, &files) != 0) {
		free(files);
		debsrc_free(out);
		return kb_fail("dpkg-query -L %s failed", package);
	}
	for (char *line = strtok(files, "\n"); line; line = strtok(NULL, "\n")) {
		size_t l = strlen(line);
		if (!strncmp(line, "/usr/src/", 9) && l > 7 && !strcmp(line + l - 7, ".tar.xz")) {
			out->tarball = xstrdup(line);
			break;
		}
	}
	free(files);
	if (!out->tarball) {
		debsrc_free(out);
		return kb_fail("package %s ships no /usr/src/*.tar.xz", package);
	}
	/* dpkg --verify compares each file with the md5sums dpkg recorded at
	 * install time; any output line names a file that changed. */
	char *argv_v[] = {"dpkg", "--verify", (char *)package, NULL};
	char *report = NULL;
	int st = spawn_capture(argv_v, &o, &report);
	if (log)
		fprintf(log, "dpkg --verify %s: status %d%s%s\n", package, st, report && *report ? "\n" : "",
			report ? report : "");
	if (st != 0 || (report && *report)) {
		kb_fail("dpkg --verify %s reports modified files (%s): reinstall it with apt-get install --reinstall %s",
			package, report && *report ? strtok(report, "\n") : "status", package);
		free(report);
		debsrc_free(out);
		return -1;
	}
	free(report);
	if (!path_exists(out->tarball)) {
		kb_fail("%s is missing although %s is installed", out->tarball, package);
		debsrc_free(out);
		return -1;
	}
	return 0;
}

void debsrc_free(struct debsrc *d)
{
	free(d->tarball);
	free(d->version);
	memset(d, 0, sizeof(*d));
}
