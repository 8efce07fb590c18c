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

#include "scanner/context.h"
#include "scanner/policy.h"
#include "scanner/parse/usagelog.h"
#include "checks/check.h"

struct ka_akcache {
	struct ak_file **byfile;	/* indexed like snap->files */
	size_t n;
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
	if (f == NULL || f->type == SNAP_NOENT) {
		errno = ENOENT;
		return -1;
	}
	if (!f->has_content) {
		errno = f->type == SNAP_DIR ? EISDIR : EACCES;
		return -1;
	}
	*data = f->content;
	*len = f->content_len;
	return 0;
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
	io->read = snap_read;
	io->glob = snap_globfn;
	io->home_of = snap_home_of;
	io->ctx = (void *)snap;
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
			strlist_add_owned(out, line);
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

/* Keywords whose lines differ between two sshd -T texts. */
static void
diff_dumps(const char *mine, const char *theirs, struct strlist *out)
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
		char *kw = xstrndup(line, strcspn(line, " "));

		if (c != 0 && !strlist_has(out, kw))
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

/* With the target's own sshd -T answer for this user: compare, and when
 * the engine disagrees, believe sshd (and say so: a keyaudit bug). */
static void
reconcile_with_sshd(struct ka_ctx *ctx, struct ka_user *u)
{
	const struct snap_sshd_t *t = snap_sshd_t_for(ctx->snap, u->name);
	struct buf mine;

	if (t == NULL || t->output == NULL)
		return;
	buf_init(&mine);
	sshd_eff_dump(u->eff, &mine);
	diff_dumps(mine.data ? mine.data : "", t->output, &u->disagree);
	buf_free(&mine);
	if (u->disagree.n == 0)
		return;
	u->sshd_t_cfg = sshdconf_parse_text("sshd -T", t->output);
	sshd_eff_free(u->eff);
	u->eff = sshdconf_effective(u->sshd_t_cfg, NULL);
}

static void
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
	u->eff = sshdconf_effective(ctx->sshd, &conn);
	reconcile_with_sshd(ctx, u);

	if (u->acct == NULL)
		return;
	v = sshd_eff_get(u->eff, "authorizedkeysfile");
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		char *path;
		if (strcasecmp(v->v[i], "none") == 0)
			continue;
		if ((path = expand_authorized_keys_path(v->v[i], u->acct)) != NULL)
			strlist_add_owned(&u->akfiles, path);
	}
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
			if (u->ngroups % 8 == 0)
				u->groups = xreallocarray(u->groups, u->ngroups + 8,
				    sizeof(*u->groups));
			u->groups[u->ngroups++] = gr->name;
		}
	}
	free(slot);
}

void
ctx_init(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, struct ka_host_result *out)
{
	struct sshdconf_io io;
	const char *cfgpath;
	const struct snap_file *main;

	memset(ctx, 0, sizeof(*ctx));
	ctx->snap = snap;
	ctx->opts = opts;
	ctx->out = out;
	cfgpath = snap->sshd_config_path ? snap->sshd_config_path : "/etc/ssh/sshd_config";
	ctx_sshdconf_io(snap, &io);
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
	read_os_release(ctx);
	decide_upg_rule(ctx);

	ctx->nusers = snap->users.n;
	ctx->users = xcalloc(ctx->nusers, sizeof(*ctx->users));
	for (size_t i = 0; i < ctx->nusers; i++)
		ctx->users[i].name = snap->users.v[i];
	user_groups(ctx);
	for (size_t i = 0; i < ctx->nusers; i++)
		setup_user(ctx, &ctx->users[i]);
	ctx->akcache = xcalloc(1, sizeof(*ctx->akcache));
}

void
ctx_free(struct ka_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nusers; i++) {
		sshd_eff_free(ctx->users[i].eff);
		strlist_free(&ctx->users[i].akfiles);
		strlist_free(&ctx->users[i].disagree);
		free(ctx->users[i].groups);
		sshdconf_free(ctx->users[i].sshd_t_cfg);
	}
	free(ctx->users);
	if (ctx->akcache) {
		for (size_t i = 0; i < ctx->akcache->n; i++) {
			if (ctx->akcache->byfile[i]) {
				ak_file_free(ctx->akcache->byfile[i]);
				free(ctx->akcache->byfile[i]);
			}
		}
		free(ctx->akcache->byfile);
		free(ctx->akcache);
	}
	if (ctx->usage != NULL)
		usagelog_free(ctx->usage);
	sshd_eff_free(ctx->global);
	sshdconf_free(ctx->sshd);
	free(ctx->upg_rule);
	free(ctx->os_id);
	free(ctx->os_like);
	memset(ctx, 0, sizeof(*ctx));
}

const struct ak_file *
ctx_akfile(struct ka_ctx *ctx, const char *path, const char *reader)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);
	struct ka_akcache *c = ctx->akcache;
	size_t i;

	if (f == NULL || snap_unreadable_for(f, reader) != NULL)
		return NULL;
	i = (size_t)(f - ctx->snap->files);
	if (c->n < ctx->snap->nfiles) {
		c->byfile = xreallocarray(c->byfile, ctx->snap->nfiles, sizeof(*c->byfile));
		memset(c->byfile + c->n, 0, (ctx->snap->nfiles - c->n) * sizeof(*c->byfile));
		c->n = ctx->snap->nfiles;
	}
	if (c->byfile[i] == NULL) {
		c->byfile[i] = xcalloc(1, sizeof(struct ak_file));
		ak_parse(f->content, f->content_len, c->byfile[i]);
	}
	return c->byfile[i];
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

		if (u->acct == NULL)
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
