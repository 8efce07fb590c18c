/* jsonrd.c - the JSON readers' one failure (jsonrd.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/jsonrd.h"
#include "scanner/util.h"

int
json_rd_fail(struct json_rd *r, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	if (r->err != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->name != NULL)
		full = xasprintf("%s: %s: %s", r->name, path, msg);
	else
		full = xasprintf("%s: %s", path, msg);
	r->err = str_printable(full, strlen(full));
	free(full);
	free(msg);
	return -1;
}
