/* fuzz_agent_reply.c - the ssh-agent key list (identities.c) as diagnose
 * reads it from whatever listens on SSH_AUTH_SOCK. Besides not crashing:
 * never more keys than the message could hold, and every key read has a
 * type, a blob and a fingerprint. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/transport/identities.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity *keys = NULL;
	size_t n = 0;

	(void)ident_parse_agent_reply(data, size, &keys, &n);
	if (n > size / 8 + 1)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (keys[i].type == NULL || keys[i].blob == NULL || keys[i].fp == NULL ||
		    keys[i].comment == NULL)
			abort();
		free(keys[i].type);
		free(keys[i].blob);
		free(keys[i].fp);
		free(keys[i].comment);
	}
	free(keys);
	return 0;
}
