/* Benchmark: the SBOM of a real staged kernel. Builds the bundle tree from
 * an install root (O/stage) and a grub directory (O/grub) as the bundle
 * stage does, with and without the SBOM, and prints the SBOM's size, its
 * files and the time it took (BENCHMARKS.md).
 *   build/bench/sbom O/stage O/grub RELEASE SCRATCH [REPEAT] */
#include "package/attest.h"
#include "package/bundle_tree.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static double sbom_seconds;

static int hook(void *ctx, const char *tree, struct manifest *m)
{
	struct attest_input *in = ctx;
	double t0 = now_seconds();
	if (sbom_write(in, m, tree) < 0)
		return -1;
	sbom_seconds = now_seconds() - t0;
	char *rel = sbom_relpath(in->krel);
	int rc = manifest_add_path(m, tree, rel);
	manifest_sort(m);
	free(rel);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s STAGE GRUB RELEASE SCRATCH [REPEAT]\n", argv[0]);
		return 2;
	}
	int repeat = argc > 5 ? atoi(argv[5]) : 3;
	struct attest_input in = {
		.profile = "bench", .krel = argv[3], .arch = "x86_64", .vendor = "kbuild <kbuild@localhost>",
		.kbuild_version = "bench", .compiler = "gcc (Debian 12.2.0-14) 12.2.0",
		.binutils = "GNU ld (GNU Binutils for Debian) 2.40", .epoch = 1700000000, .src_version = argv[3],
		.src_kind = "tarball", .src_origin = "https://cdn.kernel.org/", .src_sha256 = "none",
		.src_verified = "bench", .series = "patches/bench/series", .rpm_name = "kernel-kbuild",
		.rpm_file = "kernel-kbuild.rpm", .deb_name = "linux-image-kbuild", .deb_file = "linux-image-kbuild.deb",
		.pkg_version = "1",
	};
	char *cfg = xasprintf("boot/config-%s", argv[3]);
	in.config_name = cfg;
	for (int i = 0; i < repeat; i++) {
		char *tree = xasprintf("%s/tree-%d", argv[4], i);
		rm_rf(tree);
		struct manifest m = {0};
		double t0 = now_seconds();
		if (bundle_make_tree_with(argv[1], argv[2], argv[3], 1700000000, &m, tree, hook, &in) < 0) {
			fprintf(stderr, "bench: %s\n", kb_last_error());
			return 1;
		}
		double all = now_seconds() - t0;
		char *rel = sbom_relpath(argv[3]), *p = path_join(tree, rel);
		struct stat st;
		stat(p, &st);
		size_t files = 0, ko = 0;
		for (size_t j = 0; j < m.n; j++) {
			files += m.e[j].kind == MF_FILE;
			ko += m.e[j].kind == MF_FILE && strstr(m.e[j].path, ".ko") != NULL;
		}
		printf("%s: %zu files (%zu .ko), SBOM %lld bytes, SBOM %.3f s, tree+MANIFEST+SBOM %.3f s\n", argv[3],
		       files, ko, (long long)st.st_size, sbom_seconds, all);
		free(rel);
		free(p);
		manifest_free(&m);
		rm_rf(tree);
		free(tree);
	}
	free(cfg);
	return 0;
}
