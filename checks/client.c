/* client.c - the client half of key login: what makes ssh itself refuse to
 * use a key (authfile.c sshkey_perm_ok, sshconnect2.c identity_sign,
 * readconf.c read_config_file_depth), and keys that are weaker than they
 * look. Reads the facts the transport recorded about the client user's
 * private keys (never the keys) and the lstat data of their files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_client_key_mode = {
	.id = "client.key-mode", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "private key file is accessible by others",
	.help = "ssh refuses a private key that belongs to the user and has any group "
	    "or other permission bit (mode & 077), even read-only and even for a "
	    "user-private group: 'WARNING: UNPROTECTED PRIVATE KEY FILE! ... This "
	    "private key will be ignored.' It still offers the public half from "
	    "the .pub file, so the server accepts the key and the login then "
	    "fails. A key owned by someone else is used, but whoever can read it "
	    "can use it.",
	.chain = CHAIN_SIGNING,
};

const struct ka_rule rule_client_no_passphrase = {
	.id = "client.no-passphrase", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "private key has no passphrase",
	.help = "Anyone who gets a copy of the file (a backup, a stolen disk, another "
	    "admin) can log in with the key. A passphrase plus ssh-agent costs one "
	    "prompt per session.",
};

const struct ka_rule rule_client_pub_mismatch = {
	.id = "client.pub-mismatch", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the .pub file next to a private key holds a different key",
	.help = "ssh takes an identity's public key from FILE.pub when there is one and "
	    "offers that. A server that does not know it refuses, and ssh never "
	    "offers the real key; a server that knows it accepts, and ssh then "
	    "fails: 'private key FILE contents do not match public'.",
	.chain = CHAIN_CLIENT_KEYS + 2,
};

const struct ka_rule rule_client_config_perms = {
	.id = "client.config-perms", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "~/.ssh/config is writable by others or owned by someone else",
	.help = "ssh stops before connecting anywhere when the user's ~/.ssh/config is "
	    "not owned by the user or root, or is group/world-writable: 'Bad owner "
	    "or permissions on ~/.ssh/config'. Debian and Ubuntu accept group write "
	    "when the group holds only the owner.",
	.chain = CHAIN_CLIENT_CONFIG,
};

const struct ka_rule rule_client_key_unreadable = {
	.id = "client.key-unreadable", .severity = SEV_LOW, .blocks_login = 0,
	.title = "an IdentityFile named in ~/.ssh/config is missing or unreadable",
	.help = "ssh skips an IdentityFile it cannot load (visible only with -v: 'no "
	    "such identity'), so the key the config promises is never offered.",
	.chain = CHAIN_CLIENT_KEYS,
};

static const struct ka_rule *const rules[] = {
	&rule_client_key_mode,
	&rule_client_no_passphrase,
	&rule_client_pub_mismatch,
	&rule_client_config_perms,
	&rule_client_key_unreadable,
};


/* Can account a open f for reading? Linux classes: owner, group, other. */
static int
may_read(const struct snapshot *s, const struct snap_account *a,
    const struct snap_file *f)
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
	return (bits & 4) != 0;
}

static const char *
uid_name(const struct snapshot *s, uint32_t uid, char *buf, size_t len)
{
	const struct snap_account *a = snap_account_by_uid(s, uid);

	if (a != NULL)
		return a->name;
	snprintf(buf, len, "uid %u", uid);
	return buf;
}

/*
 * What ssh's open() of path would reach: 1 and the file, 0 when the path
 * does not exist, -1 when it cannot be opened (*why says so), -2 when the
 * snapshot does not know.
 */
static int
open_target(const struct snapshot *s, const char *path, const struct snap_file **out,
    const char **why)
{
	char *canon = NULL;
	const char *w;

	*out = NULL;
	*why = NULL;
	if (snap_file_get(s, path) == NULL)
		return -2;
	if (snap_realpath(s, path, &canon, &w) != 0) {
		if (strcmp(w, "missing") == 0)
			return 0;
		if (strcmp(w, "unknown") == 0)
			return -2;
		*why = strcmp(w, "loop") == 0 ? "a symlink loop" :
		    "a path component is not a directory";
		return -1;
	}
	*out = snap_stat(s, canon);
	free(canon);
	if (*out == NULL || (*out)->type == SNAP_UNKNOWN)
		return -2;
	return 1;
}

static void
check_key_mode(struct ka_ctx *ctx, const struct snap_account *a,
    const struct snap_clientkey *k, const struct snap_file *f)
{
	struct ka_finding *fd;
	char ob[32];

	if ((f->mode & 077) == 0)
		return;
	if (f->uid == a->uid) {
		fd = ctx_finding(ctx, &rule_client_key_mode, a->name, k->path, 0, NULL,
		    "private key %s is mode %04o: ssh ignores a key of its own user "
		    "with any group or other bit. ssh prints: WARNING: UNPROTECTED "
		    "PRIVATE KEY FILE! ... Load key \"%s\": bad permissions (the "
		    "public half is still offered, so the server accepts the key and "
		    "the login then fails)", k->path, f->mode, k->path);
		remedy_run(fd ? &fd->remedy : NULL, ACT_CLIENT, 1, "chmod", "600", k->path,
		    NULL);
	} else {
		if ((f->mode & 066) == 0)
			return;		/* execute bits only: nobody can read it */
		fd = ctx_finding(ctx, &rule_client_key_mode, a->name, k->path, 0, NULL,
		    "private key %s is mode %04o and owned by %s, not %s: ssh uses "
		    "it, but others can %s it", k->path, f->mode,
		    uid_name(ctx->snap, f->uid, ob, sizeof(ob)), a->name,
		    (f->mode & 044) ? "read" : "overwrite");
		if (fd != NULL)
			fd->blocks_login = 0;
		if (fd != NULL && remedy_word_ok(a->name)) {
			remedy_run(&fd->remedy, ACT_CLIENT, 0, "chown", a->name, k->path, NULL);
			remedy_run(&fd->remedy, ACT_CLIENT, 0, "chmod", "600", k->path, NULL);
		}
	}
	if (fd != NULL && k->pub_fp != NULL)
		fd->key_fp = xstrdup(k->pub_fp);
}

/* The key ssh would read from a .pub file (authfile.c
 * sshkey_try_load_public): the first line that is a bare key, stopping at
 * a private key block. Returns 1 and fills *l, or 0. */
static int
pub_file_key(const struct snap_file *f, struct ak_line *l)
{
	const char *p = f->content, *end = f->content + f->content_len;
	long lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (n >= 10 && memcmp(p, "-----BEGIN", 10) == 0)
			return 0;
		if (n <= AK_MAX_LINE) {
			ak_parse_line(p, n, lineno, l);
			if (l->status == AK_KEY && l->options_text == NULL &&
			    l->fp != NULL)
				return 1;
			ak_line_free(l);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static void
check_pub(struct ka_ctx *ctx, const struct snap_account *a,
    const struct snap_clientkey *k)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *pf;
	const char *why;
	struct ka_finding *fd;
	struct ak_line l;
	char *pub = xasprintf("%s.pub", k->path);

	if (open_target(s, pub, &pf, &why) != 1 || pf->type != SNAP_REG ||
	    !pf->has_content) {
		free(pub);
		return;
	}
	if (k->pub_fp == NULL) {
		if (pf->content_len > 0)
			ctx_skip(ctx, &rule_client_pub_mismatch, k->path, "the public half "
			    "of a %s-format private key is not recorded, so %s cannot "
			    "be compared with it", k->format, pub);
		free(pub);
		return;
	}
	memset(&l, 0, sizeof(l));
	if (!pub_file_key(pf, &l)) {
		free(pub);
		return;		/* no key there: ssh uses the private file's */
	}
	if (strcmp(l.fp, k->pub_fp) != 0) {
		fd = ctx_finding(ctx, &rule_client_pub_mismatch, a->name, k->path, 0, NULL,
		    "%s holds %s %s, but the private key %s is %s %s: ssh offers "
		    "the .pub key instead of the real one and, if a server accepts "
		    "it, fails with: private key %s contents do not match public",
		    pub, l.keytype ? l.keytype : "?", l.fp, k->path,
		    k->pub_type ? k->pub_type : "?", k->pub_fp, k->path);
		if (fd != NULL) {
			char *qk = shell_quote(k->path), *qp = shell_quote(pub);

			fd->key_fp = xstrdup(k->pub_fp);
			/* a redirection is no argv: said in words */
			remedy_manual(&fd->remedy, "on the client: ssh-keygen -y -f %s > %s",
			    qk, qp);
			free(qk);
			free(qp);
		}
	}
	ak_line_free(&l);
	free(pub);
}

static int
known_format(const struct snap_clientkey *k)
{
	return k->format != NULL && strcmp(k->format, "unknown") != 0;
}

static int
from_config(const struct snap_clientkey *k)
{
	return k->source != NULL && strcmp(k->source, "default") != 0;
}

static void
check_key(struct ka_ctx *ctx, const struct snap_account *a,
    const struct snap_clientkey *k)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *f;
	const char *why, *src = k->source ? k->source : "~/.ssh/config";
	struct ka_finding *fd;
	int rc = open_target(s, k->path, &f, &why);

	if (rc == -2) {
		ctx_skip(ctx, &rule_client_key_mode, k->path, "%s was not collected",
		    k->path);
		goto out;
	}
	if (rc <= 0 || f->type != SNAP_REG || f->read_error != NULL ||
	    !may_read(s, a, f) || (!known_format(k) && f->size == 0)) {
		char *reason;

		if (!from_config(k))
			goto out;
		if (rc == 0)
			reason = xstrdup("does not exist");
		else if (rc < 0)
			reason = xasprintf("cannot be opened: %s", why);
		else if (f->type != SNAP_REG)
			reason = xasprintf("is a %s, not a file", snap_ftype_name(f->type));
		else if (f->read_error != NULL)
			reason = xasprintf("cannot be read: %s", f->read_error);
		else if (!may_read(s, a, f))
			reason = xasprintf("is mode %04o, owner uid %u: %s cannot read it",
			    f->mode, f->uid, a->name);
		else
			reason = xstrdup("is empty");
		ctx_finding(ctx, &rule_client_key_unreadable, a->name, k->path, 0, NULL,
		    "IdentityFile %s (%s) %s: ssh skips it, so this key is never "
		    "offered", k->path, src, reason);
		free(reason);
		goto out;
	}

	/* Of a file that is no private key (an IdentityFile may name a .pub
	 * whose private half lives in an agent or token) ssh wants nothing. */
	if (!known_format(k))
		goto out;
	check_key_mode(ctx, a, k, f);
	if (k->encrypted == 0) {
		fd = ctx_finding(ctx, &rule_client_no_passphrase, a->name, k->path, 0, NULL,
		    "private key %s (%s%s%s) has no passphrase: a copy of the file is "
		    "enough to use it", k->path, k->format, k->pub_type ? ", " : "",
		    k->pub_type ? k->pub_type : "");
		if (fd != NULL && k->pub_fp != NULL)
			fd->key_fp = xstrdup(k->pub_fp);
		remedy_run(fd ? &fd->remedy : NULL, ACT_CLIENT, 1, "ssh-keygen", "-p", "-f",
		    k->path, NULL);
	}
	check_pub(ctx, a, k);
 out:
	return;
}

static void
check_config(struct ka_ctx *ctx, const struct snap_account *a)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *f;
	const char *why, *problem = NULL;
	char *path = xasprintf("%s/.ssh/config", a->home), ob[32];
	struct ka_finding *fd = NULL;

	/* The transport records the path as ssh builds it, home + suffix; a
	 * hand-written snapshot may have it normalised. */
	if (snap_file_get(s, path) == NULL) {
		free(path);
		path = path_join(a->home, ".ssh/config");
	}
	if (open_target(s, path, &f, &why) != 1 || f->type != SNAP_REG) {
		free(path);
		return;		/* ssh reads no config it cannot open */
	}
	if (f->uid != 0 && f->uid != a->uid)
		problem = "owner";
	else if ((f->mode & 002) || ((f->mode & 020) &&
	    !(ctx->upg_allowed && snap_group_private(s, f->gid, a->uid, f->uid))))
		problem = "mode";
	if (problem != NULL)
		fd = ctx_finding(ctx, &rule_client_config_perms, a->name, path, 0, NULL,
		    "%s is mode %04o, owned by %s%s: ssh stops before connecting "
		    "anywhere (%s). ssh prints: Bad owner or permissions on %s", path,
		    f->mode, uid_name(s, f->uid, ob, sizeof(ob)),
		    strcmp(problem, "owner") == 0 ? " (neither the user nor root)" :
		    (f->mode & 002) ? " and world-writable" : " and group-writable",
		    ctx->upg_rule ? ctx->upg_rule : "upstream rule", path);
	if (fd != NULL && strcmp(problem, "owner") == 0 && remedy_word_ok(a->name)) {
		remedy_run(&fd->remedy, ACT_CLIENT, 0, "chown", a->name, path, NULL);
		remedy_run(&fd->remedy, ACT_CLIENT, 0, "chmod", "600", path, NULL);
	} else if (fd != NULL)
		remedy_run(&fd->remedy, ACT_CLIENT, 1, "chmod", "go-w", path, NULL);
	free(path);
}

static void
run(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_account *a;

	if (s->client_user == NULL)
		return;		/* the client side was not collected */
	if ((a = snap_account_by_name(s, s->client_user)) == NULL) {
		ctx_skip(ctx, &rule_client_key_mode, s->client_user, "client user %s has "
		    "no account entry in the snapshot", s->client_user);
		return;
	}
	check_config(ctx, a);
	for (size_t i = 0; i < s->nclientkeys; i++)
		check_key(ctx, a, &s->clientkeys[i]);
}

const struct ka_check check_client = { "client", rules, KA_ARRLEN(rules), run };
