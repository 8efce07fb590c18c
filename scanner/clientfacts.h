/* clientfacts.h - what the client side of one login showed: the keys ssh
 * would offer (filled by scanner/transport/identities.c) and what each did
 * on the connection (filled by scanner/diagnose.c). Plain data, read by the
 * client checks the way the other checks read a snapshot. */
#ifndef KA_CLIENTFACTS_H
#define KA_CLIENTFACTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scanner/util.h"

struct client_host;	/* scanner/parse/clientconf.h */

enum ident_source {
	IDENT_FILE,		/* an IdentityFile (or -i) not held by the agent */
	IDENT_AGENT,		/* an agent key that no IdentityFile names */
	IDENT_AGENT_FILE,	/* an agent key an IdentityFile also names:
				 * offered in the agent's order, signed by it */
};

enum ident_skip {
	IDENT_SKIP_NONE = 0,
	IDENT_SKIP_ALGORITHM,	/* not in the client's PubkeyAcceptedAlgorithms */
	IDENT_SKIP_RSA_SIZE,	/* RSA below the client's RequiredRSASize */
};

struct identity {
	enum ident_source source;
	char *path;		/* the IdentityFile, NULL for IDENT_AGENT */
	char *origin;		/* "-i", "default", "FILE:LINE" of IdentityFile, "agent" */
	char *comment;		/* the agent's comment or the .pub comment, printable */

	/* The public key ssh offers (from the agent, FILE.pub, or the
	 * unencrypted private key), NULL when it has none to offer. */
	char *type;		/* "ssh-ed25519", "ssh-rsa", ... */
	unsigned char *blob;
	size_t bloblen;
	char *fp;		/* "SHA256:..." */
	int bits;

	/* What ssh will do with it (a zero value: fine). */
	int missing;		/* neither FILE nor FILE.pub exists */
	int unreadable;		/* FILE exists but cannot be opened (errno in why) */
	int bad_mode;		/* FILE is the user's and mode & 077: ssh ignores it
				 * after the server accepted the public half */
	mode_t mode;		/* of FILE */
	int encrypted;		/* 1: a passphrase, which BatchMode cannot ask for
				 * (and the agent does not hold the key) */
	int pub_mismatch;	/* FILE.pub holds another key than FILE */
	char *priv_fp;		/* the private key's own fingerprint when known */
	char *skip;		/* ssh does not offer it at all: why (printable), or NULL */
	enum ident_skip skip_why;	/* why ssh would skip it (skip says it
					 * in words); IDENT_SKIP_NONE: it does not */
	char *why;		/* a short printable note for missing/unreadable */

	/* A certificate (PROTOCOL.certkeys): type and blob are the
	 * certificate's, fp its key's (as ssh -v prints both). ssh offers a
	 * FILE-cert(.pub) beside each identity file right after the file's
	 * own key, CertificateFile certificates before everything, an
	 * agent's certificates in the agent's order. */
	int is_cert;
	char *cert_path;	/* the certificate file; NULL for an agent's */
	uint32_t cert_kind;	/* 1 user, 2 host, 0 not read */
	uint64_t cert_valid_after, cert_valid_before;	/* 0, UINT64_MAX: forever */
	char *cert_key_id;	/* printable */
	long signer;		/* index (in the list) of the identity whose private
				 * key signs for the certificate (sshconnect2.c
				 * sign_and_send_pubkey: a plain key with the same
				 * public key, else one of the same file name
				 * without a public half); -1: ssh loads path itself
				 * (or the agent signs with the certificate) */
	int cert_mismatch;	/* the private key ssh loads for it (path) is another
				 * key: "private key ... contents do not match public" */
	int cert_no_key;	/* no private key ssh can load for it (why says why) */
};

struct ident_list {
	struct identity *v;
	size_t n;
	int agent_used;		/* an agent socket was asked (not IdentityAgent none,
				 * SSH_AUTH_SOCK set) */
	size_t agent_keys;	/* keys the agent listed */
	char *agent_error;	/* printable: why the agent could not be asked */
	char *agent_path;	/* the agent socket asked, NULL when none */
	/* Agent keys IdentitiesOnly keeps ssh from offering (diagnose asks
	 * the server about them on a separate connection). */
	struct identity *hidden;
	size_t nhidden;
};

/* What one offered key did (in ssh's order). */
enum diag_try_result {
	TRY_NOT_REACHED = 0,	/* ssh stopped before it */
	TRY_SKIPPED,		/* ssh never offers it (identity.skip or no public half) */
	TRY_REFUSED,		/* the server said no to the public key */
	TRY_PK_OK,		/* the server would accept it; ssh could not sign */
	TRY_SIGNED_REFUSED,	/* signed, and the server still refused */
	TRY_PARTIAL,		/* accepted, but AuthenticationMethods wants more */
	TRY_ACCEPTED,		/* logged in */
	TRY_HUNG_UP,		/* the server disconnected at this key */
};

struct diag_try {
	enum diag_try_result result;
	int probe;		/* a second connection asked about it: 1 the server
				 * would accept it, 0 refused, -1 not asked */
	char *note;		/* printable detail, or NULL */
};

/* Everything the connection showed; the client and net checks read it. */
struct diag_facts {
	const struct client_host *ch;
	const struct ident_list *ids;
	struct diag_try *tries;		/* one per ids->v[i] */
	int pubkey_blocked;		/* PubkeyAuthentication no / PreferredAuthentications */
	int reached_auth;		/* the none request was answered */
	int publickey_offered;
	size_t offered;			/* keys ssh offered before it stopped */
	size_t untried;			/* keys libssh would not offer (Debian's
					 * 0.10 has no DSA): the server was not asked */
	int hung_up;			/* the server disconnected during auth */
	int closed_after_sign;		/* ... right after a signed request (PAM) */
	long accepted;			/* identity index that logged in, -1 none */
	long pk_ok;			/* first identity the server would accept, -1 */
	long hidden_ok;			/* an agent key IdentitiesOnly hides that the
					 * server accepts (index into hidden), -1 */
	char *hidden_fp;
	long late_ok;			/* after a hang-up: a key not reached that the
					 * server would accept, -1 */
	int session_tried;
	int session_status;		/* exit status of `true`, -1 none */
	char *session_error;		/* why there was no exit status */
	char *session_output;		/* what the session printed (printable, short) */
	char *server_sig_algs;		/* not known with libssh: NULL */
	int local_port;			/* our source port (for sshd's log) */
	char *local_addr;
	int64_t t_start, t_end;
};

#endif
