#include "core/run.h"

#include <stdlib.h>
#include <string.h>

char *run_path(const struct run *r, const char *name)
{
	return path_join(r->outdir, name);
}

char *home_path(const struct run *r, const char *name)
{
	return name[0] == '/' ? xstrdup(name) : path_join(r->home, name);
}

int run_record_write(const struct run *r, const char *name, const char *text)
{
	char *path = run_path(r, name);
	int ret = write_file_atomic(path, text, strlen(text));
	free(path);
	return ret;
}

char *run_record_get(const struct run *r, const char *name, const char *key)
{
	char *path = run_path(r, name);
	char *text = read_file(path, NULL);
	free(path);
	if (!text) {
		kb_clear_error();
		return NULL;
	}
	char *val = NULL;
	size_t kl = strlen(key);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, key, kl) && line[kl] == ' ') {
			val = xstrdup(line + kl + 1);
			break;
		}
	free(text);
	return val;
}
