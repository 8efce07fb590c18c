/* fuzz_keyreg.c - the key registry CSV parser, and lookups of every entry it
 * accepts (and of a fingerprint it cannot hold). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/keyreg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyreg r;
	char *err = NULL;

	if (keyreg_parse((const char *)data, size, "fuzz", &r, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL || r.n != 0)
			__builtin_trap();
		free(err);
		return 0;
	}
	for (size_t i = 0; i < r.n; i++)
		if (keyreg_find(&r, r.v[i].fp) != &r.v[i] || r.v[i].line < 1)
			__builtin_trap();
	if (keyreg_find(&r, "SHA256:") != NULL)
		__builtin_trap();
	keyreg_free(&r);
	return 0;
}
