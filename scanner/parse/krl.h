/* krl.h - OpenSSH key revocation lists (PROTOCOL.krl) read as krl.c's
 * ssh_krl_from_blob reads them, and queried as ssh_krl_check_key answers
 * sshd: a certificate by its CA's serials and key ids, any key by its
 * public key, SHA1 or SHA256 fingerprint. Pure: the caller reads the file. */
#ifndef KA_KRL_H
#define KA_KRL_H

#include <stddef.h>
#include <stdint.h>

struct ssh_cert;
struct krl;

/* Does the file start with the KRL magic ("SSHKRL\n\0")? Otherwise sshd
 * reads RevokedKeys as a list of public keys. */
int krl_is_krl(const unsigned char *data, size_t len);

/* NULL with *err (allocated: what and where, "section 3: ...") when the
 * data is not a KRL sshd could load (sshd then refuses every key). Every
 * count bounded; a huge claim is an error, not an allocation. */
struct krl *krl_parse(const unsigned char *data, size_t len, char **err);
void krl_free(struct krl *k);

/* Header facts. */
uint64_t krl_version(const struct krl *k);
uint64_t krl_generated(const struct krl *k);	/* seconds since the epoch */
const char *krl_comment(const struct krl *k);	/* printable, or "" */
/* How many revocations of each kind (serials counts every serial of every
 * range and bitmap, saturating). */
struct krl_counts {
	uint64_t serials;
	size_t key_ids, keys, sha1, sha256, cas;
};
void krl_counts(const struct krl *k, struct krl_counts *out);

/* Is a plain key (its blob) revoked: explicitly, by SHA1 or by SHA256
 * fingerprint? 1 yes with *why (allocated, e.g. "key SHA256:... is
 * revoked by its SHA256 fingerprint"), 0 no. The key is compared as sshd
 * serialises it (an RSA blob with a leading zero is the same key); a
 * certificate's blob is answered as krl_cert_revoked. why may be NULL. */
int krl_key_revoked(const struct krl *k, const unsigned char *blob, size_t len,
    char **why);
/* Is a certificate revoked: by serial or key id under its CA (or under
 * the "any CA" scope for key ids... as krl.c does), or its certified key
 * as a plain key? 1 yes with *why ("serial 7 of CA SHA256:..."), 0 no.
 * The CA key itself is checked by the caller with krl_key_revoked, as
 * sshd checks it separately. */
int krl_cert_revoked(const struct krl *k, const struct ssh_cert *c, char **why);

#endif
