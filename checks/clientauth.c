/*
 * clientauth.c - what ssh on this client does before the server can say
 * yes (readconf.c, sshconnect2.c pubkey_prepare and identity_sign,
 * authfile.c): settings that stop it from trying keys at all, keys it never
 * offers, keys the server would accept that it cannot sign with, and the
 * server hanging up before the right key came, and certificates ssh cannot
 * sign for or that are outside their validity window at the client's clock.
 * diagnose only: it reads the facts of its connection (struct diag_facts)
 * and the identity list.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks/check.h"
#include "scanner/clientfacts.h"
#include "scanner/parse/clientconf.h"

const struct ka_rule rule_client_pubkey_disabled = {
	.id = "client.pubkey-disabled", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "ssh_config turns public key authentication off",
	.help = "With PubkeyAuthentication no, ssh never offers a key; under BatchMode "
	    "(no password prompt) the login then fails with 'Permission denied'.",
	.chain = CHAIN_OFFER,
};

const struct ka_rule rule_client_preferred_auth = {
	.id = "client.preferred-auth", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "PreferredAuthentications leaves out publickey",
	.help = "ssh tries only the methods PreferredAuthentications lists; without "
	    "publickey it never offers a key.",
	.chain = CHAIN_OFFER + 2,
};

const struct ka_rule rule_client_no_identity = {
	.id = "client.no-identity", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "ssh has no key to offer",
	.help = "No identity file exists (or can be read) and no agent holds a key, "
	    "so ssh goes straight to the methods that need a person.",
	.chain = CHAIN_CLIENT_KEYS + 6,
};

const struct ka_rule rule_client_passphrase = {
	.id = "client.passphrase", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the key needs a passphrase and nothing can supply it",
	.help = "The private key is encrypted, the agent does not hold it, and "
	    "BatchMode (scripts, cron, CI) forbids the prompt, so ssh cannot sign "
	    "with it even though the server would accept it: ssh-add it to an "
	    "agent the job can reach.",
	.chain = CHAIN_SIGNING + 2,
};

const struct ka_rule rule_client_algorithm = {
	.id = "client.algorithm", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the client's PubkeyAcceptedAlgorithms excludes the key",
	.help = "ssh skips a key whose signature algorithm its own "
	    "PubkeyAcceptedAlgorithms does not list ('Skipping ssh-rsa key ...: "
	    "key type ... not in PubkeyAcceptedAlgorithms' at -v).",
	.chain = CHAIN_CLIENT_KEYS + 3,
};

const struct ka_rule rule_client_rsa_size = {
	.id = "client.rsa-size", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the RSA key is below the client's RequiredRSASize",
	.help = "ssh 9.1 and later do not offer RSA keys below RequiredRSASize.",
	.chain = CHAIN_CLIENT_KEYS + 4,
};

const struct ka_rule rule_client_too_many_keys = {
	.id = "client.too-many-keys", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the server hung up before ssh reached the right key",
	.help = "sshd counts every key offered and refused against MaxAuthTries "
	    "(default 6) and disconnects at the limit ('Too many authentication "
	    "failures'). ssh offers agent keys first, so a full agent hides the "
	    "right key: IdentitiesOnly yes with the right IdentityFile fixes it.",
	.chain = CHAIN_CLIENT_KEYS + 7,
};

const struct ka_rule rule_client_identities_only = {
	.id = "client.identities-only", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "IdentitiesOnly hides the agent key the server accepts",
	.help = "With IdentitiesOnly yes ssh offers only keys whose files the "
	    "configuration names; the agent holds a key the server would accept, "
	    "but no IdentityFile names it.",
	.chain = CHAIN_CLIENT_KEYS + 5,
};

const struct ka_rule rule_client_cert_mismatch = {
	.id = "client.cert-mismatch", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate is for another key than its private key file",
	.help = "ssh offers FILE-cert.pub (or a CertificateFile) and, when no key "
	    "of its list matches the certified key, loads FILE to sign; FILE holds "
	    "another key, so after the server accepts the certificate ssh stops: "
	    "'private key FILE contents do not match public'.",
	.chain = CHAIN_SIGNING + 3,
};

const struct ka_rule rule_client_cert_no_key = {
	.id = "client.cert-no-key", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "ssh has no private key for the certificate",
	.help = "A certificate is only the public half: ssh signs with the key it "
	    "certifies, from the agent or an identity file holding that key. With "
	    "neither (a CertificateFile without the IdentityFile of its key, a "
	    "missing FILE beside FILE-cert.pub), the server accepts the "
	    "certificate and ssh cannot sign.",
	.chain = CHAIN_SIGNING + 4,
};

const struct ka_rule rule_client_cert_expired = {
	.id = "client.cert-expired", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate has expired (client clock)",
	.help = "ssh offers an expired certificate all the same; sshd refuses it "
	    "('Certificate invalid: expired'). The client's clock says it expired; "
	    "the server judges by its own.",
	.chain = CHAIN_LINES + 50,
};

const struct ka_rule rule_client_cert_not_yet_valid = {
	.id = "client.cert-not-yet-valid", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the certificate is not valid yet (client clock)",
	.help = "ssh offers it; sshd refuses a certificate before its valid-after "
	    "time ('Certificate invalid: not yet valid'). A clock that runs "
	    "behind on either side shows up here.",
	.chain = CHAIN_LINES + 51,
};

static const struct ka_rule *const rules[] = {
	&rule_client_pubkey_disabled,
	&rule_client_preferred_auth,
	&rule_client_no_identity,
	&rule_client_passphrase,
	&rule_client_algorithm,
	&rule_client_rsa_size,
	&rule_client_too_many_keys,
	&rule_client_identities_only,
	&rule_client_cert_mismatch,
	&rule_client_cert_no_key,
	&rule_client_cert_expired,
	&rule_client_cert_not_yet_valid,
};

/* Does a comma-separated list name this word (case-insensitive)? */
static int
csv_has(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == wl && strncasecmp(p, word, n) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const char *
origin_of(const struct identity *id)
{
	return id->path ? id->path : id->comment ? id->comment : "agent key";
}

static struct ka_finding *
key_finding(struct ka_ctx *ctx, const struct ka_rule *id, const struct identity *k,
    int blocks, const char *fix, const char *fmt, const char *a, const char *b)
{
	struct ka_finding *f;

	/* a certificate's finding is about the certificate file */
	f = ctx_finding(ctx, id, NULL, k->is_cert && k->cert_path ? k->cert_path :
	    k->path, 0, fix, fmt, a, b);
	if (f != NULL) {
		f->blocks_login = blocks;
		if (k->fp != NULL)
			f->key_fp = xstrdup(k->fp);
	}
	return f;
}

/* Would the server take identity i (PK_OK, or a probe said so)? */
static int
accepted(const struct diag_facts *d, size_t i)
{
	return d->tries[i].result == TRY_PK_OK || d->tries[i].probe == 1;
}

/* Does identity i sign for a certificate the server would take? */
static int
signs_accepted_cert(const struct diag_facts *d, size_t i)
{
	for (size_t j = 0; j < d->ids->n; j++)
		if (d->ids->v[j].is_cert && d->ids->v[j].signer == (long)i && accepted(d, j))
			return 1;
	return 0;
}

/* A certificate time as ssh-keygen -L prints it (UTC). */
static void
cert_when(uint64_t t, char *out, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t > (uint64_t)INT64_MAX || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(out, n, "%" PRIu64, t);
}

/* What ssh does with a certificate: sign for it (with the key its signer
 * or its own path holds), and offer it whatever its validity window says,
 * which sshd then judges at its own clock. */
static void
certificate(struct ka_ctx *ctx, const struct diag_facts *d, size_t i)
{
	const struct identity *k = &d->ids->v[i];
	const struct identity *s = k->signer >= 0 && (size_t)k->signer < d->ids->n ?
	    &d->ids->v[k->signer] : k;
	const char *cp = k->cert_path ? k->cert_path : "the agent's certificate";
	int ok = accepted(d, i), refused;
	struct ka_finding *f;
	char *q, when[32];

	if (k->blob == NULL) {
		if (k->missing || k->unreadable)
			key_finding(ctx, &rule_client_key_unreadable, k, 0,
			    "give the right path in CertificateFile", "%s: %s", cp,
			    k->why ? k->why : "cannot be read");
		return;
	}
	if (k->cert_kind != 1)
		return;		/* ssh ignores it: no user certificate */
	if (s->source == IDENT_FILE && s->path != NULL) {
		if (k->cert_mismatch) {
			char *m = xasprintf("%s certifies %s, but the private key ssh "
			    "signs with, %s, is %s: ssh offers the certificate and cannot "
			    "sign for it (\"private key %s contents do not match public\")",
			    cp, k->fp, k->path, k->priv_fp ? k->priv_fp : "another key",
			    k->path);

			f = key_finding(ctx, &rule_client_cert_mismatch, k, ok, NULL, "%s%s",
			    m, "");
			remedy_manual(f ? &f->remedy : NULL, "on the client: put the "
			    "certificate of %s beside it (ssh-keygen -L -f CERT shows which "
			    "key a certificate certifies), or name the matching key with "
			    "IdentityFile", k->path);
			free(m);
		} else if (k->cert_no_key || s->missing || s->unreadable) {
			char *m = xasprintf("%s: ssh has no private key for %s (%s)%s", cp,
			    k->fp, s == k && k->why ? k->why : s->path ? s->path : "?",
			    ok ? "; the server would accept the certificate" : "");

			if (s != k && s->why != NULL) {
				char *m2 = xasprintf("%s: ssh has no private key for %s (%s: "
				    "%s)%s", cp, k->fp, s->path, s->why, ok ? "; the server "
				    "would accept the certificate" : "");
				free(m);
				m = m2;
			}
			f = key_finding(ctx, &rule_client_cert_no_key, k, ok, NULL, "%s%s", m, "");
			q = shell_quote(cp);
			remedy_manual(f ? &f->remedy : NULL, "on the client: IdentityFile "
			    "with the private key %s certifies (next to CertificateFile %s), "
			    "or ssh-add that key", k->fp, q);
			free(q);
			free(m);
		}
	}
	/* the validity window at this machine's clock (the connection's start) */
	refused = d->accepted < 0 && (d->tries[i].result == TRY_REFUSED ||
	    d->tries[i].result == TRY_SIGNED_REFUSED || d->tries[i].probe == 0);
	if (d->t_start > 0 && (uint64_t)d->t_start >= k->cert_valid_before) {
		char *m;

		cert_when(k->cert_valid_before, when, sizeof(when));
		m = xasprintf("%s (ID \"%s\") expired at %s UTC by the client's clock: "
		    "ssh offers it, sshd refuses it", cp, k->cert_key_id ?
		    k->cert_key_id : "?", when);
		f = key_finding(ctx, &rule_client_cert_expired, k, refused, NULL, "%s%s",
		    m, "");
		remedy_manual(f ? &f->remedy : NULL, "have the CA sign a new certificate "
		    "(ssh-keygen -s CA -I ID -n PRINCIPALS -V +52w KEY.pub), and check "
		    "the clocks of both machines");
		free(m);
	} else if (d->t_start > 0 && (uint64_t)d->t_start < k->cert_valid_after) {
		char *m;

		cert_when(k->cert_valid_after, when, sizeof(when));
		m = xasprintf("%s (ID \"%s\") is valid only from %s UTC by the client's "
		    "clock: ssh offers it, sshd refuses it until then", cp,
		    k->cert_key_id ? k->cert_key_id : "?", when);
		f = key_finding(ctx, &rule_client_cert_not_yet_valid, k, refused, NULL,
		    "%s%s", m, "");
		remedy_manual(f ? &f->remedy : NULL, "wait, or have the CA sign one "
		    "valid now; check the clocks of both machines (timedatectl)");
		free(m);
	}
}

/* Keys ssh offers that the server would take if ssh could sign. */
static void
signing(struct ka_ctx *ctx, const struct diag_facts *d, size_t i)
{
	const struct identity *k = &d->ids->v[i];
	int ok = accepted(d, i) || signs_accepted_cert(d, i);
	struct ka_finding *f;
	char *q, *m;

	if (k->source != IDENT_FILE || k->path == NULL || k->is_cert)
		return;
	/* ssh tries its default names (~/.ssh/id_rsa, id_ecdsa, ...) and
	 * passes over those that do not exist without a word: only a file
	 * someone named (-i, IdentityFile) is missing, or one that exists and
	 * cannot be read */
	if (k->missing && k->origin != NULL && strcmp(k->origin, "default") == 0)
		return;
	if (k->missing || k->unreadable) {
		key_finding(ctx, &rule_client_key_unreadable, k, !strcmp(k->origin, "-i"),
		    "give the right path with -i or IdentityFile", "%s: %s", k->path,
		    k->why ? k->why : "cannot be read");
	} else if (k->bad_mode) {
		m = xasprintf("mode %04o: ssh ignores the private key (\"UNPROTECTED "
		    "PRIVATE KEY FILE\")%s", (unsigned)(k->mode & 07777), ok ?
		    " after the server accepted its public half" : "");
		f = key_finding(ctx, &rule_client_key_mode, k, ok, NULL, "%s: %s", k->path, m);
		remedy_run(f ? &f->remedy : NULL, ACT_CLIENT, 1, "chmod", "600", k->path,
		    NULL);
		free(m);
	} else if (k->pub_mismatch) {
		m = xasprintf("%s.pub holds %s, but the private key is %s: ssh offers "
		    "the .pub key and cannot sign for it", k->path, k->fp ? k->fp : "?",
		    k->priv_fp ? k->priv_fp : "another key");
		q = shell_quote(k->path);
		f = key_finding(ctx, &rule_client_pub_mismatch, k, 1, NULL, "%s%s", m, "");
		remedy_manual(f ? &f->remedy : NULL, "on the client: ssh-keygen -y -f %s > "
		    "%s.pub", q, q);
		free(q);
		free(m);
	} else if (k->encrypted) {
		m = xasprintf("the key has a passphrase, no agent holds it and "
		    "BatchMode cannot ask for it%s", ok ? "; the server would "
		    "accept it" : "");
		f = key_finding(ctx, &rule_client_passphrase, k, ok || k->blob == NULL, NULL,
		    "%s: %s", k->path, m);
		remedy_run(f ? &f->remedy : NULL, ACT_CLIENT, 1, "ssh-add", k->path, NULL);
		remedy_manual(f ? &f->remedy : NULL, "once, in the agent the job uses "
		    "(SSH_AUTH_SOCK)");
		free(m);
	}
}

static void
run(struct ka_ctx *ctx)
{
	const struct diag_facts *d = ctx->opts ? ctx->opts->diag : NULL;
	const struct client_host *ch;
	size_t usable = 0;

	if (d == NULL || d->ids == NULL || d->ch == NULL)
		return;
	ch = d->ch;
	if (ch->pubkey_authentication != NULL &&
	    (strcasecmp(ch->pubkey_authentication, "no") == 0 ||
	    strcasecmp(ch->pubkey_authentication, "false") == 0))
		ctx_finding(ctx, &rule_client_pubkey_disabled, NULL, NULL, 0,
		    "PubkeyAuthentication yes   # in ssh_config, for this host",
		    "ssh_config sets PubkeyAuthentication %s: ssh offers no key",
		    ch->pubkey_authentication);
	if (ch->preferred_authentications != NULL &&
	    !csv_has(ch->preferred_authentications, "publickey"))
		ctx_finding(ctx, &rule_client_preferred_auth, NULL, NULL, 0,
		    "PreferredAuthentications publickey   # in ssh_config, or add it",
		    "ssh_config sets PreferredAuthentications %s: ssh never tries "
		    "publickey", ch->preferred_authentications);

	for (size_t i = 0; i < d->ids->n; i++) {
		const struct identity *k = &d->ids->v[i];
		int ok = d->tries[i].result == TRY_PK_OK || d->tries[i].probe == 1;

		if (k->is_cert)
			certificate(ctx, d, i);
		else
			signing(ctx, d, i);
		if (k->skip != NULL && k->skip_why != IDENT_SKIP_NONE) {
			int rsa = k->skip_why == IDENT_SKIP_RSA_SIZE;
			char *fix = rsa ? xstrdup("make a new key (ssh-keygen -t ed25519), "
			    "or lower RequiredRSASize in ssh_config") :
			    xasprintf("add +%s to PubkeyAcceptedAlgorithms in ssh_config",
			    k->type ? k->type : "TYPE");

			key_finding(ctx, rsa ? &rule_client_rsa_size : &rule_client_algorithm,
			    k, ok || d->ids->n == 1, fix, "%s: %s", origin_of(k), k->skip);
			free(fix);
		}
		if (k->blob != NULL && k->skip == NULL)
			usable++;
	}
	if (usable == 0) {
		char *why = xstrdup(d->ids->agent_error ? d->ids->agent_error :
		    d->ids->agent_used ? "the agent holds no key" : "no agent");
		ctx_finding(ctx, &rule_client_no_identity, NULL, NULL, 0,
		    "ssh-keygen -t ed25519   # then install KEY.pub on the server "
		    "(ssh-copy-id)", "none of the %zu identity file%s ssh looks for "
		    "can be offered, and %s", d->ids->n, d->ids->n == 1 ? "" : "s", why);
		free(why);
	}
	if (d->hung_up && d->late_ok >= 0) {
		const struct identity *k = &d->ids->v[d->late_ok];
		char *q = k->path ? shell_quote(k->path) : NULL;
		char *fix = q ? xasprintf("on the client: ssh -o IdentitiesOnly=yes -i %s "
		    "..., or IdentitiesOnly yes + IdentityFile in ssh_config", q) :
		    xstrdup("ssh-add -d the keys this host does not need, or "
		    "IdentitiesOnly yes with the right IdentityFile");

		free(q);
		char *m = xasprintf("the server disconnected after %zu refused keys "
		    "(MaxAuthTries); %s would have been accepted", d->offered,
		    k->fp ? k->fp : origin_of(k));
		key_finding(ctx, &rule_client_too_many_keys, k, 1, fix, "%s%s", m, "");
		free(m);
		free(fix);
	}
	if (d->hidden_ok >= 0 && (size_t)d->hidden_ok < d->ids->nhidden &&
	    d->ids->hidden[d->hidden_ok].is_cert)
		ctx_finding(ctx, &rule_client_identities_only, NULL, NULL, 0,
		    "CertificateFile PATH-OF-THAT-CERTIFICATE (or KEY-cert.pub beside "
		    "the IdentityFile KEY)   # next to IdentitiesOnly yes",
		    "IdentitiesOnly yes: the agent's certificate for %s, which the "
		    "server would accept, is never offered (no KEY-cert.pub beside an "
		    "identity file holds it)", d->hidden_fp ? d->hidden_fp : "?");
	else if (d->hidden_ok >= 0)
		ctx_finding(ctx, &rule_client_identities_only, NULL, NULL, 0,
		    "IdentityFile PATH-OF-THAT-KEY   # next to IdentitiesOnly yes",
		    "IdentitiesOnly yes: the agent's key %s, which the server would "
		    "accept, is never offered", d->hidden_fp ? d->hidden_fp : "?");
}

const struct ka_check check_clientauth = { "client", rules, KA_ARRLEN(rules), run };
