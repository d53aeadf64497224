/* kbuild: from a kernel version, a patch series and config fragments to a
 * kernel proven to boot. This file is only the command line. */
#define _GNU_SOURCE
#include "core/home.h"
#include "core/lock.h"
#include "core/metadata.h"
#include "core/pipeline.h"
#include "core/profile.h"
#include "core/version.h"
#include "package/verify.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PROFILE "debian-6.1-ceph"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kbuild COMMAND [profile=NAME] [O=DIR] [key=value | key+=value ...]\n"
		"\n"
		"commands:\n"
		"  make       run the whole chain\n"
		"  STAGE      run the chain up to and including STAGE:\n"
		"             ");
	for (size_t i = 0; i < pipeline_n_stages; i++)
		fprintf(f, "%s%s", pipeline_stages[i]->name, i + 1 < pipeline_n_stages ? " " : "\n");
	fprintf(f,
		"  status     show each stage as done, stale (and why) or not run\n"
		"  clean      remove the profile's output directory\n"
		"  list       list the profiles\n"
		"  keys       list every profile key\n"
		"  verify     bundle=PATH [root=DIR]: check a bundle, or an installed root, against its MANIFEST\n"
		"\n"
		"profile defaults to $KBUILD_PROFILE, else %s; O defaults to out/<profile>.\n"
		"Any profile key can be given as key=value or section.key=value; lists can be\n"
		"extended with key+=value. See README.md.\n",
		DEFAULT_PROFILE);
}

static int cmd_list(const char *home)
{
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
				const char *d = profile_get(&p, "profile", "description");
				printf("%-20s %s\n", name, d ? d : "");
				profile_free(&p);
			}
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return rc;
}

static int cmd_keys(void)
{
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

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kbuild %s\n", KBUILD_VERSION);
		return 0;
	}
	const char *cmd = argv[1];
	char *home = kbuild_home();
	if (!strcmp(cmd, "list"))
		return cmd_list(home);
	if (!strcmp(cmd, "keys"))
		return cmd_keys();
	if (!strcmp(cmd, "verify"))
		return verify_command(argc - 1, argv + 1);

	int last = -1;
	if (!strcmp(cmd, "make"))
		last = (int)pipeline_n_stages - 1;
	else if (pipeline_stage_index(cmd) >= 0)
		last = pipeline_stage_index(cmd);
	else if (strcmp(cmd, "status") && strcmp(cmd, "clean")) {
		fprintf(stderr, "kbuild: unknown command '%s' (see kbuild --help)\n", cmd);
		return 2;
	}

	const char *name = getenv("KBUILD_PROFILE");
	const char *outdir = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "profile=", 8))
			name = argv[i] + 8;
		else if (!strncmp(argv[i], "O=", 2))
			outdir = argv[i] + 2;
	}
	if (!name || !*name)
		name = DEFAULT_PROFILE;

	struct profile prof;
	if (profile_load(home, name, &prof) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "profile=", 8) || !strncmp(argv[i], "O=", 2))
			continue;
		if (profile_override(&prof, argv[i]) < 0) {
			fprintf(stderr, "kbuild: %s\n", kb_last_error());
			return 2;
		}
	}
	if (profile_check_required(&prof) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 2;
	}

	struct run r = {.prof = &prof, .home = home, .tty = isatty(2)};
	r.outdir = outdir ? xstrdup(outdir) : xasprintf("out/%s", name);
	if (mkdir_p(r.outdir, 0755) < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 1;
	}
	char *abs = path_abs(r.outdir);
	free(r.outdir);
	r.outdir = abs;
	r.cache = kbuild_cache();
	r.srcdir = run_path(&r, "src");
	r.objdir = run_path(&r, "build");
	r.stagedir = run_path(&r, "stage");
	r.logdir = run_path(&r, "logs");
	r.stampdir = run_path(&r, "stamps");

	int lock = lock_outdir(r.outdir);
	if (lock < 0) {
		fprintf(stderr, "kbuild: %s\n", kb_last_error());
		return 1;
	}
	int rc;
	if (!strcmp(cmd, "status")) {
		rc = pipeline_status(&r);
	} else if (!strcmp(cmd, "clean")) {
		/* Stamps go first so that an interrupted clean leaves nothing trusted. */
		rc = rm_rf(r.stampdir) < 0 || rm_rf(r.outdir) < 0;
		if (rc)
			fprintf(stderr, "kbuild: %s\n", kb_last_error());
		else
			fprintf(stderr, "kbuild: removed %s\n", r.outdir);
	} else {
		metadata_begin(&r, argc, argv);
		rc = pipeline_run(&r, (size_t)last);
		metadata_end(&r, rc);
	}
	unlock_outdir(lock);
	profile_free(&prof);
	return rc;
}
