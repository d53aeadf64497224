/* Validating a KCIDB document in the tests, with python3's jsonschema. */
#ifndef KBUILD_KCIDB_CHECK_H
#define KBUILD_KCIDB_CHECK_H

/* Validates the JSON file doc_path against KCIDB's schema: the official one
 * exported from kcidb-io when KBUILD_TEST_KCIDB_IO names a kcidb-io checkout
 * (it cannot be fetched in CI and is never committed), else
 * tests/data/report/kcidb-v5-subset.schema.json, written for these tests from
 * kcidb-io's definitions. python3 says on stderr which one it used. Returns
 * python's exit status (0: valid). */
int kcidb_check(const char *doc_path);

#endif
