/* engine.c - one snapshot in, one host result out: every selected check
 * family runs over the shared context, then findings are put in report order. */
#include <stdio.h>
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
		if (u->acct == NULL || u->keys_unexamined || first == last)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const char *path = u->akfiles.v[j], *why;
			const struct ak_file *ak;
			char *c = NULL;
			int dead = 0;

			if (snap_realpath(ctx->snap, path, &c, &why) != 0)
				c = xstrdup(path);
			strlist_add_owned(&canon, c);
			if ((ak = ctx_akfile(ctx, c, u->name)) == NULL)
				continue;
			for (size_t k = first; k < last && !dead; k++)
				dead = refuses_file(&r->findings[ix[k]], path, c);
			for (size_t l = 0; !dead && l < ak->n; l++) {
				/* diagnose asks about one key: only its lines count */
				/* a certificate matches no plain line: cert.c
				 * settles its own */
				int ok = ak->lines[l].status == AK_KEY && (subj == NULL ||
				    (ctx->opts->subject_cert == NULL && ak->lines[l].fp != NULL &&
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

/* A finding about why key login fails for an account that does not use it. */
static int
about_unused_login(const struct ka_finding *f, void *arg)
{
	const char *user = arg;
	const char *id = f->rule->id;

	return f->user != NULL && strcmp(f->user, user) == 0 &&
	    (strncmp(id, "akeys.", 6) == 0 || strncmp(id, "perm.", 5) == 0 ||
	    strncmp(id, "account.", 8) == 0);
}

/*
 * Quiet where nothing is wrong: when the accounts were not named (--all-users,
 * or the login user by default), an account with no authorized_keys file and
 * no AuthorizedKeysCommand does not use key login, so why key login would
 * fail for it (no keys, a nologin shell, a locked password, a missing home:
 * what service accounts are meant to look like) is not a finding. An account
 * named with --user is judged whatever it holds; an account with keys is
 * judged whether named or not (keys.orphaned says when it cannot log in).
 */
static void
quiet_keyless(struct ka_ctx *ctx)
{
	struct ka_host_result *r = ctx->out;

	if (ctx->snap->users_named)
		return;
	for (size_t i = 0; i < ctx->nusers; i++) {
		const char *user = ctx->users[i].name;
		int keyless = 0;

		for (size_t k = 0; k < r->nfindings && !keyless; k++)
			keyless = r->findings[k].rule == &rule_akeys_missing &&
			    r->findings[k].user != NULL && strcmp(r->findings[k].user, user) == 0;
		if (keyless)
			host_result_drop(r, about_unused_login, (void *)user);
	}
}

static int
is_password_offered(const struct ka_finding *f, void *arg)
{
	(void)arg;
	return f->rule == &rule_net_password_offered;
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

	for (size_t k = 0; k < r->nfindings && by == NULL; k++)
		if (r->findings[k].rule == &rule_sshd_password_auth ||
		    r->findings[k].rule == &rule_sshd_kbdint_auth)
			by = r->findings[k].rule;
	if (by == NULL)
		return;
	if (host_result_drop(r, is_password_offered, NULL) == 0)
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
	engine_check_host(s, o, NULL, out, NULL);
}

/* "1,234,567": the counts in a budget message are read by people. */
static void
put_count(struct buf *b, size_t n)
{
	char d[32];
	int len = snprintf(d, sizeof(d), "%zu", n);

	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, d[i]);
	}
}

/*
 * One net.budget finding for every budget the host reached: which, its
 * limit, and what was left out. Added past the findings budget and
 * whatever --checks or the policy select: a report must never look
 * complete when it is not.
 */
static void
budget_finding(struct ka_ctx *ctx, const struct ka_check *const *notrun, size_t nnotrun)
{
	const struct ka_budget_state *b = &ctx->budget;
	struct ka_host_result *out = ctx->out;
	struct ka_finding *f;
	struct buf m;
	int parts = 0, ran = 0;

	buf_init(&m);
#define PART() buf_puts(&m, parts++ ? "; " : "")
	/* only when something was left: a host that timed out in collection
	 * has nothing to check, and its net finding says why */
	if (b->late_users > 0 || nnotrun > 0 || b->late_work.n > 0) {
		PART();
		if (b->timeout > 0)
			buf_printf(&m, "deadline: --timeout %d s passed while checking", b->timeout);
		else
			buf_puts(&m, "deadline: the host's time ran out while checking");
		if (b->late_users > 0) {
			buf_puts(&m, ", ");
			put_count(&m, b->late_users);
			buf_puts(&m, " accounts not set up");
		}
		for (size_t i = 0; i < b->late_work.n; i++)
			buf_printf(&m, ", %s", b->late_work.v[i]);
		for (size_t i = 0; i < nnotrun; i++)
			buf_printf(&m, "%s%s", i == 0 ? ", not run: " : " ", notrun[i]->family);
	}
	if (b->accounts_dropped > 0) {
		PART();
		buf_printf(&m, "accounts: limit %zu per host; ", b->max_accounts);
		put_count(&m, b->accounts_dropped);
		buf_puts(&m, " more accounts not audited");
	}
	if (b->eff_users > 0) {
		PART();
		buf_printf(&m, "sshd configurations: limit %zu distinct effective "
		    "configurations (Match outcomes, differing sshd -T answers) per host; ",
		    b->max_effs);
		put_count(&m, b->eff_users);
		buf_puts(&m, " accounts with another one not audited");
	}
	if (b->files_unparsed > 0) {
		PART();
		buf_printf(&m, "key lines: limit %zu authorized_keys lines parsed per host; ",
		    b->max_key_lines);
		put_count(&m, b->files_unparsed);
		buf_puts(&m, " files (");
		put_count(&m, b->lines_unparsed);
		buf_puts(&m, " lines) not parsed");
	}
	if (b->pair_users > 0) {
		PART();
		buf_printf(&m, "accounts x key lines: limit %zu key lines examined over all "
		    "accounts; ", b->max_pairs);
		put_count(&m, b->pair_users);
		buf_puts(&m, " accounts (");
		put_count(&m, b->pairs_unexamined);
		buf_puts(&m, " lines) whose keys were not examined");
	}
	if (b->findings_dropped > 0) {
		PART();
		buf_printf(&m, "findings: limit %zu per host (%zu about accounts); ",
		    b->max_findings, b->max_findings - b->max_findings / 20);
		put_count(&m, b->findings_dropped);
		buf_puts(&m, " more not recorded");
		for (size_t i = 0; i < KA_BUDGET_TOP && b->dropped[i].rule != NULL; i++) {
			buf_printf(&m, "%s%s ", i == 0 ? " (" : ", ", b->dropped[i].rule->id);
			put_count(&m, b->dropped[i].n);
		}
		if (b->dropped[0].rule != NULL) {
			size_t listed = 0;

			for (size_t i = 0; i < KA_BUDGET_TOP; i++)
				listed += b->dropped[i].n;
			buf_puts(&m, b->findings_dropped > listed ? ", ...)" : ")");
		}
	}
	if (b->skips_dropped > 0) {
		PART();
		buf_printf(&m, "skipped checks: limit %zu per host; ", b->max_findings);
		put_count(&m, b->skips_dropped);
		buf_puts(&m, " more not listed");
	}
#undef PART
	if (parts == 0) {
		buf_free(&m);
		return;
	}
	f = finding_add(out, &rule_net_budget, NULL, NULL, 0, NULL,
	    "%s was not fully examined: %s", ctx->snap->target ? ctx->snap->target : "the host",
	    m.data);
	remedy_manual(&f->remedy, "look at this host by hand: what it holds is far beyond "
	    "a usual host (or it is lying to the scanner)");
	if (b->late_users > 0 || nnotrun > 0 || b->late_work.n > 0)
		remedy_manual(&f->remedy, "for a slow but honest host, scan it alone with a "
		    "longer --timeout");
	buf_free(&m);
	for (size_t i = 0; i < out->nran; i++)
		ran |= out->ran[i] == &rule_net_budget;
	if (!ran)
		out->ran[out->nran++] = &rule_net_budget;
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
    const struct ka_budget *b, struct ka_host_result *out,
    struct host_digest *digest)
{
	struct ka_ctx ctx;
	const struct ka_check *notrun[32];
	size_t nrules = 0, nnotrun = 0;

	for (size_t i = 0; ka_checks[i] != NULL; i++)
		nrules += ka_checks[i]->nrules;
	out->ran = xcalloc(nrules, sizeof(*out->ran));
	out->nran = 0;

	ctx_init_budget(&ctx, s, o, b, out);
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
		for (size_t j = 0; j < c->nrules && !any; j++)
			any = ctx_rule_active(&ctx, c->rules[j]);
		if (!any)
			continue;
		/* Past the deadline no family starts (the finding lists them)
		 * but net and hostkey, which judge the connection, not what
		 * the host sent, in constant time. */
		if (c != &check_net && c != &check_hostkey && ctx_late(&ctx)) {
			size_t k;

			for (k = 0; k < nnotrun && strcmp(notrun[k]->family, c->family) != 0; k++)
				;
			if (k == nnotrun && nnotrun < KA_ARRLEN(notrun))
				notrun[nnotrun++] = c;
			continue;
		}
		for (size_t j = 0; j < c->nrules; j++)
			if (ctx_rule_active(&ctx, c->rules[j]))
				out->ran[out->nran++] = c->rules[j];
		c->run(&ctx);
	}
	settle_blocking(&ctx);
	if (o == NULL || o->subject == NULL)
		quiet_keyless(&ctx);
	drop_restated(out);
	if (!s->net_only)
		ctx_foreach_key(&ctx, list_key, &out->keys);
	budget_finding(&ctx, notrun, nnotrun);
	if (s->net.hostkey_fp != NULL)
		out->hostkey = xasprintf("%s %s", s->net.hostkey_type ? s->net.hostkey_type : "?",
		    s->net.hostkey_fp);
	if (digest != NULL)
		host_digest_from_ctx(&ctx, digest);
	ctx_free(&ctx);
	host_result_sort(out);
}
