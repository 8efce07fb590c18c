/*
 * selinux.c - SELinux labels sshd may not read through. Where SELinux is
 * enforcing (snap->selinux, from /sys/fs/selinux/enforce), sshd (domain
 * sshd_t) opens authorized_keys only when the policy lets sshd_t read the
 * file's type, whatever its mode bits say; a denial looks like any
 * unreadable file ("Could not open user ... authorized keys: Permission
 * denied") and the AVC goes to the audit log, not sshd's.
 *
 * The rule modelled is the targeted policy's (Fedora/RHEL selinux-policy,
 * ssh.te and its file contexts): ~/.ssh and everything in it are ssh_home_t
 * (HOME_DIR/\.ssh(/.*)? and /root/\.ssh(/.*)? in ssh.fc, and a named type
 * transition gives a new ~/.ssh that type); sshd_t reads ssh_home_t and
 * nothing else a user keeps there. So ~/.ssh and authorized_keys must be
 * ssh_home_t; a file moved in from /tmp (user_tmp_t), copied from /root
 * (admin_home_t), or a home outside /home (default_t, var_t, ...) is
 * refused. The home directory only needs searching: the types a home gets
 * by default are allowed, and only types no home has by default are
 * judged (keyaudit does not claim more of the policy than that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_perm_selinux_label = {
	.id = "perm.selinux-label", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "SELinux label sshd may not read (authorized_keys, ~/.ssh)",
	.help = "With SELinux enforcing, sshd reads authorized_keys only when it and "
	    "~/.ssh carry the type ssh_home_t (the targeted policy). A file moved from "
	    "/tmp (user_tmp_t), copied from /root (admin_home_t) or a home outside "
	    "/home (default_t, var_t) is denied whatever its mode; sshd logs only "
	    "'Permission denied'. restorecon -Rv restores the policy's default "
	    "label; a home outside /home first needs an equivalence (semanage "
	    "fcontext -a -e /home DIR).",
	.chain = CHAIN_FILES + 1,
};

static const struct ka_rule *const rules[] = {
	&rule_perm_selinux_label,
};

/* The type field of "user:role:type:level". NULL when it has none. */
static char *
label_type(const char *label)
{
	const char *p = strchr(label, ':'), *q;

	if (p == NULL || (p = strchr(p + 1, ':')) == NULL)
		return NULL;
	p++;
	q = p + strcspn(p, ":");
	return q > p ? xstrndup(p, (size_t)(q - p)) : NULL;
}

/* May sshd_t search a home of this type? Only types no home has by the
 * policy's defaults are refused. */
static int
home_type_ok(const char *type, uint32_t uid)
{
	static const char *const bad[] = { "default_t", "var_t", "user_tmp_t",
	    "tmp_t", "unlabeled_t", "file_t", "etc_t", "usr_t" };

	for (size_t i = 0; i < KA_ARRLEN(bad); i++)
		if (strcmp(type, bad[i]) == 0)
			return 0;
	return strcmp(type, "admin_home_t") != 0 || uid == 0;
}

/* Does the policy's default for path fit (so restorecon fixes it)? The
 * homes of /home and /root are in its file contexts; other places need
 * an equivalence first. */
static int
default_location(const char *path)
{
	return strncmp(path, "/home/", 6) == 0 || strcmp(path, "/root") == 0 ||
	    strncmp(path, "/root/", 6) == 0;
}

struct bad {
	const char *what;
	char *path;
	char *label;
};

static void
judge(struct ka_ctx *ctx, const char *path, const char *what, int keyfile, uint32_t uid,
    struct bad *out, size_t *n)
{
	const struct snap_file *f;
	char *canon = NULL, *type;
	const char *why;
	int ok;

	if (snap_realpath(ctx->snap, path, &canon, &why) != 0)
		return;
	f = snap_stat(ctx->snap, canon);
	if (f == NULL || f->selinux == NULL || (type = label_type(f->selinux)) == NULL) {
		free(canon);
		return;
	}
	ok = keyfile ? strcmp(type, "ssh_home_t") == 0 : home_type_ok(type, uid);
	free(type);
	if (ok) {
		free(canon);
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].path, canon) == 0) {
			free(canon);
			return;
		}
	out[*n].what = what;
	out[*n].path = canon;
	out[*n].label = str_printable(f->selinux, strlen(f->selinux));
	(*n)++;
}

/* restorecon -Rv PATH, as root: it only puts back the policy's default
 * labels below PATH. A command where PATH is the account's own (the fix
 * script re-checks it), else the same words as prose. */
static void
restorecon_fix(struct ka_ctx *ctx, struct ka_finding *f, const struct snap_account *a,
    const char *path)
{
	const struct snap_file *st = snap_stat(ctx->snap, path);
	const char *why;
	int where = ctx_fix_target(ctx, a, path, path, &why);
	struct ka_action *act;

	if (st != NULL && (st->type == SNAP_DIR || st->type == SNAP_REG) &&
	    (where == FIX_IN_HOME || where == FIX_HOME)) {
		act = remedy_run(&f->remedy, ACT_SERVER, 0, "restorecon", "-Rv", path, NULL);
		action_target(act, path, st->type == SNAP_DIR ? 'd' : 'f', st->uid);
	} else {
		char *q = shell_quote(path);

		remedy_manual(&f->remedy, "restorecon -Rv %s (as root; not a command "
		    "here: %s)", q, where == FIX_NONE ? why : "not a file or directory");
		free(q);
	}
}

static void
user(struct ka_ctx *ctx, const struct ka_user *u)
{
	const struct snap_account *a = u->acct;
	struct bad bad[8];
	size_t n = 0;
	char *ssh = path_join(a->home, ".ssh"), *list, *t;
	struct ka_finding *f;

	judge(ctx, a->home, "the home", 0, a->uid, bad, &n);
	judge(ctx, ssh, "~/.ssh", 1, a->uid, bad, &n);
	for (size_t i = 0; i < u->akfiles.n && n < KA_ARRLEN(bad); i++)
		judge(ctx, u->akfiles.v[i], "the key file", 1, a->uid, bad, &n);
	if (n == 0) {
		free(ssh);
		return;
	}
	list = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		t = xasprintf("%s%s%s %s is %s", list, i ? "; " : "", bad[i].what,
		    bad[i].path, bad[i].label);
		free(list);
		list = t;
	}
	/* the first is the highest on the path: restorecon -R there mends
	 * what is below it too */
	f = ctx_finding(ctx, &rule_perm_selinux_label, u->name, bad[0].path, 0, NULL,
	    "SELinux is enforcing and %s: sshd (sshd_t) reads authorized_keys only "
	    "through ~/.ssh and a key file of type ssh_home_t, so it is denied "
	    "('Permission denied') whatever the modes say", list);
	if (f != NULL) {
		if (default_location(bad[0].path))
			restorecon_fix(ctx, f, a, bad[0].path);
		else {
			char *q = shell_quote(bad[0].path), *h = shell_quote(a->home);

			remedy_manual(&f->remedy, "%s is outside /home, where the policy's "
			    "default labels do not apply: restorecon alone would give it "
			    "the wrong type again. Declare the home's directory equivalent "
			    "to /home first (semanage fcontext -a -e /home DIR, DIR the "
			    "directory holding %s), then restorecon -Rv %s", bad[0].path, h, q);
			free(q);
			free(h);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(bad[i].path);
		free(bad[i].label);
	}
	free(list);
	free(ssh);
}

static void
run(struct ka_ctx *ctx)
{
	const char *mode = ctx->snap->selinux;

	/* permissive only logs the denial; disabled or unknown: no rule */
	if (mode == NULL || strcmp(mode, "enforcing") != 0)
		return;
	for (size_t i = 0; i < ctx->nusers; i++) {
		if (ctx_late(ctx) && ctx_stopped(ctx, "perm", "SELinux labels", i, ctx->nusers))
			break;
		if (ctx->users[i].acct != NULL)
			user(ctx, &ctx->users[i]);
	}
}

const struct ka_check check_selinux = { "perm", rules, KA_ARRLEN(rules), run };
