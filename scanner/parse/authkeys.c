/*
 * authkeys.c - authorized_keys lines judged by sshd's own rules (OpenSSH 9.2:
 * sshkey_read, sshkey_advance_past_options, sshauthopt_parse), so keyaudit
 * can say why sshd skips a line: sshd itself says so only at debug level.
 *
 * Everything here is a pure function over bytes. Each line is copied up to
 * its first NUL because sshd handles lines as C strings, and then walked
 * with the same order of attempts sshd makes: a key at the start of the
 * line, else options followed by a key. Key blobs are read by keyblob.c and
 * certificates by cert.c, the readers every parser shares. One thing sshd
 * checks is not: the signature of a certificate (which sshd never matches
 * in this file anyway).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/parse/authkeys.h"
#include "scanner/parse/release.h"
#include "scanner/parse/cert.h"
#include "scanner/parse/keyblob.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshbuf.h"
#include "scanner/parse/sshmisc.h"

/* Limits sshd applies (sshbuf.h, auth-options.h, sshkey.h, misc.h). */
#define AUTHOPT_PERMIT_MAX	4096
#define AUTHOPT_ENV_MAX		1024
#define TUNID_MAX		(0x7fffffff - 2)
#define MAXHOSTLEN		1025	/* NI_MAXHOST */

const char *
ak_canonical_type(const char *word)
{
	const struct kb_type *t;

	if (word == NULL)
		return NULL;
	t = kb_type_by_word(word, strlen(word));
	return t ? t->canon : NULL;
}

static int
is_space_c(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/*
 * Decode one key word the way sshd's b64_pton does: whitespace anywhere is
 * skipped, padding is optional only when the input ends on a 4-character
 * boundary, and the bits a final partial group leaves over must be zero.
 * Returns the decoded length, or -1.
 */
static long
key_b64_decode(const char *s, unsigned char *out)
{
	size_t o = 0;
	int state = 0, v = 0, c;

	while ((c = (unsigned char)*s++) != '\0') {
		if (is_space_c(c))
			continue;
		if (c == '=')
			break;
		if ((v = base64_value(c)) < 0)
			return -1;
		switch (state) {
		case 0:
			out[o] = (unsigned char)(v << 2);
			state = 1;
			break;
		case 1:
			out[o++] |= (unsigned char)(v >> 4);
			out[o] = (unsigned char)((v & 0x0f) << 4);
			state = 2;
			break;
		case 2:
			out[o++] |= (unsigned char)(v >> 2);
			out[o] = (unsigned char)((v & 0x03) << 6);
			state = 3;
			break;
		default:
			out[o++] |= (unsigned char)v;
			state = 0;
			break;
		}
	}
	if (c != '=')
		return state == 0 ? (long)o : -1;
	if (state == 0 || state == 1)
		return -1;
	c = (unsigned char)*s++;
	if (state == 2) {
		while (c != '\0' && is_space_c(c))
			c = (unsigned char)*s++;
		if (c != '=')
			return -1;
		c = (unsigned char)*s++;
	}
	for (; c != '\0'; c = (unsigned char)*s++)
		if (!is_space_c(c))
			return -1;
	/* The bits below the last whole byte would be a side channel. */
	if (out[o] != 0)
		return -1;
	return (long)o;
}

/* How sshd reads one key at cp (sshkey_read), kept apart from the line so a
 * failed first attempt can still explain itself. */
struct keyread {
	const struct kb_type *wt;	/* the type word, if known */
	struct kb_key ki;
	unsigned char *blob;
	size_t bloblen;
	char *fp;
	const char *rest;	/* the comment, after the key */
	char *err;
};

static void
keyread_free(struct keyread *k)
{
	kb_key_free(&k->ki);
	free(k->blob);
	free(k->fp);
	free(k->err);
	memset(k, 0, sizeof(*k));
}

/* sshkey_from_blob_internal: the type and key fields (keyblob.c), and a
 * certificate's body as cert.c reads it. The signature is not verified:
 * sshd never matches a certificate in this file anyway. */
static int
read_blob(struct keyread *k)
{
	struct sshbuf r;
	struct ssh_cert c;

	sshbuf_init(&r, k->blob, k->bloblen);
	if (kb_read_key(&r, 1, &k->ki, &k->err) != 0)
		return -1;
	if (k->ki.t->cert) {
		if (cert_parse(k->blob, k->bloblen, &c, &k->err) != 0)
			return -1;
		cert_free(&c);
		return 0;
	}
	if (sshbuf_left(&r) != 0) {
		k->err = xstrdup("unexpected bytes after the key data");
		return -1;
	}
	return 0;
}

static int
read_key(const char *cp, struct keyread *k)
{
	size_t sp = strcspn(cp, " \t"), bn;
	const char *p;
	char *word, *q;
	long n;
	int rc;

	memset(k, 0, sizeof(*k));
	kb_key_init(&k->ki);
	if ((k->wt = kb_type_by_word(cp, sp)) == NULL) {
		q = kb_shown(cp, sp);
		k->err = xasprintf("unknown key type '%s'", q);
		free(q);
		return -1;
	}
	for (p = cp + sp; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0') {
		k->err = xasprintf("key type '%s' with no key data after it",
		    k->wt->name);
		return -1;
	}
	bn = strcspn(p, " \t");
	word = xstrndup(p, bn);
	k->blob = xmalloc(bn + 1);
	n = key_b64_decode(word, k->blob);
	free(word);
	if (n < 0) {
		k->err = xasprintf("the %s key data is not valid base64 "
		    "(damaged when copied?)", k->wt->name);
		return -1;
	}
	k->bloblen = (size_t)n;
	rc = read_blob(k);
	/* A key that only fails sshd's size rule still has an identity. */
	if (k->ki.bits > 0)
		k->fp = kb_fingerprint(&k->ki);
	if (rc != 0)
		return -1;
	if (k->ki.t->kind != k->wt->kind || k->ki.t->cert != k->wt->cert ||
	    k->ki.t->curve != k->wt->curve) {
		q = kb_shown(k->ki.blobname, strlen(k->ki.blobname));
		k->err = xasprintf("the type word says %s but the key data is %s",
		    k->wt->name, q);
		free(q);
		return -1;
	}
	for (p += bn; *p == ' ' || *p == '\t'; p++)
		;
	k->rest = p;
	return 0;
}

/* Move what a key read found into the line. */
static void
keyread_commit(struct keyread *k, struct ak_line *l)
{
	if (k->wt == NULL)
		return;
	l->keytype = xstrdup(k->wt->name);
	l->is_cert = k->wt->cert;
	l->is_sk = k->wt->kind == KB_ED25519_SK || k->wt->kind == KB_ECDSA_SK;
	if (k->ki.blobname != NULL)
		l->blob_type = kb_shown(k->ki.blobname, strlen(k->ki.blobname));
	if (k->fp != NULL) {
		l->fp = k->fp;
		k->fp = NULL;
		l->bits = k->ki.bits;
		l->blob = k->blob;
		l->bloblen = k->bloblen;
		k->blob = NULL;
	}
}

/* sshkey_advance_past_options: to the first blank outside double quotes. */
static const char *
skip_options(const char *cp)
{
	int quoted = 0;

	for (; *cp && (quoted || (*cp != ' ' && *cp != '\t')); cp++) {
		if (*cp == '\\' && cp[1] == '"')
			cp++;
		else if (*cp == '"')
			quoted = !quoted;
	}
	return (*cp == '\0' && quoted) ? NULL : cp;
}

/* opt_flag: a case-insensitive prefix match, "no-" allowed when negatable. */
static int
opt_flag(const char *name, int negatable, const char **pp)
{
	const char *p = *pp;
	size_t n = strlen(name);
	int neg = 0;

	if (negatable && strncasecmp(p, "no-", 3) == 0) {
		p += 3;
		neg = 1;
	}
	if (strncasecmp(p, name, n) != 0)
		return -1;
	*pp = p + n;
	return !neg;
}

static int
opt_match(const char **pp, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(*pp, name, n) != 0 || (*pp)[n] != '=')
		return 0;
	*pp += n + 1;
	return 1;
}

/* opt_dequote: a double-quoted value; \" is the only escape. */
static char *
opt_dequote(const char **pp, const char **err)
{
	const char *s = *pp;
	struct buf b;

	if (*s != '"') {
		*err = "the value must be in double quotes";
		return NULL;
	}
	buf_init(&b);
	for (s++; *s != '\0' && *s != '"'; s++) {
		if (s[0] == '\\' && s[1] == '"')
			s++;
		buf_putc(&b, *s);
	}
	if (*s == '\0') {
		buf_free(&b);
		*err = "the closing double quote is missing";
		return NULL;
	}
	*pp = s + 1;
	return buf_steal(&b);
}

/* strtonum(s, lo, hi); -1 when s is not such a number. */
static long long
str_to_num(const char *s, long long lo, long long hi)
{
	long long v;

	return ssh_strtonum(s, lo, hi, &v) == NULL ? v : -1;
}

/* handle_permit: "host:port" (or bare port for permitlisten). */
static const char *
permit_check(const char *val, int bare_port_ok, char **fixed)
{
	char *opt, *host, *port;
	const char *err = NULL;

	if (bare_port_ok && strchr(val, ':') == NULL)
		opt = xasprintf("*:%s", val);
	else
		opt = xstrdup(val);
	/* hpdelim2: "[v6]" or up to the first ':' or '/'. */
	host = opt;
	if (*opt == '[') {
		if ((port = strchr(opt, ']')) != NULL)
			port++;
	} else if ((port = strpbrk(opt, ":/")) == NULL)
		port = opt + strlen(opt);
	if (port == NULL || (*port != '\0' && *port != ':' && *port != '/'))
		err = "invalid host name";
	else {
		if (*port == '\0')
			port = NULL;
		else
			*port++ = '\0';
		if (strlen(host) >= MAXHOSTLEN)
			err = "invalid host name";
		else if (port == NULL ||
		    (strcmp(port, "*") != 0 && ssh_a2port(port) <= 0))
			err = "invalid port";
	}
	free(opt);
	if (err == NULL)
		*fixed = bare_port_ok && strchr(val, ':') == NULL ?
		    xasprintf("*:%s", val) : xstrdup(val);
	return err;
}

/* a2tun: "any" or 0..SSH_TUNID_MAX. */
static int
tunnel_ok(const char *s)
{
	return strcasecmp(s, "any") == 0 || str_to_num(s, 0, TUNID_MAX) >= 0;
}

/* One strptime %Y/%m/%d/%H/%M/%S field as glibc reads it: blanks, then
 * up to ndig digits while the value can still grow within range. */
static int
tm_field(const char **pp, int lo, int hi, int ndig, int *out)
{
	const char *p = *pp;
	int v = 0;

	while (is_space_c((unsigned char)*p))
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	do {
		v = v * 10 + (*p++ - '0');
	} while (--ndig > 0 && v * 10 <= hi && *p >= '0' && *p <= '9');
	if (v < lo || v > hi)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/*
 * parse_absolute_time: YYYYMMDD[HHMM[SS]] with an optional Z or UTC suffix.
 * Without it sshd uses its own local time zone, which keyaudit does not
 * know: the time is then read as UTC (*utc = 0 tells the caller).
 */
static int
parse_expiry(const char *s, int64_t *t, int *utc)
{
	size_t l = strlen(s);
	char b[32];
	const char *p = b;
	int Y, mo, d, H = 0, M = 0, S = 0;
	int64_t v;

	*utc = 0;
	if (l > 1 && strcasecmp(s + l - 1, "Z") == 0) {
		*utc = 1;
		l--;
	} else if (l > 3 && strcasecmp(s + l - 3, "UTC") == 0) {
		*utc = 1;
		l -= 3;
	}
	if (l != 8 && l != 12 && l != 14)
		return -1;
	/* The same split sshd hands to strptime. */
	snprintf(b, sizeof(b), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	if (l >= 12)
		snprintf(b + 10, sizeof(b) - 10, "T%.2s:%.2s", s + 8, s + 10);
	if (l == 14)
		snprintf(b + 16, sizeof(b) - 16, ":%.2s", s + 12);
	if (tm_field(&p, 0, 9999, 4, &Y) != 0 || *p++ != '-' ||
	    tm_field(&p, 1, 12, 2, &mo) != 0 || *p++ != '-' ||
	    tm_field(&p, 1, 31, 2, &d) != 0)
		return -1;
	if (l >= 12 && (*p++ != 'T' || tm_field(&p, 0, 23, 2, &H) != 0 ||
	    *p++ != ':' || tm_field(&p, 0, 59, 2, &M) != 0))
		return -1;
	if (l == 14 && (*p++ != ':' || tm_field(&p, 0, 61, 2, &S) != 0))
		return -1;
	if (*p != '\0')
		return -1;
	v = days_from_civil(Y, mo, d) * 86400 + H * 3600 + M * 60 + S;
	/* mktime/timegm below the epoch fail, and 0 means "no expiry". */
	if (v <= 0)
		return -1;
	*t = v;
	return 0;
}

static int
env_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* The option name at p, for "unknown option 'x'". */
static char *
option_name(const char *p)
{
	return kb_shown(p, strcspn(p, ", \t="));
}

/*
 * sshauthopt_parse over s (the rest of the line from the options on). On
 * failure returns -1 and *err says why in words a user can act on.
 */
static int
parse_options(const char *s, struct ak_options *o, char **err)
{
	const char *p = s, *start, *e = NULL;
	const char *valname;
	char *v = NULL, *q;
	int r;

	while (*p && *p != ' ' && *p != '\t') {
		start = p;
		valname = NULL;
		if (opt_flag("restrict", 0, &p) != -1) {
			o->restrict_ = 1;
			o->no_port_forwarding = o->no_agent_forwarding = 1;
			o->no_x11_forwarding = o->no_pty = o->no_user_rc = 1;
		} else if ((r = opt_flag("cert-authority", 0, &p)) != -1) {
			o->cert_authority = 1;
		} else if ((r = opt_flag("port-forwarding", 1, &p)) != -1) {
			o->no_port_forwarding = !r;
		} else if ((r = opt_flag("agent-forwarding", 1, &p)) != -1) {
			o->no_agent_forwarding = !r;
		} else if ((r = opt_flag("x11-forwarding", 1, &p)) != -1) {
			o->no_x11_forwarding = !r;
		} else if ((r = opt_flag("touch-required", 1, &p)) != -1) {
			o->touch_required = r ? 1 : -1;
		} else if ((r = opt_flag("verify-required", 1, &p)) != -1) {
			o->verify_required = r;
		} else if ((r = opt_flag("pty", 1, &p)) != -1) {
			o->no_pty = !r;
		} else if ((r = opt_flag("user-rc", 1, &p)) != -1) {
			o->no_user_rc = !r;
		} else if (opt_match(&p, "command")) {
			valname = "command";
			if (o->command != NULL)
				goto dup;
			if ((o->command = opt_dequote(&p, &e)) == NULL)
				goto bad;
		} else if (opt_match(&p, "principals")) {
			valname = "principals";
			if (o->principals != NULL)
				goto dup;
			if ((o->principals = opt_dequote(&p, &e)) == NULL)
				goto bad;
		} else if (opt_match(&p, "from")) {
			valname = "from";
			if (o->from != NULL)
				goto dup;
			if ((o->from = opt_dequote(&p, &e)) == NULL)
				goto bad;
		} else if (opt_match(&p, "expiry-time")) {
			int64_t t;
			int utc;

			valname = "expiry-time";
			if ((v = opt_dequote(&p, &e)) == NULL)
				goto bad;
			if (parse_expiry(v, &t, &utc) != 0) {
				q = kb_shown(v, strlen(v));
				*err = xasprintf("expiry-time: bad date '%s' (want "
				    "YYYYMMDD[HHMM[SS]][Z])", q);
				free(q);
				goto fail;
			}
			/* Repeating expiry-time is allowed: the earliest wins. */
			if (o->expiry == 0 || t < o->expiry) {
				o->expiry = t;
				free(o->expiry_text);
				o->expiry_text = v;
				v = NULL;
			}
			free(v);
			v = NULL;
		} else if (opt_match(&p, "environment")) {
			const char *eq;
			size_t nl, i;

			valname = "environment";
			if (o->environment.n > AUTHOPT_ENV_MAX) {
				*err = xstrdup("environment: too many variables");
				goto fail;
			}
			if ((v = opt_dequote(&p, &e)) == NULL)
				goto bad;
			if ((eq = strchr(v, '=')) == NULL ||
			    !env_name_ok(v, (size_t)(eq - v))) {
				q = kb_shown(v, eq ? (size_t)(eq - v) : strlen(v));
				*err = eq == NULL ?
				    xasprintf("environment: '%s' is not NAME=value", q) :
				    xasprintf("environment: invalid variable name '%s' "
				    "(letters, digits and _ only)", q);
				free(q);
				goto fail;
			}
			nl = (size_t)(eq - v);
			/* A repeated name is ignored: the first one wins. */
			for (i = 0; i < o->environment.n; i++)
				if (strncmp(o->environment.v[i], v, nl) == 0 &&
				    o->environment.v[i][nl] == '=')
					break;
			if (i == o->environment.n) {
				strlist_add_owned(&o->environment, v);
				v = NULL;
			}
			free(v);
			v = NULL;
		} else if (opt_match(&p, "permitopen") ||
		    opt_match(&p, "permitlisten")) {
			int listen = strncasecmp(start, "permitlisten", 12) == 0;
			struct strlist *l = listen ? &o->permitlisten : &o->permitopen;
			char *fixed = NULL;

			valname = listen ? "permitlisten" : "permitopen";
			if (l->n > AUTHOPT_PERMIT_MAX) {
				*err = xasprintf("%s: too many entries", valname);
				goto fail;
			}
			if ((v = opt_dequote(&p, &e)) == NULL)
				goto bad;
			if ((e = permit_check(v, listen, &fixed)) != NULL) {
				q = kb_shown(v, strlen(v));
				*err = xasprintf("%s: %s in '%s' (want %shost:port)",
				    valname, e, q, listen ? "port or " : "");
				free(q);
				goto fail;
			}
			strlist_add_owned(l, fixed);
			free(v);
			v = NULL;
		} else if (opt_match(&p, "tunnel")) {
			valname = "tunnel";
			if ((v = opt_dequote(&p, &e)) == NULL)
				goto bad;
			if (!tunnel_ok(v)) {
				q = kb_shown(v, strlen(v));
				*err = xasprintf("tunnel: invalid device '%s' (want a "
				    "number or \"any\")", q);
				free(q);
				goto fail;
			}
			free(o->tunnel);
			o->tunnel = v;
			v = NULL;
		}
		if (*p == '\0' || *p == ' ' || *p == '\t')
			break;
		if (*p != ',') {
			if (valname != NULL) {
				q = kb_shown(p, strcspn(p, ", \t"));
				*err = xasprintf("unexpected '%s' after the value of "
				    "%s=", q, valname);
			} else {
				q = option_name(start);
				*err = xasprintf("unknown option '%s'", q);
			}
			free(q);
			goto fail;
		}
		if (*++p == '\0') {
			*err = xstrdup("the options end with a comma and no key "
			    "follows");
			goto fail;
		}
	}
	return 0;
 dup:
	*err = xasprintf("%s= appears more than once", valname);
	goto fail;
 bad:
	*err = xasprintf("%s=: %s", valname, e);
 fail:
	free(v);
	return -1;
}

/* Control characters other than tab, or bytes that are not UTF-8. */
static int
has_control(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && s[j] != '\t'; j++)
			;
		if (str_has_control(s + i, j - i))
			return 1;
		i = j + 1;
	}
	return 0;
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "-----BEGIN OPENSSH PRIVATE KEY-----" and the like (PEM, PKCS#8, and the
 * OpenSSH format), or the first line of a PuTTY .ppk file. */
static int
private_begin(const char *s)
{
	return (starts_with(s, "-----BEGIN ") && strstr(s, "PRIVATE KEY-----")) ||
	    starts_with(s, "PuTTY-User-Key-File-");
}

static int
private_end(const char *s)
{
	return (starts_with(s, "-----END ") && strstr(s, "PRIVATE KEY-----")) ||
	    starts_with(s, "Private-MAC:");
}

/* RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----", what PuTTY and commercial
 * SSH export: sshd reads none of it. */
static int
rfc4716_begin(const char *s)
{
	return starts_with(s, "---- BEGIN SSH2 PUBLIC KEY");
}

static int
rfc4716_end(const char *s)
{
	return starts_with(s, "---- END SSH2 PUBLIC KEY");
}

/* "OPENSSH PRIVATE KEY" from a BEGIN line: the label only, never more. */
static char *
private_label(const char *s)
{
	const char *e;

	if (starts_with(s, "PuTTY-User-Key-File-"))
		return xstrdup("PuTTY private key");
	s += strlen("-----BEGIN ");
	e = strstr(s, "-----");
	return kb_shown(s, e ? (size_t)(e - s) : strlen(s));
}

/* The last comma-separated word of an option string, when it is a key
 * type: "no-pty,ssh-ed25519" lacks the blank after the options. */
static const struct kb_type *
glued_type(const char *opts, size_t n)
{
	const char *c = opts + n;

	while (c > opts && c[-1] != ',')
		c--;
	if (c == opts)
		return NULL;
	return kb_type_by_word(c, (size_t)(opts + n - c));
}

void
ak_parse_line(const char *line, size_t len, long lineno, struct ak_line *out)
{
	const char *nul, *cp, *oend;
	struct keyread k1, k2;
	char *s, *oerr = NULL;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->lineno = lineno;
	if (len > 0 && line[len - 1] == '\r') {
		out->had_crlf = 1;
		len--;
	}
	/* sshd handles the line as a C string: nothing after a NUL counts. */
	nul = memchr(line, '\0', len);
	n = nul ? (size_t)(nul - line) : len;
	s = xstrndup(line, n);
	for (cp = s; *cp == ' ' || *cp == '\t'; cp++)
		;
	if (*cp == '\0' || *cp == '#') {
		free(s);
		return;
	}
	if (private_begin(cp)) {
		char *label = private_label(cp);

		out->status = AK_PRIVATE;
		out->error = xasprintf("a private key (%s) is pasted into the "
		    "file", label);
		free(label);
		free(s);
		return;
	}
	if (rfc4716_begin(cp)) {
		out->status = AK_BAD_KEY;
		out->error = xstrdup("an RFC 4716 (SSH2) public key block: sshd "
		    "reads only one-line OpenSSH keys (convert it with ssh-keygen "
		    "-i -f FILE)");
		free(s);
		return;
	}

	if (read_key(cp, &k1) == 0) {
		keyread_commit(&k1, out);
		out->status = AK_KEY;
		goto key;
	}

	/* No key at the start: sshd takes the first word as options. */
	if ((oend = skip_options(cp)) == NULL) {
		out->status = AK_BAD_OPTIONS;
		out->options_text = xstrdup(cp);
		out->error = xstrdup("unclosed quote in the options");
		keyread_free(&k1);
		free(s);
		return;
	}
	out->options_text = xstrndup(cp, (size_t)(oend - cp));
	for (; *oend == ' ' || *oend == '\t'; oend++)
		;
	if (read_key(oend, &k2) != 0) {
		const struct kb_type *g = glued_type(cp, strlen(out->options_text));
		size_t w = strcspn(cp, " \t");

		out->status = AK_BAD_KEY;
		if (k1.wt != NULL) {
			/* The line starts with a key type: its key is what failed. */
			keyread_commit(&k1, out);
			out->error = k1.err;
			k1.err = NULL;
			free(out->options_text);
			out->options_text = NULL;
		} else if (g != NULL) {
			out->error = xasprintf("no blank between the options and the "
			    "key type %s: sshd reads them as one word", g->name);
		} else if (memchr(cp, '=', w) != NULL || memchr(cp, ',', w) != NULL ||
		    k2.wt != NULL) {
			keyread_commit(&k2, out);
			out->error = xasprintf("no valid key after the options: %s",
			    k2.err);
		} else {
			free(out->options_text);
			out->options_text = NULL;
			out->error = k1.err;
			k1.err = NULL;
		}
		keyread_free(&k1);
		keyread_free(&k2);
		free(s);
		return;
	}
	keyread_free(&k1);
	keyread_commit(&k2, out);
	k1 = k2;
	if (parse_options(cp, &out->opts, &oerr) != 0) {
		out->status = AK_BAD_OPTIONS;
		out->error = oerr;
		keyread_free(&k1);
		free(s);
		return;
	}
	out->status = AK_KEY;
 key:
	if (*k1.rest != '\0')
		out->comment = xstrdup(k1.rest);
	out->comment_has_control = has_control(k1.rest, strlen(k1.rest)) ||
	    nul != NULL;
	if (out->is_cert) {
		/* sshd compares a certificate line with neither a plain key
		 * (type mismatch) nor a certificate (it wants the CA key). */
		out->status = AK_BAD_KEY;
		out->error = xasprintf("a certificate (%s), not a key: sshd never "
		    "matches a certificate line; list the CA key with "
		    "cert-authority instead", out->keytype);
	}
	keyread_free(&k1);
	free(s);
}

int
ak_parse_options(const char *s, struct ak_options *o, char **err)
{
	memset(o, 0, sizeof(*o));
	*err = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_options(s, o, err) != 0) {
		ak_options_free(o);
		if (*err == NULL)
			*err = xstrdup("bad options");
		return -1;
	}
	return 0;
}

void
ak_options_free(struct ak_options *o)
{
	free(o->command);
	free(o->from);
	free(o->principals);
	free(o->expiry_text);
	strlist_free(&o->environment);
	strlist_free(&o->permitopen);
	strlist_free(&o->permitlisten);
	free(o->tunnel);
	memset(o, 0, sizeof(*o));
}

void
ak_line_free(struct ak_line *l)
{
	free(l->error);
	free(l->options_text);
	ak_options_free(&l->opts);
	free(l->keytype);
	free(l->blob_type);
	free(l->blob);
	free(l->fp);
	free(l->comment);
	memset(l, 0, sizeof(*l));
}

/* Give every line of a multi-line block the same explanation, so a report
 * can show the block once. */
static void
block_error(struct ak_file *f, size_t first, size_t last, enum ak_status st,
    const char *fmt, const char *what)
{
	char *msg = xasprintf(fmt, what, f->lines[first].lineno,
	    f->lines[last].lineno);

	for (size_t i = first; i <= last; i++) {
		free(f->lines[i].error);
		f->lines[i].status = st;
		f->lines[i].error = xstrdup(msg);
	}
	free(msg);
}

/* The start of a line, blanks skipped, as a short C string for the block
 * markers (which are all short). */
static void
line_head(const char *line, size_t n, char *hb, size_t hbsz)
{
	size_t i = 0, j = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (i < n && j + 1 < hbsz && line[i] != '\0')
		hb[j++] = line[i++];
	hb[j] = '\0';
}

void
ak_parse(const char *data, size_t len, struct ak_file *out)
{
	size_t off = 0, cap = 0, block = 0;
	enum { NONE, PRIVATE, RFC4716 } in = NONE;
	char *label = NULL, hb[128];

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const char *line = data + off, *eol;
		size_t n;
		long lineno;
		struct ak_line *l;

		eol = memchr(line, '\n', len - off);
		n = eol ? (size_t)(eol - line) : len - off;
		off += n + (eol != NULL);
		lineno = (long)out->n + out->lines_dropped + 1;
		if ((long)n > out->longest_line)
			out->longest_line = (long)n;
		if (out->n >= AK_MAX_LINES) {
			out->lines_dropped++;
			continue;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->lines = xreallocarray(out->lines, cap, sizeof(*out->lines));
		}
		l = &out->lines[out->n++];
		line_head(line, n, hb, sizeof(hb));
		if (in != NONE) {
			/* Inside a block nothing is parsed, and of a private key
			 * nothing is kept. */
			memset(l, 0, sizeof(*l));
			l->lineno = lineno;
			if (in == PRIVATE && private_end(hb)) {
				block_error(out, block, out->n - 1, AK_PRIVATE,
				    "a private key (%s) is pasted in at lines "
				    "%ld-%ld: remove it, only public keys belong here",
				    label);
				in = NONE;
			} else if (in == RFC4716 && rfc4716_end(hb)) {
				block_error(out, block, out->n - 1, AK_BAD_KEY,
				    "an RFC 4716 (SSH2) public key block%s at lines "
				    "%ld-%ld: sshd reads only one-line OpenSSH keys "
				    "(convert it with ssh-keygen -i -f FILE)", "");
				in = NONE;
			}
			continue;
		}
		ak_parse_line(line, n, lineno, l);
		if (l->status == AK_PRIVATE) {
			in = PRIVATE;
			block = out->n - 1;
			free(label);
			label = private_label(hb);
			if (out->private_key_line == 0)
				out->private_key_line = lineno;
			/* A whole key pasted on one line (or redacted to its
			 * markers) ends where it begins. */
			if (n > 11 && memmem(line + 11, n - 11, "-----END ", 9) != NULL) {
				block_error(out, block, out->n - 1, AK_PRIVATE,
				    "a private key (%s) is pasted in at lines "
				    "%ld-%ld: remove it, only public keys belong here",
				    label);
				in = NONE;
			}
		} else if (rfc4716_begin(hb)) {
			in = RFC4716;
			block = out->n - 1;
		}
	}
	if (in == PRIVATE)
		block_error(out, block, out->n - 1, AK_PRIVATE,
		    "a private key (%s) is pasted in at lines %ld-%ld (no END "
		    "line): remove it, only public keys belong here", label);
	else if (in == RFC4716)
		block_error(out, block, out->n - 1, AK_BAD_KEY,
		    "an RFC 4716 (SSH2) public key block%s at lines %ld-%ld (no "
		    "END line): sshd reads only one-line OpenSSH keys (convert it "
		    "with ssh-keygen -i -f FILE)", "");
	free(label);
}

void
ak_file_free(struct ak_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		ak_line_free(&f->lines[i]);
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

static char *
lowercase(const char *s)
{
	char *r = xstrdup(s);

	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/*
 * match_host_and_ip as auth_authorise_keyopts uses it. With UseDNS off sshd
 * passes the address as the host name too, so host patterns such as
 * "10.1.*" still apply to it.
 */
int
ak_from_matches(const char *from, const char *addr, const char *host)
{
	char *lhost, *lfrom;
	int mip, mhost;

	if (from == NULL)
		return 1;
	if (addr == NULL)
		return 0;
	if ((mip = match_addr_list(addr, from)) == -2 || mip == -1)
		return 0;
	lhost = lowercase(host ? host : addr);
	lfrom = lowercase(from);
	mhost = match_pattern_list(lhost, lfrom, 1);
	free(lhost);
	free(lfrom);
	if (mhost == -1 || (mhost == 0 && mip == 0))
		return 0;
	return 1;
}

/* ------------------------------------------------------------- releases */

char *
ak_unknown_option(const char *s, int rel)
{
	if (s == NULL || rel == 0)
		return NULL;
	while (*s != '\0' && *s != ' ' && *s != '\t') {
		size_t n = strcspn(s, "=, \t");
		char *name = xstrndup(s, n);

		if (!release_authkeys_option(rel, name, NULL))
			return name;
		free(name);
		s += n;
		/* skip a quoted value (a backslash escapes a quote) */
		if (*s == '=') {
			s++;
			if (*s == '"')
				for (s++; *s != '\0' && *s != '"'; s++)
					if (*s == '\\' && s[1] == '"')
						s++;
			if (*s == '"')
				s++;
			s += strcspn(s, ", \t");
		}
		if (*s != ',')
			break;
		s++;
	}
	return NULL;
}

void
ak_apply_release(struct ak_file *f, int rel)
{
	char rb[16], sb[16];

	if (rel == 0)
		return;
	for (size_t i = 0; i < f->n; i++) {
		struct ak_line *l = &f->lines[i];
		char *opt;
		int since = 0;

		if (l->status != AK_KEY ||
		    (opt = ak_unknown_option(l->options_text, rel)) == NULL)
			continue;
		release_authkeys_option(rel, opt, &since);
		l->status = AK_BAD_OPTIONS;
		free(l->error);
		if (since > 0)
			l->error = xasprintf("option \"%s\" is unknown to OpenSSH %s "
			    "(it came in %s)", opt, release_str(rel, rb, sizeof(rb)),
			    release_str(since, sb, sizeof(sb)));
		else
			l->error = xasprintf("option \"%s\" is unknown to OpenSSH %s",
			    opt, release_str(rel, rb, sizeof(rb)));
		free(opt);
	}
}
