/* perm.c - StrictModes exactly as sshd applies it to each AuthorizedKeysFile
 * (auth2-pubkeyfile.c auth_openfile, misc.c safe_path): open as the user,
 * refuse anything but a regular file, then with StrictModes canonicalise the
 * path and require root-or-user ownership and no group/world write on the
 * file and on every directory up to the (canonical) home, or up to / for a
 * file outside home. Debian and Ubuntu builds accept group write when the
 * group holds only the owner (user-group-modes patch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_perm_file_mode = {
	.id = "perm.file-mode", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "authorized_keys file is group- or world-writable",
	.help = "With StrictModes yes sshd refuses an authorized_keys file that others can "
	    "write, and logs only 'Authentication refused: bad ownership or modes for "
	    "file'. The client just sees the key rejected.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_file_owner = {
	.id = "perm.file-owner", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "authorized_keys file is owned by someone other than the user or root",
	.help = "sshd refuses a key file owned by another account (StrictModes).",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_dir_mode = {
	.id = "perm.dir-mode", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "a directory above authorized_keys is group- or world-writable",
	.help = "sshd checks every directory from the key file up to the home directory "
	    "(up to / for files outside home); one writable by others refuses all "
	    "keys below it.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_dir_owner = {
	.id = "perm.dir-owner", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "a directory above authorized_keys is owned by someone other than the user or root",
	.help = "Each directory on the walk must be owned by root or the user.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_not_regular = {
	.id = "perm.not-regular", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "AuthorizedKeysFile is not a regular file",
	.help = "sshd opens the file and refuses it when it is a directory, FIFO, device "
	    "or socket: 'User %s authorized keys %s is not a regular file'.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_unreadable = {
	.id = "perm.unreadable", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the user cannot open the AuthorizedKeysFile",
	.help = "sshd opens key files with the user's privileges; a file or directory the "
	    "user cannot read or traverse is skipped: 'Could not open user ... "
	    "Permission denied'.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_broken_path = {
	.id = "perm.broken-path", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "AuthorizedKeysFile path cannot be opened (symlink loop, not a directory)",
	.help = "A symlink loop or a file used as a directory makes open() fail; sshd "
	    "skips the file.",
	.chain = CHAIN_FILES,
};

const struct ka_rule rule_perm_group_writable_upg = {
	.id = "perm.group-writable-upg", .severity = SEV_LOW, .blocks_login = 0,
	.title = "group-writable, accepted only by Debian's user-private-group rule",
	.help = "Debian and Ubuntu patch sshd to accept group write when the group holds "
	    "only the owner. Upstream OpenSSH and RHEL refuse the same file; the "
	    "setup breaks when copied to such a host.",
	.chain = CHAIN_FILES,
};

static const struct ka_rule *const rules[] = {
	&rule_perm_file_mode,
	&rule_perm_file_owner,
	&rule_perm_dir_mode,
	&rule_perm_dir_owner,
	&rule_perm_not_regular,
	&rule_perm_unreadable,
	&rule_perm_broken_path,
	&rule_perm_group_writable_upg,
};


/* What is wrong with one component: an owner sshd refuses and a mode it
 * refuses are two problems, both reported (a scan shows every problem at
 * once, not one per round of fixing). */
enum { OK = 0, BAD_OWNER = 1, BAD_MODE = 2, OK_UPG = 4 };

static int
judge(const struct ka_ctx *ctx, const struct snap_file *f, uint32_t uid)
{
	int v = OK;

	if (f->uid != 0 && f->uid != uid)
		v |= BAD_OWNER;
	if (f->mode & 002)
		v |= BAD_MODE;
	else if (f->mode & 020) {
		if (ctx->upg_allowed && snap_group_private(ctx->snap, f->gid, uid, f->uid))
			v |= OK_UPG;
		else
			v |= BAD_MODE;
	}
	return v;
}

/* Linux permission classes: owner, else group, else other. */
static int
user_may(const struct snapshot *s, const struct snap_account *a,
    const struct snap_file *f, unsigned want)
{
	unsigned bits;

	if (a->uid == 0)
		return 1;
	if (f->uid == a->uid)
		bits = (f->mode >> 6) & 7;
	else if (snap_account_in_group(s, a, f->gid))
		bits = (f->mode >> 3) & 7;
	else
		bits = f->mode & 7;
	return (bits & want) == want;
}

/* The mode fix comes first: its guard expects the owner the scan saw, and
 * the owner fix changes it. */
static void
report_bad(struct ka_ctx *ctx, const struct ka_user *u, const struct snap_file *f,
    int v, int is_dir, const char *keyfile)
{
	const char *kind = is_dir ? "directory" : "file";
	struct ka_finding *fd;
	char ob[32];

	if (v & BAD_MODE) {
		fd = ctx_finding(ctx, is_dir ? &rule_perm_dir_mode : &rule_perm_file_mode, u->name,
		    f->path, 0, NULL,
		    "%s %s is mode %04o (%s-writable): sshd refuses %s (StrictModes; "
		    "%s). sshd logs: Authentication refused: bad ownership or modes "
		    "for %s %s", kind, f->path, f->mode,
		    (f->mode & 002) ? "world" : "group", keyfile, ctx->upg_rule, kind,
		    f->path);
		ctx_fix_path(ctx, fd, u->acct, keyfile, "chmod", "go-w", f->path);
	} else if (v & OK_UPG) {
		fd = ctx_finding(ctx, &rule_perm_group_writable_upg, u->name, f->path, 0, NULL,
		    "%s %s is mode %04o, group-writable; accepted only because its "
		    "group holds just its owner (%s). Upstream OpenSSH would refuse "
		    "%s", kind, f->path, f->mode, ctx->upg_rule, keyfile);
		ctx_fix_path(ctx, fd, u->acct, keyfile, "chmod", "g-w", f->path);
	}
	if (v & BAD_OWNER) {
		fd = ctx_finding(ctx, is_dir ? &rule_perm_dir_owner : &rule_perm_file_owner, u->name,
		    f->path, 0, NULL,
		    "%s %s is owned by %s, not by %s or root: sshd refuses %s "
		    "(StrictModes). sshd logs: Authentication refused: bad ownership "
		    "or modes for %s %s", kind, f->path,
		    snap_owner_name(ctx->snap, f->uid, ob, sizeof(ob)), u->name, keyfile,
		    kind, f->path);
		ctx_fix_path(ctx, fd, u->acct, keyfile, "chown", u->name, f->path);
	}
}

/* A chmod that runs after the owner fix: its guard expects the account. */
static void
after_chown(struct ka_action *act, uint32_t uid)
{
	if (act != NULL && act->kind == ACT_RUN && act->target.path != NULL)
		act->target.uid = uid;
}

static int
in_home(const char *path, const char *home)
{
	size_t n = home != NULL ? strlen(home) : 0;

	return n > 1 && strncmp(path, home, n) == 0 && path[n] == '/';
}

/* Has this component already been reported for this user? */
static int
seen(struct strlist *done, const char *path)
{
	if (strlist_has(done, path))
		return 1;
	strlist_add(done, path);
	return 0;
}

static void
check_keyfile(struct ka_ctx *ctx, const struct ka_user *u, const char *path,
    int strict, const char *home_canon, struct strlist *done, const char *what)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_account *a = u->acct;
	const struct snap_file *f;
	char *canon = NULL, *dir;
	const char *why;
	int v, unreadable = 0;

	if (snap_file_get(s, path) == NULL) {
		ctx_skip(ctx, &rule_perm_file_mode, path, "%s was not collected", path);
		return;
	}
	if (snap_realpath(s, path, &canon, &why) != 0) {
		if (strcmp(why, "missing") == 0)
			return;		/* sshd skips a missing file silently */
		if (strcmp(why, "unknown") == 0) {
			ctx_skip(ctx, &rule_perm_file_mode, path, "a component of %s could "
			    "not be examined", path);
			return;
		}
		ctx_finding(ctx, &rule_perm_broken_path, u->name, path, 0, NULL,
		    "%s cannot be opened: %s. sshd logs: Could not open user '%s' "
		    "%s '%s': %s", path,
		    strcmp(why, "loop") == 0 ? "symlink loop" : "a component is not a directory",
		    u->name, what, path,
		    strcmp(why, "loop") == 0 ? "Too many levels of symbolic links" : "Not a directory");
		return;
	}
	f = snap_stat(s, canon);

	/* Open as the user: every directory on the way must be searchable. */
	for (dir = path_dirname(canon);; ) {
		const struct snap_file *d = snap_stat(s, dir);
		char *up;

		if (d != NULL && d->type == SNAP_DIR && !user_may(s, a, d, 1)) {
			struct ka_finding *fd;

			fd = ctx_finding(ctx, &rule_perm_unreadable, u->name, path, 0, NULL,
			    "%s cannot open %s: directory %s (mode %04o) is not searchable "
			    "by %s. sshd logs: Could not open user '%s' %s "
			    "'%s': Permission denied", u->name, path, dir, d->mode, u->name,
			    u->name, what, path);
			/* Only the owner's own search bit is repair; letting a
			 * group or everyone in is a decision. A directory in
			 * the home owned by another account is given back
			 * (perm.dir-owner's chown, or here without StrictModes),
			 * then searched by its owner. */
			if (d->uid == a->uid)
				ctx_fix_path(ctx, fd, a, path, "chmod", "u+x", dir);
			else if (d->uid != 0 && fd != NULL &&
			    (strict ? ctx_fix_target(ctx, a, path, dir, &why) == FIX_IN_HOME :
			    ctx_fix_path(ctx, fd, a, path, "chown", a->name, dir) != NULL &&
			    fd->remedy.v[fd->remedy.n - 1].kind == ACT_RUN)) {
				if (strict)
					remedy_manual(&fd->remedy, "after perm.dir-owner gives %s "
					    "back to %s", dir, u->name);
				after_chown(ctx_fix_path(ctx, fd, a, path, "chmod", "u+x",
				    dir), a->uid);
			} else
				remedy_manual(fd ? &fd->remedy : NULL, "%s is not %s's: "
				    "let %s search it (its owner decides how: a group, or "
				    "o+x), or move the key file into %s's own home", dir,
				    u->name, u->name, u->name);
			unreadable = 1;
			break;
		}
		if (strcmp(dir, "/") == 0)
			break;
		up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	/* A file outside the account's own home that it cannot reach is one
	 * problem: what else is wrong there is not the account's to fix. */
	if (unreadable && !in_home(canon, home_canon)) {
		free(canon);
		return;
	}
	if (!unreadable && f->type == SNAP_REG && !user_may(s, a, f, 4)) {
		struct ka_finding *fd;

		fd = ctx_finding(ctx, &rule_perm_unreadable, u->name, path, 0, NULL,
		    "%s cannot read %s (mode %04o, owner uid %u). sshd logs: Could not "
		    "open user '%s' %s '%s': Permission denied", u->name,
		    canon, f->mode, f->uid, u->name, what, path);
		if (f->uid == a->uid)
			ctx_fix_path(ctx, fd, a, path, "chmod", "u+r", canon);
		else if (fd != NULL && strict && f->uid != 0 &&
		    ctx_fix_target(ctx, a, path, canon, &why) != FIX_NONE) {
			/* perm.file-owner's chown comes first */
			remedy_manual(&fd->remedy, "after perm.file-owner gives %s back to "
			    "%s", canon, u->name);
			after_chown(ctx_fix_path(ctx, fd, a, path, "chmod", "600", canon),
			    a->uid);
		} else if (ctx_fix_path(ctx, fd, a, path, "chown", a->name, canon) != NULL &&
		    fd->remedy.v[fd->remedy.n - 1].kind == ACT_RUN)
			after_chown(ctx_fix_path(ctx, fd, a, path, "chmod", "600", canon),
			    a->uid);
		unreadable = 1;
	}
	if (unreadable && !in_home(canon, home_canon)) {
		free(canon);
		return;
	}
	if (!unreadable && f->type != SNAP_REG) {
		ctx_finding(ctx, &rule_perm_not_regular, u->name, path, 0, NULL,
		    "%s is a %s, not a regular file. sshd logs: User %s %s "
		    "%s is not a regular file", canon, snap_ftype_name(f->type), u->name,
		    what, path);
		free(canon);
		return;
	}
	if (!strict) {
		free(canon);
		return;
	}

	if ((v = judge(ctx, f, a->uid)) != OK && !seen(done, canon))
		report_bad(ctx, u, f, v, 0, path);
	for (dir = path_dirname(canon);; ) {
		const struct snap_file *d = snap_stat(s, dir);
		char *up;

		if (d == NULL) {
			ctx_skip(ctx, &rule_perm_dir_mode, dir, "%s was not collected", dir);
			break;
		}
		if ((v = judge(ctx, d, a->uid)) != OK && !seen(done, dir))
			report_bad(ctx, u, d, v, 1, path);
		if ((home_canon && strcmp(dir, home_canon) == 0) || strcmp(dir, "/") == 0)
			break;
		up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	free(canon);
}

static void
run(struct ka_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct strlist done = { 0 };
		char *home = NULL;
		const char *why;
		int strict;

		if (ctx_late(ctx) && ctx_stopped(ctx, "perm", "accounts", i, ctx->nusers))
			break;
		if (u->acct == NULL)
			continue;
		strict = sshd_eff_bool(u->eff, "strictmodes") != 0;
		if (snap_realpath(ctx->snap, u->acct->home, &home, &why) != 0)
			home = NULL;
		for (size_t j = 0; j < u->akfiles.n; j++)
			check_keyfile(ctx, u, u->akfiles.v[j], strict, home, &done,
			    "authorized keys");
		{
			/* AuthorizedPrincipalsFile is opened the same way
			 * (auth_openprincipals: as the user, StrictModes) */
			const char *pf = sshd_eff_str(u->eff, "authorizedprincipalsfile");
			char *pfp;

			if (pf != NULL && strcmp(pf, "none") != 0 &&
			    (pfp = expand_authorized_keys_path(pf, u->acct)) != NULL) {
				check_keyfile(ctx, u, pfp, strict, home, &done,
				    "authorized principals");
				free(pfp);
			}
		}
		free(home);
		strlist_free(&done);
	}
}

const struct ka_check check_perm = { "perm", rules, KA_ARRLEN(rules), run };
