/*
 * cert.c - a user certificate's path through sshd, for diagnose --pubkey
 * CERT: the certificate is judged in the order OpenSSH 9.2 judges it
 * (auth2-pubkey.c userauth_pubkey, user_key_allowed, user_cert_trusted_ca;
 * auth2-pubkeyfile.c auth_check_authkey_line, auth_process_principals;
 * sshkey.c sshkey_cert_check_authority), and each way in that trusts its
 * CA (a cert-authority line of an AuthorizedKeysFile, TrustedUserCAKeys)
 * says the first thing that refuses it. A scan has no certificate: these
 * rules fire only in diagnose. Nothing here runs a command: an
 * AuthorizedPrincipalsCommand's answer is unknown and said so.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"
#include "scanner/parse/cert.h"
#include "scanner/parse/krl.h"
#include "scanner/parse/match.h"

const struct ka_rule rule_cert_signature_invalid = {
	.id = "cert.signature-invalid", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate's CA signature does not verify",
	.help = "sshd verifies the CA's signature when it reads the key the client "
	    "offers; a certificate whose signature fails is not even a key to it "
	    "(\"parse key\" in its log).",
	.chain = CHAIN_KEY,
};

const struct ka_rule rule_cert_algorithm = {
	.id = "cert.algorithm", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate algorithm is not in PubkeyAcceptedAlgorithms",
	.help = "sshd compares the algorithm the client offers "
	    "(ssh-ed25519-cert-v01@openssh.com, rsa-sha2-512-cert-v01@openssh.com, "
	    "...) with PubkeyAcceptedAlgorithms before anything else; a list without "
	    "the certificate forms refuses certificates even where it accepts the "
	    "plain key.",
	.chain = CHAIN_KEY + 1,
};

const struct ka_rule rule_cert_ca_signature_algorithm = {
	.id = "cert.ca-signature-algorithm", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the CA signed with an algorithm CASignatureAlgorithms refuses",
	.help = "Right after PubkeyAcceptedAlgorithms sshd checks the algorithm of "
	    "the CA's signature against CASignatureAlgorithms (sshkey_check_cert_sigtype). "
	    "Since OpenSSH 8.2 the default leaves out ssh-rsa (RSA with SHA-1): "
	    "certificates signed that way (old ssh-keygen, some CAs) are refused.",
	.chain = CHAIN_KEY + 2,
};

const struct ka_rule rule_cert_revoked = {
	.id = "cert.revoked", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate, its key or its CA is revoked",
	.help = "sshd looks the certificate up in RevokedKeys (a KRL: by serial or "
	    "key id under its CA, by its key, by fingerprint; or a list of plain "
	    "keys), then its CA key, before it opens any file.",
	.chain = CHAIN_KEY + 3,
};

const struct ka_rule rule_cert_ca_untrusted = {
	.id = "cert.ca-untrusted", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "nothing trusts the certificate's CA",
	.help = "The CA key is neither in TrustedUserCAKeys nor on a cert-authority "
	    "line of the user's AuthorizedKeysFile, so sshd has no way to accept the "
	    "certificate (a plain authorized_keys line of the certified key does not "
	    "count for a certificate).",
	.chain = CHAIN_LINES + 10,
};

const struct ka_rule rule_cert_principal = {
	.id = "cert.principal", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "no principal of the certificate is accepted",
	.help = "The principals sshd accepts: the user name (TrustedUserCAKeys "
	    "alone, or a cert-authority line without principals=), the names of "
	    "principals=, or the lines of AuthorizedPrincipalsFile / the output of "
	    "AuthorizedPrincipalsCommand ('Certificate does not contain an authorized "
	    "principal', 'name is not a listed principal').",
	.chain = CHAIN_LINES + 11,
};

const struct ka_rule rule_cert_host_cert = {
	.id = "cert.host-cert", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "a host certificate offered for a user login",
	.help = "The certificate is of type host (ssh-keygen -h): sshd refuses it "
	    "for a user ('Certificate invalid: not a user certificate').",
	.chain = CHAIN_LINES + 12,
};

const struct ka_rule rule_cert_not_yet_valid = {
	.id = "cert.not-yet-valid", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate is not valid yet",
	.help = "Its validity starts after the server's clock ('Certificate invalid: "
	    "not yet valid'): a clock behind, or a certificate issued for later.",
	.chain = CHAIN_LINES + 13,
};

const struct ka_rule rule_cert_expired = {
	.id = "cert.expired", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate has expired",
	.help = "Its validity ended before the server's clock ('Certificate "
	    "invalid: expired'): issue a new one, or fix a clock that runs ahead.",
	.chain = CHAIN_LINES + 14,
};

const struct ka_rule rule_cert_critical_option = {
	.id = "cert.critical-option", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate has a critical option sshd does not know",
	.help = "sshd must refuse a certificate with a critical option it does not "
	    "understand ('Certificate critical option \"...\" is not supported', "
	    "then 'Invalid certificate options'). It knows force-command, "
	    "source-address and verify-required.",
	.chain = CHAIN_LINES + 15,
};

const struct ka_rule rule_cert_source_address = {
	.id = "cert.source-address", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the client address is outside the certificate's source-address",
	.help = "The source-address critical option lists the addresses the "
	    "certificate may be used from; sshd refuses it from anywhere else "
	    "('Refused by certificate options').",
	.chain = CHAIN_LINES + 16,
};

const struct ka_rule rule_cert_force_command = {
	.id = "cert.force-command", .severity = SEV_INFO, .blocks_login = 0,
	.title = "the certificate forces a command",
	.help = "The force-command critical option replaces whatever the client asks "
	    "to run, as ForceCommand does.",
	.chain = CHAIN_SESSION + 3,
};

static const struct ka_rule *const rules[] = {
	&rule_cert_signature_invalid,
	&rule_cert_algorithm,
	&rule_cert_ca_signature_algorithm,
	&rule_cert_revoked,
	&rule_cert_ca_untrusted,
	&rule_cert_principal,
	&rule_cert_host_cert,
	&rule_cert_not_yet_valid,
	&rule_cert_expired,
	&rule_cert_critical_option,
	&rule_cert_source_address,
	&rule_cert_force_command,
};

/* One way in that trusts the CA, and why it refused (the first reason,
 * in that way's own order). */
struct way {
	const struct ka_rule *rule;	/* NULL: it accepts (or cannot say) */
	char *msg;
	char *path;			/* where: the CA line, the principals file */
	long line;
	int unknown;			/* keyaudit cannot tell (a command decides) */
};

struct cctx {
	struct ka_ctx *ctx;
	const struct ka_user *u;
	const struct ssh_cert *c;
	int64_t now;
	struct strlist used;		/* canonical files the trusting ways read */
	int accepted, trusted, unknown;
};

/* ---- helpers -------------------------------------------------------------- */

static char *
cert_blob_text(const unsigned char *blob, size_t len, const char *type)
{
	char *b64 = base64_encode(blob, len);
	char *s = xasprintf("%s %s", type, b64);

	free(b64);
	return s;
}

/* The collected content of path as user may read it: NULL with *why. */
static const struct snap_file *
readable(const struct ka_ctx *ctx, const char *path, const char *user, char **canon,
    const char **why)
{
	const struct snap_file *f;

	*canon = NULL;
	if (snap_realpath(ctx->snap, path, canon, why) != 0)
		return NULL;
	f = snap_stat(ctx->snap, *canon);
	if (f == NULL) {
		*why = "not collected";
		return NULL;
	}
	if (f->type != SNAP_REG) {
		*why = "not a regular file";
		return NULL;
	}
	if (!f->has_content) {
		*why = f->read_error ? f->read_error : "content not collected";
		return NULL;
	}
	if (user != NULL && (*why = snap_unreadable_for(f, user)) != NULL)
		return NULL;
	return f;
}

/* Does a blocking perm.* finding of the user refuse this file (the file
 * or a directory above it)? sshd's StrictModes then skips it. */
static int
perm_refused(const struct ka_ctx *ctx, const char *user, const char *canon)
{
	const struct ka_host_result *r = ctx->out;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct ka_finding *f = &r->findings[i];
		size_t n;

		if (!f->blocks_login || f->path == NULL || f->user == NULL ||
		    strcmp(f->user, user) != 0 || strncmp(f->rule->id, "perm.", 5) != 0)
			continue;
		n = strlen(f->path);
		if (strcmp(f->path, canon) == 0 ||
		    (strncmp(canon, f->path, n) == 0 && (canon[n] == '/' || n == 1)))
			return 1;
	}
	return 0;
}

/* Is any principal of the certificate in the comma list (principals=,
 * match_list: exact names)? */
static int
principal_in_list(const struct ssh_cert *c, const char *list)
{
	for (size_t i = 0; i < c->principals.n; i++) {
		const char *p = c->principals.v[i];
		size_t n = strlen(p);

		for (const char *q = list; q != NULL && *q; ) {
			const char *e = strchr(q, ',');
			size_t l = e ? (size_t)(e - q) : strlen(q);

			if (l == n && strncmp(q, p, n) == 0)
				return 1;
			q = e ? e + 1 : NULL;
		}
	}
	return 0;
}

static char *
principals_shown(const struct ssh_cert *c)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < c->principals.n && i < 16; i++) {
		char *p = str_printable(c->principals.v[i], strlen(c->principals.v[i]));

		buf_printf(&b, "%s\"%s\"", i ? ", " : "", p);
		free(p);
	}
	if (c->principals.n > 16)
		buf_printf(&b, ", ... (%zu in all)", c->principals.n);
	if (c->principals.n == 0)
		buf_puts(&b, "none");
	return buf_steal(&b);
}

static void
way_set(struct way *w, const struct ka_rule *r, const char *path, long line,
    char *msg)
{
	w->rule = r;
	free(w->path);
	w->path = path ? xstrdup(path) : NULL;
	w->line = line;
	w->msg = msg;
}

/* sshkey_cert_check_authority: kind, validity, and the name (NULL: the
 * principals were matched already; require: an empty list refuses). */
static int
check_authority(struct cctx *cc, struct way *w, const char *name, int require,
    const char *path, long line)
{
	const struct ssh_cert *c = cc->c;
	int v;

	if (c->kind != CERT_USER) {
		way_set(w, &rule_cert_host_cert, path, line, xasprintf("certificate "
		    "%s is a %s certificate: sshd refuses it for a user login "
		    "(\"Certificate invalid: not a user certificate\")", c->key_fp,
		    c->kind == CERT_HOST ? "host" : "non-user"));
		return -1;
	}
	if ((v = cert_validity(c, cc->now)) != 0) {
		char *from = cert_time(c->valid_after, 0);
		char *to = cert_time(c->valid_before, 1);
		char *now = cert_time((uint64_t)cc->now, 0);

		way_set(w, v < 0 ? &rule_cert_not_yet_valid : &rule_cert_expired, path,
		    line, xasprintf("certificate %s is valid from %s to %s (UTC); the "
		    "server's clock read %s UTC when it was examined (the host's clock, "
		    "not the client's): sshd says \"Certificate invalid: %s\"", c->key_fp,
		    from, to, now, v < 0 ? "not yet valid" : "expired"));
		free(from);
		free(to);
		free(now);
		return -1;
	}
	if (c->principals.n == 0 && require) {
		way_set(w, &rule_cert_principal, path, line, xasprintf("certificate %s "
		    "has no principals and TrustedUserCAKeys requires one "
		    "(\"Certificate lacks principal list\")", c->key_fp));
		return -1;
	}
	if (c->principals.n > 0 && name != NULL && !strlist_has(&c->principals, name)) {
		char *ps = principals_shown(c);

		way_set(w, &rule_cert_principal, path, line, xasprintf("certificate %s "
		    "names the principals %s, not the user name \"%s\" (\"Certificate "
		    "invalid: name is not a listed principal\")", c->key_fp, ps, name));
		free(ps);
		return -1;
	}
	return 0;
}

/* sshauthopt_from_cert, then auth_authorise_keyopts for its options. */
static int
check_cert_options(struct cctx *cc, struct way *w, const char *path, long line)
{
	const struct ssh_cert *c = cc->c;
	const char *sa, *addr = cc->ctx->opts ? cc->ctx->opts->from_addr : NULL;

	for (size_t i = 0; i < c->ncritical; i++) {
		if (cert_critical_known(c->critical[i].name))
			continue;
		{
			char *n = str_printable(c->critical[i].name,
			    strlen(c->critical[i].name));

			way_set(w, &rule_cert_critical_option, path, line, xasprintf(
			    "certificate %s has the critical option \"%s\", which sshd "
			    "does not know: it must refuse the certificate (\"Certificate "
			    "critical option \\\"%s\\\" is not supported\")", c->key_fp, n, n));
			free(n);
		}
		return -1;
	}
	if ((sa = cert_critical(c, "source-address")) != NULL) {
		char *s = str_printable(sa, strlen(sa));
		int m;

		if (addr == NULL) {
			ctx_skip(cc->ctx, &rule_cert_source_address, cc->u->name,
			    "source-address \"%s\": the client's address is not known "
			    "(--from)", s);
			free(s);
			return 0;
		}
		/* sshd reads source-address as addresses and CIDR blocks
		 * only (addr_match_cidr_list), not match.c's wildcards */
		if ((m = match_cidr_list(addr, sa)) != 1) {
			way_set(w, &rule_cert_source_address, path, line, xasprintf(
			    "certificate %s may be used only from source-address \"%s\"%s; "
			    "the client connects from %s: sshd refuses it (\"Refused by "
			    "certificate options\")", c->key_fp, s, m == -1 ?
			    " (which sshd cannot read)" : "", addr));
			free(s);
			return -1;
		}
		free(s);
	}
	return 0;
}

/* ---- the ways in ---------------------------------------------------------- */

/* A cert-authority line for the CA (auth_check_authkey_line). */
static void
by_ca_line(struct cctx *cc, const char *path, const char *canon, const struct ak_line *l,
    struct way *w)
{
	const struct ak_options *o = &l->opts;
	const char *user = cc->u->name;
	const char *addr = cc->ctx->opts ? cc->ctx->opts->from_addr : NULL;

	strlist_intern(&cc->used, canon);
	/* the line's own restrictions: akeys says which (its findings on
	 * this line keep blocking), here they only close this way */
	if (perm_refused(cc->ctx, user, canon) ||
	    (o->expiry != 0 && o->expiry < cc->now) ||
	    (o->from != NULL && addr != NULL && !ak_from_matches(o->from, addr, NULL))) {
		w->unknown = -1;	/* closed by another family's finding */
		return;
	}
	if (check_cert_options(cc, w, path, l->lineno) != 0)
		return;
	if (o->principals != NULL && !principal_in_list(cc->c, o->principals)) {
		char *ps = principals_shown(cc->c), *pl = str_printable(o->principals,
		    strlen(o->principals));

		way_set(w, &rule_cert_principal, path, l->lineno, xasprintf("line %ld: "
		    "cert-authority principals=\"%s\" names none of the certificate's "
		    "principals (%s): sshd says \"Certificate does not contain an "
		    "authorized principal\"", l->lineno, pl, ps));
		free(ps);
		free(pl);
		return;
	}
	if (check_authority(cc, w, o->principals == NULL ? user : NULL, 0, path,
	    l->lineno) != 0)
		return;
	cc->accepted = 1;
}

/* The principals file: 1 a line names a principal (its options pass),
 * 0 none, -1 keyaudit cannot tell. */
static int
principals_file(struct cctx *cc, const char *path, struct way *w, long *pline)
{
	const struct snap_file *f;
	const char *why, *addr = cc->ctx->opts ? cc->ctx->opts->from_addr : NULL;
	char *canon = NULL;
	int found = 0;

	*pline = 0;
	if ((f = readable(cc->ctx, path, cc->u->name, &canon, &why)) == NULL) {
		if (canon != NULL)
			strlist_intern(&cc->used, canon);
		if (why != NULL && (strcmp(why, "missing") == 0 ||
		    strcmp(why, "notdir") == 0 || strcmp(why, "loop") == 0)) {
			free(canon);
			return 0;	/* sshd cannot open it: no principal */
		}
		if (canon != NULL && perm_refused(cc->ctx, cc->u->name, canon)) {
			free(canon);
			return 0;
		}
		ctx_skip(cc->ctx, &rule_cert_principal, path, "AuthorizedPrincipalsFile "
		    "%s: %s", path, why ? why : "not read");
		free(canon);
		return -1;
	}
	strlist_intern(&cc->used, canon);
	if (perm_refused(cc->ctx, cc->u->name, canon)) {
		free(canon);
		return 0;	/* StrictModes: sshd skips the file (perm.* says why) */
	}
	free(canon);
	{
		const char *p = f->content, *end = f->content + f->content_len;
		long lineno = 0;

		while (p < end && !found) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			char *line = xstrndup(p, n), *cp, *hash, *ep, *opts = NULL;
			struct ak_options o;
			char *err = NULL;

			lineno++;
			p = nl ? nl + 1 : end;
			for (cp = line; *cp == ' ' || *cp == '\t'; cp++)
				;
			if ((hash = strchr(cp, '#')) != NULL)
				*hash = '\0';
			ep = cp + strlen(cp);
			/* sshd trims blanks and newlines only: "ops\r" is
			 * not "ops" */
			while (ep > cp && (ep[-1] == ' ' || ep[-1] == '\t' ||
			    ep[-1] == '\n'))
				*--ep = '\0';
			if (*cp == '\0') {
				free(line);
				continue;
			}
			/* internal blanks: options come first (auth_check_principals_line) */
			if ((ep = strrchr(cp, ' ')) != NULL || (ep = strrchr(cp, '\t')) != NULL) {
				opts = cp;
				for (; *ep == ' ' || *ep == '\t'; ep++)
					;
				cp = ep;
			}
			if (ak_parse_options(opts, &o, &err) != 0) {
				free(err);
				free(line);
				continue;	/* "bad principals options": line skipped */
			}
			/* an option the target's release does not know: the
			 * same "bad principals options" there */
			if ((err = ak_unknown_option(opts, cc->ctx->release)) != NULL) {
				free(err);
				ak_options_free(&o);
				free(line);
				continue;
			}
			if (strlist_has(&cc->c->principals, cp)) {
				/* the line's options are authorised later
				 * (auth_authorise_keyopts "principals") */
				if (o.from != NULL && addr != NULL &&
				    !ak_from_matches(o.from, addr, NULL)) {
					char *fr = str_printable(o.from, strlen(o.from));

					way_set(w, &rule_cert_source_address, path, lineno,
					    xasprintf("line %ld: principal \"%s\" is accepted only "
					    "from=\"%s\", and the client connects from %s: sshd "
					    "refuses it (\"Refused by certificate principals "
					    "options\")", lineno, cp, fr, addr));
					free(fr);
				}
				if (o.expiry != 0 && o.expiry < cc->now && w->rule == NULL)
					way_set(w, &rule_cert_principal, path, lineno, xasprintf(
					    "line %ld: principal \"%s\" has an expiry-time that "
					    "has passed (\"Refused by certificate principals "
					    "options\")", lineno, cp));
				found = 1;
				*pline = lineno;
			}
			ak_options_free(&o);
			free(line);
		}
	}
	return found;
}

/* TrustedUserCAKeys (user_cert_trusted_ca). 1: the CA is listed. */
static int
by_trusted_ca(struct cctx *cc, struct way *w)
{
	const struct sshd_eff *e = cc->u->eff;
	const char *tf = sshd_eff_str(e, "trustedusercakeys");
	const char *pf = sshd_eff_str(e, "authorizedprincipalsfile");
	const char *pc = sshd_eff_str(e, "authorizedprincipalscommand");
	const char *pcu = sshd_eff_str(e, "authorizedprincipalscommanduser");
	const struct snap_file *f;
	const char *why;
	char *canon = NULL, *pfp = NULL;
	struct ak_file af;
	struct way pend = { 0 };
	int listed = 0, found = 0, use_ap, r = 0;
	long pline = 0;

	if (tf == NULL || strcasecmp(tf, "none") == 0)
		return 0;
	if ((f = readable(cc->ctx, tf, NULL, &canon, &why)) == NULL) {
		free(canon);
		return 0;	/* cert.ca-file-missing (scan) says why */
	}
	free(canon);
	ak_parse(f->content, f->content_len, &af);
	for (size_t i = 0; i < af.n && !listed; i++)
		/* sshkey_in_file: a bare key per line, no options */
		listed = af.lines[i].status == AK_KEY && !af.lines[i].is_cert &&
		    af.lines[i].options_text == NULL &&
		    af.lines[i].fp != NULL && strcmp(af.lines[i].fp, cc->c->ca_fp) == 0;
	ak_file_free(&af);
	if (!listed)
		return 0;
	cc->trusted = 1;
	if (pf != NULL && strcmp(pf, "none") != 0 && cc->u->acct != NULL &&
	    (pfp = expand_authorized_keys_path(pf, cc->u->acct)) != NULL) {
		r = principals_file(cc, pfp, w, &pline);
		found = r == 1;
	}
	/* a principal line whose options refuse is judged after the
	 * certificate itself (auth_authorise_keyopts "principals" comes
	 * after sshkey_cert_check_authority and the certificate's options) */
	pend = *w;
	memset(w, 0, sizeof(*w));
	if (!found && pc != NULL && strcmp(pc, "none") != 0) {
		if (pcu == NULL || strcmp(pcu, "none") == 0)
			;	/* sshd: "No user for AuthorizedPrincipalsCommand" */
		else {
			/* keyaudit runs nothing on a target: the command's
			 * answer is assumed to be yes, and said so */
			ctx_skip(cc->ctx, &rule_cert_principal, cc->u->name,
			    "AuthorizedPrincipalsCommand %s decides which principals "
			    "%s accepts; keyaudit does not run it (the rest of the "
			    "certificate's path was judged as if it names one)", pc,
			    cc->u->name);
			found = 1;
		}
	}
	use_ap = pfp != NULL || (pc != NULL && strcmp(pc, "none") != 0);
	if (r < 0 && !found) {
		cc->unknown = 1;
		goto out;
	}
	if (!found && use_ap) {
		char *ps = principals_shown(cc->c);

		way_set(w, &rule_cert_principal, pfp ? pfp : tf, 0, pfp ? xasprintf(
		    "no line of AuthorizedPrincipalsFile %s names a principal of "
		    "certificate %s (%s)%s: sshd says \"Certificate does not contain "
		    "an authorized principal\"", pfp, cc->c->key_fp, ps, pc != NULL &&
		    strcmp(pc, "none") != 0 ? ", and AuthorizedPrincipalsCommand has "
		    "no user to run as" : "") : xasprintf("AuthorizedPrincipalsCommand "
		    "cannot run (no AuthorizedPrincipalsCommandUser) and no file names "
		    "a principal of certificate %s (%s)", cc->c->key_fp, ps));
		free(ps);
		goto out;
	}
	if (check_authority(cc, w, use_ap ? NULL : cc->u->name, 1, tf, 0) != 0)
		goto out;
	if (check_cert_options(cc, w, tf, 0) != 0)
		goto out;
	if (pend.rule != NULL) {
		*w = pend;
		memset(&pend, 0, sizeof(pend));
		goto out;
	}
	cc->accepted = 1;
 out:
	free(pend.msg);
	free(pend.path);
	free(pfp);
	return 1;
}

/* ---- the fixes ------------------------------------------------------------ */

static void
evidence(struct cctx *cc, struct ka_finding *f)
{
	const char *file = cc->ctx->opts->subject_cert_file;

	if (f == NULL)
		return;
	if (file != NULL && remedy_word_ok(file))
		remedy_run(&f->remedy, ACT_CLIENT, 1, "ssh-keygen", "-L", "-f", file, NULL);
	else
		remedy_manual(&f->remedy, "see the certificate with ssh-keygen -L -f CERT");
}

/* The principal to add: an insertion into the account's own principals
 * file when the fix script may edit it, else prose. */
static void
principal_fix(struct cctx *cc, struct ka_finding *f)
{
	const struct sshd_eff *e = cc->u->eff;
	const char *pf = sshd_eff_str(e, "authorizedprincipalsfile");
	const struct snap_account *a = cc->u->acct;
	const char *p = cc->c->principals.n > 0 ? cc->c->principals.v[0] : NULL;
	char *pfp = NULL, *canon = NULL;
	const char *why;

	if (f == NULL)
		return;
	if (p == NULL || !remedy_word_ok(p)) {
		remedy_manual(&f->remedy, "issue a certificate naming the principal "
		    "%s should log in as (ssh-keygen -s CA -I ID -n PRINCIPAL KEY.pub)",
		    cc->u->name);
		return;
	}
	if (pf != NULL && strcmp(pf, "none") != 0 && a != NULL &&
	    (pfp = expand_authorized_keys_path(pf, a)) != NULL &&
	    snap_realpath(cc->ctx->snap, pfp, &canon, &why) == 0) {
		const struct snap_file *st = snap_stat(cc->ctx->snap, canon);
		long n = ctx_file_nlines(cc->ctx, canon);

		if (st != NULL && st->type == SNAP_REG && st->uid == a->uid && a->uid != 0 &&
		    n >= 0 && ctx_fix_target(cc->ctx, a, pfp, canon, &why) == FIX_IN_HOME) {
			struct ka_action *act;

			remedy_manual(&f->remedy, "only if %s may log in as principal \"%s\" "
			    "of this CA", cc->u->name, p);
			act = remedy_edit(&f->remedy, 1, canon, n + 1, NULL, p, NULL, NULL);
			action_target(act, canon, 'f', st->uid);
			free(canon);
			free(pfp);
			return;
		}
	}
	remedy_manual(&f->remedy, "if %s may log in with principal \"%s\": add a "
	    "line \"%s\" to %s, or issue a certificate with the principal sshd "
	    "expects (ssh-keygen -s CA -I ID -n %s KEY.pub)", cc->u->name, p, p,
	    pfp ? pfp : "the principals sshd accepts (principals= of the "
	    "cert-authority line)", cc->u->name);
	free(canon);
	free(pfp);
}

static void
ca_fix(struct cctx *cc, struct ka_finding *f)
{
	const char *tf = sshd_eff_str(cc->u->eff, "trustedusercakeys");
	char *line;

	if (f == NULL)
		return;
	line = cert_blob_text(cc->c->ca_blob, cc->c->ca_bloblen, cc->c->ca_type);
	if (tf != NULL && strcasecmp(tf, "none") != 0 && ctx_fix_config_file(cc->ctx, tf) != 0) {
		long n = ctx_file_nlines(cc->ctx, tf);

		remedy_manual(&f->remedy, "only if CA %s is one this host should "
		    "trust for every account", cc->c->ca_fp);
		if (n >= 0) {
			char *text = xasprintf("append the CA key to %s: %s", tf, line);

			remedy_edit(&f->remedy, 0, tf, n + 1, NULL, line, NULL, text);
			free(text);
		} else
			remedy_manual(&f->remedy, "append to %s: %s", tf, line);
	} else
		remedy_manual(&f->remedy, "if CA %s should be trusted: put \"%s\" in a "
		    "root-owned file named by TrustedUserCAKeys in sshd_config, or "
		    "\"cert-authority,principals=\\\"%s\\\" %s\" in %s's "
		    "authorized_keys", cc->c->ca_fp, line, cc->u->name, line, cc->u->name);
	free(line);
}

static void
add_fix(struct cctx *cc, struct ka_finding *f)
{
	const struct ssh_cert *c = cc->c;

	if (f == NULL)
		return;
	evidence(cc, f);
	if (f->rule == &rule_cert_principal)
		principal_fix(cc, f);
	else if (f->rule == &rule_cert_ca_untrusted)
		ca_fix(cc, f);
	else if (f->rule == &rule_cert_expired || f->rule == &rule_cert_not_yet_valid) {
		char *now = cert_time((uint64_t)cc->now, 0);

		remedy_manual(&f->remedy, "if the server's clock (%s UTC) is wrong, "
		    "fix it (timedatectl, NTP); otherwise issue a certificate valid "
		    "now (ssh-keygen -s CA -I ID -n PRINCIPALS -V -5m:+52w KEY.pub)", now);
		free(now);
	} else if (f->rule == &rule_cert_ca_signature_algorithm)
		remedy_manual(&f->remedy, "sign the certificate again with a SHA-2 "
		    "signature (ssh-keygen -s CA -t rsa-sha2-512 ...), or, as a decision "
		    "for this host, add %s to CASignatureAlgorithms", c->sig_alg);
	else if (f->rule == &rule_cert_algorithm)
		remedy_manual(&f->remedy, "add %s to PubkeyAcceptedAlgorithms if "
		    "certificates of this type should log in", c->type);
	else if (f->rule == &rule_cert_revoked)
		remedy_manual(&f->remedy, "a revoked certificate stays revoked: issue a "
		    "new one (and a new key where the key itself or the CA was revoked)");
	else
		remedy_manual(&f->remedy, "issue a certificate without it, or connect "
		    "as it allows");
}

static struct ka_finding *
emit(struct cctx *cc, const struct ka_rule *r, const char *path, long line, char *msg)
{
	struct ka_finding *f = ctx_finding(cc->ctx, r, cc->u->name, path, line, NULL,
	    "%s", msg);

	if (f != NULL && cc->c->key_fp != NULL)
		f->key_fp = xstrdup(cc->c->key_fp);
	add_fix(cc, f);
	free(msg);
	return f;
}

/* ---- sshd's order --------------------------------------------------------- */

/* userauth_pubkey and user_key_allowed before any file: 0 passes. */
static int
key_stage(struct cctx *cc)
{
	const struct ssh_cert *c = cc->c;
	const struct sshd_eff *e = cc->u->eff;
	const char *cas = sshd_eff_str(e, "casignaturealgorithms");
	char *err = NULL;
	int v;

	if ((v = cert_verify(c, &err)) == 0) {
		emit(cc, &rule_cert_signature_invalid, NULL, 0, xasprintf("certificate "
		    "%s: the CA's signature does not verify%s%s; sshd cannot read it as "
		    "a key", c->key_fp, err ? ": " : "", err ? err : ""));
		free(err);
		return -1;
	}
	free(err);
	/* ssh offers an RSA certificate as rsa-sha2-512/256 */
	if (strncmp(c->type, "ssh-rsa-cert", 12) == 0 ?
	    !sshd_eff_accepts_alg(e, "rsa-sha2-512-cert-v01@openssh.com") &&
	    !sshd_eff_accepts_alg(e, "rsa-sha2-256-cert-v01@openssh.com") &&
	    !sshd_eff_accepts_alg(e, c->type) : !sshd_eff_accepts_alg(e, c->type)) {
		emit(cc, &rule_cert_algorithm, NULL, 0, xasprintf("%s is not in "
		    "PubkeyAcceptedAlgorithms (%s): sshd refuses the certificate before "
		    "it looks for a CA (\"signature algorithm ... not in "
		    "PubkeyAcceptedAlgorithms\")", c->type,
		    sshd_eff_str(e, "pubkeyacceptedalgorithms") ?
		    sshd_eff_str(e, "pubkeyacceptedalgorithms") : "none"));
		return -1;
	}
	if (cas == NULL || c->sig_alg == NULL || match_pattern_list(c->sig_alg, cas, 0) != 1) {
		emit(cc, &rule_cert_ca_signature_algorithm, NULL, 0, xasprintf(
		    "certificate %s is signed with %s%s, which CASignatureAlgorithms (%s) "
		    "does not accept: sshd refuses it (\"certificate signature algorithm "
		    "%s\")", c->key_fp, c->sig_alg ? c->sig_alg : "?",
		    c->sig_alg && strcmp(c->sig_alg, "ssh-rsa") == 0 ? " (RSA with SHA-1)" : "",
		    cas ? cas : "none", c->sig_alg ? c->sig_alg : "?"));
		return -1;
	}
	/* then sshkey_check_rsa_length, on the certified key */
	if (strcmp(c->key_type, "ssh-rsa") == 0) {
		const char *rs = sshd_eff_str(e, "requiredrsasize");
		int min = rs ? atoi(rs) : 1024;

		if (c->key_bits > 0 && c->key_bits < min) {
			emit(cc, &rule_sshd_rsa_size, NULL, 0, xasprintf("certificate %s "
			    "certifies an RSA key of %d bits, below RequiredRSASize %d: "
			    "sshd refuses it (\"refusing RSA-CERT key\")", c->key_fp,
			    c->key_bits, min));
			return -1;
		}
	}
	return 0;
}

/* RevokedKeys: the certificate (KRL: serial, key id, key; a list: its
 * key), then its CA key, as auth_key_is_revoked is asked twice. */
static int
revoked_stage(struct cctx *cc)
{
	const struct ssh_cert *c = cc->c;
	const char *rk = sshd_eff_str(cc->u->eff, "revokedkeys");
	const struct snap_file *f;
	const char *why, *rpath;
	char *canon = NULL, *reason = NULL;

	if (rk == NULL || strcasecmp(rk, "none") == 0)
		return 0;
	if ((f = readable(cc->ctx, rk, NULL, &canon, &why)) == NULL) {
		free(canon);
		return 0;	/* sshd.revoked-key says what a missing file does */
	}
	rpath = rk;
	if (krl_is_krl((const unsigned char *)f->content, f->content_len)) {
		const char *kerr;
		const struct krl *k = ctx_krl(cc->ctx, f, &kerr);

		if (k == NULL) {
			/* sshd cannot load it and refuses every key ("Error
			 * checking authentication key") */
			reason = xasprintf("the KRL cannot be loaded (%s), so sshd "
			    "refuses every key", kerr ? kerr : "?");
			free(canon);
			goto found;
		}
		if (krl_cert_revoked(k, c, &reason) == 1)
			;
		else if (krl_key_revoked(k, c->ca_blob, c->ca_bloblen, &reason) == 1) {
			char *r2 = xasprintf("its CA: %s", reason ? reason : c->ca_fp);
			free(reason);
			reason = r2;
		}
	} else {
		struct ak_file af;

		ak_parse(f->content, f->content_len, &af);
		for (size_t i = 0; i < af.n && reason == NULL; i++) {
			const struct ak_line *l = &af.lines[i];

			if (l->status != AK_KEY || l->fp == NULL)
				continue;
			if (strcmp(l->fp, c->key_fp) == 0)
				reason = xasprintf("its key %s is listed at line %ld",
				    c->key_fp, l->lineno);
			else if (strcmp(l->fp, c->ca_fp) == 0)
				reason = xasprintf("its CA key %s is listed at line %ld",
				    c->ca_fp, l->lineno);
		}
		ak_file_free(&af);
	}
	free(canon);
	if (reason == NULL)
		return 0;
 found:
	emit(cc, &rule_cert_revoked, rpath, 0, xasprintf("RevokedKeys %s refuses "
	    "certificate %s (serial %llu): %s", rk, c->key_fp,
	    (unsigned long long)c->serial, reason));
	free(reason);
	return -1;
}

/* Findings of other families that judge plain key lines, or files this
 * certificate's ways do not read, decide nothing for it. */
static void
settle(struct cctx *cc)
{
	struct ka_host_result *r = cc->ctx->out;

	for (size_t i = 0; i < r->nfindings; i++) {
		struct ka_finding *f = &r->findings[i];
		const char *id = f->rule->id;
		int keep = 1;

		if (!f->blocks_login || f->user == NULL || strcmp(f->user, cc->u->name) != 0)
			continue;
		if (strncmp(id, "cert.", 5) == 0)
			continue;
		if (strncmp(id, "akeys.", 6) == 0 || (f->line > 0 &&
		    strncmp(id, "sshd.", 5) == 0))
			/* a line of the CA's keeps its word */
			keep = !cc->accepted && f->key_fp != NULL &&
			    strcmp(f->key_fp, cc->c->ca_fp) == 0;
		else if (strncmp(id, "perm.", 5) == 0) {
			keep = 0;
			for (size_t j = 0; !cc->accepted && j < cc->used.n && !keep; j++) {
				size_t n = f->path ? strlen(f->path) : 0;
				const char *u = cc->used.v[j];

				keep = f->path != NULL && (strcmp(u, f->path) == 0 ||
				    (strncmp(u, f->path, n) == 0 && (u[n] == '/' || n == 1)));
			}
		}
		if (!keep)
			f->blocks_login = 0;
	}
}

/* sshd asks AuthorizedKeysCommand last (user_key_command_allowed2): its
 * output may hold a cert-authority line that accepts the certificate.
 * keyaudit runs nothing, so what refused above decides nothing alone. */
static void
keys_command_may_accept(struct cctx *cc)
{
	const char *akc = sshd_eff_str(cc->u->eff, "authorizedkeyscommand");
	struct ka_host_result *r = cc->ctx->out;
	struct ka_keyscmd kc;
	int open;

	/* a command sshd will not run, or that failed, gives nothing */
	ctx_keys_command(cc->ctx, cc->u, &kc);
	open = kc.state == KC_UNRUN || kc.state == KC_RAN;
	ka_keyscmd_free(&kc);
	if (!open)
		return;
	for (size_t i = 0; i < r->nfindings; i++) {
		struct ka_finding *f = &r->findings[i];

		if (f->user != NULL && strcmp(f->user, cc->u->name) == 0 &&
		    f->rule->chain >= CHAIN_LINES && strncmp(f->rule->id, "cert.", 5) == 0)
			f->blocks_login = 0;
	}
	ctx_skip(cc->ctx, &rule_cert_ca_untrusted, cc->u->name, "AuthorizedKeysCommand "
	    "%s may still accept the certificate (a cert-authority line in its "
	    "output); keyaudit does not run it", akc);
}

static void
check_user(struct cctx *cc)
{
	const struct ka_user *u = cc->u;
	const struct ssh_cert *c = cc->c;
	struct strlist seen = { 0 };
	struct way *ways = NULL;
	size_t nways = 0;
	const char *fc;

	if (key_stage(cc) != 0 || revoked_stage(cc) != 0) {
		settle(cc);
		return;
	}
	/* AuthorizedKeysFile first: the cert-authority lines for this CA */
	for (size_t i = 0; i < u->akfiles.n && !cc->accepted; i++) {
		const char *path = u->akfiles.v[i], *why;
		const struct ak_file *af;
		char *canon = NULL;

		if (snap_realpath(cc->ctx->snap, path, &canon, &why) != 0 ||
		    strlist_has(&seen, canon) || (af = ctx_akfile(cc->ctx, canon, u->name)) == NULL) {
			free(canon);
			continue;
		}
		strlist_add(&seen, canon);
		for (size_t j = 0; j < af->n && !cc->accepted; j++) {
			const struct ak_line *l = &af->lines[j];

			if (l->status != AK_KEY || !l->opts.cert_authority || l->fp == NULL ||
			    strcmp(l->fp, c->ca_fp) != 0)
				continue;
			cc->trusted = 1;
			ways = xreallocarray(ways, nways + 1, sizeof(*ways));
			memset(&ways[nways], 0, sizeof(*ways));
			by_ca_line(cc, path, canon, l, &ways[nways]);
			nways++;
		}
		free(canon);
	}
	strlist_free(&seen);
	if (!cc->accepted) {
		ways = xreallocarray(ways, nways + 1, sizeof(*ways));
		memset(&ways[nways], 0, sizeof(*ways));
		if (by_trusted_ca(cc, &ways[nways]))
			nways++;
		else {
			free(ways[nways].msg);
			free(ways[nways].path);
		}
	}
	if (!cc->accepted && !cc->trusted) {
		char *ca = str_printable(c->ca_type, strlen(c->ca_type));
		const char *tf = sshd_eff_str(u->eff, "trustedusercakeys");

		emit(cc, &rule_cert_ca_untrusted, NULL, 0, xasprintf("certificate %s is "
		    "signed by %s CA %s, which neither TrustedUserCAKeys (%s) nor a "
		    "cert-authority line of %s's key files lists: sshd has nothing to "
		    "accept it with", c->key_fp, ca, c->ca_fp, tf ? tf : "none", u->name));
		free(ca);
	} else if (!cc->accepted && !cc->unknown) {
		/* every way that trusts the CA refused: each says why */
		for (size_t i = 0; i < nways; i++)
			if (ways[i].rule != NULL) {
				emit(cc, ways[i].rule, ways[i].path, ways[i].line, ways[i].msg);
				ways[i].msg = NULL;
			}
	}
	for (size_t i = 0; i < nways; i++) {
		free(ways[i].msg);
		free(ways[i].path);
	}
	free(ways);
	if (!cc->accepted)
		keys_command_may_accept(cc);
	if ((fc = cert_critical(c, "force-command")) != NULL) {
		char *s = str_printable(fc, strlen(fc));
		struct ka_finding *f = ctx_finding(cc->ctx, &rule_cert_force_command,
		    u->name, NULL, 0, NULL, "certificate %s forces the command \"%s\"",
		    c->key_fp, s);

		if (f != NULL)
			f->key_fp = xstrdup(c->key_fp);
		free(s);
	}
	settle(cc);
}

static void
run(struct ka_ctx *ctx)
{
	const struct ssh_cert *c = ctx->opts ? ctx->opts->subject_cert : NULL;

	if (c == NULL)
		return;		/* a scan: no certificate to follow */
	for (size_t i = 0; i < ctx->nusers; i++) {
		struct cctx cc;

		if (ctx->users[i].acct == NULL || ctx->users[i].eff == NULL)
			continue;
		memset(&cc, 0, sizeof(cc));
		cc.ctx = ctx;
		cc.u = &ctx->users[i];
		cc.c = c;
		cc.now = ctx->snap->collected_at;
		check_user(&cc);
		strlist_free(&cc.used);
	}
}

const struct ka_check check_cert = { "cert", rules, KA_ARRLEN(rules), run };
