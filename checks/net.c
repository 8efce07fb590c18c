/* net.c - reachability and the SSH handshake, from what the ssh transport
 * saw on the wire (snapshot net facts). Each way a host can fail before a
 * key is even tried gets its own id and the fix that usually applies; the
 * transport names the stage, this file explains it. */
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_net_resolve = {
	.id = "net.resolve", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the host name does not resolve",
	.help = "ssh cannot even start: the name is not in DNS or /etc/hosts (or the name "
	    "server did not answer in time). A typo in the inventory, a retired host, or "
	    "a HostName missing from ssh_config.",
	.chain = CHAIN_NETWORK,
};

const struct ka_rule rule_net_refused = {
	.id = "net.refused", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "nothing listens on the SSH port",
	.help = "The host answered but refused the TCP connection: sshd is not running, or "
	    "listens on another port or address (Port, ListenAddress; with systemd socket "
	    "activation, ListenStream= of ssh.socket decides instead).",
	.chain = CHAIN_NETWORK + 2,
};

const struct ka_rule rule_net_timeout = {
	.id = "net.timeout", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "no answer within the deadline",
	.help = "Nothing came back: a firewall drops the packets, the host is down, or the "
	    "route is wrong. Connection refused would mean the host is up.",
	.chain = CHAIN_NETWORK + 3,
};

const struct ka_rule rule_net_no_banner = {
	.id = "net.no-banner", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the port accepts connections but sends no SSH banner",
	.help = "An SSH server speaks first. A silent port is a tarpit, a proxy or load "
	    "balancer with nothing behind it, or an sshd stuck (e.g. on slow DNS with "
	    "UseDNS yes, or out of resources).",
	.chain = CHAIN_NETWORK + 4,
};

const struct ka_rule rule_net_not_ssh = {
	.id = "net.not-ssh", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "another protocol answers on the SSH port",
	.help = "The port is served by something that is not SSH (HTTP, SMTP, ...): the "
	    "wrong port in the inventory or ssh_config, or a port mapping gone wrong.",
	.chain = CHAIN_NETWORK + 5,
};

const struct ka_rule rule_net_ssh1 = {
	.id = "net.ssh1", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "the server speaks only SSH protocol 1",
	.help = "SSH-1 is broken by design and modern ssh cannot speak it at all. Replace "
	    "the server software.",
	.chain = CHAIN_NETWORK + 6,
};

const struct ka_rule rule_net_throttled = {
	.id = "net.throttled", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the server drops connections before login (throttled)",
	.help = "sshd closes new connections before or during key exchange when too many "
	    "are unauthenticated at once (MaxStartups) or when the source address has "
	    "been penalised (PerSourcePenalties, OpenSSH 9.8+); tcp wrappers and fail2ban "
	    "look the same. keyaudit retried with backoff.",
	.chain = CHAIN_NETWORK + 7,
};

const struct ka_rule rule_net_kex_failed = {
	.id = "net.kex-failed", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "client and server share no key exchange, cipher or host key algorithm",
	.help = "The handshake failed on algorithm negotiation: a very old server, or one "
	    "restricted to algorithms the client no longer allows.",
	.chain = CHAIN_NETWORK + 8,
};

const struct ka_rule rule_net_no_publickey = {
	.id = "net.no-publickey", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the server does not offer publickey authentication",
	.help = "sshd's list of authentication methods for this user does not include "
	    "publickey (PubkeyAuthentication no, or AuthenticationMethods without it), "
	    "so no key can ever log in.",
	.chain = CHAIN_METHODS + 2,
};

const struct ka_rule rule_net_password_offered = {
	.id = "net.password-offered", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "the server offers password authentication",
	.help = "Under a key-only policy the server should not offer passwords: "
	    "PasswordAuthentication and KbdInteractiveAuthentication yes let anyone "
	    "guess, and a failing key quietly turns into a password prompt.",
};

const struct ka_rule rule_net_auth_failed = {
	.id = "net.auth-failed", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "keyaudit's own keys were refused",
	.help = "keyaudit could not log in with the agent or the identity files it was given, "
	    "so the host was not audited. Not a finding about the host's keys: give "
	    "keyaudit a key that is authorized there (-i, -l, ssh_config).",
	.chain = CHAIN_ROOT + 4,
};

const struct ka_rule rule_net_collect_failed = {
	.id = "net.collect-failed", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "logged in, but the collector could not run",
	.help = "The login worked but the read-only collector (one /bin/sh command) did not "
	    "run to its end: a ForceCommand or restricted command, a nologin shell, no "
	    "/bin/sh, or an exec refused.",
};

const struct ka_rule rule_net_sudo_denied = {
	.id = "net.sudo-denied", .severity = SEV_LOW, .blocks_login = 0,
	.title = "--sudo: sudo needs a password or is not allowed",
	.help = "The collector ran without root, so root-only files (other users' keys, "
	    "/etc/shadow, sshd -T) were not read. Grant NOPASSWD sudo for the scan "
	    "account or scan as root.",
};

const struct ka_rule rule_net_key_refused = {
	.id = "net.key-refused", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the server refused the key and does not say why",
	.help = "diagnose: every key ssh offered was refused. sshd never tells the "
	    "client the reason; it is on the server (the account, sshd_config, "
	    "file modes, authorized_keys). Give diagnose a view of the server "
	    "(--local on it, --via a working login, --server-snapshot) to name it.",
	.chain = CHAIN_ROOT + 3,
};

const struct ka_rule rule_net_session_failed = {
	.id = "net.session-failed", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the key was accepted, then the session failed",
	.help = "diagnose: sshd logged the key in, but the command did not run to a "
	    "zero exit: a nologin shell, a ForceCommand, or a ChrootDirectory sshd "
	    "refuses end the session after 'Accepted publickey'.",
	.chain = CHAIN_SESSION + 4,
};

const struct ka_rule rule_net_error = {
	.id = "net.error", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the connection failed",
	.help = "The connection failed for a reason not covered by the other net checks; "
	    "the message has the details.",
	.chain = CHAIN_NETWORK + 9,
};

const struct ka_rule rule_net_budget = {
	.id = "net.budget", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "the host was not fully examined: it exceeded a per-host budget",
	.help = "What one host sends may cost the scan only so much: findings, "
	    "authorized_keys lines parsed, key lines examined over all accounts, "
	    "accounts, distinct Match configurations, and its --timeout, which "
	    "covers checking as well as collection. Past one, the rest of the host "
	    "is left out so every other host is still reported; the message names "
	    "each budget, its limit and what was not examined. Real hosts stay far "
	    "below them: a host that reaches one holds something to look at by "
	    "hand (thousands of accounts sharing one huge key file, say), or needs "
	    "a longer --timeout.",
};

static const struct ka_rule *const rules[] = {
	&rule_net_resolve,
	&rule_net_refused,
	&rule_net_timeout,
	&rule_net_no_banner,
	&rule_net_not_ssh,
	&rule_net_ssh1,
	&rule_net_throttled,
	&rule_net_kex_failed,
	&rule_net_no_publickey,
	&rule_net_password_offered,
	&rule_net_auth_failed,
	&rule_net_collect_failed,
	&rule_net_sudo_denied,
	&rule_net_key_refused,
	&rule_net_session_failed,
	&rule_net_error,
	&rule_net_budget,
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
fix_for(const struct ka_rule *id, const struct snap_net *n, const char *target)
{
	/* the name looked up: ssh_config's HostName, else the target's host
	 * part (never user@host, never an alias getent cannot know) */
	char *host = n->host ? xstrdup(n->host) : host_of(target), *qh = shell_quote(host);
	char *qa = shell_quote(n->address ? n->address : host);
	char *qu = shell_quote(n->login_user ? n->login_user : "USER");
	char *fix = NULL;

	if (id == &rule_net_resolve)
		fix = xasprintf("check the name: getent hosts %s (fix the inventory or "
		    "ssh_config HostName)", qh);
	else if (id == &rule_net_refused)
		fix = xasprintf("on the host: systemctl start ssh; check that sshd "
		    "listens on %s port %d (ss -tlnp | grep sshd; Port/ListenAddress, or "
		    "ListenStream= of ssh.socket where it is enabled: systemctl cat "
		    "ssh.socket)", qa, n->port);
	else if (id == &rule_net_timeout)
		fix = xasprintf("allow TCP port %d from this scanner in the host's "
		    "firewall (e.g. nft add rule inet filter input tcp dport %d accept) "
		    "and check the host is up", n->port, n->port);
	else if (id == &rule_net_no_banner)
		fix = xasprintf("check what listens on %s port %d (ss -tlnp); if it is "
		    "sshd, look at its log (journalctl -u ssh) and UseDNS", qa, n->port);
	else if (id == &rule_net_not_ssh)
		fix = xasprintf("port %d is not sshd: set the right port in the "
		    "inventory (host:port, ansible_port) or ssh_config Port", n->port);
	else if (id == &rule_net_ssh1)
		fix = xstrdup("upgrade the server to OpenSSH (SSH-2)");
	else if (id == &rule_net_throttled)
		fix = xstrdup("raise MaxStartups (e.g. MaxStartups 100:30:200) or "
		    "PerSourcePenalties / fail2ban allowances for the scanner, or scan with "
		    "fewer --jobs");
	else if (id == &rule_net_kex_failed)
		fix = xstrdup("upgrade the server, or enable a modern KexAlgorithms/"
		    "HostKeyAlgorithms set in its sshd_config");
	else if (id == &rule_net_no_publickey)
		fix = xstrdup("PubkeyAuthentication yes in sshd_config (and publickey in "
		    "AuthenticationMethods), then systemctl reload ssh");
	else if (id == &rule_net_password_offered)
		fix = xstrdup("PasswordAuthentication no and KbdInteractiveAuthentication "
		    "no in sshd_config, then systemctl reload ssh");
	else if (id == &rule_net_auth_failed)
		fix = xasprintf("authorize keyaudit's key for %s on the host, or pass "
		    "the right one with -i / -l", qu);
	else if (id == &rule_net_collect_failed)
		fix = xstrdup("let the scan account run /bin/sh commands (no "
		    "ForceCommand, a login shell that is not nologin)");
	else if (id == &rule_net_key_refused)
		fix = xasprintf("see why on the server: keyaudit diagnose --local --user "
		    "%s --pubkey KEY.pub --from THIS-ADDRESS (run there), or "
		    "--via ADMIN@%s from here", qu, qa);
	else if (id == &rule_net_session_failed)
		fix = xasprintf("on the server: getent passwd %s (the shell), sshd -T "
		    "-C user=%s | grep -Ei 'forcecommand|chrootdirectory'", qu, qu);
	else if (id == &rule_net_sudo_denied)
		fix = xasprintf("decide whether the scan account %s may run the collector "
		    "as root (a sudoers rule, checked with visudo -c), or scan as root", qu);
	free(host);
	free(qh);
	free(qa);
	free(qu);
	return fix;
}

static void
emit(struct ka_ctx *ctx, const struct ka_rule *id, const char *fmt, const char *arg)
{
	char *fix = fix_for(id, &ctx->snap->net, ctx->snap->target);

	ctx_finding(ctx, id, NULL, NULL, 0, fix, fmt, arg);
	free(fix);
}

static void
run(struct ka_ctx *ctx)
{
	const struct snap_net *n = &ctx->snap->net;
	static const struct {
		const char *failure;
		const struct ka_rule *id;
	} map[] = {
		{ "resolve", &rule_net_resolve }, { "refused", &rule_net_refused },
		{ "timeout", &rule_net_timeout }, { "no-banner", &rule_net_no_banner },
		{ "not-ssh", &rule_net_not_ssh }, { "ssh1", &rule_net_ssh1 },
		{ "throttled", &rule_net_throttled }, { "kex-failed", &rule_net_kex_failed },
		{ "no-publickey", &rule_net_no_publickey }, { "auth-failed", &rule_net_auth_failed },
		{ "collect-failed", &rule_net_collect_failed }, { "error", &rule_net_error },
		{ "key-refused", &rule_net_key_refused },
		{ "session-failed", &rule_net_session_failed },
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
			emit(ctx, &rule_net_password_offered, "%s", what);
			free(what);
		}
	}
	if (n->sudo != NULL && strcmp(n->sudo, "denied") == 0)
		emit(ctx, &rule_net_sudo_denied, "%s", "sudo -n refused (a password is "
		    "needed or the account may not run /bin/sh as root); the audit ran "
		    "without root");
}

const struct ka_check check_net = {
	"net", rules, sizeof(rules) / sizeof(rules[0]), run,
};
