#include "kcidb_check.h"
#include "testutil.h"
#include "lib/util.h"

#include <stdlib.h>

int kcidb_check(const char *doc_path)
{
	static const char prog[] =
		"import json, sys\n"
		"doc = json.load(open(sys.argv[1]))\n"
		"if sys.argv[2]:\n"
		"    sys.path.insert(0, sys.argv[2])\n"
		"    from kcidb_io import schema\n"
		"    v = schema.LATEST\n"
		"    v.validate(doc)\n"
		"    print('%s: valid against the official kcidb-io schema v%d.%d' % (sys.argv[1], v.major, v.minor),"
		" file=sys.stderr)\n"
		"elif sys.argv[4]:\n"
		"    import jsonschema\n"
		"    s = json.load(open(sys.argv[4]))\n"
		"    cls = jsonschema.validators.validator_for(s, default=jsonschema.Draft202012Validator)\n"
		"    cls(s, format_checker=cls.FORMAT_CHECKER).validate(doc)\n"
		"    print('%s: valid against the official KCIDB v5.3 schema (%s)' % (sys.argv[1], sys.argv[4]),"
		" file=sys.stderr)\n"
		"else:\n"
		"    import jsonschema\n"
		"    s = json.load(open(sys.argv[3]))\n"
		"    jsonschema.Draft7Validator(s, format_checker=jsonschema.FormatChecker()).validate(doc)\n"
		"    print('%s: valid against kbuild\\'s subset of the KCIDB v5 schema (neither KBUILD_TEST_KCIDB_IO nor"
		" ../shared/schemas/kcidb-v5.3.schema.json)' % sys.argv[1], file=sys.stderr)\n";
	const char *io = getenv("KBUILD_TEST_KCIDB_IO");
	char *schema = tu_data_path("report/kcidb-v5-subset.schema.json");
	char *official = tu_schema("kcidb-v5.3.schema.json");
	char *argv[] = {"python3",
			"-c",
			(char *)prog,
			(char *)doc_path,
			(char *)(io ? io : ""),
			schema,
			official ? official : "",
			NULL};
	int st = tu_run(argv);
	free(official);
	free(schema);
	return st;
}
