/* fleet.h - what each host leaves behind for the fleet checks (a digest of
 * fingerprints, never a snapshot), and the fleet pass over all digests:
 * one user key authorized for many accounts or hosts, one host key on
 * several hosts, which hosts trust which user CA and whether one host
 * still trusts a CA another retired. Memory grows with distinct fingerprints, not with hosts'
 * files. */
#ifndef KA_FLEET_H
#define KA_FLEET_H

#include "scanner/context.h"

struct host_digest {
	struct strlist hostkey_fps;	/* "SHA256:..." of every host key seen */
	struct strlist keys;		/* "FP user" per authorized key line that can log in */
	/* Host keys across the fleet: the names clients look this host up
	 * by ("[h]:p" or "h"), the keys it presents ("type base64"), and the
	 * known_hosts files of its audited accounts (path, then content). */
	struct strlist kh_names;
	struct strlist hostkeys;
	struct strlist kh_files;	/* path, content, path, content, ... */
	/* User certificates (checks/certca.h), as fingerprints and numbers:
	 * each CA the host trusts as "SHA256:... SHA1:... TYPE BITS SCOPE"
	 * (SCOPE: "all users", or the accounts it is trusted for); what its
	 * RevokedKeys revokes outright ("SHA256:..." and "SHA1:..."); the
	 * CAs its KRL revokes certificates under; and the KRL's header. */
	struct strlist cas;
	struct strlist revoked;
	struct strlist krl_cas;
	int revoked_set;		/* RevokedKeys is configured */
	int krl;			/* ... and is a KRL sshd loads */
	uint64_t krl_version, krl_generated;
};

/* Fill d from a checked host (engine.c calls this with the host's context). */
void host_digest_from_ctx(struct ka_ctx *ctx, struct host_digest *d);
void host_digest_free(struct host_digest *d);

struct fleet;
struct fleet *fleet_new(void);
/* Hosts are added in inventory order; target and origin (the host's
 * "FILE:LINE" in an inventory, or NULL) are copied. */
void fleet_add(struct fleet *f, const char *target, const char *origin,
    const struct host_digest *d);
/* The fleet findings as one result with target "fleet" (empty when there
 * is nothing to say, or fewer than two hosts). */
void fleet_check(struct fleet *f, const struct ka_options *o, struct ka_host_result *out);
void fleet_free(struct fleet *f);

#endif
