/* pam.c - PAM's account phase, which sshd runs with UsePAM yes after it has
 * accepted the key (auth2.c userauth_finish -> do_pam_account): the stack
 * /etc/pam.d/sshd builds (parse/pam.c) walked for each audited user with
 * what each module would return, from the snapshot: pam_nologin, pam_unix
 * (password ageing), pam_access, pam_time. A refusal ends the connection
 * ("Access denied for user U by PAM account configuration"); pam_unix's
 * "new password required" lets the key in and then runs passwd instead of
 * the session, which without a tty fails. pam_faillock never refuses in the
 * account phase and sshd runs no PAM auth for publickey, so a lockout only
 * matters where AuthenticationMethods adds a PAM-backed method. With
 * UsePAM no none of this runs; account.expired covers the shadow expiry
 * date in both cases and is not reported twice. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "scanner/parse/pam.h"

/* pam_acct_mgmt runs once the key has been accepted and every method
 * AuthenticationMethods asks for is done: after PermitRootLogin (CHAIN_ROOT)
 * and level with partial success (sshd.auth-methods, CHAIN_ROOT + 2, which
 * wins a tie: its family runs first), before net.key-refused (+3), the
 * client's view of a refusal found here. */
#define CHAIN_PAM (CHAIN_ROOT + 2)

const struct ka_rule rule_pam_nologin = {
	.id = "pam.nologin", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "PAM's pam_nologin refuses: a nologin file exists",
	.help = "With UsePAM yes and pam_nologin in sshd's account stack, /var/run/nologin "
	    "or /etc/nologin (or the file= argument) keeps every account but root out: "
	    "sshd accepts the key, then 'Access denied for user NAME by PAM account "
	    "configuration'.",
	.chain = CHAIN_PAM,
};

const struct ka_rule rule_pam_password_expired = {
	.id = "pam.password-expired", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "pam_unix's account phase: the password has expired",
	.help = "A forced change (shadow last change 0) or a password older than its maximum "
	    "age makes pam_unix ask for a new password: sshd accepts the key, then runs "
	    "passwd instead of the session ('Password change required but no TTY "
	    "available' without a tty). Past the inactive period too, pam_unix refuses "
	    "outright.",
	.chain = CHAIN_PAM,
};

const struct ka_rule rule_pam_access = {
	.id = "pam.access", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "pam_access refuses the user from this origin (access.conf)",
	.help = "The first access.conf line matching the user and the client's address "
	    "decides; a '-' line refuses the login after the key was accepted.",
	.chain = CHAIN_PAM,
};

const struct ka_rule rule_pam_time = {
	.id = "pam.time", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "pam_time refuses the user at this time (time.conf)",
	.help = "A time.conf rule for service sshd, tty ssh and the user whose times exclude "
	    "now refuses the login after the key was accepted.",
	.chain = CHAIN_PAM,
};

const struct ka_rule rule_pam_faillock = {
	.id = "pam.faillock", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "pam_faillock has locked the account",
	.help = "Too many failed PAM authentications: password and keyboard-interactive "
	    "logins are refused until the lock expires. sshd runs no PAM auth for a key, "
	    "so key login still works (and pam_faillock in the account stack then "
	    "clears the tally), unless AuthenticationMethods also asks for a password.",
	.chain = CHAIN_PAM,
};

const struct ka_rule rule_pam_stack_unreadable = {
	.id = "pam.stack-unreadable", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "sshd's PAM stack could not be read or cannot be decided",
	.help = "A file of the account stack /etc/pam.d/sshd builds could not be read, "
	    "or the stack refuses in a way no other pam.* check names (pam_deny, a "
	    "missing include, no stack at all): PAM verdicts are unknown, or every "
	    "login is refused.",
	.chain = CHAIN_PAM,
};

static const struct ka_rule *const rules[] = {
	&rule_pam_nologin,
	&rule_pam_password_expired,
	&rule_pam_access,
	&rule_pam_time,
	&rule_pam_faillock,
	&rule_pam_stack_unreadable,
};

/* A finding of a rule that blocks only sometimes, when it does: as loud
 * as the other refusals, unless a policy set its severity. */
static void
set_blocking(struct ka_finding *f)
{
	if (f == NULL)
		return;
	f->blocks_login = 1;
	if (f->severity == f->rule->severity && f->severity < SEV_HIGH)
		f->severity = SEV_HIGH;
}

/* The file at path as the target resolves it (/var/run is often a link to
 * /run): 1 there (*f set), 0 it does not exist, -1 not collected. */
static int
file_at(const struct snapshot *s, const char *path, const struct snap_file **f)
{
	char *canon = NULL;
	const char *why;

	*f = NULL;
	if (snap_realpath(s, path, &canon, &why) != 0)
		return strcmp(why, "missing") == 0 || strcmp(why, "notdir") == 0 ? 0 : -1;
	*f = snap_stat(s, canon);
	free(canon);
	return *f != NULL ? 1 : -1;
}

static int
snap_read(void *arg, const char *path, const char **data, size_t *len)
{
	const struct snap_file *f;
	int r = file_at(arg, path, &f);

	if (r == 0) {
		errno = ENOENT;
		return -1;
	}
	if (r < 0) {
		errno = EIO;
		return -1;
	}
	return snap_file_data(f, data, len);
}

/* What one module would return, and why, for one user. */
struct mod {
	int rc;			/* PAMRC_*, -1 unknown */
	char *why;		/* evidence for the message */
	char *rule_file;	/* the rule file and line that decide, if any */
	int rule_line;
	int approx;		/* decided on an assumption (pam_time: the zone) */
};

struct pamctx {
	struct ka_ctx *ctx;
	const struct ka_user *u;
	const char *from;
};

static void
mod_set(struct mod *m, int rc, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
mod_set(struct mod *m, int rc, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	m->rc = rc;
	free(m->why);
	va_start(ap, fmt);
	m->why = xvasprintf(fmt, ap);
	va_end(ap);
	free(m->rule_file);
	m->rule_file = file ? xstrdup(file) : NULL;
	m->rule_line = line;
}

static void
model_nologin(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	const struct snapshot *s = pc->ctx->snap;
	const char *file = pam_arg(e, "file");
	const char *cands[2] = { "/var/run/nologin", "/etc/nologin" };
	size_t nc = 2;
	const struct snap_file *f;

	if (file != NULL) {
		cands[0] = file;
		nc = 1;
	}
	for (size_t i = 0; i < nc; i++) {
		int r = file_at(s, cands[i], &f);

		if (r < 0) {
			mod_set(m, -1, NULL, 0, "%s was not collected", cands[i]);
			return;
		}
		if (r == 0)
			continue;
		if (pc->u->acct->uid == 0)
			mod_set(m, PAMRC_SUCCESS, cands[i], 0, "%s exists (root passes)", cands[i]);
		else
			mod_set(m, PAMRC_AUTH_ERR, cands[i], 0, "%s exists", cands[i]);
		return;
	}
	mod_set(m, pam_has_arg(e, "successok") ? PAMRC_SUCCESS : PAMRC_IGNORE, NULL, 0,
	    "no nologin file");
}

/* pam_unix's check_shadow_expiry, on the collection day. */
static void
model_unix(struct pamctx *pc, struct mod *m)
{
	const struct snap_account *a = pc->u->acct;
	int64_t today = pc->ctx->snap->collected_at / 86400, passed;

	if (!a->shadow_known) {
		mod_set(m, -1, NULL, 0, "/etc/shadow was not readable");
		return;
	}
	if (a->expire_day >= 0 && today >= a->expire_day) {
		mod_set(m, PAMRC_ACCT_EXPIRED, "/etc/shadow", 0, "the account expired on "
		    "day %lld", (long long)a->expire_day);
		return;
	}
	if (a->lastchg_day == 0) {
		mod_set(m, PAMRC_NEW_AUTHTOK_REQD, "/etc/shadow", 0, "its last password "
		    "change is 0 in /etc/shadow: a change is forced (chage -d 0 or passwd -e)");
		return;
	}
	if (today < a->lastchg_day) {
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "password changed in the future");
		return;
	}
	passed = today - a->lastchg_day;
	if (a->max_days != -1 && a->inact_days != -1 && passed > a->max_days &&
	    passed > a->inact_days && passed > a->max_days + a->inact_days) {
		mod_set(m, PAMRC_AUTHTOK_EXPIRED, "/etc/shadow", 0, "its password was last "
		    "changed %lld days ago, past its maximum age (%lld) and the inactive "
		    "period (%lld)", (long long)passed, (long long)a->max_days,
		    (long long)a->inact_days);
		return;
	}
	if (a->max_days != -1 && passed > a->max_days) {
		mod_set(m, PAMRC_NEW_AUTHTOK_REQD, "/etc/shadow", 0, "its password was last "
		    "changed %lld days ago, past its maximum age of %lld days",
		    (long long)passed, (long long)a->max_days);
		return;
	}
	mod_set(m, PAMRC_SUCCESS, NULL, 0, "password ageing allows it");
}

static void
model_access(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	const char *file = pam_arg(e, "accessfile");
	const char *fs = pam_arg(e, "fieldsep"), *ls = pam_arg(e, "listsep");
	const struct snap_file *f;
	struct pam_access_who w;
	const char *data;
	size_t len;
	int r, line;

	if (file == NULL)
		file = "/etc/security/access.conf";
	if ((r = file_at(pc->ctx->snap, file, &f)) < 0) {
		mod_set(m, -1, NULL, 0, "%s was not collected", file);
		return;
	}
	if (r == 0) {
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "%s does not exist: no restriction", file);
		return;
	}
	if (snap_file_data(f, &data, &len) != 0) {
		mod_set(m, PAMRC_PERM_DENIED, file, 0, "%s could not be read (pam_access "
		    "refuses then)", file);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.user = pc->u->name;
	w.groups = pc->u->groups;
	w.ngroups = pc->u->ngroups;
	w.from = pc->from;
	w.fs = fs && fs[0] ? fs[0] : ':';
	w.sep = ls && ls[0] ? ls[0] : ',';
	w.nodefgroup = pam_has_arg(e, "nodefgroup");
	r = pam_access_eval(data, len, &w, &line);
	if (r == 1)
		mod_set(m, PAMRC_SUCCESS, file, line, "%s:%d allows it", file, line);
	else if (r == 0)
		mod_set(m, PAMRC_PERM_DENIED, file, line, "%s:%d denies %s from %s", file,
		    line, pc->u->name, pc->from ? pc->from : "any address");
	else if (r == -1)
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "no line of %s matches", file);
	else
		mod_set(m, -1, file, line, "%s:%d may match %s (%s)", file, line,
		    pc->u->name, pc->from ? "netgroups and host names are not resolved" :
		    "the client's address is not known: use --from");
}

/* Is the target's zone UTC? /etc/localtime's link says; no file is UTC. */
static int
zone_utc(const struct snapshot *s, const char **zone)
{
	const struct snap_file *f = snap_file_get(s, "/etc/localtime");
	const char *z;

	*zone = "unknown";
	if (f == NULL)
		return 0;
	if (f->type == SNAP_NOENT) {
		*zone = "UTC";
		return 1;
	}
	if (f->type != SNAP_LNK || f->link == NULL)
		return 0;
	z = strstr(f->link, "zoneinfo/");
	*zone = z ? z + 9 : f->link;
	return strcmp(*zone, "UTC") == 0 || strcmp(*zone, "Etc/UTC") == 0 ||
	    strcmp(*zone, "Etc/UCT") == 0 || strcmp(*zone, "UCT") == 0 ||
	    strcmp(*zone, "Universal") == 0 || strcmp(*zone, "Etc/Universal") == 0 ||
	    strcmp(*zone, "Zulu") == 0 || strcmp(*zone, "Etc/GMT") == 0 ||
	    strcmp(*zone, "GMT") == 0;
}

static void
model_time(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	const char *file = pam_arg(e, "conf");
	const struct snap_file *f;
	struct pam_time_who w;
	const char *data, *zone;
	size_t len;
	int r, line;

	if (file == NULL)
		file = "/etc/security/time.conf";
	if ((r = file_at(pc->ctx->snap, file, &f)) <= 0 || snap_file_data(f, &data, &len) != 0) {
		mod_set(m, -1, NULL, 0, "%s %s", file, r == 0 ? "does not exist" :
		    "was not read");
		return;
	}
	w.service = "sshd";
	w.tty = "ssh";
	w.user = pc->u->name;
	w.now = pc->ctx->snap->collected_at;
	m->approx = !zone_utc(pc->ctx->snap, &zone);
	r = pam_time_eval(data, len, &w, &line);
	if (r == PAMRC_SUCCESS)
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "no rule of %s refuses now", file);
	else if (r == PAMRC_PERM_DENIED)
		mod_set(m, PAMRC_PERM_DENIED, file, line, "%s:%d excludes the time of the "
		    "scan (%s)", file, line, m->approx ? "read as UTC; the host's zone is "
		    "not UTC" : "UTC");
	else
		mod_set(m, -1, file, line, "%s:%d could not be read as a rule", file, line);
	if (r != PAMRC_PERM_DENIED && m->approx && m->rc >= 0)
		m->rc = -1;	/* the zone could make a rule refuse */
}

/* pam_succeed_if: "uid OP N" and "user = | != NAME" conditions; others
 * are not modelled. */
static void
model_succeed_if(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	int ok = 1;
	size_t i = 0;

	while (i < e->args.n) {
		const char *a = e->args.v[i];

		if (strcmp(a, "quiet") == 0 || strcmp(a, "quiet_fail") == 0 ||
		    strcmp(a, "quiet_success") == 0 || strcmp(a, "debug") == 0 ||
		    strcmp(a, "use_uid") == 0) {
			i++;
			continue;
		}
		if (i + 2 >= e->args.n) {
			mod_set(m, -1, NULL, 0, "condition not modelled");
			return;
		}
		if (strcmp(a, "uid") == 0) {
			const char *op = e->args.v[i + 1];
			char *end;
			long long n = strtoll(e->args.v[i + 2], &end, 10);
			long long uid = pc->u->acct->uid;
			int r;

			if (*end != '\0') {
				mod_set(m, -1, NULL, 0, "condition not modelled");
				return;
			}
			if (strcmp(op, "<") == 0 || strcmp(op, "lt") == 0)
				r = uid < n;
			else if (strcmp(op, "<=") == 0 || strcmp(op, "le") == 0)
				r = uid <= n;
			else if (strcmp(op, ">") == 0 || strcmp(op, "gt") == 0)
				r = uid > n;
			else if (strcmp(op, ">=") == 0 || strcmp(op, "ge") == 0)
				r = uid >= n;
			else if (strcmp(op, "=") == 0 || strcmp(op, "eq") == 0)
				r = uid == n;
			else if (strcmp(op, "!=") == 0 || strcmp(op, "ne") == 0)
				r = uid != n;
			else {
				mod_set(m, -1, NULL, 0, "condition not modelled");
				return;
			}
			ok = ok && r;
		} else if (strcmp(a, "user") == 0 && (strcmp(e->args.v[i + 1], "=") == 0 ||
		    strcmp(e->args.v[i + 1], "!=") == 0)) {
			int eq = strcmp(pc->u->name, e->args.v[i + 2]) == 0;
			ok = ok && (e->args.v[i + 1][0] == '=' ? eq : !eq);
		} else {
			mod_set(m, -1, NULL, 0, "condition not modelled");
			return;
		}
		i += 3;
	}
	mod_set(m, ok ? PAMRC_SUCCESS : PAMRC_AUTH_ERR, NULL, 0, "conditions %s",
	    ok ? "hold" : "fail");
}

/* pam_usertype issystem/isregular with login.defs' defaults (UID_MIN 1000,
 * SYS_UID_MIN 101): login.defs is not collected. */
static void
model_usertype(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	uint32_t uid = pc->u->acct->uid;
	int sys = uid <= 99 || uid == 65534 || (uid >= 101 && uid <= 999);

	if (pam_has_arg(e, "issystem"))
		mod_set(m, sys ? PAMRC_SUCCESS : PAMRC_AUTH_ERR, NULL, 0, "uid %u is %sa "
		    "system account", uid, sys ? "" : "not ");
	else if (pam_has_arg(e, "isregular"))
		mod_set(m, sys ? PAMRC_AUTH_ERR : PAMRC_SUCCESS, NULL, 0, "uid %u is %sa "
		    "regular account", uid, sys ? "not " : "");
	else
		mod_set(m, -1, NULL, 0, "condition not modelled");
}

/* pam_sepermit: a user sepermit.conf does not list is ignored; a listed one
 * depends on SELinux's mode (not modelled). */
static void
model_sepermit(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	const char *file = pam_arg(e, "conf");
	const struct snap_file *f;
	const char *data;
	size_t len;
	int r;

	if (file == NULL)
		file = "/etc/security/sepermit.conf";
	if ((r = file_at(pc->ctx->snap, file, &f)) < 0) {
		mod_set(m, -1, NULL, 0, "%s was not collected", file);
		return;
	}
	if (r == 0 || snap_file_data(f, &data, &len) != 0) {
		mod_set(m, PAMRC_SYSTEM_ERR, file, 0, "%s cannot be read (pam_sepermit "
		    "fails)", file);
		return;
	}
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *l = xstrndup(p, n), *c;
		int hit = 0;

		p = nl ? nl + 1 : end;
		if ((c = strchr(l, '#')) != NULL)
			*c = '\0';
		if ((c = strchr(l, ':')) != NULL)
			*c = '\0';
		c = l + strspn(l, " \t");
		c[strcspn(c, " \t\r")] = '\0';
		if (c[0] == '@')
			hit = 1;	/* an SELinux user: not known here */
		else if (c[0] == '%') {
			for (size_t g = 0; g < pc->u->ngroups; g++)
				hit |= strcmp(pc->u->groups[g], c + 1) == 0;
		} else if (c[0] != '\0')
			hit = strcmp(c, pc->u->name) == 0;
		free(l);
		if (hit) {
			mod_set(m, -1, NULL, 0, "%s may list %s", file, pc->u->name);
			return;
		}
	}
	mod_set(m, PAMRC_IGNORE, NULL, 0, "%s does not list %s", file, pc->u->name);
}

static void
model(struct pamctx *pc, const struct pam_entry *e, struct mod *m)
{
	const char *n = e->name;

	if (e->kind != PAM_E_MODULE) {
		m->rc = PAMRC_MUST_FAIL;
		return;
	}
	if (strcmp(n, "pam_permit") == 0)
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "always succeeds");
	else if (strcmp(n, "pam_deny") == 0)
		mod_set(m, PAMRC_AUTH_ERR, NULL, 0, "always refuses");
	else if (strcmp(n, "pam_nologin") == 0)
		model_nologin(pc, e, m);
	else if (strcmp(n, "pam_unix") == 0)
		model_unix(pc, m);
	else if (strcmp(n, "pam_access") == 0)
		model_access(pc, e, m);
	else if (strcmp(n, "pam_time") == 0)
		model_time(pc, e, m);
	else if (strcmp(n, "pam_faillock") == 0)
		/* its account phase only clears the tally (pam_sm_acct_mgmt) */
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "never refuses in the account phase");
	else if (strcmp(n, "pam_localuser") == 0 && pc->ctx->snap->accounts_known)
		mod_set(m, PAMRC_SUCCESS, NULL, 0, "%s is in /etc/passwd", pc->u->name);
	else if (strcmp(n, "pam_succeed_if") == 0)
		model_succeed_if(pc, e, m);
	else if (strcmp(n, "pam_usertype") == 0)
		model_usertype(pc, e, m);
	else if (strcmp(n, "pam_sepermit") == 0)
		model_sepermit(pc, e, m);
	else
		mod_set(m, -1, NULL, 0, "%s is not modelled", e->module);
}

/* "FILE:LINE" of a stack entry. Caller frees. */
static char *
where(const struct pam_entry *e)
{
	return xasprintf("%s:%d", e->file, e->line);
}

static void
report(struct pamctx *pc, const struct pam_stack *st, struct mod *mods,
    const struct pam_outcome *o, int sure, long depends)
{
	struct ka_ctx *ctx = pc->ctx;
	const struct ka_user *u = pc->u;
	const struct pam_entry *e;
	const struct mod *m;
	const struct ka_rule *rule = NULL;
	struct ka_finding *f = NULL;
	char *at, *dec = NULL, *unless = NULL;
	const char *path;
	long line;

	if (o->status == PAMRC_SUCCESS || o->cause < 0)
		return;
	e = &st->v[o->cause];
	m = &mods[o->cause];
	at = where(e);
	if (o->decider >= 0 && o->decider != o->cause)
		dec = xasprintf(", so %s at %s:%d refuses", st->v[o->decider].kind ==
		    PAM_E_MODULE ? st->v[o->decider].module : "an include that failed",
		    st->v[o->decider].file, st->v[o->decider].line);
	if (!sure && depends >= 0)
		unless = xasprintf(" (unless %s at %s:%d, which keyaudit does not model, "
		    "decides otherwise)", st->v[depends].module, st->v[depends].file,
		    st->v[depends].line);
	path = m->rule_file && m->rule_line > 0 ? m->rule_file : e->file;
	line = m->rule_file && m->rule_line > 0 ? m->rule_line : e->line;
	if (e->kind == PAM_E_MODULE && strcmp(e->name, "pam_nologin") == 0) {
		rule = &rule_pam_nologin;
		f = ctx_finding(ctx, rule, u->name, e->file, e->line, NULL,
		    "%s: pam_nologin at %s refuses %s%s%s: sshd accepts the key, then logs "
		    "'Access denied for user %s by PAM account configuration'",
		    m->why, at, u->name, dec ? dec : "", unless ? unless : "", u->name);
		{
			char *q = shell_quote(m->rule_file);
			remedy_manual(f ? &f->remedy : NULL, "%s keeps every account but root "
			    "out (shutdown and maintenance create it); when whatever created "
			    "it is over, as root remove it: rm %s", m->rule_file, q);
			free(q);
		}
	} else if (e->kind == PAM_E_MODULE && strcmp(e->name, "pam_unix") == 0) {
		char day[32];
		int64_t d = ctx->snap->collected_at / 86400;
		int y, mo, dd;
		const char *argv[] = { "chage", "-d", day, u->name, NULL };

		if (m->rc == PAMRC_ACCT_EXPIRED)
			goto out;	/* account.expired says it */
		/* civil date of the scan day (days_from_civil's inverse) */
		{
			int64_t z = d + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
			int64_t doe = z - era * 146097;
			int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
			int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
			int64_t mp = (5 * doy + 2) / 153;
			dd = (int)(doy - (153 * mp + 2) / 5 + 1);
			mo = (int)(mp < 10 ? mp + 3 : mp - 9);
			y = (int)(yoe + era * 400 + (mo <= 2));
		}
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo, dd);
		rule = &rule_pam_password_expired;
		if (o->status == PAMRC_NEW_AUTHTOK_REQD)
			f = ctx_finding(ctx, rule, u->name, e->file, e->line, NULL,
			    "%s: %s; pam_unix at %s asks for a new password%s: sshd accepts "
			    "the key, then runs passwd instead of the session ('Password "
			    "change required but no TTY available' without a tty), so no "
			    "command runs", u->name, m->why, at, unless ? unless : "");
		else
			f = ctx_finding(ctx, rule, u->name, e->file, e->line, NULL,
			    "%s: %s; pam_unix at %s returns %s%s%s: sshd accepts the key, then "
			    "logs 'Access denied for user %s by PAM account configuration'",
			    u->name, m->why, at, pam_rc_name(m->rc), dec ? dec : "",
			    unless ? unless : "", u->name);
		remedy_decide(f ? &f->remedy : NULL, argv, "decide whether %s's password "
		    "must age (an account that logs in with keys only need not: chage -M -1 "
		    "%s); to let it in now, set its last change to the scan day, as root",
		    u->name, u->name);
	} else if (e->kind == PAM_E_MODULE && strcmp(e->name, "pam_access") == 0) {
		rule = &rule_pam_access;
		f = ctx_finding(ctx, rule, u->name, path, line, NULL,
		    "%s: pam_access at %s refuses the login%s%s after the key is accepted "
		    "('Access denied for user %s by PAM account configuration')",
		    m->why, at, dec ? dec : "", unless ? unless : "", u->name);
		remedy_manual(f ? &f->remedy : NULL, "decide whether %s may log in from %s; "
		    "if so, as root, add a line allowing it before %s:%ld (access.conf "
		    "grants access: widen it only on purpose)", u->name,
		    pc->from ? pc->from : "this address", path, line);
	} else if (e->kind == PAM_E_MODULE && strcmp(e->name, "pam_time") == 0) {
		rule = &rule_pam_time;
		f = ctx_finding(ctx, rule, u->name, path, line, NULL,
		    "%s: pam_time at %s refuses %s (service sshd, tty ssh)%s%s after the key "
		    "is accepted", m->why, at, u->name, dec ? dec : "", unless ? unless : "");
		if (f != NULL && m->approx)
			f->blocks_login = 0;
		remedy_manual(f ? &f->remedy : NULL, "%s:%ld limits when %s may log in; "
		    "log in within its times, or (a decision) change the rule as root",
		    path, line, u->name);
	} else {
		rule = &rule_pam_stack_unreadable;
		f = ctx_finding(ctx, rule, u->name, e->file, e->line, NULL,
		    "PAM's account stack refuses %s at %s (%s, %s)%s%s: sshd accepts the key, "
		    "then 'Access denied for user %s by PAM account configuration'", u->name,
		    at, e->kind == PAM_E_MUST_FAIL ? "an include that could not be read" :
		    e->module, pam_rc_name(o->status), dec ? dec : "", unless ? unless : "",
		    u->name);
		set_blocking(f);
		remedy_manual(f ? &f->remedy : NULL, "read sshd's PAM stack (%s) and decide "
		    "whether it should refuse %s", st->service_file ? st->service_file :
		    PAM_DIR "/sshd", u->name);
	}
	if (f != NULL && !sure)
		f->blocks_login = 0;
out:
	free(at);
	free(dec);
	free(unless);
}

/* Does every AuthenticationMethods list need a PAM-authenticated method? */
static int
needs_pam_auth(const struct ka_user *u)
{
	const struct sshd_value *v = sshd_eff_get(u->eff, "authenticationmethods");

	if (v == NULL || v->n == 0 || strcmp(v->v[0], "any") == 0)
		return 0;
	for (size_t i = 0; i < v->n; i++)
		if (strstr(v->v[i], "password") == NULL &&
		    strstr(v->v[i], "keyboard-interactive") == NULL)
			return 0;
	return 1;
}

static void
check_faillock(struct pamctx *pc, const struct pam_stack *auth, const struct pam_stack *acct)
{
	struct ka_ctx *ctx = pc->ctx;
	const struct snapshot *s = ctx->snap;
	const struct ka_user *u = pc->u;
	const struct pam_entry *e = NULL;
	struct pam_faillock_opts o;
	const struct snap_file *f;
	const struct snap_glob *g;
	struct pam_tally t;
	const char *data, *conf;
	size_t len;
	char *pat, *tally, *at;
	int in_acct = 0, r;

	for (size_t i = 0; i < auth->n && e == NULL; i++)
		if (auth->v[i].kind == PAM_E_MODULE && strcmp(auth->v[i].name, "pam_faillock") == 0)
			e = &auth->v[i];
	for (size_t i = 0; i < acct->n; i++)
		if (acct->v[i].kind == PAM_E_MODULE && strcmp(acct->v[i].name, "pam_faillock") == 0)
			in_acct = 1;
	if (e == NULL)
		return;
	pam_faillock_defaults(&o);
	conf = pam_arg(e, "conf");
	if (conf == NULL)
		conf = "/etc/security/faillock.conf";
	if (file_at(s, conf, &f) == 1 && snap_file_data(f, &data, &len) == 0)
		pam_faillock_conf(&o, data, len);
	pam_faillock_args(&o, e);
	pat = xasprintf("%s/*", o.dir);
	tally = xasprintf("%s/%s", o.dir, u->name);
	if ((g = snap_glob_get(s, pat)) == NULL) {
		ctx_skip(ctx, &rule_pam_faillock, u->name, "%s was not collected", o.dir);
		goto done;
	}
	if (!strlist_has(&g->matches, tally) || (r = file_at(s, tally, &f)) <= 0 ||
	    snap_file_data(f, &data, &len) != 0)
		goto done;
	pam_tally_eval((const unsigned char *)data, len, &o, u->acct->uid == 0, s->collected_at, &t);
	if (t.locked) {
		const int blocks = needs_pam_auth(u);
		struct ka_finding *fd;
		char unlock[96];

		if (t.unlock_at == 0)
			snprintf(unlock, sizeof(unlock), "unlock_time is 0: only an "
			    "administrator unlocks it");
		else
			snprintf(unlock, sizeof(unlock), "it unlocks by itself %lld s after "
			    "the scan", (long long)(t.unlock_at - s->collected_at));
		char *who = shell_quote(u->name);

		at = where(e);
		fd = ctx_finding(ctx, &rule_pam_faillock, u->name, tally, 0, NULL,
		    "%s is locked by pam_faillock (%s): %u failures within %lld s, deny=%lld; "
		    "%s. %s", u->name, at, t.failures, (long long)o.fail_interval,
		    (long long)o.deny, unlock, 
		    blocks ? "AuthenticationMethods asks for a password or "
		    "keyboard-interactive as well, which PAM's auth stack refuses while "
		    "locked: key login fails" : in_acct ? "Key login is not affected (sshd "
		    "runs no PAM auth for a key), and pam_faillock in the account stack "
		    "clears the tally when a key login succeeds" : "Key login is not "
		    "affected (sshd runs no PAM auth for a key); password logins are refused");
		if (blocks)
			set_blocking(fd);
		remedy_manual(fd ? &fd->remedy : NULL, "find out who failed to log in as %s "
		    "(someone guessing passwords?); if the failures were the owner's, as root: "
		    "faillock --user %s --reset", u->name, who);
		free(who);
		free(at);
	}
done:
	free(pat);
	free(tally);
	pam_faillock_free(&o);
}

/* The last verdict and the module results it came from: accounts alike
 * (most of them) share one walk, whatever the stack costs (up to 3^6 walks
 * with unknown modules). */
struct vcache {
	int *res;
	struct pam_verdict v;
	int valid;
};

static void
check_user(struct ka_ctx *ctx, const struct ka_user *u, const struct pam_stack *acct,
    const struct pam_stack *auth, struct vcache *vc)
{
	struct pamctx pc = { ctx, u, ctx->opts ? ctx->opts->from_addr : NULL };
	struct mod *mods = xcalloc(acct->n ? acct->n : 1, sizeof(*mods));
	int *res = xcalloc(acct->n ? acct->n : 1, sizeof(*res));
	struct pam_verdict v;

	for (size_t i = 0; i < acct->n; i++) {
		mods[i].rc = -1;
		model(&pc, &acct->v[i], &mods[i]);
		res[i] = mods[i].rc;
	}
	if (!vc->valid || memcmp(vc->res, res, acct->n * sizeof(*res)) != 0) {
		if (vc->valid)
			pam_verdict_free(&vc->v);
		free(vc->res);
		vc->res = xcalloc(acct->n ? acct->n : 1, sizeof(*res));
		memcpy(vc->res, res, acct->n * sizeof(*res));
		pam_stack_decide(acct, res, &vc->v);
		vc->valid = 1;
	}
	v = vc->v;
	if (v.known)
		report(&pc, acct, mods, &v.first, 1, -1);
	else if (v.worst.status != PAMRC_SUCCESS && v.worst.cause >= 0 &&
	    mods[v.worst.cause].rc >= 0)
		report(&pc, acct, mods, &v.worst, 0, v.depends_on);
	else if (v.depends_on >= 0)
		ctx_skip(ctx, &rule_pam_stack_unreadable, u->name, "the account stack's "
		    "verdict depends on %s at %s:%d, which keyaudit does not model",
		    acct->v[v.depends_on].module, acct->v[v.depends_on].file,
		    acct->v[v.depends_on].line);
	check_faillock(&pc, auth, acct);
	for (size_t i = 0; i < acct->n; i++) {
		free(mods[i].why);
		free(mods[i].rule_file);
	}
	free(mods);
	free(res);
}

static void
run(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	struct pam_stack acct, auth;
	struct vcache vc = { NULL, { 0 }, 0 };
	const struct snap_file *svc;
	int loaded = 0, reported = 0;

	/* Snapshots from before PAM was collected say nothing about it; a host
	 * without /etc/pam.d has no Linux-PAM (or only /etc/pam.conf, not
	 * modelled): its sshd cannot have UsePAM. */
	if (file_at(s, PAM_DIR "/sshd", &svc) < 0)
		return;
	if (file_at(s, PAM_DIR, &svc) != 1 || svc->type != SNAP_DIR) {
		for (size_t i = 0; i < ctx->nusers; i++)
			if (ctx->users[i].acct != NULL &&
			    sshd_eff_bool(ctx->users[i].eff, "usepam") == 1) {
				ctx_skip(ctx, &rule_pam_stack_unreadable, NULL, "%s does not "
				    "exist: PAM's stack is not known (/etc/pam.conf is not "
				    "modelled)", PAM_DIR);
				break;
			}
		return;
	}
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];

		if (u->acct == NULL || sshd_eff_bool(u->eff, "usepam") != 1)
			continue;
		if (ctx_late(ctx) && ctx_stopped(ctx, "pam", "accounts", i, ctx->nusers))
			break;
		if (!loaded) {
			pam_stack_load(&acct, PAM_T_ACCOUNT, PAM_DIR, "sshd", snap_read, (void *)s);
			pam_stack_load(&auth, PAM_T_AUTH, PAM_DIR, "sshd", snap_read, (void *)s);
			loaded = 1;
		}
		if (acct.missing != NULL) {
			struct ka_finding *f = NULL;

			if (!reported)
				f = ctx_finding(ctx, &rule_pam_stack_unreadable, NULL, PAM_DIR "/sshd",
				    0, NULL, "neither %s exists: libpam has no account stack "
				    "for sshd and refuses every login", acct.missing);
			set_blocking(f);
			reported = 1;
			continue;
		}
		if (acct.unreadable != NULL) {
			if (!reported)
				ctx_finding(ctx, &rule_pam_stack_unreadable, NULL, PAM_DIR "/sshd",
				    0, NULL, "sshd's PAM account stack could not be read (%s): "
				    "what PAM's account phase decides is unknown", acct.unreadable);
			reported = 1;
			continue;
		}
		check_user(ctx, u, &acct, &auth, &vc);
	}
	if (vc.valid)
		pam_verdict_free(&vc.v);
	free(vc.res);
	if (loaded) {
		pam_stack_free(&acct);
		pam_stack_free(&auth);
	}
}

const struct ka_check check_pam = { "pam", rules, KA_ARRLEN(rules), run };
