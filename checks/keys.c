/* keys.c - key inventory hygiene: which authorized keys should not exist any
 * more. Keys nobody has used within the logs' window (or for --unused-days),
 * keys older than --max-key-age, keys of accounts that cannot log in, keys
 * no one claims in the site's registry, root keys without from= or
 * command=, one key opening several accounts. A key on several hosts is
 * found by the fleet pass (scanner/fleet.c) once all hosts are in. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks/check.h"
#include "scanner/parse/keyreg.h"
#include "scanner/parse/usagelog.h"

#define DAY 86400

const struct ka_rule rule_keys_unused = {
	.id = "keys.unused", .severity = SEV_LOW, .blocks_login = 0,
	.title = "an authorized key has not logged in for the whole log window",
	.help = "sshd logs every accepted key (Accepted publickey ... SHA256:FP; at LogLevel "
	    "VERBOSE also the authorized_keys file and line). A key with no login in "
	    "everything the host's logs still hold, or none for --unused-days, is "
	    "likely one nobody needs: a departed person's, a retired job's. What can "
	    "be known is bounded by log retention, so the finding states the window. "
	    "Runs when the scan reads the hosts' logs (--unused-days or --auth-log).",
};

const struct ka_rule rule_keys_no_usage_data = {
	.id = "keys.no-usage-data", .severity = SEV_INFO, .blocks_login = 0,
	.title = "the last use of this host's keys cannot be known",
	.help = "Last use comes from sshd's own log lines. At LogLevel QUIET, FATAL or ERROR "
	    "sshd logs no login; a log the collector cannot read (not root, no --sudo) "
	    "or that lives elsewhere (--auth-log) says nothing; and logs shorter than "
	    "--unused-days cannot show that a key went unused that long.",
};

const struct ka_rule rule_keys_old = {
	.id = "keys.old", .severity = SEV_LOW, .blocks_login = 0,
	.title = "an authorized key is older than --max-key-age",
	.help = "Keys are credentials and get rotated like them. The age is the key "
	    "registry's date where it has one, else the authorized_keys file's last "
	    "change (the line is at least that old). Runs with --max-key-age DAYS.",
};

const struct ka_rule rule_keys_no_expiry = {
	.id = "keys.no-expiry", .severity = SEV_LOW, .blocks_login = 0,
	.title = "an authorized key has no expiry-time",
	.help = "An expiry-time=\"YYYYMMDD\" option makes sshd itself refuse the key after "
	    "that date, so forgotten keys stop working on their own. A site rule: it "
	    "runs when a policy says 'check keys.no-expiry enable' (or --checks names "
	    "it).",
	.opt_in = 1,
};

const struct ka_rule rule_keys_orphaned = {
	.id = "keys.orphaned", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "keys are authorized for an account that should not log in",
	.help = "An account that is locked, expired or has a nologin shell still has keys "
	    "in its AuthorizedKeysFile. With UsePAM yes a locked password does not "
	    "stop key logins at all; otherwise the keys are dead weight that comes back "
	    "to life when the account is unlocked. Remove them with the account's "
	    "retirement. With --all-users also: a home left behind by a removed "
	    "account (beside the other people's homes) whose authorized_keys still "
	    "holds keys, which an account created with that name would get.",
};

const struct ka_rule rule_keys_shared = {
	.id = "keys.shared", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "one user key is authorized for several accounts or hosts",
	.help = "The same key opening many accounts or hosts means one stolen private key "
	    "(or one departed person) opens them all, and access cannot be revoked per "
	    "account. Each host reports its own accounts; the fleet pass (after all "
	    "hosts were scanned) reports keys found on two or more hosts.",
	.fleet = 1,
};

const struct ka_rule rule_keys_unregistered = {
	.id = "keys.unregistered", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "an authorized key is not in the key registry, or past its registered expiry",
	.help = "With --key-registry FILE (CSV: fingerprint, owner, expires[, added]) every "
	    "authorized key must be claimed by an owner: a key no one claims grants "
	    "access no one answers for, and a key past the expiry its owner registered "
	    "should have been removed.",
};

const struct ka_rule rule_keys_private_key_no_passphrase = {
	.id = "keys.private-key-no-passphrase", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a private key without a passphrase is stored on this server",
	.help = "An account's ~/.ssh/id_* private key with no passphrase works for anyone "
	    "who can read the file: root, a backup, whoever takes over the account. "
	    "Keys that open other hosts belong on the people's own machines (use "
	    "ProxyJump or agent forwarding to a trusted host instead), and a key a job "
	    "needs should be restricted where it is authorized (from=, command=). The "
	    "invoking user's own keys are client.no-passphrase.",
};

const struct ka_rule rule_keys_root_unrestricted = {
	.id = "keys.root-unrestricted", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a root key has neither from= nor command=",
	.help = "A key that logs in as root from anywhere with any command is the most "
	    "valuable key on the host. from=\"ADDR\" limits where it works, "
	    "command=\"...\" (or restrict plus a forced command) what it can do; "
	    "automation keys need both. Not reported where PermitRootLogin is no or "
	    "forced-commands-only: sshd lets no such key in.",
};

static const struct ka_rule *const rules[] = {
	&rule_keys_unused,
	&rule_keys_no_usage_data,
	&rule_keys_old,
	&rule_keys_no_expiry,
	&rule_keys_orphaned,
	&rule_keys_shared,
	&rule_keys_unregistered,
	&rule_keys_private_key_no_passphrase,
	&rule_keys_root_unrestricted,
};

/* "KEY (COMMENT)" for messages: the fingerprint and a short printable comment. */
static char *
key_name(const struct ak_line *l)
{
	char *c, *s;

	if (l->comment == NULL || l->comment[0] == '\0')
		return xstrdup(l->fp);
	c = str_printable(l->comment, strlen(l->comment) > 60 ? 60 : strlen(l->comment));
	s = xasprintf("%s (%s)", l->fp, c);
	free(c);
	return s;
}

static int
usable(const struct ka_ctx *ctx, const struct ak_line *l)
{
	return l->status == AK_KEY && l->fp != NULL &&
	    (l->opts.expiry == 0 || l->opts.expiry > ctx->snap->collected_at);
}

/* Removing a key is the key owner's decision: prose with the command. */
static void
fix_remove(struct ka_finding *f, const char *path, long line)
{
	char *d = xasprintf("%ldd", line);
	const char *argv[] = { "sed", "-i", d, path, NULL };

	remedy_decide(f ? &f->remedy : NULL, argv, "decide with the key's owner "
	    "whether it is still needed; if not, as the account");
	free(d);
}

/* ------------------------------------------------------------ usage */

struct usage {
	const struct usagelog *u;
	int64_t first, last;	/* the window */
	int verdict;		/* keys without a login can be called unused */
	int days;		/* --unused-days, 0: the whole window */
};

static void
unused_key(struct ka_ctx *ctx, const struct ka_user *ku, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	struct usage *us = arg;
	int64_t now = ctx->snap->collected_at;
	const struct key_use *k;
	char a[16], b[16], m[16], *name, *changed = NULL;
	struct ka_finding *f;

	if (!usable(ctx, l))
		return;
	k = key_line_use(us->u, ku->name, l->fp, path, l->lineno);
	if (k != NULL && (us->days == 0 || k->last <= 0 || now - k->last <= (int64_t)us->days * DAY))
		return;
	if (k == NULL && !us->verdict)
		return;
	name = key_name(l);
	ymd_str(us->first, a);
	ymd_str(us->last, b);
	/* a line added inside the window had less time to be used */
	if (st != NULL && us->first > 0 && st->mtime > us->first) {
		ymd_str(st->mtime, m);
		changed = xasprintf("; the file changed on %s, so the line may be newer "
		    "than the window", m);
	}
	if (k != NULL) {
		ymd_str(k->last, m);
		f = ctx_finding(ctx, &rule_keys_unused, ku->name, path, l->lineno, NULL,
		    "key %s of %s last logged in on %s from %s, %lld days ago (more than "
		    "--unused-days %d)", name, ku->name, m, k->last_addr ? k->last_addr : "?",
		    (long long)((now - k->last) / DAY), us->days);
	} else if (us->first > 0)
		f = ctx_finding(ctx, &rule_keys_unused, ku->name, path, l->lineno, NULL,
		    "key %s of %s has no accepted login in sshd's logs from %s to %s "
		    "(%lld days)%s", name, ku->name, a, b,
		    (long long)((us->last - us->first) / DAY + 1), changed ? changed : "");
	else
		f = ctx_finding(ctx, &rule_keys_unused, ku->name, path, l->lineno, NULL,
		    "key %s of %s has no accepted login in sshd's logs (which give no "
		    "times: the window is unknown)", name, ku->name);
	fix_remove(f, path, l->lineno);
	free(changed);
	free(name);
}

static void
count_usable(struct ka_ctx *ctx, const struct ka_user *ku, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	(void)ku;
	(void)path;
	(void)st;
	if (usable(ctx, l))
		(*(size_t *)arg)++;
}

static void
unused_keys(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	const char *level = ctx->global ? sshd_eff_str(ctx->global, "loglevel") : NULL;
	struct usage us = { 0 };
	unsigned long lines, logins;
	size_t nkeys = 0, read = 0;
	struct buf why;
	char a[16], b[16];

	if ((us.u = ctx_usage(ctx)) == NULL)
		return;
	ctx_foreach_key(ctx, count_usable, &nkeys);
	if (nkeys == 0)
		return;
	us.days = ctx->opts ? ctx->opts->unused_days : 0;
	usagelog_window(us.u, &us.first, &us.last, &lines, &logins);
	buf_init(&why);
	for (size_t i = 0; i < s->nauthlogs; i++) {
		if (s->authlogs[i].lines != NULL)
			read++;
		else
			buf_printf(&why, "%s%s: %s", why.len ? "; " : "", s->authlogs[i].source,
			    s->authlogs[i].error ? s->authlogs[i].error : "not read");
	}
	if (level != NULL && (strcasecmp(level, "quiet") == 0 ||
	    strcasecmp(level, "fatal") == 0 || strcasecmp(level, "error") == 0)) {
		const char *path;
		long line;

		ctx_setting_where(ctx, ctx->global, "loglevel", &path, &line);
		ctx_finding(ctx, &rule_keys_no_usage_data, NULL, path, line, "LogLevel VERBOSE",
		    "sshd logs no logins at LogLevel %s: the last use of %zu key%s cannot "
		    "be known", level, nkeys, nkeys == 1 ? "" : "s");
	} else if (read == 0)
		ctx_finding(ctx, &rule_keys_no_usage_data, NULL, NULL, 0,
		    s->privileged ? "name the file sshd logs to: --auth-log FILE" :
		    "scan as root (--sudo over SSH), or name a readable log: --auth-log FILE",
		    "no sshd log could be read (%s): the last use of %zu key%s cannot be "
		    "known", why.len ? why.data : "no auth.log, secure or journal found",
		    nkeys, nkeys == 1 ? "" : "s");
	else if (us.days > 0 && (us.first == 0 || us.last - us.first < (int64_t)us.days * DAY)) {
		ymd_str(us.first, a);
		ymd_str(us.last, b);
		if (us.first > 0)
			ctx_finding(ctx, &rule_keys_no_usage_data, NULL, NULL, 0,
			    "keep sshd's logs longer (logrotate: rotate/maxage; journald: "
			    "MaxRetentionSec)", "sshd's logs cover %s to %s (%lld days), fewer "
			    "than --unused-days %d: keys without a login in them may still "
			    "be in use", a, b, (long long)((us.last - us.first) / DAY + 1),
			    us.days);
		else
			ctx_finding(ctx, &rule_keys_no_usage_data, NULL, NULL, 0,
			    "log with timestamps (syslog or the journal, not sshd -E)",
			    "sshd's logs give no times, so --unused-days %d cannot be "
			    "judged", us.days);
		us.verdict = 0;
		ctx_foreach_key(ctx, unused_key, &us);	/* old logins still count */
	} else {
		us.verdict = 1;
		ctx_foreach_key(ctx, unused_key, &us);
	}
	buf_free(&why);
}

/* ------------------------------------------------------------ per line */

/* PermitRootLogin lets this key in as it is: not "no", and not
 * forced-commands-only (then only command= keys work). */
static int
root_keys_allowed(const struct ka_user *ku)
{
	const char *v = ku->eff ? sshd_eff_str(ku->eff, "permitrootlogin") : NULL;

	return v == NULL || (strcasecmp(v, "no") != 0 &&
	    strcasecmp(v, "forced-commands-only") != 0);
}

static void
line_checks(struct ka_ctx *ctx, const struct ka_user *ku, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	const struct ka_options *o = ctx->opts;
	const struct keyreg_entry *r = NULL;
	int64_t now = ctx->snap->collected_at;
	char d[16], *name;

	(void)arg;
	if (!usable(ctx, l))
		return;
	name = key_name(l);
	if (o != NULL && o->registry != NULL && !l->opts.cert_authority) {
		if ((r = keyreg_find(o->registry, l->fp)) == NULL)
			ctx_finding(ctx, &rule_keys_unregistered, ku->name, path, l->lineno,
			    "add the key's owner to the registry, or remove the line",
			    "key %s of %s is in no entry of the key registry: nobody "
			    "claims it", name, ku->name);
		else if (r->expires != 0 && r->expires <= now) {
			ymd_str(r->expires - DAY, d);
			ctx_finding(ctx, &rule_keys_unregistered, ku->name, path, l->lineno,
			    "remove the line (or renew the registration)",
			    "key %s of %s expired on %s according to the key registry "
			    "(owner %s, line %ld)", name, ku->name, d,
			    r->owner[0] ? r->owner : "?", r->line);
		}
	}
	if (o != NULL && o->max_key_age > 0) {
		int64_t since = r != NULL && r->added > 0 ? r->added : st != NULL ? st->mtime : 0;

		if (since > 0 && now - since > (int64_t)o->max_key_age * DAY) {
			ymd_str(since, d);
			if (r != NULL && r->added > 0)
				ctx_finding(ctx, &rule_keys_old, ku->name, path, l->lineno,
				    "generate a new key, authorize it, then remove this line",
				    "key %s of %s was added on %s (the key registry's date): "
				    "%lld days ago, more than --max-key-age %d", name, ku->name,
				    d, (long long)((now - since) / DAY), o->max_key_age);
			else
				ctx_finding(ctx, &rule_keys_old, ku->name, path, l->lineno,
				    "generate a new key, authorize it, then remove this line",
				    "key %s of %s is at least %lld days old (its file last "
				    "changed on %s; the registry has no date for it), more "
				    "than --max-key-age %d", name, ku->name,
				    (long long)((now - since) / DAY), d, o->max_key_age);
		}
	}
	if (l->opts.expiry == 0 && !l->opts.cert_authority)
		ctx_finding(ctx, &rule_keys_no_expiry, ku->name, path, l->lineno,
		    "prefix the line with expiry-time=\"YYYYMMDD\"",
		    "key %s of %s has no expiry-time", name, ku->name);
	if (ku->acct->uid == 0 && l->opts.from == NULL && l->opts.command == NULL &&
	    root_keys_allowed(ku))
		ctx_finding(ctx, &rule_keys_root_unrestricted, ku->name, path, l->lineno,
		    "prefix the line with from=\"ADDRESSES\" and, for automation, "
		    "restrict,command=\"...\"",
		    "key %s logs in as %s (uid 0) from anywhere, with any command",
		    name, ku->name);
	free(name);
}

/* ------------------------------------------------------------ accounts */

static int
nologin_shell(const char *shell)
{
	const char *base = strrchr(shell, '/');

	base = base ? base + 1 : shell;
	return strcmp(base, "nologin") == 0 || strcmp(base, "false") == 0;
}

/* Each user's usable keys: how many, and where the first is. */
struct orphan {
	size_t n;
	char *path;
	long line;
};

static void
count_user_keys(struct ka_ctx *ctx, const struct ka_user *ku, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	struct orphan *o = (struct orphan *)arg + (ku - ctx->users);

	(void)st;
	if (!usable(ctx, l))
		return;
	if (o->n++ == 0) {
		o->path = xstrdup(path);
		o->line = l->lineno;
	}
}

static void
orphaned(struct ka_ctx *ctx)
{
	int64_t today = ctx->snap->collected_at / DAY;
	struct orphan *o = xcalloc(ctx->nusers + 1, sizeof(*o));

	ctx_foreach_key(ctx, count_user_keys, o);
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const struct snap_account *a = u->acct;
		char *why, *q;
		struct ka_finding *f;

		if (a == NULL || o[i].n == 0)
			continue;
		if (a->shadow_known && a->locked)
			why = xstrdup("is locked");
		else if (a->shadow_known && a->expire_day >= 0 && a->expire_day <= today)
			why = xstrdup("has expired");
		else if (nologin_shell(a->shell[0] ? a->shell : "/bin/sh"))
			why = xasprintf("has the shell %s", a->shell);
		else
			continue;
		q = shell_quote(o[i].path);
		f = ctx_finding(ctx, &rule_keys_orphaned, u->name, o[i].path, o[i].line, NULL,
		    "account %s %s but %zu key%s still authorized for it", u->name, why,
		    o[i].n, o[i].n == 1 ? " is" : "s are");
		remedy_manual(f ? &f->remedy : NULL, "decide whether %s is meant to log "
		    "in: if not, remove its keys (: > %s); if so, re-enable it", u->name, q);
		free(q);
		free(why);
	}
	for (size_t i = 0; i < ctx->nusers; i++)
		free(o[i].path);
	free(o);
}

/* Homes left behind: the directories --all-users collection found beside
 * the people's homes (collector.sh, transport_local.c collect_left_homes)
 * that belong to no account, with keys in .ssh/authorized_keys. */
static void
left_homes(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	struct strlist parents = { 0 };

	for (size_t i = 0; i < s->naccounts; i++) {
		const char *h = s->accounts[i].home, *slash = strrchr(h, '/');
		char *p;

		if (s->accounts[i].uid < 1000 || h[0] != '/' || slash == h || slash[1] == '\0')
			continue;
		p = xstrndup(h, (size_t)(slash - h));
		strlist_intern(&parents, p);
		free(p);
	}
	for (size_t i = 0; i < parents.n; i++) {
		char *pat = xasprintf("%s/*", parents.v[i]);
		const struct snap_glob *g = snap_glob_get(s, pat);

		for (size_t j = 0; g != NULL && j < g->matches.n; j++) {
			const char *m = g->matches.v[j];
			const struct snap_file *d = snap_stat(s, m);
			const struct ak_file *ak;
			char *path, *canon = NULL, *fix;
			const char *why;
			size_t n = 0;
			long first = 0;
			int home = 0;

			if (ctx_late(ctx) && ctx_stopped(ctx, "keys.orphaned",
			    "directories", j, g->matches.n))
				break;
			for (size_t k = 0; k < s->naccounts && !home; k++)
				home = strcmp(s->accounts[k].home, m) == 0;
			if (home || d == NULL || d->type != SNAP_DIR)
				continue;
			path = xasprintf("%s/.ssh/authorized_keys", m);
			if (snap_realpath(s, path, &canon, &why) == 0 &&
			    (ak = ctx_akfile(ctx, canon, "")) != NULL)
				for (size_t l = 0; l < ak->n; l++)
					if (ak->lines[l].status == AK_KEY && n++ == 0)
						first = ak->lines[l].lineno;
			if (n > 0) {
				char *q = shell_quote(canon);
				fix = xasprintf("decide whether anything in %s is still needed; "
				    "if not, remove %s (or the whole directory)", m, q);
				ctx_finding(ctx, &rule_keys_orphaned, NULL, canon, first, fix,
				    "%s is no account's home (a removed account's?), and %s "
				    "still authorizes %zu key%s: an account given that home "
				    "again gets them", m, canon, n, n == 1 ? "" : "s");
				free(fix);
				free(q);
			}
			free(canon);
			free(path);
		}
		free(pat);
	}
	strlist_free(&parents);
}

/* One fingerprint authorized for two or more accounts of this host: every
 * (fingerprint, user) sighting, sorted, so a host with 100,000 keys costs a
 * sort and not a comparison of every pair. */
struct sighting {
	const char *fp, *user;	/* the context's strings: alive until ctx_free */
};

struct sightings {
	struct sighting *v;
	size_t n;
};

static void
collect_fp(struct ka_ctx *ctx, const struct ka_user *ku, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	struct sightings *sh = arg;

	(void)path;
	(void)st;
	if (!usable(ctx, l) || l->opts.cert_authority)
		return;
	sh->v = xreallocarray(sh->v, sh->n + 1, sizeof(*sh->v));
	sh->v[sh->n].fp = l->fp;
	sh->v[sh->n++].user = ku->name;
}

static int
cmp_sighting(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;
	int c = strcmp(x->fp, y->fp);

	return c != 0 ? c : strcmp(x->user, y->user);
}

static void
shared(struct ka_ctx *ctx)
{
	struct sightings sh = { NULL, 0 };

	ctx_foreach_key(ctx, collect_fp, &sh);
	if (sh.n > 1)
		qsort(sh.v, sh.n, sizeof(*sh.v), cmp_sighting);
	for (size_t i = 0, j; i < sh.n; i = j) {
		struct buf who;
		size_t n = 0;

		buf_init(&who);
		for (j = i; j < sh.n && strcmp(sh.v[j].fp, sh.v[i].fp) == 0; j++)
			if (j == i || strcmp(sh.v[j].user, sh.v[j - 1].user) != 0)
				buf_printf(&who, "%s%s", n++ ? ", " : "", sh.v[j].user);
		if (n >= 2) {
			struct ka_finding *f = ctx_finding(ctx, &rule_keys_shared, NULL, NULL, 0,
			    "give each person and each automation its own key; remove this "
			    "one from the accounts that should not have it",
			    "key %s is authorized for %zu accounts: %s", sh.v[i].fp, n, who.data);
			if (f != NULL)
				f->key_fp = xstrdup(sh.v[i].fp);
		}
		buf_free(&who);
	}
	free(sh.v);
}

static void
server_private_keys(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;

	for (size_t i = 0; i < s->nuserkeys; i++) {
		const struct snap_userkey *k = &s->userkeys[i];
		struct ka_finding *f;
		int client = 0;

		for (size_t j = 0; j < s->nclientkeys && !client; j++)
			client = strcmp(s->clientkeys[j].path, k->path) == 0;
		if (client || k->encrypted != 0)
			continue;
		f = ctx_finding(ctx, &rule_keys_private_key_no_passphrase, k->user, k->path, 0,
		    "move it off the server, or set a passphrase",
		    "%s's %s private key %s has no passphrase: whoever reads the file "
		    "can use it", k->user, k->format, k->path);
		remedy_run(f ? &f->remedy : NULL, ACT_SERVER, 1, "ssh-keygen", "-p", "-f",
		    k->path, NULL);
	}
}

static void
run(struct ka_ctx *ctx)
{
	server_private_keys(ctx);
	unused_keys(ctx);
	ctx_foreach_key(ctx, line_checks, NULL);
	orphaned(ctx);
	left_homes(ctx);
	shared(ctx);
}

const struct ka_check check_keys = {
	"keys", rules, sizeof(rules) / sizeof(rules[0]), run,
};
