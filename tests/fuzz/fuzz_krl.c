/* fuzz_krl.c - libFuzzer target: any bytes as a KRL (RevokedKeys). The
 * parser must never crash, hang or leak, and a KRL it loads must answer
 * every query: certificates of the fixtures' ed25519 CA (serial 1 and
 * serial 0 with a key id) and a plain key, each also by its blob. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/krl.h"
#include "scanner/util.h"

/* fixtures/certs: user_ed25519-cert.pub, user_zero-cert.pub, k_other.pub */
static const char *const certs[] = {
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIJmiCBDkCTukq1aT5v"
	"ZpE+Hj3AB6FzorlPHt0FAzoAO6AAAAIKHUPCMJNQsAZ+Tx0LBvzsQI6JAy0SLC5HbYyWz7"
	"5fmEAAAAAAAAAAEAAAABAAAACGFsaWNlLWlkAAAAEAAAAAVhbGljZQAAAANib2IAAAAAXg"
	"vhAAAAAADypSOAAAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdw"
	"ZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZw"
	"AAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMA"
	"AAALc3NoLWVkMjU1MTkAAAAg5wOzjXQHHl0WejHyvswxaBt4P3XxJzpHA7VlcKcoWMAAAA"
	"BTAAAAC3NzaC1lZDI1NTE5AAAAQCRobJtDeY2ziwW9cSzcmLX/E86m04PDIDTifIytZjK0"
	"W5izDIwDG5+S/q9sKDKzllLMQUaYHhN0qHBfzC0VHw0=",
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIK6HYmeYcyMiaoA5ab"
	"NXArK9w9Ank51Tcb3pNHNm71HLAAAAIPHPpRrZscma66rFUVZrXf+p9WhH3KqhE8VaX87e"
	"CpocAAAAAAAAAAAAAAABAAAAC3plcm8tc2VyaWFsAAAACQAAAAVjYXJvbAAAAAAAAAAA//"
	"////////8AAAAAAAAAggAAABVwZXJtaXQtWDExLWZvcndhcmRpbmcAAAAAAAAAF3Blcm1p"
	"dC1hZ2VudC1mb3J3YXJkaW5nAAAAAAAAABZwZXJtaXQtcG9ydC1mb3J3YXJkaW5nAAAAAA"
	"AAAApwZXJtaXQtcHR5AAAAAAAAAA5wZXJtaXQtdXNlci1yYwAAAAAAAAAAAAAAMwAAAAtz"
	"c2gtZWQyNTUxOQAAACDnA7ONdAceXRZ6MfK+zDFoG3g/dfEnOkcDtWVwpyhYwAAAAFMAAA"
	"ALc3NoLWVkMjU1MTkAAABAeWPUJ5yb3MenMjWeAWO9BpbZchxozMuXzBCkTZ+e9F/Tep2V"
	"RpaCLVbDaCqL9ix6EJ5VUkT4IOq4+hKG8H3LBQ==",
};
static const char key_b64[] =
	"AAAAC3NzaC1lZDI1NTE5AAAAIPHPpRrZscma66rFUVZrXf+p9WhH3KqhE8VaX87eCpoc";

static void
query_blob(const struct krl *k, const char *b64)
{
	unsigned char blob[1024];
	long n = base64_decode(b64, strlen(b64), blob, sizeof(blob));
	char *why = NULL;
	int r;

	if (n < 0)
		abort();
	r = krl_key_revoked(k, blob, (size_t)n, &why);
	if (r != 0 && r != 1)
		abort();
	if (r == 1 && why == NULL)
		abort();
	free(why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL, *why;
	struct krl *k = krl_parse(data, size, &err);
	struct krl_counts n;

	if (k == NULL) {
		if (err == NULL)
			abort();
		free(err);
		return 0;
	}
	krl_counts(k, &n);
	(void)krl_version(k);
	(void)krl_generated(k);
	if (krl_comment(k) == NULL)
		abort();
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		unsigned char blob[1024];
		long bl = base64_decode(certs[i], strlen(certs[i]), blob,
		    sizeof(blob));
		struct ssh_cert c;

		if (bl < 0 || cert_parse(blob, (size_t)bl, &c, NULL) != 0)
			abort();
		why = NULL;
		if (krl_cert_revoked(k, &c, &why) == 1 && why == NULL)
			abort();
		free(why);
		/* serials around the one it has, by a copy */
		for (uint64_t s = 0; s < 8; s++) {
			c.serial = s * 0x1fffffffffffffffULL + s;
			(void)krl_cert_revoked(k, &c, NULL);
		}
		(void)krl_key_revoked(k, c.ca_blob, c.ca_bloblen, NULL);
		cert_free(&c);
		query_blob(k, certs[i]);
	}
	query_blob(k, key_b64);
	krl_free(k);
	return 0;
}
