/* krlsum.h - what a KRL (PROTOCOL.krl) revokes as fingerprints, for the
 * fleet digest and the keys inventory: the header (version, generated
 * date, comment), the CAs its certificate sections revoke under, and the
 * keys it revokes outright (explicit keys, SHA1 and SHA256 hashes). krl.h
 * answers "is this key revoked" and judges whether sshd can load the file;
 * this only lists, so another host's CA can be looked up without the KRL.
 * Pure: the caller reads the file. */
#ifndef KA_KRLSUM_H
#define KA_KRLSUM_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

/* Fingerprints kept of each kind; past this they are counted only. */
#define KRLSUM_MAX_FPS 4096

struct krl_summary {
	int header_ok;		/* magic, format version and header fields read */
	uint32_t format;	/* KRL_FORMAT_VERSION, 1 */
	uint64_t version, generated;
	char *comment;		/* printable, or NULL */
	/* "SHA256:..." of each CA a certificate section is scoped to;
	 * any_ca: a section for certificates of any CA (key ids only) */
	struct strlist ca_fps;
	int any_ca;
	/* keys revoked outright, by what identifies them: "SHA256:..." (an
	 * explicit key or a SHA256 hash) and "SHA1:..." (a SHA1 hash; an
	 * explicit key gives both) */
	struct strlist key_fps;
	size_t dropped;		/* fingerprints past KRLSUM_MAX_FPS */
	char *error;		/* where the walk stopped ("section 2: ..."), or NULL */
};

/* 0 when the whole file was walked, -1 when it stopped (s->error says
 * where; what was read before is kept). Not a judgement of whether sshd
 * loads it: that is krl_parse's. */
int krl_summarize(const unsigned char *data, size_t len, struct krl_summary *s);
void krl_summary_free(struct krl_summary *s);

/* "SHA1:..." of a key blob (ssh-keygen -l -E sha1). Caller frees. */
char *fingerprint_sha1(const unsigned char *blob, size_t len);

#endif
