/*
 * keyscmd.c - AuthorizedKeysCommand: where an account's keys come from a
 * program sshd runs (as AuthorizedKeysCommandUser) after its key files,
 * whether sshd will run it at all (scanner/keyscmd.c models its rules), and
 * how keyaudit's own run of it went (--run-keys-command). The lines it
 * printed are judged by the akeys family like a file's; akeys also decides
 * whether a failed command leaves the account without a key (then
 * sshd.keys-command-failed blocks the login).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_sshd_keys_command = {
	.id = "sshd.keys-command", .severity = SEV_INFO, .blocks_login = 0,
	.title = "keys come from an AuthorizedKeysCommand",
	.help = "After the AuthorizedKeysFile files, sshd runs AuthorizedKeysCommand as "
	    "AuthorizedKeysCommandUser and reads its output like an authorized_keys "
	    "file. keyaudit does not run it unless asked (--run-keys-command, on this "
	    "machine only), so a key missing from the files may still be accepted: "
	    "no 'no key listed' verdict is final for such an account.",
	.chain = 0,
};

const struct ka_rule rule_sshd_keys_command_failed = {
	.id = "sshd.keys-command-failed", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "sshd will not run the AuthorizedKeysCommand, or it fails",
	.help = "sshd runs the command only when AuthorizedKeysCommandUser is set and is "
	    "an account, the program is an absolute path to a regular file owned by "
	    "root that no one else can write, in directories of root's that no one "
	    "else can write, up to / (misc.c safe_path), and its %-tokens are ones "
	    "the release knows (an unknown one ends the connection). It uses the "
	    "output only when the command exits 0. Otherwise no key comes from it; "
	    "this blocks the login where the key files do not list the key.",
	.chain = CHAIN_LINES + 6,
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_keys_command,
	&rule_sshd_keys_command_failed,
};

/* The command's directive: where the finding points. */
static void
where(struct ka_ctx *ctx, const struct ka_user *u, const char **path, long *line)
{
	ctx_setting_where(ctx, u->eff, "authorizedkeyscommand", path, line);
}

static void
refused(struct ka_ctx *ctx, const struct ka_user *u, const struct ka_keyscmd *kc)
{
	const char *path;
	long line;
	struct ka_finding *f;
	char *q = kc->prog ? shell_quote(kc->prog) : NULL;

	where(ctx, u, &path, &line);
	f = ctx_finding(ctx, &rule_sshd_keys_command_failed, u->name, path, line, NULL,
	    "sshd will not run AuthorizedKeysCommand %s for %s: %s%s", kc->command,
	    u->name, kc->why, kc->fatal ? "" : "; sshd gets no key from it");
	if (f == NULL) {
		free(q);
		return;
	}
	if (kc->prog != NULL && strstr(kc->why, "bad ownership") != NULL)
		remedy_manual(&f->remedy, "make the program and every directory above it "
		    "root's and writable by root alone (chown root; chmod go-w), e.g. "
		    "ls -ld %s and each parent", q);
	else if (strstr(kc->why, "AuthorizedKeysCommandUser") != NULL ||
	    strstr(kc->why, "No user") != NULL)
		remedy_manual(&f->remedy, "set AuthorizedKeysCommandUser to an "
		    "unprivileged account made for it (not root), then %s",
		    ctx_reload_cmd(ctx));
	else
		remedy_manual(&f->remedy, "correct AuthorizedKeysCommand in %s (see "
		    "sshd_config(5)), then %s", path, ctx_reload_cmd(ctx));
	free(q);
}

static void
run(struct ka_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct ka_keyscmd kc;
		const char *path;
		long line;

		if (ctx_late(ctx) && ctx_stopped(ctx, "sshd", "keys commands", i, ctx->nusers))
			break;
		ctx_keys_command(ctx, u, &kc);
		switch (kc.state) {
		case KC_NONE:
			break;
		case KC_REFUSED:
			refused(ctx, u, &kc);
			break;
		case KC_UNRUN:
			where(ctx, u, &path, &line);
			ctx_finding(ctx, &rule_sshd_keys_command, u->name, path, line, NULL,
			    "%s's keys also come from AuthorizedKeysCommand %s, run as %s; "
			    "keyaudit did not run it (%s), so a key the files do not list "
			    "may still be accepted", u->name, kc.command, kc.runas,
			    kc.why ? kc.why : ctx->snap->keys_commands_run ? "not run" :
			    "--run-keys-command runs it, on this machine only");
			break;
		case KC_FAILED:
			where(ctx, u, &path, &line);
			{
				struct ka_finding *f = ctx_finding(ctx,
				    &rule_sshd_keys_command_failed, u->name, path, line, NULL,
				    "AuthorizedKeysCommand %s for %s, run as %s as sshd runs "
				    "it (%s): %s; sshd gets no key from it", kc.command, u->name,
				    kc.runas, kc.run->command ? kc.run->command : kc.command,
				    kc.why);
				remedy_manual(f ? &f->remedy : NULL, "make the command exit 0 "
				    "within sshd's patience when it runs as %s with an empty "
				    "environment and stdin from /dev/null", kc.runas);
			}
			break;
		case KC_RAN:
			where(ctx, u, &path, &line);
			ctx_finding(ctx, &rule_sshd_keys_command, u->name, path, line, NULL,
			    "%s's keys also come from AuthorizedKeysCommand %s, run as %s; "
			    "keyaudit ran it as sshd does (%s): it exited 0 with %zu bytes "
			    "of output, judged as \"AuthorizedKeysCommand %s\"", u->name,
			    kc.command, kc.runas, kc.run->command ? kc.run->command :
			    kc.command, kc.run->len, kc.prog);
			break;
		}
		ka_keyscmd_free(&kc);
	}
}

const struct ka_check check_keyscmd = { "sshd", rules, KA_ARRLEN(rules), run };
