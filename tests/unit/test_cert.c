/*
 * test_cert.c - the certificate parser (scanner/parse/cert.c) over
 * certificates made by ssh-keygen (fixtures/certs, make.sh): every field
 * as ssh-keygen -L shows it, the CA signature of every CA kind and
 * signature algorithm, damaged signatures, validity, options as sshd's
 * cert_option_list judges them, and hand-made blobs for what ssh-keygen
 * never writes (truncation, trailing bytes, unknown types, too many
 * principals, a certificate as the CA key).
 */
#include "tests/unit/testutil.h"
#include "tests/unit/certfx.h"

#include "scanner/parse/cert.h"
#include "scanner/parse/keyblob.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshbuf.h"


/* 2020-01-01, 2099-01-01, 2021-01-01 UTC */
#define T2020	1577836800
#define T2099	4070908800LL
#define T2021	1609459200

/* ssh-keygen -l of a public key file. */
static char *
pub_fp(const char *name)
{
	size_t len;
	unsigned char *b = fx_pub_blob(name, &len);
	char *fp = fingerprint_sha256(b, len);

	free(b);
	return fp;
}

/* The decoded blob of a certificate file. */
static unsigned char *
cert_blob(const char *name, size_t *len)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s-cert", name);
	return fx_pub_blob(buf, len);
}

static void
test_fields(void **state)
{
	struct ssh_cert c;
	char *fp = pub_fp("k_ed25519"), *cafp = pub_fp("ca_ed25519");
	size_t len;
	unsigned char *kb = fx_pub_blob("k_ed25519", &len);

	fx_cert("user_ed25519", &c);
	assert_string_equal(c.type, "ssh-ed25519-cert-v01@openssh.com");
	assert_string_equal(c.key_type, "ssh-ed25519");
	/* the certified key as a plain blob: the .pub file's own */
	assert_int_equal(c.key_bloblen, len);
	assert_memory_equal(c.key_blob, kb, len);
	assert_string_equal(c.key_fp, fp);
	assert_int_equal(c.key_bits, 256);
	assert_true(c.serial == 1);
	assert_int_equal(c.kind, CERT_USER);
	assert_string_equal(c.key_id, "alice-id");
	assert_int_equal(c.principals.n, 2);
	assert_string_equal(c.principals.v[0], "alice");
	assert_string_equal(c.principals.v[1], "bob");
	assert_true(c.valid_after == T2020);
	assert_true(c.valid_before == (uint64_t)T2099);
	/* ssh-keygen's defaults: no critical option, five extensions */
	assert_int_equal(c.ncritical, 0);
	assert_int_equal(c.nextensions, 5);
	assert_string_equal(c.extensions[0].name, "permit-X11-forwarding");
	assert_null(c.extensions[0].value);
	assert_string_equal(c.ca_type, "ssh-ed25519");
	assert_string_equal(c.ca_fp, cafp);
	assert_int_equal(c.ca_bits, 256);
	assert_string_equal(c.sig_alg, "ssh-ed25519");
	assert_null(c.options_error);
	assert_true(c.signed_len > 0 && c.signed_len < 400);
	assert_true(c.siglen == 4 + 11 + 4 + 64);
	cert_free(&c);
	free(fp);
	free(cafp);
	free(kb);

	/* a host certificate; serial 0 and no principals; a big serial */
	fx_cert("host_ecdsa", &c);
	assert_int_equal(c.kind, CERT_HOST);
	assert_string_equal(c.key_type, "ecdsa-sha2-nistp256");
	assert_string_equal(c.ca_type, "ecdsa-sha2-nistp256");
	assert_string_equal(c.sig_alg, "ecdsa-sha2-nistp256");
	assert_true(c.valid_after == 0 && c.valid_before == UINT64_MAX);
	cert_free(&c);
	fx_cert("user_zero", &c);
	assert_true(c.serial == 0);
	cert_free(&c);
	fx_cert("user_noprinc", &c);
	assert_int_equal(c.principals.n, 0);
	assert_string_equal(c.key_id, "id with spaces");
	cert_free(&c);
	fx_cert("user_bigserial", &c);
	assert_true(c.serial == 12345678901234567890ULL);
	cert_free(&c);
}

static void
test_types(void **state)
{
	static const struct {
		const char *name, *type, *key_type, *ca_type, *sig_alg;
		int key_bits, ca_bits;
	} t[] = {
		{ "user_rsa512", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa",
		    "ssh-rsa", "rsa-sha2-512", 2048, 3072 },
		{ "user_rsa256", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa",
		    "ssh-rsa", "rsa-sha2-256", 2048, 3072 },
		{ "user_rsa_sha1", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa",
		    "ssh-rsa", "ssh-rsa", 2048, 3072 },
		{ "user_rsa1024ca", "ssh-ed25519-cert-v01@openssh.com",
		    "ssh-ed25519", "ssh-rsa", "rsa-sha2-512", 256, 1024 },
		{ "user_dsaca", "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519",
		    "ssh-dss", "ssh-dss", 256, 1024 },
		{ "user_dsakey", "ssh-dss-cert-v01@openssh.com", "ssh-dss",
		    "ssh-ed25519", "ssh-ed25519", 1024, 256 },
		{ "user_p384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
		    "ecdsa-sha2-nistp521", 384, 521 },
		{ "user_p521", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp384",
		    "ecdsa-sha2-nistp384", 521, 384 },
		{ "host_rsa", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa",
		    "ssh-rsa", "rsa-sha2-512", 2048, 3072 },
	};
	struct ssh_cert c;
	char *err;

	for (size_t i = 0; i < KA_ARRLEN(t); i++) {
		fx_cert(t[i].name, &c);
		assert_string_equal(c.type, t[i].type);
		assert_string_equal(c.key_type, t[i].key_type);
		assert_string_equal(c.ca_type, t[i].ca_type);
		assert_string_equal(c.sig_alg, t[i].sig_alg);
		assert_int_equal(c.key_bits, t[i].key_bits);
		assert_int_equal(c.ca_bits, t[i].ca_bits);
		err = NULL;
		assert_int_equal(cert_verify(&c, &err), 1);
		assert_null(err);
		cert_free(&c);
	}
}

static void
test_verify(void **state)
{
	static const char *const good[] = { "user_ed25519", "host_ecdsa",
	    "host_wild", "user_ext", "user_ecdsa_key", "user_noprinc" };
	static const char *const bad[] = { "badsig_ed25519", "badsig_rsa",
	    "badsig_ecdsa", "badsig_dsa" };
	struct ssh_cert c;
	char *err;

	for (size_t i = 0; i < KA_ARRLEN(good); i++) {
		fx_cert(good[i], &c);
		err = NULL;
		assert_int_equal(cert_verify(&c, &err), 1);
		cert_free(&c);
	}
	/* a flipped signature byte: still a certificate, but sshd and
	 * ssh-keygen refuse it */
	for (size_t i = 0; i < KA_ARRLEN(bad); i++) {
		fx_cert(bad[i], &c);
		err = NULL;
		assert_int_equal(cert_verify(&c, &err), 0);
		assert_non_null(err);
		assert_non_null(strstr(err, "does not verify"));
		free(err);
		cert_free(&c);
	}
	/* a byte of the signed part changed (the key id): the same */
	{
		size_t len;
		unsigned char *b = cert_blob("user_ed25519", &len);
		unsigned char *p = memmem(b, len, "alice-id", 8);

		assert_non_null(p);
		p[0] = 'A';
		assert_int_equal(cert_parse(b, len, &c, &err), 0);
		assert_string_equal(c.key_id, "Alice-id");
		assert_int_equal(cert_verify(&c, &err), 0);
		free(err);
		cert_free(&c);
		free(b);
	}
}

static void
test_validity(void **state)
{
	struct ssh_cert c;

	fx_cert("user_ed25519", &c);
	assert_int_equal(cert_validity(&c, T2020 - 1), -1);
	assert_int_equal(cert_validity(&c, T2020), 0);
	assert_int_equal(cert_validity(&c, T2099 - 1), 0);
	/* valid_before is the first second it is expired */
	assert_int_equal(cert_validity(&c, T2099), 1);
	assert_int_equal(cert_validity(&c, -5), -1);
	cert_free(&c);
	fx_cert("user_expired", &c);
	assert_int_equal(cert_validity(&c, T2021 + 100), 1);
	cert_free(&c);
	fx_cert("user_future", &c);
	assert_int_equal(cert_validity(&c, T2021), -1);
	cert_free(&c);
	fx_cert("user_zero", &c);
	assert_int_equal(cert_validity(&c, 0), 0);
	assert_int_equal(cert_validity(&c, INT64_MAX), 0);
	cert_free(&c);
	fx_cert("user_until", &c);
	assert_true(c.valid_after == 0);
	assert_int_equal(cert_validity(&c, 0), 0);
	cert_free(&c);
}

static void
test_options(void **state)
{
	struct ssh_cert c;

	fx_cert("user_rsa512", &c);
	assert_int_equal(c.ncritical, 2);
	assert_string_equal(cert_critical(&c, "force-command"),
	    "/bin/echo hi there");
	assert_string_equal(cert_critical(&c, "source-address"),
	    "10.0.0.0/8,127.0.0.1");
	assert_null(cert_critical(&c, "verify-required"));
	assert_null(c.options_error);
	cert_free(&c);

	fx_cert("user_ext", &c);
	/* ssh-keygen sorts the sections by name */
	assert_int_equal(c.ncritical, 2);
	assert_string_equal(c.critical[0].name, "verify-required");
	assert_null(c.critical[0].value);
	assert_string_equal(c.critical[1].name, "weird@example.com");
	assert_string_equal(c.critical[1].value, "x");
	assert_int_equal(c.critical[1].datalen, 5);
	assert_true(cert_critical_known("verify-required"));
	assert_true(cert_critical_known("force-command"));
	assert_true(cert_critical_known("source-address"));
	assert_false(cert_critical_known("weird@example.com"));
	assert_false(cert_critical_known("permit-pty"));
	assert_false(cert_critical_known(NULL));
	/* sshd refuses the unknown critical option when it is used */
	assert_non_null(c.options_error);
	assert_string_equal(c.options_error, "Certificate critical option "
	    "\"weird@example.com\" is not supported");
	/* -O no-port-forwarding dropped that extension */
	for (size_t i = 0; i < c.nextensions; i++)
		assert_string_not_equal(c.extensions[i].name,
		    "permit-port-forwarding");
	assert_string_equal(c.extensions[0].name, "custom@example.com");
	assert_string_equal(c.extensions[0].value, "some-value");
	assert_string_equal(c.extensions[1].name, "flag@example.com");
	assert_null(c.extensions[1].value);
	assert_int_equal(c.extensions[1].datalen, 0);
	cert_free(&c);

	fx_cert("user_noopts", &c);
	assert_int_equal(c.ncritical, 0);
	assert_int_equal(c.nextensions, 1);
	assert_string_equal(c.extensions[0].name, "permit-pty");
	cert_free(&c);
}

static void
test_time_describe(void **state)
{
	struct ssh_cert c;
	char *s;

	s = cert_time(0, 0);
	assert_string_equal(s, "always");
	free(s);
	s = cert_time(UINT64_MAX, 1);
	assert_string_equal(s, "forever");
	free(s);
	s = cert_time(T2020, 0);
	assert_string_equal(s, "2020-01-01T00:00:00");
	free(s);
	s = cert_time(951782400 + 86399, 1);	/* 2000-02-29, a leap day */
	assert_string_equal(s, "2000-02-29T23:59:59");
	free(s);
	s = cert_time(0, 1);
	assert_string_equal(s, "1970-01-01T00:00:00");
	free(s);

	fx_cert("user_after", &c);
	s = cert_describe(&c);
	assert_non_null(strstr(s, "\nValid: after 2020-01-01T12:34:56\n"));
	free(s);
	cert_free(&c);
	fx_cert("user_until", &c);
	s = cert_describe(&c);
	assert_non_null(strstr(s, "\nValid: before 2030-01-01T00:00:00\n"));
	free(s);
	cert_free(&c);
	fx_cert("user_ed25519", &c);
	s = cert_describe(&c);
	assert_non_null(strstr(s, "Type: ssh-ed25519-cert-v01@openssh.com user "
	    "certificate\n"));
	assert_non_null(strstr(s, "\nKey ID: \"alice-id\"\nSerial: 1\nValid: "
	    "from 2020-01-01T00:00:00 to 2099-01-01T00:00:00\nPrincipals: \n"
	    "        alice\n        bob\nCritical Options: (none)\n"));
	free(s);
	cert_free(&c);
}

/* --- hand-made certificates --- */

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_append(b, x, 4);
}

static void
put64(struct buf *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b, (uint32_t)v);
}

static void
putstr(struct buf *b, const void *d, size_t n)
{
	put32(b, (uint32_t)n);
	buf_append(b, d, n);
}

static void
putcs(struct buf *b, const char *s)
{
	putstr(b, s, strlen(s));
}

struct mk {
	uint32_t kind;
	size_t nprinc;
	const char *ca_cert;	/* use this certificate as the CA key */
	const char *crit;	/* a critical option name */
	int crit_twice;
	int trailing;
};

/* An Ed25519 user certificate signed (badly) by ca_ed25519. */
static unsigned char *
mk(const struct mk *m, size_t *len)
{
	struct buf b, p, o, d, sg;
	unsigned char key[32] = { 1 }, sig[64] = { 0 };
	size_t cal;
	unsigned char *ca;

	buf_init(&b);
	buf_init(&p);
	buf_init(&o);
	buf_init(&sg);
	putcs(&b, "ssh-ed25519-cert-v01@openssh.com");
	putstr(&b, "0123456789abcdef0123456789abcdef", 32);
	putstr(&b, key, 32);
	put64(&b, 42);
	put32(&b, m->kind ? m->kind : CERT_USER);
	putcs(&b, "made");
	for (size_t i = 0; i < m->nprinc; i++) {
		char n[32];

		snprintf(n, sizeof(n), "p%zu", i);
		putcs(&p, n);
	}
	putstr(&b, p.data, p.len);
	put64(&b, 0);
	put64(&b, UINT64_MAX);
	for (int i = 0; m->crit != NULL && i < 1 + m->crit_twice; i++) {
		putcs(&o, m->crit);
		buf_init(&d);
		putcs(&d, "/bin/true");
		putstr(&o, d.data, d.len);
		buf_free(&d);
	}
	putstr(&b, o.data, o.len);
	putstr(&b, "", 0);	/* extensions */
	putstr(&b, "", 0);	/* reserved */
	ca = m->ca_cert ? cert_blob(m->ca_cert, &cal) : fx_pub_blob("ca_ed25519", &cal);
	putstr(&b, ca, cal);
	free(ca);
	putcs(&sg, "ssh-ed25519");
	putstr(&sg, sig, 64);
	putstr(&b, sg.data, sg.len);
	if (m->trailing)
		buf_putc(&b, 0);
	buf_free(&p);
	buf_free(&o);
	buf_free(&sg);
	*len = b.len;
	return (unsigned char *)buf_steal(&b);
}

static int
try(const struct mk *m, const char *want_err)
{
	size_t len;
	unsigned char *b = mk(m, &len);
	struct ssh_cert c;
	char *err = NULL;
	int rc = cert_parse(b, len, &c, &err);

	if (want_err == NULL) {
		if (rc != 0)
			fail_msg("unexpected error: %s", err);
		assert_int_equal(cert_verify(&c, &err), 0);
		free(err);
		cert_free(&c);
	} else {
		assert_int_equal(rc, -1);
		assert_non_null(err);
		if (strstr(err, want_err) == NULL)
			fail_msg("error '%s' lacks '%s'", err, want_err);
		free(err);
		/* out is zeroed: freeing again is harmless */
		cert_free(&c);
	}
	free(b);
	return rc;
}

static void
test_made(void **state)
{
	struct mk m;
	size_t len;
	unsigned char *b;
	struct ssh_cert c;
	char *err;

	memset(&m, 0, sizeof(m));
	try(&m, NULL);
	m.nprinc = CERT_MAX_PRINCIPALS;
	try(&m, NULL);
	m.nprinc = CERT_MAX_PRINCIPALS + 1;
	try(&m, "principals");
	m.nprinc = 1;
	m.kind = 3;
	try(&m, "unknown type 3");
	m.kind = 0;
	m.trailing = 1;
	try(&m, "unexpected bytes");
	m.trailing = 0;
	/* sshkey_from_blob_internal(ca, allow_cert = 0) */
	m.ca_cert = "user_ed25519";
	try(&m, "invalid certificate signing key");
	m.ca_cert = NULL;
	/* cert_parse accepts any option; sshd refuses some at login */
	m.crit = "force-command";
	m.crit_twice = 1;
	b = mk(&m, &len);
	assert_int_equal(cert_parse(b, len, &c, &err), 0);
	assert_string_equal(c.options_error,
	    "Certificate has multiple force-command options");
	assert_string_equal(cert_critical(&c, "force-command"), "/bin/true");
	cert_free(&c);
	free(b);
	/* a source-address that is no CIDR list */
	m.crit = "source-address";
	m.crit_twice = 0;
	b = mk(&m, &len);
	assert_int_equal(cert_parse(b, len, &c, &err), 0);
	assert_string_equal(c.options_error,
	    "Certificate source-address contents invalid");
	cert_free(&c);
	free(b);
	m.crit = NULL;

	/* every truncation of a real certificate fails cleanly */
	b = cert_blob("user_rsa512", &len);
	for (size_t n = 0; n < len; n++) {
		err = NULL;
		assert_int_equal(cert_parse(b, n, &c, &err), -1);
		assert_non_null(err);
		free(err);
	}
	free(b);
	/* a plain key is not a certificate */
	b = fx_pub_blob("k_ed25519", &len);
	assert_int_equal(cert_parse(b, len, &c, &err), -1);
	assert_non_null(strstr(err, "not a certificate"));
	free(err);
	free(b);
}

static void
test_text(void **state)
{
	struct ssh_cert c;
	char *text, *t2, *err = NULL;
	size_t len;

	text = tu_read_file(FX "user_ed25519-cert.pub", &len);
	/* comments and blank lines before it, as ssh-keygen -L skips */
	t2 = xasprintf("# a comment\n\n   \n%s", text);
	assert_int_equal(cert_parse_text(t2, strlen(t2), &c, &err), 0);
	cert_free(&c);
	free(t2);
	/* the type word must name the blob's type */
	t2 = xasprintf("ssh-rsa-cert-v01@openssh.com %s", strchr(text, ' ') + 1);
	assert_int_equal(cert_parse_text(t2, strlen(t2), &c, &err), -1);
	assert_non_null(strstr(err, "type word"));
	free(err);
	free(t2);
	/* a plain key file */
	free(text);
	text = tu_read_file(FX "k_ed25519.pub", &len);
	assert_int_equal(cert_parse_text(text, len, &c, &err), -1);
	assert_non_null(strstr(err, "not a certificate"));
	free(err);
	free(text);
	assert_int_equal(cert_parse_text("", 0, &c, &err), -1);
	free(err);
	assert_int_equal(cert_parse_text("bogus AAAA", 10, &c, &err), -1);
	free(err);
	assert_int_equal(cert_parse_text("ssh-ed25519-cert-v01@openssh.com !!!",
	    36, &c, &err), -1);
	free(err);
}

/* A client address against source-address (addr_match_cidr_list). */
static void
test_cidr(void **state)
{
	assert_int_equal(match_cidr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(match_cidr_list("11.1.2.3", "10.0.0.0/8"), 0);
	assert_int_equal(match_cidr_list("192.168.1.9",
	    "10.0.0.0/8,192.168.1.0/24"), 1);
	assert_int_equal(match_cidr_list("::1", "127.0.0.1,::1"), 1);
	assert_int_equal(match_cidr_list("2001:db8::5", "2001:db8::/32"), 1);
	assert_int_equal(match_cidr_list("127.0.0.1", "::/0"), 0);
	/* not an address: no match; a bad list: invalid */
	assert_int_equal(match_cidr_list("host", "10.0.0.0/8"), 0);
	assert_int_equal(match_cidr_list("10.0.0.1", "10.0.0.*"), -1);
	assert_int_equal(match_cidr_list("10.0.0.1", "!10.0.0.0/8"), -1);
	assert_int_equal(match_cidr_list("10.0.0.1", "10.0.0.0/8,"), -1);
	assert_int_equal(match_cidr_list(NULL, "10.0.0.0/8"), 0);
	assert_int_equal(match_cidr_list(NULL, "10.0.0.1/8"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_time_describe),
		cmocka_unit_test(test_made),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_cidr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
