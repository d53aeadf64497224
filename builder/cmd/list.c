/* kbuild list: the profiles of configs/profiles, with their descriptions. */
#include "cmd/cmd.h"
#include "core/profile.h"
#include "core/settings.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int cmd_list(struct run *r)
{
	const char *home = r->home;
	char *dir = path_join(home, "configs/profiles");
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "kbuild: cannot read %s\n", dir);
		free(dir);
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char *name = ents[i]->d_name;
		size_t l = strlen(name);
		if (l > 4 && !strcmp(name + l - 4, ".ini") && name[0] != '.') {
			name[l - 4] = '\0';
			struct profile p;
			if (profile_load(home, name, &p) < 0) {
				printf("%-20s (broken: %s)\n", name, kb_last_error());
				rc = 1;
			} else {
				struct settings s;
				settings_resolve(&p, &s);
				printf("%-20s %s\n", name,
				       s.profile.description ? s.profile.description : "");
				settings_free(&s);
				profile_free(&p);
			}
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return rc;
}

const struct command command_list = {"list", CMD_HOME, cmd_list, "list the profiles"};
