/* check.h - the check interface. A check family is one `const struct
 * ka_check` in its own file under checks/, listed once in registry.c (the way
 * tmux lists cmd_entry structs). It reads the host context and adds findings;
 * it never does I/O. */
#ifndef KA_CHECK_H
#define KA_CHECK_H

#include <stddef.h>

#include "../scanner/context.h"
#include "../scanner/finding.h"

struct ka_check {
	const char *family;		/* id prefix: "perm" */
	const struct ka_rule *rules;	/* every id this family can emit */
	size_t nrules;
	void (*run)(struct ka_ctx *ctx);
};

/* NULL-terminated, in the order families run and are listed. */
extern const struct ka_check *const ka_checks[];

/* The rule with this exact id, or NULL. */
const struct ka_rule *check_rule(const char *id);

/* Is a rule selected by a --checks list ("perm,akeys.rsa-weak")? NULL list: all. */
int check_selected(const struct ka_rule *r, const struct strlist *only);

/* Is r a site rule, off unless a policy or --checks names it? */
int check_opt_in(const struct ka_rule *r);

extern const struct ka_check check_perm;
extern const struct ka_check check_akeys;
extern const struct ka_check check_sshd;
extern const struct ka_check check_sshd_t;
extern const struct ka_check check_account;
extern const struct ka_check check_client;
extern const struct ka_check check_sshdpolicy;
extern const struct ka_check check_policy;
extern const struct ka_check check_sshfiles;
extern const struct ka_check check_sshclient;
extern const struct ka_check check_net;
extern const struct ka_check check_hostkey;
extern const struct ka_check check_keys;
extern const struct ka_check check_clientauth;

/* checks/hostkey.c: the known_hosts files of known-hosts themselves: lines
 * ssh skips or can never select, weak trusted keys, and (names: every name
 * the inventory's hosts are looked up by; NULL: not asked) entries for
 * hosts outside the inventory. out is initialised by the caller. */
struct kh_db;
void hostkey_db_check(const struct kh_db *db, const struct strlist *names,
    const struct ka_options *o, struct ka_host_result *out);

/* checks/sshdpolicy.c, shared with checks/policy.c: does a built-in check
 * apply the policy's `expect` for this keyword; the keyword as the manual
 * spells it; and the fix sentence for a config line (which file, which
 * line, the reload command). */
int sshdpolicy_covers(const char *keyword);
const char *sshdpolicy_spelled(const char *keyword);
char *sshdpolicy_fix(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *keyword, const char *cfgline);

#endif
