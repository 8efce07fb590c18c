/* fuzz_sshdtest.c - sshd -t's stderr into file:line complaints, and the
 * banner against the binary's version string, over the same bytes (split
 * at the first newline for the comparison). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sshdtest.h"
#include "scanner/util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *nl;
	struct sshdtest_msg m[16];
	size_t n;

	n = sshdtest_parse(text, m, 16);
	sshdtest_free(m, n);
	(void)sshdtest_environmental(text);
	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		(void)sshdtest_version_differs(text, nl + 1);
	}
	free(text);
	return 0;
}
