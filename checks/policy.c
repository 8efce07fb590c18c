/* policy.c - the site policy's own rules (--policy FILE): sshd_config values
 * that differ from an `expect` line no built-in check covers, and values
 * that break a `forbid` or `require` regular expression. Values are the
 * effective ones, as `sshd -T` prints them, for the host and for each
 * audited user whose Match blocks change them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"
#include "scanner/policy.h"

const struct ka_rule rule_policy_expect = {
	.id = "policy.expect", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "an sshd setting differs from the value the policy expects",
	.help = "The policy file says `expect KEYWORD VALUE` and the effective value "
	    "(Match blocks and defaults applied) is something else. Keywords with "
	    "a built-in check (PermitRootLogin, LogLevel, MaxAuthTries, ...) "
	    "report under that check instead.",
};

const struct ka_rule rule_policy_forbid = {
	.id = "policy.forbid", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "an sshd setting has a value the policy forbids",
	.help = "A value of the keyword matches a `forbid KEYWORD /REGEX/` line of the "
	    "policy file (for instance a CBC cipher).",
};

const struct ka_rule rule_policy_require = {
	.id = "policy.require", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "an sshd setting lacks a value the policy requires",
	.help = "No value of the keyword matches a `require KEYWORD /REGEX/` line of "
	    "the policy file.",
};

static const struct ka_rule *const rules[] = {
	&rule_policy_expect,
	&rule_policy_forbid,
	&rule_policy_require,
};

/* "Ciphers a,b (file:line)" with the value made printable. */
static char *
evidence(const struct sshd_eff *e, const char *kw)
{
	char *vals = sshd_value_join(sshd_eff_get(e, kw)), *pv, *origin, *s;

	pv = str_printable(vals, strlen(vals));
	origin = sshd_eff_origin(e, kw);
	s = xasprintf("%s %s (%s)", sshdpolicy_spelled(kw), *pv ? pv : "(unset)",
	    strcmp(origin, "default") == 0 ? "OpenSSH default" : origin);
	free(origin);
	free(pv);
	free(vals);
	return s;
}

/* The finding, with the fix: an edit that makes cfgline take effect when
 * it is a whole directive (literal), else the sentence saying where a
 * line of that shape goes. */
static void
emit(struct ka_ctx *ctx, const struct ka_rule *id, const struct ka_user *u,
    const struct sshd_eff *e, const char *kw, const char *cfgline, int literal,
    const char *why)
{
	char *ev = evidence(e, kw), *fix = literal ? NULL : sshdpolicy_fix(ctx, e, kw, cfgline);
	struct ka_finding *f;
	const char *path;
	long line;

	ctx_setting_where(ctx, e, kw, &path, &line);
	if (u == NULL)
		f = ctx_finding(ctx, id, NULL, path, line, fix, "%s: %s", ev, why);
	else
		f = ctx_finding(ctx, id, u->name, path, line, fix, "%s, in a Match block "
		    "that applies to %s: %s", ev, u->name, why);
	if (literal)
		ctx_fix_config(ctx, f, e, kw, cfgline);
	free(fix);
	free(ev);
}

/* ------------------------------------------------------------ expect */

static void
check_expect(struct ka_ctx *ctx, const struct sshd_eff *e, const struct ka_user *u,
    const char *kw, const char *want)
{
	char *have = sshd_value_join(sshd_eff_get(e, kw)), *line, *why, *pw;

	if (strcasecmp(have, want) == 0) {
		free(have);
		return;
	}
	pw = str_printable(want, strlen(want));
	line = xasprintf("%s %s", sshdpolicy_spelled(kw), pw);
	why = xasprintf("the policy expects '%s'", line);
	emit(ctx, &rule_policy_expect, u, e, kw, line, 1, why);
	free(why);
	free(line);
	free(pw);
	free(have);
}

/* -------------------------------------------------- forbid / require */

/*
 * The first value, or comma-separated item of a value, that matches
 * constraint ci. Lists like Ciphers are one comma-separated value in sshd -T
 * form; testing each item lets /cbc$/ find "aes256-cbc" in the middle.
 */
static char *
first_match(const struct ka_policy *p, size_t ci, const struct sshd_value *v)
{
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		const char *s = v->v[i];

		if (strchr(s, ',') != NULL) {
			while (*s != '\0') {
				size_t n = strcspn(s, ",");
				char *item = xstrndup(s, n);

				if (policy_constraint_matches(p, ci, item))
					return item;
				free(item);
				s += n;
				if (*s == ',')
					s++;
			}
		}
		if (policy_constraint_matches(p, ci, v->v[i]))
			return xstrdup(v->v[i]);
	}
	return NULL;
}

/* The values with every matching item left out, as a config line; NULL
 * when nothing would be left. */
static char *
without_matches(const struct ka_policy *p, size_t ci, const char *kw,
    const struct sshd_value *v)
{
	struct buf b;
	int any = 0;

	buf_init(&b);
	buf_puts(&b, sshdpolicy_spelled(kw));
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		const char *s = v->v[i];
		int first = 1;

		if (policy_constraint_matches(p, ci, s) && strchr(s, ',') == NULL)
			continue;
		while (*s != '\0') {
			size_t n = strcspn(s, ",");
			char *item = xstrndup(s, n);

			if (!policy_constraint_matches(p, ci, item)) {
				buf_printf(&b, "%s%s", first ? " " : ",", item);
				first = 0;
				any = 1;
			}
			free(item);
			s += n;
			if (*s == ',')
				s++;
		}
	}
	if (!any) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void
check_constraint(struct ka_ctx *ctx, const struct ka_policy *p, size_t ci,
    const struct sshd_eff *e, const struct ka_user *u)
{
	const struct policy_constraint *c = policy_constraint_at(p, ci);
	const struct sshd_value *v = sshd_eff_get(e, c->keyword);
	/* the policy parser admits no control characters */
	const char *pat = c->pattern;
	char *why, *m;

	if (c->kind == POLICY_FORBID) {
		char *line, *pm;

		if ((m = first_match(p, ci, v)) == NULL)
			return;
		pm = str_printable(m, strlen(m));
		why = xasprintf("'%s' matches /%s/, which the policy forbids (%s:%d)",
		    pm, pat, c->file, c->line);
		if ((line = without_matches(p, ci, c->keyword, v)) != NULL) {
			char *pl = str_printable(line, strlen(line));
			emit(ctx, &rule_policy_forbid, u, e, c->keyword, pl,
			    strcmp(pl, line) == 0, why);
			free(pl);
		} else {
			char *w = xasprintf("%s <a value not matching /%s/>",
			    sshdpolicy_spelled(c->keyword), pat);
			emit(ctx, &rule_policy_forbid, u, e, c->keyword, w, 0, why);
			free(w);
		}
		free(line);
		free(pm);
		free(m);
	} else {
		char *w;

		if (v != NULL && v->n > 0 && (m = first_match(p, ci, v)) != NULL) {
			free(m);
			return;
		}
		if ((v == NULL || v->n == 0) && policy_constraint_matches(p, ci, ""))
			return;
		why = xasprintf("no value matches /%s/, which the policy requires "
		    "(%s:%d)", pat, c->file, c->line);
		w = xasprintf("%s <a value matching /%s/>",
		    sshdpolicy_spelled(c->keyword), pat);
		emit(ctx, &rule_policy_require, u, e, c->keyword, w, 0, why);
		free(w);
	}
	free(why);
}

/* The host's value, then each audited user whose Match blocks change it. */
static void
each_subject(struct ka_ctx *ctx, const char *kw,
    void (*fn)(struct ka_ctx *, const struct sshd_eff *, const struct ka_user *,
    const void *), const void *arg)
{
	for (size_t i = 0; i <= ctx->nusers; i++) {
		const struct ka_user *u = i == 0 ? NULL : &ctx->users[i - 1];
		const struct sshd_eff *e = u ? u->eff : ctx->global;

		if (e == NULL)
			continue;
		if (u != NULL && (u->acct == NULL || sshd_value_equal(sshd_eff_get(e, kw),
		    sshd_eff_get(ctx->global, kw))))
			continue;
		fn(ctx, e, u, arg);
	}
}

struct expect_arg {
	const char *kw, *want;
};

static void
expect_fn(struct ka_ctx *ctx, const struct sshd_eff *e, const struct ka_user *u,
    const void *arg)
{
	const struct expect_arg *a = arg;

	check_expect(ctx, e, u, a->kw, a->want);
}

static void
constraint_fn(struct ka_ctx *ctx, const struct sshd_eff *e,
    const struct ka_user *u, const void *arg)
{
	check_constraint(ctx, ctx->opts->policy, *(const size_t *)arg, e, u);
}

static void
check_expects(struct ka_ctx *ctx, const struct ka_policy *p)
{
	for (size_t i = 0; i < policy_nexpects(p); i++) {
		const char *kw = policy_expect_keyword(p, i);
		struct expect_arg a = { kw, policy_expect(p, kw) };

		if (!sshdpolicy_covers(kw))
			each_subject(ctx, kw, expect_fn, &a);
	}
}

static void
run(struct ka_ctx *ctx)
{
	const struct ka_policy *p = ctx->opts ? ctx->opts->policy : NULL;

	if (p == NULL)
		return;
	if (!ctx->sshd_config_found) {
		for (size_t i = 0; i < KA_ARRLEN(rules); i++)
			ctx_skip(ctx, rules[i], ctx_sshd_config_path(ctx), "the sshd "
			    "configuration could not be read");
		return;
	}
	check_expects(ctx, p);
	for (size_t i = 0; i < policy_nconstraints(p); i++)
		each_subject(ctx, policy_constraint_at(p, i)->keyword,
		    constraint_fn, &i);
}

const struct ka_check check_policy = { "policy", rules, KA_ARRLEN(rules), run };
