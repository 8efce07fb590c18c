/*
 * keyblob.c - the type and key fields of a public key blob, read as
 * OpenSSH 9.2's sshkey_from_blob_internal and its deserialize_public
 * functions read them, and the plain serialisation ssh-keygen -l hashes.
 * One reader for authorized_keys, known_hosts, certificates and KRLs, so a
 * key sshd cannot read is refused the same way everywhere.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "scanner/parse/keyblob.h"
#include "scanner/parse/sshbuf.h"

/* Limits sshd applies (sshbuf.h, sshkey.h). */
#define MAX_ECPOINT_BYTES	((528 * 2 / 8) + 1)
#define RSA_MIN_BITS		1024
/* How much of a bad value an error message quotes. */
#define SHOW_MAX		60

/*
 * The key types of a Debian 12 sshd (`ssh -Q key`), in the order OpenSSH
 * lists its implementations: blob type lookup takes the first match, which
 * matters for the case-insensitive short names. The rsa-sha2-* and webauthn
 * names are signature names that sshd also accepts as type words.
 */
static const struct kb_type kb_types[] = {
	{ "ssh-ed25519", "ED25519", "ssh-ed25519", "ssh-ed25519",
	    KB_ED25519, 0, 0 },
	{ "ssh-ed25519-cert-v01@openssh.com", "ED25519-CERT",
	    "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", KB_ED25519, 1, 0 },
	{ "sk-ssh-ed25519@openssh.com", "ED25519-SK",
	    "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com",
	    KB_ED25519_SK, 0, 0 },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", "ED25519-SK-CERT",
	    "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
	    KB_ED25519_SK, 1, 0 },
	{ "ecdsa-sha2-nistp256", "ECDSA", "ecdsa-sha2-nistp256",
	    "ecdsa-sha2-nistp256", KB_ECDSA, 0, 256 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-CERT",
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256",
	    KB_ECDSA, 1, 256 },
	{ "ecdsa-sha2-nistp384", "ECDSA", "ecdsa-sha2-nistp384",
	    "ecdsa-sha2-nistp384", KB_ECDSA, 0, 384 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ECDSA-CERT",
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384",
	    KB_ECDSA, 1, 384 },
	{ "ecdsa-sha2-nistp521", "ECDSA", "ecdsa-sha2-nistp521",
	    "ecdsa-sha2-nistp521", KB_ECDSA, 0, 521 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ECDSA-CERT",
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
	    KB_ECDSA, 1, 521 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK",
	    "sk-ecdsa-sha2-nistp256@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", KB_ECDSA_SK, 0, 256 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-SK-CERT",
	    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", KB_ECDSA_SK, 1, 256 },
	{ "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK",
	    "sk-ecdsa-sha2-nistp256@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", KB_ECDSA_SK, 0, 256 },
	{ "ssh-dss", "DSA", "ssh-dss", "ssh-dss", KB_DSA, 0, 0 },
	{ "ssh-dss-cert-v01@openssh.com", "DSA-CERT",
	    "ssh-dss-cert-v01@openssh.com", "ssh-dss", KB_DSA, 1, 0 },
	{ "ssh-rsa", "RSA", "ssh-rsa", "ssh-rsa", KB_RSA, 0, 0 },
	{ "ssh-rsa-cert-v01@openssh.com", "RSA-CERT",
	    "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", KB_RSA, 1, 0 },
	{ "rsa-sha2-256", "RSA", "ssh-rsa", "ssh-rsa", KB_RSA, 0, 0 },
	{ "rsa-sha2-256-cert-v01@openssh.com", "RSA-CERT",
	    "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", KB_RSA, 1, 0 },
	{ "rsa-sha2-512", "RSA", "ssh-rsa", "ssh-rsa", KB_RSA, 0, 0 },
	{ "rsa-sha2-512-cert-v01@openssh.com", "RSA-CERT",
	    "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", KB_RSA, 1, 0 },
};

/* A bounded quote of input for an error message: printable, cut short. */
char *
kb_shown(const char *s, size_t n)
{
	char *p, *r;

	if (n == 0)
		return xstrdup("");
	if (n <= SHOW_MAX)
		return str_printable(s, n);
	p = str_printable(s, SHOW_MAX);
	r = xasprintf("%s...", p);
	free(p);
	return r;
}

const struct kb_type *
kb_type_by_word(const char *w, size_t n)
{
	for (size_t i = 0; i < KA_ARRLEN(kb_types); i++)
		if (strlen(kb_types[i].name) == n && memcmp(kb_types[i].name, w, n) == 0)
			return &kb_types[i];
	return NULL;
}

/* sshkey_type_from_name: the exact name, or a plain type's short name. */
const struct kb_type *
kb_type_by_blobname(const char *name)
{
	for (size_t i = 0; i < KA_ARRLEN(kb_types); i++) {
		if (strcmp(kb_types[i].name, name) == 0)
			return &kb_types[i];
		if (!kb_types[i].cert && strcasecmp(kb_types[i].shortname, name) == 0)
			return &kb_types[i];
	}
	return NULL;
}
/* sshbuf_get_bignum2, with what sshd would say about a bad one. */
static int
rd_bignum(struct sshbuf *r, const unsigned char **d, size_t *n, const char **err)
{
	switch (sshbuf_get_bignum2(r, d, n)) {
	case 0:
		return 0;
	case SSHBUF_NEGATIVE:
		*err = "key data holds a negative number";
		return -1;
	case SSHBUF_TOO_LARGE:
		*err = "key data holds a number over 16384 bits";
		return -1;
	default:
		*err = "key data is truncated";
		return -1;
	}
}

static int
bignum_bits(const unsigned char *d, size_t n)
{
	int b = 0;

	if (n == 0)
		return 0;
	for (unsigned v = d[0]; v != 0; v >>= 1)
		b++;
	return (int)((n - 1) * 8) + b;
}

/* A bignum as sshbuf_put_bignum2 writes it: minimal, sign bit padded. */
static void
put_bignum(struct buf *b, const unsigned char *d, size_t n)
{
	int pad = n > 0 && (d[0] & 0x80) != 0;

	sshbuf_put_u32(b, (uint32_t)(n + pad));
	if (pad)
		buf_putc(b, 0);
	buf_append(b, d, n);
}

/*
 * sshd's checks on an ECDSA public point (get_ec, EC_POINT_oct2point and
 * sshkey_ec_validate_public): uncompressed, on the curve, not infinity,
 * coordinates neither tiny nor >= order-1. sshd also checks that order * Q
 * is infinity; the NIST curves have cofactor 1, so every point on them
 * passes, and the multiplication (about a millisecond on P-384) is skipped.
 */
/* Building an EC_GROUP costs more than checking a point on it, so the three
 * NIST curves are built once, before any thread could race for them. */
static EC_GROUP *curves[3];
static pthread_once_t curves_once = PTHREAD_ONCE_INIT;

static void
curves_init(void)
{
	curves[0] = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	curves[1] = EC_GROUP_new_by_curve_name(NID_secp384r1);
	curves[2] = EC_GROUP_new_by_curve_name(NID_secp521r1);
}

static const EC_GROUP *
curve_group(int bits)
{
	pthread_once(&curves_once, curves_init);
	switch (bits) {
	case 256:
		return curves[0];
	case 384:
		return curves[1];
	case 521:
		return curves[2];
	default:
		return NULL;
	}
}

static int
ec_point_ok(int bits, const unsigned char *d, size_t n)
{
	const EC_GROUP *g;
	EC_POINT *pt = NULL;
	BIGNUM *order = NULL, *x = NULL, *y = NULL, *tmp = NULL;
	int ok = 0;

	if (n == 0 || n > MAX_ECPOINT_BYTES || d[0] != POINT_CONVERSION_UNCOMPRESSED)
		return 0;
	if ((g = curve_group(bits)) == NULL || (pt = EC_POINT_new(g)) == NULL ||
	    (order = BN_new()) == NULL || (x = BN_new()) == NULL ||
	    (y = BN_new()) == NULL || (tmp = BN_new()) == NULL)
		goto out;
	if (EC_POINT_oct2point(g, pt, d, n, NULL) != 1 ||
	    EC_POINT_is_at_infinity(g, pt))
		goto out;
	if (EC_GROUP_get_order(g, order, NULL) != 1 ||
	    EC_POINT_get_affine_coordinates(g, pt, x, y, NULL) != 1)
		goto out;
	if (BN_num_bits(x) <= BN_num_bits(order) / 2 ||
	    BN_num_bits(y) <= BN_num_bits(order) / 2)
		goto out;
	if (!BN_sub(tmp, order, BN_value_one()) ||
	    BN_cmp(x, tmp) >= 0 || BN_cmp(y, tmp) >= 0)
		goto out;
	ok = 1;
 out:
	BN_free(order);
	BN_free(x);
	BN_free(y);
	BN_free(tmp);
	EC_POINT_free(pt);
	return ok;
}

/* Key fields shared by plain keys and certificates (deserialize_public). */
static int
parse_fields(struct sshbuf *r, struct kb_key *ki, char **err)
{
	const unsigned char *a, *b, *c, *d;
	size_t an, bn, cn, dn;
	const char *e = "key data is truncated";
	char *s = NULL, want[16];

	switch (ki->t->kind) {
	case KB_RSA:
		if (rd_bignum(r, &a, &an, &e) != 0 || rd_bignum(r, &b, &bn, &e) != 0)
			goto fail;
		ki->bits = bignum_bits(b, bn);
		put_bignum(&ki->plain, a, an);
		put_bignum(&ki->plain, b, bn);
		if (ki->bits < RSA_MIN_BITS) {
			*err = xasprintf("RSA key of %d bits: sshd refuses RSA keys "
			    "below %d bits", ki->bits, RSA_MIN_BITS);
			return -1;
		}
		return 0;
	case KB_DSA:
		if (rd_bignum(r, &a, &an, &e) != 0 || rd_bignum(r, &b, &bn, &e) != 0 ||
		    rd_bignum(r, &c, &cn, &e) != 0 || rd_bignum(r, &d, &dn, &e) != 0)
			goto fail;
		ki->bits = bignum_bits(a, an);
		put_bignum(&ki->plain, a, an);
		put_bignum(&ki->plain, b, bn);
		put_bignum(&ki->plain, c, cn);
		put_bignum(&ki->plain, d, dn);
		return 0;
	case KB_ECDSA:
	case KB_ECDSA_SK:
		/* The curve comes from the blob's exact type name: sshd finds
		 * no curve for a short name such as "ECDSA". */
		if (strcmp(ki->blobname, ki->t->name) != 0) {
			e = "key type inside the key data names no curve";
			goto fail;
		}
		ki->bits = ki->t->curve;
		if (sshbuf_get_cstring(r, &s) != 0)
			goto fail;
		snprintf(want, sizeof(want), "nistp%d", ki->bits);
		if (strcmp(s, want) != 0) {
			char *q = kb_shown(s, strlen(s));
			*err = xasprintf("ECDSA curve '%s' inside the key data does "
			    "not match %s", q, ki->t->name);
			free(q);
			free(s);
			return -1;
		}
		sshbuf_put_string(&ki->plain, s, strlen(s));
		free(s);
		if (sshbuf_get_string(r, &a, &an) != 0)
			goto fail;
		if (!ec_point_ok(ki->bits, a, an)) {
			e = "ECDSA public key is not a valid point on its curve";
			goto fail;
		}
		sshbuf_put_string(&ki->plain, a, an);
		break;
	case KB_ED25519:
	case KB_ED25519_SK:
		if (sshbuf_get_string(r, &a, &an) != 0)
			goto fail;
		if (an != 32) {
			*err = xasprintf("Ed25519 public key is %zu bytes, not 32", an);
			return -1;
		}
		ki->bits = 256;
		sshbuf_put_string(&ki->plain, a, an);
		break;
	}
	if (ki->t->kind == KB_ECDSA_SK || ki->t->kind == KB_ED25519_SK) {
		/* Security keys carry their FIDO application ("ssh:"). */
		if (sshbuf_get_cstring(r, &s) != 0) {
			e = "security key data has no application string";
			goto fail;
		}
		sshbuf_put_string(&ki->plain, s, strlen(s));
		free(s);
	}
	return 0;
 fail:
	*err = xstrdup(e);
	return -1;
}

void
kb_key_init(struct kb_key *k)
{
	memset(k, 0, sizeof(*k));
	buf_init(&k->plain);
}

void
kb_key_free(struct kb_key *k)
{
	free(k->blobname);
	buf_free(&k->plain);
	memset(k, 0, sizeof(*k));
	buf_init(&k->plain);
}

int
kb_read_key(struct sshbuf *r, int allow_cert, struct kb_key *k, char **err)
{
	const unsigned char *nonce;
	size_t nn;

	if (sshbuf_get_cstring(r, &k->blobname) != 0) {
		*err = xstrdup("key data is truncated or malformed");
		return -1;
	}
	if ((k->t = kb_type_by_blobname(k->blobname)) == NULL) {
		char *q = kb_shown(k->blobname, strlen(k->blobname));
		*err = xasprintf("unknown key type '%s' inside the key data", q);
		free(q);
		return -1;
	}
	if (k->t->cert && !allow_cert) {
		*err = xstrdup("a certificate where a plain key is needed");
		return -1;
	}
	sshbuf_put_string(&k->plain, k->t->plain, strlen(k->t->plain));
	if (k->t->cert && sshbuf_get_string(r, &nonce, &nn) != 0) {
		*err = xstrdup("certificate data is truncated");
		return -1;
	}
	return parse_fields(r, k, err);
}

int
kb_parse_plain(const unsigned char *blob, size_t len, struct kb_key *k,
    char **err)
{
	struct sshbuf r;

	sshbuf_init(&r, blob, len);
	if (kb_read_key(&r, 0, k, err) != 0)
		return -1;
	if (sshbuf_left(&r) != 0) {
		*err = xstrdup("unexpected bytes after the key data");
		return -1;
	}
	return 0;
}

char *
kb_fingerprint(const struct kb_key *k)
{
	return fingerprint_sha256((const unsigned char *)k->plain.data,
	    k->plain.len);
}
