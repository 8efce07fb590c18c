/* identities.h - the keys ssh would offer for one host, in the order ssh
 * offers them (sshconnect2.c pubkey_prepare), and what ssh does with each:
 * skip it before offering, offer it, or fail to sign after the server said
 * yes. diagnose walks this list against the server. Reads the identity
 * files' metadata and public halves and asks ssh-agent for its list; a
 * private key is read only to learn its format, whether a passphrase
 * protects it and its public half (privkey_facts), and is wiped at once. */
#ifndef KA_IDENTITIES_H
#define KA_IDENTITIES_H

#include <stddef.h>
#include <sys/types.h>

#include "scanner/parse/clientconf.h"
#include "scanner/util.h"
#include "scanner/clientfacts.h"

/* ssh's cap on agent keys it lists (authfd.c MAX_AGENT_IDENTITIES). */
#define IDENT_MAX_AGENT_KEYS 2048


/*
 * The list for `ssh [-i cli_ids...] host` resolved as h (clientconf). cli_ids
 * (may be NULL) come first and, when given, replace ssh's default files
 * exactly as -i does (h->identity_files_default); h->identities_only drops
 * agent keys no file names; the client's PubkeyAcceptedAlgorithms and
 * RequiredRSASize mark keys ssh will skip. agent_sock: NULL means
 * h->identity_agent, else $SSH_AUTH_SOCK; "none" disables the agent. The
 * agent is asked with a deadline of timeout_ms. Never fails: problems are
 * recorded per identity or in agent_error.
 */
void identities_build(const struct client_host *h, const struct strlist *cli_ids,
    const char *agent_sock, int timeout_ms, struct ident_list *out);
void ident_list_free(struct ident_list *l);

/* An SSH2_AGENT_IDENTITIES_ANSWER message (type byte first, no length):
 * the keys it lists, each with type, blob, fingerprint, bits and a
 * printable comment. 0, or -1 when it is malformed (*keys then holds
 * the keys read before the damage). Free each key's fields and *keys. */
int ident_parse_agent_reply(const unsigned char *rep, size_t len,
    struct identity **keys, size_t *nkeys);

/* Does the client's PubkeyAcceptedAlgorithms value (NULL: ssh's default,
 * may start with + - ^) accept a key of this type? Also used for the
 * server-sig-algs check. 1 yes, 0 no. */
int ident_alg_accepted(const char *client_algs, const char *keytype);
/* The effective list of a PubkeyAcceptedAlgorithms value (NULL: ssh's
 * default; + - ^ applied to it). Caller frees. */
char *ident_effective_algs(const char *client_algs);

#endif
