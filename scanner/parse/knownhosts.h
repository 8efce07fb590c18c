/* knownhosts.h - known_hosts files parsed, and a server's host key judged
 * against them, as ssh 9.2 does it (hostfile.c, match.c, sshconnect.c
 * check_host_key). Pure: the caller reads the files; nothing here does I/O,
 * and nothing here ever writes a known_hosts file. */
#ifndef KA_KNOWNHOSTS_H
#define KA_KNOWNHOSTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Bounds of one db (all files together). ssh reads lines of any length with
 * getline; keyaudit stops with an error entry instead of growing without
 * end. A line longer than KH_MAX_LINE is kept as an error. */
#define KH_MAX_BYTES	(64 * 1024 * 1024)
#define KH_MAX_LINES	500000
#define KH_MAX_LINE	(1024 * 1024)

/* HMAC-SHA1 sizes of a hashed host name (|1|salt|hash). */
#define KH_SALT_LEN	20

enum kh_status { KH_OK, KH_NEW, KH_CHANGED, KH_REVOKED };

enum kh_marker { KH_MARK_NONE, KH_MARK_CA, KH_MARK_REVOKED };

enum kh_kind {
	KH_LINE_BLANK,		/* empty or a # comment */
	KH_LINE_KEY,		/* an entry ssh uses */
	KH_LINE_ERROR,		/* ssh skips it silently; error says why */
};

/* One physical line. Fields a broken line still had are filled in. Text
 * fields are the file's raw bytes: pass them through str_printable() before
 * they reach a terminal or a report. */
struct kh_line {
	const char *file;	/* the name given to kh_db_add (db-owned) */
	long line;		/* 1-based */
	enum kh_kind kind;
	enum kh_marker marker;
	char *hosts;		/* host field as written: patterns, or |1|salt|hash */
	int hashed;
	unsigned char salt[KH_SALT_LEN];	/* hashed: decoded salt and hash */
	unsigned char hash[KH_SALT_LEN];
	char *keytype;		/* type word as written ("rsa-sha2-256") */
	const char *canon_type;	/* its canonical name ("ssh-rsa"), static */
	unsigned char *blob;	/* decoded key data */
	size_t bloblen;
	char *fp;		/* SHA256:... of the public key (of a certificate's
				 * own key for a certificate), as ssh-keygen -l */
	int is_cert;
	int bits;
	char *comment;		/* raw text after the key, or NULL */
	char *text;		/* KH_LINE_BLANK: the comment line, or NULL */
	char *error;		/* KH_LINE_ERROR: why ssh ignores the line */
};

struct kh_db;

/* Parsed lines of several files, in the order added: user files first,
 * then global ones (ssh loads them in that order, and for a changed key the
 * line it names depends on it). */
struct kh_db *kh_db_new(void);
/* Parse one file's text and append its lines. name = the path, for messages
 * and results. text need not be NUL-terminated. */
void kh_db_add(struct kh_db *db, const char *name, const char *text, size_t len);
void kh_db_free(struct kh_db *db);

size_t kh_db_nlines(const struct kh_db *db);
const struct kh_line *kh_db_line(const struct kh_db *db, size_t i);
/* Bad lines and limits as "FILE:LINE: why", in order. */
size_t kh_db_nerrors(const struct kh_db *db);
const char *kh_db_error_at(const struct kh_db *db, size_t i);
/* The time certificates are judged at: the caller's clock (a parser reads
 * none); 0 until set, when every dated certificate is outside its window. */
void kh_db_set_time(struct kh_db *db, time_t now);

/* Does the line's host field match name, as ssh's match_maybe_hashed: a
 * hashed field by HMAC over name as given, patterns case-insensitively with
 * a matching !pattern vetoing the line. A KH_LINE_ERROR line never matches. */
int kh_line_matches(const struct kh_line *l, const char *name);

struct kh_verdict {
	enum kh_status status;
	const char *file;	/* the deciding line: matching key or CA (OK), */
	long line;		/* the other key ssh names (CHANGED), the first
				 * @revoked line (REVOKED); NULL/0 for NEW */
	char *lookup;		/* the name that decided: "[host]:2222", or "host"
				 * when only the bare name's entry matched */
	char *known_type;	/* CHANGED: key type on record ("ssh-rsa") */
	char *error;		/* the presented key could not be read: then
				 * status is KH_CHANGED (never authenticate) */
};

/*
 * Judge the key a server presented, as ssh does with StrictHostKeyChecking
 * and CheckHostIP off (its default since 8.5).
 * host: the host name, or the HostKeyAlias (ssh lower-cases both; so does
 * this). port: the server's port; 0 means "use host verbatim, no [host]:port
 * form and no retry" as ssh does for a HostKeyAlias. On a port other than 22
 * with no entry for "[host]:port", ssh retries the bare name, and only an
 * exact key match there counts (a different key under the bare name leaves
 * the verdict NEW; a revoked one there makes it REVOKED, as ssh prints the
 * revocation and refuses).
 * keytype: the key or signature type ("ssh-ed25519", "rsa-sha2-512"); only
 * used when the blob's own type name is unknown. blob: the raw public key
 * (what the base64 in a known_hosts line decodes to); a host certificate is
 * checked against @cert-authority lines first (CA key, principal = host,
 * validity, no critical options, CA signature algorithm), falling back to
 * its plain key as ssh does. The certificate's signature is not verified:
 * the transport has done that during key exchange.
 */
/* kh_check only reads the db: threads may share one db once it is built. */
void kh_check(const struct kh_db *db, const char *host, int port,
    const char *keytype, const unsigned char *blob, size_t bloblen,
    struct kh_verdict *out);
void kh_verdict_free(struct kh_verdict *v);
const char *kh_status_name(enum kh_status st);

/*
 * ssh's order_hostkeyalgs: the comma list algs with the algorithms of keys
 * already known for host:port moved first (all certificate algorithms when a
 * @cert-authority line names the host), or algs verbatim when its first
 * algorithm's key type is known. A transport that offers algorithms in this
 * order gets the key ssh would get. Caller frees.
 */
/* ssh 9.2's default HostKeyAlgorithms without certificates, in its order. */
#define KH_DEFAULT_HOSTKEY_ALGS "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
char *kh_order_hostkeyalgs(const struct kh_db *db, const char *host, int port,
    const char *algs);

/* A hashed host field for name as ssh-keygen -H writes it: "|1|" base64 of
 * a fresh random 20-byte salt, "|", base64 of HMAC-SHA1(salt, name); the name
 * lower-cased as ssh looks it up. NULL when no randomness is available. */
char *kh_hash_name(const char *name);

#endif
