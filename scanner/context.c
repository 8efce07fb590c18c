/* context.c - derive, once per host, what every check needs from the
 * snapshot: the parsed sshd_config, each audited user's effective config and
 * AuthorizedKeysFile list, parsed authorized_keys files, and which
 * StrictModes rule (upstream or Debian's user-group-modes) the sshd applies. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <time.h>

#include "scanner/context.h"
#include "scanner/parse/release.h"
#include "scanner/engine.h"
#include "scanner/strmap.h"
#include "scanner/policy.h"
#include "scanner/parse/usagelog.h"
#include "scanner/parse/krl.h"
#include "scanner/parse/cert.h"
#include "checks/check.h"

/*
 * Parsed authorized_keys, once per distinct content: accounts that share a
 * home (or each keep a copy of one file) share one parse. byfile points
 * into parsed (AK_REFUSED: the host's key-line budget was spent).
 */
struct ak_parsed {
	const char *content;		/* the first file's, in the snapshot */
	size_t len;
	struct ak_file ak;
};

int64_t
local_zone(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

struct ka_akcache {
	const struct ak_file **byfile;	/* indexed like snap->files */
	size_t n;
	/* parses by content: the key is the content's hash and length, the
	 * value an index into parsed; a hit is confirmed byte for byte */
	struct strmap bycontent;
	struct ak_parsed **parsed;	/* owned */
	size_t nparsed;
};

static const struct ak_file ak_refused;
#define AK_REFUSED (&ak_refused)

/* Effective configurations by Match verdicts (sshdconf_match_key), packed
 * a bit per Match line, mapped to an index into v: owned here, shared by
 * the users. */
struct ka_effcache {
	struct strmap bykey;
	struct sshd_eff **v;
	size_t n;
};

static int
snap_read(void *arg, const char *path, const char **data, size_t *len)
{
	const struct snap_file *f = snap_file_get(arg, path);
	char *canon = NULL;
	const char *why;

	if (f != NULL && f->type == SNAP_LNK &&
	    snap_realpath(arg, path, &canon, &why) == 0) {
		f = snap_file_get(arg, canon);
		free(canon);
	}
	return snap_file_data(f, data, len);
}

static int
snap_globfn(void *arg, const char *pattern, struct strlist *out)
{
	const struct snap_glob *g = snap_glob_get(arg, pattern);

	if (g == NULL)
		return 0;
	for (size_t i = 0; i < g->matches.n; i++)
		strlist_add(out, g->matches.v[i]);
	return 0;
}

static const char *
snap_home_of(void *arg, const char *name)
{
	const struct snapshot *s = arg;
	const struct snap_account *a;

	a = name ? snap_account_by_name(s, name) : snap_account_by_uid(s, 0);
	return a ? a->home : NULL;
}

void
ctx_sshdconf_io(const struct snapshot *snap, struct sshdconf_io *io)
{
	memset(io, 0, sizeof(*io));
	io->read = snap_read;
	io->glob = snap_globfn;
	io->home_of = snap_home_of;
	io->ctx = (void *)snap;
	io->release = release_parse(snap->sshd_version);
}

/* clientconf wants its own copy; a directory reads as empty, as with ssh.
 * Modes are not checked here: client.c judges them. */
static int
files_read_copy(void *arg, const char *path, int checkperm, char **data, size_t *len)
{
	const struct sshdconf_io *files = arg;
	const char *d = "";
	size_t n = 0;

	(void)checkperm;
	if (files->read(files->ctx, path, &d, &n) != 0) {
		if (errno != EISDIR)
			return -1;
		d = "";
		n = 0;
	}
	*data = xmalloc(n + 1);
	memcpy(*data, d, n);
	(*data)[n] = '\0';
	*len = n;
	return 0;
}

/* The collectors glob only patterns with a wildcard, as collector.sh does;
 * glob(3) gives any other pattern back as itself, and a missing file is
 * skipped as ssh skips it. */
static int
files_glob(void *arg, const char *pattern, struct strlist *out)
{
	const struct sshdconf_io *files = arg;

	if (strpbrk(pattern, "*?[") == NULL) {
		strlist_add(out, pattern);
		return 0;
	}
	return files->glob(files->ctx, pattern, out);
}

static const char *
files_home_of(void *arg, const char *name)
{
	const struct sshdconf_io *files = arg;

	return files->home_of(files->ctx, name);
}

void
ctx_clientconf_io(const struct sshdconf_io *files, struct clientconf_io *io)
{
	memset(io, 0, sizeof(*io));
	io->read = files_read_copy;
	io->glob = files_glob;
	io->home_of = files_home_of;
	io->ctx = (void *)files;
}

/* Value of KEY= in os-release text, unquoted, or NULL. */
static char *
osrelease_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vn = n - klen - 1;
			if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
				v++;
				vn -= 2;
			}
			return xstrndup(v, vn);
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static int
is_debianish(const char *s)
{
	return s != NULL && (strstr(s, "debian") || strstr(s, "Debian") ||
	    strstr(s, "ubuntu") || strstr(s, "Ubuntu"));
}

/* ID and ID_LIKE of the target's os-release (/etc first, as systemd
 * reads it), once per host. */
static void
read_os_release(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *osr = snap_file_get(s, "/etc/os-release");

	if (osr == NULL || !osr->has_content)
		osr = snap_file_get(s, "/usr/lib/os-release");
	if (osr != NULL && osr->has_content) {
		ctx->os_id = osrelease_value(osr->content, "ID");
		ctx->os_like = osrelease_value(osr->content, "ID_LIKE");
	}
}

static void
decide_upg_rule(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	const char *id = ctx->os_id, *like = ctx->os_like;

	if (s->sshd_version != NULL) {
		ctx->upg_allowed = is_debianish(s->sshd_version);
		ctx->upg_rule = xasprintf("%s rule: sshd is '%s'",
		    ctx->upg_allowed ? "Debian user-group-modes" : "upstream",
		    s->sshd_version);
		return;
	}
	if (is_debianish(id) || is_debianish(like)) {
		ctx->upg_allowed = 1;
		ctx->upg_rule = xasprintf("Debian user-group-modes rule: sshd version "
		    "unknown, os-release ID=%s%s%s", id, like ? " ID_LIKE=" : "",
		    like ? like : "");
	} else {
		ctx->upg_allowed = 0;
		ctx->upg_rule = xasprintf("upstream rule: sshd version unknown, "
		    "os-release ID=%s", id ? id : "unknown");
	}
}

char *
expand_authorized_keys_path(const char *tmpl, const struct snap_account *a)
{
	struct buf b;
	const char *p;

	buf_init(&b);
	for (p = tmpl; *p; p++) {
		if (*p != '%') {
			buf_putc(&b, *p);
			continue;
		}
		switch (*++p) {
		case '%':
			buf_putc(&b, '%');
			break;
		case 'h':
			buf_puts(&b, a->home);
			break;
		case 'u':
			buf_puts(&b, a->name);
			break;
		case 'U':
			buf_printf(&b, "%u", a->uid);
			break;
		default:
			buf_free(&b);
			return NULL;
		}
	}
	if (b.len > 0 && b.data[0] == '/')
		return buf_steal(&b);
	{
		char *rel = buf_steal(&b);
		char *full = xasprintf("%s/%s", a->home, rel);
		free(rel);
		return full;
	}
}

/* One spelling for what releases print differently and mean the same:
 * 10.6 prints flags as true/false, 9.2 prints PermitRootLogin's default as
 * without-password and 10.x as prohibit-password. Takes line, returns it
 * or its replacement. */
static char *
same_words(char *line)
{
	static const struct {
		const char *from, *to;
	} same[] = {
		{ " true", " yes" }, { " false", " no" },
		{ "permitrootlogin without-password", "permitrootlogin prohibit-password" },
	};
	const char *sp = strchr(line, ' ');

	for (size_t i = 0; sp != NULL && i < KA_ARRLEN(same); i++) {
		const char *f = same[i].from;

		if (f[0] == ' ' ? strcmp(sp, f) == 0 : strcmp(line, f) == 0) {
			char *r = f[0] == ' ' ? xasprintf("%.*s%s", (int)(sp - line),
			    line, same[i].to) : xstrdup(same[i].to);

			free(line);
			return r;
		}
	}
	return line;
}

/* "keyword value..." lines into per-keyword text, for comparison. */
static void
dump_lines(const char *text, struct strlist *out)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		for (char *c = line; *c && *c != ' '; c++)
			*c = (char)tolower((unsigned char)*c);
		if (n > 0)
			strlist_add_owned(out, same_words(line));
		else
			free(line);
		p = nl ? nl + 1 : NULL;
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether sorted lines hold a line for keyword kw (kwlen bytes): its
 * lines sort together, first among those kw begins (' ' sorts before
 * every keyword letter). */
static int
has_keyword(const struct strlist *l, const char *kw, size_t kwlen)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(l->v[mid], kw, kwlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && strncmp(l->v[lo], kw, kwlen) == 0 &&
	    (l->v[lo][kwlen] == ' ' || l->v[lo][kwlen] == '\0');
}

/*
 * Keywords whose lines differ between two sshd -T texts. other_release:
 * the target's sshd is not the release the engine's dump imitates, so a
 * keyword only one side prints is what the releases print, not a
 * disagreement (10.0 prints RefuseConnection, 9.2 has no such line), and
 * IPQoS, which no check reads and distributions patch (Debian's 10.0
 * cherry-picked EF), is left out.
 */
static void
diff_dumps(const char *mine, const char *theirs, int other_release,
    struct strlist *out)
{
	struct strlist a = { 0 }, b = { 0 };
	size_t i = 0, j = 0;

	dump_lines(mine, &a);
	dump_lines(theirs, &b);
	if (a.n)
		qsort(a.v, a.n, sizeof(*a.v), cmp_str);
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), cmp_str);
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i], b.v[j]);
		const char *line = c <= 0 ? a.v[i] : b.v[j];
		size_t kwlen = strcspn(line, " ");
		char *kw = xstrndup(line, kwlen);
		int compared = !other_release || c == 0 || (strcmp(kw, "ipqos") != 0 &&
		    has_keyword(c < 0 ? &b : &a, kw, kwlen));

		if (c != 0 && compared && !strlist_has(out, kw))
			strlist_add_owned(out, kw);
		else
			free(kw);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	strlist_free(&a);
	strlist_free(&b);
}

/* The target's sshd -T ran without the options systemd puts on the
 * daemon's command line (RHEL 8's CRYPTO_POLICY): where one of them sets
 * a keyword, the daemon runs with it, and a different answer from sshd -T
 * is no disagreement. */
static void
drop_cmdline_keywords(struct ka_ctx *ctx, struct ka_user *u)
{
	size_t w = 0;

	for (size_t i = 0; i < u->disagree.n; i++) {
		const struct sshd_value *v = sshd_eff_get(u->eff, u->disagree.v[i]);
		int cmd = 0;

		for (size_t j = 0; v != NULL && v->file != NULL && j < ctx->cmdline.n; j++)
			if (strcmp(v->file, ctx->cmdline.v[j].file) == 0 &&
			    v->line == ctx->cmdline.v[j].line)
				cmd = 1;
		if (cmd)
			free(u->disagree.v[i]);
		else
			u->disagree.v[w++] = u->disagree.v[i];
	}
	u->disagree.n = w;
}

static int
by_tuser(const void *a, const void *b)
{
	const struct snap_sshd_t *x = *(const struct snap_sshd_t *const *)a;
	const struct snap_sshd_t *y = *(const struct snap_sshd_t *const *)b;
	int c = strcmp(x->user, y->user);

	/* the first answer for a user wins, as snap_sshd_t_for has it */
	return c != 0 ? c : (x < y ? -1 : x > y);
}

/* The target's sshd -T answer for a user, by binary search: a host may
 * send one for each of 100,000 accounts. */
static const struct snap_sshd_t *
sshd_t_for(struct ka_ctx *ctx, const char *user)
{
	const struct snapshot *s = ctx->snap;
	size_t lo = 0, hi = s->nsshd_t;

	if (s->nsshd_t == 0)
		return NULL;
	if (ctx->sshd_t_index == NULL) {
		ctx->sshd_t_index = xcalloc(s->nsshd_t, sizeof(*ctx->sshd_t_index));
		for (size_t i = 0; i < s->nsshd_t; i++)
			ctx->sshd_t_index[i] = &s->sshd_t[i];
		qsort(ctx->sshd_t_index, s->nsshd_t, sizeof(*ctx->sshd_t_index), by_tuser);
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ctx->sshd_t_index[mid]->user, user) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nsshd_t && strcmp(ctx->sshd_t_index[lo]->user, user) == 0 ?
	    ctx->sshd_t_index[lo] : NULL;
}

/* With the target's own sshd -T answer for this user: compare, and when
 * the engine disagrees, believe sshd (and say so: a keyaudit bug). The
 * user's own configuration counts against the host's budget of distinct
 * ones: -1 when it is spent (a host can answer for every account). */
static int
reconcile_with_sshd(struct ka_ctx *ctx, struct ka_user *u)
{
	const struct snap_sshd_t *t = sshd_t_for(ctx, u->name);

	if (t == NULL || t->output == NULL)
		return 0;
	/* accounts share a few configurations: dump each once */
	if (ctx->dumped != u->eff) {
		buf_free(&ctx->dump);
		buf_init(&ctx->dump);
		sshd_eff_dump(u->eff, &ctx->dump);
		ctx->dumped = u->eff;
	}
	diff_dumps(ctx->dump.data ? ctx->dump.data : "", t->output,
	    ctx->release != 0 && ctx->release != REL_MODEL, &u->disagree);
	drop_cmdline_keywords(ctx, u);
	if (u->disagree.n == 0)
		return 0;
	if (ctx->budget.max_effs > 0 && ctx->budget.effs >= ctx->budget.max_effs) {
		strlist_free(&u->disagree);
		return -1;
	}
	ctx->budget.effs++;
	u->sshd_t_cfg = sshdconf_parse_text_opts("sshd -T", t->output, ctx->release,
	    ctx->cmdline.v, ctx->cmdline.n);
	if (u->eff_own)
		sshd_eff_free(u->eff);
	u->eff = sshdconf_effective(u->sshd_t_cfg, NULL);
	u->eff_own = 1;
	return 0;
}

static int
stop_late(void *arg)
{
	return ctx_late(arg);
}

/* The shared effective configuration for conn, made on first use; NULL
 * when it would be one more than the host's budget allows, or when the
 * deadline passed while it was worked out (ctx_late says which). */
static struct sshd_eff *
eff_for(struct ka_ctx *ctx, struct sshd_conn *conn)
{
	struct ka_effcache *c = ctx->effcache;
	struct buf text;
	unsigned char *key;
	size_t nbits, keylen, i;
	struct sshd_eff *e;

	buf_init(&text);
	conn->stop = stop_late;
	conn->stop_arg = ctx;
	if (sshdconf_match_key(ctx->sshd, conn, &text) != 0) {
		buf_free(&text);
		return NULL;
	}
	nbits = text.len - 1;
	keylen = (nbits + 7) / 8 + 1;
	key = xcalloc(keylen, 1);
	for (i = 0; i < nbits; i++)
		if (text.data[i] == '1')
			key[i / 8] |= (unsigned char)(1u << (i % 8));
	key[keylen - 1] = (unsigned char)(nbits % 8);
	buf_free(&text);
	if (strmap_get(&c->bykey, key, keylen, &i)) {
		free(key);
		return c->v[i];
	}
	if (ctx->budget.max_effs > 0 && ctx->budget.effs >= ctx->budget.max_effs) {
		free(key);
		return NULL;
	}
	e = sshdconf_effective(ctx->sshd, conn);
	if (ctx_late(ctx)) {
		/* stopped half way: not this user's configuration */
		sshd_eff_free(e);
		free(key);
		return NULL;
	}
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n] = e;
	strmap_add(&c->bykey, key, keylen, c->n, NULL);
	c->n++;
	free(key);
	ctx->budget.effs++;
	return e;
}

/* 0, or -1 when the user's effective configuration is past the budget. */
static int
setup_user(struct ka_ctx *ctx, struct ka_user *u)
{
	const struct snapshot *s = ctx->snap;
	const struct sshd_value *v;
	struct sshd_conn conn;

	u->acct = snap_account_by_name(s, u->name);
	memset(&conn, 0, sizeof(conn));
	conn.user = u->name;
	conn.addr = ctx->opts ? ctx->opts->from_addr : NULL;
	conn.groups = u->groups;
	conn.ngroups = u->ngroups;
	conn.invalid_user = u->acct == NULL;
	if ((u->eff = eff_for(ctx, &conn)) == NULL || reconcile_with_sshd(ctx, u) != 0)
		return -1;

	if (u->acct == NULL)
		return 0;
	v = sshd_eff_get(u->eff, "authorizedkeysfile");
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		char *path;
		if (strcasecmp(v->v[i], "none") == 0)
			continue;
		if ((path = expand_authorized_keys_path(v->v[i], u->acct)) != NULL)
			strlist_add_owned(&u->akfiles, path);
	}
	/* AuthorizedKeysFile none and no command: sshd.no-keys-file's fix
	 * makes sshd read .ssh/authorized_keys, so that file is judged now,
	 * and the scan shows what would still block the login after it */
	if (u->akfiles.n == 0 && v != NULL && v->n > 0) {
		const char *cmd = sshd_eff_str(u->eff, "authorizedkeyscommand");
		char *path;

		if ((cmd == NULL || strcasecmp(cmd, "none") == 0) &&
		    (path = expand_authorized_keys_path(".ssh/authorized_keys", u->acct)) != NULL)
			strlist_add_owned(&u->akfiles, path);
	}
	return 0;
}

/* Each audited user's groups, primary first, in one pass over the group
 * list (a per-user scan of every group is quadratic on large hosts). */
static void
user_groups(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	size_t *slot = xcalloc(s->naccounts + 1, sizeof(*slot));

	for (size_t i = 0; i < ctx->nusers; i++) {
		struct ka_user *u = &ctx->users[i];
		const struct snap_account *a = snap_account_by_name(s, u->name);
		const struct snap_group *pg;

		if (a == NULL)
			continue;
		slot[a - s->accounts] = i + 1;
		u->groups = xcalloc(8, sizeof(*u->groups));
		if ((pg = snap_group_by_gid(s, a->gid)) != NULL)
			u->groups[u->ngroups++] = pg->name;
	}
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct snap_group *gr = &s->groups[g];
		for (size_t m = 0; m < gr->members.n; m++) {
			const struct snap_account *a = snap_account_by_name(s, gr->members.v[m]);
			struct ka_user *u;

			if (a == NULL || slot[a - s->accounts] == 0)
				continue;
			u = &ctx->users[slot[a - s->accounts] - 1];
			if (u->ngroups > 0 && strcmp(u->groups[0], gr->name) == 0)
				continue;
			/* the kernel's NGROUPS_MAX: sshd's user has no more, and
			 * Match Group works through every one per Match line */
			if (u->ngroups >= 65536)
				continue;
			if (u->ngroups % 8 == 0)
				u->groups = xreallocarray(u->groups, u->ngroups + 8,
				    sizeof(*u->groups));
			u->groups[u->ngroups++] = gr->name;
		}
	}
	free(slot);
}

int
ctx_late(struct ka_ctx *ctx)
{
	struct timespec ts;

	if (ctx->budget.late)
		return 1;
	if (ctx->budget.deadline <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((double)ts.tv_sec + ts.tv_nsec / 1e9 >= ctx->budget.deadline)
		ctx->budget.late = 1;
	return ctx->budget.late;
}

int
ctx_stopped(struct ka_ctx *ctx, const char *family, const char *what,
    size_t done, size_t total)
{
	struct strlist *l = &ctx->budget.late_work;
	size_t n = strlen(family);

	/* a loop that runs several times (ctx_foreach_key) says it once */
	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i], family, n) == 0 && l->v[i][n] == ':')
			return 1;
	strlist_add_owned(l, xasprintf("%s: %zu of %zu %s not examined",
	    family, total - done, total, what));
	return 1;
}

/* Lines of an authorized_keys content ak_parse would keep. */
static size_t
count_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *e = p + len, *nl;

	for (; p < e && n < AK_MAX_LINES; p = nl + 1) {
		n++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;
	}
	return n;
}

/* The parse of f (snapshot index i), shared by content, charged to the
 * host's key-line budget once; AK_REFUSED past it. */
static const struct ak_file *
akfile_parse(struct ka_ctx *ctx, const struct snap_file *f, size_t i)
{
	struct ka_akcache *c = ctx->akcache;
	struct ka_budget_state *b = &ctx->budget;
	uint64_t key[2] = { strmap_hash(f->content, f->content_len), f->content_len };
	struct ak_parsed *p;
	size_t j, lines;

	if (strmap_get(&c->bycontent, key, sizeof(key), &j) &&
	    memcmp(c->parsed[j]->content, f->content, f->content_len) == 0)
		return c->byfile[i] = &c->parsed[j]->ak;
	lines = count_lines(f->content, f->content_len);
	if (b->max_key_lines > 0 && b->key_lines + lines > b->max_key_lines) {
		b->files_unparsed++;
		b->lines_unparsed += lines;
		return c->byfile[i] = AK_REFUSED;
	}
	b->key_lines += lines;
	p = xcalloc(1, sizeof(*p));
	p->content = f->content;
	p->len = f->content_len;
	ak_parse(f->content, f->content_len, &p->ak);
	/* an option the target's sshd does not know kills the line there */
	ak_apply_release(&p->ak, ctx->release);
	c->parsed = xreallocarray(c->parsed, c->nparsed + 1, sizeof(*c->parsed));
	c->parsed[c->nparsed] = p;
	/* a (hash, length) twin with other bytes is parsed, not shared */
	strmap_add(&c->bycontent, key, sizeof(key), c->nparsed, NULL);
	c->nparsed++;
	return c->byfile[i] = &p->ak;
}

/*
 * Which users' key lines the checks examine: in audit order, as long as
 * the lines of their files (each canonical file once per user) fit the
 * host's budget and every file could be parsed. The others keep their
 * file list (perm still walks it) but no check reads their lines.
 */
static void
admit_key_lines(struct ka_ctx *ctx)
{
	struct ka_budget_state *b = &ctx->budget;

	for (size_t i = 0; i < ctx->nusers; i++) {
		struct ka_user *u = &ctx->users[i];
		struct strlist seen = { 0 };
		size_t lines = 0;
		int refused = 0;

		if (u->acct == NULL)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const struct ak_file *ak;
			char *canon = NULL;
			const char *why;

			if (snap_realpath(ctx->snap, u->akfiles.v[j], &canon, &why) != 0)
				continue;
			if (strlist_has(&seen, canon)) {
				free(canon);
				continue;
			}
			ak = ctx_akfile(ctx, canon, u->name);
			strlist_add_owned(&seen, canon);
			if (ak == NULL) {
				const struct snap_file *f = snap_file_get(ctx->snap, seen.v[seen.n - 1]);

				/* not collected, or not readable by the account: akeys
				 * says so; not parsed: counted */
				if (f != NULL && f->has_content &&
				    snap_unreadable_for(f, u->name) == NULL) {
					refused = 1;
					lines += count_lines(f->content, f->content_len);
				}
				continue;
			}
			lines += ak->n;
		}
		strlist_free(&seen);
		if (!refused && (b->max_pairs == 0 || b->pairs + lines <= b->max_pairs)) {
			b->pairs += lines;
			continue;
		}
		u->keys_unexamined = 1;
		b->pair_users++;
		b->pairs_unexamined += lines;
	}
}

void
ctx_init(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, struct ka_host_result *out)
{
	ctx_init_budget(ctx, snap, opts, NULL, out);
}

void
ctx_init_budget(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, const struct ka_budget *lim,
    struct ka_host_result *out)
{
	struct ka_budget_state *b;
	struct sshdconf_io io;
	const char *cfgpath;
	const struct snap_file *main;
	size_t w;

	memset(ctx, 0, sizeof(*ctx));
	ctx->snap = snap;
	ctx->opts = opts;
	ctx->out = out;
	b = &ctx->budget;
	b->max_findings = lim && lim->findings ? lim->findings : KA_BUDGET_FINDINGS;
	b->max_key_lines = lim && lim->key_lines ? lim->key_lines : KA_BUDGET_KEY_LINES;
	b->max_pairs = lim && lim->pairs ? lim->pairs : KA_BUDGET_PAIRS;
	b->max_accounts = lim && lim->accounts ? lim->accounts : KA_BUDGET_ACCOUNTS;
	b->max_effs = lim && lim->effs ? lim->effs : KA_BUDGET_EFFS;
	b->deadline = lim ? lim->deadline : 0;
	b->timeout = lim ? lim->timeout : 0;
	cfgpath = snap->sshd_config_path ? snap->sshd_config_path : "/etc/ssh/sshd_config";
	ctx_sshdconf_io(snap, &io);
	sysunit_sshd_cmdline(snap, &ctx->cmdline);
	io.cmdopts = ctx->cmdline.v;
	io.ncmdopts = ctx->cmdline.n;
	ctx->socket_on = sysunit_socket(snap, &ctx->socket);
	ctx->sshd = sshdconf_parse(cfgpath, &io);
	{
		char *canon = NULL;
		const char *why;

		main = snap_realpath(snap, cfgpath, &canon, &why) == 0 ?
		    snap_file_get(snap, canon) : NULL;
		ctx->sshd_config_found = main != NULL && main->has_content;
		free(canon);
	}
	ctx->global = sshdconf_effective(ctx->sshd, NULL);
	/* Without sshd -T (no privileges), sshd -G's answer for no connection
	 * is the target's own word on the global configuration. */
	if (snap->sshd_g != NULL) {
		struct buf d;

		buf_init(&d);
		sshd_eff_dump(ctx->global, &d);
		diff_dumps(d.data ? d.data : "", snap->sshd_g, io.release != 0 &&
		    io.release != REL_MODEL, &ctx->g_disagree);
		buf_free(&d);
	}
	read_os_release(ctx);
	decide_upg_rule(ctx);
	ctx->release = io.release;
	ctx->akcache = xcalloc(1, sizeof(*ctx->akcache));
	ctx->effcache = xcalloc(1, sizeof(*ctx->effcache));

	/* Accounts past the budget are not audited at all: each costs a
	 * context entry, and the checks work per account. */
	ctx->nusers = snap->users.n;
	if (ctx->nusers > b->max_accounts) {
		b->accounts_dropped = ctx->nusers - b->max_accounts;
		ctx->nusers = b->max_accounts;
	}
	ctx->users = xcalloc(ctx->nusers + 1, sizeof(*ctx->users));
	for (size_t i = 0; i < ctx->nusers; i++)
		ctx->users[i].name = snap->users.v[i];
	user_groups(ctx);
	/* Users the deadline or the configuration budget leaves out are
	 * dropped from the list, so no check sees half of one. */
	for (size_t i = w = 0; i < ctx->nusers; i++) {
		struct ka_user *u = &ctx->users[i];

		if (ctx_late(ctx)) {
			b->late_users += ctx->nusers - i;
			for (size_t j = i; j < ctx->nusers; j++)
				free(ctx->users[j].groups);
			break;
		}
		if (setup_user(ctx, u) != 0) {
			free(u->groups);
			if (!ctx_late(ctx)) {
				b->eff_users++;
				continue;
			}
			b->late_users += ctx->nusers - i;
			for (size_t j = i + 1; j < ctx->nusers; j++)
				free(ctx->users[j].groups);
			break;
		}
		if (w != i)
			ctx->users[w] = *u;
		w++;
	}
	ctx->nusers = w;
	admit_key_lines(ctx);
}

/* A host names one RevokedKeys file, or one per Match block: a short list,
 * bounded by the distinct effective configurations (KA_BUDGET_EFFS) and by
 * what was collected. */
struct ka_krlcache {
	struct krlent {
		const struct snap_file *f;
		struct krl *k;
		char *err;
	} *e;
	size_t n, cap;
};

const struct krl *
ctx_krl(struct ka_ctx *ctx, const struct snap_file *f, const char **err)
{
	struct ka_krlcache *c;
	struct krlent *ent;
	char *e = NULL;

	*err = NULL;
	if (f == NULL || !f->has_content ||
	    !krl_is_krl((const unsigned char *)f->content, f->content_len))
		return NULL;
	if (ctx->krlcache == NULL)
		ctx->krlcache = xcalloc(1, sizeof(*ctx->krlcache));
	c = ctx->krlcache;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].f == f) {
			*err = c->e[i].err;
			return c->e[i].k;
		}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		c->e = xreallocarray(c->e, c->cap, sizeof(*c->e));
	}
	ent = &c->e[c->n++];
	ent->f = f;
	ent->k = krl_parse((const unsigned char *)f->content, f->content_len, &e);
	if (ent->k == NULL && e == NULL)
		e = xstrdup("not a KRL sshd can load");
	ent->err = e;
	*err = e;
	return ent->k;
}

/* The public key sshd would pair a HostCertificate with: each HostKey's
 * KEY.pub as collected (the private key's bytes are never read). */
int
host_key_certified(const struct snapshot *s, const struct sshd_eff *g,
    const struct ssh_cert *c)
{
	const struct sshd_value *hk = sshd_eff_get(g, "hostkey");
	int unknown = 0;

	for (size_t i = 0; hk != NULL && i < hk->n; i++) {
		char *pub = xasprintf("%s.pub", hk->v[i]);
		const struct snap_file *f = snap_file_get(s, pub);
		struct ak_line k;
		int same;

		free(pub);
		if (f == NULL || f->type != SNAP_REG || !f->has_content) {
			/* no KEY.pub: sshd may still read the public half from
			 * the private key, unless that is missing too */
			const struct snap_file *priv = snap_file_get(s, hk->v[i]);

			unknown |= f == NULL || f->type != SNAP_NOENT || priv == NULL ||
			    priv->type != SNAP_NOENT;
			continue;
		}
		ak_parse_line(f->content, strcspn(f->content, "\n"), 1, &k);
		same = k.status == AK_KEY && k.bloblen == c->key_bloblen &&
		    memcmp(k.blob, c->key_blob, k.bloblen) == 0;
		ak_line_free(&k);
		if (same)
			return 1;
	}
	return unknown ? -1 : 0;
}

void
ctx_free(struct ka_ctx *ctx)
{
	if (ctx->krlcache != NULL) {
		for (size_t i = 0; i < ctx->krlcache->n; i++) {
			krl_free(ctx->krlcache->e[i].k);
			free(ctx->krlcache->e[i].err);
		}
		free(ctx->krlcache->e);
		free(ctx->krlcache);
	}
	for (size_t i = 0; i < ctx->nusers; i++) {
		if (ctx->users[i].eff_own)
			sshd_eff_free(ctx->users[i].eff);
		strlist_free(&ctx->users[i].akfiles);
		strlist_free(&ctx->users[i].disagree);
		free(ctx->users[i].groups);
		sshdconf_free(ctx->users[i].sshd_t_cfg);
	}
	free(ctx->users);
	if (ctx->akcache) {
		for (size_t i = 0; i < ctx->akcache->nparsed; i++) {
			ak_file_free(&ctx->akcache->parsed[i]->ak);
			free(ctx->akcache->parsed[i]);
		}
		free(ctx->akcache->parsed);
		strmap_free(&ctx->akcache->bycontent);
		free(ctx->akcache->byfile);
		free(ctx->akcache);
	}
	if (ctx->effcache) {
		for (size_t i = 0; i < ctx->effcache->n; i++)
			sshd_eff_free(ctx->effcache->v[i]);
		free(ctx->effcache->v);
		strmap_free(&ctx->effcache->bykey);
		free(ctx->effcache);
	}
	if (ctx->usage != NULL)
		usagelog_free(ctx->usage);
	strlist_free(&ctx->budget.late_work);
	free(ctx->sshd_t_index);
	buf_free(&ctx->dump);
	sshd_eff_free(ctx->global);
	strlist_free(&ctx->g_disagree);
	sshdconf_free(ctx->sshd);
	free(ctx->upg_rule);
	sshd_cmdline_free(&ctx->cmdline);
	sshd_socket_free(&ctx->socket);
	free(ctx->os_id);
	free(ctx->os_like);
	memset(ctx, 0, sizeof(*ctx));
}

const struct ak_file *
ctx_akfile(struct ka_ctx *ctx, const char *path, const char *reader)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);
	struct ka_akcache *c = ctx->akcache;
	const struct ak_file *ak;
	size_t i;

	if (f == NULL || snap_unreadable_for(f, reader) != NULL)
		return NULL;
	i = (size_t)(f - ctx->snap->files);
	if (c->n < ctx->snap->nfiles) {
		c->byfile = xreallocarray(c->byfile, ctx->snap->nfiles, sizeof(*c->byfile));
		memset(c->byfile + c->n, 0, (ctx->snap->nfiles - c->n) * sizeof(*c->byfile));
		c->n = ctx->snap->nfiles;
	}
	ak = c->byfile[i] != NULL ? c->byfile[i] : akfile_parse(ctx, f, i);
	return ak == AK_REFUSED ? NULL : ak;
}

const char *
ctx_sshd_config_path(const struct ka_ctx *ctx)
{
	return ctx->snap->sshd_config_path ? ctx->snap->sshd_config_path :
	    "/etc/ssh/sshd_config";
}

void
ctx_setting_where(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *kw, const char **path, long *line)
{
	const struct sshd_value *v = sshd_eff_get(e, kw);

	if (v != NULL && v->file != NULL) {
		*path = v->file;
		*line = v->line;
	} else {
		*path = ctx_sshd_config_path(ctx);
		*line = 0;
	}
}

int
ctx_rule_active(const struct ka_ctx *ctx, const struct ka_rule *r)
{
	const struct strlist *only;

	if (ctx->opts == NULL)
		return !r->opt_in;
	only = ctx->opts->only;
	if (r->opt_in && !policy_check_opted_in(ctx->opts->policy, r->id) &&
	    !(only != NULL && strlist_has(only, r->id)))
		return 0;
	return check_selected(r, only) && policy_check_enabled(ctx->opts->policy, r->id);
}

struct ka_finding *
ctx_finding(struct ka_ctx *ctx, const struct ka_rule *r, const char *user,
    const char *path, long line, const char *fix, const char *fmt, ...)
{
	struct ka_finding *f;
	va_list ap;
	char *msg;

	if (!ctx_rule_active(ctx, r))
		return NULL;
	/* a twentieth is kept for findings about the host (its sshd config,
	 * its files): thousands of accounts must not crowd those out */
	if (ctx->budget.max_findings > 0 && ctx->out->nfindings >= ctx->budget.max_findings -
	    (user != NULL ? ctx->budget.max_findings / 20 : 0)) {
		struct ka_budget_state *b = &ctx->budget;

		/* counted by rule, the first few rules, for the message */
		b->findings_dropped++;
		for (size_t k = 0; k < KA_BUDGET_TOP; k++) {
			if (b->dropped[k].rule == NULL)
				b->dropped[k].rule = r;
			if (b->dropped[k].rule == r) {
				b->dropped[k].n++;
				break;
			}
		}
		return NULL;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f = finding_add(ctx->out, r, user, path, line, fix, "%s", msg);
	free(msg);
	if (ctx->opts && ctx->opts->policy)
		f->severity = (enum ka_severity)policy_severity(ctx->opts->policy,
		    r->id, (int)r->severity);
	return f;
}

void
ctx_skip(struct ka_ctx *ctx, const struct ka_rule *r, const char *subject,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!ctx_rule_active(ctx, r))
		return;
	if (ctx->budget.max_findings > 0 && ctx->out->nskips >= ctx->budget.max_findings) {
		ctx->budget.skips_dropped++;
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	skip_add(ctx->out, r, subject, "%s", msg);
	free(msg);
}

const struct usagelog *
ctx_usage(struct ka_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;

	if (!s->authlogs_asked)
		return NULL;
	if (ctx->usage != NULL)
		return ctx->usage;
	/* an old snapshot without its time is read as of now */
	ctx->usage = usagelog_new(s->collected_at ? s->collected_at : (int64_t)time(NULL));
	usagelog_set_zone(ctx->usage, local_zone);
	/* oldest first, as sshd wrote them; a source's last line ends with it */
	for (size_t i = s->nauthlogs; i-- > 0;) {
		const struct snap_authlog *l = &s->authlogs[i];
		const char *p = l->lines;
		size_t n = l->len;

		if (p == NULL)
			continue;
		if (l->truncated) {
			/* kept from the end: the first line is a fragment */
			const char *nl = memchr(p, '\n', n);
			n = nl ? n - (size_t)(nl + 1 - p) : 0;
			p = nl ? nl + 1 : p;
		}
		usagelog_feed(ctx->usage, p, n);
		usagelog_end(ctx->usage);
	}
	return ctx->usage;
}

void
ctx_foreach_key(struct ka_ctx *ctx, ctx_key_fn fn, void *arg)
{
	const struct snapshot *s = ctx->snap;

	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		struct strlist seen = { 0 };

		if (ctx_late(ctx) && ctx_stopped(ctx, "key lines", "accounts", i, ctx->nusers))
			break;
		if (u->acct == NULL || u->keys_unexamined)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const struct ak_file *ak;
			char *canon = NULL;
			const char *why;

			if (snap_realpath(s, u->akfiles.v[j], &canon, &why) != 0)
				continue;
			/* AuthorizedKeysFile may name one file twice */
			if (strlist_has(&seen, canon) || (ak = ctx_akfile(ctx, canon, u->name)) == NULL) {
				free(canon);
				continue;
			}
			strlist_add(&seen, canon);
			for (size_t l = 0; l < ak->n; l++)
				if (ak->lines[l].status == AK_KEY ||
				    ak->lines[l].status == AK_BAD_OPTIONS)
					fn(ctx, u, canon, snap_stat(s, canon), &ak->lines[l], arg);
			free(canon);
		}
		strlist_free(&seen);
	}
}
