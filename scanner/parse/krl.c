/*
 * krl.c - OpenSSH key revocation lists (PROTOCOL.krl) read as OpenSSH
 * 9.2's ssh_krl_from_blob reads them, and queried as ssh_krl_check_key
 * answers sshd. A KRL sshd cannot load makes it refuse every key, so every
 * rule it loads by is kept: the magic and format version, a CA key it can
 * read, serial 0 and backwards ranges refused, a bitmap that wraps, data
 * left in a section, sections after a signature, and each signature
 * verified over the KRL before it (cert_sig_verify).
 *
 * The file is hostile: every entry is stored flat (ranges, hashes, key ids
 * and blobs in arrays and one byte arena, tagged with their CA scope), so
 * what a KRL costs is a small multiple of its size, and lookups are binary
 * searches over sorted arrays.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/keyblob.h"
#include "scanner/parse/krl.h"
#include "scanner/parse/sshbuf.h"
#include "scanner/strmap.h"
#include "scanner/util.h"

#define KRL_MAGIC		"SSHKRL\n\0"
#define KRL_MAGIC_LEN		8
#define KRL_FORMAT_VERSION	1

#define SECT_CERTIFICATES	1
#define SECT_EXPLICIT_KEY	2
#define SECT_SHA1		3
#define SECT_SIGNATURE		4
#define SECT_SHA256		5

#define CERT_SERIAL_LIST	0x20
#define CERT_SERIAL_RANGE	0x21
#define CERT_SERIAL_BITMAP	0x22
#define CERT_KEY_ID		0x23

/* Offsets into the arena are 32-bit. */
#define KRL_MAX_LEN		(1024UL * 1024 * 1024)
/* Scope index of the "any CA" section. */
#define SCOPE_ANY		0

struct range {
	uint64_t lo, hi;
	uint32_t scope;
};

struct bitmap {
	uint64_t lo;
	uint32_t off, len;	/* the mpint's bytes in the arena */
	uint32_t scope;
};

/* A string in the arena: a key id (with its scope), a key blob or hash. */
struct ref {
	uint32_t off, len;
	uint32_t scope;
};

struct krl {
	uint64_t version, generated, flags;
	char *comment;
	struct buf arena;
	/* CA scopes: 0 is "any CA"; others by the CA key's fingerprint
	 * (sshkey_equal on plain keys); a certificate as CA matches none */
	struct strmap cas;
	size_t ncas;
	int have_any;
	struct range *ranges;
	size_t nranges, rcap;
	struct bitmap *bitmaps;
	size_t nbitmaps, bcap;
	struct ref *ids, *keys, *sha1, *sha256;
	size_t nids, idcap, nkeys, keycap, nsha1, sha1cap, nsha256, sha256cap;
	uint64_t nserials;
	/* signers of the KRL, checked against it once loaded */
	struct strlist signers;
};

int
krl_is_krl(const unsigned char *data, size_t len)
{
	return len >= KRL_MAGIC_LEN && memcmp(data, KRL_MAGIC, KRL_MAGIC_LEN) == 0;
}

void
krl_free(struct krl *k)
{
	if (k == NULL)
		return;
	free(k->comment);
	buf_free(&k->arena);
	strmap_free(&k->cas);
	free(k->ranges);
	free(k->bitmaps);
	free(k->ids);
	free(k->keys);
	free(k->sha1);
	free(k->sha256);
	strlist_free(&k->signers);
	free(k);
}

uint64_t
krl_version(const struct krl *k)
{
	return k->version;
}

uint64_t
krl_generated(const struct krl *k)
{
	return k->generated;
}

const char *
krl_comment(const struct krl *k)
{
	return k->comment != NULL ? k->comment : "";
}

void
krl_counts(const struct krl *k, struct krl_counts *out)
{
	memset(out, 0, sizeof(*out));
	out->serials = k->nserials;
	out->key_ids = k->nids;
	out->keys = k->nkeys;
	out->sha1 = k->nsha1;
	out->sha256 = k->nsha256;
	out->cas = k->ncas + (k->have_any ? 1 : 0);
}

static void
add_serials(struct krl *k, uint64_t n)
{
	k->nserials = k->nserials > UINT64_MAX - n ? UINT64_MAX : k->nserials + n;
}

static uint32_t
arena_add(struct krl *k, const void *d, size_t n)
{
	uint32_t off = (uint32_t)k->arena.len;

	buf_append(&k->arena, d, n);
	return off;
}

static const unsigned char *
arena_at(const struct krl *k, uint32_t off)
{
	return (const unsigned char *)k->arena.data + off;
}

static void
add_ref(struct krl *k, struct ref **v, size_t *n, size_t *cap,
    const unsigned char *d, size_t len, uint32_t scope)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].off = arena_add(k, d, len);
	(*v)[*n].len = (uint32_t)len;
	(*v)[*n].scope = scope;
	(*n)++;
}

static void
add_range(struct krl *k, uint64_t lo, uint64_t hi, uint32_t scope)
{
	if (k->nranges == k->rcap) {
		k->rcap = k->rcap ? k->rcap * 2 : 16;
		k->ranges = xreallocarray(k->ranges, k->rcap, sizeof(*k->ranges));
	}
	k->ranges[k->nranges].lo = lo;
	k->ranges[k->nranges].hi = hi;
	k->ranges[k->nranges].scope = scope;
	k->nranges++;
	add_serials(k, hi - lo == UINT64_MAX ? UINT64_MAX : hi - lo + 1);
}

static int
bit_set(const unsigned char *d, size_t n, uint64_t i)
{
	return (d[n - 1 - i / 8] >> (i % 8)) & 1;
}

static size_t
popcount_bytes(const unsigned char *d, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (size_t)__builtin_popcount(d[i]);
	return c;
}

/* A CA key's scope: the "any CA" scope for an empty key. */
static int
ca_scope(struct krl *k, const unsigned char *blob, size_t len,
    uint32_t *scope, char **err)
{
	struct kb_key key;
	struct sshbuf r;
	char *fp, *kerr = NULL;
	int added;
	size_t i;

	if (len == 0) {
		k->have_any = 1;
		*scope = SCOPE_ANY;
		return 0;
	}
	/* sshkey_from_blob: a certificate is allowed, and equals no CA key
	 * of a certificate sshd checks (those are plain). */
	kb_key_init(&key);
	sshbuf_init(&r, blob, len);
	if (kb_read_key(&r, 1, &key, &kerr) != 0) {
		*err = xasprintf("unreadable CA key: %s", kerr);
		free(kerr);
		kb_key_free(&key);
		return -1;
	}
	if (key.t->cert) {
		struct ssh_cert c;

		kb_key_free(&key);
		if (cert_parse(blob, len, &c, &kerr) != 0) {
			*err = xasprintf("unreadable CA key: %s", kerr);
			free(kerr);
			return -1;
		}
		fp = xasprintf("cert:%s:%llu", c.key_fp,
		    (unsigned long long)c.serial);
		cert_free(&c);
	} else {
		if (sshbuf_left(&r) != 0) {
			kb_key_free(&key);
			*err = xstrdup("unexpected bytes after the CA key");
			return -1;
		}
		fp = kb_fingerprint(&key);
		kb_key_free(&key);
	}
	i = strmap_add(&k->cas, fp, strlen(fp), 0, &added);
	free(fp);
	if (i == STRMAP_NONE) {
		*err = xstrdup("too many CA keys");
		return -1;
	}
	if (added)
		k->ncas++;
	*scope = (uint32_t)i + 1;
	return 0;
}

/* parse_revoked_certs */
static int
cert_section(struct krl *k, struct sshbuf *s, char **err)
{
	const unsigned char *ca, *d;
	size_t can, n;
	uint8_t type;
	struct sshbuf sub;
	uint32_t scope;
	uint64_t lo, hi;
	char *id;

	if (sshbuf_get_string(s, &ca, &can) != 0 ||
	    sshbuf_get_string(s, &d, &n) != 0) {
		*err = xstrdup("certificate section header is truncated");
		return -1;
	}
	if (ca_scope(k, ca, can, &scope, err) != 0)
		return -1;
	while (sshbuf_left(s) > 0) {
		if (sshbuf_get_u8(s, &type) != 0 || sshbuf_get_sub(s, &sub) != 0) {
			*err = xstrdup("certificate subsection is truncated");
			return -1;
		}
		switch (type) {
		case CERT_SERIAL_LIST:
			while (sshbuf_left(&sub) > 0) {
				if (sshbuf_get_u64(&sub, &lo) != 0) {
					*err = xstrdup("serial list is truncated");
					return -1;
				}
				if (lo == 0) {
					*err = xstrdup("serial 0 cannot be revoked");
					return -1;
				}
				add_range(k, lo, lo, scope);
			}
			break;
		case CERT_SERIAL_RANGE:
			if (sshbuf_get_u64(&sub, &lo) != 0 ||
			    sshbuf_get_u64(&sub, &hi) != 0) {
				*err = xstrdup("serial range is truncated");
				return -1;
			}
			if (lo == 0 || lo > hi) {
				*err = xasprintf("serial range %llu-%llu is "
				    "invalid", (unsigned long long)lo,
				    (unsigned long long)hi);
				return -1;
			}
			add_range(k, lo, hi, scope);
			break;
		case CERT_SERIAL_BITMAP: {
			uint64_t nbits;

			if (sshbuf_get_u64(&sub, &lo) != 0 ||
			    sshbuf_get_bignum2(&sub, &d, &n) != 0) {
				*err = xstrdup("serial bitmap is malformed");
				return -1;
			}
			if (n == 0)
				break;
			nbits = (n - 1) * 8;
			for (unsigned v = d[0]; v != 0; v >>= 1)
				nbits++;
			if (lo != 0 && nbits - 1 > UINT64_MAX - lo) {
				*err = xstrdup("serial bitmap wraps u64");
				return -1;
			}
			if (lo == 0 && bit_set(d, n, 0)) {
				*err = xstrdup("serial 0 cannot be revoked");
				return -1;
			}
			if (k->nbitmaps == k->bcap) {
				k->bcap = k->bcap ? k->bcap * 2 : 8;
				k->bitmaps = xreallocarray(k->bitmaps, k->bcap,
				    sizeof(*k->bitmaps));
			}
			k->bitmaps[k->nbitmaps].lo = lo;
			k->bitmaps[k->nbitmaps].off = arena_add(k, d, n);
			k->bitmaps[k->nbitmaps].len = (uint32_t)n;
			k->bitmaps[k->nbitmaps].scope = scope;
			k->nbitmaps++;
			add_serials(k, popcount_bytes(d, n));
			break;
		}
		case CERT_KEY_ID:
			while (sshbuf_left(&sub) > 0) {
				if (sshbuf_get_cstring(&sub, &id) != 0) {
					*err = xstrdup("key id is malformed");
					return -1;
				}
				add_ref(k, &k->ids, &k->nids, &k->idcap,
				    (unsigned char *)id, strlen(id), scope);
				free(id);
			}
			break;
		default:
			*err = xasprintf("unsupported certificate subsection "
			    "0x%02x", type);
			return -1;
		}
		if (sshbuf_left(&sub) > 0) {
			*err = xstrdup("certificate subsection contains unparsed "
			    "data");
			return -1;
		}
	}
	return 0;
}

/* blob_section: strings, each of the expected length when there is one. */
static int
blob_section(struct krl *k, struct sshbuf *s, size_t want, struct ref **v,
    size_t *n, size_t *cap, char **err)
{
	const unsigned char *d;
	size_t dn;

	while (sshbuf_left(s) > 0) {
		if (sshbuf_get_string(s, &d, &dn) != 0) {
			*err = xstrdup("entry is truncated");
			return -1;
		}
		if (want != 0 && dn != want) {
			*err = xasprintf("a hash of %zu bytes, not %zu", dn, want);
			return -1;
		}
		add_ref(k, v, n, cap, d, dn, 0);
	}
	return 0;
}

/* The first pass: the signature sections, each checked over the KRL up to
 * its signature, and nothing but signatures after the first. */
static int
signatures(struct krl *k, const unsigned char *data, struct sshbuf *r,
    char **err)
{
	struct sshbuf s = *r;
	const unsigned char *key, *sig;
	size_t keyn, sign, sig_off;
	uint8_t type;
	int seen = 0, nsect = 0, rc;
	char *verr = NULL, *fp;
	struct kb_key kk;

	while (sshbuf_left(&s) > 0) {
		nsect++;
		if (sshbuf_get_u8(&s, &type) != 0 ||
		    sshbuf_get_string(&s, &key, &keyn) != 0) {
			*err = xasprintf("section %d: truncated", nsect);
			return -1;
		}
		if (type != SECT_SIGNATURE) {
			if (seen) {
				*err = xasprintf("section %d: a section after "
				    "the signature", nsect);
				return -1;
			}
			continue;
		}
		seen = 1;
		sig_off = s.pos;
		if (sshbuf_get_string(&s, &sig, &sign) != 0) {
			*err = xasprintf("section %d: the signature is "
			    "truncated", nsect);
			return -1;
		}
		kb_key_init(&kk);
		if (kb_parse_plain(key, keyn, &kk, &verr) != 0) {
			*err = xasprintf("section %d: unreadable signing key: %s",
			    nsect, verr);
			free(verr);
			kb_key_free(&kk);
			return -1;
		}
		fp = kb_fingerprint(&kk);
		kb_key_free(&kk);
		rc = cert_sig_verify(key, keyn, sig, sign, data, sig_off, &verr);
		if (rc == 0) {
			*err = xasprintf("section %d: %s", nsect, verr);
			free(verr);
			free(fp);
			return -1;
		}
		/* a signature libcrypto cannot check here is taken as good */
		free(verr);
		verr = NULL;
		if (strlist_has(&k->signers, fp)) {
			*err = xasprintf("section %d: KRL signed more than once "
			    "with the same key", nsect);
			free(fp);
			return -1;
		}
		strlist_add_owned(&k->signers, fp);
		/* the signing key's blob, for the revocation check after */
		strlist_add_owned(&k->signers, base64_encode(key, keyn));
	}
	return 0;
}

static int
cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static int
cmp_ref(const void *a, const void *b, void *ctx)
{
	const struct ref *x = a, *y = b;
	const struct krl *k = ctx;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if ((c = memcmp(arena_at(k, x->off), arena_at(k, y->off), n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Sorted, and overlapping or touching ranges of a scope merged. */
static void
merge_ranges(struct krl *k)
{
	size_t o = 0;

	qsort(k->ranges, k->nranges, sizeof(*k->ranges), cmp_range);
	for (size_t i = 0; i < k->nranges; i++) {
		struct range *p = o > 0 ? &k->ranges[o - 1] : NULL;

		if (p != NULL && p->scope == k->ranges[i].scope &&
		    (p->hi == UINT64_MAX || k->ranges[i].lo <= p->hi + 1)) {
			if (k->ranges[i].hi > p->hi)
				p->hi = k->ranges[i].hi;
			continue;
		}
		k->ranges[o++] = k->ranges[i];
	}
	k->nranges = o;
}

static int
is_revoked_key(const struct krl *k, const unsigned char *plain, size_t len,
    char **why);

struct krl *
krl_parse(const unsigned char *data, size_t len, char **err)
{
	struct krl *k;
	struct sshbuf r, s;
	uint32_t fmt;
	uint8_t type;
	const unsigned char *d;
	size_t n;
	char *e = NULL, *comment;
	int nsect = 0;

	*err = NULL;
	if (!krl_is_krl(data, len)) {
		*err = xstrdup("not a KRL (no SSHKRL magic)");
		return NULL;
	}
	if (len > KRL_MAX_LEN) {
		*err = xstrdup("KRL larger than 1 GiB");
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	buf_init(&k->arena);
	strmap_init(&k->cas, 0);
	sshbuf_init(&r, data, len);
	sshbuf_skip(&r, KRL_MAGIC_LEN);
	if (sshbuf_get_u32(&r, &fmt) != 0) {
		e = xstrdup("header: truncated");
		goto fail;
	}
	if (fmt != KRL_FORMAT_VERSION) {
		e = xasprintf("header: format version %u, not %d", fmt,
		    KRL_FORMAT_VERSION);
		goto fail;
	}
	if (sshbuf_get_u64(&r, &k->version) != 0 ||
	    sshbuf_get_u64(&r, &k->generated) != 0 ||
	    sshbuf_get_u64(&r, &k->flags) != 0 ||
	    sshbuf_get_string(&r, &d, &n) != 0 ||
	    sshbuf_get_cstring(&r, &comment) != 0) {
		e = xstrdup("header: truncated or malformed");
		goto fail;
	}
	k->comment = str_printable(comment, strlen(comment));
	free(comment);
	if (signatures(k, data, &r, &e) != 0)
		goto fail;
	while (sshbuf_left(&r) > 0) {
		nsect++;
		if (sshbuf_get_u8(&r, &type) != 0 || sshbuf_get_sub(&r, &s) != 0) {
			e = xasprintf("section %d: truncated", nsect);
			goto fail;
		}
		switch (type) {
		case SECT_CERTIFICATES:
			if (cert_section(k, &s, &e) != 0)
				goto sect_fail;
			break;
		case SECT_EXPLICIT_KEY:
			if (blob_section(k, &s, 0, &k->keys, &k->nkeys,
			    &k->keycap, &e) != 0)
				goto sect_fail;
			break;
		case SECT_SHA1:
			if (blob_section(k, &s, 20, &k->sha1, &k->nsha1,
			    &k->sha1cap, &e) != 0)
				goto sect_fail;
			break;
		case SECT_SHA256:
			if (blob_section(k, &s, 32, &k->sha256, &k->nsha256,
			    &k->sha256cap, &e) != 0)
				goto sect_fail;
			break;
		case SECT_SIGNATURE:
			/* checked in the first pass */
			sshbuf_skip(&s, sshbuf_left(&s));
			if (sshbuf_get_string(&r, &d, &n) != 0) {
				e = xasprintf("section %d: truncated", nsect);
				goto fail;
			}
			break;
		default:
			e = xasprintf("section %d: unsupported section type %u",
			    nsect, type);
			goto fail;
		}
		if (sshbuf_left(&s) > 0) {
			e = xasprintf("section %d: section contains unparsed "
			    "data", nsect);
			goto fail;
		}
	}
	merge_ranges(k);
	qsort_r(k->ids, k->nids, sizeof(*k->ids), cmp_ref, k);
	qsort_r(k->keys, k->nkeys, sizeof(*k->keys), cmp_ref, k);
	qsort_r(k->sha1, k->nsha1, sizeof(*k->sha1), cmp_ref, k);
	qsort_r(k->sha256, k->nsha256, sizeof(*k->sha256), cmp_ref, k);
	/* ssh_krl_from_blob: a KRL all of whose signers it revokes is
	 * refused */
	if (k->signers.n > 0) {
		int good = 0;

		for (size_t i = 1; i < k->signers.n; i += 2) {
			const char *b64 = k->signers.v[i];
			unsigned char *blob = xmalloc(strlen(b64) + 1);
			long bl = base64_decode(b64, strlen(b64), blob,
			    strlen(b64) + 1);

			if (bl >= 0 && !krl_key_revoked(k, blob, (size_t)bl, NULL))
				good = 1;
			free(blob);
		}
		if (!good) {
			e = xstrdup("all keys used to sign the KRL are revoked "
			    "by it");
			goto fail;
		}
	}
	return k;
 sect_fail:
	{
		char *t = xasprintf("section %d: %s", nsect, e);

		free(e);
		e = t;
	}
 fail:
	*err = e;
	krl_free(k);
	return NULL;
}

/* Binary search of a sorted ref array for (scope, bytes). */
static int
find_ref(const struct krl *k, const struct ref *v, size_t n, uint32_t scope,
    const void *d, size_t len)
{
	size_t lo = 0, hi = n;
	size_t m, c;
	int r;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (v[m].scope != scope)
			r = v[m].scope < scope ? -1 : 1;
		else {
			c = v[m].len < len ? v[m].len : len;
			r = memcmp(arena_at(k, v[m].off), d, c);
			if (r == 0)
				r = v[m].len < len ? -1 : v[m].len > len;
		}
		if (r == 0)
			return 1;
		if (r < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

static int
serial_revoked(const struct krl *k, uint32_t scope, uint64_t serial)
{
	size_t lo = 0, hi = k->nranges, m;

	/* the last range of the scope starting at or below serial */
	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (k->ranges[m].scope < scope ||
		    (k->ranges[m].scope == scope && k->ranges[m].lo <= serial))
			lo = m + 1;
		else
			hi = m;
	}
	if (lo > 0 && k->ranges[lo - 1].scope == scope &&
	    k->ranges[lo - 1].hi >= serial)
		return 1;
	for (size_t i = 0; i < k->nbitmaps; i++) {
		const struct bitmap *b = &k->bitmaps[i];
		uint64_t bit;

		if (b->scope != scope || serial < b->lo)
			continue;
		bit = serial - b->lo;
		if (bit / 8 < b->len && bit_set(arena_at(k, b->off), b->len, bit))
			return 1;
	}
	return 0;
}

static void
say(char **why, char *msg)
{
	if (why != NULL)
		*why = msg;
	else
		free(msg);
}

/* is_key_revoked's first half: a plain key blob by its hashes and as an
 * explicit key. */
static int
is_revoked_key(const struct krl *k, const unsigned char *plain, size_t len,
    char **why)
{
	unsigned char md1[SHA_DIGEST_LENGTH], md256[SHA256_DIGEST_LENGTH];
	char *fp;

	SHA1(plain, len, md1);
	SHA256(plain, len, md256);
	if (find_ref(k, k->sha1, k->nsha1, 0, md1, sizeof(md1))) {
		fp = fingerprint_sha256(plain, len);
		say(why, xasprintf("key %s is revoked by its SHA1 fingerprint",
		    fp));
		free(fp);
		return 1;
	}
	if (find_ref(k, k->sha256, k->nsha256, 0, md256, sizeof(md256))) {
		fp = fingerprint_sha256(plain, len);
		say(why, xasprintf("key %s is revoked by its SHA256 fingerprint",
		    fp));
		free(fp);
		return 1;
	}
	if (find_ref(k, k->keys, k->nkeys, 0, plain, len)) {
		fp = fingerprint_sha256(plain, len);
		say(why, xasprintf("key %s is revoked explicitly", fp));
		free(fp);
		return 1;
	}
	return 0;
}

int
krl_key_revoked(const struct krl *k, const unsigned char *blob, size_t len,
    char **why)
{
	struct kb_key key;
	char *err = NULL;
	int r;

	if (why != NULL)
		*why = NULL;
	/* sshd compares the key as it serialises it: a plain key, whatever
	 * the blob's spelling (leading zeros, short type names), and a
	 * certificate by its certified key */
	kb_key_init(&key);
	if (kb_parse_plain(blob, len, &key, &err) != 0) {
		struct ssh_cert c;

		free(err);
		kb_key_free(&key);
		if (cert_parse(blob, len, &c, NULL) != 0)
			return is_revoked_key(k, blob, len, why);
		r = krl_cert_revoked(k, &c, why);
		cert_free(&c);
		return r;
	}
	r = is_revoked_key(k, (const unsigned char *)key.plain.data,
	    key.plain.len, why);
	kb_key_free(&key);
	return r;
}

/* is_cert_revoked for one scope: the key id, then the serial (0 never). */
static int
scope_revoked(const struct krl *k, uint32_t scope, const struct ssh_cert *c,
    const char *where, char **why)
{
	if (find_ref(k, k->ids, k->nids, scope, c->key_id, strlen(c->key_id))) {
		char *id = str_printable(c->key_id, strlen(c->key_id));

		say(why, xasprintf("key id \"%s\" is revoked %s", id, where));
		free(id);
		return 1;
	}
	if (c->serial != 0 && serial_revoked(k, scope, c->serial)) {
		say(why, xasprintf("serial %llu is revoked %s",
		    (unsigned long long)c->serial, where));
		return 1;
	}
	return 0;
}

int
krl_cert_revoked(const struct krl *k, const struct ssh_cert *c, char **why)
{
	size_t i;
	char *where;
	int r;

	if (why != NULL)
		*why = NULL;
	if (is_revoked_key(k, c->key_blob, c->key_bloblen, why))
		return 1;
	if (c->ca_fp != NULL &&
	    (i = strmap_find(&k->cas, c->ca_fp, strlen(c->ca_fp))) != STRMAP_NONE) {
		where = xasprintf("for CA %s", c->ca_fp);
		r = scope_revoked(k, (uint32_t)i + 1, c, where, why);
		free(where);
		if (r)
			return 1;
	}
	if (k->have_any && scope_revoked(k, SCOPE_ANY, c, "for any CA", why))
		return 1;
	return 0;
}
