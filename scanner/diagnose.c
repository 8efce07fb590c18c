/* diagnose.c - one key login, walked in the order ssh and sshd decide it.
 *
 * The client side is observed, not modelled: a real connection through the
 * scan's ssh transport offers the keys ssh would offer (identities.c), in
 * ssh's order, asks the server about each public key (PK_OK) before
 * signing, signs only where ssh could, and runs `true` in a session as
 * `ssh host true` would. What the server says decides the verdict.
 * Why the server said it comes from a view of the server (this machine, a
 * second login, a saved snapshot) checked by the engine for the one key
 * under diagnosis; the first broken link in chain order is the cause. */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "checks/check.h"
#include "scanner/parse/authlog.h"
#include "scanner/parse/cert.h"
#include "scanner/context.h"
#include "scanner/diagnose.h"
#include "scanner/engine.h"
#include "scanner/parse/inventory.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/scan.h"
#include "scanner/transport/hostcerts.h"
#include "scanner/transport/transport.h"
#include "scanner/transport/transport_ssh.h"
#include "scanner/transport/agentproxy.h"
#include "scanner/fileio.h"

#define LOG_LIMIT (64u * 1024 * 1024)
#define SESSION_OUTPUT_MAX 512
#define MAX_PROBES 8

struct diag {
	const struct diag_setup *s;
	struct client_host ch;
	struct ident_list ids;
	struct diag_facts f;
	struct snapshot conn;		/* the connection's net facts */
	const char *strict;		/* StrictHostKeyChecking as ssh -G prints it */
	/* --pubkey CERT: the certificate under diagnosis */
	struct ssh_cert cert;
	int have_cert;
	const char *cert_file;	/* where it came from (--pubkey, the client's
				 * certificate file), NULL for the agent's */
	/* probe connection */
	const struct identity *probe_key;
	int probe_answer;
	/* the one-key agent libssh signs through (agentproxy.h) */
	struct agent_proxy *proxy;
	/* the plain key diagnosed, for AuthorizedKeysCommand's %t %f %k */
	const struct ak_line *subject;
};

static int csv_has_word(const char *list, const char *w);

/* ---- the connection, as ssh makes it ------------------------------------- */

static ssh_key
import_public(const struct identity *k)
{
	ssh_key key = NULL;
	char *b64;

	if (k->blob == NULL || k->type == NULL)
		return NULL;
	b64 = base64_encode(k->blob, k->bloblen);
	if (ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(k->type), &key) != SSH_OK)
		key = NULL;
	free(b64);
	return key;
}

static void
note_local_address(struct diag *d, ssh_session ssh)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char buf[INET6_ADDRSTRLEN];
	int fd = ssh_get_fd(ssh);

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
		d->f.local_port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
		d->f.local_port = ntohs(in6->sin6_port);
	} else
		return;
	free(d->f.local_addr);
	d->f.local_addr = xstrdup(buf);
}

/* What ssh does with the host key verdict under StrictHostKeyChecking and
 * BatchMode (sshconnect.c check_host_key). 0: go on. */
static int
host_key_gate(struct diag *d, struct snapshot *s)
{
	const char *kh = s->net.known_hosts;
	const char *st = d->strict ? d->strict : "ask";
	int off = strcmp(st, "false") == 0 || strcmp(st, "no") == 0;

	if (kh == NULL || strcmp(kh, "ok") == 0)
		return 0;
	/* Pinned by @cert-authority alone: ssh would be shown the host's
	 * certificate, libssh cannot be. Go on as ssh would; the certificate
	 * is judged from the server view (hostcert_settle), and without one
	 * the host key stays unverified and blocks the verdict. */
	if (strcmp(kh, "new") == 0 && s->net.hostcert != NULL &&
	    strcmp(s->net.hostcert, "pending") == 0)
		return 0;
	if (strcmp(kh, "new") == 0) {
		if (off || strcmp(st, "accept-new") == 0 || d->s->accept_unknown)
			return 0;
		free(s->net.failure);
		free(s->net.error);
		s->net.failure = xstrdup("hostkey-unknown");
		s->net.error = xasprintf("host key %s %s for %s is not in known_hosts; ssh "
		    "(StrictHostKeyChecking %s%s) stops: Host key verification failed",
		    s->net.hostkey_type, s->net.hostkey_fp, s->net.known_hosts_name, st,
		    strcmp(st, "ask") == 0 ? ", and BatchMode cannot ask" : "");
		return -1;
	}
	if (strcmp(kh, "changed") == 0 && off)
		return 0;	/* ssh warns and goes on, without password auth */
	free(s->net.failure);
	free(s->net.error);
	s->net.failure = xstrdup(strcmp(kh, "revoked") == 0 ? "hostkey-revoked" :
	    "hostkey-changed");
	s->net.error = xasprintf("host key %s %s for %s is %s in known_hosts (%s): ssh "
	    "refuses to connect", s->net.hostkey_type, s->net.hostkey_fp,
	    s->net.known_hosts_name, strcmp(kh, "revoked") == 0 ? "marked @revoked" :
	    "different from the one", s->net.known_hosts_where ?
	    s->net.known_hosts_where : "?");
	return -1;
}

static void
set_failure(struct snapshot *s, const char *failure, char *error)
{
	free(s->net.failure);
	free(s->net.error);
	s->net.failure = xstrdup(failure);
	s->net.error = error;
}

/* `ssh host true`: exit status, or why there was none. */
static void
run_session(struct diag *d, ssh_session ssh, double deadline)
{
	ssh_channel ch = ssh_channel_new(ssh);
	struct buf out;
	char tmp[256];
	int n;

	d->f.session_tried = 1;
	d->f.session_status = -1;
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, "true") != SSH_OK) {
		d->f.session_error = xasprintf("the server closed the session: %s",
		    ssh_get_error(ssh));
		if (ch != NULL)
			ssh_channel_free(ch);
		return;
	}
	buf_init(&out);
	while (ssh_now() < deadline) {
		n = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 0, 500);
		if (n == SSH_ERROR)
			break;
		if (n == 0 && ssh_channel_is_eof(ch))
			break;
		if (n > 0 && out.len < SESSION_OUTPUT_MAX)
			buf_append(&out, tmp, (size_t)n);
		n = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 1, 0);
		if (n > 0 && out.len < SESSION_OUTPUT_MAX)
			buf_append(&out, tmp, (size_t)n);
	}
	ssh_channel_send_eof(ch);
	for (int i = 0; i < 20 && ssh_channel_get_exit_status(ch) < 0 &&
	    !ssh_channel_is_closed(ch) && ssh_now() < deadline; i++)
		(void)ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 0, 100);
	d->f.session_status = ssh_channel_get_exit_status(ch);
	if (d->f.session_status < 0)
		d->f.session_error = xstrdup("the session ended without an exit status "
		    "(the server closed it)");
	if (out.len > 0) {
		size_t len = out.len < SESSION_OUTPUT_MAX ? out.len : SESSION_OUTPUT_MAX;
		while (len > 0 && (out.data[len - 1] == '\n' || out.data[len - 1] == '\r'))
			len--;
		d->f.session_output = str_printable(out.data, len);
	}
	buf_free(&out);
	ssh_channel_close(ch);
	ssh_channel_free(ch);
}

/* Can ssh sign for this key, once the server said it would accept it? A
 * certificate is signed by its signer (identities.c resolve_signers), or
 * by the private key ssh loads from its own path. */
static int
can_sign(const struct diag *d, const struct identity *k)
{
	if (k->is_cert && k->signer >= 0 && (size_t)k->signer < d->ids.n)
		return can_sign(d, &d->ids.v[k->signer]);
	if (k->source != IDENT_FILE)
		return 1;
	return !(k->bad_mode || k->unreadable || k->missing || k->pub_mismatch ||
	    k->encrypted || k->cert_mismatch || k->cert_no_key);
}

/* Through the agent, one identity at a time: libssh is given the proxy as
 * its agent, listing only `offer` and signing with `with`. */
static int
sign_agent(struct diag *d, ssh_session ssh, const struct identity *offer,
    const struct identity *with)
{
	if (d->proxy == NULL) {
		int fd;

		if ((d->proxy = agent_proxy_start(d->ids.agent_path, &fd)) == NULL)
			return SSH_AUTH_DENIED;
		if (ssh_set_agent_socket(ssh, fd) != SSH_OK) {
			close(fd);
			return SSH_AUTH_DENIED;
		}
	}
	agent_proxy_set(d->proxy, offer->blob, offer->bloblen, with->blob, with->bloblen);
	return ssh_userauth_agent(ssh, NULL);
}

/* A private key file, with the certificate attached when there is one
 * (libssh offers the certificate and signs with the key). */
static int
sign_file(ssh_session ssh, const char *path, const struct identity *cert)
{
	ssh_key priv = NULL, c = NULL;
	int rc = SSH_AUTH_DENIED;

	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &priv) != SSH_OK)
		return SSH_AUTH_DENIED;
	if (cert != NULL) {
		char *b64 = base64_encode(cert->blob, cert->bloblen);

		if (ssh_pki_import_cert_base64(b64, ssh_key_type_from_name(cert->type),
		    &c) != SSH_OK || ssh_pki_copy_cert_to_privkey(c, priv) != SSH_OK) {
			free(b64);
			goto out;
		}
		free(b64);
	}
	rc = ssh_userauth_publickey(ssh, NULL, priv);
 out:
	ssh_key_free(c);
	ssh_key_free(priv);
	return rc;
}

static int
sign_in(struct diag *d, ssh_session ssh, const struct identity *k)
{
	const struct identity *s = k;

	if (k->is_cert && k->signer >= 0 && (size_t)k->signer < d->ids.n)
		s = &d->ids.v[k->signer];
	if (s->source != IDENT_FILE)
		return sign_agent(d, ssh, k, s);
	return sign_file(ssh, s->path, k->is_cert ? k : NULL);
}

/*
 * The signature algorithm of an RSA key or certificate, as ssh picks it
 * (sshconnect2.c key_sig_algorithm): the first entry of the client's
 * PubkeyAcceptedAlgorithms of the key's type whose signature algorithm the
 * server lists in server-sig-algs. libssh 0.10 picks SHA-512, then SHA-256,
 * when the plain names rsa-sha2-512 / rsa-sha2-256 are in its accepted list
 * (for certificates too), so a list that names only the certificate
 * algorithms gets the plain names of those added. Only when ssh_config sets
 * the list: libssh's default is ssh's.
 */
static void
client_algorithms(struct diag *d, ssh_session ssh)
{
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256" };
	char *list, *more;

	if (d->ch.pubkey_accepted_algorithms == NULL)
		return;
	list = ident_effective_algs(d->ch.pubkey_accepted_algorithms);
	for (size_t i = 0; i < KA_ARRLEN(rsa); i++) {
		char *cert = xasprintf("%s-cert-v01@openssh.com", rsa[i]);

		if (csv_has_word(list, cert) && !csv_has_word(list, rsa[i])) {
			more = xasprintf("%s,%s", list, rsa[i]);
			free(list);
			list = more;
		}
		free(cert);
	}
	(void)ssh_options_set(ssh, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, list);
	free(list);
}

static void
hook_as_ssh(void *arg, ssh_session ssh, struct snapshot *s, double deadline)
{
	struct diag *d = arg;
	const char *why = NULL;
	int rc, methods;

	note_local_address(d, ssh);
	if (host_key_gate(d, s) != 0)
		return;
	if (d->f.pubkey_blocked) {
		set_failure(s, "key-refused", xstrdup("ssh_config keeps ssh from trying "
		    "publickey authentication"));
		return;
	}
	client_algorithms(d, ssh);
	rc = ssh_userauth_none(ssh, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		d->f.reached_auth = 1;
		d->f.publickey_offered = 1;
		run_session(d, ssh, deadline);
		return;
	}
	if (rc == SSH_AUTH_ERROR) {
		set_failure(s, ssh_now() < deadline ? "error" : "timeout",
		    xasprintf("authentication failed: %s", ssh_get_error(ssh)));
		return;
	}
	d->f.reached_auth = 1;
	methods = ssh_userauth_list(ssh, NULL);
	s->net.auth_known = 1;
	if (methods & SSH_AUTH_METHOD_PUBLICKEY)
		strlist_add(&s->net.auth_methods, "publickey");
	if (methods & SSH_AUTH_METHOD_PASSWORD)
		strlist_add(&s->net.auth_methods, "password");
	if (methods & SSH_AUTH_METHOD_INTERACTIVE)
		strlist_add(&s->net.auth_methods, "keyboard-interactive");
	if (!(methods & SSH_AUTH_METHOD_PUBLICKEY)) {
		set_failure(s, "no-publickey", xasprintf("the server does not offer "
		    "publickey authentication to %s", d->ch.user));
		return;
	}
	d->f.publickey_offered = 1;
	s->net.login_user = xstrdup(d->ch.user);
	for (size_t i = 0; i < d->ids.n; i++) {
		const struct identity *k = &d->ids.v[i];
		struct diag_try *t = &d->f.tries[i];
		ssh_key pub;

		if (k->skip != NULL || k->blob == NULL) {
			t->result = TRY_SKIPPED;
			continue;
		}
		if (ssh_now() >= deadline)
			break;
		if ((pub = import_public(k)) == NULL) {
			t->result = TRY_SKIPPED;
			t->note = xstrdup("libssh cannot use this key type");
			d->f.untried++;
			continue;
		}
		rc = ssh_userauth_try_publickey(ssh, NULL, pub);
		ssh_key_free(pub);
		/* libssh refuses some types itself, without asking the server
		 * (Debian's 0.10 is built without DSA): not an offer */
		if (rc == SSH_AUTH_DENIED && ssh_is_connected(ssh) &&
		    (strstr(ssh_get_error(ssh), "PUBLICKEY_ACCEPTED_TYPES") != NULL ||
		    strstr(ssh_get_error(ssh), "Invalid key type") != NULL)) {
			t->result = TRY_SKIPPED;
			t->note = xasprintf("libssh (keyaudit's SSH library) will not "
			    "offer %s keys", k->type ? k->type : "these");
			d->f.untried++;
			continue;
		}
		d->f.offered++;
		/* libssh can report success for the disconnect sshd sends at
		 * MaxAuthTries: a closed session is a hang-up, whatever rc says. */
		if (!ssh_is_connected(ssh))
			rc = SSH_AUTH_ERROR;
		if (rc == SSH_AUTH_ERROR) {
			t->result = TRY_HUNG_UP;
			d->f.hung_up = 1;
			t->note = str_printable(ssh_get_error(ssh), strlen(ssh_get_error(ssh)));
			break;
		}
		if (rc == SSH_AUTH_DENIED) {
			t->result = TRY_REFUSED;
			continue;
		}
		if (rc == SSH_AUTH_PARTIAL) {
			t->result = TRY_PARTIAL;
			break;
		}
		if (d->f.pk_ok < 0)
			d->f.pk_ok = (long)i;
		if (!can_sign(d, k)) {
			t->result = TRY_PK_OK;
			continue;
		}
		rc = sign_in(d, ssh, k);
		if (!ssh_is_connected(ssh))
			rc = SSH_AUTH_ERROR;
		if (rc == SSH_AUTH_SUCCESS) {
			t->result = TRY_ACCEPTED;
			d->f.accepted = (long)i;
			break;
		}
		if (rc == SSH_AUTH_PARTIAL) {
			t->result = TRY_PARTIAL;
			break;
		}
		if (rc == SSH_AUTH_ERROR) {
			/* The server took the key and the signature, then closed:
			 * not MaxAuthTries (that ends an offer) but what sshd does
			 * when PAM's account phase refuses (fatal "Access denied
			 * for user U by PAM account configuration"). */
			t->result = TRY_SIGNED_REFUSED;
			t->note = xstrdup("the server closed the connection after the "
			    "signature (sshd does when PAM's account phase refuses)");
			d->f.closed_after_sign = 1;
			break;
		}
		t->result = TRY_SIGNED_REFUSED;
	}
	if (d->f.accepted >= 0) {
		const struct identity *w = &d->ids.v[d->f.accepted];

		s->net.login_with = xstrdup(w->cert_path ? w->cert_path : w->path ?
		    w->path : "agent");
		run_session(d, ssh, deadline);
		if (d->f.session_status != 0)
			set_failure(s, "session-failed", d->f.session_error ?
			    xstrdup(d->f.session_error) : xasprintf("the key was accepted, "
			    "but `true` exited with status %d%s%s%s", d->f.session_status,
			    d->f.session_output ? " and printed \"" : "",
			    d->f.session_output ? d->f.session_output : "",
			    d->f.session_output ? "\"" : ""));
		return;
	}
	for (size_t i = 0; i < d->ids.n; i++)
		if (d->f.tries[i].result == TRY_PARTIAL)
			why = "the key was accepted, but the server wants another method "
			    "too (partial success), which BatchMode cannot give";
	if (why == NULL && d->f.hung_up)
		why = "the server disconnected while keys were offered (too many "
		    "authentication failures)";
	if (why == NULL && d->f.closed_after_sign)
		why = "the server accepted the key and its signature, then closed the "
		    "connection: sshd does so when PAM's account phase refuses the user "
		    "(UsePAM yes), or when a refusal after the signature (PermitRootLogin) "
		    "was one too many (MaxAuthTries)";
	if (why == NULL && d->f.offered == 0 && d->f.untried > 0)
		why = "keyaudit could not offer the key: libssh, the SSH library it "
		    "uses, will not use this key type, so the server was not asked "
		    "(ssh -v shows what ssh itself does)";
	set_failure(s, "key-refused", why ? xstrdup(why) : d->f.pk_ok >= 0 ?
	    xasprintf("the server would accept %s, but ssh cannot sign with it, and "
	    "every other key ssh offered was refused", d->ids.v[d->f.pk_ok].fp) :
	    xasprintf("the server refused every key ssh offered (%zu)", d->f.offered));
}

/* A second connection asking about one key only: would the server take it? */
static void
hook_probe(void *arg, ssh_session ssh, struct snapshot *s, double deadline)
{
	struct diag *d = arg;
	ssh_key pub;
	int rc;

	(void)s;
	(void)deadline;
	d->probe_answer = -1;
	if (ssh_userauth_none(ssh, NULL) == SSH_AUTH_ERROR)
		return;
	if ((pub = import_public(d->probe_key)) == NULL)
		return;
	rc = ssh_userauth_try_publickey(ssh, NULL, pub);
	ssh_key_free(pub);
	if (!ssh_is_connected(ssh))
		rc = SSH_AUTH_ERROR;
	d->probe_answer = rc == SSH_AUTH_SUCCESS ? 1 : rc == SSH_AUTH_DENIED ? 0 : -1;
}

/* A host key finding that stops ssh: the login keyaudit made past a host
 * pinned only by @cert-authority (whose certificate libssh cannot be
 * shown) does not make the verdict ok when the certificate fails. */
static int
hostkey_blocks(const struct ka_host_result *hr)
{
	for (size_t i = 0; i < hr->nfindings; i++)
		if (hr->findings[i].blocks_login &&
		    strncmp(hr->findings[i].rule->id, "hostkey.", 8) == 0)
			return 1;
	return 0;
}

static void
target_of(struct diag *d, struct ssh_target *tg, const char *name, struct strlist *ids)
{
	memset(tg, 0, sizeof(*tg));
	tg->name = name;
	tg->host = d->ch.hostname;
	tg->port = d->ch.port;
	tg->user = d->ch.user;
	tg->proxy_command = d->ch.proxy_command;
	tg->proxy_jump = d->ch.proxy_jump;
	tg->kh_name = d->ch.host_key_alias;
	tg->identities = ids;
	tg->identities_only = d->ch.identities_only;
	tg->connect_timeout = d->ch.connect_timeout;
	tg->ssh_config = d->s->sshconf_file;
	tg->cli_identities = d->s->identities;
}

static int
probe(struct diag *d, const struct identity *k, const struct kh_db *kh)
{
	struct ssh_target tg;
	struct ssh_scan_opts so;
	struct snapshot snap;
	struct strlist none = { 0 };

	target_of(d, &tg, "probe", &none);
	memset(&so, 0, sizeof(so));
	so.timeout = d->s->timeout;
	so.accept_unknown = 1;
	so.known_hosts = kh;
	so.session_hook = hook_probe;
	so.hook_arg = d;
	d->probe_key = k;
	d->probe_answer = -1;
	snapshot_init(&snap);
	ssh_scan(&tg, &so, &snap);
	snapshot_free(&snap);
	return d->probe_answer;
}

/* ---- inputs --------------------------------------------------------------- */

/* The server as a snapshot: this machine, a second login, or a file. */
static int
server_view(struct diag *d, const char *user, struct snapshot *out, char **err)
{
	const struct diag_setup *s = d->s;
	struct strlist users = { 0 };
	struct collect_opts co;
	int rc = 0;

	memset(&co, 0, sizeof(co));
	strlist_add(&users, user);
	co.users = &users;
	co.root = s->root;
	/* this machine's own AuthorizedKeysCommand, given the key diagnosed */
	if (s->view == VIEW_LOCAL && s->root == NULL && s->run_keys_command) {
		co.run_keys_command = 1;
		co.keys_command_key = d->subject;
	}
	co.sshd_config = s->sshd_config;
	co.from_addr = s->from ? s->from : d->f.local_addr;
	snapshot_init(out);
	switch (s->view) {
	case VIEW_LOCAL:
		rc = transport_local.collect("local", &co, out, err);
		break;
	case VIEW_SNAPSHOT:
		rc = transport_file.collect(s->server_snapshot, &co, out, err);
		if (rc == 0 && !strlist_has(&out->users, user)) {
			*err = xasprintf("%s: the snapshot holds no account %s (collect it "
			    "with --user %s)", s->server_snapshot, user, user);
			rc = -1;
		}
		break;
	case VIEW_VIA: {
		struct target_list tl = { 0 };
		struct target t;
		struct scan_setup ss;
		struct ka_options ko;
		struct clientconf *cc;
		const char *files[1] = { s->sshconf_file };

		if (target_parse(s->via, "--via", &t, err) != 0) {
			rc = -1;
			break;
		}
		tl.v = &t;
		tl.n = 1;
		cc = clientconf_load(s->sshconf_file ? files : NULL, s->sshconf_file ? 1 : 0,
		    s->home, s->local_user, &clientconf_io_fs, err);
		if (cc == NULL) {
			target_free(&t);
			rc = -1;
			break;
		}
		memset(&ss, 0, sizeof(ss));
		memset(&ko, 0, sizeof(ko));
		ss.targets = &tl;
		ss.collect = &co;
		ss.checks = &ko;
		ss.sshconf = cc;
		ss.sshconf_file = s->sshconf_file;
		ss.identities = s->via_identities;
		ss.known_hosts = s->known_hosts;
		ss.timeout = s->timeout;
		ss.accept_unknown = s->accept_unknown;
		ss.sudo = s->sudo;
		ss.local_user = s->local_user;
		ss.home = s->home;
		rc = scan_collect(&ss, out, err);
		if (rc != 0) {
			char *e = xasprintf("--via %s: %s", s->via, *err);
			free(*err);
			*err = e;
		}
		clientconf_free(cc);
		target_free(&t);
		break;
	}
	default:
		break;
	}
	strlist_free(&users);
	return rc;
}

/* --pubkey KEY-cert.pub, or the certificate ssh got furthest with: parse
 * the certificate (text is its file, src names it) and make l its
 * certified key as a plain key line. 1, or -1 with *err. */
static int
cert_subject(struct diag *d, const char *src, const char *text, size_t len,
    struct ak_line *l, char **desc, char **err)
{
	char *e = NULL, *line, *b64, *id;

	ak_line_free(l);
	if (cert_parse_text(text ? text : "", len, &d->cert, &e) != 0) {
		*err = xasprintf("--pubkey %s: not a certificate sshd can read: %s",
		    src, e ? e : "?");
		free(e);
		return -1;
	}
	d->have_cert = 1;
	b64 = base64_encode(d->cert.key_blob, d->cert.key_bloblen);
	line = xasprintf("%s %s", d->cert.key_type, b64);
	ak_parse_line(line, strlen(line), 0, l);
	free(line);
	free(b64);
	if (l->status != AK_KEY) {
		*err = xasprintf("--pubkey %s: the certified key cannot be read%s%s",
		    src, l->error ? ": " : "", l->error ? l->error : "");
		ak_line_free(l);
		return -1;
	}
	id = str_printable(d->cert.key_id, strlen(d->cert.key_id));
	*desc = xasprintf("%s certificate \"%s\" serial %llu of key %s, CA %s (%s)",
	    d->cert.type, id, (unsigned long long)d->cert.serial, d->cert.key_fp,
	    d->cert.ca_fp, src);
	free(id);
	return 1;
}

/* The key whose login is explained, as an authorized_keys line. */
static int
subject_line(struct diag *d, struct ak_line *l, char **desc, char **err)
{
	const struct identity *k = NULL;
	char *line;

	memset(l, 0, sizeof(*l));
	if (d->s->pubkey != NULL) {
		struct buf b;
		char *e = NULL;

		buf_init(&b);
		if (read_file_bounded(d->s->pubkey, 1024 * 1024, &b, &e) != 0) {
			*err = xasprintf("--pubkey %s", e ? e : "cannot be read");
			free(e);
			buf_free(&b);
			return -1;
		}
		ak_parse_line(b.data ? b.data : "", b.len, 1, l);
		if (l->status != AK_KEY && l->is_cert) {
			/* a certificate: the subject is its certified key (what
			 * sshd's log names), the certificate goes to cert.c */
			int rc = cert_subject(d, d->s->pubkey, b.data, b.len, l, desc,
			    err);

			d->cert_file = d->s->pubkey;

			buf_free(&b);
			return rc;
		}
		buf_free(&b);
		if (l->status != AK_KEY) {
			*err = xasprintf("--pubkey %s: line 1: expected a public key "
			    "(\"ssh-ed25519 AAAA... comment\")%s%s", d->s->pubkey,
			    l->error ? ": " : "", l->error ? l->error : "");
			ak_line_free(l);
			return -1;
		}
		*desc = xasprintf("%s %s (%s)", l->blob_type, l->fp, d->s->pubkey);
		return 1;
	}
	if (d->f.accepted >= 0)
		k = &d->ids.v[d->f.accepted];
	else if (d->f.pk_ok >= 0)
		k = &d->ids.v[d->f.pk_ok];
	/* Nothing got further than a refusal: a certificate is the credential
	 * its owner meant (ssh offers the plain key beside it first). */
	for (size_t i = 0; k == NULL && i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && d->ids.v[i].is_cert &&
		    d->ids.v[i].skip == NULL && strcmp(d->ids.v[i].origin, "-i") == 0)
			k = &d->ids.v[i];
	for (size_t i = 0; k == NULL && i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && strcmp(d->ids.v[i].origin, "-i") == 0)
			k = &d->ids.v[i];
	for (size_t i = 0; k == NULL && i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && d->ids.v[i].is_cert &&
		    d->ids.v[i].skip == NULL)
			k = &d->ids.v[i];
	for (size_t i = 0; k == NULL && i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && d->ids.v[i].skip == NULL)
			k = &d->ids.v[i];
	for (size_t i = 0; k == NULL && i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL)
			k = &d->ids.v[i];
	if (k == NULL)
		return 0;
	{
		char *b64 = base64_encode(k->blob, k->bloblen);
		line = xasprintf("%s %s", k->type, b64);
		free(b64);
	}
	if (k->is_cert) {
		/* as with --pubkey CERT: the subject is the certified key, the
		 * certificate goes to cert.c (the server view's certificate path) */
		const char *src = k->cert_path ? k->cert_path : "the agent's certificate";
		char *e = NULL;
		int rc = cert_subject(d, src, line, strlen(line), l, desc, &e);

		free(line);
		if (rc < 0) {
			free(e);
			return 0;
		}
		d->cert_file = k->cert_path;
		return 1;
	}
	ak_parse_line(line, strlen(line), 0, l);
	free(line);
	if (l->status != AK_KEY) {
		ak_line_free(l);
		return 0;
	}
	*desc = xasprintf("%s %s (%s)", k->type, k->fp, k->cert_path ? k->cert_path :
	    k->path ? k->path : k->comment ? k->comment : "agent");
	return 1;
}

/* ---- the cause ------------------------------------------------------------ */

/* Where a finding sits in the chain ssh and sshd walk (ka_rule.chain): a
 * blocking finding earlier in it breaks the login before a later one
 * matters; rules outside the chain come last. */
static int
chain_rank(const struct ka_rule *r)
{
	return r->chain > 0 ? r->chain : 1 << 29;
}

static long
decide(const struct ka_host_result *hr, int after_session)
{
	long best = -1;
	int rank = 1 << 30;

	for (size_t i = 0; i < hr->nfindings; i++) {
		const struct ka_finding *f = &hr->findings[i];
		int r;

		/* ForceCommand and friends only count when the session failed. */
		if (!f->blocks_login && !(after_session &&
		    (f->rule == &rule_sshd_force_command || f->rule == &rule_account_nologin)))
			continue;
		r = chain_rank(f->rule);
		if (r < rank) {
			rank = r;
			best = (long)i;
		}
	}
	return best;
}

/* ---- the story ------------------------------------------------------------ */

static void
step(struct diag_result *r, int i, const char *name, enum diag_status st, char *summary)
{
	r->steps[i].name = name;
	r->steps[i].status = st;
	r->steps[i].summary = summary;
}

static int
has_blocking(const struct ka_host_result *hr, const char *prefix)
{
	for (size_t i = 0; i < hr->nfindings; i++)
		if (hr->findings[i].blocks_login &&
		    strncmp(hr->findings[i].rule->id, prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}

static void
tell(struct diag *d, struct diag_result *r, int connected, int server)
{
	const struct snap_net *n = &d->conn.net;
	const struct ka_host_result *hr = &r->hr;
	const char *fail = n->failure;
	int net_bad = fail && scan_status(&d->conn) == HOST_UNREACHABLE;
	int hk_bad = fail && strncmp(fail, "hostkey-", 8) == 0;
	size_t offerable = 0;

	for (size_t i = 0; i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && d->ids.v[i].skip == NULL)
			offerable++;
	if (!connected) {
		for (int i = 0; i < 5; i++)
			step(r, i, i == 0 ? "client" : i == 1 ? "network" : i == 2 ?
			    "hostkey" : i == 3 ? "methods" : "key", STEP_SKIP,
			    xstrdup("no connection was made"));
		goto server;
	}
	step(r, 0, "client", has_blocking(hr, "client.") ? STEP_FAIL : STEP_PASS,
	    xasprintf("%zu key%s ssh would offer%s%s", offerable, offerable == 1 ? "" : "s",
	    d->ids.agent_used ? " (the agent was asked)" : "",
	    d->f.pubkey_blocked ? "; ssh_config turns publickey off" : ""));
	{
		step(r, 1, "network", net_bad ? STEP_FAIL : STEP_PASS, net_bad ?
		    xstrdup(n->error ? n->error : fail) : xasprintf("%s port %d: %s",
		    n->address ? n->address : "?", n->port, n->banner ? n->banner : "SSH"));
		if (net_bad)
			step(r, 2, "hostkey", STEP_SKIP, NULL);
		else
			step(r, 2, "hostkey", hk_bad || has_blocking(hr, "hostkey.") ?
			    STEP_FAIL : STEP_PASS, hk_bad ?
			    xstrdup(n->error) : xasprintf("%s %s: known_hosts says %s%s%s%s",
			    n->hostkey_type ? n->hostkey_type : "?", n->hostkey_fp ?
			    n->hostkey_fp : "?", n->known_hosts ? n->known_hosts : "?",
			    n->hostcert ? "; @cert-authority: host certificate " : "",
			    n->hostcert ? (strcmp(n->hostcert, "pending") == 0 ?
			    "not verified" : n->hostcert) : "", n->hostcert &&
			    strcmp(n->hostcert, "pending") != 0 ? " (the host's HostCertificate "
			    "file as collected)" : ""));
		if (!d->f.reached_auth)
			step(r, 3, "methods", STEP_SKIP, NULL);
		else
			step(r, 3, "methods", d->f.publickey_offered ? STEP_PASS : STEP_FAIL,
			    d->f.publickey_offered ? xstrdup("the server offers publickey") :
			    xstrdup("the server does not offer publickey"));
		if (!d->f.publickey_offered || d->f.pubkey_blocked)
			step(r, 4, "key", STEP_SKIP, NULL);
		else if (d->f.accepted >= 0)
			step(r, 4, "key", STEP_PASS, xasprintf("%s%s accepted",
			    d->ids.v[d->f.accepted].fp, d->ids.v[d->f.accepted].is_cert ?
			    " (certificate)" : ""));
		else
			step(r, 4, "key", STEP_FAIL, xasprintf("%zu offered, %s",
			    d->f.offered, d->f.closed_after_sign ? "the server took one and "
			    "its signature, then closed the connection" : d->f.pk_ok >= 0 ?
			    "one the server would accept could not be signed" :
			    d->f.hung_up ? "the server hung up" :
			    "none accepted"));
	}
server:
	if (!server)
		step(r, 5, "server", STEP_SKIP, xstrdup("no view of the server (--local, "
		    "--via, --server-snapshot)"));
	else {
		int bad = 0;
		for (size_t i = 0; i < hr->nfindings; i++) {
			const char *id = hr->findings[i].rule->id;
			if (hr->findings[i].blocks_login && strncmp(id, "client.", 7) != 0 &&
			    strncmp(id, "net.", 4) != 0 && strncmp(id, "hostkey.", 8) != 0)
				bad = 1;
		}
		const char *what = r->any_key ? "the keys the account's files list" :
		    "this key";
		/* an AuthorizedKeysCommand keyaudit did not run: what it
		 * prints decides (sshd.keys-command says so) */
		const char *open = "";

		for (size_t i = 0; i < hr->nfindings; i++)
			if (hr->findings[i].rule == &rule_sshd_keys_command &&
			    strstr(hr->findings[i].message, "did not run") != NULL)
				open = "; where no file lists it, the AuthorizedKeysCommand "
				    "keyaudit did not run decides (--run-keys-command)";
		step(r, 5, "server", bad ? STEP_FAIL : STEP_PASS, bad ?
		    xasprintf("sshd's configuration or the account refuses %s", what) :
		    xasprintf("nothing in sshd's order refuses %s%s", what, open));
	}
	if (d->f.session_tried)
		step(r, 6, "session", d->f.session_status == 0 ? STEP_PASS : STEP_FAIL,
		    d->f.session_status == 0 ? xstrdup("`true` ran, exit 0") :
		    xstrdup(n->error ? n->error : "failed"));
	else
		step(r, 6, "session", STEP_SKIP, NULL);
}

/* sshd's own lines for this attempt, from --auth-log or the usual files. */
static void
quote_log(struct diag *d, struct diag_result *r, const char *user, const char *fp)
{
	static const char *const defaults[] = { "/var/log/auth.log", "/var/log/secure" };
	const struct strlist *given = d->s->auth_logs;
	struct authlog_query q;

	memset(&q, 0, sizeof(q));
	q.user = user;
	q.addr = d->f.local_port ? d->f.local_addr : NULL;
	q.port = d->f.local_port;
	q.fp = fp;
	q.since = d->f.t_start - 2;
	q.until = d->f.t_end + 2;
	q.now = d->f.t_end;
	q.zone = local_zone;
	for (size_t i = 0; i < (given && given->n ? given->n : KA_ARRLEN(defaults)); i++) {
		const char *path = given && given->n ? given->v[i] : defaults[i];
		struct buf b;
		char *e = NULL;

		if (!(given && given->n) && d->s->view != VIEW_LOCAL)
			break;
		buf_init(&b);
		if (read_file_bounded(path, LOG_LIMIT, &b, &e) == 0 &&
		    authlog_attempt(b.data ? b.data : "", b.len, &q, &r->log) > 0) {
			r->log_source = xstrdup(path);
			buf_free(&b);
			free(e);
			break;
		}
		free(e);
		buf_free(&b);
	}
}

/* ---- the walk ------------------------------------------------------------- */

static void
facts_init(struct diag_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->accepted = f->pk_ok = f->hidden_ok = f->late_ok = -1;
	f->session_status = -1;
}

static int
csv_has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; p && *p; ) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncasecmp(p, w, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int
offered_elsewhere(const struct diag *d, const struct identity *h)
{
	for (size_t i = 0; i < d->ids.n; i++)
		if (d->ids.v[i].blob != NULL && d->ids.v[i].bloblen == h->bloblen &&
		    memcmp(d->ids.v[i].blob, h->blob, h->bloblen) == 0)
			return 1;
	return 0;
}

static void
probe_unreached(struct diag *d, const struct kh_db *kh)
{
	int probes = 0;

	/* Keys ssh never got to, or never offered: would the server take them? */
	for (size_t i = 0; i < d->ids.n && probes < MAX_PROBES; i++) {
		struct diag_try *t = &d->f.tries[i];

		if (d->ids.v[i].blob == NULL || (t->result != TRY_NOT_REACHED &&
		    t->result != TRY_SKIPPED && t->result != TRY_HUNG_UP))
			continue;
		t->probe = probe(d, &d->ids.v[i], kh);
		probes++;
		if (t->probe == 1 && d->f.hung_up && d->f.late_ok < 0 &&
		    t->result != TRY_SKIPPED)
			d->f.late_ok = (long)i;
	}
	for (size_t i = 0; i < d->ids.nhidden && probes < MAX_PROBES; i++) {
		/* the same certificate from a CertificateFile is offered: what
		 * IdentitiesOnly hid there is the agent's key, not the cert */
		if (offered_elsewhere(d, &d->ids.hidden[i]))
			continue;
		probes++;
		if (probe(d, &d->ids.hidden[i], kh) == 1 && d->f.hidden_ok < 0) {
			d->f.hidden_ok = (long)i;
			d->f.hidden_fp = xstrdup(d->ids.hidden[i].fp);
		}
	}
}

static struct ka_finding *
add_rule_finding(struct ka_host_result *hr, const struct ka_rule *rule,
    const char *path, const char *fix, char *msg)
{
	struct ka_finding *f = finding_add(hr, rule, NULL, path, 0, fix, "%s", msg);

	free(msg);
	return f;
}

int
diagnose_run(const struct diag_setup *s, struct diag_result *r, char **err)
{
	struct diag d;
	struct target t;
	struct clientconf *cc = NULL;
	struct kh_db *kh = NULL;
	struct snapshot srv, *checked;
	struct ka_options ko;
	struct ak_line subj;
	const char *files[1] = { s->sshconf_file };
	const char *user;
	int have_subject = 0, have_server = 0, connected = 0, rc = -1;
	char *key_desc = NULL;

	*err = NULL;
	memset(r, 0, sizeof(*r));
	memset(&d, 0, sizeof(d));
	memset(&t, 0, sizeof(t));
	memset(&subj, 0, sizeof(subj));
	r->cause = -1;
	d.s = s;
	facts_init(&d.f);
	snapshot_init(&d.conn);
	snapshot_init(&srv);

	if (s->target == NULL) {
		/* --local alone: what sshd would do, predicted from its files. */
		user = s->user ? s->user : s->local_user;
		if ((have_subject = subject_line(&d, &subj, &key_desc, err)) < 0)
			goto out;
		d.subject = have_subject && !d.have_cert && subj.status == AK_KEY ? &subj : NULL;
		if (server_view(&d, user, &srv, err) != 0)
			goto out;
		have_server = 1;
		memset(&ko, 0, sizeof(ko));
		ko.from_addr = s->from;
		ko.policy = s->policy;
		ko.subject = have_subject ? &subj : NULL;
		ko.subject_cert = d.have_cert ? &d.cert : NULL;
		ko.subject_cert_file = d.have_cert ? d.cert_file : NULL;
		host_result_init(&r->hr, "local");
		engine_check_snapshot(&srv, &ko, &r->hr);
		r->target = xstrdup("local");
		r->user = xstrdup(user);
		r->key_desc = key_desc;
		key_desc = NULL;
		r->predicted = 1;
		r->any_key = !have_subject;
		r->cause = decide(&r->hr, 0);
		r->verdict = r->cause >= 0 ? "refused" : "ok";
		tell(&d, r, 0, 1);
		d.f.t_start = d.f.t_end = (int64_t)time(NULL) - 3600;
		rc = 0;
		goto out;
	}

	if (target_parse(s->target, "argument", &t, err) != 0 || t.host == NULL) {
		if (*err == NULL)
			*err = xstrdup("diagnose needs a remote target ([user@]host[:port]); "
			    "for this machine alone use --local");
		goto out;
	}
	r->target = xstrdup(t.name);
	host_result_init(&r->hr, t.name);
	cc = clientconf_load(s->sshconf_file ? files : NULL, s->sshconf_file ? 1 : 0,
	    s->home, s->local_user, &clientconf_io_fs, err);
	if (cc == NULL) {
		if (*err != NULL && strstr(*err, "Bad owner or permissions") != NULL) {
			/* ssh stops here too, before connecting. */
			char *path = NULL, *p = strstr(*err, "permissions on ");
			struct ka_finding *f;

			if (p != NULL) {
				p += strlen("permissions on ");
				path = xstrndup(p, strcspn(p, " "));
			}
			f = add_rule_finding(&r->hr, &rule_client_config_perms, path, NULL,
			    xasprintf("%s: ssh stops before connecting anywhere", *err));
			if (path != NULL && remedy_word_ok(s->local_user)) {
				remedy_run(&f->remedy, ACT_CLIENT, 0, "chown", s->local_user,
				    path, NULL);
				remedy_run(&f->remedy, ACT_CLIENT, 0, "chmod", "600", path, NULL);
			}
			free(path);
			free(*err);
			*err = NULL;
			r->user = xstrdup(t.user ? t.user : s->login ? s->login : s->local_user);
			r->verdict = "refused";
			r->cause = 0;
			step(r, 0, "client", STEP_FAIL, xstrdup("ssh cannot read its configuration"));
			for (int i = 1; i < DIAG_STEPS; i++)
				step(r, i, i == 1 ? "network" : i == 2 ? "hostkey" : i == 3 ?
				    "methods" : i == 4 ? "key" : i == 5 ? "server" : "session",
				    STEP_SKIP, NULL);
			rc = 0;
		}
		goto out;
	}
	if (clientconf_resolve(cc, t.host, t.user ? t.user : s->login,
	    t.port ? t.port : s->port, &d.ch, err) != 0)
		goto out;
	user = d.ch.user;
	r->user = xstrdup(user);
	d.strict = d.ch.strict_host_key_checking;
	if (s->accept_unknown)
		d.strict = "accept-new";
	identities_build(&d.ch, s->identities, NULL, s->timeout * 1000 / 4 + 500, &d.ids);
	d.f.ch = &d.ch;
	d.f.ids = &d.ids;
	d.f.tries = xcalloc(d.ids.n + 1, sizeof(*d.f.tries));
	for (size_t i = 0; i < d.ids.n; i++)
		d.f.tries[i].probe = -1;
	if ((d.ch.pubkey_authentication != NULL &&
	    (strcasecmp(d.ch.pubkey_authentication, "no") == 0 ||
	    strcasecmp(d.ch.pubkey_authentication, "false") == 0)) ||
	    (d.ch.preferred_authentications != NULL &&
	    !csv_has_word(d.ch.preferred_authentications, "publickey")))
		d.f.pubkey_blocked = 1;
	{
		struct strlist khfiles = { 0 };
		char *e = NULL;

		scan_known_hosts_files(&d.ch, s->known_hosts, &khfiles);
		kh = scan_load_known_hosts(&khfiles, s->known_hosts != NULL &&
		    s->known_hosts->n > 0, &e);
		strlist_free(&khfiles);
		/* ssh ignores a known_hosts file it cannot read; one given
		 * with --known-hosts is an input error */
		if (e != NULL && s->known_hosts != NULL && s->known_hosts->n > 0) {
			*err = e;
			goto out;
		}
		free(e);
	}

	/* The connection. */
	{
		struct ssh_target tg;
		struct ssh_scan_opts so;
		struct strlist none = { 0 };

		ssh_transport_init();
		target_of(&d, &tg, t.name, &none);
		memset(&so, 0, sizeof(so));
		so.timeout = s->timeout;
		so.accept_unknown = 1;		/* host_key_gate decides, as ssh */
		so.known_hosts = kh;
		so.session_hook = hook_as_ssh;
		so.hook_arg = &d;
		d.f.t_start = (int64_t)time(NULL);
		ssh_scan(&tg, &so, &d.conn);
		agent_proxy_stop(d.proxy);
		d.proxy = NULL;
		/* the hostkey checks' blocks_login: what ssh does with the
		 * verdict under this StrictHostKeyChecking (host_key_gate's) */
		free(d.conn.net.strict_host_key_checking);
		d.conn.net.strict_host_key_checking = xstrdup(d.strict ? d.strict : "ask");
		connected = 1;
		if (d.f.reached_auth && d.f.accepted < 0 && !d.f.pubkey_blocked)
			probe_unreached(&d, kh);
		d.f.t_end = (int64_t)time(NULL);
	}

	if ((have_subject = subject_line(&d, &subj, &key_desc, err)) < 0)
		goto out;
	d.subject = have_subject && !d.have_cert && subj.status == AK_KEY ? &subj : NULL;
	if (s->view != VIEW_NONE) {
		if (server_view(&d, user, &srv, err) != 0)
			goto out;
		have_server = 1;
		/* The checks see the server's files and this connection's facts. */
		snap_net_free(&srv.net);
		srv.net = d.conn.net;
		memset(&d.conn.net, 0, sizeof(d.conn.net));
		srv.net_only = 0;
		free(srv.target);
		srv.target = xstrdup(t.name);
		checked = &srv;
		if (srv.net.hostcert != NULL)
			hostcert_settle(&srv, kh, d.ch.host_key_alias ? d.ch.host_key_alias :
			    d.ch.hostname, d.ch.host_key_alias ? 0 : d.ch.port, (int64_t)time(NULL));
	} else {
		checked = &d.conn;
		/* no server view: the host's certificate only if given */
		if (d.conn.net.hostcert != NULL && s->host_cert_texts != NULL &&
		    s->host_cert_texts->n > 0)
			hostcert_settle_given(&d.conn, kh, d.ch.host_key_alias ?
			    d.ch.host_key_alias : d.ch.hostname, d.ch.host_key_alias ? 0 :
			    d.ch.port, (int64_t)time(NULL), s->host_certs, s->host_cert_texts);
	}

	memset(&ko, 0, sizeof(ko));
	ko.from_addr = s->from ? s->from : d.f.local_addr;
	ko.policy = s->policy;
	ko.subject = have_subject ? &subj : NULL;
	ko.subject_cert = d.have_cert ? &d.cert : NULL;
	ko.subject_cert_file = d.have_cert ? d.cert_file : NULL;
	ko.diag = &d.f;
	engine_check_snapshot(checked, &ko, &r->hr);
	r->hr.status = scan_status(checked);
	if (checked->net.address != NULL)
		r->hr.address = xstrdup(checked->net.address);
	r->hr.port = checked->net.port;
	if (checked == &srv) {
		/* tell() reads the connection's facts. */
		d.conn.net = srv.net;
	}
	r->key_desc = key_desc;
	key_desc = NULL;
	if (d.f.accepted >= 0 && d.f.session_status == 0 && !hostkey_blocks(&r->hr))
		r->verdict = "ok";
	else if (have_server && d.f.accepted < 0 && d.f.offered == 0 &&
	    d.f.untried > 0 && !hostkey_blocks(&r->hr)) {
		/* keyaudit could not ask (libssh will not offer the key's
		 * type): the server's view decides, as with --local alone */
		for (size_t i = 0; i < r->hr.nfindings; i++)
			if (r->hr.findings[i].rule == &rule_net_key_refused)
				r->hr.findings[i].blocks_login = 0;
		r->predicted = 1;
		r->verdict = decide(&r->hr, 0) >= 0 ? "refused" : "ok";
	}
	else if (r->hr.status == HOST_UNREACHABLE)
		r->verdict = "unreachable";
	else
		r->verdict = "refused";
	/* The connection stopped in the session hook, never collecting, so
	 * scan_status() reads it as "not collected" (error). Here the host was
	 * reached: a login that works is no failed host (the JSON says ok), a
	 * key refused at authentication is auth-failed. */
	if (strcmp(r->verdict, "ok") == 0)
		r->hr.status = HOST_SCANNED;
	else if (r->hr.status == HOST_ERROR && d.f.reached_auth && d.f.accepted < 0 &&
	    (checked->net.failure == NULL || strcmp(checked->net.failure, "key-refused") == 0))
		r->hr.status = HOST_AUTH_FAILED;
	if (strcmp(r->verdict, "ok") != 0)
		r->cause = decide(&r->hr, d.f.session_tried);
	/* "The server refused" is the client's view of a cause found elsewhere
	 * (a key ssh cannot sign, a line sshd skips), not a second problem. */
	if (r->cause >= 0 && strncmp(r->hr.findings[r->cause].rule->id,
	    "net.", 4) != 0)
		for (size_t i = 0; i < r->hr.nfindings; i++)
			if (r->hr.findings[i].rule == &rule_net_key_refused ||
			    r->hr.findings[i].rule == &rule_net_session_failed)
				r->hr.findings[i].blocks_login = 0;
	tell(&d, r, connected, have_server);
	if (checked == &srv)
		memset(&d.conn.net, 0, sizeof(d.conn.net));
	if (!have_server && strcmp(r->verdict, "refused") == 0 && d.f.reached_auth) {
		/* the account, the target as typed and ssh_config's HostName are
		 * the user's words: each one word to the shell when pasted */
		char *qu = shell_quote(user), *qt = shell_quote(s->target);
		char *qh = shell_quote(d.ch.hostname), *qv = xasprintf("ADMIN@%s",
		    d.ch.hostname), *qvq = shell_quote(qv);
		char *qa = shell_quote(d.f.local_addr ? d.f.local_addr : "YOUR-ADDRESS");

		r->server_hint = xasprintf("on %s, as root: keyaudit diagnose --local --user %s "
		    "--pubkey %s --from %s   (or from here: keyaudit diagnose %s "
		    "--via %s --sudo)", qh, qu, d.have_cert ? "KEY-cert.pub" : "KEY.pub",
		    qa, qt, qvq);
		free(qu);
		free(qt);
		free(qh);
		free(qv);
		free(qvq);
		free(qa);
	}
	if (have_server || (s->auth_logs && s->auth_logs->n))
		quote_log(&d, r, user, have_subject ? subj.fp : NULL);
	rc = 0;
 out:
	if (rc != 0 || *err != NULL) {
		rc = -1;
		if (*err == NULL)
			*err = xstrdup("diagnose failed");
	}
	free(key_desc);
	ak_line_free(&subj);
	if (d.have_cert)
		cert_free(&d.cert);
	target_free(&t);
	clientconf_free(cc);
	if (kh != NULL)
		kh_db_free(kh);
	client_host_free(&d.ch);
	for (size_t i = 0; d.f.tries != NULL && i < d.ids.n; i++)
		free(d.f.tries[i].note);
	free(d.f.tries);
	free(d.f.hidden_fp);
	free(d.f.session_error);
	free(d.f.session_output);
	free(d.f.local_addr);
	ident_list_free(&d.ids);
	snapshot_free(&d.conn);
	snapshot_free(&srv);
	return rc;
}

void
diag_result_free(struct diag_result *r)
{
	free(r->target);
	free(r->user);
	free(r->key_desc);
	for (int i = 0; i < DIAG_STEPS; i++)
		free(r->steps[i].summary);
	host_result_free(&r->hr);
	free(r->server_hint);
	strlist_free(&r->log);
	free(r->log_source);
	memset(r, 0, sizeof(*r));
}
