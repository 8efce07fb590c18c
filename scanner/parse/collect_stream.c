/* collect_stream.c - the collector's output (collector.sh) parsed into a
 * snapshot. A pure function over bytes: it trusts nothing in the stream.
 *
 * The stream is the line "KACOLLECT 1" followed by records, each
 *
 *	TAG SP LENGTH LF PAYLOAD LF
 *
 * TAG is 1-15 lower-case letters, LENGTH the payload's size in bytes
 * (decimal, at most 10 digits, and at most the tag's limit below), PAYLOAD
 * any bytes. The length prefix makes every record binary safe: a path or a
 * file may hold newlines, NULs or anything else. Records, in any order:
 *
 *	host	hostname (uname -n)		time	unix time (date +%s)
 *	euid	the collector's uid		config	sshd_config path in use
 *	sshdver	printable strings of /usr/sbin/sshd containing "OpenSSH_"
 *	path	starts a file: the following stat/noent/err/link/data/trunc/
 *		rerr records are about this path (absolute, as on the target)
 *	stat	"<st_mode hex> <uid> <gid> <size> <mtime>" of lstat(2)
 *	noent	lstat said ENOENT or ENOTDIR	err	lstat failed: why
 *	link	readlink(2) of a symlink	data	the file's bytes
 *	trunc	data stopped at SNAP_CONTENT_LIMIT
 *	rerr	the content could not be read: why
 *	selinux	the path's SELinux context (stat -c %C), where SELinux is
 *		enabled		semode	enforcing, permissive or disabled
 *	uerr	"USER LF WHY": USER's credentials could not read it (the
 *		collector reads what an account's configuration names as that
 *		account, as sshd does); the content, if any, stays for others
 *	shadow	/etc/shadow with every password field replaced by "x" or "!x"
 *	user	an audited user, in order	all	audit every passwd account
 *	me	the collector's own user name	nss	its getent passwd line
 *	glob	an Include pattern; the following gm records are its matches
 *	tuser	sshd -T output follows for this user: tout (stdout) or terr
 *	sshdtran sshdtrc sshdterr: sshd -t ran, its exit status, its stderr
 *	sshdg sshdgerr: sshd -G's output, or why it gave none
 *	sudo	"ok": the ssh transport ran the collector through sudo -n;
 *		"denied": sudo wanted a password, it ran as the login user
 *	logs	sshd's logs were looked for; each source follows as lsrc
 *		(a path on the target or "journalctl") and then ldata (its
 *		kept lines, all sources at most SNAP_AUTHLOG_LIMIT), ltrunc
 *		(older lines dropped) or lerr (not read: why)
 *	ukey	a private key an audited account keeps in ~/.ssh; then
 *		ukfacts "ENCRYPTED FORMAT USER" (userkey_facts: -1, 0 or 1;
 *		openssh pem pkcs8 unknown)
 *	fatal	the collector refused to run: why
 *	end	the last record; a stream without it was cut short
 *
 * Unknown tags are skipped, so a newer collector can add facts. A path may
 * be reported more than once (the collector reports in batches and forgets
 * what it reported when its caches fill up): each report updates the same
 * entry and the last one wins, field by field. A link record must follow a
 * stat that says the path is a symlink.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/passwd.h"
#include "scanner/parse/privkey.h"
#include "scanner/parse/collect_stream.h"
#include "scanner/strmap.h"

#define TEXT_LIMIT	65536u		/* paths, names, messages */
#define BIG_LIMIT	SNAP_CONTENT_LIMIT	/* shadow, sshdver, sshd -T */
#define MAX_FILES	1000000u
#define MAX_USERS	1000000u
#define MAX_GLOB_MATCHES 4096u

struct sp {
	struct snapshot *s;
	size_t recno;
	struct snap_file *cur;		/* after a path record */
	struct snap_glob *glob;		/* after a glob record */
	struct snap_sshd_t *tuser;	/* after a tuser record */
	size_t alog;			/* after an lsrc record: index + 1 */
	char *ukey;			/* after a ukey record */
	size_t alog_bytes;
	size_t captuser;
	int all, ended, euid0;
	const char *shadow, *nss, *sshdver;
	size_t shadowlen, nsslen, sshdverlen;
	struct strlist users;
	/* over users, and over p->glob's matches: a record that must be new in
	 * its list is checked in constant time, not by a walk over all before
	 * it (1,000,000 user records were 5 x 10^11 comparisons) */
	struct strmap userset, gmset;
	char *fatal;
	char **err;
};

/* Add v to l unless the set over l has it. */
static void
sset_add(struct strmap *st, struct strlist *l, const char *v)
{
	int added = 0;

	strmap_add(st, v, strlen(v), l->n, &added);
	if (added)
		strlist_add(l, v);
}

static int
fail(struct sp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct sp *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*p->err = xasprintf("collector stream: record %zu: %s", p->recno, msg);
	free(msg);
	return -1;
}

static size_t
tag_limit(const char *tag)
{
	if (strcmp(tag, "data") == 0)
		return SNAP_CONTENT_LIMIT;
	if (strcmp(tag, "ldata") == 0)
		return SNAP_AUTHLOG_LIMIT;
	if (strcmp(tag, "shadow") == 0 || strcmp(tag, "sshdver") == 0 ||
	    strcmp(tag, "tout") == 0 || strcmp(tag, "sshdg") == 0)
		return BIG_LIMIT;
	return TEXT_LIMIT;
}

/* A payload used as a C string must not hide a NUL. */
static int
text(struct sp *p, const char *tag, const char *v, size_t n)
{
	if (memchr(v, '\0', n) != NULL)
		return fail(p, "%s: NUL byte in a text field", tag);
	return 0;
}

/* "-12" or "34" fully, into *out. */
static int
parse_i64(const char *v, size_t n, int64_t *out)
{
	int neg = 0;
	int64_t x = 0;
	size_t i = 0;

	if (n > 0 && v[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	*out = neg ? -x : x;
	return 0;
}

static enum snap_ftype
type_of_mode(uint32_t m)
{
	switch (m & 0170000) {
	case 0100000: return SNAP_REG;
	case 0040000: return SNAP_DIR;
	case 0120000: return SNAP_LNK;
	case 0010000: return SNAP_FIFO;
	case 0140000: return SNAP_SOCK;
	case 0020000: return SNAP_CHR;
	case 0060000: return SNAP_BLK;
	default: return SNAP_UNKNOWN;
	}
}

/* "<hex mode> <uid> <gid> <size> <mtime>" from stat -c '%f %u %g %s %Y'. */
static int
parse_stat(struct sp *p, struct snap_file *f, const char *v, size_t n)
{
	int64_t num[5];
	size_t i = 0;

	for (int k = 0; k < 5; k++) {
		size_t st = i;

		while (i < n && v[i] != ' ')
			i++;
		if (i == st)
			return fail(p, "stat: expected 5 fields");
		if (k == 0) {
			uint32_t m = 0;

			if (i - st > 8)
				return fail(p, "stat: bad mode");
			for (size_t j = st; j < i; j++) {
				int c = tolower((unsigned char)v[j]);
				if (!isxdigit(c))
					return fail(p, "stat: bad mode");
				m = m * 16 + (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
			}
			num[0] = m;
		} else if (parse_i64(v + st, i - st, &num[k]) != 0 ||
		    (k < 4 && num[k] < 0) || (k <= 2 && num[k] > UINT32_MAX))
			return fail(p, "stat: bad number");
		if (k < 4) {
			if (i >= n)
				return fail(p, "stat: expected 5 fields");
			i++;
		}
	}
	if (i != n)
		return fail(p, "stat: trailing bytes");
	free(f->error);
	f->error = NULL;
	f->type = type_of_mode((uint32_t)num[0]);
	if (f->type != SNAP_LNK) {
		free(f->link);
		f->link = NULL;
	}
	if (f->type == SNAP_UNKNOWN)
		f->error = xstrdup("unknown file type");
	f->mode = (uint32_t)num[0] & 07777;
	f->uid = (uint32_t)num[1];
	f->gid = (uint32_t)num[2];
	f->size = num[3];
	f->mtime = num[4];
	return 0;
}

static int
need_file(struct sp *p, const char *tag)
{
	if (p->cur == NULL)
		return fail(p, "%s without a path record before it", tag);
	return 0;
}

static int
record(struct sp *p, const char *tag, const char *v, size_t n)
{
	struct snapshot *s = p->s;
	struct snap_file *f = p->cur;

	if (strcmp(tag, "path") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (n == 0 || v[0] != '/')
			return fail(p, "path: not absolute");
		if (s->nfiles >= MAX_FILES && snap_file_get(s, v) == NULL)
			return fail(p, "path: more than %u files", MAX_FILES);
		p->cur = snap_file_add(s, v);
		return 0;
	}
	if (strcmp(tag, "stat") == 0)
		return need_file(p, tag) ? -1 : parse_stat(p, f, v, n);
	if (strcmp(tag, "noent") == 0 || strcmp(tag, "err") == 0) {
		if (need_file(p, tag) != 0 || text(p, tag, v, n) != 0)
			return -1;
		free(f->error);
		free(f->link);
		f->error = f->link = NULL;
		if (tag[0] == 'n')
			f->type = SNAP_NOENT;
		else {
			f->type = SNAP_UNKNOWN;
			f->error = xstrdup(n ? v : "lstat failed");
		}
		return 0;
	}
	if (strcmp(tag, "link") == 0) {
		if (need_file(p, tag) != 0 || text(p, tag, v, n) != 0)
			return -1;
		if (f->type != SNAP_LNK)
			return fail(p, "link: the path is not a symlink");
		free(f->link);
		f->link = xstrdup(v);
		return 0;
	}
	if (strcmp(tag, "data") == 0) {
		if (need_file(p, tag) != 0)
			return -1;
		free(f->content);
		f->content = xmalloc(n + 1);
		memcpy(f->content, v, n);
		f->content[n] = '\0';
		f->content_len = n;
		f->has_content = 1;
		f->truncated = 0;
		free(f->read_error);
		f->read_error = NULL;
		return 0;
	}
	if (strcmp(tag, "selinux") == 0) {
		/* the file's SELinux context (stat -c %C), where enabled */
		if (need_file(p, tag) != 0 || text(p, tag, v, n) != 0)
			return -1;
		free(f->selinux);
		f->selinux = n > 0 ? xstrdup(v) : NULL;
		return 0;
	}
	if (strcmp(tag, "trunc") == 0) {
		if (need_file(p, tag) != 0)
			return -1;
		f->truncated = 1;
		return 0;
	}
	if (strcmp(tag, "rerr") == 0) {
		if (need_file(p, tag) != 0 || text(p, tag, v, n) != 0)
			return -1;
		free(f->read_error);
		f->read_error = xstrdup(n ? v : "read failed");
		if (f->content != NULL)
			explicit_bzero(f->content, f->content_len);
		free(f->content);
		f->content = NULL;
		f->content_len = 0;
		f->has_content = f->truncated = 0;
		return 0;
	}
	if (strcmp(tag, "uerr") == 0) {
		const char *nl;
		char *u;

		if (need_file(p, tag) != 0 || text(p, tag, v, n) != 0)
			return -1;
		if ((nl = memchr(v, '\n', n)) == NULL || nl == v + n - 1)
			return fail(p, "uerr: \"USER\\nWHY\" expected");
		if (f->ndenied >= MAX_USERS)
			return fail(p, "uerr: too many accounts");
		u = xstrndup(v, (size_t)(nl - v));
		snap_file_deny(f, u, nl + 1);
		free(u);
		return 0;
	}
	if (strcmp(tag, "glob") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (s->nglobs >= 10000 && snap_glob_get(s, v) == NULL)
			return fail(p, "glob: too many patterns");
		p->glob = snap_glob_add(s, v);
		/* the set follows the current glob (it may be one seen before) */
		strmap_free(&p->gmset);
		for (size_t i = 0; i < p->glob->matches.n; i++)
			strmap_add(&p->gmset, p->glob->matches.v[i],
			    strlen(p->glob->matches.v[i]), i, NULL);
		return 0;
	}
	if (strcmp(tag, "gm") == 0) {
		if (p->glob == NULL)
			return fail(p, "gm without a glob record before it");
		if (text(p, tag, v, n) != 0)
			return -1;
		if (p->glob->matches.n < MAX_GLOB_MATCHES)
			sset_add(&p->gmset, &p->glob->matches, v);
		return 0;
	}
	if (strcmp(tag, "tuser") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (s->nsshd_t >= MAX_USERS)
			return fail(p, "tuser: too many users");
		if (s->nsshd_t == p->captuser) {
			p->captuser = p->captuser ? p->captuser * 2 : 8;
			s->sshd_t = xreallocarray(s->sshd_t, p->captuser, sizeof(*s->sshd_t));
		}
		p->tuser = &s->sshd_t[s->nsshd_t++];
		memset(p->tuser, 0, sizeof(*p->tuser));
		p->tuser->user = xstrdup(v);
		return 0;
	}
	if (strcmp(tag, "tout") == 0 || strcmp(tag, "terr") == 0) {
		if (p->tuser == NULL)
			return fail(p, "%s without a tuser record before it", tag);
		if (text(p, tag, v, n) != 0)
			return -1;
		free(p->tuser->output);
		free(p->tuser->error);
		p->tuser->output = p->tuser->error = NULL;
		if (tag[1] == 'o' && n > 0)
			p->tuser->output = xstrdup(v);
		else {
			char *pr = str_printable(v, n);
			p->tuser->error = xstrdup(n ? pr : "sshd -T printed nothing");
			free(pr);
		}
		return 0;
	}
	if (strcmp(tag, "ukey") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (s->nuserkeys >= MAX_USERS)
			return fail(p, "ukey: too many keys");
		free(p->ukey);
		p->ukey = xstrdup(v);
		return 0;
	}
	if (strcmp(tag, "ukfacts") == 0) {
		char fmt[16], user[256];
		int enc;
		struct snap_userkey *k;

		if (p->ukey == NULL)
			return fail(p, "ukfacts without a ukey record before it");
		if (text(p, tag, v, n) != 0)
			return -1;
		if (n >= sizeof(user) || sscanf(v, "%d %15s %255s", &enc, fmt, user) != 3 ||
		    enc < -1 || enc > 1 || (strcmp(fmt, "openssh") != 0 &&
		    strcmp(fmt, "pem") != 0 && strcmp(fmt, "pkcs8") != 0 &&
		    strcmp(fmt, "unknown") != 0))
			return fail(p, "ukfacts: expected \"ENCRYPTED FORMAT USER\"");
		k = snap_userkey_add(s, user, p->ukey);
		k->format = xstrdup(fmt);
		k->encrypted = enc;
		free(p->ukey);
		p->ukey = NULL;
		return 0;
	}
	if (strcmp(tag, "logs") == 0) {
		s->authlogs_asked = 1;
		return 0;
	}
	if (strcmp(tag, "lsrc") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (!s->authlogs_asked || s->nauthlogs >= 1000)
			return fail(p, "lsrc: without a logs record, or too many sources");
		snap_authlog_add(s, v);
		p->alog = s->nauthlogs;
		return 0;
	}
	if (strcmp(tag, "ldata") == 0 || strcmp(tag, "ltrunc") == 0 ||
	    strcmp(tag, "lerr") == 0) {
		struct snap_authlog *a;

		if (p->alog == 0)
			return fail(p, "%s without an lsrc record before it", tag);
		a = &s->authlogs[p->alog - 1];
		if (tag[1] == 't')
			a->truncated = 1;
		else if (tag[1] == 'e') {
			free(a->error);
			a->error = str_printable(v, n);
		} else {
			/* NUL bytes cannot come from the shell; keep the text a C string */
			if (text(p, tag, v, n) != 0)
				return -1;
			if (a->lines != NULL || (p->alog_bytes += n) > SNAP_AUTHLOG_LIMIT)
				return fail(p, "ldata: more log lines than the collector sends");
			a->lines = xmalloc(n + 1);
			memcpy(a->lines, v, n);
			a->lines[n] = '\0';
			a->len = n;
		}
		return 0;
	}
	for (const struct snap_fact *fa = snapshot_facts; fa->json != NULL; fa++) {
		void *field;
		int64_t x;

		if (fa->record == NULL || strcmp(tag, fa->record) != 0)
			continue;
		field = (char *)s + fa->off;
		if (fa->type == SNAP_FACT_STR) {
			if (text(p, tag, v, n) != 0)
				return -1;
			free(*(char **)field);
			*(char **)field = n ? xstrdup(v) : NULL;
			return 0;
		}
		if (parse_i64(v, n, &x) != 0 || x < fa->min || x > fa->max)
			return fail(p, "%s: not a number from %lld to %lld", tag,
			    (long long)fa->min, (long long)fa->max);
		if (fa->type == SNAP_FACT_I64)
			*(int64_t *)field = x;
		else
			*(int *)field = (int)x;
		return 0;
	}
	if (strcmp(tag, "euid") == 0) {
		p->euid0 = n == 1 && v[0] == '0';
		return 0;
	}
	if (strcmp(tag, "sshdver") == 0) {
		if (p->sshdver != NULL)
			explicit_bzero((char *)p->sshdver, p->sshdverlen);
		free((char *)p->sshdver);
		p->sshdver = v;
		p->sshdverlen = n;
		return 0;
	}
	if (strcmp(tag, "shadow") == 0) {
		if (p->shadow != NULL)
			explicit_bzero((char *)p->shadow, p->shadowlen);
		free((char *)p->shadow);
		p->shadow = v;
		p->shadowlen = n;
		return 0;
	}
	if (strcmp(tag, "nss") == 0) {
		if (p->nss != NULL)
			explicit_bzero((char *)p->nss, p->nsslen);
		free((char *)p->nss);
		p->nss = v;
		p->nsslen = n;
		return 0;
	}
	if (strcmp(tag, "user") == 0) {
		if (text(p, tag, v, n) != 0)
			return -1;
		if (p->users.n >= MAX_USERS)
			return fail(p, "user: too many users");
		if (n > 0)
			sset_add(&p->userset, &p->users, v);
		return 0;
	}
	if (strcmp(tag, "sudo") == 0) {
		const char *how = NULL;

		if (n == 2 && memcmp(v, "ok", 2) == 0)
			how = "ok";
		else if (n == 6 && memcmp(v, "denied", 6) == 0)
			how = "denied";
		else
			return fail(p, "sudo: expected \"ok\" or \"denied\"");
		free(s->net.sudo);
		s->net.sudo = xstrdup(how);
		return 0;
	}
	if (strcmp(tag, "all") == 0) {
		p->all = 1;
		return 0;
	}
	if (strcmp(tag, "fatal") == 0) {
		free(p->fatal);
		p->fatal = str_printable(v, n);
		return 0;
	}
	if (strcmp(tag, "end") == 0) {
		p->ended = 1;
		return 0;
	}
	return 0;		/* "me" and tags of a newer collector */
}

/* Everything derived from the records, as transport_local.c derives it. */
static void
finish(struct sp *p)
{
	struct snapshot *s = p->s;
	const char *sys[] = { "/etc/passwd", "/etc/group" };

	for (size_t i = 0; i < KA_ARRLEN(sys); i++) {
		const struct snap_file *f;
		const char *why;
		char *canon;

		if (snap_realpath(s, sys[i], &canon, &why) != 0)
			continue;
		f = snap_file_get(s, canon);
		free(canon);
		if (f == NULL || !f->has_content)
			continue;
		if (i == 0) {
			passwd_parse(f->content, f->content_len, s);
			s->accounts_known = 1;
		} else
			group_parse(f->content, f->content_len, s);
	}
	if (p->shadow != NULL) {
		shadow_apply(p->shadow, p->shadowlen, s);
		s->privileged = 1;
	}
	if (p->nss != NULL && p->nsslen > 0)
		passwd_parse(p->nss, p->nsslen, s);
	s->privileged = s->privileged || p->euid0;
	if (p->all) {
		for (size_t i = 0; i < s->naccounts && s->users.n < MAX_USERS; i++)
			strlist_add(&s->users, s->accounts[i].name);
	} else
		for (size_t i = 0; i < p->users.n; i++)
			strlist_add(&s->users, p->users.v[i]);
	if (p->sshdver != NULL)
		s->sshd_version = collect_sshd_version(p->sshdver, p->sshdverlen);
	/* Private keys pasted into a file never reach the snapshot. */
	for (size_t i = 0; i < s->nfiles; i++) {
		struct snap_file *f = &s->files[i];
		size_t rlen;
		char *red;

		if (!f->has_content)
			continue;
		red = redact_private_blocks(f->content, f->content_len, &rlen);
		if (red != NULL) {
			explicit_bzero(f->content, f->content_len);
			free(f->content);
			f->content = red;
			f->content_len = rlen;
		}
	}
}

int
collect_stream_parse(const char *data, size_t len, const char *target,
    const char *transport, struct snapshot *s, char **err)
{
	static const char magic[] = "KACOLLECT 1\n";
	struct sp p;
	size_t i;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.err = err;
	*err = NULL;
	s->target = xstrdup(target ? target : "local");
	s->transport = xstrdup(transport ? transport : "exec");
	if (len < sizeof(magic) - 1 || memcmp(data, magic, sizeof(magic) - 1) != 0) {
		fail(&p, "not collector output (no \"KACOLLECT 1\" line)");
		goto out;
	}
	for (i = sizeof(magic) - 1; i < len && !p.ended;) {
		char tag[16];
		size_t t = 0, digits = 0, n = 0;

		p.recno++;
		while (i < len && t < sizeof(tag) - 1 && data[i] >= 'a' && data[i] <= 'z')
			tag[t++] = data[i++];
		tag[t] = '\0';
		if (t == 0 || i >= len || data[i] != ' ') {
			fail(&p, i >= len ? "cut short in the record header" :
			    "bad record header (expected \"tag length\")");
			goto out;
		}
		for (i++; i < len && isdigit((unsigned char)data[i]) && digits < 10; i++) {
			n = n * 10 + (size_t)(data[i] - '0');
			digits++;
		}
		if (digits == 0 || i >= len || data[i] != '\n') {
			fail(&p, i >= len ? "cut short in the record header" :
			    "%s: bad length", tag);
			goto out;
		}
		i++;
		if (n > tag_limit(tag)) {
			fail(&p, "%s: length %zu over the limit of %zu", tag, n,
			    tag_limit(tag));
			goto out;
		}
		if (n > len - i || len - i - n < 1) {
			fail(&p, "%s: cut short (%zu of %zu bytes)", tag,
			    len - i > n ? n : len - i, n);
			goto out;
		}
		if (data[i + n] != '\n') {
			fail(&p, "%s: payload not followed by a newline", tag);
			goto out;
		}
		{
			/* Payloads are used as C strings: copy to terminate. */
			char *v = xmalloc(n + 1);
			int r;

			memcpy(v, data + i, n);
			v[n] = '\0';
			r = record(&p, tag, v, n);
			/* shadow, nss and sshdver are used in finish(): keep them. */
			if (v != p.shadow && v != p.nss && v != p.sshdver) {
				if (strcmp(tag, "data") == 0)
					explicit_bzero(v, n);
				free(v);
			}
			if (r != 0)
				goto out;
		}
		i += n + 1;
	}
	if (p.fatal != NULL) {
		p.recno = 0;
		*err = xasprintf("collector: %s", p.fatal);
		goto out;
	}
	if (!p.ended) {
		p.recno++;
		fail(&p, "stream ended without an end record (collector killed or "
		    "output cut)");
		goto out;
	}
	finish(&p);
	rc = 0;
out:
	if (p.shadow != NULL)
		explicit_bzero((char *)p.shadow, p.shadowlen);
	free((char *)p.shadow);
	free((char *)p.nss);
	free((char *)p.sshdver);
	free(p.fatal);
	free(p.ukey);
	strlist_free(&p.users);
	strmap_free(&p.userset);
	strmap_free(&p.gmset);
	return rc;
}

char *
collect_sshd_version(const char *data, size_t len)
{
	const char *best = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i + 8 < len; i++) {
		const char *q = data + i;
		size_t j = 8;

		if (q[0] != 'O' || memcmp(q, "OpenSSH_", 8) != 0)
			continue;
		while (i + j < len && isdigit((unsigned char)q[j]))
			j++;
		if (j == 8 || i + j >= len || q[j] != '.')
			continue;
		for (j++; i + j < len && isdigit((unsigned char)q[j]); j++)
			;
		if (i + j >= len || q[j] != 'p')
			continue;
		for (j++; i + j < len && isdigit((unsigned char)q[j]); j++)
			;
		if (i + j + 1 < len && q[j] == ' ' && isalnum((unsigned char)q[j + 1]))
			for (j++; i + j < len && q[j] != '\0' &&
			    (isalnum((unsigned char)q[j]) || strchr(".+~_-", q[j])); j++)
				;
		if (j > bestlen && j < 128) {
			best = q;
			bestlen = j;
		}
	}
	return best ? xstrndup(best, bestlen) : NULL;
}
