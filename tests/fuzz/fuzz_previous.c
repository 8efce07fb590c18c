/* fuzz_previous.c - the JSON report reader behind --previous and diff
 * (scanner/parse/reportprev.c): whatever it accepts, every finding it kept can be
 * looked up by its identity, and whatever it refuses is one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/reportprev.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_previous p;
	char *err = NULL;

	if (report_previous_parse("fuzz", (const char *)data, size, &p, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL || p.n != 0)
			__builtin_trap();
		free(err);
		return 0;
	}
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].id >= strmap_count(&p.ids) || p.v[i].severity < SEV_INFO ||
		    p.v[i].severity > SEV_CRITICAL)
			__builtin_trap();
	report_previous_free(&p);
	return 0;
}
