/* keylist.h - the key inventory of `keyaudit keys`: one row per key line of
 * every audited account's AuthorizedKeysFile(s) (as the engine resolves them
 * per user), with what sshd thinks of the line and, from sshd's logs, when
 * the key last logged in. */
#ifndef KA_KEYLIST_H
#define KA_KEYLIST_H

#include <stdint.h>
#include <stdio.h>

#include "scanner/context.h"
#include "scanner/parse/usagelog.h"

struct key_row {
	/* "key": an authorized_keys line; "ca": a CA sshd trusts for user
	 * certificates (a TrustedUserCAKeys line, or a cert-authority line:
	 * then also a key line of the account); "principals": an account's
	 * AuthorizedPrincipalsFile; "revoked": a RevokedKeys file */
	const char *kind;
	char *scope;		/* ca: "all users", or the accounts; else NULL */
	char *principals;	/* ca: principals=; principals: the names listed
				 * (comma-separated); else NULL */
	char *host, *user;	/* user "" for a host's file (TrustedUserCAKeys) */
	char *path;		/* canonical AuthorizedKeysFile */
	long line;
	char *type;		/* as sshd reads it: "ssh-ed25519" */
	int bits;
	char *fp;		/* "SHA256:..." */
	char *comment;		/* as written (made printable when shown), or NULL */
	char *options;		/* as written, or NULL */
	char *status;		/* usable, expired, or "dead: why" */
	int64_t file_mtime;	/* of the file: the line is at most this old */
	char *owner;		/* --key-registry's owner, or NULL */
	int64_t added;		/* the registry's date, 0 unknown */
	long age_days;		/* since added, else since the file changed; -1 unknown */
	int log_known;		/* a log was read for this host */
	int64_t last_used;	/* 0: not in the logs (or no time in them) */
	unsigned long logins;
	char *last_from;
};

/* What one host's logs were: where they came from, the time they cover. */
struct key_logs {
	char *host;
	int asked;		/* the logs were looked for */
	struct strlist sources;	/* "PATH" or "PATH: why it was not read" */
	int truncated;		/* older lines dropped (the window starts later) */
	int64_t first, last;	/* 0: no line had a time */
	unsigned long logins;
	/* what grants access no file shows: "AuthorizedKeysCommand X (for
	 * alice, bob)", "TrustedUserCAKeys Y (...)" */
	struct strlist notes;
};

struct key_rows {
	struct key_row *v;
	size_t n;
	struct key_logs *logs;	/* one per host */
	size_t nlogs;
};

/* Rows for one snapshot (the users it audited), with last use from the
 * logs the snapshot holds, appended to out. */
void keylist_rows(const struct snapshot *s, const struct ka_options *o,
    struct key_rows *out);
/* All of src's rows and logs to the end of dst; src is left empty. */
void keylist_move(struct key_rows *dst, struct key_rows *src);
/* format: table, csv or json. */
void keylist_print(FILE *fp, const struct key_rows *r, const char *format);
void keylist_free(struct key_rows *r);

#endif
