/* keylist.h - the key inventory of `keyaudit keys`: one row per key line of
 * every audited account's AuthorizedKeysFile(s) (as the engine resolves them
 * per user), with what sshd thinks of the line and, from sshd's logs, when
 * the key last logged in. */
#ifndef KA_KEYLIST_H
#define KA_KEYLIST_H

#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "usagelog.h"

struct key_row {
	char *host, *user;
	char *path;		/* canonical AuthorizedKeysFile */
	long line;
	char *type;		/* as sshd reads it: "ssh-ed25519" */
	int bits;
	char *fp;		/* "SHA256:..." */
	char *comment;		/* printable, or NULL */
	char *options;		/* printable, or NULL */
	char *status;		/* usable, expired, or "dead: why" */
	int64_t file_mtime;	/* of the file: the line is at most this old */
	int log_known;		/* a log was read for this host */
	int64_t last_used;	/* 0: not in the logs (or no time in them) */
	unsigned long logins;
	char *last_from;
};

struct key_rows {
	struct key_row *v;
	size_t n;
};

/* Rows for one snapshot (the users it audited), appended to out. */
void keylist_rows(const struct snapshot *s, const struct ka_options *o,
    struct key_rows *out);
/* Last use from u for every row (rows of the host the logs belong to). */
void keylist_apply_log(struct key_rows *r, const struct usagelog *u);
/* format: table, csv or json. */
void keylist_print(FILE *fp, const struct key_rows *r, const char *format,
    const struct usagelog *u, const struct strlist *log_sources);
void keylist_free(struct key_rows *r);

#endif
