/* lt_sums_lookup: the digests of the legacy trees (tests/lib/legacytrees.h)
 * as SHA256SUMS lists them. */
#include "legacytrees.h"
#include "suites.h"

#include <check.h>

START_TEST(sums_lookup)
{
	const char *sums = "635d1179d73c27c8cefa258502980728b358f77a22ab8e62e1a2e00fd8bceed3  "
			   "linux-2.6.32.71.tar.xz\n"
			   "A95EB695D65BDCD9F0B1A0A82BE7E0D50265E5E198B8FF2DC2AC2C11E5730048 *b.tar\n"
			   "1234  short.tar\n";
	char hex[SHA256_HEX_LEN + 1];
	ck_assert_int_eq(lt_sums_lookup(sums, "linux-2.6.32.71.tar.xz", hex), 0);
	ck_assert_str_eq(hex, "635d1179d73c27c8cefa258502980728b358f77a22ab8e62e1a2e00fd8bceed3");
	ck_assert_int_eq(lt_sums_lookup(sums, "b.tar", hex), 0);
	ck_assert_str_eq(hex, "a95eb695d65bdcd9f0b1a0a82be7e0d50265e5e198b8ff2dc2ac2c11e5730048");
	/* negative: a name not listed, a prefix of a listed one, a short digest */
	ck_assert_int_eq(lt_sums_lookup(sums, "linux-2.6.32.71.tar", hex), -1);
	ck_assert_int_eq(lt_sums_lookup(sums, "short.tar", hex), -1);
	ck_assert_int_eq(lt_sums_lookup("", "b.tar", hex), -1);
}
END_TEST

Suite *legacytrees_suite(void)
{
	Suite *s = suite_create("legacytrees");
	TCase *tc = tcase_create("sums");
	tcase_add_test(tc, sums_lookup);
	suite_add_tcase(s, tc);
	return s;
}
