/* fleet.h - what each host leaves behind for the fleet checks (a digest of
 * fingerprints, never a snapshot), and the fleet pass over all digests:
 * one user key authorized for many accounts or hosts, one host key on
 * several hosts, which hosts trust which user CA and whether one host
 * still trusts a CA another retired. Memory grows with distinct fingerprints, not with hosts'
 * files. */
#ifndef KA_FLEET_H
#define KA_FLEET_H

#include "scanner/context.h"
#include "scanner/digest.h"


/* Fill d from a checked host (engine.c calls this with the host's context). */
void host_digest_from_ctx(struct ka_ctx *ctx, struct host_digest *d);

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
