/* preflight.h - who loses (or gains) key login with a proposed change: the
 * host as collected ("before"), the same snapshot with the proposal laid
 * over it in memory ("after": a view sharing all but the replaced files),
 * both checked by the same engine, and a verdict per account and client
 * address. */
#ifndef KA_PREFLIGHT_H
#define KA_PREFLIGHT_H

#include "scanner/context.h"

/* One proposed file: its path on the host (or, for --proposed-keys, the
 * account's name) and its bytes. */
struct pf_file {
	char *path;
	char *data;
	size_t len;
};

struct pf_proposal {
	/* NEW as a file, or NEW/sshd_config: replaces the main config (path:
	 * where it was read, on this machine) */
	int has_main;
	struct pf_file main;
	/* NEW/REL (a directory): replaces or adds /etc/ssh/REL */
	struct pf_file *etc;
	size_t netc;
	/* --proposed-keys DIR/USER: the account's first AuthorizedKeysFile */
	struct pf_file *keys;
	size_t nkeys;
};

/* Reads the proposal (cfg: a file or a directory mirroring /etc/ssh, or NULL;
 * keysdir: NULL or a directory of per-account files). 0, or -1 with *err
 * (one line: what and where). Bounded: 8 MiB a file, 4,096 files. */
int preflight_load(struct pf_proposal *p, const char *cfg, const char *keysdir,
    char **err);
void preflight_proposal_free(struct pf_proposal *p);

/* The "after" view of before with p applied: no copy of the accounts, no
 * I/O. extra (or NULL): see preflight_view_supplement, applied first. The
 * proposal, before and extra must outlive it. */
void preflight_view(const struct snapshot *before, const struct pf_proposal *p,
    const struct snapshot *extra, struct snapshot *after);
void preflight_view_free(struct snapshot *after, const struct snapshot *before);
/* Files (and Include globs) extra knows and the view does not: what a
 * collection that read the proposed configuration found on the same
 * machine (a moved AuthorizedKeysFile, a new TrustedUserCAKeys). They
 * join the view as extra has them; extra must outlive the view. */
void preflight_view_supplement(struct snapshot *after, const struct snapshot *extra);

enum pf_login { PF_OK = 0, PF_REFUSED = 1 };

/* One account seen from one client address. */
struct pf_account {
	char *user;
	char *from;			/* --from, or NULL */
	enum pf_login before, after;
	long cause;			/* index into pf_host.causes, -1: none */
	/* password / keyboard-interactive login possible, before and after */
	int pw_before, pw_after, kbd_before, kbd_after;
};

struct pf_host {
	char *target;
	char *origin;			/* inventory line or snapshot file, or NULL */
	enum ka_host_status status;
	char *error;			/* why it could not be evaluated, or NULL */
	struct pf_account *acc;
	size_t nacc;
	struct ka_host_result causes;	/* the findings accounts name as cause */
	struct ka_host_result findings;	/* preflight.* findings */
};

void pf_host_init(struct pf_host *h, const char *target);
void pf_host_free(struct pf_host *h);

/* Evaluates every audited account of before for each address in froms
 * (empty: no address) against after (the view, or another snapshot for
 * --proposed-root). o: the checks' options (from_addr is set here). */
void preflight_host(const struct snapshot *before, const struct snapshot *after,
    const struct strlist *froms, const struct ka_options *o, struct pf_host *out);

#endif
