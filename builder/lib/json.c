#include "lib/json.h"
#include "lib/outfile.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

const char *json_member_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int json_write_file(const json_t *doc, const char *path, size_t flags)
{
	char *text = json_dumps(doc, flags);
	if (!text)
		return kb_fail("cannot encode %s", path);
	size_t len = strlen(text);
	char *withnl = xmalloc(len + 2);
	memcpy(withnl, text, len);
	withnl[len] = '\n';
	int rc = write_file_atomic(path, withnl, len + 1);
	free(withnl);
	free(text);
	return rc;
}

json_t *json_read_file(const char *path)
{
	/* through the bounded reader: a FIFO or /dev/zero is refused, not waited on */
	size_t len;
	char *text = read_text(path, &len);
	if (!text)
		return NULL;
	json_error_t err;
	json_t *j = json_loadb(text, len, 0, &err);
	free(text);
	if (!j)
		kb_fail("%s:%d: %s", path, err.line, err.text);
	return j;
}
