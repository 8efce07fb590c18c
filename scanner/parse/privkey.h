/* privkey.h - what keyaudit may know about a private key without keeping
 * it (privkey.c): its format, whether a passphrase protects it, its public
 * half. Pure: no I/O. */
#ifndef KA_PRIVKEY_H
#define KA_PRIVKEY_H

#include <stddef.h>

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
