/* sshdpolicy.c - the hardening policy for sshd (a key-only, CIS/DevSec-like
 * baseline): settings that weaken the host whether or not key login works.
 * None of them blocks a login; each names the directive and where it was set
 * (or that it is OpenSSH's default), and each fix is the config line, the
 * file it goes in, and the reload command.
 *
 * Login-deciding settings (PubkeyAuthentication, PasswordAuthentication,
 * KbdInteractiveAuthentication, StrictModes, ...) are checks/sshd.c's; this
 * family shares its "sshd" prefix. A policy file's `expect KEYWORD VALUE`
 * replaces the built-in expectation of the check tied to that keyword. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"
#include "scanner/parse/release.h"
#include "scanner/parse/match.h"
#include "scanner/policy.h"

const struct ka_rule rule_sshd_permit_empty_passwords = {
	.id = "sshd.permit-empty-passwords", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "accounts with an empty password may log in",
	.help = "PermitEmptyPasswords yes lets anyone log in to an account whose "
	    "password is empty, with no credential at all, wherever password "
	    "authentication is on.",
};

const struct ka_rule rule_sshd_permit_root_login = {
	.id = "sshd.permit-root-login", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "root may log in with a password",
	.help = "PermitRootLogin yes accepts every method for root, passwords included: "
	    "root is the one account name every attacker guesses. "
	    "prohibit-password keeps root key login working; no refuses root "
	    "entirely (log in as yourself, then sudo).",
};

const struct ka_rule rule_sshd_hostbased_auth = {
	.id = "sshd.hostbased-auth", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "host-based authentication is on",
	.help = "HostbasedAuthentication yes trusts another host's word about who the "
	    "user is (~/.shosts, /etc/hosts.equiv): one compromised client host "
	    "opens every account that trusts it.",
};

const struct ka_rule rule_sshd_ignore_rhosts = {
	.id = "sshd.ignore-rhosts", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "sshd reads users' .rhosts/.shosts files",
	.help = "IgnoreRhosts no (or shosts-only) lets each user's ~/.rhosts or "
	    "~/.shosts grant host-based access to the account, outside any central "
	    "control.",
};

const struct ka_rule rule_sshd_permit_user_environment = {
	.id = "sshd.permit-user-environment", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "users can set environment variables for sshd",
	.help = "PermitUserEnvironment lets ~/.ssh/environment and environment= "
	    "options in authorized_keys set variables such as LD_PRELOAD before "
	    "the session starts, which can bypass a forced command.",
};

const struct ka_rule rule_sshd_max_auth_tries = {
	.id = "sshd.max-auth-tries", .severity = SEV_LOW, .blocks_login = 0,
	.title = "MaxAuthTries allows many attempts per connection",
	.help = "Each connection may try MaxAuthTries credentials (default 6); a low "
	    "limit (4 or less) slows guessing. Clients with many agent keys need "
	    "IdentitiesOnly yes and an IdentityFile per host.",
};

const struct ka_rule rule_sshd_log_level = {
	.id = "sshd.log-level", .severity = SEV_LOW, .blocks_login = 0,
	.title = "LogLevel below VERBOSE: key logins cannot be traced to a key",
	.help = "At VERBOSE sshd logs the fingerprint of the key that logged in (and "
	    "the authorized_keys file and line), which is what ties a login to a "
	    "person and lets you see which keys are still used.",
};

const struct ka_rule rule_sshd_weak_pubkey_algorithms = {
	.id = "sshd.weak-pubkey-algorithms", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "sshd accepts ssh-rsa (SHA-1) or ssh-dss signatures",
	.help = "PubkeyAcceptedAlgorithms includes ssh-rsa (RSA with SHA-1 signatures) "
	    "or ssh-dss (1024-bit DSA), both considered broken and off by default "
	    "since OpenSSH 8.8. RSA keys keep working with rsa-sha2-256/512. An "
	    "sshd older than 8.8 (Debian 11's 8.4) that leaves the keyword at its "
	    "default accepts ssh-rsa; the fix line is PubkeyAcceptedKeyTypes there "
	    "before 8.5, which has no PubkeyAcceptedAlgorithms.",
};

const struct ka_rule rule_sshd_required_rsa_size = {
	.id = "sshd.required-rsa-size", .severity = SEV_LOW, .blocks_login = 0,
	.title = "RequiredRSASize accepts RSA keys below 2048 bits",
	.help = "RequiredRSASize (default 1024) is the smallest RSA key sshd accepts; "
	    "1024-bit RSA is within reach of a well-funded attacker. Not reported "
	    "for an sshd older than OpenSSH 9.1 (Debian 11's 8.4): it has no "
	    "RequiredRSASize, and the fix line would stop it from starting.",
};

const struct ka_rule rule_sshd_no_allow_list = {
	.id = "sshd.no-allow-list", .severity = SEV_LOW, .blocks_login = 0,
	.title = "neither AllowUsers nor AllowGroups limits who may log in",
	.help = "Without AllowUsers or AllowGroups every account with a usable "
	    "credential can log in over ssh, including service accounts that "
	    "were never meant to. An AllowGroups line makes ssh access a group "
	    "membership you can review.",
};

const struct ka_rule rule_sshd_agent_forwarding = {
	.id = "sshd.agent-forwarding", .severity = SEV_LOW, .blocks_login = 0,
	.title = "agent forwarding is allowed",
	.help = "With AllowAgentForwarding yes (the default) a user's forwarded agent "
	    "is usable by root on this host, and by anyone who takes over the "
	    "session, to log in elsewhere as that user.",
};

const struct ka_rule rule_sshd_tcp_forwarding = {
	.id = "sshd.tcp-forwarding", .severity = SEV_LOW, .blocks_login = 0,
	.title = "TCP forwarding is allowed",
	.help = "With AllowTcpForwarding yes (the default) every ssh user can tunnel "
	    "to any port this host can reach, bypassing network controls.",
};

const struct ka_rule rule_sshd_x11_forwarding = {
	.id = "sshd.x11-forwarding", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "X11 forwarding is allowed",
	.help = "X11Forwarding yes exposes the client's X display to this host: root "
	    "here (or an attacker) can read keystrokes and screen contents.",
};

const struct ka_rule rule_sshd_match_password = {
	.id = "sshd.match-password", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a Match block turns password login back on for the user",
	.help = "Password (or keyboard-interactive) login is off globally but a Match "
	    "block switches it back on for some users: the exception is easy to "
	    "miss and keeps those accounts open to password guessing.",
};

const struct ka_rule rule_sshd_removed_keyword = {
	.id = "sshd.removed-keyword", .severity = SEV_LOW, .blocks_login = 0,
	.title = "the configuration uses a keyword sshd ignores",
	.help = "Keywords from removed features (SSH protocol 1, UsePrivilegeSeparation, "
	    "UseLogin, ...) are accepted and ignored: the setting someone meant to "
	    "make is not in force. sshd only logs 'Deprecated option'.",
};

const struct ka_rule rule_sshd_deprecated_keyword = {
	.id = "sshd.deprecated-keyword", .severity = SEV_INFO, .blocks_login = 0,
	.title = "the configuration uses an old name for a keyword",
	.help = "Old names (ChallengeResponseAuthentication, PubkeyAcceptedKeyTypes, "
	    "...) still work but read differently from what `sshd -T` and the "
	    "manual say; future releases may drop them. A name is old only from "
	    "the release that renamed it: on an older sshd (Debian 11's OpenSSH "
	    "8.4 ships ChallengeResponseAuthentication) it is the current name, "
	    "and PubkeyAcceptedAlgorithms would not even parse there.",
};

const struct ka_rule rule_sshd_authkeys_file_duplicate = {
	.id = "sshd.authkeys-file-duplicate", .severity = SEV_LOW, .blocks_login = 0,
	.title = "AuthorizedKeysFile names a file twice or is set twice",
	.help = "A file listed twice in AuthorizedKeysFile is read twice; a second "
	    "AuthorizedKeysFile line is ignored because the first value wins, so "
	    "the files it names are not read at all.",
};

const struct ka_rule rule_sshd_authorized_keys2 = {
	.id = "sshd.authorized-keys2", .severity = SEV_LOW, .blocks_login = 0,
	.title = "sshd reads ~/.ssh/authorized_keys2",
	.help = "authorized_keys2 has been deprecated since OpenSSH 3.0 but is still in "
	    "the default AuthorizedKeysFile: keys hidden there are easy to "
	    "overlook in reviews. List only .ssh/authorized_keys.",
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_permit_empty_passwords,
	&rule_sshd_permit_root_login,
	&rule_sshd_hostbased_auth,
	&rule_sshd_ignore_rhosts,
	&rule_sshd_permit_user_environment,
	&rule_sshd_max_auth_tries,
	&rule_sshd_log_level,
	&rule_sshd_weak_pubkey_algorithms,
	&rule_sshd_required_rsa_size,
	&rule_sshd_no_allow_list,
	&rule_sshd_agent_forwarding,
	&rule_sshd_tcp_forwarding,
	&rule_sshd_x11_forwarding,
	&rule_sshd_match_password,
	&rule_sshd_removed_keyword,
	&rule_sshd_deprecated_keyword,
	&rule_sshd_authkeys_file_duplicate,
	&rule_sshd_authorized_keys2,
};

/* --------------------------------------------------- shared helpers */

/* The keyword as sshd_config documents it, for messages and fixes. */
const char *
sshdpolicy_spelled(const char *kw)
{
	static const char *const names[] = {
		"AcceptEnv", "AddressFamily", "AllowAgentForwarding", "AllowGroups",
		"AllowStreamLocalForwarding", "AllowTcpForwarding", "AllowUsers",
		"AuthenticationMethods", "AuthorizedKeysCommand",
		"AuthorizedKeysCommandUser", "AuthorizedKeysFile",
		"AuthorizedPrincipalsFile", "Banner", "CASignatureAlgorithms",
		"ChrootDirectory", "Ciphers", "ClientAliveCountMax",
		"ClientAliveInterval", "Compression", "DenyGroups", "DenyUsers",
		"DisableForwarding", "ExposeAuthInfo", "FingerprintHash",
		"ForceCommand", "GatewayPorts", "GSSAPIAuthentication",
		"HostbasedAcceptedAlgorithms", "HostbasedAuthentication",
		"HostCertificate", "HostKey", "HostKeyAlgorithms", "IgnoreRhosts",
		"IgnoreUserKnownHosts", "KbdInteractiveAuthentication",
		"KerberosAuthentication", "KexAlgorithms", "ListenAddress",
		"LoginGraceTime", "LogLevel", "MACs", "MaxAuthTries", "MaxSessions",
		"MaxStartups", "PasswordAuthentication", "PermitEmptyPasswords",
		"PermitListen", "PermitOpen", "PermitRootLogin", "PermitTTY",
		"PermitTunnel", "PermitUserEnvironment", "PermitUserRC", "Port",
		"PrintLastLog", "PrintMotd", "PubkeyAcceptedAlgorithms",
		"PubkeyAuthentication", "PubkeyAuthOptions", "RekeyLimit",
		"RequiredRSASize", "RevokedKeys", "SetEnv", "StrictModes",
		"Subsystem", "SyslogFacility", "TCPKeepAlive", "TrustedUserCAKeys",
		"UseDNS", "UsePAM", "VersionAddendum", "X11DisplayOffset",
		"X11Forwarding", "X11UseLocalhost",
	};

	for (size_t i = 0; i < KA_ARRLEN(names); i++)
		if (strcasecmp(names[i], kw) == 0)
			return names[i];
	return kw;
}

#define reload_cmd ctx_reload_cmd

/* ------------------------------------------------------- the fix */

/*
 * Where a config line takes effect, as a sentence: the line that sets the
 * value now is the one to change (the first value wins); a value that is
 * OpenSSH's default needs a new line, in a drop-in when the main file
 * Includes a directory before anything else can set it (Debian's stock
 * file), else in the main file before its first Match block.
 */
char *
sshdpolicy_fix(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *kw, const char *cfgline)
{
	const struct sshd_value *v = sshd_eff_get(e, kw);
	const struct sshd_value *g = sshd_eff_get(ctx->global, kw);
	char *where, *fix, *dropin;
	int match_line;

	if (v != NULL && v->file != NULL) {
		int in_match = e != ctx->global && (g == NULL || g->file == NULL ||
		    strcmp(g->file, v->file) != 0 || g->line != v->line);

		fix = xasprintf("in %s line %d%s, change the line to '%s', then run: %s",
		    v->file, v->line, in_match ? " (in its Match block)" : "", cfgline,
		    reload_cmd(ctx));
		return fix;
	}
	dropin = sshdconf_dropin(ctx->sshd, "50-keyaudit.conf");
	match_line = sshdconf_first_match_line(ctx->sshd);
	if (dropin != NULL)
		where = xasprintf("add '%s' to %s", cfgline, dropin);
	else if (match_line > 0)
		where = xasprintf("add '%s' to %s before line %d (its first Match "
		    "block)", cfgline, ctx_sshd_config_path(ctx), match_line);
	else
		where = xasprintf("add '%s' to %s", cfgline, ctx_sshd_config_path(ctx));
	free(dropin);
	fix = xasprintf("%s, then run: %s", where, reload_cmd(ctx));
	free(where);
	return fix;
}

static int
in_names(const char *s, size_t n, const char *const *names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		if (strlen(names[i]) == n && strncmp(names[i], s, n) == 0)
			return 1;
	return 0;
}

char *
sshdpolicy_alg_line(const char *spelled, const struct sshd_value *v,
    const char *const *drop, const char *const *add)
{
	struct buf b;
	char *list;

	buf_init(&b);
	buf_printf(&b, "%s ", spelled);
	if (v == NULL || v->file == NULL) {
		const char *const *names = add != NULL && add[0] != NULL ? add : drop;

		buf_putc(&b, names == add ? '+' : '-');
		for (size_t i = 0; names != NULL && names[i] != NULL; i++)
			buf_printf(&b, "%s%s", i ? "," : "", names[i]);
		return buf_steal(&b);
	}
	list = sshd_value_join(v);
	{
		size_t start = b.len;

		for (const char *p = list; *p != '\0'; ) {
			size_t n = strcspn(p, ", ");

			if (n > 0 && !in_names(p, n, drop) && !in_names(p, n, add)) {
				if (b.len > start)
					buf_putc(&b, ',');
				buf_append(&b, p, n);
			}
			p += n;
			p += strspn(p, ", ");
		}
		for (size_t i = 0; add != NULL && add[i] != NULL; i++) {
			if (b.len > start)
				buf_putc(&b, ',');
			buf_puts(&b, add[i]);
		}
	}
	free(list);
	return buf_steal(&b);
}

/* "LogLevel INFO (OpenSSH default)". Caller frees. */
static char *
directive(const struct sshd_eff *e, const char *kw)
{
	const struct sshd_value *v = sshd_eff_get(e, kw);
	char *origin = sshd_eff_origin(e, kw), *vals, *s;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; v != NULL && i < v->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v->v[i]);
	if (v != NULL && v->n == 0)
		buf_puts(&b, "(unset)");
	vals = str_printable(b.data, b.len);
	s = xasprintf("%s %s (%s)", sshdpolicy_spelled(kw), vals,
	    strcmp(origin, "default") == 0 ? "OpenSSH default" : origin);
	buf_free(&b);
	free(vals);
	free(origin);
	return s;
}

static int
same_values(const struct sshd_eff *a, const struct sshd_eff *b, const char *kw)
{
	return sshd_value_equal(sshd_eff_get(a, kw), sshd_eff_get(b, kw));
}

/* ------------------------------------------------- the settings */

/*
 * One setting check: weak() says whether the effective value falls short
 * (of the policy's expected value when there is one), with the reason in
 * *why, and the config line that fixes it in *line.
 */
struct setting {
	const struct ka_rule *id;
	const char *kw;
	int (*weak)(const struct ka_ctx *ctx, const struct sshd_eff *e,
	    const char *expect, char **why, char **line);
	int since;		/* the OpenSSH release that has kw (901: 9.1), or 0 */
};

/* The audited sshd's release as major*100+minor ("OpenSSH_8.4p1 Debian-5"
 * is 804), or 0 when it is not known. */
static int
openssh_release(const struct ka_ctx *ctx)
{
	const char *v = ctx->snap->sshd_version;
	int major = 0, minor = 0;

	if (v == NULL || (v = strstr(v, "OpenSSH_")) == NULL ||
	    sscanf(v + 8, "%d.%d", &major, &minor) != 2 || major < 1 || minor < 0 ||
	    minor > 99)
		return 0;
	return major * 100 + minor;
}

/* Does the audited sshd predate release (a keyword, a name)? Unknown: no. */
static int
sshd_before(const struct ka_ctx *ctx, int release)
{
	int have = openssh_release(ctx);

	return release > 0 && have > 0 && have < release;
}

static const char *
str(const struct sshd_eff *e, const char *kw)
{
	const char *s = sshd_eff_str(e, kw);

	return s ? s : "";
}

/* With an expected value: anything else is weak. */
static int
differs(const struct sshd_eff *e, const char *kw, const char *expect,
    char **why, char **line)
{
	char *have = sshd_value_join(sshd_eff_get(e, kw));
	int d = strcasecmp(have, expect) != 0;

	free(have);
	if (d) {
		*why = xasprintf("the policy expects %s %s", sshdpolicy_spelled(kw),
		    expect);
		*line = xasprintf("%s %s", sshdpolicy_spelled(kw), expect);
	}
	return d;
}

static int
forwarding_off(const struct sshd_eff *e)
{
	return sshd_eff_bool(e, "disableforwarding") == 1;
}

static int
weak_empty_passwords(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "permitemptypasswords", expect, why, line);
	if (strcmp(str(e, "permitemptypasswords"), "yes") != 0)
		return 0;
	*why = xstrdup(sshd_eff_bool(e, "passwordauthentication") == 1 ?
	    "an account with an empty password can be logged into with no "
	    "credential at all" : "password login is off for now, but turning it "
	    "on would open every account with an empty password");
	*line = xstrdup("PermitEmptyPasswords no");
	return 1;
}

static int
weak_root_login(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "permitrootlogin", expect, why, line);
	/* no, prohibit-password (printed without-password) and
	 * forced-commands-only all keep passwords away from root. */
	if (strcmp(str(e, "permitrootlogin"), "yes") != 0)
		return 0;
	*why = xstrdup("root can log in with a password (and every other method)");
	*line = xstrdup("PermitRootLogin prohibit-password");
	return 1;
}

static int
weak_hostbased(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "hostbasedauthentication", expect, why, line);
	if (sshd_eff_bool(e, "hostbasedauthentication") != 1)
		return 0;
	*why = xstrdup("sshd trusts client hosts to vouch for users "
	    "(/etc/hosts.equiv, ~/.shosts)");
	*line = xstrdup("HostbasedAuthentication no");
	return 1;
}

static int
weak_rhosts(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "ignorerhosts", expect, why, line);
	if (strcmp(str(e, "ignorerhosts"), "yes") == 0)
		return 0;
	*why = xstrdup(sshd_eff_bool(e, "hostbasedauthentication") == 1 ?
	    "with HostbasedAuthentication on, each user's ~/.rhosts or ~/.shosts "
	    "can grant other hosts access to the account" :
	    "users' ~/.rhosts and ~/.shosts would count as soon as "
	    "HostbasedAuthentication is turned on");
	*line = xstrdup("IgnoreRhosts yes");
	return 1;
}

static int
weak_user_env(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "permituserenvironment", expect, why, line);
	if (strcmp(str(e, "permituserenvironment"), "no") == 0)
		return 0;
	*why = xstrdup("~/.ssh/environment and environment= options can set "
	    "variables such as LD_PRELOAD, which can escape a forced command");
	*line = xstrdup("PermitUserEnvironment no");
	return 1;
}

static int
weak_max_auth_tries(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	long limit = expect ? atol(expect) : 4, have = atol(str(e, "maxauthtries"));

	(void)ctx;
	if (have <= limit)
		return 0;
	*why = xasprintf("each connection may try %ld credentials; %s allows "
	    "at most %ld", have, expect ? "the policy" : "the baseline", limit);
	*line = xasprintf("MaxAuthTries %ld", limit);
	return 1;
}

static int
log_rank(const char *level)
{
	static const char *const order[] = { "QUIET", "FATAL", "ERROR", "INFO",
	    "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3" };

	for (size_t i = 0; i < KA_ARRLEN(order); i++)
		if (strcasecmp(order[i], level) == 0)
			return (int)(i >= 5 ? 5 : i);
	return -1;
}

static int
weak_log_level(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	const char *want = expect ? expect : "VERBOSE";
	int have = log_rank(str(e, "loglevel")), need = log_rank(want);

	(void)ctx;
	if (need < 0 || have >= need)
		return 0;
	*why = expect ? xasprintf("the policy expects at least LogLevel %s", want) :
	    xstrdup("below VERBOSE sshd does not log which key logged in, so "
	    "logins cannot be traced to an authorized_keys line");
	*line = xasprintf("LogLevel %s", want);
	return 1;
}

static int
weak_pubkey_algs(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	static const char *const weak[] = { "ssh-rsa", "ssh-rsa-cert-v01@openssh.com",
	    "ssh-dss", "ssh-dss-cert-v01@openssh.com" };
	struct buf b;

	const struct sshd_value *v = sshd_eff_get(e, "pubkeyacceptedalgorithms");

	if (expect)
		return differs(e, "pubkeyacceptedalgorithms", expect, why, line);
	buf_init(&b);
	for (size_t i = 0; i < KA_ARRLEN(weak); i++)
		if (sshd_eff_accepts_alg(e, weak[i]))
			buf_printf(&b, "%s%s", b.len ? ", " : "", weak[i]);
	if (b.len == 0 && v != NULL && v->file == NULL && sshd_before(ctx, 808)) {
		/* The default above is OpenSSH 9.2's; up to 8.7 the compiled
		 * default still held ssh-rsa (sshd -T on Debian 11 shows it). */
		buf_free(&b);
		*why = xasprintf("that is OpenSSH 9.2's default; this sshd (%s) is older "
		    "than 8.8, whose own default still accepts ssh-rsa and "
		    "ssh-rsa-cert-v01@openssh.com: SHA-1 signatures, broken",
		    ctx->snap->sshd_version);
		*line = xasprintf("%s -ssh-rsa,ssh-rsa-cert-v01@openssh.com",
		    sshd_before(ctx, 805) ? "PubkeyAcceptedKeyTypes" :
		    "PubkeyAcceptedAlgorithms");
		return 1;
	}
	if (b.len == 0) {
		buf_free(&b);
		return 0;
	}
	*why = xasprintf("it accepts %s: SHA-1 or DSA signatures, both broken",
	    b.data);
	buf_free(&b);
	{
		static const char *const drop[] = { "ssh-rsa", "ssh-rsa-cert-v01@openssh.com",
		    "ssh-dss", "ssh-dss-cert-v01@openssh.com", NULL };

		/* the name that release's sshd reads (8.5 renamed it) */
		*line = sshdpolicy_alg_line(sshd_before(ctx, 805) ?
		    "PubkeyAcceptedKeyTypes" : "PubkeyAcceptedAlgorithms", v, drop, NULL);
	}
	return 1;
}

static int
weak_rsa_size(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	long want = expect ? atol(expect) : 2048, have = atol(str(e, "requiredrsasize"));

	(void)ctx;
	if (have >= want)
		return 0;
	*why = xasprintf("sshd accepts RSA keys of %ld bits; %s asks for at least "
	    "%ld (akeys.rsa-weak lists the keys that would stop working)", have,
	    expect ? "the policy" : "the baseline", want);
	*line = xasprintf("RequiredRSASize %ld", want);
	return 1;
}

static int
weak_agent_fwd(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "allowagentforwarding", expect, why, line);
	if (forwarding_off(e) || sshd_eff_bool(e, "allowagentforwarding") != 1)
		return 0;
	*why = xstrdup("a forwarded agent can be used by root here (or whoever "
	    "takes over the session) to log in elsewhere as the user");
	*line = xstrdup("AllowAgentForwarding no");
	return 1;
}

static int
weak_tcp_fwd(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "allowtcpforwarding", expect, why, line);
	if (forwarding_off(e) || strcmp(str(e, "allowtcpforwarding"), "no") == 0)
		return 0;
	*why = xstrdup("every ssh user can tunnel to whatever this host can reach");
	*line = xstrdup("AllowTcpForwarding no");
	return 1;
}

static int
weak_x11_fwd(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	(void)ctx;
	if (expect)
		return differs(e, "x11forwarding", expect, why, line);
	if (forwarding_off(e) || sshd_eff_bool(e, "x11forwarding") != 1)
		return 0;
	*why = xstrdup("the client's X display is exposed to this host");
	*line = xstrdup("X11Forwarding no");
	return 1;
}

static int
weak_ak2(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *expect, char **why, char **line)
{
	const struct sshd_value *v = sshd_eff_get(e, "authorizedkeysfile");

	(void)ctx;
	if (expect)
		return differs(e, "authorizedkeysfile", expect, why, line);
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		const char *base = strrchr(v->v[i], '/');

		base = base ? base + 1 : v->v[i];
		if (strcmp(base, "authorized_keys2") != 0)
			continue;
		*why = xasprintf("sshd also reads %s, a second key file that "
		    "reviews tend to miss", v->v[i]);
		*line = xstrdup("AuthorizedKeysFile .ssh/authorized_keys");
		return 1;
	}
	return 0;
}

static const struct setting settings[] = {
	{ &rule_sshd_permit_empty_passwords, "permitemptypasswords", weak_empty_passwords, 0 },
	{ &rule_sshd_permit_root_login, "permitrootlogin", weak_root_login, 0 },
	{ &rule_sshd_hostbased_auth, "hostbasedauthentication", weak_hostbased, 0 },
	{ &rule_sshd_ignore_rhosts, "ignorerhosts", weak_rhosts, 0 },
	{ &rule_sshd_permit_user_environment, "permituserenvironment", weak_user_env, 0 },
	{ &rule_sshd_max_auth_tries, "maxauthtries", weak_max_auth_tries, 0 },
	{ &rule_sshd_log_level, "loglevel", weak_log_level, 0 },
	{ &rule_sshd_weak_pubkey_algorithms, "pubkeyacceptedalgorithms", weak_pubkey_algs, 0 },
	{ &rule_sshd_required_rsa_size, "requiredrsasize", weak_rsa_size, 901 },
	{ &rule_sshd_agent_forwarding, "allowagentforwarding", weak_agent_fwd, 0 },
	{ &rule_sshd_tcp_forwarding, "allowtcpforwarding", weak_tcp_fwd, 0 },
	{ &rule_sshd_x11_forwarding, "x11forwarding", weak_x11_fwd, 0 },
	{ &rule_sshd_authorized_keys2, "authorizedkeysfile", weak_ak2, 0 },
};

/* Keywords whose `expect` a check of this family applies (the policy
 * family reports the others as policy.expect). */
int
sshdpolicy_covers(const char *keyword)
{
	for (size_t i = 0; i < KA_ARRLEN(settings); i++)
		if (strcasecmp(settings[i].kw, keyword) == 0)
			return 1;
	return strcasecmp(keyword, "allowusers") == 0 ||
	    strcasecmp(keyword, "allowgroups") == 0;
}

static const char *
policy_value(const struct ka_ctx *ctx, const char *kw)
{
	return ctx->opts ? policy_expect(ctx->opts->policy, kw) : NULL;
}

static void
report(struct ka_ctx *ctx, const struct ka_rule *id, const struct ka_user *u,
    const struct sshd_eff *e, const char *kw, const char *why, const char *line)
{
	char *d = directive(e, kw);
	struct ka_finding *f;
	const char *path;
	long lno;

	ctx_setting_where(ctx, e, kw, &path, &lno);
	if (u == NULL)
		f = ctx_finding(ctx, id, NULL, path, lno, NULL, "%s: %s", d, why);
	else
		f = ctx_finding(ctx, id, u->name, path, lno, NULL, "%s, in a Match block "
		    "that applies to %s: %s", d, u->name, why);
	ctx_fix_config(ctx, f, e, kw, line);
	free(d);
}

/* The host-wide value, then each audited user whose Match blocks give a
 * different one. */
static void
check_setting(struct ka_ctx *ctx, const struct setting *s)
{
	const char *expect = policy_value(ctx, s->kw);

	if (sshd_before(ctx, s->since))
		return;
	for (size_t i = 0; i <= ctx->nusers; i++) {
		const struct ka_user *u = i == 0 ? NULL : &ctx->users[i - 1];
		const struct sshd_eff *e = u ? u->eff : ctx->global;
		char *why = NULL, *line = NULL;

		if (e == NULL || (u != NULL && (u->acct == NULL ||
		    same_values(e, ctx->global, s->kw))))
			continue;
		if (s->weak(ctx, e, expect, &why, &line))
			report(ctx, s->id, u, e, s->kw, why, line);
		free(why);
		free(line);
	}
}

static void
check_allow_list(struct ka_ctx *ctx)
{
	static const char *const kws[] = { "allowusers", "allowgroups" };
	const struct sshd_value *au = sshd_eff_get(ctx->global, "allowusers");
	const struct sshd_value *ag = sshd_eff_get(ctx->global, "allowgroups");
	int any_expect = 0;

	for (size_t i = 0; i < KA_ARRLEN(kws); i++) {
		const char *expect = policy_value(ctx, kws[i]);
		char *why = NULL, *line = NULL;

		if (expect == NULL)
			continue;
		any_expect = 1;
		if (differs(ctx->global, kws[i], expect, &why, &line))
			report(ctx, &rule_sshd_no_allow_list, NULL, ctx->global, kws[i],
			    why, line);
		free(why);
		free(line);
	}
	if (any_expect || (au != NULL && au->n > 0) || (ag != NULL && ag->n > 0))
		return;
	{
		char *fix = sshdpolicy_fix(ctx, ctx->global, "allowgroups",
		    "AllowGroups sshusers");
		char *full = xasprintf("groupadd -f sshusers, then usermod -aG sshusers "
		    "USER for each account that may log in with ssh; then %s", fix);

		ctx_finding(ctx, &rule_sshd_no_allow_list, NULL, ctx_sshd_config_path(ctx), 0, full,
		    "AllowUsers and AllowGroups are not set: every account with a "
		    "usable credential may log in over ssh");
		free(full);
		free(fix);
	}
}

/* Password (or, with PAM, keyboard-interactive) login off for the host and
 * back on for a user through Match. */
static void
check_match_password(struct ka_ctx *ctx)
{
	static const char *const kws[] = { "passwordauthentication",
	    "kbdinteractiveauthentication" };
	int pam = sshd_eff_bool(ctx->global, "usepam") == 1;

	for (size_t k = 0; k < KA_ARRLEN(kws); k++) {
		if (k == 1 && !pam)
			continue;	/* no keyboard-interactive device without PAM */
		if (sshd_eff_bool(ctx->global, kws[k]) != 0)
			continue;
		for (size_t i = 0; i < ctx->nusers; i++) {
			const struct ka_user *u = &ctx->users[i];
			char *line, *why;

			if (u->acct == NULL || u->eff == NULL ||
			    sshd_eff_bool(u->eff, kws[k]) != 1)
				continue;
			line = xasprintf("%s no", sshdpolicy_spelled(kws[k]));
			why = xasprintf("%s is off for the host but on for %s, who "
			    "stays open to password guessing",
			    sshdpolicy_spelled(kws[k]), u->name);
			report(ctx, &rule_sshd_match_password, u, u->eff, kws[k], why, line);
			free(why);
			free(line);
		}
	}
}

/* ------------------------------------------- directives as written */

struct oldkw {
	const char *name;	/* lower-case */
	const char *now;	/* the current name, or NULL: ignored */
	const char *note;
	int since;		/* the release that renamed it (807: 8.7), or 0 */
};

static const struct oldkw oldkws[] = {
	{ "protocol", NULL, "SSH protocol 1 is gone; sshd speaks only 2", 0 },
	{ "useprivilegeseparation", NULL, "privilege separation is always on "
	  "since OpenSSH 7.5", 0 },
	{ "rsaauthentication", NULL, "an SSH protocol 1 option", 0 },
	{ "rhostsrsaauthentication", NULL, "an SSH protocol 1 option", 0 },
	{ "rhostsauthentication", NULL, "an SSH protocol 1 option", 0 },
	{ "keyregenerationinterval", NULL, "an SSH protocol 1 option", 0 },
	{ "serverkeybits", NULL, "an SSH protocol 1 option", 0 },
	{ "uselogin", NULL, "removed in OpenSSH 7.4", 0 },
	{ "authorizedkeysfile2", NULL, "list every file in AuthorizedKeysFile "
	  "instead", 0 },
	{ "pamauthenticationviakbdint", NULL, "KbdInteractiveAuthentication "
	  "with UsePAM replaces it", 0 },
	{ "checkmail", NULL, "removed long ago", 0 },
	{ "verifyreversemapping", NULL, "UseDNS replaces it", 0 },
	{ "reversemappingcheck", NULL, "UseDNS replaces it", 0 },
	{ "permitblacklistedkeys", NULL, "Debian's weak-key blacklist is gone", 0 },
	{ "kerberosgetafstoken", NULL, "not supported by this sshd", 0 },
	{ "kerberostgtpassing", NULL, "not supported by this sshd", 0 },
	{ "afstokenpassing", NULL, "not supported by this sshd", 0 },
	{ "gssusesessionccache", NULL, "not supported by this sshd", 0 },
	{ "gssapiusesessioncredcache", NULL, "not supported by this sshd", 0 },
	{ "challengeresponseauthentication", "KbdInteractiveAuthentication",
	  "renamed in OpenSSH 8.7", 807 },
	{ "pubkeyacceptedkeytypes", "PubkeyAcceptedAlgorithms", "renamed in "
	  "OpenSSH 8.5", 805 },
	{ "hostbasedacceptedkeytypes", "HostbasedAcceptedAlgorithms", "renamed "
	  "in OpenSSH 8.5", 805 },
	{ "dsaauthentication", "PubkeyAuthentication", "an SSH protocol 1 name", 0 },
	{ "skeyauthentication", "KbdInteractiveAuthentication", "S/Key is gone", 0 },
	{ "hostdsakey", "HostKey", "an old name", 0 },
	{ "keepalive", "TCPKeepAlive", "an old name", 0 },
};

/* Findings per host for one rule over the lines as written: a generated
 * config could hold thousands. */
#define MAX_RAW_FINDINGS 50

static void
removed_line(struct ka_ctx *ctx, const struct ssh_directive *d, const char *note)
{
	char *args = str_printable(d->args, strlen(d->args));
	char *word = str_printable(d->spelled, strlen(d->spelled));
	char *fix = xasprintf("delete line %d of %s (it has no effect)", d->line,
	    d->file);

	ctx_finding(ctx, &rule_sshd_removed_keyword, NULL, d->file, d->line, fix,
	    "'%s %s' at %s:%d is ignored by sshd (%s): whatever it was meant to "
	    "set is not in force", word, args, d->file, d->line, note);
	free(fix);
	free(word);
	free(args);
}

static void
check_old_keywords(struct ka_ctx *ctx, const struct ssh_directives *dl)
{
	size_t nrem = 0, ndep = 0;

	for (size_t i = 0; i < dl->n; i++) {
		const struct ssh_directive *d = &dl->v[i];
		char *args, *word, *fix;

		for (size_t k = 0; k < KA_ARRLEN(oldkws); k++) {
			const struct oldkw *o = &oldkws[k];

			if (strcmp(d->keyword, o->name) != 0)
				continue;
			/* before the rename the old name is the current one */
			if (sshd_before(ctx, o->since))
				break;
			if (ctx->release != 0) {
				struct rel_kw_info ri;
				enum rel_kw_state st = release_sshd_keyword(
				    ctx->release, o->name, &ri);

				if (st == RKW_UNKNOWN && !release_vendor_keyword(
				    ctx->release, o->name, &ri))
					break;	/* sshd.syntax: it refuses it */
				if (st == RKW_UNKNOWN)
					st = ri.state;
				/* a working option in that release (7.4's
				 * UsePrivilegeSeparation), or an old name it
				 * only logs and ignores (SKeyAuthentication
				 * 7.8 to 8.6) */
				if (o->now == NULL && st == RKW_OK)
					break;
				if (o->now != NULL && st != RKW_OK) {
					if (nrem++ < MAX_RAW_FINDINGS)
						removed_line(ctx, d, "ignored by this "
						    "release's sshd");
					break;
				}
			}
			args = str_printable(d->args, strlen(d->args));
			word = str_printable(d->spelled, strlen(d->spelled));
			if (o->now == NULL && nrem++ < MAX_RAW_FINDINGS) {
				fix = xasprintf("delete line %d of %s (it has no effect)",
				    d->line, d->file);
				ctx_finding(ctx, &rule_sshd_removed_keyword, NULL, d->file,
				    d->line, fix, "'%s %s' at %s:%d is ignored by sshd "
				    "(%s): whatever it was meant to set is not in force",
				    word, args, d->file, d->line, o->note);
				free(fix);
			} else if (o->now != NULL && ndep++ < MAX_RAW_FINDINGS) {
				fix = xasprintf("in %s line %d, change the line to '%s %s'",
				    d->file, d->line, o->now, args);
				ctx_finding(ctx, &rule_sshd_deprecated_keyword, NULL, d->file,
				    d->line, fix, "'%s' at %s:%d is an old name for %s (%s)",
				    word, d->file, d->line, o->now, o->note);
				free(fix);
			}
			free(word);
			free(args);
			break;
		}
	}
}

/* "%h/.ssh/x" and ".ssh/x" name the same file for every user. */
static const char *
ak_norm(const char *entry)
{
	if (strncmp(entry, "%h/", 3) == 0)
		return entry + 3;
	return entry;
}

static void
check_ak_duplicates(struct ka_ctx *ctx, const struct ssh_directives *dl)
{
	const struct ssh_directive *first = NULL;
	size_t nf = 0;

	/* A second global AuthorizedKeysFile line loses to the first. */
	for (size_t i = 0; i < dl->n; i++) {
		const struct ssh_directive *d = &dl->v[i];
		char *args, *fargs, *fix;

		if (d->block != -1 || strcmp(d->keyword, "authorizedkeysfile") != 0)
			continue;
		if (first == NULL) {
			first = d;
			continue;
		}
		if (nf++ >= MAX_RAW_FINDINGS)
			break;
		args = str_printable(d->args, strlen(d->args));
		fargs = str_printable(first->args, strlen(first->args));
		fix = xasprintf("delete line %d of %s; if sshd should read both, "
		    "change %s line %d to 'AuthorizedKeysFile %s %s'; then run: %s",
		    d->line, d->file, first->file, first->line, fargs, args,
		    reload_cmd(ctx));
		ctx_finding(ctx, &rule_sshd_authkeys_file_duplicate, NULL, d->file, d->line,
		    fix, "'AuthorizedKeysFile %s' at %s:%d is ignored: the one at "
		    "%s:%d ('%s') comes first and wins", args, d->file, d->line,
		    first->file, first->line, fargs);
		free(fix);
		free(fargs);
		free(args);
	}

	/* The same file twice in the effective list. */
	for (size_t u = 0; u <= ctx->nusers; u++) {
		const struct ka_user *us = u == 0 ? NULL : &ctx->users[u - 1];
		const struct sshd_eff *e = us ? us->eff : ctx->global;
		const struct sshd_value *v;
		const char *path;
		long line;

		if (e == NULL || (us != NULL && (us->acct == NULL ||
		    same_values(e, ctx->global, "authorizedkeysfile"))))
			continue;
		v = sshd_eff_get(e, "authorizedkeysfile");
		for (size_t i = 0; v != NULL && i < v->n; i++) {
			size_t j;

			for (j = 0; j < i; j++)
				if (strcmp(ak_norm(v->v[i]), ak_norm(v->v[j])) == 0)
					break;
			if (j == i)
				continue;
			{
				char *d = directive(e, "authorizedkeysfile");
				char *ent = str_printable(v->v[i], strlen(v->v[i]));
				char *fix = sshdpolicy_fix(ctx, e, "authorizedkeysfile",
				    "AuthorizedKeysFile .ssh/authorized_keys");

				ctx_setting_where(ctx, e, "authorizedkeysfile", &path, &line);
				ctx_finding(ctx, &rule_sshd_authkeys_file_duplicate,
				    us ? us->name : NULL, path, line, fix, "%s names %s "
				    "twice: sshd reads the file twice%s%s", d, ent,
				    us ? " for " : "", us ? us->name : "");
				free(fix);
				free(ent);
				free(d);
			}
			break;
		}
	}
}

static void
run(struct ka_ctx *ctx)
{
	/* Defaults are a guess when the file could not be read (sshd.c says
	 * so with sshd.config-unreadable). */
	if (!ctx->sshd_config_found) {
		for (size_t i = 0; i < KA_ARRLEN(rules); i++)
			ctx_skip(ctx, rules[i], ctx_sshd_config_path(ctx), "the sshd "
			    "configuration could not be read");
		return;
	}
	for (size_t i = 0; i < KA_ARRLEN(settings); i++)
		check_setting(ctx, &settings[i]);
	check_allow_list(ctx);
	check_match_password(ctx);
	check_old_keywords(ctx, sshdconf_directives(ctx->sshd));
	check_ak_duplicates(ctx, sshdconf_directives(ctx->sshd));
}

const struct ka_check check_sshdpolicy = { "sshd", rules, KA_ARRLEN(rules), run };
