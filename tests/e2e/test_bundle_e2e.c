#include "bundle_e2e.h"
#include "lib/sha256.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "core/records.h"
#include "core/run.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bundle stage's record, read as the stages read it. */
static struct bundle_rec bundle_record(const char *outdir)
{
	struct run r = {.outdir = (char *)outdir};
	struct bundle_rec rec;
	ck_assert_msg(bundle_rec_get(&r, &rec) == 0, "%s", kb_last_error());
	ck_assert(rec.tarball && rec.rpm && rec.deb);
	return rec;
}

static int kbuild_verify(const char *bundle, const char *root)
{
	char *b = xasprintf("bundle=%s", bundle);
	char *r = root ? xasprintf("root=%s", root) : NULL;
	const char *args[] = {"verify", b, r};
	char *out;
	int st = tu_kbuild("bundle-e2e", args, root ? 3 : 2, NULL, &out);
	free(out);
	free(r);
	free(b);
	return st;
}

void e2e_bundle_check(const char *outdir, const char *const *args, size_t n)
{
	const char *margs[16] = {"make"};
	for (size_t i = 1; i < n && i < 16; i++)
		margs[i] = args[i];
	char *out;
	double t0 = now_seconds();
	int st = tu_kbuild("bundle-e2e", margs, n, NULL, &out);
	fprintf(stderr, "e2e: kbuild make (grub, bundle after qa): %.2f s, status %d\n", now_seconds() - t0,
		st);
	ck_assert_msg(st == 0, "kbuild make failed (status %d)", st);
	free(out);
	struct bundle_rec rec = bundle_record(outdir);
	char *tarball = rec.tarball, *rpm = rec.rpm, *deb = rec.deb;
	ck_assert_int_eq(kbuild_verify(tarball, NULL), 0);

	/* rpm reads it; installed into an empty root it is the MANIFEST. */
	char *k[] = {"rpm", "-K", rpm, NULL};
	ck_assert_int_eq(tu_run(k), 0);
	char *root = xasprintf("%s/bundle-e2e-rpm-root", outdir);
	char *rootopt = xasprintf("--root=%s", root);
	ck_assert_int_eq(rm_rf(root), 0);
	ck_assert_int_eq(mkdir_p(root, 0755), 0);
	char *init[] = {"rpm", rootopt, "--initdb", NULL};
	ck_assert_int_eq(tu_run(init), 0);
	char *inst[] = {"rpm", rootopt, "--nodeps", "--noscripts", "-i", rpm, NULL};
	ck_assert_int_eq(tu_run(inst), 0);
	ck_assert_int_eq(kbuild_verify(tarball, root), 0);
	/* The same for the .deb. */
	char *droot = xasprintf("%s/bundle-e2e-deb-root", outdir);
	ck_assert_int_eq(rm_rf(droot), 0);
	char *x[] = {"dpkg-deb", "-x", deb, droot, NULL};
	ck_assert_int_eq(tu_run(x), 0);
	ck_assert_int_eq(kbuild_verify(tarball, droot), 0);
	if (tu_in_path("lintian")) {
		char *l[] = {"lintian", "--no-cfg", "-I", deb, NULL};
		fprintf(stderr, "e2e: lintian findings on %s (listed, not judged):\n", deb);
		tu_run(l);
	}

	/* The bundle stage again, from the same build: the same bytes. */
	char hex1[SHA256_HEX_LEN + 1], hex2[SHA256_HEX_LEN + 1], sb1[SHA256_HEX_LEN + 1],
		sb2[SHA256_HEX_LEN + 1];
	char *sbom = rec.sbom;
	ck_assert_ptr_nonnull(sbom);
	ck_assert_int_eq(sha256_file(tarball, hex1), 0);
	ck_assert_int_eq(sha256_file(sbom, sb1), 0);
	char *stamp = xasprintf("%s/stamps/bundle", outdir);
	ck_assert_int_eq(unlink(stamp), 0);
	st = tu_kbuild("bundle-e2e", margs, n, NULL, &out);
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "bundle     done"));
	free(out);
	ck_assert_int_eq(sha256_file(tarball, hex2), 0);
	ck_assert_str_eq(hex1, hex2);
	fprintf(stderr, "e2e: bundle rebuilt bit-identical: %s %s\n", hex1, tarball);
	/* The SBOM too (it is inside the tarball as well). */
	ck_assert_int_eq(sha256_file(sbom, sb2), 0);
	ck_assert_str_eq(sb1, sb2);
	rm_rf(root);
	rm_rf(droot);
	free(stamp);
	free(droot);
	free(rootopt);
	free(root);
	bundle_rec_free(&rec);
}
