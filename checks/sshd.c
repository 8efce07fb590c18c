/* sshd.c - placeholder until the family is written. */
#include "check.h"

static const struct ka_rule rules[] = {
	{ "sshd.placeholder", SEV_INFO, 0, "placeholder", "placeholder" },
};

static void
run(struct ka_ctx *ctx)
{
	(void)ctx;
}

const struct ka_check check_sshd = { "sshd", rules, KA_ARRLEN(rules), run };
