/* certca.c - the certificate authority configuration of a host, as scan
 * findings (docs/certificates.md, "The CA configuration"): the files sshd
 * reads as root to trust CAs (TrustedUserCAKeys) and to revoke keys
 * (RevokedKeys), the CA keys on cert-authority lines, and the accounts'
 * AuthorizedPrincipalsFile. A host that trusts no CA gets nothing.
 *
 * Family "cert", beside checks/cert.c (a certificate's own path through
 * sshd): the registry lists families by struct, and --checks and policies
 * select by id prefix, so one family may span two files. Only
 * cert.krl-invalid blocks a login (sshd refuses every key then); the rest
 * are the configuration's risks, never a diagnose cause. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks/check.h"
#include "checks/certca.h"
#include "scanner/parse/krl.h"
#include "scanner/parse/usagelog.h"

const struct ka_rule rule_cert_ca_file_missing = {
	.id = "cert.ca-file-missing", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "TrustedUserCAKeys is missing or unreadable",
	.help = "sshd looks a certificate's CA up in TrustedUserCAKeys as root; a file "
	    "that is not there or cannot be read trusts no CA, so every certificate "
	    "login through it fails (cert-authority lines and plain keys still "
	    "work). sshd also stops reading the file at the first line that is not "
	    "a public key: the CAs after it are not trusted. In diagnose a "
	    "certificate refused for this is cert.ca-untrusted.",
};

const struct ka_rule rule_cert_ca_file_writable = {
	.id = "cert.ca-file-writable", .severity = SEV_CRITICAL, .blocks_login = 0,
	.title = "TrustedUserCAKeys (or a directory above it) is writable by others than root",
	.help = "Whoever can write the TrustedUserCAKeys file, or replace it through a "
	    "directory above it, can add a CA of their own and log in as any "
	    "account with a certificate they sign. A root-owned sticky directory "
	    "(a 1777 /tmp) above a root-owned entry is not reported.",
};

const struct ka_rule rule_cert_principals_file_missing = {
	.id = "cert.principals-file-missing", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "AuthorizedPrincipalsFile is missing for an account that logs in with certificates",
	.help = "With AuthorizedPrincipalsFile set, sshd accepts a certificate from a "
	    "TrustedUserCAKeys CA only for a principal that file lists; without the "
	    "file the account accepts no such certificate (the user name no longer "
	    "counts). Reported for accounts named with --user and accounts whose "
	    "logs show certificate logins.",
};

const struct ka_rule rule_cert_ca_weak = {
	.id = "cert.ca-weak", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a trusted CA key is DSA or RSA under 2048 bits",
	.help = "A CA key signs logins for every account that trusts it: a key that "
	    "can be factored or forged (RSA under 2048 bits, DSA's 1024) is every "
	    "account's key. OpenSSH 9.2's CASignatureAlgorithms no longer accepts "
	    "DSA signatures at all, so a DSA CA's certificates are also refused.",
};

const struct ka_rule rule_cert_ca_trusted_twice = {
	.id = "cert.ca-trusted-twice", .severity = SEV_LOW, .blocks_login = 0,
	.title = "a CA is trusted both in TrustedUserCAKeys and on a cert-authority line",
	.help = "The cert-authority line adds nothing for this CA but a second place "
	    "to forget when the CA is retired, with its own principals rule (the "
	    "user name or principals=) beside the global one.",
};

const struct ka_rule rule_cert_ca_unrestricted = {
	.id = "cert.ca-unrestricted", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a cert-authority line without principals=",
	.help = "Without principals=, sshd accepts any certificate of the CA that "
	    "names the account's user name among its principals: whoever runs the "
	    "CA decides who logs in here, not the account. principals= says "
	    "which identities this account accepts.",
};

const struct ka_rule rule_cert_krl_invalid = {
	.id = "cert.krl-invalid", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "RevokedKeys is a KRL sshd cannot load",
	.help = "A RevokedKeys file that starts as a KRL but does not parse makes "
	    "sshd's revocation check fail for every key, and sshd treats that as "
	    "revoked: every public key and certificate login is refused "
	    "('Error checking authentication key ... in revoked keys file').",
	.chain = CHAIN_KEY + 3,
};

/* The fleet pass's (scanner/fleet.c), over each host's digest. */
const struct ka_rule rule_cert_trust_map = {
	.id = "cert.trust-map", .severity = SEV_INFO, .blocks_login = 0,
	.title = "which hosts trust which user CA",
	.help = "For each CA key trusted anywhere in the fleet (TrustedUserCAKeys or a "
	    "cert-authority line): the hosts that trust it and for whom. A CA is a "
	    "key to every account that trusts it; this is the map to check "
	    "against where it is meant to open doors.",
	.fleet = 1,
};

const struct ka_rule rule_cert_ca_retired = {
	.id = "cert.ca-retired", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "a CA revoked on one host is still trusted on another",
	.help = "One host's RevokedKeys revokes the CA key itself (a KRL's key, SHA1 "
	    "or SHA256 revocation, or a key list), so the CA was retired there; "
	    "another host still trusts it, and accepts every certificate it signs.",
	.fleet = 1,
};

const struct ka_rule rule_cert_krl_stale = {
	.id = "cert.krl-stale", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a host's KRL is older than another host's for the same CA",
	.help = "Two hosts trust a CA and another host's KRL revokes certificates "
	    "under it; this host's RevokedKeys is an older KRL (a lower KRL "
	    "version, or the same version generated earlier), or it has none, so "
	    "certificates revoked since still log in here.",
	.fleet = 1,
};

static const struct ka_rule *const rules[] = {
	&rule_cert_ca_file_missing,
	&rule_cert_ca_file_writable,
	&rule_cert_principals_file_missing,
	&rule_cert_ca_weak,
	&rule_cert_ca_trusted_twice,
	&rule_cert_ca_unrestricted,
	&rule_cert_krl_invalid,
	&rule_cert_trust_map,
	&rule_cert_ca_retired,
	&rule_cert_krl_stale,
};

/* Files and keys at most this many are examined on one host. */
#define CERTCA_MAX_FILES 64
#define CERTCA_MAX_CAS 4096
#define CERTCA_MAX_PRINCIPALS 1024

static int
is_none(const char *s)
{
	return s == NULL || *s == '\0' || strcasecmp(s, "none") == 0;
}

/* ---------------------------------------------------------- gathering */

/* The collected file at path: its lstat (the canonical one), or NULL with
 * state and why saying what the snapshot knows. reader: whose credentials
 * read it (NULL: root). */
static const struct snap_file *
file_state(const struct ka_ctx *ctx, const char *path, const char *reader,
    enum certca_state *state, char **why)
{
	const struct snap_file *f;
	char *canon = NULL;
	const char *w, *deny;

	*why = NULL;
	if (snap_realpath(ctx->snap, path, &canon, &w) != 0) {
		*state = strcmp(w, "missing") == 0 || strcmp(w, "notdir") == 0 ?
		    CA_FILE_MISSING : CA_FILE_UNKNOWN;
		if (*state == CA_FILE_MISSING)
			*why = xstrdup("no such file");
		return NULL;
	}
	f = snap_stat(ctx->snap, canon);
	free(canon);
	if (f == NULL) {
		*state = CA_FILE_UNKNOWN;
		return NULL;
	}
	if (f->type != SNAP_REG) {
		*state = CA_FILE_UNREADABLE;
		*why = xasprintf("not a regular file (%s)", snap_ftype_name(f->type));
		return f;
	}
	if (reader != NULL && (deny = snap_unreadable_for(f, reader)) != NULL) {
		*state = CA_FILE_UNREADABLE;
		*why = xstrdup(deny);
		return f;
	}
	if (!f->has_content) {
		*state = f->read_error != NULL ? CA_FILE_UNREADABLE : CA_FILE_UNKNOWN;
		if (f->read_error != NULL)
			*why = xstrdup(f->read_error);
		return f;
	}
	*state = CA_FILE_OK;
	return f;
}

/* Names a "alice, bob" list spells out; the rest are counted. */
#define CERTCA_NAMES 10

/* Append name to a "alice, bob" list of *n names (an --all-users host of
 * thousands of accounts costs CERTCA_NAMES names, not a string as long as
 * its passwd). */
static void
add_name(char **list, size_t *n, const char *name)
{
	char *s;

	if (*n < CERTCA_NAMES)
		s = *list == NULL ? xstrdup(name) : xasprintf("%s, %s", *list, name);
	else if (*n == CERTCA_NAMES)
		s = xasprintf("%s and others", *list);
	else {
		(*n)++;
		return;
	}
	free(*list);
	*list = s;
	(*n)++;
}

/* The TrustedUserCAKeys files, as sshd's sshkey_in_file reads them: blank
 * lines and comments skipped, a key per line, and the first line that is
 * not a key ends the file (an error to sshd: the CA is not trusted). */
static void
gather_files(struct ka_ctx *ctx, struct certca *t)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const char *v;
		struct certca_cafile *cf;
		const struct snap_file *f;
		char *path;
		size_t j;

		if (u->acct == NULL || u->eff == NULL ||
		    is_none(v = sshd_eff_str(u->eff, "trustedusercakeys")))
			continue;
		path = path_join("/", v);
		for (j = 0; j < t->nfiles && strcmp(t->files[j].path, path) != 0; j++)
			;
		if (j < t->nfiles) {
			add_name(&t->files[j].users, &t->files[j].nusers, u->name);
			free(path);
			continue;
		}
		if (t->nfiles >= CERTCA_MAX_FILES) {
			free(path);
			continue;
		}
		t->files = xreallocarray(t->files, t->nfiles + 1, sizeof(*t->files));
		cf = &t->files[t->nfiles++];
		memset(cf, 0, sizeof(*cf));
		cf->path = path;
		add_name(&cf->users, &cf->nusers, u->name);
		f = file_state(ctx, path, NULL, &cf->state, &cf->why);
		if (cf->state != CA_FILE_OK)
			continue;
		ak_parse(f->content, f->content_len, &cf->ak);
		for (size_t k = 0; k < cf->ak.n; k++) {
			const struct ak_line *l = &cf->ak.lines[k];

			/* a certificate reads (sshkey_read), and matches no CA */
			if (l->status == AK_BLANK || (l->is_cert && l->options_text == NULL))
				continue;
			/* sshkey_read: a key, with nothing before it */
			if (l->status != AK_KEY || l->options_text != NULL) {
				if (l->status == AK_BAD_KEY && l->error != NULL &&
				    strstr(l->error, "refuses RSA keys below") != NULL)
					continue;	/* SSH_ERR_KEY_LENGTH: skipped */
				cf->badline = l->lineno;
				break;
			}
		}
	}
}

static struct certca_ca *
add_ca(struct certca *t, const char *path, const struct ak_line *l)
{
	struct certca_ca *c;

	if (t->ncas >= CERTCA_MAX_CAS)
		return NULL;
	t->cas = xreallocarray(t->cas, t->ncas + 1, sizeof(*t->cas));
	c = &t->cas[t->ncas++];
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->line = l->lineno;
	c->l = l;
	c->sha1 = fingerprint_sha1(l->blob, l->bloblen);
	return c;
}

static void
gather_global_cas(struct ka_ctx *ctx, struct certca *t)
{
	size_t audited = 0;

	for (size_t i = 0; i < ctx->nusers; i++)
		if (ctx->users[i].acct != NULL && ctx->users[i].eff != NULL)
			audited++;
	for (size_t i = 0; i < t->nfiles; i++) {
		struct certca_cafile *cf = &t->files[i];

		for (size_t k = 0; cf->state == CA_FILE_OK && k < cf->ak.n; k++) {
			const struct ak_line *l = &cf->ak.lines[k];
			struct certca_ca *c;

			if (cf->badline > 0 && l->lineno >= cf->badline)
				break;
			if (l->status != AK_KEY || l->is_cert || l->fp == NULL ||
			    l->blob == NULL || (c = add_ca(t, cf->path, l)) == NULL)
				continue;
			c->global = 1;
			c->users = cf->users;
			c->all_users = cf->nusers == audited;
		}
	}
}

static void
ca_line(struct ka_ctx *ctx, const struct ka_user *u, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	struct certca *t = arg;
	struct certca_ca *c;

	(void)ctx;
	(void)st;
	if (l->status != AK_KEY || !l->opts.cert_authority || l->is_cert ||
	    l->fp == NULL || l->blob == NULL)
		return;
	/* path is the walk's: t keeps its own copy */
	if ((c = add_ca(t, NULL, l)) == NULL)
		return;
	c->user = u->name;
	c->u = u;
	c->principals = l->opts.principals;
	c->path = xstrdup(path);
}

/* The account's AuthorizedPrincipalsFile, when sshd would consult it: it
 * is only read for CAs in TrustedUserCAKeys. */
static void
gather_principals(struct ka_ctx *ctx, struct certca *t)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const char *v;
		struct certca_princ *p;
		const struct snap_file *f;
		char *path;

		if (u->acct == NULL || u->eff == NULL ||
		    is_none(sshd_eff_str(u->eff, "trustedusercakeys")) ||
		    is_none(v = sshd_eff_str(u->eff, "authorizedprincipalsfile")) ||
		    (path = expand_authorized_keys_path(v, u->acct)) == NULL)
			continue;
		t->princ = xreallocarray(t->princ, t->nprinc + 1, sizeof(*t->princ));
		p = &t->princ[t->nprinc++];
		memset(p, 0, sizeof(*p));
		p->user = u->name;
		p->path = path;
		f = file_state(ctx, path, u->name, &p->state, &p->why);
		if (p->state != CA_FILE_OK)
			continue;
		for (const char *s = f->content, *e = f->content + f->content_len;
		    s < e && p->names.n < CERTCA_MAX_PRINCIPALS;) {
			const char *nl = memchr(s, '\n', (size_t)(e - s)), *end = nl ? nl : e;
			const char *a = s, *w;

			while (a < end && (*a == ' ' || *a == '\t'))
				a++;
			while (end > a && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
				end--;
			/* the principal is the last word; options may precede it */
			if (a < end && *a != '#') {
				for (w = end; w > a && w[-1] != ' ' && w[-1] != '\t'; w--)
					;
				strlist_add_owned(&p->names, xstrndup(w, (size_t)(end - w)));
			}
			s = nl ? nl + 1 : e;
		}
	}
}

static void
gather_revoked(struct ka_ctx *ctx, struct certca *t)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct certca_revoked *r;
		const struct snap_file *f;
		const char *v;
		char *path, *why = NULL;
		size_t j, n = 0;

		if (u->acct == NULL || u->eff == NULL ||
		    is_none(v = sshd_eff_str(u->eff, "revokedkeys")))
			continue;
		path = path_join("/", v);
		for (j = 0; j < t->nrevoked && strcmp(t->revoked[j].path, path) != 0; j++)
			;
		if (j < t->nrevoked || t->nrevoked >= CERTCA_MAX_FILES) {
			if (j < t->nrevoked)
				add_name(&t->revoked[j].users, &n, u->name);
			free(path);
			continue;
		}
		t->revoked = xreallocarray(t->revoked, t->nrevoked + 1, sizeof(*t->revoked));
		r = &t->revoked[t->nrevoked++];
		memset(r, 0, sizeof(*r));
		r->path = path;
		add_name(&r->users, &n, u->name);
		f = file_state(ctx, path, NULL, &r->state, &why);
		free(why);
		if (r->state != CA_FILE_OK)
			continue;
		if (krl_is_krl((const unsigned char *)f->content, f->content_len)) {
			const char *err;

			r->is_krl = 1;
			if (ctx_krl(ctx, f, &err) == NULL)
				r->krl_error = xstrdup(err);
			(void)krl_summarize((const unsigned char *)f->content, f->content_len,
			    &r->sum);
		} else {
			struct ak_file ak;

			ak_parse(f->content, f->content_len, &ak);
			for (size_t k = 0; k < ak.n && r->list_fps.n < 2 * KRLSUM_MAX_FPS; k++) {
				const struct ak_line *l = &ak.lines[k];

				if (l->status != AK_KEY || l->blob == NULL)
					continue;
				strlist_add(&r->list_fps, l->fp);
				strlist_add_owned(&r->list_fps,
				    fingerprint_sha1(l->blob, l->bloblen));
			}
			ak_file_free(&ak);
		}
	}
}

void
certca_gather(struct ka_ctx *ctx, struct certca *t)
{
	memset(t, 0, sizeof(*t));
	gather_files(ctx, t);
	gather_global_cas(ctx, t);
	ctx_foreach_key(ctx, ca_line, t);
	gather_principals(ctx, t);
	gather_revoked(ctx, t);
}

void
certca_free(struct certca *t)
{
	for (size_t i = 0; i < t->ncas; i++) {
		free(t->cas[i].sha1);
		if (!t->cas[i].global)
			free((char *)t->cas[i].path);
	}
	free(t->cas);
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].path);
		free(t->files[i].users);
		free(t->files[i].why);
		ak_file_free(&t->files[i].ak);
	}
	free(t->files);
	for (size_t i = 0; i < t->nprinc; i++) {
		free(t->princ[i].path);
		free(t->princ[i].why);
		strlist_free(&t->princ[i].names);
	}
	free(t->princ);
	for (size_t i = 0; i < t->nrevoked; i++) {
		free(t->revoked[i].path);
		free(t->revoked[i].users);
		free(t->revoked[i].krl_error);
		krl_summary_free(&t->revoked[i].sum);
		strlist_free(&t->revoked[i].list_fps);
	}
	free(t->revoked);
	memset(t, 0, sizeof(*t));
}

char *
certca_scope(const struct certca_ca *c)
{
	if (!c->global)
		return xstrdup(c->user);
	return c->all_users ? xstrdup("all users") : xstrdup(c->users);
}

/* ------------------------------------------------------------ judging */

/* Does account u's configuration name path as TrustedUserCAKeys? */
static int
user_trusts_file(const struct ka_user *u, const char *path)
{
	const char *v = u->eff != NULL ? sshd_eff_str(u->eff, "trustedusercakeys") : NULL;
	char *p;
	int same;

	if (is_none(v))
		return 0;
	p = path_join("/", v);
	same = strcmp(p, path) == 0;
	free(p);
	return same;
}

/* "2026-12-07T14:25:01Z", or "never" for 0. */
static void
utc_time(uint64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || t > (uint64_t)INT64_MAX || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "%s", t == 0 ? "never" : "?");
}

static void
check_file_missing(struct ka_ctx *ctx, const struct certca_cafile *cf)
{
	struct ka_finding *f;

	switch (cf->state) {
	case CA_FILE_UNKNOWN:
		ctx_skip(ctx, &rule_cert_ca_file_missing, cf->path, "TrustedUserCAKeys "
		    "%s was not collected", cf->path);
		return;
	case CA_FILE_MISSING:
	case CA_FILE_UNREADABLE:
		f = ctx_finding(ctx, &rule_cert_ca_file_missing, NULL, cf->path, 0, NULL,
		    "TrustedUserCAKeys %s (for %s): %s; sshd trusts no CA through it, so "
		    "every certificate login that relies on it fails ('CA ... is not "
		    "listed in %s')", cf->path, cf->users, cf->why ? cf->why : "unreadable",
		    cf->path);
		if (f != NULL)
			remedy_manual(&f->remedy, "install the CA's public key in the file "
			    "(root-owned, mode 0644), or remove TrustedUserCAKeys if no CA "
			    "is meant to be trusted");
		return;
	case CA_FILE_OK:
		break;
	}
	if (cf->badline > 0) {
		f = ctx_finding(ctx, &rule_cert_ca_file_missing, NULL, cf->path,
		    cf->badline, NULL, "TrustedUserCAKeys %s (for %s): line %ld is not a "
		    "public key; sshd stops reading the file there, so no CA on a later "
		    "line is trusted", cf->path, cf->users, cf->badline);
		if (f != NULL)
			remedy_manual(&f->remedy, "correct or delete that line");
	}
}

/* Is dir a root-owned sticky directory whose entry child is root's? */
static int
sticky_ok(const struct ka_ctx *ctx, const struct snap_file *dir, const char *child)
{
	const struct snap_file *c = snap_stat(ctx->snap, child);

	return dir->type == SNAP_DIR && dir->uid == 0 && (dir->mode & 01000) != 0 &&
	    c != NULL && c->type != SNAP_NOENT && c->type != SNAP_UNKNOWN && c->uid == 0;
}

/* One component on the way to the file (child: the next one, NULL for
 * the file itself). A symlink cannot be changed, only replaced through its
 * directory, which is judged on its own. */
static void
judge(struct ka_ctx *ctx, const char *p, const char *child, struct strlist *seen,
    struct buf *why, struct strlist *fix_own, struct strlist *fix_mode)
{
	const struct snap_file *f = snap_stat(ctx->snap, p);
	char ob[32];

	if (f == NULL || strlist_has(seen, p) || f->type == SNAP_NOENT ||
	    f->type == SNAP_UNKNOWN || f->type == SNAP_LNK ||
	    (f->uid == 0 && (f->mode & 022) == 0))
		return;
	/* in a root-owned sticky directory only root and an entry's owner
	 * may replace the entry: a root-owned child is safe there */
	if (child != NULL && sticky_ok(ctx, f, child))
		return;
	strlist_add(seen, p);
	buf_printf(why, "%s%s is %s mode %04o owner %s", why->len ? "; " : "", p,
	    f->type == SNAP_DIR ? "a directory" : "a file", (unsigned)(f->mode & 07777),
	    snap_owner_name(ctx->snap, f->uid, ob, sizeof(ob)));
	if (f->uid != 0)
		strlist_add(fix_own, p);
	if ((f->mode & 022) != 0)
		strlist_add(fix_mode, p);
}

/* Every component of path from "/" down, itself last. */
static void
writable_walk(struct ka_ctx *ctx, const char *path, struct strlist *seen,
    struct buf *why, struct strlist *fix_own, struct strlist *fix_mode)
{
	size_t len = strlen(path), i = 1;
	char *prev = xstrdup("/");

	for (; i <= len; i++) {
		char *cur;

		if (path[i] != '/' && path[i] != '\0')
			continue;
		cur = xstrndup(path, i);
		judge(ctx, prev, cur, seen, why, fix_own, fix_mode);
		free(prev);
		prev = cur;
	}
	if (strcmp(prev, "/") != 0)
		judge(ctx, prev, NULL, seen, why, fix_own, fix_mode);
	free(prev);
}

static void
check_file_writable(struct ka_ctx *ctx, const struct certca_cafile *cf)
{
	struct strlist seen = { 0 }, own = { 0 }, mode = { 0 };
	struct ka_finding *f;
	char *canon = NULL;
	const char *w;
	struct buf why;

	if (cf->state == CA_FILE_MISSING || cf->state == CA_FILE_UNKNOWN)
		return;
	buf_init(&why);
	writable_walk(ctx, cf->path, &seen, &why, &own, &mode);
	if (snap_realpath(ctx->snap, cf->path, &canon, &w) == 0 &&
	    strcmp(canon, cf->path) != 0)
		writable_walk(ctx, canon, &seen, &why, &own, &mode);
	free(canon);
	if (why.len > 0) {
		f = ctx_finding(ctx, &rule_cert_ca_file_writable, NULL, cf->path, 0, NULL,
		    "TrustedUserCAKeys %s (for %s): %s: whoever can write there can add a "
		    "CA and log in as any of these accounts with a certificate of their "
		    "own", cf->path, cf->users, why.data);
		for (size_t i = 0; i < own.n; i++)
			ctx_fix_path(ctx, f, NULL, NULL, "chown", "root", own.v[i]);
		for (size_t i = 0; i < mode.n; i++)
			ctx_fix_path(ctx, f, NULL, NULL, "chmod", "go-w", mode.v[i]);
	}
	buf_free(&why);
	strlist_free(&seen);
	strlist_free(&own);
	strlist_free(&mode);
}

/* Has the account logged in with a certificate, by its logs? */
static int
logs_cert_login(struct ka_ctx *ctx, const char *user)
{
	const struct usagelog *u = ctx_usage(ctx);
	size_t n = u != NULL ? usagelog_count(u) : 0;

	for (size_t i = 0; i < n; i++) {
		const struct key_use *k = usagelog_at(u, i);

		if (k->cert && strcmp(k->user, user) == 0)
			return 1;
	}
	return 0;
}

static void
check_principals(struct ka_ctx *ctx, const struct certca_princ *p)
{
	struct ka_finding *f;

	if (p->state == CA_FILE_OK)
		return;
	if (!ctx->snap->users_named && !logs_cert_login(ctx, p->user))
		return;
	if (p->state == CA_FILE_UNKNOWN) {
		ctx_skip(ctx, &rule_cert_principals_file_missing, p->user,
		    "AuthorizedPrincipalsFile %s was not collected", p->path);
		return;
	}
	f = ctx_finding(ctx, &rule_cert_principals_file_missing, p->user, p->path, 0,
	    NULL, "AuthorizedPrincipalsFile %s of %s: %s; sshd accepts no certificate "
	    "of a TrustedUserCAKeys CA for %s ('Certificate does not contain an "
	    "authorized principal')", p->path, p->user, p->why ? p->why : "unreadable",
	    p->user);
	if (f != NULL)
		remedy_manual(&f->remedy, "list the principals %s accepts in %s, one a "
		    "line, in a file %s can read (owned by %s or root, not writable by "
		    "others)", p->user, p->path, p->user, p->user);
}

static void
check_ca(struct ka_ctx *ctx, const struct certca *t, const struct certca_ca *c)
{
	const struct ak_line *l = c->l;
	const char *type = l->blob_type ? l->blob_type : "?";
	int dsa = strcmp(type, "ssh-dss") == 0;
	int rsa_short = strcmp(type, "ssh-rsa") == 0 && l->bits > 0 && l->bits < 2048;
	struct ka_finding *f;
	char *scope = certca_scope(c);

	if (dsa || rsa_short) {
		f = ctx_finding(ctx, &rule_cert_ca_weak, c->global ? NULL : c->user,
		    c->path, c->line, NULL, "%s CA %s %s (%d bits) trusted for %s: %s",
		    c->global ? "TrustedUserCAKeys" : "cert-authority", type, l->fp,
		    l->bits, scope, dsa ? "DSA is 1024 bits, and OpenSSH 9.2's default "
		    "CASignatureAlgorithms refuses its signatures" :
		    "an RSA key this short can be factored, and its certificates forged");
		if (f != NULL) {
			f->key_fp = xstrdup(l->fp);
			remedy_manual(&f->remedy, "make a new CA (ssh-keygen -t ed25519 -f "
			    "CA), re-issue the certificates with it, and replace this key");
		}
	}
	if (!c->global) {
		if (c->principals == NULL) {
			f = ctx_finding(ctx, &rule_cert_ca_unrestricted, c->user, c->path,
			    c->line, NULL, "cert-authority line for CA %s %s has no "
			    "principals=: any certificate of this CA naming %s as a "
			    "principal logs in as %s", type, l->fp, c->user, c->user);
			if (f != NULL) {
				f->key_fp = xstrdup(l->fp);
				remedy_manual(&f->remedy, "add principals=\"NAME,...\" to the "
				    "line: the certificate identities %s accepts", c->user);
			}
		}
		for (size_t i = 0; i < t->ncas; i++) {
			const struct certca_ca *g = &t->cas[i];

			if (!g->global || strcmp(g->l->fp, l->fp) != 0 ||
			    !user_trusts_file(c->u, g->path))
				continue;
			f = ctx_finding(ctx, &rule_cert_ca_trusted_twice, c->user, c->path,
			    c->line, NULL, "CA %s %s is trusted for %s both by TrustedUserCAKeys "
			    "%s:%ld and by this cert-authority line", type, l->fp, c->user,
			    g->path, g->line);
			if (f != NULL) {
				f->key_fp = xstrdup(l->fp);
				remedy_manual(&f->remedy, "keep one: delete the cert-authority "
				    "line, or take the CA out of TrustedUserCAKeys");
			}
			break;
		}
	}
	free(scope);
}

static void
check_krl(struct ka_ctx *ctx, const struct certca_revoked *r)
{
	struct ka_finding *f;
	const struct krl_summary *s = &r->sum;
	struct buf hdr;

	if (r->state != CA_FILE_OK || !r->is_krl || r->krl_error == NULL)
		return;
	buf_init(&hdr);
	if (s->header_ok) {
		char when[40];

		utc_time(s->generated, when, sizeof(when));
		buf_printf(&hdr, " (its header: format %u, KRL version %llu, generated "
		    "%s, comment \"%s\")", (unsigned)s->format,
		    (unsigned long long)s->version, when, s->comment ? s->comment : "");
	}
	f = ctx_finding(ctx, &rule_cert_krl_invalid, NULL, r->path, 0, NULL,
	    "RevokedKeys %s (for %s) is a KRL sshd cannot load: %s%s; sshd's "
	    "revocation check then fails for every key and it refuses every "
	    "public key and certificate login", r->path, r->users, r->krl_error,
	    hdr.len ? hdr.data : "");
	if (f != NULL)
		remedy_manual(&f->remedy, "regenerate the KRL (ssh-keygen -k -f %s ...) "
		    "and check it with ssh-keygen -Q -l -f %s", r->path, r->path);
	buf_free(&hdr);
}

static void
run(struct ka_ctx *ctx)
{
	struct certca t;

	certca_gather(ctx, &t);
	for (size_t i = 0; i < t.nfiles; i++) {
		check_file_missing(ctx, &t.files[i]);
		check_file_writable(ctx, &t.files[i]);
	}
	for (size_t i = 0; i < t.nprinc; i++)
		check_principals(ctx, &t.princ[i]);
	for (size_t i = 0; i < t.ncas; i++)
		check_ca(ctx, &t, &t.cas[i]);
	for (size_t i = 0; i < t.nrevoked; i++)
		check_krl(ctx, &t.revoked[i]);
	certca_free(&t);
}

const struct ka_check check_certca = { "cert", rules, KA_ARRLEN(rules), run };
