/* fuzz_passwd.c - passwd, group and shadow parsers over the same bytes. */
#include <stdint.h>

#include "scanner/parse/passwd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;

	snapshot_init(&s);
	passwd_parse((const char *)data, size, &s);
	group_parse((const char *)data, size, &s);
	shadow_apply((const char *)data, size, &s);
	snapshot_free(&s);
	return 0;
}
