/* cert.h - OpenSSH certificates (PROTOCOL.certkeys) read as sshkey.c's
 * cert_parse reads them, as a pure function over bytes, and judged the way
 * sshkey_cert_check_authority and sshd's auth2-pubkey.c judge them. The one
 * reader of certificates: authorized_keys, known_hosts, -cert.pub files,
 * HostCertificate, agent replies. The CA's signature is verified with
 * libcrypto (no I/O). */
#ifndef KA_CERT_H
#define KA_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

/* sshkey.c SSHKEY_CERT_MAX_PRINCIPALS */
#define CERT_MAX_PRINCIPALS	256
/* critical options plus extensions keyaudit keeps */
#define CERT_MAX_OPTIONS	64

enum cert_kind { CERT_USER = 1, CERT_HOST = 2 };

/* One critical option or extension, as written. value is the inner string
 * of the options that carry one (force-command, source-address, and any
 * whose data is one string), NULL otherwise; text printable. */
struct cert_option {
	char *name;
	char *value;
	/* the option's data as written (ssh-keygen -L shows unknown ones in
	 * hex) */
	unsigned char *data;
	size_t datalen;
};

struct ssh_cert {
	char *type;		/* the blob's type: "ssh-ed25519-cert-v01@openssh.com" */
	char *key_type;		/* the certified key's plain type: "ssh-ed25519" */
	unsigned char *key_blob;	/* the certified key as a plain key blob */
	size_t key_bloblen;
	char *key_fp;		/* "SHA256:..." of key_blob (ssh-keygen -l) */
	int key_bits;
	uint64_t serial;
	uint32_t kind;		/* CERT_USER, CERT_HOST (anything else is refused) */
	char *key_id;		/* as written (may hold any byte but NUL) */
	struct strlist principals;
	uint64_t valid_after, valid_before;	/* 0 and UINT64_MAX: forever */
	struct cert_option *critical;
	size_t ncritical;
	struct cert_option *extensions;
	size_t nextensions;
	unsigned char *ca_blob;	/* the signature key (a plain key) */
	size_t ca_bloblen;
	char *ca_type;		/* "ssh-ed25519", "ssh-rsa", ... */
	char *ca_fp;		/* "SHA256:..." */
	int ca_bits;
	char *sig_alg;		/* the signature's algorithm: "ssh-rsa" (SHA-1),
				 * "rsa-sha2-512", "ssh-ed25519", ... */
	/* what the signature covers (the blob up to the signature) and the
	 * signature itself, for cert_verify */
	unsigned char *signed_data;
	size_t signed_len;
	unsigned char *sig;
	size_t siglen;
	/* options past CERT_MAX_OPTIONS in either section: checked, not kept */
	size_t options_dropped;
	/* what sshd's sshauthopt_from_cert would refuse in the options when
	 * the certificate is used (an unknown critical option, force-command
	 * twice, extra data...), in sshd's words; NULL when nothing. The
	 * source-address list's syntax is not judged here. */
	char *options_error;
};

/* A certificate blob (the base64 of a -cert.pub line, decoded). 0, or -1
 * with *err (allocated) saying what is wrong, in sshd's words where it
 * has some. out is whole or freed. */
int cert_parse(const unsigned char *blob, size_t len, struct ssh_cert *out,
    char **err);
/* A -cert.pub file's text: "TYPE BASE64 [comment]" on its first non-blank
 * line. */
int cert_parse_text(const char *text, size_t len, struct ssh_cert *out,
    char **err);
void cert_free(struct ssh_cert *c);

/* The CA's signature over the certificate (sshkey_verify in cert_parse:
 * sshd and ssh refuse a certificate whose signature fails before they look
 * at anything else). 1 valid, 0 invalid, -1 not checkable here (*err). */
int cert_verify(const struct ssh_cert *c, char **err);
/* sshkey_verify itself: a signature blob by a plain key blob over data
 * (cert_verify, KRL signature sections). Same answers as cert_verify. */
int cert_sig_verify(const unsigned char *key, size_t keylen,
    const unsigned char *sig, size_t siglen, const unsigned char *data,
    size_t datalen, char **err);

/* The validity window at now (seconds since the epoch, the caller's clock):
 * 0 inside, -1 not yet valid, 1 expired. */
int cert_validity(const struct ssh_cert *c, int64_t now);

/* Is the named critical option one sshd knows (force-command,
 * source-address, verify-required)? */
int cert_critical_known(const char *name);
/* A critical option's value, or NULL. */
const char *cert_critical(const struct ssh_cert *c, const char *name);

/* Time as ssh-keygen -L prints it ("2026-12-07T14:25:01"), in UTC;
 * "forever" / "always" for the open ends. Caller frees. */
char *cert_time(uint64_t t, int is_end);
/* What ssh-keygen -L -f shows, one field per line (printable). Caller
 * frees. */
char *cert_describe(const struct ssh_cert *c);

#endif
