/* certfx.h - the certificate fixtures of fixtures/certs (made by its
 * make.sh with ssh-keygen) as the certificate, KRL and known_hosts tests
 * load them. */
#ifndef KA_TEST_CERTFX_H
#define KA_TEST_CERTFX_H

#include "tests/unit/testutil.h"
#include "scanner/parse/cert.h"

#define FX "fixtures/certs/"

/* FX/NAME-cert.pub, parsed; a fixture that does not parse fails the test. */
static inline void
fx_cert(const char *name, struct ssh_cert *c)
{
	char path[512], *text, *err = NULL;
	size_t len;

	snprintf(path, sizeof(path), FX "%s-cert.pub", name);
	text = tu_read_file(path, &len);
	memset(c, 0, sizeof(*c));
	if (cert_parse_text(text, len, c, &err) != 0)
		fail_msg("%s: %s", path, err);
	assert_null(err);
	free(text);
}

/* The decoded blob of FX/NAME.pub (a key or a certificate line). */
static inline unsigned char *
fx_pub_blob(const char *name, size_t *len)
{
	char path[512], *text, *p;
	unsigned char *blob;
	size_t n;
	long r;

	snprintf(path, sizeof(path), FX "%s.pub", name);
	text = tu_read_file(path, NULL);
	p = strchr(text, ' ') + 1;
	n = strcspn(p, " \n");
	blob = xmalloc(n);
	r = base64_decode(p, n, blob, n);
	assert_true(r > 0);
	*len = (size_t)r;
	free(text);
	return blob;
}

#endif
