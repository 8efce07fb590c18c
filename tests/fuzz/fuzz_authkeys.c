/* fuzz_authkeys.c - libFuzzer target: any bytes as an authorized_keys file.
 * The parser must never crash, hang or leak, and from= lists it accepts go
 * through the matcher the akeys check uses. */
#include <stddef.h>
#include <stdint.h>

#include "scanner/parse/authkeys.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ak_file f;

	ak_parse((const char *)data, size, &f);
	for (size_t i = 0; i < f.n; i++)
		if (f.lines[i].opts.from != NULL)
			(void)ak_from_matches(f.lines[i].opts.from, "10.1.2.3",
			    "host.example.com");
	ak_file_free(&f);
	return 0;
}
