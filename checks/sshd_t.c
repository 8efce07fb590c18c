/* sshd_t.c - keyaudit's own reading of sshd_config against the target's
 * `sshd -T` answer for each audited user (collected only with privileges).
 * A difference is a keyaudit bug, surfaced rather than hidden: the context
 * already switched to sshd's answer for every other check. */
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

const struct ka_rule rule_sshd_engine_disagrees = {
	.id = "sshd.engine-disagrees", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "keyaudit's effective config differs from the target's sshd -T",
	.help = "keyaudit evaluates sshd_config itself (Include, Match, defaults) so it can "
	    "audit without root and offline. When it could also ask the target's sshd "
	    "(sshd -T -C user=U) and the answers differ, keyaudit uses sshd's answer "
	    "and reports the keywords: that is a keyaudit bug to report.",
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_engine_disagrees,
};

static void
run(struct ka_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const struct snap_sshd_t *t = snap_sshd_t_for(ctx->snap, u->name);
		struct buf kws;

		if (t == NULL)
			continue;
		if (t->output == NULL) {
			ctx_skip(ctx, &rule_sshd_engine_disagrees, u->name, "%s",
			    t->error ? t->error : "sshd -T gave no output");
			continue;
		}
		if (u->disagree.n == 0)
			continue;
		buf_init(&kws);
		for (size_t j = 0; j < u->disagree.n && j < 20; j++)
			buf_printf(&kws, "%s%s", j ? ", " : "", u->disagree.v[j]);
		if (u->disagree.n > 20)
			buf_printf(&kws, " and %zu more", u->disagree.n - 20);
		ctx_finding(ctx, &rule_sshd_engine_disagrees, u->name, ctx->snap->sshd_config_path,
		    0, NULL, "for %s, keyaudit's reading of the configuration differs from "
		    "sshd -T on: %s. Verdicts use sshd's answer; please report this "
		    "keyaudit bug with 'keyaudit sshd-config -C user=%s' and 'sshd -T -C "
		    "user=%s' output", u->name, kws.data, u->name, u->name);
		buf_free(&kws);
	}
}

const struct ka_check check_sshd_t = { "sshd", rules, KA_ARRLEN(rules), run };
