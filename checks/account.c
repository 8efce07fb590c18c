/* account.c - the account checks sshd makes before it looks at any key
 * (auth.c allowed_user): the user exists, is not locked or expired, has a
 * shell that exists and is executable, and passes DenyUsers, AllowUsers,
 * DenyGroups and AllowGroups in that order. A nologin shell does not stop
 * the key from being accepted; it ends the session right after. */
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "scanner/parse/match.h"

const struct ka_rule rule_account_missing = {
	.id = "account.missing", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the account does not exist",
	.help = "sshd logs 'Invalid user NAME' and fails every method for it.",
	.chain = CHAIN_ACCOUNT,
};

const struct ka_rule rule_account_locked = {
	.id = "account.locked", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the account is locked and UsePAM is no",
	.help = "Without PAM, sshd refuses a locked account (password field starting with "
	    "'!') even for key login: 'User NAME not allowed because account is "
	    "locked'. With UsePAM yes a locked password does not stop key login.",
	.chain = CHAIN_ACCOUNT + 2,
};

const struct ka_rule rule_account_expired = {
	.id = "account.expired", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the account has expired",
	.help = "An expired account (shadow expiry date passed) is refused by sshd without "
	    "PAM and by pam_unix's account phase with it.",
	.chain = CHAIN_ACCOUNT + 3,
};

const struct ka_rule rule_account_shell_missing = {
	.id = "account.shell-missing", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the login shell does not exist",
	.help = "sshd refuses the user: 'User NAME not allowed because shell SHELL does "
	    "not exist'.",
	.chain = CHAIN_ACCOUNT + 4,
};

const struct ka_rule rule_account_shell_not_executable = {
	.id = "account.shell-not-executable", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the login shell is not an executable file",
	.help = "sshd refuses the user: 'User NAME not allowed because shell SHELL is not "
	    "executable'.",
	.chain = CHAIN_ACCOUNT + 5,
};

const struct ka_rule rule_account_nologin = {
	.id = "account.nologin", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "the shell refuses sessions (nologin/false)",
	.help = "The key is accepted, then the shell ends the session at once; only a "
	    "forced command or port forwarding can still work.",
	.chain = CHAIN_SESSION,
};

const struct ka_rule rule_account_home_missing = {
	.id = "account.home-missing", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the home directory does not exist",
	.help = "Key files under a missing home cannot exist, so key login fails; the "
	    "session would start in / as well.",
};

const struct ka_rule rule_account_deny_users = {
	.id = "account.deny-users", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the user is listed in DenyUsers",
	.help = "sshd refuses the user before any key is looked at: 'User NAME from ADDR "
	    "not allowed because listed in DenyUsers'.",
	.chain = CHAIN_ACCOUNT + 6,
};

const struct ka_rule rule_account_not_allow_users = {
	.id = "account.not-allow-users", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "AllowUsers is set and does not list the user",
	.help = "'User NAME from ADDR not allowed because not listed in AllowUsers'.",
	.chain = CHAIN_ACCOUNT + 7,
};

const struct ka_rule rule_account_deny_groups = {
	.id = "account.deny-groups", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "one of the user's groups is in DenyGroups",
	.help = "'User NAME from ADDR not allowed because a group is listed in DenyGroups'.",
	.chain = CHAIN_ACCOUNT + 8,
};

const struct ka_rule rule_account_not_allow_groups = {
	.id = "account.not-allow-groups", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "AllowGroups is set and none of the user's groups is in it",
	.help = "'User NAME from ADDR not allowed because none of user's groups are listed "
	    "in AllowGroups'.",
	.chain = CHAIN_ACCOUNT + 9,
};

static const struct ka_rule *const rules[] = {
	&rule_account_missing,
	&rule_account_locked,
	&rule_account_expired,
	&rule_account_shell_missing,
	&rule_account_shell_not_executable,
	&rule_account_nologin,
	&rule_account_home_missing,
	&rule_account_deny_users,
	&rule_account_not_allow_users,
	&rule_account_deny_groups,
	&rule_account_not_allow_groups,
};

static int
is_nologin(const char *shell)
{
	const char *base = strrchr(shell, '/');

	base = base ? base + 1 : shell;
	return strcmp(base, "nologin") == 0 || strcmp(base, "false") == 0;
}

/* The first of the user's groups that matches one of the patterns. */
static const char *
group_match(const struct ka_user *u, const struct sshd_value *v)
{
	for (size_t i = 0; i < u->ngroups; i++)
		for (size_t j = 0; j < v->n; j++)
			if (match_pattern(u->groups[i], v->v[j]))
				return u->groups[i];
	return NULL;
}

static void
check_lists(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *addr = ctx->opts ? ctx->opts->from_addr : NULL;
	const struct sshd_value *v;
	const char *g;
	char *origin;

	if ((v = sshd_eff_get(u->eff, "denyusers")) != NULL) {
		for (size_t j = 0; j < v->n; j++) {
			if (match_user_entry(u->name, addr, addr, v->v[j])) {
				origin = sshd_eff_origin(u->eff, "denyusers");
				ctx_finding(ctx, &rule_account_deny_users, u->name, v->file, v->line,
				    "remove the user from DenyUsers",
				    "%s matches DenyUsers entry '%s' (%s): sshd refuses every "
				    "login for it", u->name, v->v[j], origin);
				free(origin);
				return;
			}
		}
	}
	if ((v = sshd_eff_get(u->eff, "allowusers")) != NULL && v->n > 0) {
		size_t j;
		for (j = 0; j < v->n; j++)
			if (match_user_entry(u->name, addr, addr, v->v[j]))
				break;
		if (j == v->n) {
			struct ka_finding *f;

			origin = sshd_eff_origin(u->eff, "allowusers");
			f = ctx_finding(ctx, &rule_account_not_allow_users, u->name, v->file, v->line,
			    NULL, "AllowUsers (%s) does not list %s%s%s: sshd refuses it",
			    origin, u->name, addr ? " from " : "", addr ? addr : "");
			remedy_manual(f ? &f->remedy : NULL, "decide whether %s may log in "
			    "with ssh; if so, add it to the AllowUsers line at %s", u->name,
			    origin);
			free(origin);
			return;
		}
	}
	if ((v = sshd_eff_get(u->eff, "denygroups")) != NULL && v->n > 0 &&
	    (g = group_match(u, v)) != NULL) {
		origin = sshd_eff_origin(u->eff, "denygroups");
		ctx_finding(ctx, &rule_account_deny_groups, u->name, v->file, v->line,
		    "remove the group from DenyGroups, or the user from the group",
		    "%s is in group %s, listed in DenyGroups (%s): sshd refuses it",
		    u->name, g, origin);
		free(origin);
		return;
	}
	if ((v = sshd_eff_get(u->eff, "allowgroups")) != NULL && v->n > 0 &&
	    group_match(u, v) == NULL) {
		const char *argv[] = { "usermod", "-aG", v->v[0], u->name, NULL };
		struct ka_finding *f;

		origin = sshd_eff_origin(u->eff, "allowgroups");
		f = ctx_finding(ctx, &rule_account_not_allow_groups, u->name, v->file, v->line,
		    NULL, "none of %s's groups is in AllowGroups (%s): sshd refuses it",
		    u->name, origin);
		/* a group is a grant of access (sudo, admins): never a command */
		remedy_decide(f ? &f->remedy : NULL, argv, "decide whether %s should be "
		    "in one of the groups AllowGroups lists (it grants whatever else that "
		    "group may do); if so, as root", u->name);
		free(origin);
	}
}

static void
check_shell(struct ka_ctx *ctx, const struct ka_user *u)
{
	const struct snap_account *a = u->acct;
	const char *shell = a->shell[0] ? a->shell : "/bin/sh";
	const char *chroot = sshd_eff_str(u->eff, "chrootdirectory");
	const struct snap_file *f;
	const char *argv[] = { "usermod", "-s", "/bin/sh", u->name, NULL };
	struct ka_finding *fd = NULL;
	char *canon = NULL;
	const char *why;

	/* sshd checks the shell only when there is no ChrootDirectory. */
	if (chroot != NULL && strcasecmp(chroot, "none") != 0)
		return;
	if (snap_file_get(ctx->snap, shell) == NULL) {
		ctx_skip(ctx, &rule_account_shell_missing, u->name, "%s was not collected", shell);
		return;
	}
	if (snap_realpath(ctx->snap, shell, &canon, &why) != 0) {
		if (strcmp(why, "unknown") == 0)
			ctx_skip(ctx, &rule_account_shell_missing, u->name,
			    "%s could not be examined", shell);
		else
			fd = ctx_finding(ctx, &rule_account_shell_missing, u->name, shell, 0, NULL,
			    "shell %s of %s does not exist. sshd logs: User %s not allowed "
			    "because shell %s does not exist", shell, u->name, u->name, shell);
	} else {
		f = snap_stat(ctx->snap, canon);
		if (f->type != SNAP_REG || (f->mode & 0111) == 0)
			fd = ctx_finding(ctx, &rule_account_shell_not_executable, u->name, shell,
			    0, NULL, "shell %s of %s is %s mode %04o, not an executable file. "
			    "sshd logs: User %s not allowed because shell %s is not "
			    "executable", shell, u->name, snap_ftype_name(f->type), f->mode,
			    u->name, shell);
		else if (is_nologin(shell))
			fd = ctx_finding(ctx, &rule_account_nologin, u->name, shell, 0, NULL,
			    "shell of %s is %s: sshd accepts the key, then the session ends "
			    "at once (only forced commands and forwarding can work)", u->name,
			    shell);
	}
	/* giving an account a shell is giving it a login: a decision */
	remedy_decide(fd ? &fd->remedy : NULL, argv, "decide whether %s should have "
	    "an interactive login; if so, as root (or its proper shell)", u->name);
	free(canon);
}

static void
check_home(struct ka_ctx *ctx, const struct ka_user *u)
{
	const char *home = u->acct->home;
	struct ka_finding *f;
	char *canon = NULL;
	const char *why;
	size_t hl = strlen(home);
	int under = 0;

	if (snap_file_get(ctx->snap, home) == NULL)
		return;
	if (snap_realpath(ctx->snap, home, &canon, &why) == 0) {
		free(canon);
		return;
	}
	if (strcmp(why, "missing") != 0)
		return;
	for (size_t j = 0; j < u->akfiles.n; j++)
		if (strncmp(u->akfiles.v[j], home, hl) == 0 &&
		    (u->akfiles.v[j][hl] == '/' || hl == 1))
			under = 1;
	f = ctx_finding(ctx, &rule_account_home_missing, u->name, home, 0, NULL,
	    "home directory %s of %s does not exist%s", home, u->name,
	    under ? ": no authorized_keys file under it can exist" : "");
	if (f != NULL && !under)
		f->blocks_login = 0;
}

static void
run(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;

	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const struct snap_account *a = u->acct;
		int pam;

		if (ctx_late(ctx) && ctx_stopped(ctx, "account", "accounts", i, ctx->nusers))
			break;
		if (a == NULL) {
			if (s->accounts_known)
				ctx_finding(ctx, &rule_account_missing, u->name, NULL, 0, NULL,
				    "no account %s in /etc/passwd: sshd logs 'Invalid user "
				    "%s' and refuses every key", u->name, u->name);
			else
				ctx_skip(ctx, &rule_account_missing, u->name,
				    "the password database was not readable");
			continue;
		}
		pam = sshd_eff_bool(u->eff, "usepam") == 1;
		if (!a->shadow_known) {
			ctx_skip(ctx, &rule_account_locked, u->name,
			    "/etc/shadow was not readable (run as root)");
		} else {
			if (a->locked && !pam) {
				const char *argv[] = { "usermod", "-p", "*", u->name, NULL };
				struct ka_finding *f;

				f = ctx_finding(ctx, &rule_account_locked, u->name, "/etc/shadow", 0,
				    NULL, "%s is locked (password field starts with '!') and "
				    "UsePAM is no: sshd logs 'User %s not allowed because "
				    "account is locked'", u->name, u->name);
				/* an account may be locked on purpose */
				remedy_decide(f ? &f->remedy : NULL, argv, "decide whether %s "
				    "was locked on purpose (then remove its keys instead); if "
				    "it is meant to log in with keys only, as root (no "
				    "password, not locked)", u->name);
			}
			if (a->expire_day >= 0 && s->collected_at / 86400 >= a->expire_day) {
				const char *argv[] = { "chage", "-E", "-1", u->name, NULL };
				struct ka_finding *f;

				f = ctx_finding(ctx, &rule_account_expired, u->name, "/etc/shadow", 0,
				    NULL, "%s expired on day %lld after 1970-01-01: %s refuses it",
				    u->name, (long long)a->expire_day,
				    pam ? "PAM's account phase" : "sshd");
				remedy_decide(f ? &f->remedy : NULL, argv, "decide whether %s "
				    "should still have access; if so, as root", u->name);
			}
		}
		check_shell(ctx, u);
		check_home(ctx, u);
		check_lists(ctx, u);
	}
}

const struct ka_check check_account = { "account", rules, KA_ARRLEN(rules), run };
