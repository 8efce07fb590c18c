/* transport.h - how one target becomes one snapshot. Three transports:
 * local (system calls, optionally under --root), ssh (one connection, one
 * collector exec; a later issue), and file (a snapshot saved as JSON). */
#ifndef KA_TRANSPORT_H
#define KA_TRANSPORT_H

#include "scanner/snapshot.h"

struct collect_opts {
	const char *root;		/* --root DIR or NULL */
	const char *sshd_config;	/* --sshd-config FILE or NULL (default path) */
	const struct strlist *users;	/* --user NAMEs; empty: the invoking user */
	int all_users;			/* --all-users */
	int client;			/* also read the invoking user's client side */
	const char *from_addr;		/* --from: addr= for sshd -T -C */
	int logs;			/* look for sshd's login lines */
	const struct strlist *log_files;	/* --auth-log: these, not the defaults */
};

/* 0 on success; -1 with a one-line message in *err (caller frees). A
 * transport that collected partially still returns 0: gaps are data. */
struct transport {
	const char *name;
	int (*collect)(const char *target, const struct collect_opts *o,
	    struct snapshot *out, char **err);
};

extern const struct transport transport_local;
extern const struct transport transport_file;

/* The local transport's half of collector.sh's log section: the same
 * sources in the same order, filtered and bounded the same way (logcollect.c). */
void collect_auth_logs(struct snapshot *s, const char *root,
    const struct strlist *files);

/* Snapshot JSON (snapjson.c). Parse errors name the file and line. */
int snapshot_from_json(const char *text, size_t len, const char *name,
    struct snapshot *out, char **err);
char *snapshot_to_json(const struct snapshot *s);

/* Facts about a private key from its bytes; never keeps key material. */
void privkey_facts(const char *data, size_t len, char **format, int *encrypted,
    char **pub_type, char **pub_fp);

/* A server account's private key judged from its first two lines, as
 * collector.sh can judge it with the shell alone: the format from the BEGIN
 * line; encrypted from the OpenSSH header's cipher, a PEM Proc-Type
 * ENCRYPTED line or the PKCS#8 label. format "unknown" when neither. */
#define USERKEY_NAMES "id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", \
	"id_ed25519_sk", "id_dsa"
void userkey_facts(const char *line1, const char *line2, const char **format,
    int *encrypted);

/* The public half an OpenSSH-format private key stores in clear (even when
 * a passphrase protects the rest), as ssh reads it when there is no .pub
 * file. 0, or -1 when there is none (other formats). */
int privkey_public_blob(const char *data, size_t len, unsigned char **blob,
    size_t *bloblen);
/* Private-key blocks replaced by blank lines (line numbers kept). Returns a
 * new buffer when something was redacted, else NULL. */
char *redact_private_blocks(const char *data, size_t len, size_t *outlen);

#endif
