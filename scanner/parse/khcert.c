/* khcert.c - a host certificate against known_hosts @cert-authority lines,
 * in the order ssh 9.2 judges one (sshconnect.c check_host_key): the CA
 * lines for "[host]:port" (then for the bare name on another port), the
 * @revoked lines for the certificate's key and its CA, then
 * sshkey_cert_check_host: a host certificate, inside its window, the name
 * among its principals (exactly; none listed means any name), no critical
 * options, a CA signature algorithm ssh accepts. The signature itself is
 * verified first: on the wire ssh could not even read a certificate whose
 * signature fails. Pure; see khcert.h. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/khcert.h"
#include "scanner/parse/match.h"

static char *
lower(const char *s)
{
	char *l = xstrdup(s);

	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* The names ssh looks host up by: "[h]:port" off port 22, else h; and
 * the bare name it retries with (NULL: no retry). */
static void
names(const char *host, int port, char **lookup, char **bare)
{
	char *h = lower(host);

	if (port == 0 || port == 22) {
		*lookup = h;
		*bare = NULL;
	} else {
		*lookup = xasprintf("[%s]:%d", h, port);
		*bare = h;
	}
}

static int
same_fp(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const struct kh_line *
first_marked(const struct kh_db *db, const char *name, enum kh_marker m,
    const char *fp1, const char *fp2)
{
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->kind != KH_LINE_KEY || l->marker != m || !kh_line_matches(l, name))
			continue;
		if (fp1 == NULL || same_fp(l->fp, fp1) || same_fp(l->fp, fp2))
			return l;
	}
	return NULL;
}

const struct kh_line *
khc_ca_line(const struct kh_db *db, const char *host, int port)
{
	char *lookup, *bare;
	const struct kh_line *l;

	names(host, port, &lookup, &bare);
	l = first_marked(db, lookup, KH_MARK_CA, NULL, NULL);
	if (l == NULL && bare != NULL)
		l = first_marked(db, bare, KH_MARK_CA, NULL, NULL);
	free(lookup);
	free(bare);
	return l;
}

int
khc_rank(const char *key_type)
{
	static const char *const order[] = { "ssh-ed25519", "ecdsa-sha2-nistp256",
	    "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa" };

	for (size_t i = 0; key_type != NULL && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(key_type, order[i]) == 0)
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

const char *
khc_reason_name(enum khc_reason r)
{
	static const char *const n[] = { "none", "signature", "ca", "kind",
	    "not-yet-valid", "expired", "principal", "critical-option",
	    "signature-algorithm", "revoked" };

	return (size_t)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

static void
fail(struct khc_verdict *v, enum khc_reason r, const struct kh_line *l,
    char *why)
{
	v->status = r == KHC_R_REVOKED ? KHC_REVOKED : KHC_FAIL;
	v->reason = r;
	if (l != NULL) {
		v->file = l->file;
		v->line = l->line;
	}
	free(v->why);
	v->why = why;
}

/* sshkey_cert_check_host for a CA that matched: 0 passes. */
static int
check_host(const struct ssh_cert *c, const char *name, int64_t now,
    const struct kh_line *ca, struct khc_verdict *v)
{
	int w, named = c->principals.n == 0;

	if (c->kind != CERT_HOST) {
		fail(v, KHC_R_KIND, ca, xstrdup("Certificate invalid: not a host certificate"));
		return -1;
	}
	if ((w = cert_validity(c, now)) != 0) {
		char *t = cert_time(w < 0 ? c->valid_after : c->valid_before, w > 0);

		fail(v, w < 0 ? KHC_R_NOT_YET : KHC_R_EXPIRED, ca, xasprintf(
		    "Certificate invalid: %s (valid %s %s, at the client's clock)",
		    w < 0 ? "not yet valid" : "expired", w < 0 ? "from" : "until", t));
		free(t);
		return -1;
	}
	for (size_t i = 0; i < c->principals.n && !named; i++)
		named = strcmp(c->principals.v[i], name) == 0;
	if (!named) {
		struct buf b;

		buf_init(&b);
		for (size_t i = 0; i < c->principals.n; i++) {
			char *p = str_printable(c->principals.v[i], strlen(c->principals.v[i]));
			buf_printf(&b, "%s%s", i ? "," : "", p);
			free(p);
		}
		fail(v, KHC_R_PRINCIPAL, ca, xasprintf("Certificate invalid: name is not "
		    "a listed principal ('%s' not in %s)", name, b.data ? b.data : ""));
		buf_free(&b);
		return -1;
	}
	if (c->ncritical > 0) {
		fail(v, KHC_R_CRITICAL, ca, xstrdup("Certificate contains unsupported "
		    "critical options"));
		return -1;
	}
	if (c->sig_alg == NULL || match_pattern_list(c->sig_alg, KHC_CA_SIGN_ALGS, 0) != 1) {
		fail(v, KHC_R_SIGALG, ca, xasprintf("Certificate signed with disallowed "
		    "algorithm %s (ssh's CASignatureAlgorithms)",
		    c->sig_alg ? c->sig_alg : "?"));
		return -1;
	}
	return 0;
}

/* One name's lines: KHC_NO_CA when no CA line there holds its CA (ssh's
 * HOST_NEW), else the verdict. */
static enum khc_status
judge(const struct kh_db *db, const char *lookup, const char *name,
    const struct ssh_cert *c, int64_t now, struct khc_verdict *v)
{
	const struct kh_line *ca, *rv;

	ca = first_marked(db, lookup, KH_MARK_CA, c->ca_fp, NULL);
	rv = first_marked(db, lookup, KH_MARK_REVOKED, c->key_fp, c->ca_fp);
	if (rv != NULL) {
		fail(v, KHC_R_REVOKED, rv, xasprintf("%s %s is marked @revoked at "
		    "%s:%ld (REVOKED HOST KEY DETECTED)", same_fp(rv->fp, c->ca_fp) ?
		    "the certificate's CA" : "the certificate's key", rv->fp,
		    rv->file, rv->line));
		return KHC_REVOKED;
	}
	if (ca == NULL)
		return KHC_NO_CA;
	free(v->lookup);
	v->lookup = xstrdup(lookup);
	if (check_host(c, name, now, ca, v) != 0)
		return KHC_FAIL;
	v->status = KHC_OK;
	v->reason = KHC_R_NONE;
	v->file = ca->file;
	v->line = ca->line;
	free(v->why);
	v->why = xasprintf("signed by the CA trusted at %s:%ld for %s", ca->file,
	    ca->line, lookup);
	return KHC_OK;
}

void
khc_check(const struct kh_db *db, const char *host, int port,
    const struct ssh_cert *c, int64_t now, struct khc_verdict *out)
{
	const struct kh_line *any;
	char *lookup, *bare, *err = NULL;
	enum khc_status st;
	int ok;

	memset(out, 0, sizeof(*out));
	names(host, port, &lookup, &bare);
	out->name = xstrdup(bare ? bare : lookup);
	any = khc_ca_line(db, host, port);
	if (any == NULL) {
		out->status = KHC_NO_CA;
		out->lookup = xstrdup(lookup);
		out->why = xasprintf("no @cert-authority line names %s", lookup);
		goto done;
	}
	/* The first CA line for the host, until a better one decides. */
	out->file = any->file;
	out->line = any->line;
	if ((ok = cert_verify(c, &err)) != 1) {
		out->lookup = xstrdup(lookup);
		fail(out, KHC_R_SIGNATURE, NULL, xasprintf("the CA's signature on the "
		    "certificate %s%s%s", ok == 0 ? "does not verify" : "could not be checked",
		    err ? ": " : "", err ? err : ""));
		free(err);
		goto done;
	}
	st = judge(db, lookup, out->name, c, now, out);
	if (st == KHC_NO_CA && bare != NULL)
		st = judge(db, bare, out->name, c, now, out);
	if (st == KHC_NO_CA) {
		char *ca = c->ca_fp ? xstrdup(c->ca_fp) : xstrdup("?");

		if (out->lookup == NULL)
			out->lookup = xstrdup(lookup);
		fail(out, KHC_R_CA, NULL, xasprintf("no @cert-authority line for %s holds "
		    "its CA (%s %s); ssh: \"No matching CA found\"", out->lookup,
		    c->ca_type ? c->ca_type : "?", ca));
		free(ca);
	}
 done:
	free(lookup);
	free(bare);
}

void
khc_verdict_free(struct khc_verdict *v)
{
	free(v->name);
	free(v->lookup);
	free(v->why);
	memset(v, 0, sizeof(*v));
}
