/* fuzz_baseline.c - the baseline parser, and applying whatever it accepts
 * to a host result whose findings match its first entries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/baseline.h"

static const struct ka_rule rule = { .id = "perm.file-mode", .severity = SEV_HIGH,
	.blocks_login = 1, .title = "t", .help = "h" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b;
	struct ka_host_result h;
	struct strlist stale = { 0 };
	char *err = NULL;

	if (baseline_parse((const char *)data, size, "fuzz", &b, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL || b.n != 0)
			__builtin_trap();
		free(err);
		return 0;
	}
	host_result_init(&h, b.n > 0 ? b.v[0].host : "web1");
	for (size_t i = 0; i < b.n && i < 4; i++)
		finding_add(&h, &rule, b.v[i].user, b.v[i].path, 1, NULL, "m");
	baseline_apply(&b, &h, 1767225600);
	baseline_stale(&b, &stale);
	strlist_free(&stale);
	host_result_free(&h);
	baseline_free(&b);
	return 0;
}
