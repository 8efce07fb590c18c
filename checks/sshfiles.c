/* sshfiles.c - the files sshd trusts as root: its configuration (main file
 * and every Included drop-in), the directories they live in, and the host
 * private keys. Whoever can write one of them controls sshd; a host key
 * others can read lets them impersonate the host. sshd itself checks none
 * of this for its config, and only some of it for host keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_files_config_owner = {
	.id = "files.config-owner", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "an sshd configuration file is not owned by root",
	.help = "sshd reads sshd_config and its drop-ins as root and never checks who "
	    "owns them: the owner can change any setting, including turning "
	    "password login or root login on.",
};

const struct ka_rule rule_files_config_mode = {
	.id = "files.config-mode", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "an sshd configuration file is writable by group or others",
	.help = "A group- or world-writable sshd_config or drop-in lets those users "
	    "rewrite sshd's configuration (AuthorizedKeysCommand runs as they "
	    "say, AuthorizedKeysFile points where they want).",
};

const struct ka_rule rule_files_config_dir = {
	.id = "files.config-dir", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a directory holding sshd's configuration or host keys is writable by others",
	.help = "Whoever can write /etc/ssh, a drop-in directory or a directory above "
	    "them can replace the files in it or add a drop-in that sshd reads "
	    "first. A root-owned sticky directory above them (a 1777 /tmp) is not "
	    "reported: the sticky bit lets only an entry's owner or root rename "
	    "or remove it, so other users can add names there but replace "
	    "nothing sshd reads (an owner other than root is reported at the "
	    "entry). /etc/ssh and the drop-in directories themselves are judged "
	    "without that exception, since a file added there is read.",
};

const struct ka_rule rule_files_hostkey_perms = {
	.id = "files.hostkey-perms", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a host private key is not 0600 root (0640 root:ssh_keys on RHEL)",
	.help = "A host private key others can read lets them impersonate this host "
	    "to every client. sshd refuses to load a root-owned key with group or "
	    "other bits (\"UNPROTECTED PRIVATE KEY FILE\"), so the key also stops "
	    "being offered; RHEL's sshd accepts 0640 with group ssh_keys.",
};

static const struct ka_rule *const rules[] = {
	&rule_files_config_owner,
	&rule_files_config_mode,
	&rule_files_config_dir,
	&rule_files_hostkey_perms,
};

static const char *
reload_cmd(const struct ka_ctx *ctx)
{
	return ctx->upg_allowed ? "systemctl reload ssh" : "systemctl reload sshd";
}

/* The canonical path and its lstat, or NULL (why says: "missing",
 * "unknown", ...). */
static const struct snap_file *
resolve(const struct ka_ctx *ctx, const char *path, char **canon, const char **why)
{
	const struct snap_file *f;

	*canon = NULL;
	if (snap_realpath(ctx->snap, path, canon, why) != 0)
		return NULL;
	if ((f = snap_stat(ctx->snap, *canon)) == NULL) {
		*why = "unknown";
		return NULL;
	}
	return f;
}

/* ------------------------------------------------------ directories */

/*
 * dir holds child, the next component on the way to a file sshd reads (NULL:
 * dir is where sshd reads whatever is added, /etc/ssh or a drop-in
 * directory). In a root-owned sticky directory (a 1777 /tmp) only root and
 * the entry's owner may rename or remove an entry (unlink(2), EPERM): the
 * users who may write there cannot replace child, and an owner of child
 * other than root is reported at child itself (its directory, file or host
 * key check). Such a directory is judged again, without the exception, when
 * it is itself a place sshd reads from.
 */
static void
check_dir(struct ka_ctx *ctx, const char *dir, const char *child, struct strlist *seen)
{
	const struct snap_file *f, *c;
	struct ka_finding *fd;
	char ob[32];

	if (strlist_has(seen, dir))
		return;
	if ((f = snap_stat(ctx->snap, dir)) == NULL || f->type != SNAP_DIR) {
		strlist_add(seen, dir);
		return;
	}
	if (f->uid == 0 && (f->mode & 022) == 0) {
		strlist_add(seen, dir);
		return;
	}
	if (child != NULL && f->uid == 0 && (f->mode & 01000) != 0 &&
	    (c = snap_stat(ctx->snap, child)) != NULL && c->type != SNAP_NOENT &&
	    c->type != SNAP_UNKNOWN)
		return;
	strlist_add(seen, dir);
	fd = ctx_finding(ctx, &rule_files_config_dir, NULL, dir, 0, NULL, "%s is mode %04o, "
	    "owner %s: %s can %s files that sshd reads as root", dir,
	    f->mode & 07777, snap_owner_name(ctx->snap, f->uid, ob, sizeof(ob)),
	    f->uid != 0 ? "its owner" : (f->mode & 002) ? "every user" :
	    "every member of its group", f->uid == 0 && (f->mode & 01000) ?
	    "add" : "replace or add");
	if (f->uid != 0)
		ctx_fix_path(ctx, fd, NULL, NULL, "chown", "root", dir);
	if (f->mode & 022)
		ctx_fix_path(ctx, fd, NULL, NULL, "chmod", "go-w", dir);
}

/* Every directory from path's parent up to "/"; with reads_added, path's
 * parent is a place sshd reads files added to (a drop-in directory). */
static void
check_dirs_above(struct ka_ctx *ctx, const char *path, int reads_added, struct strlist *seen)
{
	char *d = path_dirname(path), *child = xstrdup(path);

	for (int hops = 0; hops < 256; hops++) {
		char *up;

		check_dir(ctx, d, hops == 0 && reads_added ? NULL : child, seen);
		if (strcmp(d, "/") == 0)
			break;
		up = path_dirname(d);
		free(child);
		child = d;
		d = up;
	}
	free(child);
	free(d);
}

/* ----------------------------------------------------- config files */

static void
check_config_file(struct ka_ctx *ctx, const char *path, struct strlist *dirs)
{
	const struct snap_file *f;
	const char *why;
	struct ka_finding *fd;
	char *canon, ob[32];

	if ((f = resolve(ctx, path, &canon, &why)) == NULL) {
		if (strcmp(why, "missing") != 0)
			ctx_skip(ctx, &rule_files_config_mode, path, "%s was not "
			    "collected or could not be examined", path);
		free(canon);
		return;
	}
	check_dirs_above(ctx, canon, 0, dirs);
	if (f->uid != 0) {
		fd = ctx_finding(ctx, &rule_files_config_owner, NULL, canon, 0, NULL,
		    "%s%s%s is owned by %s, who can change sshd's configuration",
		    canon, strcmp(canon, path) ? ", the target of " : "",
		    strcmp(canon, path) ? path : "",
		    snap_owner_name(ctx->snap, f->uid, ob, sizeof(ob)));
		ctx_fix_path(ctx, fd, NULL, NULL, "chown", "root:root", canon);
	}
	if ((f->mode & 022) != 0) {
		fd = ctx_finding(ctx, &rule_files_config_mode, NULL, canon, 0, NULL,
		    "%s%s%s is mode %04o: %s can change sshd's configuration",
		    canon, strcmp(canon, path) ? ", the target of " : "",
		    strcmp(canon, path) ? path : "", f->mode & 07777,
		    (f->mode & 002) ? "every user" : "every member of its group");
		ctx_fix_path(ctx, fd, NULL, NULL, "chmod", "go-w", canon);
	}
	free(canon);
}

/* ------------------------------------------------------- host keys */

/* RHEL, CentOS, Fedora and their rebuilds patch sshd to accept a host key
 * readable by group ssh_keys. */
static int
rhel_family(const struct ka_ctx *ctx)
{
	for (int k = 0; k < 2; k++) {
		const char *s = k ? ctx->os_like : ctx->os_id;

		if (s != NULL && (strstr(s, "rhel") || strstr(s, "fedora") ||
		    strstr(s, "centos")))
			return 1;
	}
	return 0;
}

static void
check_hostkey_file(struct ka_ctx *ctx, const char *path, int rhel, uint32_t ssh_keys,
    int have_ssh_keys, struct strlist *dirs)
{
	const struct snap_file *f;
	const char *why, *problem = NULL;
	struct ka_finding *fd;
	char *canon, ob[32];
	int group_ok, sshkeys;

	if ((f = resolve(ctx, path, &canon, &why)) == NULL) {
		/* sshd skips a host key that does not exist */
		if (strcmp(why, "missing") != 0)
			ctx_skip(ctx, &rule_files_hostkey_perms, path, "%s was not "
			    "collected or could not be examined", path);
		free(canon);
		return;
	}
	check_dirs_above(ctx, canon, 0, dirs);
	if (f->type != SNAP_REG) {
		free(canon);
		return;
	}
	group_ok = rhel && have_ssh_keys && f->gid == ssh_keys &&
	    (f->mode & 077) == 040;
	if (f->uid != 0)
		problem = "is not owned by root";
	else if ((f->mode & 077) != 0 && !group_ok)
		problem = (f->mode & 004) ? "is readable by every user" :
		    (f->mode & 040) ? "is readable by its group" :
		    "has group or other permission bits";
	if (problem == NULL) {
		free(canon);
		return;
	}
	sshkeys = rhel && have_ssh_keys;
	fd = ctx_finding(ctx, &rule_files_hostkey_perms, NULL, canon, 0, NULL,
	    "host private key %s (HostKey %s) is mode %04o, owner %s: it %s%s",
	    canon, path, f->mode & 07777, snap_owner_name(ctx->snap, f->uid, ob,
	    sizeof(ob)), problem, f->uid == 0 && !rhel ? "; sshd refuses to load "
	    "a root-owned host key with group or other bits, so clients no longer "
	    "get this key (and with no other host key sshd does not start)" : "");
	if (ctx_fix_path(ctx, fd, NULL, NULL, "chown", sshkeys ? "root:ssh_keys" :
	    "root:root", canon) != NULL && fd->remedy.v[fd->remedy.n - 1].kind == ACT_RUN) {
		ctx_fix_path(ctx, fd, NULL, NULL, "chmod", sshkeys ? "0640" : "0600", canon);
		remedy_manual(&fd->remedy, "then reload sshd: %s", reload_cmd(ctx));
	}
	free(canon);
}

static void
run(struct ka_ctx *ctx)
{
	const struct strlist *files = sshdconf_files(ctx->sshd);
	const struct sshd_value *hk = sshd_eff_get(ctx->global, "hostkey");
	const char *agent = sshd_eff_str(ctx->global, "hostkeyagent");
	const struct snap_group *g = snap_group_by_name(ctx->snap, "ssh_keys");
	struct strlist dirs = { 0 };
	int rhel = rhel_family(ctx);

	for (size_t i = 0; files != NULL && i < files->n; i++)
		check_config_file(ctx, files->v[i], &dirs);
	/* /etc/ssh and each Include directory, even when nothing in them
	 * was read: a file added there would be. */
	check_dir(ctx, "/etc/ssh", NULL, &dirs);
	for (size_t i = 0; i < ctx->snap->nglobs; i++) {
		const char *pat = ctx->snap->globs[i].pattern;
		const char *slash = strrchr(pat, '/');

		if (slash != NULL && pat[0] == '/' &&
		    strcspn(pat, "*?[") > (size_t)(slash - pat))
			check_dirs_above(ctx, pat, 1, &dirs);
	}
	for (size_t i = 0; hk != NULL && i < hk->n; i++) {
		size_t n = strlen(hk->v[i]);

		/* With HostKeyAgent a HostKey may name the public half. */
		if (agent != NULL && strcmp(agent, "none") != 0 && n > 4 &&
		    strcmp(hk->v[i] + n - 4, ".pub") == 0)
			continue;
		check_hostkey_file(ctx, hk->v[i], rhel, g ? g->gid : 0, g != NULL, &dirs);
	}
	strlist_free(&dirs);
}

const struct ka_check check_sshfiles = { "files", rules, KA_ARRLEN(rules), run };
