/* kbuild compare OLD NEW [format=text|json] [size-threshold=PCT]
 * [time-threshold=PCT]: what changed between two run records; exit 1 on a
 * regression, 2 on bad arguments. */
#include "cmd/cmd.h"
#include "nightly/compare.h"
#include "core/rundoc.h"
#include "lib/json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int parse_pct(const char *arg, const char *val, double *out)
{
	char *end;
	double d = strtod(val, &end);
	if (end == val || (*end && strcmp(end, "%")) || d < 0) {
		fprintf(stderr, "kbuild compare: %s: not a percentage\n", arg);
		return -1;
	}
	*out = d;
	return 0;
}

static int compare_main(int argc, char **argv)
{
	const char *paths[2] = {NULL, NULL};
	size_t np = 0;
	bool json = false;
	struct compare_opts o;
	compare_opts_default(&o);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "format=json") || !strcmp(a, "--json"))
			json = true;
		else if (!strcmp(a, "format=text"))
			json = false;
		else if (!strncmp(a, "size-threshold=", 15)) {
			if (parse_pct(a, a + 15, &o.size_pct) < 0)
				return 2;
		} else if (!strncmp(a, "time-threshold=", 15)) {
			if (parse_pct(a, a + 15, &o.time_pct) < 0)
				return 2;
		} else if (!strchr(a, '=') && np < 2)
			paths[np++] = a;
		else {
			fprintf(stderr,
				"kbuild compare: unexpected argument '%s'\n"
				"usage: kbuild compare OLD NEW [format=text|json] [size-threshold=PCT] "
				"[time-threshold=PCT]\n",
				a);
			return 2;
		}
	}
	if (np != 2) {
		fprintf(stderr, "usage: kbuild compare OLD NEW (output directories or record.json files)\n");
		return 2;
	}
	json_t *old = rundoc_load(paths[0]), *new = old ? rundoc_load(paths[1]) : NULL;
	if (!old || !new) {
		fprintf(stderr, "kbuild compare: %s\n", kb_last_error());
		json_decref(old);
		return 2;
	}
	json_t *ch = compare_records(old, new, &o);
	char *text = json ? json_dumps(ch, JSON_DOC_FLAGS) : compare_text(ch);
	fputs(text, stdout);
	if (json)
		fputc('\n', stdout);
	int rc = json_is_true(json_object_get(ch, "regression")) ? 1 : 0;
	free(text);
	json_decref(ch);
	json_decref(old);
	json_decref(new);
	return rc;
}

static int cmd_compare(struct run *r)
{
	return compare_main(r->argc - 2, r->argv + 2);
}

const struct command command_compare = {"compare", CMD_HOME, cmd_compare,
					"what changed between two runs: compare OLD NEW [format=json]"};
