/* hostkey.c - the server's host keys against known_hosts, as ssh judges
 * them (the verdict itself is knownhosts.c). In a scan: the one key the
 * transport judged before logging in. In known-hosts: every key the host
 * offers against every entry for it (drift: changed, revoked, unknown, a new
 * type, a stale entry, two entries that disagree, weak keys), and the
 * known_hosts files themselves (lines ssh skips or can never select, hosts
 * not in the inventory). The fleet rule for one host key on many hosts is
 * fleet.c's. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"
#include "scanner/parse/cert.h"
#include "scanner/parse/khcert.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/policy.h"

const struct ka_rule rule_hostkey_unknown = {
	.id = "hostkey.unknown", .severity = SEV_MEDIUM, .blocks_login = 1,
	.title = "the host key is not in known_hosts",
	.help = "ssh -o BatchMode=yes refuses this host when StrictHostKeyChecking is yes "
	    "or ask (the default: BatchMode cannot ask), so it blocks key login there; "
	    "with accept-new or no ssh adds the key and logs in, and the finding does "
	    "not block. keyaudit did not log in unless --accept-unknown-hosts was "
	    "given. Verify the fingerprint out of band, then add the key.",
	.chain = CHAIN_HOSTKEY + 3,
};

const struct ka_rule rule_hostkey_changed = {
	.id = "hostkey.changed", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "the host key differs from known_hosts",
	.help = "ssh refuses to log in (REMOTE HOST IDENTIFICATION HAS CHANGED): either the "
	    "host was reinstalled or its key rotated, or someone is in the middle. "
	    "keyaudit never logs in to such a host.",
	.chain = CHAIN_HOSTKEY + 2, .fleet = 1,
};

const struct ka_rule rule_hostkey_revoked = {
	.id = "hostkey.revoked", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "the host key is marked @revoked in known_hosts",
	.help = "ssh refuses a revoked host key outright. The server still presents a key "
	    "its administrators withdrew: it was compromised or never rotated.",
	.chain = CHAIN_HOSTKEY, .fleet = 1,
};

const struct ka_rule rule_hostkey_shared = {
	.id = "hostkey.shared", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "one host key on several hosts (cloned image)",
	.help = "Hosts made from one image without regenerating host keys share a private "
	    "key: any of them can impersonate the others, and known_hosts cannot tell "
	    "them apart. Found by the fleet pass after all hosts were scanned.",
	.fleet = 1,
};

const struct ka_rule rule_hostkey_new_type = {
	.id = "hostkey.new-type", .severity = SEV_LOW, .blocks_login = 0,
	.title = "the host offers a key type known_hosts has no entry for",
	.help = "Other types of this host are known, this one is not. ssh uses the known "
	    "type, so logins work, but a client that prefers the new type (or "
	    "UpdateHostKeys) sees an unknown key. Add the line after checking the "
	    "fingerprint on the host.",
};

const struct ka_rule rule_hostkey_gone = {
	.id = "hostkey.gone", .severity = SEV_LOW, .blocks_login = 0,
	.title = "a known_hosts entry whose key type the host no longer offers",
	.help = "A stale entry: the host was reinstalled without that key type, or the "
	    "key was removed. It trusts a key nobody should present any more.",
};

const struct ka_rule rule_hostkey_conflict = {
	.id = "hostkey.conflict", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "two known_hosts entries for one host and key type disagree",
	.help = "ssh accepts either key, so the older one stays trusted after a "
	    "rotation: whoever holds the old private key can still impersonate the "
	    "host.",
};

const struct ka_rule rule_hostkey_unmatchable = {
	.id = "hostkey.unmatchable", .severity = SEV_LOW, .blocks_login = 0,
	.title = "a known_hosts entry ssh can never select",
	.help = "Its host patterns match no name ssh looks up: only negated patterns, "
	    "'[host]:22' (ssh looks up plain 'host' for port 22) or 'host:port' "
	    "without brackets. The line does nothing; it usually hides a mistake.",
};

const struct ka_rule rule_hostkey_weak = {
	.id = "hostkey.weak", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a DSA or short RSA host key",
	.help = "DSA host keys are disabled in OpenSSH 7.0 and later; RSA under 2048 "
	    "bits is refused by RequiredRSASize (default 1024) or soon will be. "
	    "Generate an Ed25519 host key (ssh-keygen -A).",
};

const struct ka_rule rule_hostkey_orphan = {
	.id = "hostkey.orphan", .severity = SEV_LOW, .blocks_login = 0,
	.title = "a known_hosts entry for a host not in the inventory",
	.help = "With --inventory-complete the inventory is the whole fleet: an entry "
	    "for anything else is a decommissioned host or a typo, and stays "
	    "trusted if that name or address is reused.",
};

const struct ka_rule rule_hostkey_bad_line = {
	.id = "hostkey.bad-line", .severity = SEV_LOW, .blocks_login = 0,
	.title = "a known_hosts line ssh skips",
	.help = "ssh ignores a line it cannot parse, silently: the key it was meant to "
	    "pin is not pinned.",
};

const struct ka_rule rule_hostkey_cert_untrusted = {
	.id = "hostkey.cert-untrusted", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "known_hosts trusts a CA for the host, and its host certificate does not pass",
	.help = "With @cert-authority for a host, ssh asks for a certificate and checks "
	    "it (sshkey_cert_check_host): a CA of a matching line, a host certificate, "
	    "inside its window at the client's clock, the name ssh connects to among "
	    "its principals, a signature CASignatureAlgorithms accepts (no ssh-rsa), "
	    "no @revoked line for its key or CA. A certificate that fails is dropped "
	    "for its plain key, which such clients usually do not know: ssh -o "
	    "BatchMode=yes refuses the host (a revoked CA: always). libssh 0.10 cannot "
	    "be shown a host certificate, so keyaudit judges the host's "
	    "HostCertificate file (collected by a scan, or --host-cert in known-hosts) "
	    "and says so.",
	.chain = CHAIN_HOSTKEY + 1,
};

/* Whether ssh -o BatchMode=yes, with StrictHostKeyChecking as the client's
 * ssh_config sets it for this host (ask when unknown, ssh's default), stops
 * at this known_hosts verdict (sshconnect.c check_host_key): an unknown key
 * unless accept-new or no (BatchMode cannot ask), a changed key unless no
 * (ssh then warns and goes on with public keys), a revoked key always. This
 * is the one meaning of a hostkey finding's blocks_login, in scan,
 * known-hosts and diagnose alike. */
static int
ssh_stops(const struct snap_net *n, const char *verdict)
{
	const char *st = n->strict_host_key_checking ? n->strict_host_key_checking : "ask";
	int off = strcmp(st, "false") == 0 || strcmp(st, "no") == 0;

	if (strcmp(verdict, "new") == 0)
		return !off && strcmp(st, "accept-new") != 0;
	if (strcmp(verdict, "changed") == 0)
		return !off;
	return 1;
}

static const struct ka_rule *const rules[] = {
	&rule_hostkey_unknown,
	&rule_hostkey_changed,
	&rule_hostkey_revoked,
	&rule_hostkey_shared,
	&rule_hostkey_new_type,
	&rule_hostkey_gone,
	&rule_hostkey_conflict,
	&rule_hostkey_unmatchable,
	&rule_hostkey_weak,
	&rule_hostkey_orphan,
	&rule_hostkey_bad_line,
	&rule_hostkey_cert_untrusted,
};


/* ---- known-hosts: every key against every entry ---------------------------- */

struct presented {
	struct ak_line k;	/* type, blob, fp, bits of one offered key */
	enum kh_status st;
};

/* ssh's first lookup name split back into the host and port kh_check
 * wants ("[h]:p" -> h, p; anything else verbatim, port 0). */
static void
lookup_of(const char *name, char **host, int *port)
{
	const char *e;

	*port = 0;
	if (name[0] == '[' && (e = strstr(name, "]:")) != NULL) {
		*host = xstrndup(name + 1, (size_t)(e - name - 1));
		*port = atoi(e + 2);
	} else
		*host = xstrdup(name);
}

static int
scannable(const char *type)
{
	return type != NULL && (strcmp(type, "ssh-ed25519") == 0 ||
	    strncmp(type, "ecdsa-sha2-nistp", 16) == 0 || strcmp(type, "ssh-rsa") == 0 ||
	    strcmp(type, "ssh-dss") == 0);
}

static int
weak(const char *type, int bits)
{
	return strcmp(type, "ssh-dss") == 0 || (strcmp(type, "ssh-rsa") == 0 && bits < 2048);
}

/* "if the change is expected: ssh-keygen -R NAME -f FILE", quoted, then
 * what else to do: a decision, since only checking out of band tells a
 * rotation from an attack. */
static void
forget_fix(struct ka_finding *f, const char *name, const char *file,
    const char *when, const char *then)
{
	const char *argv[] = { "ssh-keygen", "-R", name, "-f", file, NULL };

	if (f == NULL)
		return;
	remedy_decide(&f->remedy, argv, "%s, on the client", when);
	remedy_manual(&f->remedy, "%s", then);
}

static char *
add_line_fix(const char *name, const struct presented *p)
{
	char *b64 = base64_encode(p->k.blob, p->k.bloblen), *fix;

	fix = xasprintf("check %s on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), "
	    "then add: %s %s %s", p->k.fp, name, p->k.blob_type, b64);
	free(b64);
	return fix;
}

/* The certificate-untrusted finding: why, what was judged, what to do. */
static void
cert_untrusted(struct ka_ctx *ctx, const struct khc_verdict *v, const char *what,
    int revoked)
{
	struct ka_finding *f;
	char *fix;

	switch (v->reason) {
	case KHC_R_CA:
		fix = xstrdup("add the host's CA on the client: @cert-authority NAMES "
		    "CA_KEY.pub (or re-sign the host key with the CA the client trusts)");
		break;
	case KHC_R_REVOKED:
		fix = xstrdup("the CA or key was withdrawn: re-sign the host key with the "
		    "current CA and install the certificate on the host");
		break;
	case KHC_R_NOT_YET:
	case KHC_R_EXPIRED:
		fix = xstrdup("re-sign the host key with a window that covers now "
		    "(ssh-keygen -s CA -h -V ...), or fix the clock that is wrong");
		break;
	case KHC_R_PRINCIPAL:
		fix = xasprintf("re-sign the host key with '%s' among its principals "
		    "(ssh-keygen -s CA -h -n ...)", v->name);
		break;
	case KHC_R_SIGALG:
		fix = xstrdup("re-sign the host key with a SHA-2 signature (ssh-keygen -s "
		    "CA -t rsa-sha2-512 -h ...)");
		break;
	default:
		fix = xstrdup("re-sign the host key with the CA the clients trust "
		    "(ssh-keygen -s CA -h -n NAMES HOSTKEY.pub) and install it as its "
		    "HostCertificate");
		break;
	}
	f = ctx_finding(ctx, &rule_hostkey_cert_untrusted, NULL, v->file, v->line, fix,
	    "%s pins %s by @cert-authority (%s:%ld), and %s does not pass: %s%s",
	    "known_hosts", v->lookup ? v->lookup : v->name, v->file ? v->file : "?",
	    v->line, what, v->why ? v->why : khc_reason_name(v->reason),
	    revoked ? "; ssh refuses the host (REVOKED HOST KEY)" :
	    "; ssh falls back to the plain key, which no entry knows");
	if (f != NULL)
		f->blocks_login = ssh_stops(&ctx->snap->net, revoked ? "revoked" : "new");
	free(fix);
}

/* known-hosts: a host no plain entry knows, named by a @cert-authority
 * line. Of the certificates given (--host-cert), those certifying a key
 * the host offers apply; ssh meets the first in its algorithm order and
 * judges it. 1: it passes (the host is known), 2: it is revoked (ssh
 * refuses; the finding says so), 0: the plain verdict stands (*note says
 * what was and was not verified). */
static int
cert_pin(struct ka_ctx *ctx, const struct kh_db *db, const char *host, int port,
    const struct presented *p, size_t np, char **note)
{
	const struct kh_line *ca = khc_ca_line(db, host, port);
	const struct strlist *given = ctx->opts->host_certs;
	struct ssh_cert best;
	int have = 0, rank = 0, rc = 0;
	struct khc_verdict v;
	char *what;

	if (ca == NULL)
		return 0;
	memset(&best, 0, sizeof(best));
	for (size_t i = 0; given != NULL && i < given->n; i++) {
		struct ssh_cert c;
		char *err = NULL;
		int offered = 0;

		memset(&c, 0, sizeof(c));
		if (cert_parse_text(given->v[i], strlen(given->v[i]), &c, &err) != 0) {
			free(err);
			continue;
		}
		for (size_t k = 0; k < np && !offered; k++)
			offered = p[k].k.bloblen == c.key_bloblen &&
			    memcmp(p[k].k.blob, c.key_blob, c.key_bloblen) == 0;
		if (offered && (!have || khc_rank(c.key_type) < rank)) {
			if (have)
				cert_free(&best);
			best = c;
			rank = khc_rank(c.key_type);
			have = 1;
		} else
			cert_free(&c);
	}
	if (!have) {
		*note = xasprintf("; %s:%ld pins it by @cert-authority, but no host "
		    "certificate for a key it offers was given (--host-cert): libssh "
		    "0.10 cannot ask a host for its certificate, so it was not verified",
		    ca->file, ca->line);
		return 0;
	}
	khc_check(db, host, port, &best, ctx->opts->now, &v);
	what = xasprintf("its certificate for %s %s (key id '%s', given with "
	    "--host-cert: the host's HostCertificate file, not presented on the wire)",
	    best.key_type, best.key_fp, best.key_id ? best.key_id : "");
	if (v.status == KHC_OK)
		rc = 1;
	else {
		cert_untrusted(ctx, &v, what, v.status == KHC_REVOKED);
		rc = v.status == KHC_REVOKED ? 2 : 0;
	}
	free(what);
	khc_verdict_free(&v);
	cert_free(&best);
	return rc;
}

static void
drift(struct ka_ctx *ctx)
{
	const struct snap_net *n = &ctx->snap->net;
	const struct kh_db *db = ctx->opts->known_hosts;
	const char *name = n->known_hosts_name ? n->known_hosts_name : ctx->snap->target;
	struct presented *p = xcalloc(n->hostkeys.n + 1, sizeof(*p));
	const struct kh_line **ent = NULL;
	size_t np = 0, nent = 0, nknown = 0;
	char *host, *lookup = NULL, *ca_note = NULL;
	int port, bare = 0, via_cert = 0;
	long met = -1;
	size_t first = ctx->out->nfindings;

	lookup_of(name, &host, &port);
	for (size_t i = 0; i < n->hostkeys.n; i++) {
		ak_parse_line(n->hostkeys.v[i], strlen(n->hostkeys.v[i]), 0, &p[np].k);
		if (p[np].k.status == AK_KEY)
			np++;
		else
			ak_line_free(&p[np].k);
	}
	/* The entries ssh considers for this host: the first lookup name's,
	 * else (another port) the bare name's. */
	for (int pass = 0; pass < 2 && nent == 0; pass++) {
		free(lookup);
		lookup = pass == 0 ? xstrdup(name) : port != 0 && port != 22 ?
		    xstrdup(host) : NULL;
		if (lookup == NULL)
			break;
		bare = pass == 1;
		for (size_t i = 0; i < kh_db_nlines(db); i++) {
			const struct kh_line *l = kh_db_line(db, i);
			if (l->kind == KH_LINE_KEY && l->marker == KH_MARK_NONE &&
			    kh_line_matches(l, lookup)) {
				ent = xreallocarray(ent, nent + 1, sizeof(*ent));
				ent[nent++] = l;
			}
		}
	}

	/* Per key type, as ssh meets it: ssh asks for the types it knows
	 * first (order_hostkeyalgs), so a known type whose key differs is what
	 * it refuses; a type nobody pinned is only met when nothing known is
	 * left (then ssh refuses that too: every other key counts as changed). */
	for (size_t i = 0; i < np; i++) {
		struct kh_verdict v;
		const struct kh_line *same = NULL;
		int equal = 0;

		kh_check(db, host, port, p[i].k.blob_type, p[i].k.blob, p[i].k.bloblen, &v);
		p[i].st = v.status;
		if (v.status == KH_REVOKED) {
			struct ka_finding *f = ctx_finding(ctx, &rule_hostkey_revoked, NULL, v.file,
			    v.line, "on the host: rm /etc/ssh/ssh_host_*; ssh-keygen -A; "
			    "systemctl restart ssh; then distribute the new keys",
			    "%s presents %s %s, marked @revoked at %s:%ld: ssh refuses it",
			    ctx->snap->target, p[i].k.blob_type, p[i].k.fp,
			    v.file ? v.file : "?", v.line);
			if (f != NULL)
				f->key_fp = xstrdup(p[i].k.fp);
		}
		kh_verdict_free(&v);
		if (p[i].k.comment != NULL && strcmp(p[i].k.comment, "sha1-only") == 0)
			ctx_finding(ctx, &rule_hostkey_weak, NULL, NULL, 0,
			    "on the host: upgrade OpenSSH, or HostKeyAlgorithms with "
			    "rsa-sha2-512,rsa-sha2-256 (and an Ed25519 host key: ssh-keygen -A)",
			    "%s signs with its RSA key (%s) only as ssh-rsa (SHA-1), which "
			    "OpenSSH 8.8 and later refuse by default", ctx->snap->target,
			    p[i].k.fp);
		if (weak(p[i].k.blob_type, p[i].k.bits))
			ctx_finding(ctx, &rule_hostkey_weak, NULL, NULL, 0,
			    "on the host: ssh-keygen -A (adds Ed25519), then remove the weak "
			    "HostKey from sshd_config",
			    "%s presents a %s host key of %d bits (%s)", ctx->snap->target,
			    p[i].k.blob_type, p[i].k.bits, p[i].k.fp);
		if (p[i].st == KH_REVOKED)
			continue;
		for (size_t e = 0; e < nent; e++)
			if (!ent[e]->is_cert && ent[e]->canon_type != NULL &&
			    strcmp(ent[e]->canon_type, p[i].k.blob_type) == 0) {
				if (same == NULL)
					same = ent[e];
				if (ent[e]->bloblen == p[i].k.bloblen &&
				    memcmp(ent[e]->blob, p[i].k.blob, p[i].k.bloblen) == 0)
					equal = 1;
			}
		if (equal) {
			p[i].st = KH_OK;
			nknown++;
			continue;
		}
		/* Under the bare name (another port) only an exact key counts. */
		if (same != NULL && !bare) {
			struct ka_finding *f;

			p[i].st = KH_CHANGED;
			f = ctx_finding(ctx, &rule_hostkey_changed, NULL, same->file, same->line, NULL,
			    "%s now presents %s %s, but %s:%ld trusts %s for %s: ssh refuses "
			    "(REMOTE HOST IDENTIFICATION HAS CHANGED)", ctx->snap->target,
			    p[i].k.blob_type, p[i].k.fp, same->file, same->line,
			    same->fp ? same->fp : "another key", lookup ? lookup : name);
			if (f != NULL) {
				f->key_fp = xstrdup(p[i].k.fp);
				f->blocks_login = 0;	/* settled below: only the key ssh meets */
			}
			forget_fix(f, lookup ? lookup : name, same->file, "if the change is "
			    "expected (reinstall, rotation, checked out of band)", "then add "
			    "the new key; otherwise investigate before anyone logs in");
			continue;
		}
		p[i].st = KH_NEW;
	}

	/* The key ssh meets: the first of its algorithms, known types moved
	 * first, that the host has. Only what it meets can stop a login. */
	{
		char *order = kh_order_hostkeyalgs(db, host, port, KH_DEFAULT_HOSTKEY_ALGS);
		char *save = NULL;

		for (char *a = strtok_r(order, ",", &save); a && met < 0;
		    a = strtok_r(NULL, ",", &save)) {
			const char *t = strncmp(a, "rsa-sha2-", 9) == 0 ? "ssh-rsa" : a;
			for (size_t i = 0; i < np && met < 0; i++)
				if (strcmp(p[i].k.blob_type, t) == 0)
					met = (long)i;
		}
		free(order);
	}

	/* A host no plain entry knows but a CA line names: the certificate
	 * ssh would be shown decides (given with --host-cert). */
	if (np > 0 && (nent == 0 || (bare && nknown == 0)))
		via_cert = cert_pin(ctx, db, host, port, p, np, &ca_note);

	/* Keys no entry knows: a new type next to known ones, or a host
	 * nobody has pinned. */
	if (via_cert == 0 && np > 0 && (nent == 0 || (bare && nknown == 0))) {
		struct buf what;
		char *fix;

		buf_init(&what);
		for (size_t i = 0; i < np; i++)
			buf_printf(&what, "%s%s %s", i ? ", " : "", p[i].k.blob_type, p[i].k.fp);
		struct ka_finding *f;

		fix = add_line_fix(name, &p[met >= 0 ? met : 0]);
		f = ctx_finding(ctx, &rule_hostkey_unknown, NULL, NULL, 0, fix, "no known_hosts "
		    "entry for %s; it presents %s: ssh -o BatchMode=yes refuses it%s", name,
		    what.data, ca_note ? ca_note : "");
		if (f != NULL)
			f->blocks_login = ssh_stops(&ctx->snap->net, "new");
		free(fix);
		buf_free(&what);
	} else if (via_cert == 0)
		for (size_t i = 0; i < np; i++) {
			struct ka_finding *f = NULL;
			char *fix;

			if (p[i].st != KH_NEW)
				continue;
			if ((long)i == met) {
				/* None of the pinned types is left: ssh meets this one
				 * and calls every pinned key the offending one. */
				const struct kh_line *l = ent[nent - 1];
				fix = NULL;
				f = ctx_finding(ctx, &rule_hostkey_changed, NULL, l->file, l->line, fix,
				    "%s presents %s %s and none of the key types %s trusts for %s "
				    "any more: ssh refuses (REMOTE HOST IDENTIFICATION HAS CHANGED, "
				    "offending key at %s:%ld)", ctx->snap->target, p[i].k.blob_type,
				    p[i].k.fp, l->file, lookup ? lookup : name, l->file, l->line);
				forget_fix(f, lookup ? lookup : name, l->file, "if the host was "
				    "reinstalled (checked out of band)", "then add the keys it "
				    "offers now");
			} else {
				fix = add_line_fix(name, &p[i]);
				f = ctx_finding(ctx, &rule_hostkey_new_type, NULL, NULL, 0, fix,
				    "%s offers %s %s; known_hosts has other types for %s but "
				    "not this one", ctx->snap->target, p[i].k.blob_type,
				    p[i].k.fp, lookup ? lookup : name);
			}
			if (f != NULL)
				f->key_fp = xstrdup(p[i].k.fp);
			free(fix);
		}
	/* A changed or revoked key stops ssh only when it is the one ssh meets
	 * (a revoked type is not preferred, so ssh may well meet another). */
	for (size_t i = first; i < ctx->out->nfindings; i++) {
		struct ka_finding *f = &ctx->out->findings[i];
		if ((f->rule == &rule_hostkey_changed || f->rule == &rule_hostkey_revoked) &&
		    f->key_fp != NULL)
			f->blocks_login = met >= 0 && strcmp(f->key_fp, p[met].k.fp) == 0 &&
			    ssh_stops(&ctx->snap->net, f->rule == &rule_hostkey_changed ?
			    "changed" : "revoked");
	}

	/* Entries against what is offered: stale types, disagreeing pairs. */
	for (size_t e = 0; e < nent; e++) {
		const struct kh_line *l = ent[e];
		int offered = 0, matches = 0;

		for (size_t i = 0; i < np; i++)
			if (l->canon_type && strcmp(l->canon_type, p[i].k.blob_type) == 0) {
				offered = 1;
				matches |= l->bloblen == p[i].k.bloblen &&
				    memcmp(l->blob, p[i].k.blob, l->bloblen) == 0;
			}
		if (!l->is_cert && scannable(l->canon_type) && !offered && np > 0) {
			struct ka_finding *fd = ctx_finding(ctx, &rule_hostkey_gone, NULL, l->file,
			    l->line, NULL, "%s:%ld trusts %s %s for %s, a key type the host "
			    "no longer offers", l->file, l->line, l->canon_type,
			    l->fp ? l->fp : "?", lookup ? lookup : name);

			if (fd != NULL) {
				remedy_run(&fd->remedy, ACT_CLIENT, 1, "ssh-keygen", "-R",
				    lookup ? lookup : name, "-f", l->file, NULL);
				remedy_manual(&fd->remedy, "that removes every entry for the "
				    "name: re-add the keys it still offers");
			}
		}
		for (size_t f = 0; f < e; f++) {
			const struct kh_line *k = ent[f];
			if (l->is_cert || k->is_cert || !l->canon_type || !k->canon_type ||
			    strcmp(l->canon_type, k->canon_type) != 0 ||
			    (l->bloblen == k->bloblen && memcmp(l->blob, k->blob, l->bloblen) == 0))
				continue;
			{
				const struct kh_line *stale = matches ? k : l;
				char *qh = shell_quote(host), *qt = shell_quote(l->canon_type);
				char *fix = xasprintf("delete %s:%ld (the key the host no longer "
				    "presents) after checking which one it presents: on the "
				    "client, ssh-keyscan -t %s -p %d %s | ssh-keygen -lf -",
				    stale->file, stale->line, qt, port ? port : 22, qh);

				free(qh);
				free(qt);
				ctx_finding(ctx, &rule_hostkey_conflict, NULL, stale->file, stale->line,
				    fix, "%s:%ld and %s:%ld both trust a %s key for %s, and they "
				    "differ (%s, %s): ssh accepts either", k->file, k->line,
				    l->file, l->line, l->canon_type, lookup ? lookup : name,
				    k->fp ? k->fp : "?", l->fp ? l->fp : "?");
				free(fix);
			}
			break;
		}
	}
	for (size_t i = 0; i < np; i++)
		ak_line_free(&p[i].k);
	free(ca_note);
	free(p);
	free(ent);
	free(host);
	free(lookup);
}

/* "ssh-keygen -lf 'FILE.pub'; ..." for the HostKey files sshd's
 * configuration names, when the server side was read (a scan that
 * collected the host, diagnose --local or --via); NULL otherwise, and the
 * fix falls back to the usual /etc/ssh names. */
static char *
own_host_keys(struct ka_ctx *ctx)
{
	const struct sshd_value *hk;
	struct buf b;

	if (ctx->snap->net_only || !ctx->sshd_config_found || ctx->global == NULL ||
	    (hk = sshd_eff_get(ctx->global, "hostkey")) == NULL || hk->n == 0)
		return NULL;
	buf_init(&b);
	for (size_t i = 0; i < hk->n; i++) {
		size_t n = strlen(hk->v[i]);
		char *pub = n > 4 && strcmp(hk->v[i] + n - 4, ".pub") == 0 ?
		    xstrdup(hk->v[i]) : xasprintf("%s.pub", hk->v[i]);
		char *q = shell_quote(pub);

		buf_printf(&b, "%sssh-keygen -lf %s", i ? "; " : "", q);
		free(q);
		free(pub);
	}
	return buf_steal(&b);
}

static void
run(struct ka_ctx *ctx)
{
	const struct snap_net *n = &ctx->snap->net;
	const char *where = n->known_hosts_where ? n->known_hosts_where : "known_hosts";
	const char *name = n->known_hosts_name ? n->known_hosts_name : ctx->snap->target;
	struct ka_finding *f;
	char *fix;

	if (n->probed && n->hostkeys.n > 0 && ctx->opts != NULL &&
	    ctx->opts->known_hosts != NULL) {
		drift(ctx);
		return;
	}
	if (!n->probed || n->known_hosts == NULL)
		return;
	/* Pinned by a CA alone: the host's certificate, as collected, judged
	 * by the transport (hostcerts.c). */
	if (n->hostcert != NULL && strcmp(n->hostcert, "ok") != 0 &&
	    strcmp(n->hostcert, "pending") != 0) {
		int revoked = strcmp(n->hostcert, "revoked") == 0;

		f = ctx_finding(ctx, &rule_hostkey_cert_untrusted, NULL, NULL, 0,
		    "re-sign the host key with the CA the clients trust (ssh-keygen -s CA "
		    "-h -n NAMES HOSTKEY.pub), for the names they use and a window that "
		    "covers now, and install it as the host's HostCertificate",
		    "known_hosts pins %s by @cert-authority, and %s: %s%s", name,
		    strcmp(n->hostcert, "missing") == 0 ? "the host has no certificate "
		    "ssh could be shown" : strcmp(n->hostcert, "unbound") == 0 ?
		    "its certificate is not for the key it presents" :
		    "its certificate does not pass", n->hostcert_why ? n->hostcert_why : "?",
		    revoked ? "; ssh refuses the host (REVOKED HOST KEY)" :
		    "; ssh falls back to the plain key, which no entry knows");
		if (f != NULL)
			f->blocks_login = ssh_stops(n, revoked ? "revoked" : "new");
		if (revoked)
			return;
	}
	if (strcmp(n->known_hosts, "new") == 0) {
		char *qa = shell_quote(n->address ? n->address : ctx->snap->target);
		char *own = own_host_keys(ctx);
		const char *pending = n->hostcert != NULL && strcmp(n->hostcert,
		    "pending") == 0 ? "; known_hosts pins it by @cert-authority only: libssh "
		    "0.10 cannot be shown a host certificate, and the host's HostCertificate "
		    "was not read (no view of its files), so it was not verified" : "";

		fix = xasprintf("compare %s with the host's own `%s`, then add it on the "
		    "client: ssh-keyscan -p %d %s >> ~/.ssh/known_hosts", n->hostkey_fp,
		    own ? own : "ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub", n->port, qa);
		free(own);
		free(qa);
		f = ctx_finding(ctx, &rule_hostkey_unknown, NULL, NULL, 0, fix,
		    "%s presents %s %s, which no known_hosts entry lists for %s%s%s%s",
		    ctx->snap->target, n->hostkey_type, n->hostkey_fp, name,
		    n->failure ? "; not logged in" : n->hostcert != NULL ?
		    " (logged in, as ssh would try the certificate a CA line asks for)" :
		    " (accepted: --accept-unknown-hosts)",
		    ssh_stops(n, "new") ? ": ssh -o BatchMode=yes refuses it" : "", pending);
		if (f != NULL)
			f->blocks_login = ssh_stops(n, "new");
		free(fix);
	} else if (strcmp(n->known_hosts, "changed") == 0) {
		char *file = xstrndup(where, strcspn(where, ":"));
		f = ctx_finding(ctx, &rule_hostkey_changed, NULL, NULL, 0,
		    NULL, "%s", n->error ? n->error : "the host key changed");

		if (f != NULL)
			f->blocks_login = ssh_stops(n, "changed");
		forget_fix(f, name, file, "if the change is expected (reinstall, key "
		    "rotation, verified out of band)", "then add the new key; otherwise "
		    "investigate before anyone logs in");
		free(file);
	} else if (strcmp(n->known_hosts, "revoked") == 0) {
		fix = xstrdup("on the host: generate new host keys (rm /etc/ssh/ssh_host_*; "
		    "ssh-keygen -A; systemctl restart ssh) and distribute them");
		ctx_finding(ctx, &rule_hostkey_revoked, NULL, NULL, 0, fix, "%s",
		    n->error ? n->error : "the host key is revoked");
		free(fix);
	}
}

const struct ka_check check_hostkey = {
	"hostkey", rules, sizeof(rules) / sizeof(rules[0]), run,
};

/* ---- the known_hosts files themselves --------------------------------------- */

/* Can ssh ever look this pattern up? It looks up "host", "[host]:port"
 * (never with port 22) or a HostKeyAlias, always lower-cased. */
static int
pattern_selectable(const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n), *br;

	if (n > 5 && p[0] == '[' && (br = memchr(p, ']', n)) != NULL &&
	    (size_t)(br - p) + 4 == n && memcmp(br, "]:22", 4) == 0)
		return 0;
	/* host:port without brackets; an IPv6 address has two colons or more */
	if (p[0] != '[' && colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - p) - 1) == NULL)
		return 0;
	return 1;
}

static const char *
unmatchable_why(const struct kh_line *l)
{
	const char *s = l->hosts;
	int positive = 0, selectable = 0;

	if (l->hashed || s == NULL)
		return NULL;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n > 0 && s[0] != '!') {
			positive = 1;
			selectable |= pattern_selectable(s, n);
		}
		s += n + (s[n] == ',');
	}
	if (!positive)
		return "it has only negated patterns, which can only exclude";
	if (!selectable)
		return "ssh never looks up '[host]:22' or 'host:port' without brackets";
	return NULL;
}

static int
rule_on(const struct ka_options *o, const struct ka_rule *r)
{
	return r != NULL && check_selected(r, o ? o->only : NULL) &&
	    policy_check_enabled(o ? o->policy : NULL, r->id);
}

static void
db_finding(struct ka_host_result *out, const struct ka_options *o, const struct ka_rule *r,
    const struct kh_line *l, const char *fix, const char *msg)
{
	struct ka_finding *f;

	if (!rule_on(o, r))
		return;
	f = finding_add(out, r, NULL, l->file, l->line, fix, "%s", msg);
	f->severity = (enum ka_severity)policy_severity(o ? o->policy : NULL, r->id,
	    (int)f->severity);
	if (l->fp != NULL)
		f->key_fp = xstrdup(l->fp);
	/* the known_hosts files are the client's, here: a report that points
	 * at files (SARIF) puts the finding on its line */
	f->origin = xasprintf("%s:%ld", l->file, l->line);
}

void
hostkey_db_check(const struct kh_db *db, const struct strlist *names,
    const struct ka_options *o, struct ka_host_result *out)
{
	static const struct ka_rule *const ids[] = { &rule_hostkey_bad_line,
	    &rule_hostkey_unmatchable, &rule_hostkey_orphan, &rule_hostkey_weak };
	size_t nran = 0;

	out->ran = xcalloc(KA_ARRLEN(ids), sizeof(*out->ran));
	for (size_t i = 0; i < KA_ARRLEN(ids); i++)
		if ((ids[i] != &rule_hostkey_orphan || names != NULL) && rule_on(o, ids[i]))
			out->ran[nran++] = ids[i];
	out->nran = nran;
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);
		const char *why;
		char *msg, *fix, *hosts;

		if (l->kind == KH_LINE_ERROR) {
			msg = xasprintf("%s:%ld: ssh skips this line: %s", l->file, l->line,
			    l->error ? l->error : "cannot be parsed");
			fix = xasprintf("fix or delete line %ld of %s", l->line, l->file);
			db_finding(out, o, &rule_hostkey_bad_line, l, fix, msg);
			free(msg);
			free(fix);
			continue;
		}
		if (l->kind != KH_LINE_KEY)
			continue;
		hosts = l->hosts ? str_printable(l->hosts, strlen(l->hosts)) : xstrdup("?");
		if (l->marker != KH_MARK_REVOKED && l->canon_type != NULL &&
		    weak(l->canon_type, l->bits)) {
			msg = xasprintf("%s:%ld trusts a %s key of %d bits for %s", l->file,
			    l->line, l->canon_type, l->bits, hosts);
			db_finding(out, o, &rule_hostkey_weak, l, "replace it with the host's "
			    "Ed25519 key once the host has one (ssh-keygen -A on the host)", msg);
			free(msg);
		}
		if ((why = unmatchable_why(l)) != NULL) {
			msg = xasprintf("%s:%ld (%s) is never selected: %s", l->file, l->line,
			    hosts, why);
			fix = xasprintf("write the host as ssh looks it up ('host' for port 22, "
			    "'[host]:port' otherwise), or delete line %ld of %s", l->line, l->file);
			db_finding(out, o, &rule_hostkey_unmatchable, l, fix, msg);
			free(msg);
			free(fix);
		} else if (names != NULL && l->marker == KH_MARK_NONE &&
		    (l->hosts == NULL || strpbrk(l->hosts, "*?") == NULL)) {
			int found = 0;

			for (size_t j = 0; j < names->n && !found; j++)
				found = kh_line_matches(l, names->v[j]);
			if (!found) {
				msg = xasprintf("%s:%ld trusts a key for %s, which is not in the "
				    "inventory", l->file, l->line, l->hashed ? "a hashed name" : hosts);
				char *qf = shell_quote(l->file);

				fix = xasprintf("delete line %ld of %s if the host is gone "
				    "(ssh-keygen -R NAME -f %s)", l->line, l->file, qf);
				free(qf);
				db_finding(out, o, &rule_hostkey_orphan, l, fix, msg);
				free(msg);
				free(fix);
			}
		}
		free(hosts);
	}
	host_result_sort(out);
}
