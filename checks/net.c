/* net.c - reachability and the SSH handshake, from what the ssh transport
 * saw on the wire (snapshot net facts). Each way a host can fail before a
 * key is even tried gets its own id and the fix that usually applies; the
 * transport names the stage, this file explains it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const struct ka_rule rules[] = {
	{ "net.resolve", SEV_HIGH, 1, "the host name does not resolve",
	  "ssh cannot even start: the name is not in DNS or /etc/hosts (or the name "
	  "server did not answer in time). A typo in the inventory, a retired host, or "
	  "a HostName missing from ssh_config." },
	{ "net.refused", SEV_HIGH, 1, "nothing listens on the SSH port",
	  "The host answered but refused the TCP connection: sshd is not running, or "
	  "listens on another port or address (Port, ListenAddress)." },
	{ "net.timeout", SEV_HIGH, 1, "no answer within the deadline",
	  "Nothing came back: a firewall drops the packets, the host is down, or the "
	  "route is wrong. Connection refused would mean the host is up." },
	{ "net.no-banner", SEV_HIGH, 1, "the port accepts connections but sends no SSH banner",
	  "An SSH server speaks first. A silent port is a tarpit, a proxy or load "
	  "balancer with nothing behind it, or an sshd stuck (e.g. on slow DNS with "
	  "UseDNS yes, or out of resources)." },
	{ "net.not-ssh", SEV_HIGH, 1, "another protocol answers on the SSH port",
	  "The port is served by something that is not SSH (HTTP, SMTP, ...): the "
	  "wrong port in the inventory or ssh_config, or a port mapping gone wrong." },
	{ "net.ssh1", SEV_CRITICAL, 1, "the server speaks only SSH protocol 1",
	  "SSH-1 is broken by design and modern ssh cannot speak it at all. Replace "
	  "the server software." },
	{ "net.throttled", SEV_HIGH, 1, "the server drops connections before login (throttled)",
	  "sshd closes new connections before or during key exchange when too many "
	  "are unauthenticated at once (MaxStartups) or when the source address has "
	  "been penalised (PerSourcePenalties, OpenSSH 9.8+); tcp wrappers and fail2ban "
	  "look the same. keyaudit retried with backoff." },
	{ "net.kex-failed", SEV_HIGH, 1, "client and server share no key exchange, cipher or host key algorithm",
	  "The handshake failed on algorithm negotiation: a very old server, or one "
	  "restricted to algorithms the client no longer allows." },
	{ "net.no-publickey", SEV_HIGH, 1, "the server does not offer publickey authentication",
	  "sshd's list of authentication methods for this user does not include "
	  "publickey (PubkeyAuthentication no, or AuthenticationMethods without it), "
	  "so no key can ever log in." },
	{ "net.password-offered", SEV_MEDIUM, 0, "the server offers password authentication",
	  "Under a key-only policy the server should not offer passwords: "
	  "PasswordAuthentication and KbdInteractiveAuthentication yes let anyone "
	  "guess, and a failing key quietly turns into a password prompt." },
	{ "net.auth-failed", SEV_HIGH, 0, "keyaudit's own keys were refused",
	  "keyaudit could not log in with the agent or the identity files it was given, "
	  "so the host was not audited. Not a finding about the host's keys: give "
	  "keyaudit a key that is authorized there (-i, -l, ssh_config)." },
	{ "net.collect-failed", SEV_HIGH, 0, "logged in, but the collector could not run",
	  "The login worked but the read-only collector (one /bin/sh command) did not "
	  "run to its end: a ForceCommand or restricted command, a nologin shell, no "
	  "/bin/sh, or an exec refused." },
	{ "net.sudo-denied", SEV_LOW, 0, "--sudo: sudo needs a password or is not allowed",
	  "The collector ran without root, so root-only files (other users' keys, "
	  "/etc/shadow, sshd -T) were not read. Grant NOPASSWD sudo for the scan "
	  "account or scan as root." },
	{ "net.key-refused", SEV_HIGH, 1,
	  "the server refused the key and does not say why",
	  "diagnose: every key ssh offered was refused. sshd never tells the "
	  "client the reason; it is on the server (the account, sshd_config, "
	  "file modes, authorized_keys). Give diagnose a view of the server "
	  "(--local on it, --via a working login, --server-snapshot) to name it." },
	{ "net.session-failed", SEV_HIGH, 1,
	  "the key was accepted, then the session failed",
	  "diagnose: sshd logged the key in, but the command did not run to a "
	  "zero exit: a nologin shell, a ForceCommand, or a ChrootDirectory sshd "
	  "refuses end the session after 'Accepted publickey'." },
	{ "net.error", SEV_HIGH, 1, "the connection failed",
	  "The connection failed for a reason not covered by the other net checks; "
	  "the message has the details." },
};

/* The host part of a target: no user@, no :port or [v6]:port. */
static char *
host_of(const char *target)
{
	const char *at = strrchr(target, '@'), *h = at ? at + 1 : target, *e;

	if (h[0] == '[' && (e = strchr(h, ']')) != NULL)
		return xstrndup(h + 1, (size_t)(e - h - 1));
	if ((e = strchr(h, ':')) != NULL && strchr(e + 1, ':') == NULL)
		return xstrndup(h, (size_t)(e - h));
	return xstrdup(h);
}

/* The fix for each failure, with the host's own port and address; every
 * name in a command shell-quoted. */
static char *
fix_for(const char *id, const struct snap_net *n, const char *target)
{
	char *host = host_of(target), *qh = shell_quote(host);
	char *qa = shell_quote(n->address ? n->address : host);
	char *qu = shell_quote(n->login_user ? n->login_user : "USER");
	char *fix = NULL;

	if (strcmp(id, "net.resolve") == 0)
		fix = xasprintf("check the name: getent hosts %s (fix the inventory or "
		    "ssh_config HostName)", qh);
	else if (strcmp(id, "net.refused") == 0)
		fix = xasprintf("on the host: systemctl start ssh; check that sshd "
		    "listens on %s port %d (ss -tlnp | grep sshd; Port/ListenAddress)",
		    qa, n->port);
	else if (strcmp(id, "net.timeout") == 0)
		fix = xasprintf("allow TCP port %d from this scanner in the host's "
		    "firewall (e.g. nft add rule inet filter input tcp dport %d accept) "
		    "and check the host is up", n->port, n->port);
	else if (strcmp(id, "net.no-banner") == 0)
		fix = xasprintf("check what listens on %s port %d (ss -tlnp); if it is "
		    "sshd, look at its log (journalctl -u ssh) and UseDNS", qa, n->port);
	else if (strcmp(id, "net.not-ssh") == 0)
		fix = xasprintf("port %d is not sshd: set the right port in the "
		    "inventory (host:port, ansible_port) or ssh_config Port", n->port);
	else if (strcmp(id, "net.ssh1") == 0)
		fix = xstrdup("upgrade the server to OpenSSH (SSH-2)");
	else if (strcmp(id, "net.throttled") == 0)
		fix = xstrdup("raise MaxStartups (e.g. MaxStartups 100:30:200) or "
		    "PerSourcePenalties / fail2ban allowances for the scanner, or scan with "
		    "fewer --jobs");
	else if (strcmp(id, "net.kex-failed") == 0)
		fix = xstrdup("upgrade the server, or enable a modern KexAlgorithms/"
		    "HostKeyAlgorithms set in its sshd_config");
	else if (strcmp(id, "net.no-publickey") == 0)
		fix = xstrdup("PubkeyAuthentication yes in sshd_config (and publickey in "
		    "AuthenticationMethods), then systemctl reload ssh");
	else if (strcmp(id, "net.password-offered") == 0)
		fix = xstrdup("PasswordAuthentication no and KbdInteractiveAuthentication "
		    "no in sshd_config, then systemctl reload ssh");
	else if (strcmp(id, "net.auth-failed") == 0)
		fix = xasprintf("authorize keyaudit's key for %s on the host, or pass "
		    "the right one with -i / -l", qu);
	else if (strcmp(id, "net.collect-failed") == 0)
		fix = xstrdup("let the scan account run /bin/sh commands (no "
		    "ForceCommand, a login shell that is not nologin)");
	else if (strcmp(id, "net.key-refused") == 0)
		fix = xasprintf("see why on the server: keyaudit diagnose --local --user "
		    "%s --pubkey KEY.pub --from THIS-ADDRESS (run there), or "
		    "--via ADMIN@%s from here", qu, qa);
	else if (strcmp(id, "net.session-failed") == 0)
		fix = xasprintf("on the server: getent passwd %s (the shell), sshd -T "
		    "-C user=%s | grep -Ei 'forcecommand|chrootdirectory'", qu, qu);
	else if (strcmp(id, "net.sudo-denied") == 0)
		fix = xasprintf("decide whether the scan account %s may run the collector "
		    "as root (a sudoers rule, checked with visudo -c), or scan as root", qu);
	free(host);
	free(qh);
	free(qa);
	free(qu);
	return fix;
}

static void
emit(struct ka_ctx *ctx, const char *id, const char *fmt, const char *arg)
{
	char *fix = fix_for(id, &ctx->snap->net, ctx->snap->target);

	ctx_finding(ctx, id, NULL, NULL, 0, fix, fmt, arg);
	free(fix);
}

static void
run(struct ka_ctx *ctx)
{
	const struct snap_net *n = &ctx->snap->net;
	static const struct { const char *failure, *id; } map[] = {
		{ "resolve", "net.resolve" }, { "refused", "net.refused" },
		{ "timeout", "net.timeout" }, { "no-banner", "net.no-banner" },
		{ "not-ssh", "net.not-ssh" }, { "ssh1", "net.ssh1" },
		{ "throttled", "net.throttled" }, { "kex-failed", "net.kex-failed" },
		{ "no-publickey", "net.no-publickey" }, { "auth-failed", "net.auth-failed" },
		{ "collect-failed", "net.collect-failed" }, { "error", "net.error" },
		{ "key-refused", "net.key-refused" },
		{ "session-failed", "net.session-failed" },
	};

	if (!n->probed)
		return;
	if (n->failure != NULL) {
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(n->failure, map[i].failure) == 0)
				emit(ctx, map[i].id, "%s", n->error ? n->error : n->failure);
	}
	if (n->auth_known) {
		int pw = strlist_has(&n->auth_methods, "password");
		int kbd = strlist_has(&n->auth_methods, "keyboard-interactive");

		if (pw || kbd) {
			char *what = xasprintf("%s offers %s%s%s authentication to %s",
			    ctx->snap->target, pw ? "password" : "", pw && kbd ? " and " : "",
			    kbd ? "keyboard-interactive" : "",
			    n->login_user ? n->login_user : "the scan user");
			emit(ctx, "net.password-offered", "%s", what);
			free(what);
		}
	}
	if (n->sudo != NULL && strcmp(n->sudo, "denied") == 0)
		emit(ctx, "net.sudo-denied", "%s", "sudo -n refused (a password is "
		    "needed or the account may not run /bin/sh as root); the audit ran "
		    "without root");
}

const struct ka_check check_net = {
	"net", rules, sizeof(rules) / sizeof(rules[0]), run,
};
