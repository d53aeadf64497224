/* Faults for the rollout's trial boot. */
#include "rollout/inject.h"
#include "guest/cpio.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /init sources /etc/kbuild/init-extra before exec'ing the runner; the line
 * is a plan entry "<name> <program> [args]" that exits 1. */
static const char unhealthy_extra[] = "# kbuild rollout.inject=unhealthy: a self-test that fails\n"
				      "echo 'rollout-injected-failure /bin/sh -c false' >> /qa/plan\n";

const char *inject_cmdline(enum rollout_inject inject)
{
	switch (inject) {
	case INJECT_PANIC:
		return "rdinit=/kbuild-rollout-no-such-init";
	case INJECT_HANG:
		return "rdinit=/bin/sh";
	case INJECT_NONE:
	case INJECT_UNHEALTHY:
		break;
	}
	return "";
}

int inject_unhealthy_initrd(const char *initrd, const char *dest, const char *work)
{
	struct cpio_tree t = {0};
	cpio_add(&t, "etc/kbuild/init-extra", CPIO_DATA, 0644, unhealthy_extra, strlen(unhealthy_extra));
	char *extra = path_join(work, "inject-unhealthy.cpio.gz");
	int rc = cpio_finish(&t) < 0 || cpio_write(&t, extra) < 0 ? -1 : 0;
	cpio_free(&t);
	size_t la = 0, lb = 0;
	char *a = rc == 0 ? read_file(initrd, &la) : NULL, *b = a ? read_file(extra, &lb) : NULL;
	if (rc == 0 && (!a || !b))
		rc = -1;
	if (rc == 0) {
		char *all = xmalloc(la + lb);
		memcpy(all, a, la);
		memcpy(all + la, b, lb);
		rc = write_file_atomic(dest, all, la + lb);
		free(all);
	}
	free(a);
	free(b);
	unlink(extra);
	free(extra);
	return rc;
}
