/* kbuild keys: every profile key with its meaning, from the schema. */
#include "cmd/cmd.h"
#include "core/profile.h"

static int cmd_keys(struct run *r)
{
	(void)r;
	for (const struct key_def *d = profile_keys; d->name; d++) {
		char key[64];
		snprintf(key, sizeof(key), "%s.%s", d->section, d->name);
		printf("%-20s %s%s", key, d->help, d->required ? " (required)" : "");
		if (d->type == KEY_CHOICE)
			printf(" [%s]", profile_choices(d));
		printf("\n");
	}
	return 0;
}

const struct command command_keys = {"keys", CMD_HOME, cmd_keys, "list every profile key"};
