/* libFuzzer target: quilt series files (source/series.c). Two patch files
 * exist beside the series so that names can resolve. */
#include "fuzz_util.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "source/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t patch[] = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
	fuzz_file("p/0001-a.patch", patch, sizeof(patch) - 1);
	fuzz_file("p/sub/0002-b.patch", patch, sizeof(patch) - 1);
	const char *path = fuzz_file("p/series", data, size);
	struct series s;
	int rc = series_load(path, &s);
	if (rc == 0)
		series_free(&s);
	/* a NUL must be refused, never end the series early (docs/faults.md) */
	if (rc == 0 && memchr(data, 0, size))
		abort();
	kb_clear_error();
	return 0;
}
