/*
 * keyscmd.c - what sshd does with an account's AuthorizedKeysCommand,
 * judged from the snapshot alone: whether it would run it at all (sshd's
 * own rules, auth2-pubkey.c user_key_command_allowed2 and misc.c
 * subprocess/safe_path), the argument vector it would run, and, where
 * keyaudit ran the command (--run-keys-command, transport/keyscmd_run.c),
 * how that went. No I/O: the checks and the transport that runs the
 * command share these rules, so what keyaudit runs is what sshd would run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/context.h"
#include "scanner/parse/release.h"
#include "scanner/parse/sshmisc.h"
#include "scanner/parse/sshwords.h"

/* Words sshd splits a command into: far more than any command has. */
#define KC_MAX_ARGS 256

static int
is_none(const char *s)
{
	return s == NULL || strcasecmp(s, "none") == 0;
}

/* The %-tokens the target's sshd expands in the command's arguments
 * (auth2-pubkey.c): %u %h %t %f %k since the command exists, %U from 7.8,
 * %C and %D from 9.4 (d1ffde6b5). A key token's value is the key's, or
 * a stand-in when only the tokens are being judged. */
static void
token_table(int release, const struct ka_user *u, const struct ak_line *key,
    char *uid, size_t uidlen, char **keytext, const char **kv)
{
	size_t n = 0;
	int rel = release ? release : REL_MODEL;

	snprintf(uid, uidlen, "%u", u->acct ? u->acct->uid : 0);
	*keytext = key != NULL && key->blob != NULL ?
	    base64_encode(key->blob, key->bloblen) : xstrdup("KEY");
	if (rel >= REL(9, 4)) {
		kv[n++] = "C";
		kv[n++] = "CONNECTION";
		kv[n++] = "D";
		kv[n++] = "";
	}
	if (rel >= REL(7, 8)) {
		kv[n++] = "U";
		kv[n++] = uid;
	}
	kv[n++] = "u";
	kv[n++] = u->name;
	kv[n++] = "h";
	kv[n++] = u->acct ? u->acct->home : "";
	kv[n++] = "t";
	kv[n++] = key != NULL && key->blob_type != NULL ? key->blob_type : "TYPE";
	kv[n++] = "f";
	kv[n++] = key != NULL && key->fp != NULL ? key->fp : "FINGERPRINT";
	kv[n++] = "k";
	kv[n++] = *keytext;
	kv[n] = NULL;
}

/* Does a word use a token that needs the offered key (or the connection)? */
static int
word_needs_key(const char *w)
{
	for (const char *p = w; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '\0')
			break;
		if (strchr("tfkCD", *p) != NULL)
			return 1;
	}
	return 0;
}

char **
ctx_keys_command_argv(const struct ka_ctx *ctx, const struct ka_user *u,
    const struct ak_line *key, int *acp, int *needs_key, char **why)
{
	const char *cmd = sshd_eff_str(u->eff, "authorizedkeyscommand");
	const char *kv[32];
	char uid[32], *keytext, **av = NULL, bad;
	int ac = 0, rc;

	*acp = 0;
	*why = NULL;
	if (needs_key != NULL)
		*needs_key = 0;
	if (is_none(cmd) || u->acct == NULL) {
		*why = xstrdup("no AuthorizedKeysCommand");
		return NULL;
	}
	if ((rc = ssh_argv_split_all(cmd, KC_MAX_ARGS, &av, &ac)) != 0) {
		*why = rc == -1 ? xasprintf("AuthorizedKeysCommand \"%s\" contains invalid "
		    "quotes", cmd) : xasprintf("AuthorizedKeysCommand \"%s\" has more "
		    "than %d words", cmd, KC_MAX_ARGS);
		return NULL;
	}
	if (ac == 0) {
		*why = xasprintf("AuthorizedKeysCommand \"%s\" yielded no arguments", cmd);
		ssh_argv_free(av, ac);
		return NULL;
	}
	token_table(ctx->release, u, key, uid, sizeof(uid), &keytext, kv);
	for (int i = 1; i < ac; i++) {
		char *x;

		if (needs_key != NULL && word_needs_key(av[i]))
			*needs_key = 1;
		if ((x = ssh_percent_expand(av[i], kv, &bad)) == NULL) {
			char rb[16];

			*why = bad ? xasprintf("its argument \"%s\" uses %%%c, a token sshd %s "
			    "does not know: sshd's percent_expand() is fatal, so it ends the "
			    "whole connection when it reaches the command", av[i], bad,
			    release_str(ctx->release ? ctx->release : REL_MODEL, rb,
			    sizeof(rb))) : xasprintf("its argument \"%s\" ends in a lone "
			    "'%%': sshd's percent_expand() is fatal, so it ends the whole "
			    "connection when it reaches the command", av[i]);
			free(keytext);
			ssh_argv_free(av, ac);
			return NULL;
		}
		free(av[i]);
		av[i] = x;
	}
	free(keytext);
	if (ac == 1) {
		/* no arguments: sshd passes the user name (the old behaviour) */
		av = xreallocarray(av, 2, sizeof(*av));
		av[1] = xstrdup(u->name);
		ac = 2;
	}
	*acp = ac;
	return av;
}

/* May account a search (x) or read the object st, by its mode bits? */
static int
may_x(const struct snapshot *s, const struct snap_account *a, const struct snap_file *st)
{
	if (a->uid == 0)
		return st->type == SNAP_DIR || (st->mode & 0111) != 0;
	if (st->uid == a->uid)
		return (st->mode & 0100) != 0;
	if (snap_account_in_group(s, a, st->gid))
		return (st->mode & 0010) != 0;
	return (st->mode & 0001) != 0;
}

/* sshd's subprocess(): av[0] absolute, stat()able as the user it runs as,
 * and safe_path(av[0], uid 0): a regular file of root's writable by no
 * one else, in directories of root's writable by no one else up to /.
 * 0: sshd runs it; 1: it will not (why); -1: the snapshot does not say. */
static int
program_ok(const struct ka_ctx *ctx, const char *prog, const struct snap_account *runas,
    char **why)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *f;
	const char *rwhy;
	char *canon = NULL, *dir;
	int rc = 0;

	if (prog[0] != '/') {
		*why = xasprintf("its program \"%s\" is not an absolute path (sshd: "
		    "\"AuthorizedKeysCommand path is not absolute\")", prog);
		return 1;
	}
	if (snap_realpath(s, prog, &canon, &rwhy) != 0) {
		if (strcmp(rwhy, "unknown") == 0) {
			*why = xasprintf("%s was not collected", prog);
			return -1;
		}
		*why = xasprintf("sshd cannot stat %s (%s): \"Could not stat "
		    "AuthorizedKeysCommand\"", prog, strcmp(rwhy, "missing") == 0 ?
		    "No such file or directory" : strcmp(rwhy, "loop") == 0 ?
		    "Too many levels of symbolic links" : "Not a directory");
		return 1;
	}
	if ((f = snap_stat(s, canon)) == NULL) {
		*why = xasprintf("%s was not collected", canon);
		free(canon);
		return -1;
	}
	if (f->type != SNAP_REG) {
		*why = xasprintf("%s is not a regular file (sshd: \"Unsafe "
		    "AuthorizedKeysCommand\")", canon);
		free(canon);
		return 1;
	}
	if (f->uid != 0 || (f->mode & 022) != 0) {
		char ob[64];

		*why = xasprintf("bad ownership or modes for file %s (owner %s, mode "
		    "%04o; sshd runs only a file of root's that no one else can "
		    "write: \"Unsafe AuthorizedKeysCommand\")", canon,
		    snap_owner_name(s, f->uid, ob, sizeof(ob)), f->mode & 07777);
		free(canon);
		return 1;
	}
	if (runas != NULL && !may_x(s, runas, f)) {
		*why = xasprintf("%s (mode %04o) is not executable by %s, whom sshd "
		    "runs it as: execve fails and sshd gets no keys", canon,
		    f->mode & 07777, runas->name);
		free(canon);
		return 1;
	}
	dir = canon;
	while (rc == 0 && strcmp(dir, "/") != 0) {
		char *up = path_dirname(dir);
		const struct snap_file *d;

		if (dir != canon)
			free(dir);
		dir = up;
		if ((d = snap_stat(s, dir)) == NULL) {
			/* / itself is not walked by the collectors: root's */
			if (strcmp(dir, "/") != 0) {
				*why = xasprintf("%s was not collected", dir);
				rc = -1;
			}
		} else if (d->uid != 0 || (d->mode & 022) != 0) {
			char ob[64];

			*why = xasprintf("bad ownership or modes for directory %s (owner "
			    "%s, mode %04o) above %s: sshd refuses it as \"Unsafe "
			    "AuthorizedKeysCommand\"", dir, snap_owner_name(s, d->uid, ob,
			    sizeof(ob)), d->mode & 07777, canon);
			rc = 1;
		} else if (runas != NULL && !may_x(s, runas, d)) {
			*why = xasprintf("%s cannot search %s (mode %04o): sshd cannot "
			    "stat %s as that user", runas->name, dir, d->mode & 07777, canon);
			rc = 1;
		}
	}
	if (dir != canon)
		free(dir);
	free(canon);
	return rc;
}

void
ctx_keys_command(const struct ka_ctx *ctx, const struct ka_user *u,
    struct ka_keyscmd *kc)
{
	const struct snapshot *s = ctx->snap;
	const char *kv[] = { "u", u->name, NULL };
	char **av, bad, *why = NULL;
	int ac, needs_key = 0;

	memset(kc, 0, sizeof(*kc));
	kc->command = sshd_eff_str(u->eff, "authorizedkeyscommand");
	kc->runas_cfg = sshd_eff_str(u->eff, "authorizedkeyscommanduser");
	if (is_none(kc->command) || u->acct == NULL) {
		kc->state = KC_NONE;
		return;
	}
	kc->state = KC_REFUSED;
	if (is_none(kc->runas_cfg)) {
		kc->why = xstrdup("no AuthorizedKeysCommandUser applies to this "
		    "account: sshd logs \"No user for AuthorizedKeysCommand "
		    "specified, skipping\"");
		return;
	}
	if ((kc->runas = ssh_percent_expand(kc->runas_cfg, kv, &bad)) == NULL) {
		kc->fatal = 1;
		kc->why = xasprintf("AuthorizedKeysCommandUser \"%s\" uses %%%c: only "
		    "%%u is expanded there and sshd's percent_expand() is fatal, so "
		    "it ends the whole connection when it reaches the command",
		    kc->runas_cfg, bad ? bad : '%');
		return;
	}
	if (s->accounts_known &&
	    (kc->runas_acct = snap_account_by_name(s, kc->runas)) == NULL) {
		kc->why = xasprintf("AuthorizedKeysCommandUser \"%s\" is no account "
		    "on the host (sshd logs: AuthorizedKeysCommandUser \"%s\" not "
		    "found)", kc->runas, kc->runas);
		return;
	}
	if ((av = ctx_keys_command_argv(ctx, u, NULL, &ac, &needs_key, &why)) == NULL) {
		/* only a bad token reaches sshd's fatal() */
		kc->fatal = strstr(why, "percent_expand") != NULL;
		kc->why = why;
		return;
	}
	kc->key_tokens = needs_key;
	kc->prog = xstrdup(av[0]);
	ssh_argv_free(av, ac);
	switch (program_ok(ctx, kc->prog, kc->runas_acct, &why)) {
	case 1:
		kc->why = why;
		return;
	case -1:
		kc->state = KC_UNRUN;
		kc->why = xasprintf("whether sshd runs it is not known: %s", why);
		free(why);
		return;
	}
	kc->run = snap_keyscmd_for(s, u->name);
	if (kc->run == NULL) {
		kc->state = KC_UNRUN;
		return;
	}
	if (!kc->run->ran) {
		kc->state = KC_UNRUN;
		kc->why = xstrdup(kc->run->error ? kc->run->error : "not run");
	} else if (kc->run->status != 0 || kc->run->error != NULL) {
		kc->state = KC_FAILED;
		kc->why = kc->run->error ? xstrdup(kc->run->error) :
		    xasprintf("it exited with status %d: sshd ignores the output of a "
		    "command that does not exit 0", kc->run->status);
	} else
		kc->state = KC_RAN;
}

void
ka_keyscmd_free(struct ka_keyscmd *kc)
{
	free(kc->runas);
	free(kc->prog);
	free(kc->why);
	memset(kc, 0, sizeof(*kc));
}
