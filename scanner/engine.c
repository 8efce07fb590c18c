/* engine.c - one snapshot in, one host result out: every selected check
 * family runs over the shared context, then findings are put in report order. */
#include <stdlib.h>
#include <string.h>

#include "scanner/engine.h"
#include "scanner/fleet.h"
#include "checks/check.h"

/* Does finding f refuse the key file at path (canonical canon) or one of
 * its lines? A directory finding refuses every file below it. */
static int
refuses_file(const struct ka_finding *f, const char *path, const char *canon)
{
	size_t n;

	if (f->path == NULL || f->line != 0)
		return 0;
	if (strcmp(f->path, path) == 0 || strcmp(f->path, canon) == 0)
		return 1;
	n = strlen(f->path);
	return strncmp(canon, f->path, n) == 0 && (canon[n] == '/' || n == 1);
}

static int
refuses_line(const struct ka_finding *f, const char *path, const char *canon, long line)
{
	return f->line == line && f->path != NULL &&
	    (strcmp(f->path, path) == 0 || strcmp(f->path, canon) == 0);
}

/*
 * blocks_login means "this alone makes key login fail for the account". A
 * dead authorized_keys line or a refused key file does that only when no
 * other key of the account still works: a user with a second, healthy key
 * file logs in. So once every check has run, file- and line-level blocking
 * findings of a user who keeps at least one usable key become non-blocking
 * (they stay high: that key cannot log in). Account- and config-level
 * findings are untouched. diagnose asks about one key, so there only
 * that key's lines count as usable.
 */
static int
by_user(const void *pa, const void *pb, void *arg)
{
	const struct ka_host_result *r = arg;
	const struct ka_finding *a = &r->findings[*(const size_t *)pa];
	const struct ka_finding *b = &r->findings[*(const size_t *)pb];

	return strcmp(a->user, b->user);
}

static void
settle_blocking(struct ka_ctx *ctx)
{
	struct ka_host_result *r = ctx->out;
	size_t *ix = xcalloc(r->nfindings + 1, sizeof(*ix)), nix = 0;
	const struct ak_line *subj = ctx->opts ? ctx->opts->subject : NULL;

	/* The blocking findings that name a user, grouped by user, so each
	 * user looks only at their own (a fleet host has thousands). */
	for (size_t k = 0; k < r->nfindings; k++)
		if (r->findings[k].blocks_login && r->findings[k].user != NULL)
			ix[nix++] = k;
	if (nix > 1)
		qsort_r(ix, nix, sizeof(*ix), by_user, r);

	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct strlist canon = { 0 };
		size_t usable = 0, first, last;

		/* users come in snapshot order, findings sorted: search each time */
		for (first = 0, last = nix; first < last; ) {
			size_t mid = (first + last) / 2;
			if (strcmp(r->findings[ix[mid]].user, u->name) < 0)
				first = mid + 1;
			else
				last = mid;
		}
		for (last = first; last < nix &&
		    strcmp(r->findings[ix[last]].user, u->name) == 0; last++)
			;
		if (u->acct == NULL || first == last)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const char *path = u->akfiles.v[j], *why;
			const struct ak_file *ak;
			char *c = NULL;
			int dead = 0;

			if (snap_realpath(ctx->snap, path, &c, &why) != 0)
				c = xstrdup(path);
			strlist_add_owned(&canon, c);
			if ((ak = ctx_akfile(ctx, c)) == NULL)
				continue;
			for (size_t k = first; k < last && !dead; k++)
				dead = refuses_file(&r->findings[ix[k]], path, c);
			for (size_t l = 0; !dead && l < ak->n; l++) {
				/* diagnose asks about one key: only its lines count */
				int ok = ak->lines[l].status == AK_KEY && (subj == NULL ||
				    (ak->lines[l].fp != NULL &&
				    strcmp(ak->lines[l].fp, subj->fp) == 0));
				for (size_t k = first; k < last && ok; k++)
					ok = !refuses_line(&r->findings[ix[k]], path, c,
					    ak->lines[l].lineno);
				usable += ok;
			}
		}
		for (size_t k = first; usable > 0 && k < last; k++) {
			struct ka_finding *f = &r->findings[ix[k]];
			for (size_t j = 0; j < u->akfiles.n; j++)
				if (refuses_file(f, u->akfiles.v[j], canon.v[j]) ||
				    (f->line > 0 && refuses_line(f, u->akfiles.v[j], canon.v[j], f->line)))
					f->blocks_login = 0;
		}
		strlist_free(&canon);
	}
	free(ix);
}

/*
 * net.password-offered is the server's answer to a "none" request: seen
 * from outside, it cannot say why. When the collected configuration says
 * the same (sshd.password-auth, sshd.kbdint-auth: the directive, the file,
 * the line and the fix), it is one problem reported twice, so the outside
 * view gives way; it stays when the configuration disagrees with what the
 * server offers (another config file running, a Match for the scan user).
 * The rule is then listed as skipped, saying where the problem went, not
 * as a check that passed.
 */
static void
drop_restated(struct ka_host_result *r)
{
	const struct ka_rule *by = NULL;
	int dropped = 0;

	for (size_t k = 0; k < r->nfindings && by == NULL; k++)
		if (r->findings[k].rule == &rule_sshd_password_auth ||
		    r->findings[k].rule == &rule_sshd_kbdint_auth)
			by = r->findings[k].rule;
	if (by == NULL)
		return;
	for (size_t k = r->nfindings; k-- > 0; )
		if (r->findings[k].rule == &rule_net_password_offered) {
			finding_remove(r, k);
			dropped = 1;
		}
	if (!dropped)
		return;
	for (size_t k = 0; k < r->nran; k++)
		if (r->ran[k] == &rule_net_password_offered) {
			memmove(&r->ran[k], &r->ran[k + 1], (r->nran - k - 1) * sizeof(*r->ran));
			r->nran--;
			break;
		}
	skip_add(r, &rule_net_password_offered, NULL, "the server offers passwords as "
	    "its configuration says: reported as %s, with the line to change", by->id);
}

void
engine_check_snapshot(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out)
{
	engine_check_host(s, o, out, NULL);
}

static void
list_key(struct ka_ctx *ctx, const struct ka_user *u, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	(void)ctx;
	(void)st;
	if (l->fp != NULL)
		strlist_add_owned(arg, xasprintf("%s\t%s\t%s\t%s\t%ld", u->name, l->fp,
		    l->blob_type ? l->blob_type : l->keytype ? l->keytype : "?", path,
		    l->lineno));
}

void
engine_check_host(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out, struct host_digest *digest)
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

		/* A host the ssh transport could not collect has only its net
		 * facts: every other family would judge an empty machine. */
		if (s->net_only && strcmp(c->family, "net") != 0 &&
		    strcmp(c->family, "hostkey") != 0 && c != &check_clientauth)
			continue;
		/* What ssh offers is known only to diagnose's connection. */
		if (c == &check_clientauth && (o == NULL || o->diag == NULL))
			continue;

		for (size_t j = 0; j < c->nrules; j++) {
			if (ctx_rule_active(&ctx, c->rules[j])) {
				out->ran[out->nran++] = c->rules[j];
				any = 1;
			}
		}
		if (any)
			c->run(&ctx);
	}
	settle_blocking(&ctx);
	drop_restated(out);
	if (!s->net_only)
		ctx_foreach_key(&ctx, list_key, &out->keys);
	if (s->net.hostkey_fp != NULL)
		out->hostkey = xasprintf("%s %s", s->net.hostkey_type ? s->net.hostkey_type : "?",
		    s->net.hostkey_fp);
	if (digest != NULL)
		host_digest_from_ctx(&ctx, digest);
	ctx_free(&ctx);
	host_result_sort(out);
}
