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
		if (d->type == KEY_CHOICE) {
			printf(" [");
			for (const char *const *c = d->choices; *c; c++)
				printf("%s%s", c == d->choices ? "" : " ", *c);
			printf("]");
		}
		if (d->type == KEY_INT)
			printf(" (%ld..%ld)", d->min, d->max);
		if (d->dflt)
			printf(" (default %s)", d->dflt);
		printf("\n");
	}
	return 0;
}

const struct command command_keys = {"keys", CMD_HOME, cmd_keys, "list every profile key"};
