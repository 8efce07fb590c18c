/* certca.h - a host's certificate trust, gathered once from the context:
 * the CAs sshd trusts for user certificates (TrustedUserCAKeys lines and
 * cert-authority lines), the principals files of the audited accounts, and
 * the RevokedKeys files. checks/certca.c judges them; the keys inventory
 * (keylist.c) lists them and the fleet pass (fleet.c) digests them. */
#ifndef KA_CERTCA_H
#define KA_CERTCA_H

#include "scanner/context.h"
#include "scanner/parse/krlsum.h"

/* How a file sshd reads was found in the snapshot. */
enum certca_state {
	CA_FILE_OK = 0,
	CA_FILE_MISSING,	/* not there (a component missing) */
	CA_FILE_UNREADABLE,	/* there, but not a regular file or not readable */
	CA_FILE_UNKNOWN,	/* not collected */
};

/* One CA key sshd trusts. */
struct certca_ca {
	int global;		/* a TrustedUserCAKeys line; else cert-authority */
	const char *user;	/* cert-authority: the account (the context's) */
	const struct ka_user *u;	/* ... and its context */
	const char *users;	/* TrustedUserCAKeys: the file's users (its own) */
	int all_users;		/* TrustedUserCAKeys named for every audited account */
	const char *path;	/* the file as configured / canonical key file */
	long line;
	const struct ak_line *l;	/* type, bits, fp, comment, blob */
	char *sha1;		/* "SHA1:..." */
	const char *principals;	/* principals= of a cert-authority line */
};

/* A TrustedUserCAKeys file, once however many accounts name it. */
struct certca_cafile {
	char *path;		/* as configured (derelativised) */
	char *users;		/* "alice, bob" */
	size_t nusers;
	enum certca_state state;
	char *why;		/* missing/unreadable: what the snapshot says */
	long badline;		/* a line sshd cannot read (it stops there), 0 none */
	struct ak_file ak;	/* its lines */
};

/* An account's AuthorizedPrincipalsFile (read as the account). */
struct certca_princ {
	const char *user;
	char *path;		/* expanded */
	enum certca_state state;
	char *why;
	struct strlist names;	/* principals listed (first word of each line) */
};

/* A RevokedKeys file, once however many accounts name it. */
struct certca_revoked {
	char *path;
	char *users;
	enum certca_state state;
	int is_krl;
	char *krl_error;	/* krl_parse's verdict: sshd cannot load it */
	struct krl_summary sum;	/* a KRL: what it names */
	struct strlist list_fps;	/* a key list: SHA256 and SHA1 of each key */
};

struct certca {
	struct certca_cafile *files;
	size_t nfiles;
	struct certca_ca *cas;
	size_t ncas;
	struct certca_princ *princ;
	size_t nprinc;
	struct certca_revoked *revoked;
	size_t nrevoked;
};

/* Everything above for the context's audited accounts. */
void certca_gather(struct ka_ctx *ctx, struct certca *t);
void certca_free(struct certca *t);
/* "all users" or "alice, bob": whom a CA is trusted for. Caller frees. */
char *certca_scope(const struct certca_ca *c);

#endif
