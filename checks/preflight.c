/* preflight.c - the rules of `keyaudit preflight` that no host check emits:
 * they judge a change (before -> after), so scanner/preflight.c adds them
 * when it compares the two runs. Kept here with the other rules so their
 * ids, severities and help are data, like every check's. */
#include <stddef.h>

#include "checks/check.h"

const struct ka_rule rule_preflight_password_opened = {
	.id = "preflight.password-opened", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "the change opens password login",
	.help = "Before the change sshd did not let this account log in with a password "
	    "alone; after it, PasswordAuthentication and AuthenticationMethods let it, so "
	    "anyone who reaches sshd can guess the password. Keep PasswordAuthentication "
	    "no (also in Match blocks) unless this is what the change is for.",
};

const struct ka_rule rule_preflight_kbdint_opened = {
	.id = "preflight.kbdint-opened", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "the change opens keyboard-interactive login",
	.help = "Before the change sshd did not let this account log in with "
	    "keyboard-interactive alone; after it, KbdInteractiveAuthentication and "
	    "AuthenticationMethods let it (with UsePAM yes, PAM asks for the password "
	    "through it). Keep KbdInteractiveAuthentication no unless this is intended.",
};

const struct ka_rule *const preflight_rules[] = {
	&rule_preflight_password_opened,
	&rule_preflight_kbdint_opened,
	NULL,
};
