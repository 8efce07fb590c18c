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

extern const struct ka_check check_perm;
extern const struct ka_check check_akeys;
extern const struct ka_check check_sshd;
extern const struct ka_check check_sshd_t;
extern const struct ka_check check_account;
extern const struct ka_check check_client;

#endif
