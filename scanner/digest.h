/* digest.h - what one host leaves behind for the fleet checks: fingerprints
 * and the few names and lines the fleet pass compares, never a snapshot. It
 * is model data: the engine fills it (fleet.c), the fleet pass reads it, a
 * host result points at it while the reports see the host (the JSON report
 * carries it so `keyaudit merge` can run the fleet pass over shards, the
 * HTML report draws the CA trust map from it). */
#ifndef KA_DIGEST_H
#define KA_DIGEST_H

#include <stdint.h>

#include "scanner/util.h"

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

void host_digest_free(struct host_digest *d);

#endif
