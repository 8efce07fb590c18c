/* fuzz_cert.c - libFuzzer target: any bytes as a certificate blob and as a
 * -cert.pub file's text. The parser must never crash, hang or leak; a
 * certificate it takes must be whole (fingerprints, at most
 * CERT_MAX_PRINCIPALS principals, the signed part inside the input), and
 * everything asked of it (cert_describe, cert_verify, validity, options)
 * must answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/cert.h"

static void
use(const struct ssh_cert *c, size_t size)
{
	char *d, *err = NULL;
	int v;

	if (c->type == NULL || c->key_fp == NULL || c->ca_fp == NULL ||
	    strncmp(c->key_fp, "SHA256:", 7) != 0 ||
	    strncmp(c->ca_fp, "SHA256:", 7) != 0 || c->sig_alg == NULL ||
	    c->key_id == NULL || c->principals.n > CERT_MAX_PRINCIPALS ||
	    c->ncritical > CERT_MAX_OPTIONS || c->nextensions > CERT_MAX_OPTIONS ||
	    (c->kind != CERT_USER && c->kind != CERT_HOST) ||
	    c->signed_len > size || c->siglen > size)
		abort();
	d = cert_describe(c);
	if (d == NULL || strncmp(d, "Type: ", 6) != 0)
		abort();
	free(d);
	v = cert_verify(c, &err);
	if (v < -1 || v > 1 || (v != 1 && err == NULL))
		abort();
	free(err);
	for (int64_t t = -1; t < 4000000000LL; t += 1000000000)
		if (cert_validity(c, t) < -1 || cert_validity(c, t) > 1)
			abort();
	(void)cert_critical(c, "force-command");
	(void)cert_critical(c, "source-address");
	for (size_t i = 0; i < c->ncritical; i++)
		(void)cert_critical_known(c->critical[i].name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssh_cert c;
	char *err = NULL;

	if (cert_parse(data, size, &c, &err) == 0) {
		if (err != NULL)
			abort();
		use(&c, size);
		cert_free(&c);
	} else {
		if (err == NULL)
			abort();
		free(err);
	}
	err = NULL;
	if (cert_parse_text((const char *)data, size, &c, &err) == 0) {
		use(&c, size);
		cert_free(&c);
	} else
		free(err);
	return 0;
}
