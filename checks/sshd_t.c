/* sshd_t.c - what the target's own sshd says against keyaudit's model:
 * keyaudit's reading of sshd_config against the target's `sshd -T` answer
 * for each audited user (collected only with privileges), or its `sshd -G`
 * answer for no connection (without them); and the sshd answering on the
 * network against the binary installed. A difference in the reading is a
 * keyaudit bug, surfaced rather than hidden: the context already switched
 * to sshd's answer for every other check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "scanner/parse/sshdtest.h"

const struct ka_rule rule_sshd_engine_disagrees = {
	.id = "sshd.engine-disagrees", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "keyaudit's effective config differs from the target's sshd -T",
	.help = "keyaudit evaluates sshd_config itself (Include, Match, defaults) so it can "
	    "audit without root and offline. When it could also ask the target's sshd "
	    "(sshd -T -C user=U) and the answers differ, keyaudit uses sshd's answer "
	    "and reports the keywords: that is a keyaudit bug to report.",
};

const struct ka_rule rule_sshd_version_mismatch = {
	.id = "sshd.version-mismatch", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "the sshd answering is not the sshd installed",
	.help = "The version in the server's banner differs from the version compiled "
	    "into /usr/sbin/sshd, so the daemon that answers runs other code than the "
	    "installed binary keyaudit judged the host by: an sshd started from "
	    "another path (a build in /usr/local, a container, a forwarded port), "
	    "one started without re-exec (-r) and left running through an upgrade, "
	    "or (9.8 on, where each connection's banner comes from sshd-session) a "
	    "session binary of another build. A listener that re-executes itself "
	    "(the default) shows the binary on disk, so a plain upgrade without a "
	    "restart does not show here. Find the process that listens and restart "
	    "sshd from the installed binary.",
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_engine_disagrees,
	&rule_sshd_version_mismatch,
};

/* The listener's banner against the installed binary's version string. */
static void
check_version(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	char *banner, *binary, port[32];
	struct ka_finding *f;

	if (s->net.banner == NULL || s->sshd_version == NULL ||
	    sshdtest_version_differs(s->net.banner, s->sshd_version) != 1)
		return;
	banner = str_printable(s->net.banner, strlen(s->net.banner));
	binary = str_printable(s->sshd_version, strlen(s->sshd_version));
	port[0] = '\0';
	if (s->net.port > 0)
		snprintf(port, sizeof(port), " on port %d", s->net.port);
	f = ctx_finding(ctx, &rule_sshd_version_mismatch, NULL, "/usr/sbin/sshd", 0, NULL,
	    "the sshd answering%s says \"%s\" but /usr/sbin/sshd is \"%s\": "
	    "the daemon that answers runs another build than the installed one "
	    "(started from another path or without re-exec, or its sshd-session), "
	    "and keyaudit's verdicts, made for the installed release, may not hold "
	    "for it", port, banner, binary);
	if (f != NULL) {
		remedy_manual(&f->remedy, "find the process listening%s (ss -ltnp) "
		    "and what it runs", port);
		if (ctx->upg_allowed) {
			/* Debian and Ubuntu name the unit ssh */
			static const char *const argv[] = { "systemctl", "restart", "ssh", NULL };

			remedy_decide(&f->remedy, argv, "restart sshd from the installed "
			    "binary (sessions already open stay up)");
		} else
			remedy_manual(&f->remedy, "restart the sshd service from the "
			    "installed binary (systemctl restart sshd, or ssh on Debian "
			    "and Ubuntu; sessions already open stay up)");
	}
	free(banner);
	free(binary);
}

/* Without sshd -T, sshd -G's answer (no connection: no Match applies)
 * against the engine's global configuration. */
static void
check_dump_g(struct ka_ctx *ctx)
{
	const struct strlist *d = &ctx->g_disagree;
	struct buf kws;

	if (ctx->snap->sshd_g == NULL || d->n == 0)
		return;
	for (size_t i = 0; i < ctx->snap->nsshd_t; i++)
		if (ctx->snap->sshd_t[i].output != NULL)
			return;		/* sshd -T said more, per user */
	buf_init(&kws);
	for (size_t j = 0; j < d->n && j < 20; j++)
		buf_printf(&kws, "%s%s", j ? ", " : "", d->v[j]);
	if (d->n > 20)
		buf_printf(&kws, " and %zu more", d->n - 20);
	ctx_finding(ctx, &rule_sshd_engine_disagrees, NULL, ctx->snap->sshd_config_path,
	    0, NULL, "keyaudit's reading of the configuration (no Match applied) "
	    "differs from the target's sshd -G on: %s; please report this keyaudit "
	    "bug with 'keyaudit sshd-config' and 'sshd -G' output", kws.data);
	buf_free(&kws);
}

static void
run(struct ka_ctx *ctx)
{
	check_version(ctx);
	check_dump_g(ctx);
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
