/*
 * knownhosts.c - known_hosts lines read as ssh 9.2 reads them
 * (hostfile.c hostkeys_foreach_file, check_markers, match_maybe_hashed) and a
 * presented host key judged as check_host_key() in sshconnect.c judges it.
 *
 * The key part of a line goes through ak_parse_line(): ssh and sshd read it
 * with the same sshkey_read(), so the rules for a readable key live in one
 * place (authkeys.c). Keys are compared by the fingerprint of their public
 * part, which is what sshkey_equal_public compares: an RSA key written as
 * rsa-sha2-512 equals the same key written as ssh-rsa.
 *
 * A fleet scan checks thousands of hosts against one db, so plain names are
 * kept in a hash table, and each hashed line keeps its HMAC key schedule
 * (the SHA-1 states after the padded salt) so a lookup costs two SHA-1
 * blocks per hashed line instead of a full HMAC setup.
 */
/* The SHA1_* calls are deprecated in OpenSSL 3 but are the only way to keep
 * an HMAC midstate: EVP context copies allocate on every lookup. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include "scanner/parse/authkeys.h"
#include "scanner/parse/cert.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshbuf.h"
#include "scanner/strmap.h"
#include "scanner/util.h"

#define HASH_MAGIC	"|1|"
#define CA_MARKER	"@cert-authority"
#define REVOKE_MARKER	"@revoked"
/* Length of base64 for 20 bytes, as ssh writes it (one '='). */
#define B64_20		28
/* ssh's match_pattern_list gives up on a sub-pattern of 1023 bytes or more. */
#define SUBPATTERN_MAX	1022
/* How much of a bad value an error message quotes. */
#define SHOW_MAX	60

/* ssh's default CASignatureAlgorithms (readconf.c, 9.2). */
#define CA_SIGN_ALGS	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

/* A line ssh may have to match by scanning: hashed or with patterns. */
struct kh_scan {
	uint32_t line;
	int hm;			/* index into db->hm for a hashed line, else -1 */
	char *lpattern;		/* host field lower-cased, for a pattern line */
};

/* The HMAC-SHA1 key schedule of one salt. */
struct kh_hm {
	SHA_CTX in, out;
};

/* The lines naming a plain name (db->namemap's entry of the same index),
 * in file order. */
struct kh_name {
	uint32_t head, tail;	/* into db->post, UINT32_MAX = none */
};

struct kh_post {
	uint32_t line;
	uint32_t next;
};

struct kh_db {
	struct kh_line *lines;
	size_t n, cap;
	struct strlist files;
	struct strlist errors;
	size_t bytes;
	int full;
	time_t now;

	struct kh_scan *scan;
	size_t nscan, scancap;
	struct kh_hm *hm;
	size_t nhm, hmcap;

	struct strmap namemap;	/* plain names, each with names[] of its index */
	struct kh_name *names;
	size_t namecap;
	struct kh_post *post;
	size_t npost, postcap;
};

/* Line indices in file order: the entries that name one host. */
struct cands {
	uint32_t *v;
	size_t n, cap;
};

/* The presented key, reduced to what ssh compares. */
struct pkey {
	char *fp;		/* public part (a certificate's own key) */
	int is_cert;
	char *ca_fp;		/* certificate: its CA key */
	struct ssh_cert cert;	/* a certificate as cert.c reads it */
	int have_cert;
	char *error;
};

static char *
shown(const char *s, size_t n)
{
	char *p, *r;

	if (n <= SHOW_MAX)
		return str_printable(s, n);
	p = str_printable(s, SHOW_MAX);
	r = xasprintf("%s...", p);
	free(p);
	return r;
}

static char *
lowercase(const char *s)
{
	char *r = xstrdup(s);

	for (char *c = r; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return r;
}

/* put_host_port(): "[host]:port" unless the port is 0 or 22. */
static char *
host_port(const char *lhost, int port)
{
	if (port == 0 || port == 22)
		return xstrdup(lhost);
	return xasprintf("[%s]:%d", lhost, port);
}

/* --- parsing --- */

/*
 * check_markers(): ssh ends a marker at the first blank of the rest of the
 * line (a space anywhere wins over an earlier tab), allows one marker, and
 * compares it case-sensitively. Returns the marker or -1.
 */
static int
read_marker(const char **cpp, char **why)
{
	const char *cp = *cpp, *sp;
	int ret = KH_MARK_NONE;
	char marker[32];

	while (*cp == '@') {
		if (ret != KH_MARK_NONE) {
			*why = xstrdup("more than one marker (ssh allows one of "
			    "@cert-authority, @revoked)");
			return -1;
		}
		if ((sp = strchr(cp, ' ')) == NULL && (sp = strchr(cp, '\t')) == NULL) {
			*why = xstrdup("a marker and nothing after it");
			return -1;
		}
		if (sp <= cp + 1 || sp >= cp + sizeof(marker)) {
			char *q = shown(cp, strcspn(cp, " \t"));

			*why = xasprintf("unknown marker '%s' (ssh knows "
			    "@cert-authority and @revoked)", q);
			free(q);
			return -1;
		}
		memcpy(marker, cp, (size_t)(sp - cp));
		marker[sp - cp] = '\0';
		if (strcmp(marker, CA_MARKER) == 0)
			ret = KH_MARK_CA;
		else if (strcmp(marker, REVOKE_MARKER) == 0)
			ret = KH_MARK_REVOKED;
		else {
			char *q = shown(marker, strlen(marker));

			*why = xasprintf("unknown marker '%s' (ssh knows "
			    "@cert-authority and @revoked, in lower case, followed "
			    "by a space)", q);
			free(q);
			return -1;
		}
		for (cp = sp; *cp == ' ' || *cp == '\t'; cp++)
			;
	}
	*cpp = cp;
	return ret;
}

/* Exactly 28 characters of canonical base64 for 20 bytes. */
static int
b64_20(const char *s, unsigned char out[KH_SALT_LEN])
{
	char *re;
	int ok;

	if (base64_decode(s, B64_20, out, KH_SALT_LEN) != KH_SALT_LEN)
		return 0;
	re = base64_encode(out, KH_SALT_LEN);
	ok = memcmp(re, s, B64_20) == 0;
	free(re);
	return ok;
}

/*
 * A hashed field matches only when it is exactly what host_hash() writes:
 * "|1|" base64(20-byte salt) "|" base64(HMAC-SHA1(salt, name)). ssh rejects
 * a bad salt outright and can never match any other spelling, so both are
 * errors here.
 */
static int
read_hashed(struct kh_line *l, char **why)
{
	const char *h = l->hosts;
	size_t n = strlen(h);

	if (strncmp(h, HASH_MAGIC, 3) != 0) {
		*why = xstrdup("a host field starting with '|' is a hashed name, "
		    "and ssh knows only the |1| form");
		return -1;
	}
	if (strchr(h + 3, '|') == NULL) {
		*why = xstrdup("hashed host name has no '|' after its salt");
		return -1;
	}
	if (n != 3 + B64_20 + 1 + B64_20 || h[3 + B64_20] != '|' ||
	    !b64_20(h + 3, l->salt) || !b64_20(h + 3 + B64_20 + 1, l->hash)) {
		*why = xstrdup("hashed host name is not |1|<base64 of a 20-byte "
		    "salt>|<base64 of a 20-byte HMAC-SHA1>: ssh can never match it");
		return -1;
	}
	return 0;
}

/* Does ak_parse_line's verdict on a key part make a usable known_hosts
 * key? A certificate is one (ssh reads it; sshd just never matches it in
 * authorized_keys, which is what ak reports). */
#define AK_CERT_ERROR "a certificate ("
static int
ak_usable(const struct ak_line *al)
{
	if (al->options_text != NULL || al->fp == NULL || al->blob == NULL)
		return 0;
	if (al->status == AK_KEY)
		return 1;
	return al->status == AK_BAD_KEY && al->is_cert && al->error != NULL &&
	    strncmp(al->error, AK_CERT_ERROR, strlen(AK_CERT_ERROR)) == 0;
}

static void
read_key(struct kh_line *l, const char *cp, char **why)
{
	size_t w = strcspn(cp, " \t");
	struct ak_line al;
	char *word = xstrndup(cp, w), *q;

	l->canon_type = ak_canonical_type(word);
	if (l->canon_type == NULL) {
		q = shown(word, w);
		/* hostkeys_foreach_file's SSH-1 test: a short decimal number. */
		if (w < 8 && strspn(word, "0123456789") == w)
			*why = xasprintf("an SSH-1 RSA key (it starts with the "
			    "number '%s'): ssh ignores SSH-1 keys", q);
		else
			*why = xasprintf("unknown key type '%s'", q);
		free(q);
		l->keytype = str_printable(word, w);
		free(word);
		return;
	}
	l->keytype = word;
	ak_parse_line(cp, strlen(cp), l->line, &al);
	if (!ak_usable(&al)) {
		if (al.error != NULL && al.options_text == NULL)
			*why = xasprintf("ssh cannot read the key: %s", al.error);
		else
			*why = xasprintf("ssh cannot read the %s key data",
			    l->canon_type);
		ak_line_free(&al);
		return;
	}
	l->blob = al.blob;
	l->bloblen = al.bloblen;
	l->fp = al.fp;
	l->comment = al.comment;
	l->is_cert = al.is_cert;
	l->bits = al.bits;
	al.blob = NULL;
	al.fp = NULL;
	al.comment = NULL;
	ak_line_free(&al);
}

/* hostkeys_foreach_file() on one line, cut at its first NUL as ssh's C
 * string handling cuts it. */
static void
parse_line(struct kh_line *l, const char *s)
{
	const char *cp, *cp2;
	char *why = NULL;
	int m;

	for (cp = s; *cp == ' ' || *cp == '\t'; cp++)
		;
	if (*cp == '\0' || *cp == '#') {
		l->kind = KH_LINE_BLANK;
		if (*s != '\0')
			l->text = xstrdup(s);
		return;
	}
	if ((m = read_marker(&cp, &why)) < 0)
		goto bad;
	l->marker = (enum kh_marker)m;
	for (cp2 = cp; *cp2 && *cp2 != ' ' && *cp2 != '\t'; cp2++)
		;
	l->hosts = xstrndup(cp, (size_t)(cp2 - cp));
	if (*cp2 == '\0') {
		why = xstrdup(*l->hosts == '\0' ? "a marker and nothing after it" :
		    "host names and no key after them");
		goto bad;
	}
	if (*l->hosts == '|') {
		l->hashed = 1;
		if (read_hashed(l, &why) != 0)
			goto bad;
	}
	for (cp2++; *cp2 == ' ' || *cp2 == '\t'; cp2++)
		;
	if (*cp2 == '\0' || *cp2 == '#') {
		why = xstrdup("host names and no key type after them");
		goto bad;
	}
	read_key(l, cp2, &why);
	if (why != NULL)
		goto bad;
	l->kind = KH_LINE_KEY;
	return;
 bad:
	l->kind = KH_LINE_ERROR;
	l->error = why;
}

/* --- the index --- */

static void
index_add(struct kh_db *db, const char *s, size_t n, uint32_t line)
{
	struct kh_name *e;
	struct kh_post *p;
	size_t i;
	int added;

	i = strmap_add(&db->namemap, s, n, 0, &added);
	if (added) {
		if (i >= db->namecap) {
			db->namecap = db->namecap ? db->namecap * 2 : 64;
			db->names = xreallocarray(db->names, db->namecap,
			    sizeof(*db->names));
		}
		db->names[i].head = db->names[i].tail = UINT32_MAX;
	}
	e = &db->names[i];
	/* A line naming the host twice is one entry. */
	if (e->tail != UINT32_MAX && db->post[e->tail].line == line)
		return;
	if (db->npost == db->postcap) {
		db->postcap = db->postcap ? db->postcap * 2 : 64;
		db->post = xreallocarray(db->post, db->postcap, sizeof(*db->post));
	}
	p = &db->post[db->npost];
	p->line = line;
	p->next = UINT32_MAX;
	if (e->tail == UINT32_MAX)
		e->head = (uint32_t)db->npost;
	else
		db->post[e->tail].next = (uint32_t)db->npost;
	e->tail = (uint32_t)db->npost++;
}

/* Can every sub-pattern be looked up as a literal name? */
static int
all_literal(const char *hosts)
{
	const char *p = hosts;
	size_t n;

	for (;;) {
		if (*p == '!')
			return 0;
		n = strcspn(p, ",");
		if (n > SUBPATTERN_MAX || memchr(p, '*', n) != NULL ||
		    memchr(p, '?', n) != NULL)
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

static void
hm_init(struct kh_hm *hm, const unsigned char salt[KH_SALT_LEN])
{
	unsigned char pad[64];

	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < KH_SALT_LEN; i++)
		pad[i] ^= salt[i];
	SHA1_Init(&hm->in);
	SHA1_Update(&hm->in, pad, sizeof(pad));
	memset(pad, 0x5c, sizeof(pad));
	for (size_t i = 0; i < KH_SALT_LEN; i++)
		pad[i] ^= salt[i];
	SHA1_Init(&hm->out);
	SHA1_Update(&hm->out, pad, sizeof(pad));
}

static int
hm_matches(const struct kh_hm *hm, const char *name, const unsigned char want[20])
{
	SHA_CTX c;
	unsigned char inner[SHA_DIGEST_LENGTH], mac[SHA_DIGEST_LENGTH];

	c = hm->in;
	SHA1_Update(&c, name, strlen(name));
	SHA1_Final(inner, &c);
	c = hm->out;
	SHA1_Update(&c, inner, sizeof(inner));
	SHA1_Final(mac, &c);
	return memcmp(mac, want, KH_SALT_LEN) == 0;
}

static void
index_line(struct kh_db *db, uint32_t li)
{
	const struct kh_line *l = &db->lines[li];
	struct kh_scan *sc;
	char *low;

	if (l->kind != KH_LINE_KEY)
		return;
	if (!l->hashed && all_literal(l->hosts)) {
		low = lowercase(l->hosts);
		for (char *p = low;; ) {
			size_t n = strcspn(p, ",");

			index_add(db, p, n, li);
			/* match_pattern_list: a final comma ends the list, it
			 * does not add an empty name */
			if (p[n] == '\0' || p[n + 1] == '\0')
				break;
			p += n + 1;
		}
		free(low);
		return;
	}
	if (db->nscan == db->scancap) {
		db->scancap = db->scancap ? db->scancap * 2 : 64;
		db->scan = xreallocarray(db->scan, db->scancap, sizeof(*db->scan));
	}
	sc = &db->scan[db->nscan++];
	sc->line = li;
	sc->hm = -1;
	sc->lpattern = NULL;
	if (l->hashed) {
		if (db->nhm == db->hmcap) {
			db->hmcap = db->hmcap ? db->hmcap * 2 : 64;
			db->hm = xreallocarray(db->hm, db->hmcap, sizeof(*db->hm));
		}
		hm_init(&db->hm[db->nhm], l->salt);
		sc->hm = (int)db->nhm++;
	} else
		sc->lpattern = lowercase(l->hosts);
}

/* --- the db --- */

struct kh_db *
kh_db_new(void)
{
	return xcalloc(1, sizeof(struct kh_db));
}

static void
add_error(struct kh_db *db, const char *file, long line, const char *why)
{
	strlist_add_owned(&db->errors, xasprintf("%s:%ld: %s", file, line, why));
}

static struct kh_line *
new_line(struct kh_db *db, const char *file, long lineno)
{
	struct kh_line *l;

	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		db->lines = xreallocarray(db->lines, db->cap, sizeof(*db->lines));
	}
	l = &db->lines[db->n++];
	memset(l, 0, sizeof(*l));
	l->file = file;
	l->line = lineno;
	return l;
}

void
kh_db_add(struct kh_db *db, const char *name, const char *text, size_t len)
{
	const char *file, *p = text, *end = text + len, *eol, *nul;
	long lineno = 0;
	struct kh_line *l;
	char *s;

	file = strlist_intern(&db->files, name);
	if (db->full) {
		strlist_add_owned(&db->errors, xasprintf("%s: not read: the "
		    "files before it filled keyaudit's known_hosts limit", file));
		return;
	}
	while (p < end) {
		size_t n;

		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (db->n >= KH_MAX_LINES || db->bytes + n + 1 > KH_MAX_BYTES) {
			char *why = xasprintf("stopped reading: keyaudit reads at "
			    "most %d lines and %d MiB of known_hosts", KH_MAX_LINES,
			    KH_MAX_BYTES / (1024 * 1024));

			add_error(db, file, lineno, why);
			free(why);
			db->full = 1;
			return;
		}
		db->bytes += n + 1;
		l = new_line(db, file, lineno);
		if (n > KH_MAX_LINE) {
			l->kind = KH_LINE_ERROR;
			l->error = xasprintf("line of %zu bytes: keyaudit reads "
			    "lines of at most %d bytes", n, KH_MAX_LINE);
		} else {
			nul = memchr(p, '\0', n);
			s = xstrndup(p, nul ? (size_t)(nul - p) : n);
			parse_line(l, s);
			free(s);
		}
		if (l->kind == KH_LINE_ERROR)
			add_error(db, file, lineno, l->error);
		index_line(db, (uint32_t)(db->n - 1));
		if (eol == NULL)
			break;
		p = eol + 1;
	}
}

void
kh_db_free(struct kh_db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->n; i++) {
		struct kh_line *l = &db->lines[i];

		free(l->hosts);
		free(l->keytype);
		free(l->blob);
		free(l->fp);
		free(l->comment);
		free(l->text);
		free(l->error);
	}
	free(db->lines);
	for (size_t i = 0; i < db->nscan; i++)
		free(db->scan[i].lpattern);
	free(db->scan);
	free(db->hm);
	strmap_free(&db->namemap);
	free(db->names);
	free(db->post);
	strlist_free(&db->files);
	strlist_free(&db->errors);
	free(db);
}

size_t
kh_db_nlines(const struct kh_db *db)
{
	return db->n;
}

const struct kh_line *
kh_db_line(const struct kh_db *db, size_t i)
{
	return i < db->n ? &db->lines[i] : NULL;
}

size_t
kh_db_nerrors(const struct kh_db *db)
{
	return db->errors.n;
}

const char *
kh_db_error_at(const struct kh_db *db, size_t i)
{
	return i < db->errors.n ? db->errors.v[i] : NULL;
}

void
kh_db_set_time(struct kh_db *db, time_t now)
{
	db->now = now;
}

int
kh_line_matches(const struct kh_line *l, const char *name)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	if (l->kind != KH_LINE_KEY)
		return 0;
	if (!l->hashed)
		return match_pattern_list(name, l->hosts, 1) == 1;
	if (HMAC(EVP_sha1(), l->salt, KH_SALT_LEN, (const unsigned char *)name,
	    strlen(name), mac, &maclen) == NULL || maclen != KH_SALT_LEN)
		return 0;
	return memcmp(mac, l->hash, KH_SALT_LEN) == 0;
}

/* --- lookup --- */

static void
cands_add(struct cands *c, uint32_t v)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n++] = v;
}

/*
 * The lines load_hostkeys() would keep for name (lower-case already), in
 * file order: the index's list merged with the scanned lines that match.
 */
static void
candidates(const struct kh_db *db, const char *name, struct cands *out)
{
	struct cands s = { 0 };
	uint32_t p = UINT32_MAX;
	size_t n = strlen(name), j = 0, i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < db->nscan; i++) {
		const struct kh_scan *sc = &db->scan[i];
		const struct kh_line *l = &db->lines[sc->line];
		int m;

		if (sc->hm >= 0)
			m = hm_matches(&db->hm[sc->hm], name, l->hash);
		else
			m = match_pattern_list(name, sc->lpattern, 0) == 1;
		if (m)
			cands_add(&s, sc->line);
	}
	if ((i = strmap_find(&db->namemap, name, n)) != STRMAP_NONE)
		p = db->names[i].head;
	while (p != UINT32_MAX || j < s.n) {
		if (p != UINT32_MAX && (j == s.n || db->post[p].line < s.v[j])) {
			cands_add(out, db->post[p].line);
			p = db->post[p].next;
		} else
			cands_add(out, s.v[j++]);
	}
	free(s.v);
}

/* --- the presented key --- */

/* The next string as a C string (sshbuf_get_cstring), or NULL. */
static char *
w_cstring(struct sshbuf *w)
{
	char *s;

	return sshbuf_get_cstring(w, &s) == 0 ? s : NULL;
}

/* The fingerprint of a key blob, if ssh could read it; the type word is
 * the blob's own type name, or else the caller's. */
static int
blob_fp(const unsigned char *blob, size_t len, const char *fallback,
    struct ak_line *al, char **why)
{
	struct sshbuf w;
	char *name, *b64, *text;
	const char *word = NULL;

	sshbuf_init(&w, blob, len);
	name = w_cstring(&w);

	memset(al, 0, sizeof(*al));
	if (name != NULL && ak_canonical_type(name) != NULL)
		word = name;
	else if (fallback != NULL && ak_canonical_type(fallback) != NULL)
		word = fallback;
	if (word == NULL) {
		char *q = name ? shown(name, strlen(name)) : xstrdup("(none)");

		*why = xasprintf("unknown key type '%s'", q);
		free(q);
		free(name);
		return -1;
	}
	b64 = base64_encode(blob, len);
	text = xasprintf("%s %s", word, b64);
	ak_parse_line(text, strlen(text), 1, al);
	free(b64);
	free(text);
	free(name);
	if (!ak_usable(al)) {
		*why = xasprintf("not a readable public key: %s",
		    al->error ? al->error : "malformed");
		ak_line_free(al);
		memset(al, 0, sizeof(*al));
		return -1;
	}
	return 0;
}

/* The certificate (cert.c, the one reader), and its CA's signature: ssh
 * verifies it while reading the host key, before any known_hosts line is
 * looked at. */
static int
read_cert(struct pkey *k, const unsigned char *blob, size_t len)
{
	char *err = NULL;

	if (cert_parse(blob, len, &k->cert, &err) != 0) {
		k->error = xasprintf("the certificate data is malformed: %s", err);
		free(err);
		return -1;
	}
	k->have_cert = 1;
	k->ca_fp = xstrdup(k->cert.ca_fp);
	if (cert_verify(&k->cert, &err) == 0) {
		k->error = xasprintf("the certificate's CA signature does not "
		    "verify (%s): ssh refuses the host key", err);
		free(err);
		return -1;
	}
	/* a signature libcrypto cannot check here (a security key CA) is
	 * taken as ssh-keygen wrote it */
	free(err);
	return 0;
}

static void
pkey_free(struct pkey *k)
{
	free(k->fp);
	free(k->ca_fp);
	free(k->error);
	cert_free(&k->cert);
}

static int
pkey_read(struct pkey *k, const char *keytype, const unsigned char *blob,
    size_t len)
{
	struct ak_line al;

	memset(k, 0, sizeof(*k));
	if (blob_fp(blob, len, keytype, &al, &k->error) != 0)
		return -1;
	k->fp = al.fp;
	al.fp = NULL;
	k->is_cert = al.is_cert;
	ak_line_free(&al);
	if (k->is_cert && read_cert(k, blob, len) != 0)
		return -1;
	return 0;
}

/* sshkey_cert_check_host(): what a CA match still needs. */
static int
cert_valid(const struct kh_db *db, const struct pkey *k, const char *name)
{
	const struct ssh_cert *c = &k->cert;
	int named = c->principals.n == 0;

	if (!k->have_cert || c->kind != CERT_HOST ||
	    cert_validity(c, db->now) != 0 ||
	    c->ncritical + c->options_dropped > 0)
		return 0;
	for (size_t i = 0; i < c->principals.n && !named; i++)
		named = strcmp(c->principals.v[i], name) == 0;
	if (!named)
		return 0;
	return c->sig_alg != NULL &&
	    match_pattern_list(c->sig_alg, CA_SIGN_ALGS, 0) == 1;
}

/* check_hostkeys_by_key_or_type() over the lines for one name. */
static enum kh_status
by_key(const struct kh_db *db, const struct cands *c, const struct pkey *k,
    int want_cert, long *found)
{
	enum kh_status st = KH_NEW;
	enum kh_marker want = want_cert ? KH_MARK_CA : KH_MARK_NONE;

	*found = -1;
	for (size_t i = 0; i < c->n; i++) {
		const struct kh_line *l = &db->lines[c->v[i]];

		if (l->marker != want)
			continue;
		if (want_cert) {
			/* sshkey_equal_public: CA key against the line's key */
			if (k->ca_fp != NULL && strcmp(k->ca_fp, l->fp) == 0) {
				*found = c->v[i];
				st = KH_OK;
				break;
			}
		} else {
			/* sshkey_equal: a certificate line never equals a key */
			if (!l->is_cert && strcmp(k->fp, l->fp) == 0) {
				*found = c->v[i];
				st = KH_OK;
				break;
			}
			/* ssh names the last other key it saw */
			*found = c->v[i];
			st = KH_CHANGED;
		}
	}
	/* check_key_not_revoked: the key, or a certificate's CA. */
	for (size_t i = 0; i < c->n; i++) {
		const struct kh_line *l = &db->lines[c->v[i]];

		if (l->marker != KH_MARK_REVOKED)
			continue;
		if (strcmp(k->fp, l->fp) == 0 || (want_cert && k->ca_fp != NULL &&
		    strcmp(k->ca_fp, l->fp) == 0)) {
			*found = c->v[i];
			return KH_REVOKED;
		}
	}
	return st;
}

/*
 * check_host_key() for one name: a certificate first against CA lines, then
 * (on any failure but revocation) as its plain key; on a non-22 port with
 * nothing known, the bare name is tried and only an exact match counts.
 * lookup is NULL when this is that retry.
 */
static enum kh_status
host_check(const struct kh_db *db, const char *lookup, const char *bare,
    const struct pkey *k, int want_cert, long *found, const char **decided)
{
	struct cands c;
	enum kh_status st;

	candidates(db, lookup, &c);
 retry:
	*decided = lookup;
	st = by_key(db, &c, k, want_cert, found);
	switch (st) {
	case KH_OK:
		if (want_cert && !cert_valid(db, k, bare))
			goto fail;
		free(c.v);
		return KH_OK;
	case KH_NEW:
		if (strcmp(lookup, bare) != 0) {
			long f2;
			const char *d2;
			enum kh_status st2;

			/* ssh goes on only after an exact match; it also
			 * prints a revocation it meets there, and then (under
			 * StrictHostKeyChecking=yes) refuses: keyaudit takes
			 * that as REVOKED rather than let accept-unknown
			 * through. */
			st2 = host_check(db, bare, bare, k, want_cert, &f2, &d2);
			if (st2 == KH_OK || st2 == KH_REVOKED) {
				*found = f2;
				*decided = d2;
				free(c.v);
				return st2;
			}
			*found = -1;
		}
		goto fail;
	default:
		goto fail;
	}
 fail:
	if (want_cert && st != KH_REVOKED) {
		want_cert = 0;
		goto retry;
	}
	free(c.v);
	return st;
}

void
kh_check(const struct kh_db *db, const char *host, int port,
    const char *keytype, const unsigned char *blob, size_t bloblen,
    struct kh_verdict *out)
{
	struct pkey k;
	char *lhost = lowercase(host), *lookup = host_port(lhost, port);
	const char *decided = lookup;
	long found = -1;

	memset(out, 0, sizeof(*out));
	if (pkey_read(&k, keytype, blob, bloblen) != 0) {
		out->status = KH_CHANGED;
		out->error = xasprintf("the host key the server presented: %s",
		    k.error);
		out->lookup = lookup;
		free(lhost);
		pkey_free(&k);
		return;
	}
	/* Port 0 means a HostKeyAlias: no [host]:port form, no retry, which
	 * is what bare == lookup gives. */
	out->status = host_check(db, lookup, lhost, &k, k.is_cert, &found,
	    &decided);
	out->lookup = xstrdup(decided);
	if (found >= 0 && out->status != KH_NEW) {
		const struct kh_line *l = &db->lines[found];

		out->file = l->file;
		out->line = l->line;
		if (out->status == KH_CHANGED)
			out->known_type = xstrdup(l->canon_type);
	}
	free(lookup);
	free(lhost);
	pkey_free(&k);
}

void
kh_verdict_free(struct kh_verdict *v)
{
	free(v->lookup);
	free(v->known_type);
	free(v->error);
	memset(v, 0, sizeof(*v));
}

const char *
kh_status_name(enum kh_status st)
{
	switch (st) {
	case KH_OK:
		return "OK";
	case KH_NEW:
		return "NEW";
	case KH_CHANGED:
		return "CHANGED";
	case KH_REVOKED:
		return "REVOKED";
	}
	return "?";
}

/* --- host key algorithm order --- */

/* The plain key type of a canonical type name ("ssh-rsa-cert-v01@..." ->
 * "ssh-rsa"). Caller frees. */
static char *
plain_type(const char *canon)
{
	const char *c = strstr(canon, "-cert-v01@openssh.com");

	if (c == NULL)
		return xstrdup(canon);
	if (strncmp(canon, "sk-", 3) == 0)
		return xasprintf("%.*s@openssh.com", (int)(c - canon), canon);
	return xstrndup(canon, (size_t)(c - canon));
}

/* lookup_key_in_hostkeys_by_type(): the first plain key of that type, if
 * it is not revoked. */
static int
type_known(const struct kh_db *db, const struct cands *c, const char *alg)
{
	const char *canon = ak_canonical_type(alg);
	char *plain;
	const struct kh_line *hit = NULL;

	if (canon == NULL)
		return 0;
	plain = plain_type(canon);
	for (size_t i = 0; i < c->n && hit == NULL; i++) {
		const struct kh_line *l = &db->lines[c->v[i]];

		if (l->marker == KH_MARK_NONE && !l->is_cert &&
		    strcmp(l->canon_type, plain) == 0)
			hit = l;
	}
	free(plain);
	if (hit == NULL)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct kh_line *l = &db->lines[c->v[i]];

		if (l->marker == KH_MARK_REVOKED && strcmp(l->fp, hit->fp) == 0)
			return 0;
	}
	return 1;
}

char *
kh_order_hostkeyalgs(const struct kh_db *db, const char *host, int port,
    const char *algs)
{
	char *lhost = lowercase(host), *lookup = host_port(lhost, port);
	char *copy = xstrdup(algs), *avail = copy, *alg, *best;
	struct buf first, last;
	struct cands c;
	int have_ca = 0;

	candidates(db, lookup, &c);
	free(lookup);
	free(lhost);
	best = xstrndup(algs, strcspn(algs, ","));
	if (type_known(db, &c, best)) {
		free(best);
		free(copy);
		free(c.v);
		return xstrdup(algs);
	}
	free(best);
	for (size_t i = 0; i < c.n; i++)
		if (db->lines[c.v[i]].marker == KH_MARK_CA)
			have_ca = 1;
	buf_init(&first);
	buf_init(&last);
	while ((alg = strsep(&avail, ",")) != NULL && *alg != '\0') {
		const char *canon = ak_canonical_type(alg);
		struct buf *to = &last;

		if (canon != NULL && strstr(canon, "-cert-v01@") != NULL && have_ca)
			to = &first;
		else if (type_known(db, &c, alg))
			to = &first;
		if (to->len > 0)
			buf_putc(to, ',');
		buf_puts(to, alg);
	}
	if (first.len > 0 && last.len > 0)
		buf_putc(&first, ',');
	buf_append(&first, last.data ? last.data : "", last.len);
	buf_free(&last);
	free(copy);
	free(c.v);
	if (first.data == NULL)
		return xstrdup("");
	return buf_steal(&first);
}

char *
kh_hash_name(const char *name)
{
	unsigned char salt[KH_SALT_LEN], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *lower = xstrdup(name), *s64, *m64, *out;

	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt) ||
	    HMAC(EVP_sha1(), salt, KH_SALT_LEN, (const unsigned char *)lower,
	    strlen(lower), mac, &maclen) == NULL || maclen != KH_SALT_LEN) {
		free(lower);
		return NULL;
	}
	s64 = base64_encode(salt, sizeof(salt));
	m64 = base64_encode(mac, maclen);
	out = xasprintf("|1|%s|%s", s64, m64);
	free(s64);
	free(m64);
	free(lower);
	return out;
}
