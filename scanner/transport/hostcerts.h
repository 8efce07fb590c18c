/* hostcerts.h - a host pinned in known_hosts only by @cert-authority,
 * settled from its HostCertificate file as the collector read it: libssh
 * 0.10 cannot negotiate a certificate host key (a certificate algorithm in
 * SSH_OPTIONS_HOSTKEYS is dropped from its offer), so the certificate ssh
 * would be shown is taken from the host's own files and judged as ssh
 * judges one (khcert.c). */
#ifndef KA_HOSTCERTS_H
#define KA_HOSTCERTS_H

#include <stdint.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/snapshot.h"

/* The certificate ssh would meet among the host's: the first, in ssh's
 * certificate algorithm order (Ed25519, ECDSA, RSA), of those sshd loads
 * (a certificate that parses, whose signature verifies and, where the
 * HostKey's KEY.pub was collected, that certifies a HostKey). 0 and *out
 * and *path (the file) filled, or -1 with *why; *path and *why are the
 * caller's to free. */
int hostcert_pick(const struct snapshot *s, struct ssh_cert *out, char **path,
    char **why);

/* After collection, for a host whose plain key known_hosts does not know
 * while a @cert-authority line names it (net.hostcert "pending"): judge
 * the picked certificate for name/port at now (the client's clock) and set
 * net.hostcert ("ok" "fail" "revoked" "missing"), hostcert_path and
 * hostcert_why; "ok" makes net.known_hosts "ok" at the CA line. */
void hostcert_settle(struct snapshot *s, const struct kh_db *db, const char *name,
    int port, int64_t now);

/* The same for a host the client alone sees (diagnose without a server
 * view): the certificate is the one of texts (the contents of files, given
 * with --host-cert) that certifies the key the host presented. */
void hostcert_settle_given(struct snapshot *s, const struct kh_db *db,
    const char *name, int port, int64_t now, const struct strlist *files,
    const struct strlist *texts);

#endif
