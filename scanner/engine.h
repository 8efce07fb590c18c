/* engine.h - run every selected check family over one snapshot. */
#ifndef KA_ENGINE_H
#define KA_ENGINE_H

#include "scanner/context.h"

/*
 * Per-host budgets. A host chooses what it sends (up to the 64 MiB stream
 * and 8 MiB per file); without limits on what the checks make of it, a
 * 212 KB answer of 250 accounts sharing one 100,000-line authorized_keys
 * becomes 25 million findings and the scan runs out of memory, losing
 * every other host's report. Past a limit the work is left out, and the
 * host gets one net.budget finding naming each budget, its limit and what
 * was not examined. The defaults are far above what real hosts need (a
 * host of 5,000 accounts with 20 keys each uses a fifth of them) and keep
 * one host's checking well under 512 MB.
 */
#define KA_BUDGET_FINDINGS	20000	/* findings (and skips) recorded; a
					 * twentieth only for the host's own */
#define KA_BUDGET_KEY_LINES	300000	/* authorized_keys lines parsed */
#define KA_BUDGET_PAIRS		200000	/* key lines examined over all accounts */
#define KA_BUDGET_ACCOUNTS	100000	/* accounts audited */
#define KA_BUDGET_EFFS		2000	/* distinct effective sshd configs */

struct ka_budget {
	/* CLOCK_MONOTONIC seconds at which checking stops (the end of the
	 * host's --timeout, which collection has used part of); 0: none */
	double deadline;
	int timeout;		/* --timeout, named in the finding */
	/* 0: the default above */
	size_t findings, key_lines, pairs, accounts, effs;
};

/* Fills out (already initialised with the target) with findings, skips and
 * the list of rules that ran, sorted for reporting. Budgets: the defaults,
 * no deadline. */
void engine_check_snapshot(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out);

struct host_digest;
/* The same within budget b (NULL: the defaults, no deadline), also filling
 * the host's digest for the fleet pass (fleet.h) when digest is not NULL. */
void engine_check_host(const struct snapshot *s, const struct ka_options *o,
    const struct ka_budget *b, struct ka_host_result *out,
    struct host_digest *digest);

#endif
