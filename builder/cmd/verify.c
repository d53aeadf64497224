/* kbuild verify bundle=PATH [root=DIR] [release=R] [provenance=FILE]
 * [pubkey=FILE]: a bundle or an installed root checked against its
 * MANIFEST, a bundle's SBOM and provenance against what they name; exit 1
 * on any difference. */
#include "cmd/cmd.h"
#include "package/manifest_verify.h"

#include <string.h>

static int cmd_verify(struct run *r)
{
	int argc = r->argc - 1;
	char **argv = r->argv + 1;
	const char *bundle = NULL, *root = NULL, *release = NULL, *prov = NULL, *pubkey = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "bundle=", 7))
			bundle = argv[i] + 7;
		else if (!strncmp(argv[i], "root=", 5))
			root = argv[i] + 5;
		else if (!strncmp(argv[i], "release=", 8))
			release = argv[i] + 8;
		else if (!strncmp(argv[i], "provenance=", 11))
			prov = argv[i] + 11;
		else if (!strncmp(argv[i], "pubkey=", 7))
			pubkey = argv[i] + 7;
		else {
			fprintf(stderr,
				"kbuild: verify: unknown argument '%s' (bundle=PATH, root=DIR, release=R, provenance=FILE, pubkey=FILE)\n",
				argv[i]);
			return 2;
		}
	}
	if ((!bundle || !*bundle) && (!root || !*root)) {
		fprintf(stderr,
			"kbuild: verify needs bundle=PATH (a bundle tarball or directory) or root=DIR\n");
		return 2;
	}
	int rc = verify_bundle(bundle && *bundle ? bundle : NULL, root && *root ? root : NULL, release,
			       stdout);
	/* The SBOM and provenance are the bundle's: checked on a bundle, not on a root. */
	if (rc >= 0 && bundle && *bundle && !(root && *root)) {
		int ra = verify_attestations(bundle, prov && *prov ? prov : NULL,
					     pubkey && *pubkey ? pubkey : NULL, stdout);
		rc = ra < 0 ? -1 : rc > ra ? rc : ra;
	}
	if (rc < 0) {
		fprintf(stderr, "kbuild: verify: %s\n", kb_last_error());
		return 2;
	}
	return rc;
}

const struct command command_verify = {
	"verify", CMD_HOME, cmd_verify,
	"bundle=PATH [root=DIR] [pubkey=FILE]: check a bundle (MANIFEST, SBOM, provenance) or an installed root"};
