/* keyblob.h - public key blobs (RFC 4253 6.6, PROTOCOL.certkeys) read as
 * sshkey.c's sshkey_from_blob_internal reads their type and key fields,
 * shared by every parser that meets a key: authorized_keys, known_hosts,
 * certificates (cert.c), KRLs (krl.c). A key's identity is the SHA256
 * fingerprint of its plain serialisation, as ssh-keygen -l prints it, so an
 * RSA key written as rsa-sha2-512 or with a leading zero equals itself. */
#ifndef KA_KEYBLOB_H
#define KA_KEYBLOB_H

#include <stddef.h>

#include "scanner/parse/sshbuf.h"
#include "scanner/util.h"

enum kb_kind {
	KB_ED25519,
	KB_ED25519_SK,
	KB_ECDSA,
	KB_ECDSA_SK,
	KB_DSA,
	KB_RSA,
};

struct kb_type {
	const char *name;	/* as a type word or inside a blob */
	const char *shortname;	/* blob alias sshd also takes for plain types */
	const char *canon;	/* what ak_canonical_type() answers */
	const char *plain;	/* type name the fingerprint serialisation uses */
	enum kb_kind kind;
	int cert;
	int curve;		/* ECDSA curve bits */
};

/* A type word as written in a key line (exact name), or NULL. */
const struct kb_type *kb_type_by_word(const char *w, size_t n);
/* sshkey_type_from_name: the exact name, or a plain type's short name. */
const struct kb_type *kb_type_by_blobname(const char *name);

/* What a blob says about its key. */
struct kb_key {
	const struct kb_type *t;	/* from the blob's type string */
	char *blobname;			/* that string as read */
	int bits;
	struct buf plain;	/* plain-key serialisation, for the fingerprint */
};

void kb_key_init(struct kb_key *k);
void kb_key_free(struct kb_key *k);

/* The blob's type name and, for a certificate, its nonce, then the key
 * fields (what sshkey_from_blob_internal reads before cert_parse). Stops
 * where a certificate's body starts; the caller checks what is left. 0 or
 * -1 with *err (allocated). k->bits is set as soon as the key's size is
 * known, even when a later rule (RSA under 1024 bits) refuses it. */
int kb_read_key(struct sshbuf *r, int allow_cert, struct kb_key *k, char **err);
/* A whole plain key blob (a CA key, a KRL's key): nothing may follow. */
int kb_parse_plain(const unsigned char *blob, size_t len, struct kb_key *k,
    char **err);
/* "SHA256:..." of the plain serialisation (ssh-keygen -l). Caller frees. */
char *kb_fingerprint(const struct kb_key *k);

/* A bounded quote of input for an error message: printable, cut short. */
char *kb_shown(const char *s, size_t n);

#endif
