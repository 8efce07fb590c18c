/* engine.c - one snapshot in, one host result out: every selected check
 * family runs over the shared context, then findings are put in report order. */
#include <stdlib.h>

#include "engine.h"
#include "../checks/check.h"

void
engine_check_snapshot(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out)
{
	struct ka_ctx ctx;
	size_t nrules = 0;

	for (size_t i = 0; ka_checks[i] != NULL; i++)
		nrules += ka_checks[i]->nrules;
	out->ran = xcalloc(nrules, sizeof(*out->ran));
	out->nran = 0;

	ctx_init(&ctx, s, o, out);
	for (size_t i = 0; ka_checks[i] != NULL; i++) {
		const struct ka_check *c = ka_checks[i];
		int any = 0;

		for (size_t j = 0; j < c->nrules; j++) {
			if (ctx_rule_active(&ctx, &c->rules[j])) {
				out->ran[out->nran++] = &c->rules[j];
				any = 1;
			}
		}
		if (any)
			c->run(&ctx);
	}
	ctx_free(&ctx);
	host_result_sort(out);
}
