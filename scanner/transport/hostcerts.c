/* hostcerts.c - see hostcerts.h. The certificate comes from the host's
 * files, not from the key exchange: what is verified is that a CA the
 * client pins signed it for the name and now, and (said in the verdict)
 * whether it certifies the very key the host proved it holds on the wire. */
#include <stdlib.h>
#include <string.h>

#include "scanner/context.h"
#include "scanner/parse/authkeys.h"
#include "scanner/parse/khcert.h"
#include "scanner/transport/hostcerts.h"

int
hostcert_pick(const struct snapshot *s, struct ssh_cert *out, char **path,
    char **why)
{
	struct ka_host_result scratch;
	struct ka_options none = { 0 };
	struct ka_ctx ctx;
	const struct sshd_value *hc;
	struct buf skipped;
	int best = -1, found = 0;

	*why = NULL;
	*path = NULL;
	host_result_init(&scratch, "hostcert");
	ctx_init(&ctx, s, &none, &scratch);
	buf_init(&skipped);
	hc = ctx.global != NULL ? sshd_eff_get(ctx.global, "hostcertificate") : NULL;
	for (size_t i = 0; hc != NULL && i < hc->n; i++) {
		const struct snap_file *f = snap_file_get(s, hc->v[i]);
		struct ssh_cert c;
		char *err = NULL;
		int r;

		if (f == NULL || f->type != SNAP_REG || !f->has_content) {
			buf_printf(&skipped, "; %s not read", hc->v[i]);
			continue;
		}
		memset(&c, 0, sizeof(c));
		if (cert_parse_text(f->content, f->content_len, &c, &err) != 0) {
			buf_printf(&skipped, "; %s is not a certificate", hc->v[i]);
			free(err);
			continue;
		}
		/* -1 (a signature keyaudit cannot check): khc_check says so */
		if ((r = cert_verify(&c, &err)) == 0 || host_key_certified(s, ctx.global, &c) == 0) {
			buf_printf(&skipped, "; %s is not loaded by sshd (%s)", hc->v[i],
			    r == 0 ? "its signature does not verify" : "it matches no HostKey");
			free(err);
			cert_free(&c);
			continue;
		}
		free(err);
		r = khc_rank(c.key_type);
		if (!found || r < best) {
			if (found)
				cert_free(out);
			*out = c;
			/* the configuration is the context's, freed below */
			free(*path);
			*path = xstrdup(hc->v[i]);
			best = r;
			found = 1;
		} else
			cert_free(&c);
	}
	if (!found)
		*why = xasprintf("sshd serves no host certificate (%s%s)",
		    hc == NULL || hc->n == 0 ? "no HostCertificate in its configuration" :
		    "none it can load", skipped.len ? skipped.data : "");
	buf_free(&skipped);
	ctx_free(&ctx);
	host_result_free(&scratch);
	return found ? 0 : -1;
}

/* Judge c (from where: for the message) for name/port at now, and set
 * net.hostcert, hostcert_path, hostcert_why (see hostcerts.h). */
static void
judge(struct snapshot *s, const struct kh_db *db, const char *name, int port,
    int64_t now, struct ssh_cert *c, char *path, const char *where)
{
	struct snap_net *n = &s->net;
	struct khc_verdict v;
	char *wire;

	n->hostcert_path = path;
	khc_check(db, name, port, c, now, &v);
	wire = n->hostkey_fp != NULL && c->key_fp != NULL &&
	    strcmp(n->hostkey_fp, c->key_fp) == 0 ? xstrdup("it certifies the key the "
	    "host presented on the wire") : xasprintf("it certifies %s %s; the host "
	    "presented %s %s on the wire", c->key_type, c->key_fp, n->hostkey_type ?
	    n->hostkey_type : "?", n->hostkey_fp ? n->hostkey_fp : "?");
	n->hostcert_why = xasprintf("%s (the host's HostCertificate %s %s, "
	    "not presented on the wire; %s)", v.why ? v.why : "?", path, where, wire);
	free(wire);
	/* A certificate for another key than the one the host proved it
	 * holds proves nothing about this connection (a copied file). */
	if (v.status == KHC_OK && (n->hostkey_fp == NULL || c->key_fp == NULL ||
	    strcmp(n->hostkey_fp, c->key_fp) != 0)) {
		n->hostcert = xstrdup("unbound");
		khc_verdict_free(&v);
		return;
	}
	switch (v.status) {
	case KHC_OK:
		n->hostcert = xstrdup("ok");
		free(n->known_hosts);
		free(n->known_hosts_where);
		n->known_hosts = xstrdup("ok");
		n->known_hosts_where = xasprintf("%s:%ld", v.file, v.line);
		break;
	case KHC_REVOKED:
		n->hostcert = xstrdup("revoked");
		break;
	default:
		n->hostcert = xstrdup("fail");
		break;
	}
	khc_verdict_free(&v);
}

static void
clear(struct snap_net *n)
{
	free(n->hostcert);
	free(n->hostcert_path);
	free(n->hostcert_why);
	n->hostcert = n->hostcert_path = n->hostcert_why = NULL;
}

void
hostcert_settle(struct snapshot *s, const struct kh_db *db, const char *name,
    int port, int64_t now)
{
	struct snap_net *n = &s->net;
	struct ssh_cert c;
	char *path = NULL, *why = NULL;

	if (db == NULL || s->net_only)
		return;
	clear(n);
	memset(&c, 0, sizeof(c));
	if (hostcert_pick(s, &c, &path, &why) != 0) {
		n->hostcert = xstrdup("missing");
		n->hostcert_why = why;
		return;
	}
	judge(s, db, name, port, now, &c, path, "as collected");
	cert_free(&c);
}

void
hostcert_settle_given(struct snapshot *s, const struct kh_db *db, const char *name,
    int port, int64_t now, const struct strlist *files, const struct strlist *texts)
{
	struct snap_net *n = &s->net;
	struct ssh_cert best, c;
	size_t pick = 0;
	int have = 0;

	if (db == NULL || texts == NULL || texts->n == 0)
		return;
	clear(n);
	memset(&best, 0, sizeof(best));
	/* ssh is shown the certificate of the key the host uses: of those
	 * given, the one certifying the key it presented */
	for (size_t i = 0; i < texts->n; i++) {
		char *err = NULL;

		memset(&c, 0, sizeof(c));
		if (cert_parse_text(texts->v[i], strlen(texts->v[i]), &c, &err) != 0) {
			free(err);
			continue;
		}
		if (!have && n->hostkey_fp != NULL && c.key_fp != NULL &&
		    strcmp(n->hostkey_fp, c.key_fp) == 0) {
			best = c;
			pick = i;
			have = 1;
		} else
			cert_free(&c);
	}
	if (!have) {
		n->hostcert = xstrdup("missing");
		n->hostcert_why = xasprintf("no --host-cert certifies the key the host "
		    "presented (%s %s)", n->hostkey_type ? n->hostkey_type : "?",
		    n->hostkey_fp ? n->hostkey_fp : "?");
		return;
	}
	judge(s, db, name, port, now, &best, xstrdup(files->v[pick]),
	    "given with --host-cert");
	cert_free(&best);
}
