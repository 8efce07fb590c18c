/* keys.c - key inventory hygiene across accounts and hosts. The per-host
 * pass has nothing of its own yet; keys.shared-key is emitted by the fleet
 * pass (scanner/fleet.c) from every host's digest once all hosts are in. */
#include "check.h"

static const struct ka_rule rules[] = {
	{ "keys.shared-key", SEV_MEDIUM, 0, "one user key is authorized on many hosts or accounts",
	  "The same key opening many accounts or hosts means one stolen private key "
	  "(or one departed person) opens them all, and access cannot be revoked per "
	  "host. Found by the fleet pass after all hosts were scanned: every key "
	  "authorized for two or more accounts or hosts is listed." },
};

static void
run(struct ka_ctx *ctx)
{
	(void)ctx;
}

const struct ka_check check_keys = {
	"keys", rules, sizeof(rules) / sizeof(rules[0]), run,
};
