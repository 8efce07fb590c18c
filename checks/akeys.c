/* akeys.c - placeholder until the family is written. */
#include "check.h"

static const struct ka_rule rules[] = {
	{ "akeys.placeholder", SEV_INFO, 0, "placeholder", "placeholder" },
};

static void
run(struct ka_ctx *ctx)
{
	(void)ctx;
}

const struct ka_check check_akeys = { "akeys", rules, KA_ARRLEN(rules), run };
