/* fuzz_privkey.c - private-key facts and private-block redaction over the
 * same bytes. Besides not crashing, redaction must keep the line count,
 * never grow the text, and find nothing more on a second pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/transport/transport.h"
#include "scanner/parse/privkey.h"

static size_t
lines(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *format, *type, *fp, *out, *again;
	size_t olen = 0, alen = 0;
	int enc;

	privkey_facts(in, size, &format, &enc, &type, &fp);
	if (format == NULL || enc < -1 || enc > 1)
		abort();
	free(format);
	free(type);
	free(fp);

	out = redact_private_blocks(in, size, &olen);
	if (out != NULL) {
		if (olen > size || lines(out, olen) != lines(in, size) || out[olen] != '\0')
			abort();
		if ((again = redact_private_blocks(out, olen, &alen)) != NULL)
			abort();
		free(out);
	}
	return 0;
}
