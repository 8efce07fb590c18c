/* hostcert.c - the host certificates sshd serves (HostCertificate), judged
 * as sshd loads them and as ssh will judge them: sshd ignores a file it
 * cannot read as a certificate (or whose CA signature fails: it cannot
 * load it) and a certificate matching no HostKey by public key ("No
 * matching private key for certificate", in its log; sshd -t says
 * nothing); ssh then refuses a host certificate outside its window, one
 * whose principals do not name the host as ssh looks it up, and one signed
 * with an algorithm its CASignatureAlgorithms leaves out (ssh-rsa, SHA-1).
 * Family "cert", beside cert.c (user certificates) and certca.c. The
 * client side, @cert-authority in known_hosts, is hostkey.c's (khcert.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "scanner/parse/authkeys.h"
#include "scanner/parse/cert.h"
#include "scanner/parse/khcert.h"
#include "scanner/parse/match.h"

const struct ka_rule rule_cert_host_cert_no_key = {
	.id = "cert.host-cert-no-key", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a HostCertificate matches no HostKey: sshd ignores it",
	.help = "sshd pairs each HostCertificate with the HostKey whose public key it "
	    "certifies; a certificate for another key (an old key, a key of another "
	    "host) is dropped at start with \"No matching private key for "
	    "certificate\" in its log, and sshd -t does not complain. Clients that "
	    "trust this host only through @cert-authority then see a plain key and "
	    "refuse it.",
};

const struct ka_rule rule_cert_host_cert_invalid = {
	.id = "cert.host-cert-invalid", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a HostCertificate is unreadable, not a host certificate, or its "
	    "signature does not verify",
	.help = "sshd logs \"Could not load host certificate\" or \"Certificate file "
	    "is not a certificate\" and serves the plain key; a user certificate "
	    "given as HostCertificate is served, and every ssh refuses it (\"not a "
	    "host certificate\").",
};

const struct ka_rule rule_cert_host_cert_expired = {
	.id = "cert.host-cert-expired", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a HostCertificate has expired",
	.help = "ssh refuses an expired host certificate (\"Certificate invalid: "
	    "expired\") and falls back to the plain key, which clients that trust "
	    "only the CA do not know. sshd serves it regardless.",
};

const struct ka_rule rule_cert_host_cert_not_yet_valid = {
	.id = "cert.host-cert-not-yet-valid", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a HostCertificate is not valid yet",
	.help = "ssh refuses a host certificate before its valid-after time (\"not yet "
	    "valid\"): a certificate signed with a start in the future, or a clock "
	    "behind.",
};

const struct ka_rule rule_cert_host_cert_principals = {
	.id = "cert.host-cert-principals", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a HostCertificate's principals do not name the host as it is reached",
	.help = "ssh compares the name it connects to (HostName, or HostKeyAlias) with "
	    "the certificate's principals, exactly (no wildcards); a name not "
	    "listed makes it refuse the certificate (\"name is not a listed "
	    "principal\"). A certificate with no principals is valid for any name.",
};

const struct ka_rule rule_cert_host_cert_signature_algorithm = {
	.id = "cert.host-cert-signature-algorithm", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a HostCertificate is signed with an algorithm ssh refuses (ssh-rsa)",
	.help = "Since OpenSSH 8.2 ssh's default CASignatureAlgorithms leaves out ssh-rsa "
	    "(RSA with SHA-1): a certificate an RSA CA signed that way is refused "
	    "(\"Certificate signed with disallowed algorithm\"). Re-sign it with "
	    "ssh-keygen -t rsa-sha2-512.",
};

static const struct ka_rule *const rules[] = {
	&rule_cert_host_cert_no_key,
	&rule_cert_host_cert_invalid,
	&rule_cert_host_cert_expired,
	&rule_cert_host_cert_not_yet_valid,
	&rule_cert_host_cert_principals,
	&rule_cert_host_cert_signature_algorithm,
};

/* The name ssh compares with the principals: the HostName it connects to
 * (ssh_config applied: an alias is never compared), known when the host
 * was reached over ssh; else the target as named. Lower-cased, as ssh
 * compares it. */
static void
host_names(const struct ka_ctx *ctx, struct strlist *out)
{
	const struct snapshot *s = ctx->snap;
	char *name = NULL;

	if (s->net.host != NULL)
		name = xstrdup(s->net.host);
	else if (s->target != NULL && strcmp(s->target, "local") != 0 && s->target[0] != '\0') {
		const char *at = strrchr(s->target, '@');
		const char *h = at ? at + 1 : s->target;
		size_t n = h[0] == '[' ? strcspn(h + 1, "]") : strcspn(h, ":");

		name = xstrndup(h + (h[0] == '['), n);
	}
	if (name == NULL)
		return;
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	strlist_add_owned(out, name);
}

static char *
resign_fix(const struct ssh_cert *c, const char *path, const char *what)
{
	size_t n = strlen(path);
	char *key = n > 9 && strcmp(path + n - 9, "-cert.pub") == 0 ?
	    xasprintf("%.*s.pub", (int)(n - 9), path) : xstrdup("HOSTKEY.pub");
	char *q = shell_quote(key), *fix;

	fix = xasprintf("re-sign the host key %s, on the CA (%s): ssh-keygen -s CA_KEY%s "
	    "-I HOST -h -n NAMES %s, install the certificate as %s and reload sshd",
	    what, c->ca_fp ? c->ca_fp : "?", c->ca_type && strcmp(c->ca_type, "ssh-rsa") == 0 ?
	    " -t rsa-sha2-512" : "", q, path);
	free(q);
	free(key);
	return fix;
}

static void
judge_cert(struct ka_ctx *ctx, const char *path)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);
	const char *why;
	struct ssh_cert c;
	char *err = NULL, *fix;
	int64_t now = ctx->snap->collected_at;
	int w, v;

	if (f == NULL)
		return;	/* not collected: nothing known */
	if (f->type != SNAP_REG || !f->has_content) {
		why = f->type == SNAP_NOENT ? "it does not exist" : f->type != SNAP_REG ?
		    "it is not a regular file" : f->read_error ? f->read_error : "unreadable";
		ctx_finding(ctx, &rule_cert_host_cert_invalid, NULL, path, 0, "install the "
		    "host certificate there, or remove the HostCertificate line",
		    "HostCertificate %s: %s; sshd logs \"Could not load host certificate\" "
		    "and serves its plain keys only", path, why);
		return;
	}
	memset(&c, 0, sizeof(c));
	if (cert_parse_text(f->content, f->content_len, &c, &err) != 0) {
		char *e = err ? str_printable(err, strlen(err)) : xstrdup("not a certificate");

		ctx_finding(ctx, &rule_cert_host_cert_invalid, NULL, path, 1, "install the "
		    "host key's certificate (ssh-keygen -s CA -h ...) there",
		    "HostCertificate %s is not a certificate sshd can load (%s): it serves "
		    "its plain keys only", path, e);
		free(e);
		free(err);
		return;
	}
	/* -1: a signature keyaudit cannot check (sshd may well load it):
	 * judged on, without a word about the signature */
	if ((v = cert_verify(&c, &err)) == 0) {
		ctx_finding(ctx, &rule_cert_host_cert_invalid, NULL, path, 1, "re-sign it",
		    "HostCertificate %s: %s; sshd cannot load it (\"Could not load host "
		    "certificate\")", path, err ? err : "the CA's signature does not verify");
		free(err);
		cert_free(&c);
		return;
	}
	free(err);
	err = NULL;
	if (c.kind != CERT_HOST) {
		ctx_finding(ctx, &rule_cert_host_cert_invalid, NULL, path, 1,
		    "sign the host key with -h (a host certificate)",
		    "HostCertificate %s is a user certificate (key id '%s'): ssh refuses it "
		    "(\"Certificate invalid: not a host certificate\")", path, c.key_id);
		cert_free(&c);
		return;
	}
	switch (host_key_certified(ctx->snap, ctx->global, &c)) {
	case 0:
		ctx_finding(ctx, &rule_cert_host_cert_no_key, NULL, path, 1, "sign the public "
		    "key of one of the HostKey files (ssh-keygen -s CA -h ... HOSTKEY.pub), or "
		    "add the HostKey this certificate certifies",
		    "HostCertificate %s certifies %s %s, which no HostKey of sshd holds: sshd "
		    "ignores it (\"No matching private key for certificate\")", path,
		    c.key_type, c.key_fp);
		cert_free(&c);
		return;
	case -1:	/* a HostKey's public half unknown: say nothing */
	default:
		break;
	}
	if ((w = cert_validity(&c, now)) != 0) {
		char *t = cert_time(w < 0 ? c.valid_after : c.valid_before, w > 0);

		fix = resign_fix(&c, path, w < 0 ? "with a window that has begun (or fix "
		    "the clock)" : "with a new validity window");
		ctx_finding(ctx, w < 0 ? &rule_cert_host_cert_not_yet_valid :
		    &rule_cert_host_cert_expired, NULL, path, 1, fix,
		    "HostCertificate %s (key id '%s') is %s: valid %s %s, at the host's "
		    "clock when collected; ssh refuses it", path, c.key_id,
		    w < 0 ? "not yet valid" : "expired", w < 0 ? "from" : "until", t);
		free(fix);
		free(t);
	}
	if (c.principals.n > 0) {
		struct strlist names = { 0 };
		struct buf miss;

		buf_init(&miss);
		host_names(ctx, &names);
		for (size_t i = 0; i < names.n; i++)
			if (!strlist_has(&c.principals, names.v[i]))
				buf_printf(&miss, "%s%s", miss.len ? ", " : "", names.v[i]);
		if (miss.len > 0) {
			struct buf have;

			buf_init(&have);
			for (size_t i = 0; i < c.principals.n; i++) {
				char *p = str_printable(c.principals.v[i], strlen(c.principals.v[i]));
				buf_printf(&have, "%s%s", i ? "," : "", p);
				free(p);
			}
			fix = resign_fix(&c, path, "with every name clients use in -n");
			ctx_finding(ctx, &rule_cert_host_cert_principals, NULL, path, 1, fix,
			    "HostCertificate %s names %s; ssh reaching the host as %s refuses "
			    "it (\"name is not a listed principal\")", path, have.data, miss.data);
			free(fix);
			buf_free(&have);
		}
		buf_free(&miss);
		strlist_free(&names);
	}
	if (c.sig_alg == NULL || match_pattern_list(c.sig_alg, KHC_CA_SIGN_ALGS, 0) != 1) {
		fix = resign_fix(&c, path, "with a SHA-2 signature");
		ctx_finding(ctx, &rule_cert_host_cert_signature_algorithm, NULL, path, 1, fix,
		    "HostCertificate %s is signed with %s by %s %s: ssh's default "
		    "CASignatureAlgorithms refuses it (\"Certificate signed with disallowed "
		    "algorithm\")", path, c.sig_alg ? c.sig_alg : "?", c.ca_type, c.ca_fp);
		free(fix);
	}
	cert_free(&c);
}

static void
run(struct ka_ctx *ctx)
{
	const struct sshd_value *hc;

	if (!ctx->sshd_config_found || ctx->global == NULL ||
	    (hc = sshd_eff_get(ctx->global, "hostcertificate")) == NULL)
		return;
	for (size_t i = 0; i < hc->n; i++)
		if (hc->v[i][0] == '/')
			judge_cert(ctx, hc->v[i]);
}

const struct ka_check check_hostcert = {
	"cert", rules, sizeof(rules) / sizeof(rules[0]), run,
};
