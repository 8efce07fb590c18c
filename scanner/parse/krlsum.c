/* krlsum.c - a KRL walked for what it names (krlsum.h): the header, the CAs
 * its certificate sections are scoped to and the keys it revokes outright,
 * as fingerprints. Sections are read as krl.c lays them out (PROTOCOL.krl);
 * their serials and key ids are skipped, since no other host can be asked
 * about them without the certificate. */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "scanner/parse/krlsum.h"
#include "scanner/parse/sshbuf.h"

#define KRL_MAGIC "SSHKRL\n\0"
#define KRL_MAGIC_LEN 8

enum {
	SECT_CERTIFICATES = 1,
	SECT_EXPLICIT_KEY = 2,
	SECT_SHA1 = 3,
	SECT_SIGNATURE = 4,
	SECT_SHA256 = 5,
};

static int
skip_string(struct sshbuf *b)
{
	const unsigned char *d;
	size_t n;

	return sshbuf_get_string(b, &d, &n);
}

static char *
hash_fp(const char *prefix, const unsigned char *md, size_t n)
{
	char *b64 = base64_encode(md, n), *fp;
	size_t l = strlen(b64);

	while (l > 0 && b64[l - 1] == '=')
		b64[--l] = '\0';
	fp = xasprintf("%s:%s", prefix, b64);
	free(b64);
	return fp;
}

char *
fingerprint_sha1(const unsigned char *blob, size_t len)
{
	unsigned char md[SHA_DIGEST_LENGTH];

	SHA1(blob, len, md);
	return hash_fp("SHA1", md, sizeof(md));
}

static void
keep(struct krl_summary *s, struct strlist *l, char *fp)
{
	if (l->n >= KRLSUM_MAX_FPS || strlist_has(l, fp)) {
		if (l->n >= KRLSUM_MAX_FPS)
			s->dropped++;
		free(fp);
		return;
	}
	strlist_add_owned(l, fp);
}

static int
fail(struct krl_summary *s, int sect, const char *what)
{
	if (s->error == NULL)
		s->error = sect > 0 ? xasprintf("section %d: %s", sect, what) :
		    xstrdup(what);
	return -1;
}

/* A certificate section: its CA (empty: any CA) and subsections skipped. */
static int
cert_section(struct krl_summary *s, struct sshbuf *b, int n)
{
	const unsigned char *ca;
	size_t calen;

	if (sshbuf_get_string(b, &ca, &calen) != 0 ||
	    skip_string(b) != 0)
		return fail(s, n, "truncated certificate section header");
	if (calen == 0)
		s->any_ca = 1;
	else
		keep(s, &s->ca_fps, fingerprint_sha256(ca, calen));
	while (sshbuf_left(b) > 0) {
		uint8_t t;

		if (sshbuf_get_u8(b, &t) != 0 || skip_string(b) != 0)
			return fail(s, n, "truncated certificate subsection");
	}
	return 0;
}

/* Strings of keys (hashlen 0) or hashes of hashlen bytes. */
static int
blob_section(struct krl_summary *s, struct sshbuf *b, int n, size_t hashlen,
    const char *prefix)
{
	while (sshbuf_left(b) > 0) {
		const unsigned char *d;
		size_t dl;

		if (sshbuf_get_string(b, &d, &dl) != 0)
			return fail(s, n, "truncated entry");
		if (hashlen == 0) {
			if (dl == 0)
				return fail(s, n, "empty key");
			keep(s, &s->key_fps, fingerprint_sha256(d, dl));
			keep(s, &s->key_fps, fingerprint_sha1(d, dl));
		} else if (dl != hashlen)
			return fail(s, n, "hash of the wrong length");
		else
			keep(s, &s->key_fps, hash_fp(prefix, d, dl));
	}
	return 0;
}

int
krl_summarize(const unsigned char *data, size_t len, struct krl_summary *s)
{
	struct sshbuf b;
	uint64_t flags;
	char *comment = NULL;
	int n = 0;

	memset(s, 0, sizeof(*s));
	if (len < KRL_MAGIC_LEN || memcmp(data, KRL_MAGIC, KRL_MAGIC_LEN) != 0)
		return fail(s, 0, "no KRL magic");
	sshbuf_init(&b, data + KRL_MAGIC_LEN, len - KRL_MAGIC_LEN);
	if (sshbuf_get_u32(&b, &s->format) != 0 ||
	    sshbuf_get_u64(&b, &s->version) != 0 ||
	    sshbuf_get_u64(&b, &s->generated) != 0 ||
	    sshbuf_get_u64(&b, &flags) != 0 ||
	    skip_string(&b) != 0 ||
	    sshbuf_get_cstring(&b, &comment) != 0)
		return fail(s, 0, "truncated header");
	s->header_ok = 1;
	if (comment != NULL && comment[0] != '\0')
		s->comment = str_printable(comment, strlen(comment));
	free(comment);
	while (sshbuf_left(&b) > 0) {
		struct sshbuf sect;
		uint8_t type;
		int r = 0;

		n++;
		if (sshbuf_get_u8(&b, &type) != 0 || sshbuf_get_sub(&b, &sect) != 0)
			return fail(s, n, "truncated section");
		switch (type) {
		case SECT_CERTIFICATES:
			r = cert_section(s, &sect, n);
			break;
		case SECT_EXPLICIT_KEY:
			r = blob_section(s, &sect, n, 0, NULL);
			break;
		case SECT_SHA1:
			r = blob_section(s, &sect, n, SHA_DIGEST_LENGTH, "SHA1");
			break;
		case SECT_SHA256:
			r = blob_section(s, &sect, n, SHA256_DIGEST_LENGTH, "SHA256");
			break;
		case SECT_SIGNATURE:
			/* the signing key, then the signature after it */
			if (skip_string(&b) != 0)
				return fail(s, n, "truncated signature");
			break;
		default:
			return fail(s, n, "unknown section type");
		}
		if (r != 0)
			return -1;
	}
	return 0;
}

void
krl_summary_free(struct krl_summary *s)
{
	free(s->comment);
	free(s->error);
	strlist_free(&s->ca_fps);
	strlist_free(&s->key_fps);
	memset(s, 0, sizeof(*s));
}
