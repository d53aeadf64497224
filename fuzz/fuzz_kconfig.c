/* libFuzzer target: the Kconfig reader (kconfig/db.c, expressions in
 * kconfig/expr.c) on a one-file tree whose top Kconfig is the input. */
#include "fuzz_util.h"
#include "kconfig/db.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sub[] = "config SUB\n\tbool \"sub\"\n\tdepends on A && !B\n";
	fuzz_file("tree/arch/x86/Kconfig", sub, sizeof(sub) - 1);
	fuzz_file("tree/Kconfig", data, size);
	char *tree = path_join(fuzz_dir(), "tree");
	struct kconfig_db *db = kconfig_db_load(tree, "x86");
	if (db) {
		const struct ksym *s = kconfig_db_find(db, "SUB");
		(void)s;
		kconfig_db_modules_symbol(db);
		kconfig_db_warnings(db);
		kconfig_db_free(db);
	}
	free(tree);
	kb_clear_error();
	return 0;
}
