/* sshd.c - the sshd configuration as it bears on key login: a configuration
 * sshd rejects, settings that switch key login off or demand more than a key
 * (for each audited user, Match blocks applied), keys the configuration
 * refuses (algorithm, RSA size, RevokedKeys), and settings that weaken the
 * host (password and keyboard-interactive login, StrictModes off).
 *
 * Values come from the effective configuration the context computed
 * (scanner/parse/sshdconf.c); every message names the directive and where it was
 * set, every fix is the line to put in sshd_config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"
#include "scanner/parse/krl.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshdtest.h"

const struct ka_rule rule_sshd_syntax = {
	.id = "sshd.syntax", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "sshd rejects its configuration",
	.help = "An unknown keyword, a keyword not allowed inside Match, a bad value, a "
	    "broken Match line or an Include loop makes sshd refuse the whole "
	    "configuration: a running sshd keeps its old settings, but it will not "
	    "restart, and every new sshd (after a reboot or upgrade) fails to start. "
	    "`sshd -t` shows the same error. With privileges keyaudit runs the "
	    "target's own `sshd -t` (without them `sshd -G`, 9.3+) and reports its "
	    "words; where it accepts a configuration keyaudit would refuse, "
	    "sshd wins.",
};

const struct ka_rule rule_sshd_pubkey_disabled = {
	.id = "sshd.pubkey-disabled", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "public key authentication is switched off",
	.help = "PubkeyAuthentication no (globally or in a Match block that applies to "
	    "the user) makes sshd refuse every key, whatever authorized_keys holds.",
	.chain = CHAIN_METHODS,
};

const struct ka_rule rule_sshd_refuse_connection = {
	.id = "sshd.refuse-connection", .severity = SEV_CRITICAL, .blocks_login = 1,
	.title = "sshd refuses the connection (RefuseConnection yes)",
	.help = "RefuseConnection yes (OpenSSH 9.9 and later, globally or in a Match "
	    "block that applies to the user) makes sshd drop the connection once it "
	    "has looked the user up, before any key is tried.",
	.chain = CHAIN_METHODS,
};

const struct ka_rule rule_sshd_no_keys_file = {
	.id = "sshd.no-keys-file", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "sshd reads no authorized_keys file",
	.help = "AuthorizedKeysFile none and no AuthorizedKeysCommand: sshd has nowhere "
	    "to look for the user's keys, so no key can log in (certificates "
	    "trusted through TrustedUserCAKeys excepted).",
	.chain = CHAIN_KEY + 5,
};

const struct ka_rule rule_sshd_strictmodes_off = {
	.id = "sshd.strictmodes-off", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "StrictModes is off",
	.help = "With StrictModes no, sshd accepts authorized_keys files and home "
	    "directories that other users can write, so anyone who can write there "
	    "can add a key and log in as the user.",
};

const struct ka_rule rule_sshd_root_login = {
	.id = "sshd.root-login", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "PermitRootLogin refuses key login as root",
	.help = "PermitRootLogin no refuses every login as root; forced-commands-only "
	    "accepts only keys whose authorized_keys line has command=. The refusal "
	    "is logged ('ROOT LOGIN REFUSED') but the client only sees 'Permission "
	    "denied'.",
	.chain = CHAIN_ROOT,
};

const struct ka_rule rule_sshd_auth_methods = {
	.id = "sshd.auth-methods", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "AuthenticationMethods needs more than a key",
	.help = "When every list in AuthenticationMethods requires another method "
	    "(password, keyboard-interactive, a second key) or lacks publickey, a key "
	    "alone never completes the login: sshd answers 'partial success' and "
	    "asks for more.",
	.chain = CHAIN_ROOT + 2,
};

const struct ka_rule rule_sshd_key_algorithm = {
	.id = "sshd.key-algorithm", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the key's algorithm is not accepted by sshd",
	.help = "sshd only accepts keys whose signature algorithm is in "
	    "PubkeyAcceptedAlgorithms (and, for cert-authority keys, certificates "
	    "signed with an algorithm in CASignatureAlgorithms). ssh-dss is not in "
	    "the default list, and ssh-rsa with SHA-1 has not been since 8.8; an "
	    "RSA key still works through rsa-sha2-256/512.",
	.chain = CHAIN_KEY,
};

const struct ka_rule rule_sshd_rsa_size = {
	.id = "sshd.rsa-size", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "RSA key below RequiredRSASize",
	.help = "sshd refuses RSA keys shorter than RequiredRSASize (1024 bits by "
	    "default, often raised to 2048 or 3072).",
	.chain = CHAIN_KEY + 2,
};

const struct ka_rule rule_sshd_force_command = {
	.id = "sshd.force-command", .severity = SEV_INFO, .blocks_login = 0,
	.title = "ForceCommand replaces every command the user asks for",
	.help = "sshd runs the ForceCommand (through the user's shell) instead of the "
	    "command or shell the client asked for. When that command fails or "
	    "exits at once, the key login succeeds and the session still ends: "
	    "'Accepted publickey' in sshd's log, nothing useful on the client.",
	.chain = CHAIN_SESSION + 3,
};

const struct ka_rule rule_sshd_chroot_perms = {
	.id = "sshd.chroot-perms", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "ChrootDirectory is not root-owned or is writable by others",
	.help = "sshd accepts the key, then ends the session: every component of the "
	    "ChrootDirectory path must be a directory owned by root and not "
	    "writable by group or others ('fatal: bad ownership or modes for chroot "
	    "directory'). A user-owned home as chroot is the usual mistake.",
	.chain = CHAIN_SESSION + 2,
};

const struct ka_rule rule_sshd_revoked_key = {
	.id = "sshd.revoked-key", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the key is revoked by RevokedKeys",
	.help = "sshd refuses a key listed in the RevokedKeys file (a list of public "
	    "keys) or revoked by it (a KRL made by ssh-keygen -k: the key itself, or "
	    "its SHA1 or SHA256 fingerprint). A RevokedKeys file that is missing or "
	    "holds a line that is not a public key makes the revocation check fail, "
	    "and sshd then refuses every key; a KRL sshd cannot load is cert.krl-invalid.",
	.chain = CHAIN_KEY + 3,
};

const struct ka_rule rule_sshd_password_auth = {
	.id = "sshd.password-auth", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "password authentication is enabled",
	.help = "PasswordAuthentication yes (the compiled default) lets anyone who can "
	    "reach sshd guess passwords. With keys in place, switch it off.",
};

const struct ka_rule rule_sshd_kbdint_auth = {
	.id = "sshd.kbdint-auth", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "keyboard-interactive authentication is enabled",
	.help = "KbdInteractiveAuthentication yes with UsePAM yes lets PAM ask for a "
	    "password: password guessing stays possible even with "
	    "PasswordAuthentication no.",
};

const struct ka_rule rule_sshd_config_unreadable = {
	.id = "sshd.config-unreadable", .severity = SEV_INFO, .blocks_login = 0,
	.title = "the sshd configuration could not be read",
	.help = "The main sshd_config (or an Included file) was not collected or could "
	    "not be read, usually because keyaudit ran without privileges: checks "
	    "that depend on it use OpenSSH's compiled defaults and may be wrong.",
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_syntax,
	&rule_sshd_pubkey_disabled,
	&rule_sshd_refuse_connection,
	&rule_sshd_no_keys_file,
	&rule_sshd_strictmodes_off,
	&rule_sshd_root_login,
	&rule_sshd_auth_methods,
	&rule_sshd_key_algorithm,
	&rule_sshd_rsa_size,
	&rule_sshd_force_command,
	&rule_sshd_chroot_perms,
	&rule_sshd_revoked_key,
	&rule_sshd_password_auth,
	&rule_sshd_kbdint_auth,
	&rule_sshd_config_unreadable,
};

/* findings of sshd.syntax per host; sshd stops at the first anyway */
#define MAX_SYNTAX_FINDINGS 20

/* The directive as sshd_config spells it, for messages and fixes. */
static const char *
spelled(const char *kw)
{
	static const char *const names[] = {
		"AuthenticationMethods", "AuthorizedKeysCommand", "ChrootDirectory",
		"ForceCommand",
		"AuthorizedKeysFile", "CASignatureAlgorithms",
		"KbdInteractiveAuthentication", "PasswordAuthentication",
		"PermitRootLogin", "PubkeyAcceptedAlgorithms",
		"PubkeyAuthentication", "RequiredRSASize", "RevokedKeys",
		"StrictModes", "UsePAM",
	};

	for (size_t i = 0; i < KA_ARRLEN(names); i++)
		if (strcasecmp(names[i], kw) == 0)
			return names[i];
	return kw;
}

/* "PubkeyAuthentication no (/etc/ssh/sshd_config:42)". Caller frees. */
static char *
directive(const struct sshd_eff *e, const char *kw)
{
	const struct sshd_value *v = sshd_eff_get(e, kw);
	char *origin = sshd_eff_origin(e, kw), *vals, *s;
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; v != NULL && i < v->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v->v[i]);
	vals = str_printable(b.data ? b.data : "", b.len);
	s = xasprintf("%s %s (%s)", spelled(kw), vals, strcmp(origin, "default") == 0 ?
	    "OpenSSH default" : origin);
	buf_free(&b);
	free(vals);
	free(origin);
	return s;
}

static void
set_fp(struct ka_finding *f, const char *fp)
{
	if (f != NULL && fp != NULL && f->key_fp == NULL)
		f->key_fp = xstrdup(fp);
}

/* ------------------------------------------------ reading the config */

/* Did the target's own sshd accept this configuration: sshd -t exited 0,
 * or sshd -T or -G printed it? */
static int
sshd_t_accepted(const struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;

	if ((s->sshd_test_ran && s->sshd_test_rc == 0) || s->sshd_g != NULL)
		return 1;
	for (size_t i = 0; i < s->nsshd_t; i++)
		if (s->sshd_t[i].output != NULL)
			return 1;
	return 0;
}

/* sshd's complaints that count, at most this many lines (the collectors
 * keep ten) */
#define MAX_TARGET_MSGS 16

/*
 * The target's own sshd refused its configuration (sshd -t with privileges;
 * without them sshd -G, but only where it names a file:line: as an
 * unprivileged user it also fails on files it may not read). Each file:line
 * it names is one sshd.syntax with its own words, added to *named as
 * "FILE:LINE" so that keyaudit's prediction for the same line is not a
 * second finding; a refusal naming no line is one finding on the main
 * file. Returns 0 when the target did not refuse, 1 when it refused
 * naming lines, 2 when it refused naming none: it read every line and
 * stopped later (host keys, a setting that needs another), so the
 * lines themselves are sshd's to accept.
 */
static int
target_refusal(struct ka_ctx *ctx, struct strlist *named)
{
	const struct snapshot *s = ctx->snap;
	struct sshdtest_msg m[MAX_TARGET_MSGS];
	const char *err;
	size_t n, nlined = 0;
	char status[32];
	int g = 0;

	if (s->sshd_test_ran) {
		if (s->sshd_test_rc == 0)
			return 0;
		if (s->sshd_test_rc < 0) {
			const char *e = s->sshd_test_err ? s->sshd_test_err :
			    "sshd -t did not finish";
			char *pr = str_printable(e, strlen(e));

			ctx_skip(ctx, &rule_sshd_syntax, ctx_sshd_config_path(ctx), "%s", pr);
			free(pr);
			return 0;
		}
		if (sshdtest_environmental(s->sshd_test_err)) {
			char *pr = str_printable(s->sshd_test_err, strcspn(s->sshd_test_err,
			    "\n"));

			ctx_skip(ctx, &rule_sshd_syntax, ctx_sshd_config_path(ctx), "the "
			    "target's sshd -t could not judge the configuration here (%s: "
			    "the service creates it when it starts)", pr);
			free(pr);
			return 0;
		}
		err = s->sshd_test_err ? s->sshd_test_err : "";
		snprintf(status, sizeof(status), "sshd -t exited %d", s->sshd_test_rc);
	} else if (s->sshd_g == NULL && s->sshd_g_err != NULL) {
		err = s->sshd_g_err;
		if (strncmp(err, "sshd -G failed: ", 16) == 0)
			err += 16;
		snprintf(status, sizeof(status), "sshd -G failed");
		g = 1;
	} else
		return 0;
	n = sshdtest_parse(err, m, MAX_TARGET_MSGS);
	for (size_t i = 0; i < n; i++) {
		char *key, *q, *fix;

		if (m[i].file == NULL)
			continue;
		nlined++;
		key = xasprintf("%s:%ld", m[i].file, m[i].line);
		if (strlist_has(named, key)) {
			free(key);
			continue;	/* sshd often says a line twice */
		}
		strlist_add_owned(named, key);
		if (named->n > MAX_SYNTAX_FINDINGS)
			continue;
		q = shell_quote(m[i].file);
		fix = xasprintf("edit %s line %ld, then check with: sshd -t", q, m[i].line);
		ctx_finding(ctx, &rule_sshd_syntax, NULL, m[i].file, m[i].line, fix,
		    "the target's sshd refuses its configuration (%s): \"%s\". sshd "
		    "will not start (or restart) until this is fixed", status, m[i].text);
		free(fix);
		free(q);
	}
	if (nlined == 0 && !g) {
		struct buf b;

		buf_init(&b);
		for (size_t i = 0; i < n && i < 3; i++)
			buf_printf(&b, "%s%s", i ? "; " : "", m[i].text);
		ctx_finding(ctx, &rule_sshd_syntax, NULL, ctx_sshd_config_path(ctx), 0,
		    "fix what sshd -t says, then check again with: sshd -t",
		    "the target's sshd refuses to start with its configuration (%s)%s%s%s. "
		    "sshd will not start (or restart) until this is fixed", status,
		    b.len ? ": \"" : "", b.len ? b.data : "", b.len ? "\"" : "");
		buf_free(&b);
	}
	sshdtest_free(m, n);
	return nlined > 0 ? 1 : g ? 0 : 2;
}

static void
check_config_read(struct ka_ctx *ctx)
{
	const char *main = ctx_sshd_config_path(ctx);
	size_t n = sshdconf_nerrors(ctx->sshd), nsyntax = 0;
	struct strlist named = { 0 };
	int accepted = sshd_t_accepted(ctx), refused;

	if (!ctx->sshd_config_found) {
		const struct snap_file *f = snap_file_get(ctx->snap, main);
		char *why = f == NULL ? xstrdup("was not collected") :
		    f->type == SNAP_NOENT ? xstrdup("does not exist") :
		    f->read_error ? xasprintf("could not be read (%s)", f->read_error) :
		    xstrdup("could not be read");

		ctx_finding(ctx, &rule_sshd_config_unreadable, NULL, main, 0,
		    "run keyaudit with privileges (--sudo) so it can read the file",
		    "%s %s: the sshd checks assume OpenSSH's compiled defaults "
		    "(PubkeyAuthentication yes, PasswordAuthentication yes, "
		    "AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2)",
		    main, why);
		free(why);
	}
	refused = target_refusal(ctx, &named);
	nsyntax = named.n;
	for (size_t i = 0; i < n; i++) {
		const struct sshdconf_error *e = sshdconf_error_at(ctx->sshd, i);

		if (e->unknown) {
			if (strcmp(e->file, main) == 0 && e->line == 0)
				continue;	/* reported above */
			ctx_finding(ctx, &rule_sshd_config_unreadable, NULL, e->file,
			    e->line, NULL, "%s: the sshd checks use what could be "
			    "read and OpenSSH's defaults for the rest", e->msg);
			continue;
		}
		if (accepted || refused == 2) {
			/* The target's sshd ran on this configuration and
			 * accepted its lines, so the error is keyaudit's. */
			ctx_skip(ctx, &rule_sshd_syntax, e->file, "keyaudit finds '%s' at "
			    "line %d but the target's sshd %s the configuration's "
			    "lines (a keyaudit bug)", e->msg, e->line, accepted ?
			    "accepted" : "read past");
			continue;
		}
		if (refused) {
			/* the target named this line itself: one finding */
			char *key = xasprintf("%s:%d", e->file, e->line);
			int dup = strlist_has(&named, key);

			free(key);
			if (dup)
				continue;
		}
		if (nsyntax++ >= MAX_SYNTAX_FINDINGS)
			continue;
		{
			char *q = shell_quote(e->file);
			char *fix = xasprintf("edit %s line %d, then check with: sshd -t",
			    q, e->line);

			ctx_finding(ctx, &rule_sshd_syntax, NULL, e->file, e->line, fix,
			    "sshd rejects its configuration: %s line %d: %s. sshd will "
			    "not start (or restart) until this is fixed", e->file,
			    e->line, e->msg);
			free(fix);
			free(q);
		}
	}
	strlist_free(&named);
}

/* ------------------------------------------------------ host-wide */

/*
 * A setting that weakens the host: report the global value, and each
 * Match-block value that turns it back on for an audited user, once per
 * place it is set.
 */
static void
check_enabled(struct ka_ctx *ctx, const char *kw, const struct ka_rule *rule,
    const char *why)
{
	struct strlist seen = { 0 };
	char *fix = xasprintf("%s no", spelled(kw));

	for (size_t i = 0; i <= ctx->nusers; i++) {
		const struct ka_user *u = i == 0 ? NULL : &ctx->users[i - 1];
		const struct sshd_eff *e = u ? u->eff : ctx->global;
		struct ka_finding *f;
		char *origin, *d;
		const char *path;
		long line;

		if (e == NULL || sshd_eff_bool(e, kw) != 1)
			continue;
		/* An answer re-read from the target's sshd -T has no lines
		 * of its own; the global finding covers it. */
		if (u != NULL && u->disagree.n > 0 && sshd_eff_bool(ctx->global, kw) == 1)
			continue;
		origin = sshd_eff_origin(e, kw);
		if (strlist_has(&seen, origin)) {
			free(origin);
			continue;
		}
		strlist_add_owned(&seen, origin);
		ctx_setting_where(ctx, e, kw, &path, &line);
		d = directive(e, kw);
		if (u == NULL)
			f = ctx_finding(ctx, rule, NULL, path, line, NULL, "%s: %s", d, why);
		else
			f = ctx_finding(ctx, rule, NULL, path, line, NULL, "%s, in a Match "
			    "block that applies to %s: %s", d, u->name, why);
		ctx_fix_config(ctx, f, e, kw, fix);
		free(d);
	}
	strlist_free(&seen);
	free(fix);
}

static void
check_host(struct ka_ctx *ctx)
{
	const char *path;
	long line;

	/* Only what the file says weakens the host: defaults are a guess. */
	if (!ctx->sshd_config_found) {
		static const struct ka_rule *const ids[] = { &rule_sshd_strictmodes_off,
		    &rule_sshd_password_auth, &rule_sshd_kbdint_auth };
		for (size_t i = 0; i < KA_ARRLEN(ids); i++)
			ctx_skip(ctx, ids[i], ctx_sshd_config_path(ctx), "the sshd configuration "
			    "could not be read");
		return;
	}
	if (sshd_eff_bool(ctx->global, "strictmodes") == 0) {
		char *d = directive(ctx->global, "strictmodes");

		ctx_setting_where(ctx, ctx->global, "strictmodes", &path, &line);
		ctx_fix_config(ctx, ctx_finding(ctx, &rule_sshd_strictmodes_off, NULL,
		    path, line, NULL, "%s: sshd accepts authorized_keys files and "
		    "directories that others can write, so whoever can write them can "
		    "add a key", d), ctx->global, "strictmodes", "StrictModes yes");
		free(d);
	}
	check_enabled(ctx, "passwordauthentication", &rule_sshd_password_auth,
	    "anyone who reaches sshd can try passwords");
	/* Without PAM, keyboard-interactive has no device on Linux. */
	if (sshd_eff_bool(ctx->global, "usepam") == 1)
		check_enabled(ctx, "kbdinteractiveauthentication", &rule_sshd_kbdint_auth,
		    "with UsePAM yes, PAM asks for passwords through it");
}

/* ------------------------------------------------------ per user */

static void
check_pubkey(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *path;
	long line;
	char *d;

	if (sshd_eff_bool(u->eff, "pubkeyauthentication") != 0)
		return;
	ctx_setting_where(ctx, u->eff, "pubkeyauthentication", &path, &line);
	d = directive(u->eff, "pubkeyauthentication");
	ctx_fix_config(ctx, ctx_finding(ctx, &rule_sshd_pubkey_disabled, u->name, path,
	    line, NULL, "%s: sshd refuses every key for %s", d, u->name), u->eff,
	    "pubkeyauthentication", "PubkeyAuthentication yes");
	free(d);
}

static void
check_refuse(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *path;
	long line;
	char *d;

	if (sshd_eff_bool(u->eff, "refuseconnection") != 1)
		return;
	ctx_setting_where(ctx, u->eff, "refuseconnection", &path, &line);
	d = directive(u->eff, "refuseconnection");
	ctx_fix_config(ctx, ctx_finding(ctx, &rule_sshd_refuse_connection, u->name,
	    path, line, NULL, "%s: sshd drops every connection for %s before a key "
	    "is tried", d, u->name), u->eff, "refuseconnection", "RefuseConnection no");
	free(d);
}

static int
is_none(const char *s)
{
	return s == NULL || strcasecmp(s, "none") == 0;
}

static void
check_keys_file(struct ka_ctx *ctx, const struct ka_user *u)
{
	const struct sshd_value *v = sshd_eff_get(u->eff, "authorizedkeysfile");
	const char *path;
	long line;
	char *d;

	if (v == NULL || !is_none(sshd_eff_str(u->eff, "authorizedkeyscommand")))
		return;
	for (size_t i = 0; i < v->n; i++)
		if (!is_none(v->v[i]))
			return;
	ctx_setting_where(ctx, u->eff, "authorizedkeysfile", &path, &line);
	d = directive(u->eff, "authorizedkeysfile");
	ctx_fix_config(ctx, ctx_finding(ctx, &rule_sshd_no_keys_file, u->name, path,
	    line, NULL, "%s and no AuthorizedKeysCommand: sshd reads no key for %s",
	    d, u->name), u->eff, "authorizedkeysfile",
	    "AuthorizedKeysFile .ssh/authorized_keys");
	free(d);
}

/* The methods of one AuthenticationMethods list: how many publickey, and
 * whether anything else is needed. */
static void
method_list(const char *list, int *npub, int *other)
{
	const char *p = list;

	*npub = 0;
	*other = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		if (n == 9 && strncmp(p, "publickey", 9) == 0)
			(*npub)++;
		else if (n > 0)
			*other = 1;
		p += n;
		if (*p == ',')
			p++;
	}
}

/* How many different keys the account's AuthorizedKeysFile(s) list as
 * usable lines (a cert-authority line is a CA, not a key). */
static size_t
distinct_keys(struct ka_ctx *ctx, const struct ka_user *u)
{
	struct strlist fps = { 0 };
	size_t n;

	for (size_t i = 0; !u->keys_unexamined && i < u->akfiles.n; i++) {
		const struct ak_file *af;
		char *canon = NULL;
		const char *why;

		if (snap_realpath(ctx->snap, u->akfiles.v[i], &canon, &why) != 0)
			continue;
		af = ctx_akfile(ctx, canon, u->name);
		free(canon);
		for (size_t j = 0; af != NULL && j < af->n; j++) {
			const struct ak_line *l = &af->lines[j];

			if (l->status == AK_KEY && !l->opts.cert_authority &&
			    l->fp != NULL && !strlist_has(&fps, l->fp))
				strlist_add(&fps, l->fp);
		}
	}
	n = fps.n;
	strlist_free(&fps);
	return n;
}

/* Keys may come from somewhere keyaudit cannot list. */
static int
key_source_open(const struct ka_user *u)
{
	const char *cmd = sshd_eff_str(u->eff, "authorizedkeyscommand");
	const char *ca = sshd_eff_str(u->eff, "trustedusercakeys");

	return (cmd != NULL && strcasecmp(cmd, "none") != 0) ||
	    (ca != NULL && strcasecmp(ca, "none") != 0);
}

static void
check_auth_methods(struct ka_ctx *ctx, const struct ka_user *u)
{
	const struct sshd_value *v = sshd_eff_get(u->eff, "authenticationmethods");
	int best = 0, anypub = 0;
	const char *path;
	long line;
	char *d;

	if (v == NULL || v->n == 0 || (v->n == 1 && strcmp(v->v[0], "any") == 0))
		return;
	for (size_t i = 0; i < v->n; i++) {
		int npub, other;

		method_list(v->v[i], &npub, &other);
		if (npub > 0)
			anypub = 1;
		if (!other && npub > 0 && (best == 0 || npub < best))
			best = npub;
	}
	if (best == 1)
		return;
	ctx_setting_where(ctx, u->eff, "authenticationmethods", &path, &line);
	d = directive(u->eff, "authenticationmethods");
	if (best > 1) {
		/* sshd takes each key once in a login ("refusing previously-
		 * used key"): a client holding enough of the account's
		 * different keys gets through, so with that many listed (or a
		 * command or CA that may supply more) the login is possible;
		 * a scan cannot know who holds which key. diagnose asks about
		 * one key, which alone only earns partial success. */
		size_t have = distinct_keys(ctx, u);
		int open = key_source_open(u);
		int enough = (ctx->opts == NULL || ctx->opts->subject == NULL) &&
		    (have >= (size_t)best || open);
		struct ka_finding *f = ctx_finding(ctx, &rule_sshd_auth_methods,
		    u->name, path, line, "AuthenticationMethods publickey",
		    "%s: %s needs %d different keys in one login; one key only "
		    "earns 'partial success'%s", d, u->name, best, !enough ? "" :
		    open ? " (keys may also come from AuthorizedKeysCommand or "
		    "TrustedUserCAKeys: a client holding enough of them gets in)" :
		    " (the account lists enough different keys: a client that "
		    "offers them together, ssh -i K1 -i K2, gets in)");
		if (f != NULL && enough)
			f->blocks_login = 0;
	} else if (anypub)
		ctx_finding(ctx, &rule_sshd_auth_methods, u->name, path, line,
		    "AuthenticationMethods publickey", "%s: every list needs another "
		    "method after the key, so a key alone never logs %s in", d, u->name);
	else
		ctx_finding(ctx, &rule_sshd_auth_methods, u->name, path, line,
		    "AuthenticationMethods publickey", "%s: publickey is in no list, "
		    "so sshd never accepts a key for %s", d, u->name);
	free(d);
}

/* --------------------------------------------------- per key line */

struct revoked {
	char *path;		/* RevokedKeys as configured */
	int state;		/* REV_* */
	const struct krl *krl;	/* REV_KRL: parsed (the context's), or NULL
				 * when sshd cannot load it (cert.krl-invalid) */
	long badline;		/* REV_BROKEN: the first line sshd cannot read */
	struct strlist fps;	/* keys listed before that */
};

enum { REV_NONE, REV_UNKNOWN, REV_MISSING, REV_KRL, REV_LIST, REV_BROKEN };

#define CERT_SUFFIX "-cert-v01@openssh.com"

/* RevokedKeys read the way sshd reads it (authfile.c sshkey_in_file): a KRL,
 * or public keys one per line; a line that is not one stops the check with
 * an error, which sshd treats as "revoked". */
static void
revoked_load(struct ka_ctx *ctx, const char *path, struct revoked *r)
{
	const struct snap_file *f;
	struct ak_file af;
	char *canon = NULL, *norm;
	const char *why;

	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	if (is_none(path)) {
		r->state = REV_NONE;
		return;
	}
	/* derelativised paths may start "//" */
	norm = path_join("/", path);
	if (snap_realpath(ctx->snap, norm, &canon, &why) != 0) {
		r->state = strcmp(why, "missing") == 0 ? REV_MISSING : REV_UNKNOWN;
		free(norm);
		return;
	}
	free(norm);
	f = snap_stat(ctx->snap, canon);
	free(canon);
	if (f == NULL || f->type != SNAP_REG || !f->has_content) {
		r->state = REV_UNKNOWN;
		return;
	}
	if (krl_is_krl((const unsigned char *)f->content, f->content_len)) {
		const char *err;

		r->state = REV_KRL;
		r->krl = ctx_krl(ctx, f, &err);
		return;
	}
	r->state = REV_LIST;
	memset(&af, 0, sizeof(af));
	ak_parse(f->content, f->content_len, &af);
	for (size_t i = 0; i < af.n; i++) {
		const struct ak_line *l = &af.lines[i];

		if (l->status == AK_BLANK)
			continue;
		if (l->status == AK_KEY && l->options_text == NULL) {
			strlist_add(&r->fps, l->fp);
			continue;
		}
		/* sshd skips certificates' plain halves and too-short RSA
		 * keys; anything else it cannot read is an error. */
		if (l->status == AK_BAD_KEY && (l->is_cert || (l->error &&
		    strstr(l->error, "refuses RSA keys below") != NULL)))
			continue;
		r->state = REV_BROKEN;
		r->badline = l->lineno;
		break;
	}
	ak_file_free(&af);
}

static void
revoked_free(struct revoked *r)
{
	free(r->path);
	strlist_free(&r->fps);
}

/* The signature algorithms a key of this (plain) type can log in with. */
static int
algs_for(const char *type, const char **out, int max)
{
	int n = 0;

	if (strcmp(type, "ssh-rsa") == 0) {
		out[n++] = "rsa-sha2-512";
		out[n++] = "rsa-sha2-256";
		out[n++] = "ssh-rsa";
	} else if (strcmp(type, "sk-ecdsa-sha2-nistp256@openssh.com") == 0) {
		out[n++] = type;
		out[n++] = "webauthn-sk-ecdsa-sha2-nistp256@openssh.com";
	} else
		out[n++] = type;
	return n < max ? n : max;
}

static int
list_accepts(const char *list, const char *alg)
{
	return list != NULL && match_pattern_list(alg, list, 0) == 1;
}

struct keyctx {
	struct ka_ctx *ctx;
	const struct ka_user *u;
	const struct revoked *rev;
	int root_forced;	/* PermitRootLogin forced-commands-only, uid 0 */
	int required_rsa;
};

/* "line N: ", or "" for the diagnosed key when no file lists it. */
#define LW(l) ((l)->lineno > 0 ? lw_buf((l)->lineno, (char[32]){ 0 }) : "")
static const char *
lw_buf(long n, char *b)
{
	snprintf(b, 32, "line %ld: ", n);
	return b;
}

static void
check_key_algorithm(struct keyctx *k, const char *path, const struct ak_line *l,
    const char *type)
{
	const struct sshd_eff *e = k->u->eff;
	const char *algs[4];
	int n = algs_for(type, algs, 4);
	struct ka_finding *f;
	char *d, *fix;

	if (l->opts.cert_authority) {
		const char *ca = sshd_eff_str(e, "casignaturealgorithms");
		const char *pk = sshd_eff_str(e, "pubkeyacceptedalgorithms");
		int ok = 0, certs = 0;

		for (int i = 0; i < n; i++)
			ok |= list_accepts(ca, algs[i]);
		/* Some certificate type must be acceptable at all. */
		for (const char *p = pk; p != NULL && *p != '\0';) {
			size_t m = strcspn(p, ","), sl = strlen(CERT_SUFFIX);
			if (m > sl && strncmp(p + m - sl, CERT_SUFFIX, sl) == 0)
				certs = 1;
			p += m;
			if (*p == ',')
				p++;
		}
		if (!ok) {
			d = directive(e, "casignaturealgorithms");
			fix = xasprintf("CASignatureAlgorithms +%s", algs[0]);
			f = ctx_finding(k->ctx, &rule_sshd_key_algorithm, k->u->name, path,
			    l->lineno, fix, "%scert-authority key %s (%s) cannot "
			    "sign certificates sshd accepts: %s", LW(l), l->fp, type, d);
			set_fp(f, l->fp);
			free(fix);
			free(d);
		} else if (!certs) {
			d = directive(e, "pubkeyacceptedalgorithms");
			f = ctx_finding(k->ctx, &rule_sshd_key_algorithm, k->u->name, path,
			    l->lineno, "PubkeyAcceptedAlgorithms +*-cert-v01@openssh.com",
			    "%scert-authority key %s: no certificate type is "
			    "accepted: %s", LW(l), l->fp, d);
			set_fp(f, l->fp);
			free(d);
		}
		return;
	}
	for (int i = 0; i < n; i++)
		if (sshd_eff_accepts_alg(e, algs[i]) && strcmp(algs[i], "ssh-rsa") != 0)
			return;
	d = directive(e, "pubkeyacceptedalgorithms");
	if (strcmp(type, "ssh-rsa") == 0 && sshd_eff_accepts_alg(e, "ssh-rsa")) {
		/* ssh-rsa (SHA-1) signatures only: OpenSSH clients stopped making
		 * them in 8.8 (ssh's own PubkeyAcceptedAlgorithms default), so
		 * only an old or reconfigured client logs in with this key. */
		static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", NULL };
		const struct sshd_value *v = sshd_eff_get(e, "pubkeyacceptedalgorithms");

		fix = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", v, NULL, rsa);
		f = ctx_finding(k->ctx, &rule_sshd_key_algorithm, k->u->name, path,
		    l->lineno, NULL, "%sssh-rsa key %s is accepted by %s only with SHA-1 "
		    "(ssh-rsa) signatures, which OpenSSH clients since 8.8 do not make: "
		    "sshd refuses their rsa-sha2-256/512 signatures", LW(l), l->fp, d);
		set_fp(f, l->fp);
		ctx_fix_config(k->ctx, f, e, "pubkeyacceptedalgorithms", fix);
		free(fix);
		free(d);
		return;
	}
	{
		static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", NULL };
		const char *one[] = { type, NULL };
		const struct sshd_value *v = sshd_eff_get(e, "pubkeyacceptedalgorithms");

		fix = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", v, NULL,
		    strcmp(type, "ssh-rsa") == 0 ? rsa : one);
		f = ctx_finding(k->ctx, &rule_sshd_key_algorithm, k->u->name, path,
		    l->lineno, NULL, "%s%s key %s is not accepted by %s: sshd refuses it",
		    LW(l), type, l->fp, d);
		set_fp(f, l->fp);
		/* a key type sshd leaves out by default (DSA) is enabled only
		 * by a decision: the better fix is a new key */
		if (v != NULL && v->file == NULL && f != NULL)
			remedy_manual(&f->remedy, "%s does not accept %s keys by default: "
			    "replace the key (ssh-keygen -t ed25519), or decide to add "
			    "'%s' to the sshd configuration", k->ctx->snap->sshd_version ?
			    k->ctx->snap->sshd_version : "this sshd", type, fix);
		else
			ctx_fix_config(k->ctx, f, e, "pubkeyacceptedalgorithms", fix);
	}
	free(fix);
	free(d);
}

static void
check_key_line(struct keyctx *k, const char *path, const struct ak_line *l)
{
	const struct sshd_eff *e = k->u->eff;
	const char *type = l->blob_type ? l->blob_type : ak_canonical_type(l->keytype);
	struct ka_finding *f;
	char *d;

	if (type == NULL)
		return;
	check_key_algorithm(k, path, l, type);

	if (strcmp(type, "ssh-rsa") == 0 && !l->opts.cert_authority &&
	    l->bits > 0 && l->bits < k->required_rsa) {
		d = directive(e, "requiredrsasize");
		f = ctx_finding(k->ctx, &rule_sshd_rsa_size, k->u->name, path, l->lineno,
		    "ssh-keygen -t ed25519   # and replace this key with the new one",
		    "%sRSA key %s has %d bits, below %s: sshd refuses it",
		    LW(l), l->fp, l->bits, d);
		set_fp(f, l->fp);
		free(d);
	}

	if (k->rev->state == REV_LIST || k->rev->state == REV_BROKEN) {
		for (size_t i = 0; i < k->rev->fps.n; i++) {
			if (strcmp(k->rev->fps.v[i], l->fp) != 0)
				continue;
			d = directive(e, "revokedkeys");
			f = ctx_finding(k->ctx, &rule_sshd_revoked_key, k->u->name, path,
			    l->lineno, "ssh-keygen -t ed25519   # a revoked key stays "
			    "revoked: make a new one", "%skey %s is listed in "
			    "%s: sshd refuses it ('Authentication key ... revoked by "
			    "file')", LW(l), l->fp, d);
			set_fp(f, l->fp);
			free(d);
			break;
		}
	}
	if (k->rev->state == REV_KRL && k->rev->krl != NULL && l->blob != NULL &&
	    !l->opts.cert_authority) {
		char *why = NULL;

		if (krl_key_revoked(k->rev->krl, l->blob, l->bloblen, &why) == 1) {
			d = directive(e, "revokedkeys");
			f = ctx_finding(k->ctx, &rule_sshd_revoked_key, k->u->name, path,
			    l->lineno, "ssh-keygen -t ed25519   # a revoked key stays "
			    "revoked: make a new one", "%skey %s is revoked by the KRL "
			    "of %s (%s): sshd refuses it ('Authentication key ... "
			    "revoked by file')", LW(l), l->fp, d, why ? why : "revoked");
			set_fp(f, l->fp);
			free(d);
		}
		free(why);
	}

	if (k->root_forced && l->opts.command == NULL && l->lineno > 0) {
		d = directive(e, "permitrootlogin");
		f = ctx_finding(k->ctx, &rule_sshd_root_login, k->u->name, path, l->lineno,
		    "PermitRootLogin prohibit-password", "%skey %s has no "
		    "command= option and %s only lets root in with forced commands: "
		    "sshd refuses it", LW(l), l->fp, d);
		set_fp(f, l->fp);
		free(d);
	}
}

static void
check_key_files(struct ka_ctx *ctx, const struct ka_user *u,
    const struct revoked *rev, int root_forced)
{
	struct strlist seen = { 0 };
	struct keyctx k;
	const char *rs = sshd_eff_str(u->eff, "requiredrsasize");
	const struct ak_line *subj = ctx->opts ? ctx->opts->subject : NULL;
	int listed = 0;

	k.ctx = ctx;
	k.u = u;
	k.rev = rev;
	k.root_forced = root_forced;
	k.required_rsa = rs ? atoi(rs) : 1024;
	for (size_t i = 0; !u->keys_unexamined && i < u->akfiles.n; i++) {
		const char *path = u->akfiles.v[i], *why;
		const struct snap_file *f;
		const struct ak_file *af;
		char *canon = NULL;

		if (snap_realpath(ctx->snap, path, &canon, &why) != 0)
			continue;
		if (strlist_has(&seen, canon) ||
		    (f = snap_stat(ctx->snap, canon)) == NULL || f->type != SNAP_REG ||
		    (af = ctx_akfile(ctx, canon, u->name)) == NULL) {
			free(canon);
			continue;
		}
		strlist_add_owned(&seen, canon);
		for (size_t j = 0; j < af->n; j++) {
			const struct ak_line *l = &af->lines[j];

			if (l->status != AK_KEY)
				continue;
			check_key_line(&k, path, l);
			if (subj != NULL && l->fp != NULL && strcmp(l->fp, subj->fp) == 0)
				listed = 1;
		}
	}
	strlist_free(&seen);
	/* diagnose: sshd judges the key's algorithm, size and revocation
	 * before it opens any file, so a key no file lists is judged too. */
	if (subj != NULL && !listed && subj->fp != NULL &&
	    ctx->opts->subject_cert == NULL)	/* a certificate: cert.c */
		check_key_line(&k, NULL, subj);
}

/* RevokedKeys findings that concern the file rather than one key. */
static void
check_revoked_file(struct ka_ctx *ctx, const struct ka_user *u,
    const struct revoked *r)
{
	char *d;

	switch (r->state) {
	case REV_UNKNOWN:
		ctx_skip(ctx, &rule_sshd_revoked_key, u->name, "RevokedKeys %s was not "
		    "collected or could not be read", r->path);
		break;
	case REV_MISSING: {
		struct ka_finding *f;

		d = directive(u->eff, "revokedkeys");
		f = ctx_finding(ctx, &rule_sshd_revoked_key, u->name, r->path, 0, NULL,
		    "%s: the file does not exist, so sshd cannot check any key "
		    "against it and refuses every key for %s ('Error checking "
		    "authentication key')", d, u->name);
		ctx_fix_path(ctx, f, NULL, NULL, "touch", NULL, r->path);
		free(d);
		break;
	}
	case REV_BROKEN: {
		char *pl = xasprintf("%ldp", r->badline);
		struct ka_finding *f;

		d = directive(u->eff, "revokedkeys");
		f = ctx_finding(ctx, &rule_sshd_revoked_key, u->name, r->path, r->badline,
		    NULL, "%s: line %ld is not a public key; sshd's revocation check "
		    "fails there and it refuses every key for %s not listed before "
		    "that line", d, r->badline, u->name);
		remedy_run(f ? &f->remedy : NULL, ACT_SERVER, 0, "sed", "-n", pl, r->path,
		    NULL);
		remedy_manual(f ? &f->remedy : NULL, "then correct or delete that line");
		free(pl);
		free(d);
		break;
	}
	case REV_KRL:	/* loaded: judged per key; not loadable: cert.krl-invalid */
		break;
	}
}

static void
check_force_command(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *fc = sshd_eff_str(u->eff, "forcecommand");
	const char *path;
	long line;
	char *d;

	if (fc == NULL || strcasecmp(fc, "none") == 0)
		return;
	ctx_setting_where(ctx, u->eff, "forcecommand", &path, &line);
	d = directive(u->eff, "forcecommand");
	ctx_finding(ctx, &rule_sshd_force_command, u->name, path, line, NULL,
	    "%s: every session of %s runs this instead of the command asked for",
	    d, u->name);
	free(d);
}

/* session.c safely_chroot(): each component from / down. */
static void
check_chroot(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *cr = sshd_eff_str(u->eff, "chrootdirectory");
	char *path, *comp, *d, *q, *fix;
	const char *where;
	long line;

	if (cr == NULL || strcasecmp(cr, "none") == 0 ||
	    (path = expand_authorized_keys_path(cr, u->acct)) == NULL)
		return;
	comp = xstrdup(path);
	for (char *p = comp + 1;; p++) {
		const struct snap_file *f;
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		f = snap_file_get(ctx->snap, comp);
		if (f == NULL) {
			ctx_skip(ctx, &rule_sshd_chroot_perms, u->name, "%s was not "
			    "collected", comp);
			break;
		}
		if (f->type != SNAP_DIR || f->uid != 0 || (f->mode & 022) != 0) {
			ctx_setting_where(ctx, u->eff, "chrootdirectory", &where, &line);
			d = directive(u->eff, "chrootdirectory");
			q = shell_quote(comp);
			/* taking a directory from its owner is a decision */
			fix = xasprintf("decide who should own %s: sshd needs it root's "
			    "and writable by nobody else (chown root:root %s && chmod go-w "
			    "%s), which takes it from whoever writes there now", q, q, q);
			ctx_finding(ctx, &rule_sshd_chroot_perms, u->name, where, line, fix,
			    "%s: %s is %s (owner uid %u, mode %04o): sshd accepts %s's key "
			    "and then ends the session (\"bad ownership or modes for chroot "
			    "directory\")", d, comp, f->type != SNAP_DIR ? "not a directory" :
			    f->uid != 0 ? "not owned by root" : "writable by group or others",
			    (unsigned)f->uid, (unsigned)(f->mode & 07777), u->name);
			free(fix);
			free(q);
			free(d);
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(comp);
	free(path);
}

static void
check_user(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *prl = sshd_eff_str(u->eff, "permitrootlogin");
	int root_forced = 0;
	struct revoked rev;

	check_pubkey(ctx, u);
	check_refuse(ctx, u);
	check_keys_file(ctx, u);
	check_auth_methods(ctx, u);
	if (u->acct->uid == 0 && prl != NULL) {
		if (strcmp(prl, "no") == 0) {
			const char *path;
			long line;
			char *d = directive(u->eff, "permitrootlogin");

			ctx_setting_where(ctx, u->eff, "permitrootlogin", &path, &line);
			ctx_finding(ctx, &rule_sshd_root_login, u->name, path, line,
			    "PermitRootLogin prohibit-password", "%s: sshd refuses every "
			    "login as %s (uid 0), keys included", d, u->name);
			free(d);
		} else if (strcmp(prl, "forced-commands-only") == 0)
			root_forced = 1;
	}
	check_force_command(ctx, u);
	check_chroot(ctx, u);
	revoked_load(ctx, sshd_eff_str(u->eff, "revokedkeys"), &rev);
	check_revoked_file(ctx, u, &rev);
	check_key_files(ctx, u, &rev, root_forced);
	revoked_free(&rev);
}

static void
run(struct ka_ctx *ctx)
{

	check_config_read(ctx);
	check_host(ctx);
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];

		if (ctx_late(ctx) && ctx_stopped(ctx, "sshd", "accounts", i, ctx->nusers))
			break;
		/* account.missing covers users that do not exist */
		if (u->acct == NULL || u->eff == NULL)
			continue;
		check_user(ctx, u);
	}
}

const struct ka_check check_sshd = { "sshd", rules, KA_ARRLEN(rules), run };
