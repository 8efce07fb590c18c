/*
 * test_krl.c - the KRL parser (scanner/parse/krl.c): the KRLs ssh-keygen -k
 * made in fixtures/certs (serials, ranges, bitmaps, key ids, any-CA scope,
 * explicit keys, SHA1 and SHA256 hashes, updates with -u and -z) queried
 * as ssh_krl_check_key answers, and hand-made KRLs for every rule
 * ssh_krl_from_blob loads by: serial 0, backward ranges, wrapping bitmaps,
 * unknown sections, unparsed data, signatures (good, bad, after another
 * section, by a revoked key) and hostile sizes.
 */
#include "tests/unit/testutil.h"
#include "tests/unit/certfx.h"

#include <openssl/evp.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/krl.h"


static struct krl *
load_krl(const char *name)
{
	char path[256], *data, *err = NULL;
	size_t len;
	struct krl *k;

	snprintf(path, sizeof(path), FX "%s.krl", name);
	data = tu_read_file(path, &len);
	assert_true(krl_is_krl((unsigned char *)data, len));
	k = krl_parse((unsigned char *)data, len, &err);
	if (k == NULL)
		fail_msg("%s: %s", path, err);
	free(data);
	return k;
}

/* ssh_krl_check_key: the certificate, then its CA. */
static int
cert_revoked(const struct krl *k, const char *name, char **why)
{
	struct ssh_cert c;
	int r;

	fx_cert(name, &c);
	r = krl_cert_revoked(k, &c, why);
	if (!r) {
		if (why != NULL)
			free(*why);
		r = krl_key_revoked(k, c.ca_blob, c.ca_bloblen, why);
	}
	cert_free(&c);
	return r;
}

static int
key_revoked(const struct krl *k, const char *name)
{
	size_t len;
	unsigned char *b = fx_pub_blob(name, &len);
	int r = krl_key_revoked(k, b, len, NULL);

	free(b);
	return r;
}

static void
test_header(void **state)
{
	struct krl *k;
	struct krl_counts n;

	assert_false(krl_is_krl((const unsigned char *)"SSHKRL\n", 7));
	assert_false(krl_is_krl((const unsigned char *)"ssh-ed25519 AAAA", 16));
	k = load_krl("krl_serial");
	assert_true(krl_version(k) == 3);
	assert_true(krl_generated(k) > 1600000000);
	assert_string_equal(krl_comment(k), "");
	krl_counts(k, &n);
	/* serial 1, 5-10, 15 and key id zero-serial, one CA */
	assert_true(n.serials == 8);
	assert_int_equal(n.key_ids, 1);
	assert_int_equal(n.cas, 1);
	assert_int_equal(n.keys + n.sha1 + n.sha256, 0);
	krl_free(k);

	/* -u -z 9 added id big and serial 20 */
	k = load_krl("krl_update");
	assert_true(krl_version(k) == 9);
	krl_counts(k, &n);
	assert_true(n.serials == 9);
	assert_int_equal(n.key_ids, 2);
	krl_free(k);

	k = load_krl("krl_keys");
	assert_true(krl_version(k) == 5);
	krl_counts(k, &n);
	assert_int_equal(n.keys, 2);
	assert_int_equal(n.sha1, 1);
	assert_int_equal(n.sha256, 2);
	assert_int_equal(n.cas, 0);
	krl_free(k);

	k = load_krl("krl_bitmap");
	krl_counts(k, &n);
	assert_true(n.serials == 101);
	krl_free(k);
}

static void
test_serials(void **state)
{
	struct krl *k = load_krl("krl_serial");
	char *why = NULL;

	assert_true(cert_revoked(k, "user_ed25519", &why));	/* serial 1 */
	assert_non_null(strstr(why, "serial 1 "));
	free(why);
	assert_true(cert_revoked(k, "user_dsakey", NULL));	/* 9 in 5-10 */
	assert_true(cert_revoked(k, "user_after", NULL));	/* 15 */
	assert_false(cert_revoked(k, "user_expired", NULL));	/* 12 */
	assert_false(cert_revoked(k, "user_until", NULL));	/* 14 */
	assert_false(cert_revoked(k, "user_noopts", NULL));	/* 16 */
	assert_false(cert_revoked(k, "host_wild", NULL));	/* 3 */
	/* serial 0 is never revoked by serial; this one by its key id */
	assert_true(cert_revoked(k, "user_zero", &why));
	assert_non_null(strstr(why, "key id \"zero-serial\""));
	free(why);
	/* the same serials from another CA */
	assert_false(cert_revoked(k, "host_ecdsa", NULL));	/* 2 */
	assert_false(cert_revoked(k, "user_rsa512", NULL));	/* 4 */
	assert_false(cert_revoked(k, "user_rsa1024ca", NULL));	/* 7 */
	/* plain keys: nothing */
	assert_false(key_revoked(k, "k_ed25519"));
	krl_free(k);

	k = load_krl("krl_update");
	assert_true(cert_revoked(k, "user_ed25519", NULL));
	assert_true(cert_revoked(k, "user_ecdsa_key", NULL));	/* 20 */
	assert_true(cert_revoked(k, "user_bigserial", NULL));	/* id big */
	krl_free(k);

	k = load_krl("krl_bitmap");
	assert_true(cert_revoked(k, "user_s102", NULL));
	assert_false(cert_revoked(k, "user_s103", NULL));
	assert_false(cert_revoked(k, "user_ed25519", NULL));
	krl_free(k);

	k = load_krl("krl_rsaca");
	assert_true(cert_revoked(k, "user_rsa512", NULL));	/* 4 */
	assert_true(cert_revoked(k, "user_rsa256", NULL));	/* 5 */
	assert_false(cert_revoked(k, "user_rsa_sha1", NULL));	/* 6 */
	assert_false(cert_revoked(k, "user_ed25519", NULL));	/* 1, ed CA */
	krl_free(k);
}

static void
test_any_ca(void **state)
{
	struct krl *k = load_krl("krl_wild");
	char *why = NULL;

	assert_true(cert_revoked(k, "user_ed25519", &why));	/* alice-id */
	assert_non_null(strstr(why, "for any CA"));
	free(why);
	assert_true(cert_revoked(k, "user_rsa256", NULL));	/* rsa-256 */
	assert_true(cert_revoked(k, "user_rsa512", NULL));	/* serial 4 */
	assert_false(cert_revoked(k, "user_rsa_sha1", NULL));
	assert_false(cert_revoked(k, "host_ecdsa", NULL));
	krl_free(k);
}

static void
test_keys(void **state)
{
	struct krl *k = load_krl("krl_keys");
	char *why = NULL;
	size_t len;
	unsigned char *b;

	/* explicit, SHA1, SHA256 (sha256: and hash:), a key file */
	assert_true(key_revoked(k, "k_ecdsa256"));
	assert_true(key_revoked(k, "k_rsa2048"));
	assert_true(key_revoked(k, "k_dsa"));
	assert_true(key_revoked(k, "k_ecdsa384"));
	assert_true(key_revoked(k, "k_other"));
	assert_false(key_revoked(k, "k_ed25519"));
	assert_false(key_revoked(k, "k_ecdsa521"));
	b = fx_pub_blob("k_rsa2048", &len);
	assert_true(krl_key_revoked(k, b, len, &why));
	assert_non_null(strstr(why, "SHA1"));
	free(why);
	free(b);
	/* a certificate of a revoked key is revoked */
	assert_true(cert_revoked(k, "host_ecdsa", &why));
	assert_non_null(strstr(why, "explicitly"));
	free(why);
	assert_true(cert_revoked(k, "user_rsa_sha1", NULL));
	assert_true(cert_revoked(k, "user_dsakey", NULL));
	assert_false(cert_revoked(k, "user_ed25519", NULL));
	/* a certificate blob handed to krl_key_revoked: its key */
	b = fx_pub_blob("host_ecdsa-cert", &len);
	assert_true(krl_key_revoked(k, b, len, NULL));
	free(b);
	krl_free(k);

	/* a CA key revoked: its certificates are, through the CA check */
	k = load_krl("krl_ca");
	assert_true(cert_revoked(k, "user_p521", NULL));
	assert_false(cert_revoked(k, "user_p384", NULL));
	assert_true(key_revoked(k, "ca_ecdsa384"));
	krl_free(k);

	k = load_krl("krl_empty");
	assert_false(key_revoked(k, "k_other"));
	assert_false(cert_revoked(k, "user_zero", NULL));
	krl_free(k);
}

/* --- hand-made KRLs --- */

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
header(struct buf *b, uint32_t fmt)
{
	buf_init(b);
	buf_append(b, "SSHKRL\n\0", 8);
	put32(b, fmt);
	put64(b, 77);		/* version */
	put64(b, 1700000000);	/* generated */
	put64(b, 0);		/* flags */
	putstr(b, "", 0);	/* reserved */
	putstr(b, "a comment", 9);
}

static void
section(struct buf *b, int type, const struct buf *data)
{
	buf_putc(b, type);
	putstr(b, data->data, data->len);
}

/* A certificate section for ca (empty: any CA) with one subsection. */
static void
cert_section(struct buf *b, const unsigned char *ca, size_t can, int sub,
    const struct buf *subdata)
{
	struct buf s;

	buf_init(&s);
	putstr(&s, ca, can);
	putstr(&s, "", 0);
	buf_putc(&s, sub);
	putstr(&s, subdata->data, subdata->len);
	section(b, 1, &s);
	buf_free(&s);
}

static struct krl *
parse(const struct buf *b, char **err)
{
	*err = NULL;
	return krl_parse((const unsigned char *)b->data, b->len, err);
}

static void
expect_bad(const struct buf *b, const char *want)
{
	char *err;
	struct krl *k = parse(b, &err);

	if (k != NULL)
		fail_msg("loaded a KRL that should fail with '%s'", want);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
	free(err);
}

static void
test_rules(void **state)
{
	struct buf b, d;
	struct krl *k;
	char *err;
	size_t cal;
	unsigned char *ca = fx_pub_blob("ca_ed25519", &cal);
	unsigned char bits[3] = { 0x01, 0x00, 0x05 };	/* bits 0, 2, 16 */
	struct ssh_cert c;

	/* the header alone; its comment */
	header(&b, 1);
	k = parse(&b, &err);
	assert_non_null(k);
	assert_string_equal(krl_comment(k), "a comment");
	assert_true(krl_version(k) == 77 && krl_generated(k) == 1700000000);
	krl_free(k);
	/* every truncation of it fails */
	for (size_t n = 8; n < b.len; n++) {
		err = NULL;
		assert_null(krl_parse((unsigned char *)b.data, n, &err));
		assert_non_null(err);
		free(err);
	}
	buf_free(&b);
	header(&b, 2);
	expect_bad(&b, "format version");
	buf_free(&b);

	/* serial 0 in a list, a backward range, a range from 0 */
	header(&b, 1);
	buf_init(&d);
	put64(&d, 5);
	put64(&d, 0);
	cert_section(&b, ca, cal, 0x20, &d);
	expect_bad(&b, "serial 0");
	buf_free(&b);
	buf_free(&d);
	header(&b, 1);
	buf_init(&d);
	put64(&d, 9);
	put64(&d, 8);
	cert_section(&b, ca, cal, 0x21, &d);
	expect_bad(&b, "section 1: serial range 9-8");
	buf_free(&b);
	buf_free(&d);
	header(&b, 1);
	buf_init(&d);
	put64(&d, 0);
	put64(&d, 8);
	cert_section(&b, ca, cal, 0x21, &d);
	expect_bad(&b, "invalid");
	buf_free(&b);
	buf_free(&d);

	/* a bitmap: bits 0, 2 and 16 from offset 1000 */
	header(&b, 1);
	buf_init(&d);
	put64(&d, 1000);
	putstr(&d, bits, 3);
	cert_section(&b, ca, cal, 0x22, &d);
	buf_free(&d);
	/* and a range to UINT64_MAX, for the any-CA scope */
	buf_init(&d);
	put64(&d, UINT64_MAX - 1);
	put64(&d, UINT64_MAX);
	cert_section(&b, NULL, 0, 0x21, &d);
	buf_free(&d);
	k = parse(&b, &err);
	assert_non_null(k);
	fx_cert("user_bigserial", &c);	/* CA ca_ed25519 */
	c.serial = 1000;
	assert_true(krl_cert_revoked(k, &c, NULL));
	c.serial = 1001;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = 1002;
	assert_true(krl_cert_revoked(k, &c, NULL));
	c.serial = 1016;
	assert_true(krl_cert_revoked(k, &c, NULL));
	c.serial = 1017;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = 999;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = 1000 + 8 * 1000;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = UINT64_MAX;
	assert_true(krl_cert_revoked(k, &c, NULL));
	c.serial = UINT64_MAX - 2;
	assert_false(krl_cert_revoked(k, &c, NULL));
	cert_free(&c);
	krl_free(k);
	buf_free(&b);

	/* a bitmap that wraps u64, one with serial 0 */
	header(&b, 1);
	buf_init(&d);
	put64(&d, UINT64_MAX - 3);
	putstr(&d, bits, 3);
	cert_section(&b, ca, cal, 0x22, &d);
	expect_bad(&b, "wraps");
	buf_free(&b);
	buf_free(&d);
	header(&b, 1);
	buf_init(&d);
	put64(&d, 0);
	putstr(&d, bits, 3);
	cert_section(&b, ca, cal, 0x22, &d);
	expect_bad(&b, "serial 0");
	buf_free(&b);
	buf_free(&d);

	/* unknown subsection, unknown section, unparsed data */
	header(&b, 1);
	buf_init(&d);
	put64(&d, 1);
	cert_section(&b, ca, cal, 0x24, &d);
	expect_bad(&b, "subsection 0x24");
	buf_free(&b);
	header(&b, 1);
	section(&b, 9, &d);
	expect_bad(&b, "section 1: unsupported section type 9");
	buf_free(&b);
	header(&b, 1);
	section(&b, 3, &d);		/* 8 bytes: not a 20-byte hash string */
	expect_bad(&b, "section 1");
	buf_free(&b);
	buf_free(&d);
	header(&b, 1);
	buf_init(&d);
	put64(&d, 7);
	buf_putc(&d, 0);		/* one byte after the serial */
	cert_section(&b, ca, cal, 0x20, &d);
	expect_bad(&b, "truncated");
	buf_free(&b);
	buf_free(&d);
	header(&b, 1);
	buf_init(&d);
	putstr(&d, "0123456789abcdefghij", 20);
	putstr(&d, "0123456789abcdefghi", 19);
	section(&b, 3, &d);
	expect_bad(&b, "19 bytes");
	buf_free(&b);
	buf_free(&d);
	/* a CA key sshd cannot read */
	header(&b, 1);
	buf_init(&d);
	put64(&d, 7);
	cert_section(&b, (const unsigned char *)"\0\0\0\3abc", 7, 0x20, &d);
	expect_bad(&b, "CA key");
	buf_free(&b);
	buf_free(&d);
	/* a section whose length claims 4 GiB: an error, no allocation */
	header(&b, 1);
	buf_putc(&b, 2);
	put32(&b, 0xffffffff);
	expect_bad(&b, "truncated");
	buf_free(&b);
	free(ca);
}

/* A KRL signed by a fresh Ed25519 key: sshd verifies every signature
 * section over the KRL before it. */
static void
test_signature(void **state)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char pub[32], sig[64];
	size_t publen = sizeof(pub), siglen = sizeof(sig);
	struct buf b, key, s, tail;
	struct krl *k;
	char *err;

	assert_int_equal(EVP_PKEY_keygen_init(pctx), 1);
	assert_int_equal(EVP_PKEY_keygen(pctx, &pk), 1);
	assert_int_equal(EVP_PKEY_get_raw_public_key(pk, pub, &publen), 1);
	buf_init(&key);
	putstr(&key, "ssh-ed25519", 11);
	putstr(&key, pub, 32);

	for (int variant = 0; variant < 4; variant++) {
		header(&b, 1);
		if (variant == 3) {
			/* the KRL revokes its own signer */
			buf_init(&tail);
			putstr(&tail, key.data, key.len);
			section(&b, 2, &tail);
			buf_free(&tail);
		}
		buf_putc(&b, 4);
		putstr(&b, key.data, key.len);
		assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, pk), 1);
		assert_int_equal(EVP_DigestSign(md, sig, &siglen,
		    (unsigned char *)b.data, b.len), 1);
		if (variant == 1)
			sig[5] ^= 1;
		buf_init(&s);
		putstr(&s, "ssh-ed25519", 11);
		putstr(&s, sig, 64);
		putstr(&b, s.data, s.len);
		buf_free(&s);
		if (variant == 2) {
			/* a section after the signature */
			buf_init(&tail);
			section(&b, 2, &tail);
			buf_free(&tail);
		}
		k = parse(&b, &err);
		switch (variant) {
		case 0:
			assert_non_null(k);
			assert_null(err);
			krl_free(k);
			break;
		case 1:
			assert_null(k);
			assert_non_null(strstr(err, "does not verify"));
			break;
		case 2:
			assert_null(k);
			assert_non_null(strstr(err, "after the signature"));
			break;
		default:
			assert_null(k);
			assert_non_null(strstr(err, "signers") ||
			    strstr(err, "sign the KRL"));
			break;
		}
		free(err);
		buf_free(&b);
	}
	buf_free(&key);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(pctx);
}

/* A hostile 8 MiB KRL of serials and key ids: loads, and answers by
 * binary search. */
static void
test_big(void **state)
{
	struct buf b, d;
	struct krl *k;
	struct krl_counts n;
	char *err;
	size_t cal, count = 0;
	unsigned char *ca = fx_pub_blob("ca_ed25519", &cal);
	struct ssh_cert c;

	header(&b, 1);
	buf_init(&d);
	/* odd serials 1..2^20 * 2 */
	for (uint64_t s = 1; d.len < 8 * 1024 * 1024; s += 2, count++)
		put64(&d, s);
	cert_section(&b, ca, cal, 0x20, &d);
	buf_free(&d);
	k = parse(&b, &err);
	assert_non_null(k);
	krl_counts(k, &n);
	assert_true(n.serials == count);
	fx_cert("user_bigserial", &c);
	c.serial = 2 * count - 1;
	assert_true(krl_cert_revoked(k, &c, NULL));
	c.serial = 2 * count + 1;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = 1234568;
	assert_false(krl_cert_revoked(k, &c, NULL));
	c.serial = 1234567;
	assert_true(krl_cert_revoked(k, &c, NULL));
	cert_free(&c);
	krl_free(k);
	buf_free(&b);
	free(ca);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_any_ca),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
