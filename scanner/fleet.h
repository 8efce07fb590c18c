/* fleet.h - what each host leaves behind for the fleet checks (a digest of
 * fingerprints, never a snapshot), and the fleet pass over all digests:
 * one user key authorized for many accounts or hosts, one host key on
 * several hosts. Memory grows with distinct fingerprints, not with hosts'
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
