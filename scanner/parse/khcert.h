/* khcert.h - a host certificate judged against known_hosts @cert-authority
 * lines as ssh 9.2 judges one presented during key exchange (sshconnect.c
 * check_host_key, hostfile.c check_key_not_revoked, sshkey.c
 * sshkey_cert_check_host), with the reason ssh would log. Pure: the
 * certificate comes from the caller (libssh 0.10 cannot negotiate a
 * certificate host key, so keyaudit judges the host's HostCertificate file
 * as collected), and so does the clock. */
#ifndef KA_KHCERT_H
#define KA_KHCERT_H

#include <stdint.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/knownhosts.h"

/* ssh 9.2's default CASignatureAlgorithms (no ssh-rsa: SHA-1 since 8.2). */
#define KHC_CA_SIGN_ALGS "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

enum khc_status {
	KHC_NO_CA,	/* no @cert-authority line names the host: ssh goes
			 * straight to the plain key */
	KHC_OK,		/* a CA line holds its CA and the certificate passes */
	KHC_FAIL,	/* CA pinned for the host, the certificate does not pass:
			 * ssh falls back to its plain key */
	KHC_REVOKED,	/* the certificate's key or its CA is @revoked: ssh
			 * refuses outright */
};

/* Why a certificate fails, one reason (ssh checks in this order). */
enum khc_reason {
	KHC_R_NONE,
	KHC_R_SIGNATURE,	/* the CA's signature does not verify */
	KHC_R_CA,		/* no CA line for the name holds its CA */
	KHC_R_KIND,		/* a user certificate */
	KHC_R_NOT_YET,		/* not yet valid at now */
	KHC_R_EXPIRED,		/* expired at now */
	KHC_R_PRINCIPAL,	/* the name is not a listed principal */
	KHC_R_CRITICAL,		/* critical options (ssh knows none for hosts) */
	KHC_R_SIGALG,		/* CASignatureAlgorithms refuses the signature */
	KHC_R_REVOKED,		/* @revoked: the key or the CA */
};

struct khc_verdict {
	enum khc_status status;
	enum khc_reason reason;
	const char *file;	/* the deciding line: the CA line (OK, and a
				 * failure after the CA matched), the @revoked
				 * line; else the first CA line for the name */
	long line;
	char *name;		/* what principals are compared with: the host
				 * lower-cased, or the HostKeyAlias */
	char *lookup;		/* the known_hosts name that matched: "[h]:p" or h */
	char *why;		/* printable sentence, in ssh's words where it has them */
};

/*
 * Judge certificate c for host (port as kh_check takes it: 0 = a
 * HostKeyAlias, used verbatim) at now (the client's clock, seconds since
 * the epoch). The CA's signature is verified here (cert_verify): on the
 * wire ssh would refuse to parse a certificate whose signature fails.
 */
void khc_check(const struct kh_db *db, const char *host, int port,
    const struct ssh_cert *c, int64_t now, struct khc_verdict *out);
void khc_verdict_free(struct khc_verdict *v);
const char *khc_reason_name(enum khc_reason r);

/* Where a certificate of this plain key type comes in ssh's certificate
 * algorithm order (HostKeyAlgorithms' default: Ed25519, ECDSA, RSA last):
 * of a host's certificates, ssh meets the lowest. */
int khc_rank(const char *key_type);

/* Does some @cert-authority line (not a broken one) name host, as ssh
 * looks it up ("[host]:port", then the bare name on another port)?
 * Returns the first such line, or NULL. */
const struct kh_line *khc_ca_line(const struct kh_db *db, const char *host, int port);

#endif
