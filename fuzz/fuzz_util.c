#include "fuzz_util.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;

static void remove_dir(void)
{
	if (dir)
		rm_rf(dir);
}

const char *fuzz_dir(void)
{
	if (!dir) {
		/* each input is a file write: RAM (tmpfs) keeps the runs fast */
		const char *t = getenv("TMPDIR");
		if (!t || !*t)
			t = is_dir("/dev/shm") ? "/dev/shm" : "/tmp";
		dir = xasprintf("%s/kbuild-fuzz-XXXXXX", t);
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(remove_dir);
	}
	return dir;
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir_p(path, 0755);
	*slash = '/';
	/* plain writes: no fsync per input (write_file_atomic syncs) */
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}
