/*
 * akeys.c - the content of each audited user's authorized_keys files, judged
 * line by line the way sshd reads them (scanner/parse/authkeys.c): lines sshd skips
 * and why (it says so only at debug level), keys it accepts but then refuses
 * (expiry-time, principals= without cert-authority, from=), keys that are
 * weak in themselves, and things that do not belong in the file at all.
 * File modes and ownership are the perm family's; what the sshd
 * configuration allows (algorithms, RequiredRSASize, RevokedKeys) is the
 * sshd family's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks/check.h"
#include "scanner/clientfacts.h"

const struct ka_rule rule_akeys_missing = {
	.id = "akeys.missing", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the user has no authorized_keys file",
	.help = "None of the files AuthorizedKeysFile names for this user exists and no "
	    "AuthorizedKeysCommand is configured, so sshd has no key to accept. sshd "
	    "skips a missing file without logging anything above debug level.",
	.chain = CHAIN_FILES + 2,
};

const struct ka_rule rule_akeys_no_usable_key = {
	.id = "akeys.no-usable-key", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "authorized_keys holds no key sshd can use",
	.help = "The user's key files exist, but not one line in them is a key sshd "
	    "would accept: every line is blank, a comment, damaged, refused for its "
	    "options, expired, or the file cannot be read as a file at all.",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_bad_options = {
	.id = "akeys.bad-options", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "an authorized_keys line has options sshd rejects",
	.help = "An unknown option, a malformed value (expiry-time, environment, "
	    "permitopen, ...), a repeated command=/from=/principals= or an unclosed "
	    "quote makes sshd ignore the whole line. sshd logs the reason only at "
	    "debug level, so the key just looks refused.",
	.chain = CHAIN_LINES,
};

const struct ka_rule rule_akeys_bad_key = {
	.id = "akeys.bad-key", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "an authorized_keys line holds no key sshd can read",
	.help = "The key type is unknown, the base64 data is damaged (often by a line "
	    "break or a lost character when pasting), the data does not match the "
	    "type word, an RSA key is below the 1024 bits sshd reads at all, or the "
	    "line is a certificate or an RFC 4716 block. sshd skips such lines "
	    "silently.",
	.chain = CHAIN_LINES + 2,
};

const struct ka_rule rule_akeys_expired = {
	.id = "akeys.expired", .severity = SEV_MEDIUM, .blocks_login = 1,
	.title = "an authorized_keys entry has expired (expiry-time)",
	.help = "The expiry-time option is in the past (compared with the time the host "
	    "was scanned): sshd finds the key and refuses it ('entry expired').",
	.chain = CHAIN_LINES + 6,
};

const struct ka_rule rule_akeys_principals_without_ca = {
	.id = "akeys.principals-without-ca", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "principals= on a key that is not a cert-authority",
	.help = "principals= only makes sense with cert-authority. On a plain key sshd "
	    "refuses the login ('principals on non-CA key').",
	.chain = CHAIN_LINES + 7,
};

const struct ka_rule rule_akeys_from_mismatch = {
	.id = "akeys.from-mismatch", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "from= does not admit the client address",
	.help = "The key's from= pattern list does not match the address given with "
	    "--from (or a !pattern excludes it): sshd refuses the key with 'correct "
	    "key but not from a permitted host'.",
	.chain = CHAIN_LINES + 8,
};

const struct ka_rule rule_akeys_dsa = {
	.id = "akeys.dsa", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "DSA (ssh-dss) key",
	.help = "DSA keys are 1024-bit and use SHA-1. OpenSSH disables them by default "
	    "since 7.0 and removed DSA support entirely in 10.0: replace the key.",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_rsa_weak = {
	.id = "akeys.rsa-weak", .severity = SEV_HIGH, .blocks_login = 0,
	.title = "RSA key below 2048 bits",
	.help = "RSA keys under 2048 bits are below every current recommendation; "
	    "OpenSSH 9.1+ lets servers require more (RequiredRSASize).",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_rsa_short = {
	.id = "akeys.rsa-short", .severity = SEV_LOW, .blocks_login = 0,
	.title = "RSA key of 2048 to 3071 bits",
	.help = "Acceptable today, but below the 3072 bits recommended for use beyond "
	    "2030 (NIST SP 800-57). Ed25519 keys are shorter and stronger.",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_duplicate = {
	.id = "akeys.duplicate", .severity = SEV_LOW, .blocks_login = 0,
	.title = "the same key appears twice for one user",
	.help = "sshd stops at the first line that accepts a key, so the options of a "
	    "later copy never apply; the copies drift apart when one is edited.",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_private_key = {
	.id = "akeys.private-key", .severity = SEV_CRITICAL, .blocks_login = 0,
	.title = "a private key is pasted into authorized_keys",
	.help = "authorized_keys is meant for public keys. A private key in it is "
	    "readable by whoever can read the file and its backups: remove it and "
	    "treat the key as compromised.",
	.chain = CHAIN_LINES + 4,
};

const struct ka_rule rule_akeys_control_chars = {
	.id = "akeys.control-chars", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "control characters in an authorized_keys line",
	.help = "Terminal escape sequences or other control characters in a comment or "
	    "in options can hide or rewrite what cat, less or ssh-keygen -l show an "
	    "administrator reviewing the file.",
	.chain = CHAIN_LINES + 9,
};

const struct ka_rule rule_akeys_key_not_listed = {
	.id = "akeys.key-not-listed", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "the key is in none of the user's authorized_keys files",
	.help = "diagnose: the key being logged in with appears on no line of any file "
	    "AuthorizedKeysFile names for the user (after Match), so sshd has "
	    "nothing to compare it with and refuses it. A damaged copy of it (a "
	    "lost character or a line break from pasting) counts as absent.",
	.chain = CHAIN_LINES + 5,
};

const struct ka_rule rule_akeys_truncated = {
	.id = "akeys.truncated", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "authorized_keys was only partly examined",
	.help = "The file is larger than keyaudit reads, or has more lines than it "
	    "parses: sshd reads all of it, so keys after that point were not "
	    "checked.",
	.chain = CHAIN_LINES + 3,
};

const struct ka_rule rule_akeys_cert_authority_key = {
	.id = "akeys.cert-authority-key", .severity = SEV_HIGH, .blocks_login = 1,
	.title = "a plain key listed only on a cert-authority line",
	.help = "cert-authority makes the line's key a CA: sshd then accepts only "
	    "certificates signed by it, never the key itself (auth_check_authkey_line "
	    "skips a CA line for a plain key). A user's own key put there by mistake "
	    "does not log in.",
	.chain = CHAIN_LINES + 5,
};

static const struct ka_rule *const rules[] = {
	&rule_akeys_missing,
	&rule_akeys_no_usable_key,
	&rule_akeys_bad_options,
	&rule_akeys_bad_key,
	&rule_akeys_expired,
	&rule_akeys_principals_without_ca,
	&rule_akeys_from_mismatch,
	&rule_akeys_dsa,
	&rule_akeys_rsa_weak,
	&rule_akeys_rsa_short,
	&rule_akeys_duplicate,
	&rule_akeys_private_key,
	&rule_akeys_control_chars,
	&rule_akeys_key_not_listed,
	&rule_akeys_truncated,
	&rule_akeys_cert_authority_key,
};

/* A key already listed for the user, and where. */
struct keyseen {
	char *id;			/* "fp ca-flag" */
	char *where;			/* "path:line" */
};

/* Everything one user's files have shown so far. */
struct uscan {
	struct ka_ctx *ctx;
	const struct ka_user *u;
	struct strlist canon_seen;	/* each canonical file once */
	struct keyseen *seen;		/* open-addressing set of keys so far */
	size_t nseen, capseen;
	int exists;			/* some file is present in any form */
	int unknown;			/* some file could not be judged */
	int usable;			/* a line sshd would accept */
	int subject_found;		/* diagnose: a line holds the key */
	int subject_ok;			/* ... and sshd would accept it there */
	long subject_ca_line;		/* ... as a CA (cert-authority) */
	char *subject_ca_path;
	long bad_key_line;		/* first damaged key line, for the hint */
	char *bad_key_path;
	/* where each line of lines_of begins (wrapped_key reads lines by
	 * number: from the start each time would be quadratic in a file of
	 * 100,000 damaged lines) */
	const struct snap_file *lines_of;
	const char *lines_text;		/* lines_of's content when indexed */
	size_t *line_at, nline_at;
};

static int
is_subject(const struct uscan *us, const struct ak_line *l)
{
	const struct ak_line *k = us->ctx->opts ? us->ctx->opts->subject : NULL;

	/* a certificate never matches a plain line (cert.c follows it) */
	if (us->ctx->opts != NULL && us->ctx->opts->subject_cert != NULL)
		return 0;
	return k != NULL && k->fp != NULL && l->fp != NULL && strcmp(k->fp, l->fp) == 0;
}

static void
set_fp(struct ka_finding *f, const char *fp)
{
	if (f != NULL && fp != NULL)
		f->key_fp = xstrdup(fp);
}

/* "2021-01-01 00:00:00 UTC" */
static void
fmt_time(int64_t t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(b, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(b, n, "@%lld", (long long)t);
}

static int
expiry_is_utc(const char *text)
{
	size_t l = text ? strlen(text) : 0;

	return (l > 1 && strcasecmp(text + l - 1, "z") == 0) ||
	    (l > 3 && strcasecmp(text + l - 3, "utc") == 0);
}

/* Does a from= list name hosts (not only addresses and address globs)? */
static int
from_has_names(const char *from)
{
	for (const char *p = from; *p; p++)
		if ((*p >= 'g' && *p <= 'z') || (*p >= 'G' && *p <= 'Z'))
			return 1;
	return 0;
}

/* Where the client reaches this host, as typed: the target's host (an
 * alias stays an alias: ssh-copy-id reads ssh_config too) and its port
 * (0: none given). diagnose: the host and port it connected to. A local
 * scan or a snapshot has only the host's own name. */
static char *
reach(const struct ka_ctx *ctx, int *port)
{
	const struct diag_facts *d = ctx->opts ? ctx->opts->diag : NULL;
	const char *t = ctx->snap->target, *at, *end;

	*port = 0;
	if (d != NULL && d->ch != NULL && d->ch->hostname != NULL) {
		*port = d->ch->port;
		return xstrdup(d->ch->hostname);
	}
	/* only a host reached over ssh was named the way clients reach it */
	if (t == NULL || ctx->snap->transport == NULL || strcmp(ctx->snap->transport, "ssh") != 0)
		return xstrdup(ctx->snap->hostname ? ctx->snap->hostname :
		    t != NULL ? t : "localhost");
	if ((at = strrchr(t, '@')) != NULL)
		t = at + 1;
	if (t[0] == '[' && (end = strchr(t, ']')) != NULL) {
		if (end[1] == ':')
			*port = atoi(end + 2);
		return xstrndup(t + 1, (size_t)(end - t - 1));
	}
	if ((end = strchr(t, ':')) != NULL && strchr(end + 1, ':') == NULL) {
		*port = atoi(end + 1);
		return xstrndup(t, (size_t)(end - t));
	}
	return xstrdup(t);
}

/* The key file diagnose was asked about, when it came from a file. */
static const char *
subject_key_file(const struct ka_ctx *ctx)
{
	const struct diag_facts *d = ctx->opts ? ctx->opts->diag : NULL;
	const struct ak_line *k = ctx->opts ? ctx->opts->subject : NULL;

	if (d == NULL || d->ids == NULL || k == NULL || k->fp == NULL)
		return NULL;
	for (size_t i = 0; i < d->ids->n; i++)
		if (d->ids->v[i].path != NULL && d->ids->v[i].fp != NULL &&
		    strcmp(d->ids->v[i].fp, k->fp) == 0)
			return d->ids->v[i].path;
	return NULL;
}

/* Install a key from the client: ssh-copy-id to the account on this host
 * as the client reaches it (the port too), with the key file when it is
 * known, every word quoted; prose when a name could read as an option. */
static void
copy_id_fix(struct ka_ctx *ctx, struct ka_finding *f, const char *user,
    const char *pub)
{
	const char *key = subject_key_file(ctx);
	char *host, *dest, pbuf[16];
	int port;

	if (f == NULL)
		return;
	if (key == NULL || !remedy_word_ok(key))
		key = pub;
	host = reach(ctx, &port);
	dest = xasprintf("%s@%s", user, host);
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	if (!remedy_word_ok(user) || !remedy_word_ok(host) || strchr(host, '@') != NULL)
		remedy_manual(&f->remedy, "install the key for %s from the client "
		    "(the account or host name is unusual: check it before typing it)",
		    user);
	else if (port > 0 && port != 22)
		remedy_run(&f->remedy, ACT_CLIENT, 1, "ssh-copy-id", "-i", key, "-p", pbuf,
		    dest, NULL);
	else
		remedy_run(&f->remedy, ACT_CLIENT, 1, "ssh-copy-id", "-i", key, dest, NULL);
	free(dest);
	free(host);
}

/* A finding about one line, with the line's key attached when it has one. */
static struct ka_finding *
line_finding(struct uscan *us, const struct ka_rule *id, const char *path,
    const struct ak_line *l, const char *fix, const char *msg)
{
	struct ka_finding *f;

	f = ctx_finding(us->ctx, id, us->u->name, path, l->lineno, fix,
	    "line %ld: %s", l->lineno, msg);
	set_fp(f, l->fp);
	return f;
}

/* Lines sharing one multi-line explanation (a pasted block) are reported
 * once, at the first of them. */
static int
continues_block(const struct ak_file *af, size_t i)
{
	const struct ak_line *a, *b;

	if (i == 0)
		return 0;
	a = &af->lines[i - 1];
	b = &af->lines[i];
	return a->status == b->status && a->error != NULL && b->error != NULL &&
	    a->lineno + 1 == b->lineno && strcmp(a->error, b->error) == 0 &&
	    strstr(a->error, " at lines ") != NULL;
}

static long
block_last(const struct ak_file *af, size_t i)
{
	while (i + 1 < af->n && continues_block(af, i + 1))
		i++;
	return af->lines[i].lineno;
}

/* Line n (1-based) of f as ctx_file_line gives it: NULL past the end, for
 * a truncated file or a line holding a NUL. */
static char *
line_of(struct uscan *us, const struct snap_file *f, long n)
{
	const char *p, *end, *nl;

	if (!f->has_content || f->content == NULL || f->truncated || n < 1)
		return NULL;
	if (us->lines_of != f || us->lines_text != f->content) {
		size_t cap = 0;

		us->nline_at = 0;
		for (p = f->content, end = p + f->content_len; p < end; p = nl + 1) {
			if (us->nline_at == cap) {
				cap = cap ? cap * 2 : 64;
				us->line_at = xreallocarray(us->line_at, cap,
				    sizeof(*us->line_at));
			}
			us->line_at[us->nline_at++] = (size_t)(p - f->content);
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				break;
		}
		us->lines_of = f;
		us->lines_text = f->content;
	}
	if ((size_t)n > us->nline_at)
		return NULL;
	p = f->content + us->line_at[n - 1];
	end = f->content + f->content_len;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
		return NULL;
	return xstrndup(p, (size_t)(nl - p));
}

/* Lines first.. (n of them) of the file sshd reads at path, joined by
 * '\n', as the file holds them; NULL when they were not collected whole. */
static char *
raw_lines(struct uscan *us, const char *canon, long first, long n)
{
	const struct snap_file *f = snap_file_get(us->ctx->snap, canon);
	struct buf b;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	buf_puts(&b, "");
	for (long k = 0; k < n; k++) {
		char *t = line_of(us, f, first + k);

		if (t == NULL) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, "%s%s", k ? "\n" : "", t);
		free(t);
	}
	return buf_steal(&b);
}

/* An edit of the account's own key file: lines first.. (n) become repl
 * (NULL: deleted), done as the account when the file is the account's,
 * inside its home, reached without a symlink (the fix script then applies
 * it); 0 when the lines could not be named (not collected). */
static int
user_edit(struct uscan *us, struct ka_finding *f, const char *path, long first,
    long n, const char *repl)
{
	const struct snap_account *a = us->u->acct;
	const struct snap_file *st;
	struct ka_action *act;
	char *canon = NULL, *old;
	const char *why;

	if (f == NULL || snap_realpath(us->ctx->snap, path, &canon, &why) != 0)
		return 0;
	if ((old = raw_lines(us, canon, first, n)) == NULL) {
		free(canon);
		return 0;
	}
	act = remedy_edit(&f->remedy, 1, canon, first, old, repl, NULL, NULL);
	st = snap_stat(us->ctx->snap, canon);
	if (a != NULL && st != NULL && st->type == SNAP_REG && st->uid == a->uid &&
	    a->uid != 0 && ctx_fix_target(us->ctx, a, path, canon, &why) == FIX_IN_HOME)
		action_target(act, canon, 'f', st->uid);
	free(old);
	free(canon);
	return 1;
}

/* A key wrapped over lines i.. (a terminal or an editor broke it): each
 * part alone is no key, the parts joined are one. Returns how many lines
 * it spans (2 to 4), the joined line in *joined; 0 when it is not that. */
static long
wrapped_key(struct uscan *us, const struct snap_file *f, const struct ak_file *af,
    size_t i, char **joined, struct ak_line *key)
{
	const struct ak_line *l = &af->lines[i];

	*joined = NULL;
	if (l->status != AK_BAD_KEY || l->is_cert)
		return 0;
	for (size_t k = 1; k <= 3 && i + k < af->n; k++) {
		const struct ak_line *m = &af->lines[i + k];

		if (m->status != AK_BAD_KEY || m->lineno != l->lineno + (long)k)
			return 0;
		/* a part that is a key type word of its own starts another
		 * line, not this one's end */
		for (int sep = 0; sep < 2; sep++) {
			struct buf b;

			buf_init(&b);
			buf_puts(&b, "");
			for (size_t j = 0; j <= k; j++) {
				char *t = line_of(us, f, af->lines[i + j].lineno);
				size_t len;

				if (t == NULL) {
					buf_free(&b);
					return 0;
				}
				len = strlen(t);
				while (len > 0 && (t[len - 1] == '\r' || t[len - 1] == ' ' ||
				    t[len - 1] == '\t'))
					len--;
				if (j > 0 && sep)
					buf_putc(&b, ' ');
				buf_append(&b, j > 0 ? t + strspn(t, " \t") : t,
				    j > 0 ? len - strspn(t, " \t") : len);
				free(t);
			}
			memset(key, 0, sizeof(*key));
			ak_parse_line(b.data, b.len, l->lineno, key);
			if (key->status == AK_KEY) {
				*joined = buf_steal(&b);
				return (long)k + 1;
			}
			ak_line_free(key);
			buf_free(&b);
		}
	}
	return 0;
}

static void
bad_line(struct uscan *us, const char *path, const struct ak_file *af, size_t i)
{
	const struct ak_line *l = &af->lines[i];
	long last = block_last(af, i);
	struct ka_finding *f;
	char *fix, *msg, *range = xasprintf("%ld,%ldd", l->lineno, last);

	if (l->status == AK_PRIVATE) {
		f = line_finding(us, &rule_akeys_private_key, path, l, NULL, l->error);
		remedy_run(f ? &f->remedy : NULL, ACT_SERVER, 1, "sed", "-i", range, path,
		    NULL);
		remedy_manual(f ? &f->remedy : NULL, "replace that key pair: it is exposed");
		free(range);
		return;
	}
	free(range);
	range = last != l->lineno ? xasprintf("%ld,%ldd", l->lineno, last) :
	    xasprintf("%ldd", l->lineno);
	if (l->status == AK_BAD_OPTIONS) {
		fix = xasprintf("correct the options before the key type on line %ld "
		    "of %s (see AUTHORIZED_KEYS FILE FORMAT in sshd(8))", l->lineno, path);
		/* Only an unclosed quote gets a log line above debug level. */
		msg = xasprintf("%s: sshd ignores the whole line %s", l->error,
		    l->keytype == NULL ? "(its log says only \"invalid key option "
		    "string\")" : "(it logs why only at debug level)");
		line_finding(us, &rule_akeys_bad_options, path, l, fix, msg);
		free(msg);
		free(fix);
		free(range);
		return;
	}
	msg = l->is_cert ? xstrdup(l->error) :
	    xasprintf("%s; sshd skips the line silently", l->error);
	f = line_finding(us, &rule_akeys_bad_key, path, l, NULL, msg);
	if (!user_edit(us, f, path, l->lineno, last - l->lineno + 1, NULL))
		remedy_run(f ? &f->remedy : NULL, ACT_SERVER, 1, "sed", "-i", range, path,
		    NULL);
	if (l->is_cert)
		remedy_manual(f ? &f->remedy : NULL, "add the CA's public key as: "
		    "cert-authority <CA key>");
	else if (last != l->lineno)
		remedy_manual(f ? &f->remedy : NULL, "add the key in one-line form "
		    "(ssh-keygen -i -f KEY.pub prints it)");
	else
		remedy_manual(f ? &f->remedy : NULL, "add the key again, e.g. with "
		    "ssh-copy-id");
	free(msg);
	free(range);
}

/* A plain key on a cert-authority line logs in only as a CA. The finding
 * for a key the user holds: diagnose's key, or (scan) a key of the client
 * keyaudit runs as; the line's fix drops cert-authority only as a
 * decision (the line may be a real CA). */
static void
ca_key_finding(struct uscan *us, const char *path, const struct ak_line *l,
    const char *whose)
{
	struct ka_finding *f;

	f = ctx_finding(us->ctx, &rule_akeys_cert_authority_key, us->u->name, path,
	    l->lineno, NULL, "line %ld: %s %s is listed only with cert-authority: "
	    "sshd takes it as a CA and accepts only certificates it signed, never "
	    "the key itself", l->lineno, whose, l->fp);
	set_fp(f, l->fp);
	if (f != NULL)
		remedy_manual(&f->remedy, "if line %ld of %s is %s's own key and not "
		    "a CA: remove cert-authority (and principals=) from it, or add "
		    "the key again on a line of its own", l->lineno, path, us->u->name);
}

static void
client_key_as_ca(struct uscan *us, const char *path, const struct ak_line *l)
{
	const struct snapshot *s = us->ctx->snap;

	for (size_t i = 0; i < s->nclientkeys; i++)
		if (s->clientkeys[i].pub_fp != NULL &&
		    strcmp(s->clientkeys[i].pub_fp, l->fp) == 0) {
			char *w = xasprintf("the client's key %s,", s->clientkeys[i].path);

			ca_key_finding(us, path, l, w);
			free(w);
			return;
		}
}

/* Checks on a line sshd reads as a key; returns 1 when sshd would accept it. */
static int
key_line(struct uscan *us, const char *path, const struct ak_line *l)
{
	struct ka_ctx *ctx = us->ctx;
	const struct ak_options *o = &l->opts;
	const char *canon;
	int usable = 1, from_ok = 1;
	char *fix, *msg;

	if (o->expiry != 0 && o->expiry < ctx->snap->collected_at) {
		char when[64], now[64];

		fmt_time(o->expiry, when, sizeof(when));
		fmt_time(ctx->snap->collected_at, now, sizeof(now));
		msg = xasprintf("expiry-time=\"%s\" passed at %s (scanned %s)%s: sshd "
		    "finds the key and refuses it", o->expiry_text, when, now,
		    expiry_is_utc(o->expiry_text) ? "" : "; without a Z suffix sshd "
		    "reads the time in its own time zone, keyaudit assumed UTC");
		fix = xasprintf("set a later expiry-time on line %ld of %s, or remove "
		    "the line", l->lineno, path);
		line_finding(us, &rule_akeys_expired, path, l, fix, msg);
		free(msg);
		free(fix);
		usable = 0;
	}
	if (o->principals != NULL && !o->cert_authority) {
		fix = xasprintf("on line %ld of %s add cert-authority (if this is a CA "
		    "key) or remove principals=", l->lineno, path);
		line_finding(us, &rule_akeys_principals_without_ca, path, l, fix,
		    "principals= on a key without cert-authority: sshd refuses the "
		    "key (\"principals on non-CA key\")");
		free(fix);
		usable = 0;
	}
	if (o->from != NULL && ctx->opts != NULL && ctx->opts->from_addr != NULL) {
		const char *addr = ctx->opts->from_addr;
		char *from = str_printable(o->from, strlen(o->from));

		if (sshd_eff_bool(us->u->eff, "usedns") == 1 && from_has_names(o->from) &&
		    !ak_from_matches(o->from, addr, NULL)) {
			ctx_skip(ctx, &rule_akeys_from_mismatch, path, "line %ld: from=\"%s\" "
			    "names hosts and UseDNS is on: the client's host name is "
			    "not known", l->lineno, from);
		} else if (!ak_from_matches(o->from, addr, NULL)) {
			from_ok = 0;
			msg = xasprintf("from=\"%s\" does not admit %s: sshd refuses the "
			    "key (\"Authentication tried for %s with correct key but not "
			    "from a permitted host\")", from, addr, us->u->name);
			fix = xasprintf("add %s to from= on line %ld of %s, or connect "
			    "from an address it lists", addr, l->lineno, path);
			line_finding(us, &rule_akeys_from_mismatch, path, l, fix, msg);
			free(msg);
			free(fix);
		}
		free(from);
	}

	/* The key in itself. */
	canon = l->keytype ? ak_canonical_type(l->keytype) : NULL;
	if (canon != NULL && strcmp(canon, "ssh-dss") == 0) {
		msg = xasprintf("DSA key %s: disabled by default since OpenSSH 7.0 "
		    "and removed in 10.0", l->fp);
		line_finding(us, &rule_akeys_dsa, path, l, "ssh-keygen -t ed25519   # "
		    "and replace this key with the new one", msg);
		free(msg);
	} else if (canon != NULL && strcmp(canon, "ssh-rsa") == 0 && l->bits < 3072) {
		msg = xasprintf("RSA key of %d bits (%s)%s", l->bits, l->fp,
		    l->bits < 2048 ? ": below 2048 bits" : ": below the 3072 bits "
		    "recommended beyond 2030");
		line_finding(us, l->bits < 2048 ? &rule_akeys_rsa_weak : &rule_akeys_rsa_short,
		    path, l, "ssh-keygen -t ed25519   # and replace this key with the "
		    "new one", msg);
		free(msg);
	}
	if (is_subject(us, l)) {
		us->subject_found = 1;
		if (usable && from_ok && !o->cert_authority)
			us->subject_ok = 1;
		if (o->cert_authority && us->subject_ca_line == 0) {
			us->subject_ca_line = l->lineno;
			us->subject_ca_path = xstrdup(path);
		}
	} else if (o->cert_authority && l->fp != NULL &&
	    (ctx->opts == NULL || ctx->opts->subject == NULL))
		client_key_as_ca(us, path, l);
	return usable;
}

static uint64_t
hash_str(const char *p)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* The slot for id: where it is, or the empty one where it would go. */
static struct keyseen *
seen_slot(struct keyseen *tab, size_t cap, const char *id)
{
	size_t i = (size_t)hash_str(id) & (cap - 1);

	while (tab[i].id != NULL && strcmp(tab[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* A file can hold up to AK_MAX_LINES keys: a hash set keeps this linear. */
static void
duplicate_check(struct uscan *us, const char *path, const struct ak_line *l)
{
	char *id = xasprintf("%s %d", l->fp, l->opts.cert_authority);
	struct keyseen *k;
	struct ka_finding *f;

	if (us->capseen == 0 || (us->nseen + 1) * 2 > us->capseen) {
		size_t ncap = us->capseen ? us->capseen * 2 : 64;
		struct keyseen *nt = xcalloc(ncap, sizeof(*nt));

		for (size_t i = 0; i < us->capseen; i++)
			if (us->seen[i].id != NULL)
				*seen_slot(nt, ncap, us->seen[i].id) = us->seen[i];
		free(us->seen);
		us->seen = nt;
		us->capseen = ncap;
	}
	k = seen_slot(us->seen, us->capseen, id);
	if (k->id == NULL) {
		k->id = id;
		k->where = xasprintf("%s:%ld", path, l->lineno);
		us->nseen++;
		return;
	}
	{
		char *d = xasprintf("%ldd", l->lineno);

		f = ctx_finding(us->ctx, &rule_akeys_duplicate, us->u->name, path,
		    l->lineno, NULL, "line %ld: key %s was already listed at %s; sshd "
		    "stops at the first line that accepts it, so this line's options "
		    "may never apply", l->lineno, l->fp, k->where);
		set_fp(f, l->fp);
		remedy_manual(f ? &f->remedy : NULL, "once the copy at %s has the "
		    "options you want", k->where);
		if (!user_edit(us, f, path, l->lineno, 1, NULL))
			remedy_run(f ? &f->remedy : NULL, ACT_SERVER, 1, "sed", "-i", d, path,
			    NULL);
		free(d);
	}
	free(id);
}

/* A wrapped key: one finding at its first line, whose fix joins exactly
 * its parts into one line (deleting the parts would leave the key out,
 * and, with their line numbers shifted by the first deletion, delete a
 * colleague's key after them). */
static void
wrapped_finding(struct uscan *us, const char *path, const struct ak_file *af, size_t i,
    long n, const char *joined, const struct ak_line *key)
{
	const struct ak_line *l = &af->lines[i];
	struct ka_finding *f;

	f = ctx_finding(us->ctx, &rule_akeys_bad_key, us->u->name, path, l->lineno, NULL,
	    "lines %ld-%ld: one %s key (%s) wrapped over %ld lines; sshd reads each "
	    "line alone and skips them all silently", l->lineno, l->lineno + n - 1,
	    key->blob_type ? key->blob_type : key->keytype, key->fp, n);
	set_fp(f, key->fp);
	if (f != NULL && !user_edit(us, f, path, l->lineno, n, joined))
		remedy_manual(&f->remedy, "join lines %ld-%ld of %s into one line",
		    l->lineno, l->lineno + n - 1, path);
	if (us->bad_key_line == 0) {
		us->bad_key_line = l->lineno;
		us->bad_key_path = xstrdup(path);
	}
}

static void
scan_content(struct uscan *us, const char *path, const struct snap_file *f,
    const struct ak_file *af)
{
	for (size_t i = 0; i < af->n; i++) {
		const struct ak_line *l = &af->lines[i];
		struct ak_line key;
		char *joined;
		long n;

		if (l->status == AK_BLANK || continues_block(af, i))
			continue;
		if ((n = wrapped_key(us, f, af, i, &joined, &key)) > 0) {
			if (is_subject(us, &key))
				us->subject_found = 1;
			wrapped_finding(us, path, af, i, n, joined, &key);
			ak_line_free(&key);
			free(joined);
			i += (size_t)n - 1;
			continue;
		}
		if (l->status != AK_KEY) {
			if (is_subject(us, l))
				us->subject_found = 1;
			if (l->status == AK_BAD_KEY && us->bad_key_line == 0) {
				us->bad_key_line = l->lineno;
				us->bad_key_path = xstrdup(path);
			}
			bad_line(us, path, af, i);
			continue;
		}
		if (key_line(us, path, l))
			us->usable = 1;
		duplicate_check(us, path, l);
		if (l->comment_has_control ||
		    (l->options_text && str_has_control(l->options_text,
		    strlen(l->options_text)))) {
			char *c = l->comment ? str_printable(l->comment,
			    strlen(l->comment)) : xstrdup("");
			char *msg = xasprintf("%s holds control characters (comment "
			    "shown escaped: \"%s\"): they can hide text from whoever "
			    "reviews the file", l->comment_has_control ? "the comment" :
			    "the options", c);
			char *pl = xasprintf("%ldp", l->lineno);
			struct ka_finding *fd;

			fd = line_finding(us, &rule_akeys_control_chars, path, l, NULL, msg);
			remedy_run(fd ? &fd->remedy : NULL, ACT_SERVER, 1, "sed", "-n", pl,
			    path, NULL);
			remedy_manual(fd ? &fd->remedy : NULL, "see them with cat -A, then "
			    "edit line %ld", l->lineno);
			free(pl);
			free(c);
			free(msg);
		}
	}
	if (f->truncated || af->lines_dropped > 0) {
		if (f->truncated)
			ctx_finding(us->ctx, &rule_akeys_truncated, us->u->name, path, 0, NULL,
			    "%s is %lld bytes; keyaudit read the first %zu, so keys after "
			    "that were not checked (sshd reads them all)", path,
			    (long long)f->size, f->content_len);
		else
			ctx_finding(us->ctx, &rule_akeys_truncated, us->u->name, path, 0, NULL,
			    "%s has more than %d lines; the last %ld were not checked "
			    "(sshd reads them all)", path, AK_MAX_LINES, af->lines_dropped);
		/* Whatever follows may hold a usable key. */
		us->unknown = 1;
	}
}

static void
scan_file(struct uscan *us, const char *path)
{
	const struct snapshot *s = us->ctx->snap;
	const struct snap_file *f;
	const struct ak_file *af;
	const char *why;
	char *canon = NULL;

	if (snap_realpath(s, path, &canon, &why) != 0) {
		if (strcmp(why, "missing") == 0)
			return;		/* sshd skips it silently */
		if (strcmp(why, "unknown") == 0) {
			us->unknown = 1;
			ctx_skip(us->ctx, &rule_akeys_bad_key, path, "%s was not collected",
			    path);
			return;
		}
		us->exists = 1;		/* a loop or a file used as a directory */
		return;
	}
	us->exists = 1;
	if (strlist_has(&us->canon_seen, canon)) {
		free(canon);
		return;			/* a second name for a file already read */
	}
	strlist_add(&us->canon_seen, canon);
	f = snap_stat(s, canon);
	if (f == NULL || f->type != SNAP_REG) {
		free(canon);
		return;			/* perm.not-regular says why */
	}
	if ((af = ctx_akfile(us->ctx, canon, us->u->name)) == NULL) {
		const char *rwhy = snap_unreadable_for(f, us->u->name);

		us->unknown = 1;
		ctx_skip(us->ctx, &rule_akeys_bad_key, path, "the content of %s was not "
		    "collected%s%s", path, rwhy ? ": " : "", rwhy ? rwhy : "");
		free(canon);
		return;
	}
	scan_content(us, path, f, af);
	free(canon);
}

/* The lines AuthorizedKeysCommand printed when keyaudit ran it as sshd
 * does: judged like a file's, under the name "AuthorizedKeysCommand PROG".
 * Its lines are no file anyone can edit, so a finding's fix says what the
 * command must print instead. */
static void
scan_command(struct uscan *us, const struct ka_keyscmd *kc, const char *label)
{
	struct ka_host_result *r = us->ctx->out;
	const struct snap_keyscmd *k = kc->run;
	struct snap_file f;
	struct ak_file af;
	size_t first = r->nfindings;

	memset(&f, 0, sizeof(f));
	f.path = (char *)label;
	f.type = SNAP_REG;
	f.has_content = 1;
	f.content = k->output ? k->output : (char *)"";
	f.content_len = k->len;
	f.size = (int64_t)k->len;
	f.truncated = k->truncated;
	us->exists = 1;
	memset(&af, 0, sizeof(af));
	ak_parse(f.content, f.content_len, &af);
	scan_content(us, label, &f, &af);
	ak_file_free(&af);
	for (size_t i = first; i < r->nfindings; i++) {
		struct ka_finding *fd = &r->findings[i];

		if (fd->path == NULL || strcmp(fd->path, label) != 0)
			continue;
		remedy_free(&fd->remedy);
		remedy_manual(&fd->remedy, "change what %s prints for %s (line %ld of "
		    "its output): it is no file to edit", kc->prog, us->u->name, fd->line);
	}
}

/* "A, B" of the user's key files, and the command when it ran. */
static char *
sources(const struct uscan *us, const char *label)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (size_t j = 0; j < us->u->akfiles.n; j++) {
		if (j > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, us->u->akfiles.v[j]);
	}
	if (label != NULL)
		buf_printf(&b, "%s%s's output", b.len > 0 ? ", " : "", label);
	return buf_steal(&b);
}

/* diagnose: the key either has a line that accepts it (then other lines'
 * complaints about it do not block), or it has none. open: an
 * AuthorizedKeysCommand keyaudit did not run may still list it. Returns 1
 * when the general "no usable key" verdicts would only blur that. */
static int
subject_verdict(struct uscan *us, int open, const char *label)
{
	struct ka_ctx *ctx = us->ctx;
	const struct ak_line *k = ctx->opts->subject;
	struct ka_host_result *r = ctx->out;
	char *files, *hint;

	if (ctx->opts->subject_cert != NULL)
		return 1;	/* a certificate: cert.c follows its CA */
	if (us->subject_ok) {
		for (size_t i = 0; i < r->nfindings; i++) {
			struct ka_finding *f = &r->findings[i];
			if (f->key_fp != NULL && strcmp(f->key_fp, k->fp) == 0 &&
			    strncmp(f->rule->id, "akeys.", 6) == 0 && f->user != NULL &&
			    strcmp(f->user, us->u->name) == 0)
				f->blocks_login = 0;
		}
		return 1;
	}
	if (us->subject_ca_line > 0) {
		struct ak_line l;

		memset(&l, 0, sizeof(l));
		l.lineno = us->subject_ca_line;
		l.fp = k->fp;
		ca_key_finding(us, us->subject_ca_path, &l, "the key");
		return 1;
	}
	if (us->subject_found || us->unknown || !us->exists || open)
		return us->subject_found;
	files = sources(us, label);
	hint = us->bad_key_line ? xasprintf("; line %ld of %s holds a damaged key "
	    "(perhaps a broken copy of this one)", us->bad_key_line, us->bad_key_path) :
	    xstrdup("");
	{
		struct ka_finding *f = ctx_finding(ctx, &rule_akeys_key_not_listed,
		    us->u->name, us->u->akfiles.n ? us->u->akfiles.v[0] : label, 0, NULL,
		    "%s key %s is on no line of %s's key %s (%s)%s: sshd has nothing to "
		    "match it", k->blob_type ? k->blob_type : "the", k->fp, us->u->name,
		    label ? "sources" : "files", files, hint);
		if (f != NULL) {
			f->key_fp = xstrdup(k->fp);
			copy_id_fix(ctx, f, us->u->name, "KEY.pub");
			if (us->u->akfiles.n > 0)
				remedy_manual(&f->remedy, "or append the one line of KEY.pub "
				    "to %s", us->u->akfiles.v[0]);
		}
	}
	free(hint);
	free(files);
	return 1;
}

/* A keys command that fails (or that sshd refuses) blocks nothing when the
 * files already hold what the login needs: sshd reads them first. The
 * keyscmd check emitted its findings in the order of the users, which is
 * this loop's: *cursor walks them once for the whole host (a scan of every
 * finding per user is quadratic on a host of many accounts). */
static void
settle_command(struct uscan *us, const struct ka_keyscmd *kc, int key_there,
    size_t *cursor)
{
	struct ka_host_result *r = us->ctx->out;

	if (kc->state != KC_REFUSED && kc->state != KC_FAILED)
		return;
	for (size_t i = *cursor; i < r->nfindings; i++) {
		struct ka_finding *f = &r->findings[i];

		if (f->rule != &rule_sshd_keys_command_failed || f->user == NULL ||
		    strcmp(f->user, us->u->name) != 0)
			continue;
		if (key_there)
			f->blocks_login = 0;
		*cursor = i + 1;
		return;
	}
	/* not there (not selected, or past the findings budget): the ones
	 * after it are not found either, so stop looking */
	*cursor = r->nfindings;
}

static void
run(struct ka_ctx *ctx)
{
	size_t cursor = 0;

	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct ka_keyscmd kc;
		struct uscan us;
		char *label = NULL;
		int diag;

		if (ctx_late(ctx) && ctx_stopped(ctx, "akeys", "accounts", i, ctx->nusers))
			break;
		/* past the host's key-line budget: net.budget says so, and
		 * no verdict on lines that were not read */
		if (u->acct == NULL || u->keys_unexamined)
			continue;
		memset(&us, 0, sizeof(us));
		us.ctx = ctx;
		us.u = u;
		for (size_t j = 0; j < u->akfiles.n; j++)
			scan_file(&us, u->akfiles.v[j]);
		ctx_keys_command(ctx, u, &kc);
		if (kc.state == KC_RAN) {
			label = xasprintf("AuthorizedKeysCommand %s", kc.prog);
			scan_command(&us, &kc, label);
		}

		diag = ctx->opts != NULL && ctx->opts->subject != NULL;
		settle_command(&us, &kc, diag ? us.subject_ok : us.usable, &cursor);
		if (diag && subject_verdict(&us, kc.state == KC_UNRUN, label))
			;	/* diagnose said what matters for its key */
		else if ((u->akfiles.n > 0 || kc.state != KC_NONE) && !us.unknown &&
		    !us.usable && kc.state != KC_UNRUN) {
			char *files = sources(&us, label);
			const char *cmdsays = kc.state == KC_NONE ? " and no "
			    "AuthorizedKeysCommand is set" : kc.state == KC_RAN ? "" :
			    " and sshd gets no key from AuthorizedKeysCommand "
			    "(sshd.keys-command-failed says why)";
			struct ka_finding *f;

			if (!us.exists && u->akfiles.n == 0)
				f = ctx_finding(ctx, &rule_akeys_missing, u->name, NULL, 0, NULL,
				    "AuthorizedKeysFile is none for %s%s: sshd has no key to "
				    "accept", u->name, cmdsays);
			else if (!us.exists)
				f = ctx_finding(ctx, &rule_akeys_missing, u->name, NULL, 0, NULL,
				    "%s has no authorized_keys file (looked for %s)%s: sshd has "
				    "no key to accept", u->name, files, cmdsays);
			else
				f = ctx_finding(ctx, &rule_akeys_no_usable_key, u->name, NULL, 0,
				    NULL, "none of %s's key %s (%s) holds a key sshd would "
				    "accept%s", u->name, label ? "sources" : "files", files,
				    kc.state == KC_RAN ? "" : cmdsays);
			if (u->akfiles.n > 0)
				copy_id_fix(ctx, f, u->name, "KEY.pub");
			else
				remedy_manual(f ? &f->remedy : NULL, "make sshd run the "
				    "AuthorizedKeysCommand (sshd.keys-command-failed says "
				    "what stops it), or set AuthorizedKeysFile");
			free(files);
		}
		ka_keyscmd_free(&kc);
		free(label);
		strlist_free(&us.canon_seen);
		free(us.line_at);
		free(us.bad_key_path);
		free(us.subject_ca_path);
		for (size_t k = 0; k < us.capseen; k++) {
			free(us.seen[k].id);
			free(us.seen[k].where);
		}
		free(us.seen);
	}
}

const struct ka_check check_akeys = { "akeys", rules, KA_ARRLEN(rules), run };
