/* fuzz_krlsum.c - libFuzzer target: any bytes as a RevokedKeys file walked
 * by krl_summarize. It must never crash, hang or leak, keep at most
 * KRLSUM_MAX_FPS fingerprints of each kind, and a walk that says it
 * finished must have read a header. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scanner/parse/krlsum.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct krl_summary s;
	int rc = krl_summarize(data, len, &s);

	if (rc == 0 && !s.header_ok)
		abort();
	if (rc != 0 && s.error == NULL)
		abort();
	if (s.key_fps.n > KRLSUM_MAX_FPS || s.ca_fps.n > KRLSUM_MAX_FPS)
		abort();
	krl_summary_free(&s);
	return 0;
}
