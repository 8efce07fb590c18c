/*
 * cert.c - OpenSSH certificates (PROTOCOL.certkeys) read as OpenSSH 9.2's
 * sshkey_from_blob_internal and cert_parse read them, shown as ssh-keygen -L
 * shows them, and their CA signature checked as sshkey_verify checks it.
 *
 * The one reader of certificates: authorized_keys and known_hosts lines,
 * -cert.pub files, HostCertificate, agent replies all come here, so a
 * certificate sshd cannot read is refused for the same reason everywhere.
 * Pure: no I/O, no clock (callers pass "now").
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/keyblob.h"
#include "scanner/parse/sshbuf.h"

/* PROTOCOL.certkeys: the certificate types. */
#define CERT_TYPE_USER	1
#define CERT_TYPE_HOST	2

static void
opts_free(struct cert_option *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(o[i].name);
		free(o[i].value);
		free(o[i].data);
	}
	free(o);
}

void
cert_free(struct ssh_cert *c)
{
	if (c == NULL)
		return;
	free(c->type);
	free(c->key_type);
	free(c->key_blob);
	free(c->key_fp);
	free(c->key_id);
	strlist_free(&c->principals);
	opts_free(c->critical, c->ncritical);
	opts_free(c->extensions, c->nextensions);
	free(c->ca_blob);
	free(c->ca_type);
	free(c->ca_fp);
	free(c->sig_alg);
	free(c->signed_data);
	free(c->sig);
	free(c->options_error);
	memset(c, 0, sizeof(*c));
}

static void *
memdup(const void *p, size_t n)
{
	void *r = xmalloc(n > 0 ? n : 1);

	if (n > 0)
		memcpy(r, p, n);
	return r;
}

/*
 * A critical options or extensions section: name/data string pairs, which
 * is all cert_parse checks. The first CERT_MAX_OPTIONS are kept; the rest
 * are checked and counted.
 */
static int
read_options(const unsigned char *d, size_t n, struct cert_option **out,
    size_t *nout, size_t *dropped)
{
	struct sshbuf r, v;
	const unsigned char *name, *data, *s;
	size_t namelen, datalen, sl;
	struct cert_option *o;

	sshbuf_init(&r, d, n);
	while (sshbuf_left(&r) > 0) {
		if (sshbuf_get_string(&r, &name, &namelen) != 0 ||
		    sshbuf_get_string(&r, &data, &datalen) != 0)
			return -1;
		if (*nout >= CERT_MAX_OPTIONS) {
			(*dropped)++;
			continue;
		}
		if (*out == NULL)
			*out = xcalloc(CERT_MAX_OPTIONS, sizeof(**out));
		o = &(*out)[(*nout)++];
		o->name = str_printable((const char *)name, namelen);
		o->data = memdup(data, datalen);
		o->datalen = datalen;
		/* An option whose data is exactly one string has a value. */
		sshbuf_init(&v, data, datalen);
		if (datalen > 0 && sshbuf_get_string(&v, &s, &sl) == 0 &&
		    sshbuf_left(&v) == 0)
			o->value = str_printable((const char *)s, sl);
	}
	return 0;
}

static int
named(const unsigned char *name, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(name, want, n) == 0;
}

/*
 * What sshd's sshauthopt_from_cert (auth-options.c cert_option_list) says
 * of the sections when a certificate is used to log in: a name with a NUL,
 * an unknown critical option, force-command or source-address twice or not
 * one string, a known option with data after it. NULL when sshd accepts
 * them. source-address's list syntax is left to the caller (match.c).
 */
static char *
options_verdict(const unsigned char *d, size_t n, int crit)
{
	static const char *const exts[] = { "no-touch-required",
	    "permit-X11-forwarding", "permit-agent-forwarding",
	    "permit-port-forwarding", "permit-pty", "permit-user-rc" };
	struct sshbuf r, v;
	const unsigned char *name, *data, *s;
	size_t namelen, datalen, sl;
	int found, force = 0, source = 0;
	char *q, *e;

	sshbuf_init(&r, d, n);
	while (sshbuf_left(&r) > 0) {
		if (sshbuf_get_string(&r, &name, &namelen) != 0 ||
		    sshbuf_get_string(&r, &data, &datalen) != 0 ||
		    memchr(name, '\0', namelen) != NULL)
			return xstrdup("Unable to parse certificate options");
		sshbuf_init(&v, data, datalen);
		found = 0;
		for (size_t i = 0; !crit && i < KA_ARRLEN(exts); i++)
			found |= named(name, namelen, exts[i]);
		if (crit && named(name, namelen, "verify-required"))
			found = 1;
		else if (crit && (named(name, namelen, "force-command") ||
		    named(name, namelen, "source-address"))) {
			int *seen = name[0] == 'f' ? &force : &source;

			q = kb_shown((const char *)name, namelen);
			if (sshbuf_get_string(&v, &s, &sl) != 0 ||
			    memchr(s, '\0', sl) != NULL) {
				e = xasprintf("Unable to parse \"%s\" section", q);
				free(q);
				return e;
			}
			if ((*seen)++) {
				e = xasprintf("Certificate has multiple %s options", q);
				free(q);
				return e;
			}
			free(q);
			found = 1;
		}
		q = kb_shown((const char *)name, namelen);
		if (!found && crit) {
			e = xasprintf("Certificate critical option \"%s\" is not "
			    "supported", q);
			free(q);
			return e;
		}
		if (found && sshbuf_left(&v) != 0) {
			e = xasprintf("Certificate option \"%s\" corrupt (extra "
			    "data)", q);
			free(q);
			return e;
		}
		free(q);
	}
	return NULL;
}

static int
fail(char **err, char *msg)
{
	if (err != NULL)
		*err = msg;
	else
		free(msg);
	return -1;
}

/* The certificate body after the key fields (cert_parse), in its order. */
static int
parse_body(struct sshbuf *r, const unsigned char *blob, struct ssh_cert *c,
    char **err)
{
	const unsigned char *kid, *pd, *cd, *ed, *rd, *ca, *sig;
	size_t kidn, pn, cn, en, rn, can, sign, dropped = 0;
	struct sshbuf pr, sr;
	struct kb_key cak;
	char *s, *kerr = NULL;

	if (sshbuf_get_u64(r, &c->serial) != 0 ||
	    sshbuf_get_u32(r, &c->kind) != 0 ||
	    sshbuf_get_string(r, &kid, &kidn) != 0 ||
	    sshbuf_get_string(r, &pd, &pn) != 0 ||
	    sshbuf_get_u64(r, &c->valid_after) != 0 ||
	    sshbuf_get_u64(r, &c->valid_before) != 0 ||
	    sshbuf_get_string(r, &cd, &cn) != 0 ||
	    sshbuf_get_string(r, &ed, &en) != 0 ||
	    sshbuf_get_string(r, &rd, &rn) != 0 ||
	    sshbuf_get_string(r, &ca, &can) != 0)
		return fail(err, xstrdup("certificate data is truncated or "
		    "malformed (invalid format)"));
	/* sshbuf_get_cstring: a NUL only as the last byte. */
	if (kidn > 0 && memchr(kid, '\0', kidn - 1) != NULL)
		return fail(err, xstrdup("certificate key id holds a NUL "
		    "(invalid format)"));
	c->signed_len = r->pos;
	if (sshbuf_get_string(r, &sig, &sign) != 0)
		return fail(err, xstrdup("certificate signature is truncated "
		    "(invalid format)"));
	if (c->kind != CERT_TYPE_USER && c->kind != CERT_TYPE_HOST)
		return fail(err, xasprintf("certificate of unknown type %u "
		    "(unknown/unsupported certificate type)", c->kind));
	c->key_id = xstrndup((const char *)kid,
	    kidn > 0 && kid[kidn - 1] == '\0' ? kidn - 1 : kidn);
	sshbuf_init(&pr, pd, pn);
	while (sshbuf_left(&pr) > 0) {
		if (c->principals.n >= CERT_MAX_PRINCIPALS)
			return fail(err, xasprintf("certificate has more than %d "
			    "principals (invalid format)", CERT_MAX_PRINCIPALS));
		if (sshbuf_get_cstring(&pr, &s) != 0)
			return fail(err, xstrdup("certificate principals are "
			    "malformed (invalid format)"));
		strlist_add_owned(&c->principals, s);
	}
	if (read_options(cd, cn, &c->critical, &c->ncritical, &dropped) != 0 ||
	    read_options(ed, en, &c->extensions, &c->nextensions, &dropped) != 0)
		return fail(err, xstrdup("certificate options are malformed "
		    "(invalid format)"));
	c->options_dropped = dropped;
	if ((c->options_error = options_verdict(cd, cn, 1)) == NULL)
		c->options_error = options_verdict(ed, en, 0);

	kb_key_init(&cak);
	if (kb_parse_plain(ca, can, &cak, &kerr) != 0) {
		kb_key_free(&cak);
		s = xasprintf("invalid certificate signing key: %s", kerr);
		free(kerr);
		return fail(err, s);
	}
	free(kerr);
	c->ca_blob = memdup(ca, can);
	c->ca_bloblen = can;
	c->ca_type = xstrdup(cak.t->plain);
	c->ca_fp = kb_fingerprint(&cak);
	c->ca_bits = cak.bits;
	kb_key_free(&cak);

	/* sshkey_get_sigtype: the signature's first string. */
	sshbuf_init(&sr, sig, sign);
	if (sshbuf_get_cstring(&sr, &s) != 0)
		return fail(err, xstrdup("certificate signature names no "
		    "algorithm (invalid format)"));
	c->sig_alg = str_printable(s, strlen(s));
	free(s);
	c->signed_data = memdup(blob, c->signed_len);
	c->sig = memdup(sig, sign);
	c->siglen = sign;
	return 0;
}

int
cert_parse(const unsigned char *blob, size_t len, struct ssh_cert *out,
    char **err)
{
	struct sshbuf r;
	struct kb_key k;
	char *kerr = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (err != NULL)
		*err = NULL;
	sshbuf_init(&r, blob, len);
	kb_key_init(&k);
	if (kb_read_key(&r, 1, &k, &kerr) != 0) {
		fail(err, kerr);
		goto out;
	}
	if (!k.t->cert) {
		fail(err, xasprintf("a plain %s key, not a certificate",
		    k.t->plain));
		goto out;
	}
	out->type = xstrdup(k.t->canon);
	out->key_type = xstrdup(k.t->plain);
	out->key_blob = memdup(k.plain.data, k.plain.len);
	out->key_bloblen = k.plain.len;
	out->key_fp = kb_fingerprint(&k);
	out->key_bits = k.bits;
	if (parse_body(&r, blob, out, err) != 0)
		goto out;
	if (sshbuf_left(&r) != 0) {
		fail(err, xstrdup("unexpected bytes after the certificate's "
		    "signature (invalid format)"));
		goto out;
	}
	rc = 0;
 out:
	kb_key_free(&k);
	if (rc != 0)
		cert_free(out);
	return rc;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

int
cert_parse_text(const char *text, size_t len, struct ssh_cert *out,
    char **err)
{
	const char *p = text, *end = text + len, *eol, *w, *b;
	const struct kb_type *wt, *bt;
	unsigned char *blob;
	size_t wn, bn;
	long n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err != NULL)
		*err = NULL;
	/* The first line that is neither blank nor a comment (do_show_cert). */
	for (;; p = eol + 1) {
		if (p >= end)
			return fail(err, xstrdup("no certificate in the file"));
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p < eol && *p != '#' && *p != '\r')
			break;
	}
	w = p;
	while (p < eol && !is_blank((unsigned char)*p))
		p++;
	wn = (size_t)(p - w);
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	b = p;
	while (p < eol && !is_blank((unsigned char)*p))
		p++;
	bn = (size_t)(p - b);
	if ((wt = kb_type_by_word(w, wn)) == NULL) {
		char *q = kb_shown(w, wn);
		rc = fail(err, xasprintf("unknown key type '%s'", q));
		free(q);
		return rc;
	}
	if (!wt->cert)
		return fail(err, xasprintf("a plain %s key, not a certificate",
		    wt->name));
	if (bn == 0)
		return fail(err, xasprintf("key type '%s' with no key data "
		    "after it", wt->name));
	blob = xmalloc(bn);
	if ((n = base64_decode(b, bn, blob, bn)) < 0) {
		free(blob);
		return fail(err, xasprintf("the %s key data is not valid base64",
		    wt->name));
	}
	rc = cert_parse(blob, (size_t)n, out, err);
	free(blob);
	if (rc != 0)
		return rc;
	/* sshkey_read: the type word and the blob name the same key type. */
	bt = kb_type_by_word(out->type, strlen(out->type));
	if (bt == NULL || bt->kind != wt->kind || bt->curve != wt->curve) {
		rc = fail(err, xasprintf("the type word says %s but the key data "
		    "is %s", wt->name, out->type));
		cert_free(out);
		return rc;
	}
	return 0;
}

int
cert_validity(const struct ssh_cert *c, int64_t now)
{
	/* sshkey_cert_check_authority compares as unsigned 64-bit. */
	uint64_t t = now < 0 ? 0 : (uint64_t)now;

	if (t < c->valid_after)
		return -1;
	if (t >= c->valid_before)
		return 1;
	return 0;
}

int
cert_critical_known(const char *name)
{
	return name != NULL && (strcmp(name, "force-command") == 0 ||
	    strcmp(name, "source-address") == 0 ||
	    strcmp(name, "verify-required") == 0);
}

const char *
cert_critical(const struct ssh_cert *c, const char *name)
{
	for (size_t i = 0; i < c->ncritical; i++)
		if (strcmp(c->critical[i].name, name) == 0)
			return c->critical[i].value;
	return NULL;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;
	int64_t doe;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (*m <= 2)
		(*y)++;
}

char *
cert_time(uint64_t t, int is_end)
{
	int64_t y, s;
	unsigned m, d;

	if (!is_end && t == 0)
		return xstrdup("always");
	if (is_end && t == UINT64_MAX)
		return xstrdup("forever");
	/* format_absolute_time clamps to time_t's range. */
	s = t > INT64_MAX ? INT64_MAX : (int64_t)t;
	civil_from_days(s / 86400, &y, &m, &d);
	s %= 86400;
	return xasprintf("%04lld-%02u-%02uT%02lld:%02lld:%02lld", (long long)y,
	    m, d, (long long)(s / 3600), (long long)(s / 60 % 60),
	    (long long)(s % 60));
}

/* sshkey_format_cert_validity. */
static char *
validity_text(const struct ssh_cert *c)
{
	char *from, *to, *r;

	if (c->valid_after == 0 && c->valid_before == UINT64_MAX)
		return xstrdup("forever");
	from = cert_time(c->valid_after, 0);
	to = cert_time(c->valid_before, 1);
	if (c->valid_after == 0)
		r = xasprintf("before %s", to);
	else if (c->valid_before == UINT64_MAX)
		r = xasprintf("after %s", from);
	else
		r = xasprintf("from %s to %s", from, to);
	free(from);
	free(to);
	return r;
}

static const char *
short_name(const char *type)
{
	const struct kb_type *t = kb_type_by_word(type, strlen(type));

	return t != NULL ? t->shortname : type;
}

/* ssh-keygen's show_options: how each option is printed. */
static void
describe_options(struct buf *b, const struct cert_option *o, size_t n,
    int crit)
{
	static const char *const flags[] = { "permit-X11-forwarding",
	    "permit-agent-forwarding", "permit-port-forwarding", "permit-pty",
	    "permit-user-rc", "no-touch-required" };
	int flag;

	for (size_t i = 0; i < n; i++) {
		buf_printf(b, "        %s", o[i].name);
		flag = 0;
		for (size_t j = 0; !crit && j < KA_ARRLEN(flags); j++)
			flag |= strcmp(o[i].name, flags[j]) == 0;
		if (crit && strcmp(o[i].name, "verify-required") == 0)
			flag = 1;
		if (flag)
			buf_puts(b, "\n");
		else if (crit && o[i].value != NULL &&
		    (strcmp(o[i].name, "force-command") == 0 ||
		    strcmp(o[i].name, "source-address") == 0))
			buf_printf(b, " %s\n", o[i].value);
		else if (o[i].datalen > 0) {
			buf_puts(b, " UNKNOWN OPTION: ");
			for (size_t k = 0; k < o[i].datalen; k++)
				buf_printf(b, "%02x", o[i].data[k]);
			buf_printf(b, " (len %zu)\n", o[i].datalen);
		} else
			buf_puts(b, " UNKNOWN FLAG OPTION\n");
	}
}

/*
 * ssh-keygen -L's print_cert, without its first line (the file) and with
 * eight spaces less indentation; times in UTC (ssh-keygen uses the local
 * zone: compare with TZ=UTC).
 */
char *
cert_describe(const struct ssh_cert *c)
{
	struct buf b;
	char *v, *id;

	buf_init(&b);
	buf_printf(&b, "Type: %s %s certificate\n", c->type,
	    c->kind == CERT_TYPE_USER ? "user" : "host");
	buf_printf(&b, "Public key: %s %s\n", short_name(c->type), c->key_fp);
	buf_printf(&b, "Signing CA: %s %s (using %s)\n", short_name(c->ca_type),
	    c->ca_fp, c->sig_alg);
	id = str_printable(c->key_id, strlen(c->key_id));
	buf_printf(&b, "Key ID: \"%s\"\n", id);
	free(id);
	buf_printf(&b, "Serial: %llu\n", (unsigned long long)c->serial);
	v = validity_text(c);
	buf_printf(&b, "Valid: %s\n", v);
	free(v);
	buf_puts(&b, "Principals: ");
	if (c->principals.n == 0)
		buf_puts(&b, "(none)\n");
	else {
		for (size_t i = 0; i < c->principals.n; i++) {
			char *p = str_printable(c->principals.v[i],
			    strlen(c->principals.v[i]));
			buf_printf(&b, "\n        %s", p);
			free(p);
		}
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "Critical Options: ");
	buf_puts(&b, c->ncritical == 0 ? "(none)\n" : "\n");
	describe_options(&b, c->critical, c->ncritical, 1);
	buf_puts(&b, "Extensions: ");
	buf_puts(&b, c->nextensions == 0 ? "(none)\n" : "\n");
	describe_options(&b, c->extensions, c->nextensions, 0);
	if (c->options_dropped > 0)
		buf_printf(&b, "(%zu more options not shown)\n",
		    c->options_dropped);
	return buf_steal(&b);
}

/* --- the CA's signature (sshkey_verify) --- */

/* The CA key's fields, read again from its blob (already checked). */
struct cakey {
	const struct kb_type *t;
	const unsigned char *f[4];	/* RSA e n; DSA p q g y; EC point;
					 * Ed25519 key */
	size_t fn[4];
};

static int
read_cakey(const unsigned char *blob, size_t len, struct cakey *k)
{
	struct sshbuf r;
	char *name;
	int nf = 1, i;

	memset(k, 0, sizeof(*k));
	sshbuf_init(&r, blob, len);
	if (sshbuf_get_cstring(&r, &name) != 0)
		return -1;
	k->t = kb_type_by_blobname(name);
	free(name);
	if (k->t == NULL)
		return -1;
	switch (k->t->kind) {
	case KB_RSA:
		nf = 2;
		break;
	case KB_DSA:
		nf = 4;
		break;
	case KB_ECDSA:
	case KB_ECDSA_SK:
		/* the curve name, then the point */
		nf = 2;
		break;
	default:
		break;
	}
	for (i = 0; i < nf; i++) {
		if (k->t->kind == KB_RSA || k->t->kind == KB_DSA) {
			if (sshbuf_get_bignum2(&r, &k->f[i], &k->fn[i]) != 0)
				return -1;
		} else if (sshbuf_get_string(&r, &k->f[i], &k->fn[i]) != 0)
			return -1;
	}
	return 0;
}

static EVP_PKEY *
pkey_fromdata(const char *alg, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;

	if (params != NULL && (ctx = EVP_PKEY_CTX_new_from_name(NULL, alg,
	    NULL)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

/* Push big-endian bytes as a BIGNUM parameter (freed by the caller). */
static int
push_bn(OSSL_PARAM_BLD *bld, const char *key, const unsigned char *d,
    size_t n, BIGNUM **keep)
{
	BIGNUM *bn = BN_bin2bn(d, (int)n, NULL);

	*keep = bn;
	return bn != NULL && OSSL_PARAM_BLD_push_BN(bld, key, bn) == 1;
}

static EVP_PKEY *
rsa_key(const struct cakey *k)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *e = NULL, *n = NULL;
	EVP_PKEY *pk = NULL;

	if (bld != NULL && push_bn(bld, OSSL_PKEY_PARAM_RSA_N, k->f[1], k->fn[1],
	    &n) && push_bn(bld, OSSL_PKEY_PARAM_RSA_E, k->f[0], k->fn[0], &e))
		pk = pkey_fromdata("RSA", bld);
	BN_free(e);
	BN_free(n);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

static EVP_PKEY *
dsa_key(const struct cakey *k)
{
	static const char *const names[4] = { OSSL_PKEY_PARAM_FFC_P,
	    OSSL_PKEY_PARAM_FFC_Q, OSSL_PKEY_PARAM_FFC_G, OSSL_PKEY_PARAM_PUB_KEY };
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn[4] = { NULL, NULL, NULL, NULL };
	EVP_PKEY *pk = NULL;
	int ok = bld != NULL;

	for (int i = 0; i < 4 && ok; i++)
		ok = push_bn(bld, names[i], k->f[i], k->fn[i], &bn[i]);
	if (ok)
		pk = pkey_fromdata("DSA", bld);
	for (int i = 0; i < 4; i++)
		BN_free(bn[i]);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

static EVP_PKEY *
ec_key(const struct cakey *k)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	const char *group;
	EVP_PKEY *pk = NULL;

	switch (k->t->curve) {
	case 256:
		group = "P-256";
		break;
	case 384:
		group = "P-384";
		break;
	default:
		group = "P-521";
		break;
	}
	if (bld != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    k->f[1], k->fn[1]) == 1)
		pk = pkey_fromdata("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

/* 1 good, 0 bad, -1 libcrypto could not be asked. */
static int
evp_verify(EVP_PKEY *pk, const EVP_MD *md, const unsigned char *sig,
    size_t siglen, const unsigned char *data, size_t len)
{
	EVP_MD_CTX *ctx;
	int r;

	if (pk == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) != 1)
		r = -1;
	else
		r = EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return r;
}

/* ssh_ecdsa_verify / ssh_dss_verify: r and s as a DER ECDSA_SIG. */
static unsigned char *
der_sig(const unsigned char *r, size_t rn, const unsigned char *s, size_t sn,
    size_t *len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, (int)rn, NULL), *bs = BN_bin2bn(s, (int)sn, NULL);
	unsigned char *der = NULL;
	int n;

	if (es == NULL || br == NULL || bs == NULL) {
		BN_free(br);
		BN_free(bs);
		ECDSA_SIG_free(es);
		return NULL;
	}
	ECDSA_SIG_set0(es, br, bs);
	n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return der;
}

static const EVP_MD *
rsa_md(const char *alg)
{
	if (strcmp(alg, "ssh-rsa") == 0)
		return EVP_sha1();
	if (strcmp(alg, "rsa-sha2-256") == 0)
		return EVP_sha256();
	if (strcmp(alg, "rsa-sha2-512") == 0)
		return EVP_sha512();
	return NULL;
}

int
cert_verify(const struct ssh_cert *c, char **err)
{
	if (err != NULL)
		*err = NULL;
	if (c->ca_blob == NULL || c->sig == NULL)
		return fail(err, xstrdup("the CA key is unreadable"));
	return cert_sig_verify(c->ca_blob, c->ca_bloblen, c->sig, c->siglen,
	    c->signed_data, c->signed_len, err);
}

int
cert_sig_verify(const unsigned char *key, size_t keylen,
    const unsigned char *sig, size_t siglen, const unsigned char *data,
    size_t datalen, char **err)
{
	struct cakey k;
	struct sshbuf r, in;
	const unsigned char *s, *er, *es;
	size_t sn, ern, esn, derlen = 0, modlen;
	unsigned char *der = NULL, *padded = NULL;
	char *alg = NULL;
	const EVP_MD *md;
	EVP_PKEY *pk = NULL;
	int rc = 0;

	if (err != NULL)
		*err = NULL;
	if (read_cakey(key, keylen, &k) != 0)
		return fail(err, xstrdup("the signing key is unreadable"));
	sshbuf_init(&r, sig, siglen);
	if (sshbuf_get_cstring(&r, &alg) != 0 ||
	    sshbuf_get_string(&r, &s, &sn) != 0) {
		free(alg);
		if (err != NULL)
			*err = xstrdup("the signature is malformed");
		return 0;
	}
	if (k.t->kind == KB_ED25519_SK || k.t->kind == KB_ECDSA_SK) {
		free(alg);
		return fail(err, xstrdup("a security key CA's signature is not "
		    "checked here"));
	}
	/* Every signature format of a plain key ends with its blob. */
	if (sshbuf_left(&r) != 0) {
		if (err != NULL)
			*err = xstrdup("unexpected bytes after the signature");
		goto out;
	}
	switch (k.t->kind) {
	case KB_ED25519:
		if (strcmp(alg, "ssh-ed25519") != 0 || sn != 64) {
			if (err != NULL)
				*err = xasprintf("an Ed25519 CA cannot make a "
				    "%zu-byte %s signature", sn, alg);
			goto out;
		}
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
		    k.f[0], k.fn[0]);
		rc = evp_verify(pk, NULL, s, sn, data, datalen);
		break;
	case KB_ECDSA:
		/* the signature's type is the key's own name */
		if (strcmp(alg, k.t->plain) != 0) {
			if (err != NULL)
				*err = xasprintf("an %s CA cannot make a %s "
				    "signature", k.t->plain, alg);
			goto out;
		}
		sshbuf_init(&in, s, sn);
		if (sshbuf_get_bignum2(&in, &er, &ern) != 0 ||
		    sshbuf_get_bignum2(&in, &es, &esn) != 0 ||
		    sshbuf_left(&in) != 0 ||
		    (der = der_sig(er, ern, es, esn, &derlen)) == NULL) {
			if (err != NULL)
				*err = xstrdup("the ECDSA signature is malformed");
			goto out;
		}
		md = k.t->curve == 256 ? EVP_sha256() :
		    k.t->curve == 384 ? EVP_sha384() : EVP_sha512();
		pk = ec_key(&k);
		rc = evp_verify(pk, md, der, derlen, data, datalen);
		break;
	case KB_RSA:
		if ((md = rsa_md(alg)) == NULL) {
			if (err != NULL)
				*err = xasprintf("an RSA CA cannot make a %s "
				    "signature", alg);
			goto out;
		}
		/* ssh_rsa_verify: a short signature is padded to the
		 * modulus, a long one refused. */
		modlen = k.fn[1];
		if (sn > modlen) {
			if (err != NULL)
				*err = xstrdup("the RSA signature is longer than "
				    "the CA's modulus");
			goto out;
		}
		padded = xcalloc(1, modlen);
		memcpy(padded + modlen - sn, s, sn);
		pk = rsa_key(&k);
		rc = evp_verify(pk, md, padded, modlen, data, datalen);
		break;
	case KB_DSA:
		/* ssh_dss_verify: 40 bytes, r and s of 160 bits, SHA-1 */
		if (strcmp(alg, "ssh-dss") != 0 || sn != 40 ||
		    (der = der_sig(s, 20, s + 20, 20, &derlen)) == NULL) {
			if (err != NULL)
				*err = xstrdup("the DSA signature is malformed");
			goto out;
		}
		pk = dsa_key(&k);
		rc = evp_verify(pk, EVP_sha1(), der, derlen, data, datalen);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc == -1)
		fail(err, xasprintf("libcrypto cannot check a %s signature here",
		    alg));
	else if (rc == 0 && err != NULL)
		*err = xasprintf("the %s signature does not verify", alg);
 out:
	free(alg);
	free(der);
	free(padded);
	EVP_PKEY_free(pk);
	return rc;
}
