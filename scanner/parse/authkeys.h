/* authkeys.h - authorized_keys lines parsed as sshd parses them
 * (auth2-pubkeyfile.c, auth-options.c, sshkey.c), as a pure function over
 * bytes. A line sshd would skip says why, because sshd only says so at debug
 * level. */
#ifndef KA_AUTHKEYS_H
#define KA_AUTHKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

/* Longest line sshd reads from authorized_keys (SSH_MAX_PUBKEY_BYTES). */
#define AK_MAX_LINE (16 * 1024)
/* Lines ak_parse keeps; the rest are only counted (lines_dropped), so a
 * hostile file cannot make keyaudit's memory grow with it. */
#define AK_MAX_LINES 100000

enum ak_status {
	AK_BLANK = 0,		/* empty or comment: nothing for sshd */
	AK_KEY,			/* a usable key line */
	AK_BAD_KEY,		/* no key sshd can read: line skipped silently */
	AK_BAD_OPTIONS,		/* key read, options rejected: whole line dead */
	AK_PRIVATE,		/* part of a pasted private key block */
};

struct ak_options {
	int restrict_;
	int cert_authority;
	int no_port_forwarding, no_agent_forwarding, no_x11_forwarding;
	int no_pty, no_user_rc;
	int touch_required;	/* "no-touch-required" sets this to -1 */
	int verify_required;
	char *command;		/* command= (unescaped), or NULL */
	char *from;		/* from= pattern list, or NULL */
	char *principals;	/* principals=, or NULL */
	int64_t expiry;		/* expiry-time as unix time, 0 = none */
	char *expiry_text;	/* as written */
	struct strlist environment;
	struct strlist permitopen;
	struct strlist permitlisten;
	char *tunnel;
};

struct ak_line {
	long lineno;		/* 1-based */
	enum ak_status status;
	char *error;		/* why sshd skips the line; NULL for AK_KEY/AK_BLANK */
	char *options_text;	/* raw option string as written, or NULL */
	struct ak_options opts;
	char *keytype;		/* type word as written ("ssh-ed25519", "rsa-sha2-256") */
	char *blob_type;	/* type name inside the blob */
	unsigned char *blob;
	size_t bloblen;
	char *fp;		/* "SHA256:..." of the blob */
	int bits;		/* RSA/DSA modulus bits, ECDSA curve bits, 256 for ed25519 */
	int is_cert;
	int is_sk;
	char *comment;		/* raw bytes after the key (may hold control chars), or NULL */
	int comment_has_control;
	int had_crlf;
};

struct ak_file {
	struct ak_line *lines;	/* every physical line up to AK_MAX_LINES,
				 * AK_BLANK ones included */
	size_t n;
	long private_key_line;	/* first line of a pasted private key, 0 = none */
	long longest_line;	/* for reporting lines over AK_MAX_LINE */
	long lines_dropped;	/* lines after the first AK_MAX_LINES, not parsed */
};

/* Never fails: every line gets a status. data need not be NUL-terminated. */
void ak_parse(const char *data, size_t len, struct ak_file *out);
/* One line without its newline; lineno is stored as given. */
void ak_parse_line(const char *line, size_t len, long lineno, struct ak_line *out);
void ak_line_free(struct ak_line *l);
/* An options string alone (sshauthopt_parse: up to the first blank), as
 * an AuthorizedPrincipalsFile line carries it before its principal. 0, or
 * -1 with *err (allocated) saying why sshd rejects it. */
int ak_parse_options(const char *s, struct ak_options *o, char **err);
void ak_options_free(struct ak_options *o);
void ak_file_free(struct ak_file *f);

/* The first option name in an options string (as written, "no-" kept) that
 * release rel's sshd does not know (parse/release.h), allocated; NULL when
 * all are known or rel is 0. */
char *ak_unknown_option(const char *options_text, int rel);
/* Release rel's verdict over f: a key line carrying an option that release
 * does not know is refused as a whole (AK_BAD_OPTIONS), as sshd refuses it.
 * rel 0: nothing changes. */
void ak_apply_release(struct ak_file *f, int rel);

/* Canonical key type name for a type word, or NULL when sshd does not know
 * it ("rsa-sha2-512" -> "ssh-rsa"). */
const char *ak_canonical_type(const char *word);

/* Does the from= pattern list admit this client? (match.c semantics: IP,
 * CIDR, host patterns; a matching !pattern denies.) host may be NULL when
 * UseDNS is off. Returns 1 yes, 0 no. */
int ak_from_matches(const char *from, const char *addr, const char *host);

#endif
