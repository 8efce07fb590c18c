/* preflight.c - `keyaudit preflight` below the command line: the proposal
 * read from disk, laid over a collected snapshot as a view (a new file table
 * over the same accounts and contents: nothing is written anywhere, nothing
 * collected twice), both checked by the engine, and each account's key login
 * compared: ok or refused, with the finding that decides. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/preflight.h"
#include "scanner/engine.h"
#include "scanner/fileio.h"
#include "scanner/strmap.h"
#include "checks/check.h"

#define PF_FILE_LIMIT	(8u * 1024 * 1024)
#define PF_MAX_FILES	4096
#define PF_MAX_DEPTH	8
#define PF_TOTAL_LIMIT	(64u * 1024 * 1024)	/* all files of a proposal */

/* The bytes read so far for one proposal (preflight_load is not called
 * from threads). */
static size_t pf_total;

/* ---- the proposal, from disk ------------------------------------------------ */

static int
load_one(const char *path, struct pf_file *f, char **err)
{
	struct buf b;
	char *e = NULL;
	int rc;

	buf_init(&b);
	rc = read_file_bounded(path, PF_FILE_LIMIT, &b, &e);
	if (rc != 0) {
		*err = e ? e : xasprintf("%s: no such file", path);
		buf_free(&b);
		return -1;
	}
	if ((pf_total += b.len) > PF_TOTAL_LIMIT) {
		*err = xasprintf("%s: the proposal is larger than %u MiB in all", path,
		    PF_TOTAL_LIMIT / (1024 * 1024));
		buf_free(&b);
		return -1;
	}
	f->len = b.len;
	buf_putc(&b, '\0');
	f->data = buf_steal(&b);
	return 0;
}

static int
add_file(struct pf_file **v, size_t *n, const char *name, const char *disk, char **err)
{
	struct pf_file f;

	if (*n >= PF_MAX_FILES) {
		*err = xasprintf("%s: more than %d files in the proposal", disk, PF_MAX_FILES);
		return -1;
	}
	memset(&f, 0, sizeof(f));
	if (load_one(disk, &f, err) != 0)
		return -1;
	f.path = xstrdup(name);
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = f;
	return 0;
}

/* Every regular file below dir, as /etc/ssh/REL (REL "sshd_config": the
 * main config). Symlinks are followed as the proposal's author meant them
 * (a file is read, a directory entered); hidden files are proposal too. */
static int
walk(struct pf_proposal *p, const char *dir, const char *rel, int depth, char **err)
{
	DIR *d;
	struct dirent *de;
	struct strlist names = { 0 };
	int rc = 0;

	if (depth > PF_MAX_DEPTH) {
		*err = xasprintf("%s: directories nested deeper than %d", dir, PF_MAX_DEPTH);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		*err = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			strlist_add(&names, de->d_name);
	closedir(d);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *disk = xasprintf("%s/%s", dir, names.v[i]);
		char *r = *rel ? xasprintf("%s/%s", rel, names.v[i]) : xstrdup(names.v[i]);
		struct stat st;

		if (stat(disk, &st) != 0) {
			*err = xasprintf("%s: %s", disk, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode))
			rc = walk(p, disk, r, depth + 1, err);
		else if (S_ISREG(st.st_mode)) {
			if (strcmp(r, "sshd_config") == 0) {
				rc = load_one(disk, &p->main, err);
				p->has_main = rc == 0;
				if (rc == 0)
					p->main.path = xstrdup(disk);
			} else {
				char *target = xasprintf("/etc/ssh/%s", r);
				rc = add_file(&p->etc, &p->netc, target, disk, err);
				free(target);
			}
		}
		free(disk);
		free(r);
	}
	strlist_free(&names);
	return rc;
}

int
preflight_load(struct pf_proposal *p, const char *cfg, const char *keysdir, char **err)
{
	struct stat st;

	memset(p, 0, sizeof(*p));
	*err = NULL;
	pf_total = 0;
	if (cfg == NULL)
		;	/* keys alone */
	else if (stat(cfg, &st) != 0) {
		*err = xasprintf("--proposed-sshd-config %s: %s", cfg, strerror(errno));
		return -1;
	} else if (S_ISDIR(st.st_mode)) {
		if (walk(p, cfg, "", 0, err) != 0)
			goto fail;
	} else if (load_one(cfg, &p->main, err) != 0)
		goto fail;
	else {
		p->has_main = 1;
		p->main.path = xstrdup(cfg);
	}
	if (keysdir != NULL) {
		DIR *d = opendir(keysdir);
		struct dirent *de;

		if (d == NULL) {
			*err = xasprintf("--proposed-keys %s: %s", keysdir, strerror(errno));
			goto fail;
		}
		while ((de = readdir(d)) != NULL && *err == NULL) {
			char *disk;

			if (de->d_name[0] == '.')
				continue;
			disk = xasprintf("%s/%s", keysdir, de->d_name);
			if (stat(disk, &st) == 0 && S_ISREG(st.st_mode))
				(void)add_file(&p->keys, &p->nkeys, de->d_name, disk, err);
			free(disk);
		}
		closedir(d);
		if (*err != NULL)
			goto fail;
	}
	return 0;
fail:
	preflight_proposal_free(p);
	return -1;
}

static void
files_free(struct pf_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].data);
	}
	free(v);
}

void
preflight_proposal_free(struct pf_proposal *p)
{
	free(p->main.path);
	free(p->main.data);
	files_free(p->etc, p->netc);
	files_free(p->keys, p->nkeys);
	memset(p, 0, sizeof(*p));
}

static void view_supplement(struct snapshot *v, const struct snapshot *extra);

/* ---- the view ---------------------------------------------------------------- */

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A proposed file in the view: the entry replaced (its metadata kept), or
 * added as sshd's own file would be (root's, 0644), with any directory the
 * path needs. The content is the proposal's (not copied). */
static struct snap_file *
put_file(struct snapshot *v, const char *path, const char *data, size_t len,
    uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct snap_file *f;
	char *dir = path_dirname(path);

	if (strcmp(dir, "/") != 0) {
		const struct snap_file *d = snap_file_get(v, dir);
		if (d == NULL || d->type == SNAP_NOENT || d->type == SNAP_UNKNOWN) {
			struct snap_file *nd = put_file(v, dir, NULL, 0, 0755, 0, 0);
			nd->type = SNAP_DIR;
			nd->has_content = 0;
		}
	}
	free(dir);
	f = snap_file_add(v, path);
	if (f->type != SNAP_REG && f->type != SNAP_LNK) {
		f->type = SNAP_REG;
		f->mode = mode;
		f->uid = uid;
		f->gid = gid;
		f->error = NULL;
		f->link = NULL;
	}
	if (data != NULL) {
		f->has_content = 1;
		f->content = (char *)data;
		f->content_len = len;
		f->size = (int64_t)len;
		f->truncated = 0;
		f->read_error = NULL;
		f->denied = NULL;
		f->ndenied = 0;
	}
	return f;
}

/* Where a file's content lives: through its symlinks, when the snapshot
 * knows them (a proposed /etc/ssh/sshd_config that is a link on the host
 * replaces what the link points at, as an edit would). */
static char *
content_path(const struct snapshot *v, const char *path)
{
	char *c = NULL;
	const char *why;

	if (snap_realpath(v, path, &c, &why) == 0)
		return c;
	return xstrdup(path);
}

static int
has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* An Include pattern the proposal brings that the host's configuration did
 * not have: its matches among the files the snapshot knows (and the
 * proposal adds), as glob(3) would list them. */
static void
add_glob(struct snapshot *v, const char *pattern)
{
	struct snap_glob *g;

	if (!has_wildcard(pattern) || snap_glob_get(v, pattern) != NULL)
		return;
	g = snap_glob_add(v, pattern);
	for (size_t i = 0; i < v->nfiles; i++)
		if (v->files[i].type != SNAP_NOENT && v->files[i].type != SNAP_UNKNOWN &&
		    fnmatch(pattern, v->files[i].path, FNM_PATHNAME | FNM_PERIOD) == 0)
			strlist_add(&g->matches, v->files[i].path);
	if (g->matches.n > 1)
		qsort(g->matches.v, g->matches.n, sizeof(*g->matches.v), by_str);
}

/* The Include patterns of a proposed file (relative ones under /etc/ssh,
 * as sshd reads them). Only the keyword and its words: the parser proper
 * reads the file again when the engine runs. */
static void
includes_of(struct snapshot *v, const struct pf_file *f)
{
	const char *p = f->data, *end = f->data + f->len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char *line = xstrndup(p, n), *save = NULL, *w;

		w = strtok_r(line, " \t\r=", &save);
		if (w != NULL && strcasecmp(w, "include") == 0)
			while ((w = strtok_r(NULL, " \t\r", &save)) != NULL) {
				char *pat;

				if (*w == '"')
					w++;
				if (*w != '\0' && w[strlen(w) - 1] == '"')
					w[strlen(w) - 1] = '\0';
				pat = *w == '/' ? xstrdup(w) : xasprintf("/etc/ssh/%s", w);
				add_glob(v, pat);
				free(pat);
			}
		free(line);
		p += n + 1;
	}
}

/* A proposed file that a recorded Include glob matches joins its matches,
 * in glob(3)'s order: sshd reads added drop-ins only through the globs. */
static void
join_globs(struct snapshot *v, const char *path)
{
	for (size_t i = 0; i < v->nglobs; i++) {
		struct snap_glob *g = &v->globs[i];

		if (strlist_has(&g->matches, path) ||
		    fnmatch(g->pattern, path, FNM_PATHNAME | FNM_PERIOD) != 0)
			continue;
		strlist_add(&g->matches, path);
		qsort(g->matches.v, g->matches.n, sizeof(*g->matches.v), by_str);
	}
}

/* --proposed-keys: DIR/USER becomes the content of USER's first
 * AuthorizedKeysFile under the proposed configuration (a new file is the
 * account's own, 0600, as ssh-copy-id makes it). */
static void
put_keys(struct snapshot *v, const struct pf_proposal *p)
{
	struct ka_ctx ctx;
	struct ka_host_result scratch;
	struct strlist paths = { 0 };
	size_t *which = xcalloc(p->nkeys + 1, sizeof(*which));

	host_result_init(&scratch, "preflight");
	ctx_init(&ctx, v, NULL, &scratch);
	for (size_t k = 0; k < p->nkeys; k++) {
		which[k] = SIZE_MAX;
		for (size_t i = 0; i < ctx.nusers; i++)
			if (strcmp(ctx.users[i].name, p->keys[k].path) == 0 &&
			    ctx.users[i].akfiles.n > 0 && ctx.users[i].acct != NULL) {
				which[k] = paths.n;
				strlist_add_owned(&paths, content_path(v, ctx.users[i].akfiles.v[0]));
			}
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
	/* the context points into the file table: entries are added after */
	for (size_t k = 0; k < p->nkeys; k++) {
		const struct snap_account *a;

		if (which[k] == SIZE_MAX ||
		    (a = snap_account_by_name(v, p->keys[k].path)) == NULL)
			continue;
		put_file(v, paths.v[which[k]], p->keys[k].data, p->keys[k].len, 0600,
		    a->uid, a->gid);
	}
	strlist_free(&paths);
	free(which);
}

void
preflight_view(const struct snapshot *before, const struct pf_proposal *p,
    const struct snapshot *extra, struct snapshot *v)
{
	snap_view_init(v, before);
	if (extra != NULL)
		view_supplement(v, extra);
	if (p->has_main) {
		const char *m = before->sshd_config_path ? before->sshd_config_path :
		    "/etc/ssh/sshd_config";
		char *c = content_path(v, m);

		put_file(v, c, p->main.data, p->main.len, 0644, 0, 0);
		free(c);
	}
	for (size_t i = 0; i < p->netc; i++) {
		char *c = content_path(v, p->etc[i].path);

		put_file(v, c, p->etc[i].data, p->etc[i].len, 0644, 0, 0);
		join_globs(v, p->etc[i].path);
		free(c);
	}
	if (p->has_main)
		includes_of(v, &p->main);
	for (size_t i = 0; i < p->netc; i++)
		includes_of(v, &p->etc[i]);
	if (p->nkeys > 0)
		put_keys(v, p);
}

void
preflight_view_supplement(struct snapshot *v, const struct snapshot *extra)
{
	view_supplement(v, extra);
}

static void
view_supplement(struct snapshot *v, const struct snapshot *extra)
{
	for (size_t i = 0; i < extra->nfiles; i++) {
		const struct snap_file *e = &extra->files[i];
		const struct snap_file *have = snap_file_get(v, e->path);
		struct snap_file *f;
		char *path;

		if (have != NULL && have->type != SNAP_UNKNOWN)
			continue;
		f = snap_file_add(v, e->path);
		path = f->path;
		*f = *e;
		f->path = path;
	}
	for (size_t i = 0; i < extra->nglobs; i++)
		if (snap_glob_get(v, extra->globs[i].pattern) == NULL) {
			struct snap_glob *g = snap_glob_add(v, extra->globs[i].pattern);

			for (size_t j = 0; j < extra->globs[i].matches.n; j++)
				strlist_add(&g->matches, extra->globs[i].matches.v[j]);
		}
}

void
preflight_view_free(struct snapshot *after, const struct snapshot *before)
{
	snap_view_free(after, before);
}

/* ---- the verdicts ------------------------------------------------------------ */

void
pf_host_init(struct pf_host *h, const char *target)
{
	memset(h, 0, sizeof(*h));
	h->target = xstrdup(target ? target : "local");
	host_result_init(&h->causes, h->target);
	host_result_init(&h->findings, h->target);
}

void
pf_host_free(struct pf_host *h)
{
	free(h->target);
	free(h->origin);
	free(h->error);
	for (size_t i = 0; i < h->nacc; i++) {
		free(h->acc[i].user);
		free(h->acc[i].from);
	}
	free(h->acc);
	host_result_free(&h->causes);
	host_result_free(&h->findings);
	memset(h, 0, sizeof(*h));
}

/* What one run says about one account. */
struct verdict {
	enum pf_login login;
	const struct ka_finding *cause;	/* the blocking finding, or NULL */
	char *nokey_path;		/* refused for want of any key: the file */
	int pw, kbd;
};

struct run {
	struct ka_host_result hr;
	struct strmap names;		/* user -> index into v */
	struct verdict *v;
	size_t nv;
};

/* Findings about the client side of a connection (what ssh offers, known
 * hosts, the network) are the same before and after and say nothing about
 * what sshd would accept: a preflight judges the server. */
static int
server_side(const struct ka_rule *r)
{
	static const char *const client[] = { "net.", "hostkey.", "client.", "hostcert." };

	for (size_t i = 0; i < KA_ARRLEN(client); i++)
		if (strncmp(r->id, client[i], strlen(client[i])) == 0)
			return 0;
	return 1;
}

static int
chain_rank(const struct ka_rule *r)
{
	return r->chain > 0 ? r->chain : 1 << 29;
}

/* Does f come before g in sshd's order? sshd.syntax first (sshd would not
 * start), then the chain rank, then report order. */
static int
better(const struct ka_finding *f, const struct ka_finding *g)
{
	if (g == NULL)
		return 1;
	if ((f->rule == &rule_sshd_syntax) != (g->rule == &rule_sshd_syntax))
		return f->rule == &rule_sshd_syntax;
	return chain_rank(f->rule) < chain_rank(g->rule);
}

static int
is_none(const char *s)
{
	return s == NULL || strcasecmp(s, "none") == 0;
}

/* Does AuthenticationMethods let method alone log the user in? */
static int
method_alone(const struct sshd_eff *e, const char *method)
{
	const struct sshd_value *v = sshd_eff_get(e, "authenticationmethods");
	size_t n = strlen(method);

	if (v == NULL || v->n == 0 || (v->n == 1 && strcmp(v->v[0], "any") == 0))
		return 1;
	for (size_t i = 0; i < v->n; i++) {
		const char *p = v->v[i];
		int only = 1;

		while (*p != '\0' && only) {
			size_t w = strcspn(p, ",");
			only = w >= n && strncmp(p, method, n) == 0 && (w == n || p[n] == ':');
			p += w + (p[w] == ',');
		}
		if (only)
			return 1;
	}
	return 0;
}

static void
run_snapshot(const struct snapshot *s, const struct ka_options *o, struct run *r)
{
	struct ka_ctx ctx;
	struct ka_host_result scratch;
	struct strmap haskey = { 0 }, blocking = { 0 }, account = { 0 };
	const struct ka_finding *hostwide = NULL;

	host_result_init(&r->hr, s->target);
	engine_check_snapshot(s, o, &r->hr);
	for (size_t k = 0; k < r->hr.keys.n; k++) {
		const char *l = r->hr.keys.v[k];
		strmap_add(&haskey, l, strcspn(l, "\t"), 1, NULL);
	}
	/* the blocking findings that count, by account (a fleet host has
	 * thousands of accounts and findings: no account looks at another's) */
	for (size_t k = 0; k < r->hr.nfindings; k++) {
		const struct ka_finding *f = &r->hr.findings[k];
		size_t at;
		int added;

		if (!f->blocks_login || !server_side(f->rule))
			continue;
		if (f->user == NULL) {
			if (better(f, hostwide))
				hostwide = f;
			continue;
		}
		at = strmap_add(&blocking, f->user, strlen(f->user), k, &added);
		if (at != STRMAP_NONE && !added &&
		    better(f, &r->hr.findings[strmap_at(&blocking, at)->value]))
			strmap_set(&blocking, at, k);
		if (strncmp(f->rule->id, "account.", 8) == 0)
			strmap_add(&account, f->user, strlen(f->user), 1, NULL);
	}
	/* the effective configuration per account, for the methods */
	host_result_init(&scratch, s->target);
	ctx_init(&ctx, s, o, &scratch);
	memset(&r->names, 0, sizeof(r->names));
	r->v = xcalloc(ctx.nusers + 1, sizeof(*r->v));
	r->nv = ctx.nusers;
	for (size_t i = 0; i < ctx.nusers; i++) {
		const struct ka_user *u = &ctx.users[i];
		struct verdict *v = &r->v[i];
		size_t k;
		int account_blocked;

		strmap_add(&r->names, u->name, strlen(u->name), i, NULL);
		v->cause = hostwide;
		if (strmap_get(&blocking, u->name, strlen(u->name), &k) &&
		    better(&r->hr.findings[k], v->cause))
			v->cause = &r->hr.findings[k];
		account_blocked = (hostwide != NULL && hostwide->rule == &rule_sshd_syntax) ||
		    strmap_find(&account, u->name, strlen(u->name)) != STRMAP_NONE;
		if (v->cause != NULL)
			v->login = PF_REFUSED;
		else if (strmap_find(&haskey, u->name, strlen(u->name)) == STRMAP_NONE &&
		    (u->eff == NULL ||
		    (is_none(sshd_eff_str(u->eff, "authorizedkeyscommand")) &&
		    is_none(sshd_eff_str(u->eff, "trustedusercakeys"))))) {
			v->login = PF_REFUSED;
			/* the context and its paths go before the verdicts are read */
			v->nokey_path = u->akfiles.n > 0 ? xstrdup(u->akfiles.v[0]) : NULL;
		}
		if (u->eff != NULL && u->acct != NULL && !account_blocked) {
			v->pw = sshd_eff_bool(u->eff, "passwordauthentication") == 1 &&
			    method_alone(u->eff, "password");
			/* without PAM, keyboard-interactive has no device on
			 * Linux (as sshd.kbdint-auth judges it) */
			v->kbd = sshd_eff_bool(u->eff, "kbdinteractiveauthentication") == 1 &&
			    sshd_eff_bool(u->eff, "usepam") == 1 &&
			    method_alone(u->eff, "keyboard-interactive");
		}
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
	strmap_free(&haskey);
	strmap_free(&blocking);
	strmap_free(&account);
}

static void
run_free(struct run *r)
{
	for (size_t i = 0; i < r->nv; i++)
		free(r->v[i].nokey_path);
	host_result_free(&r->hr);
	strmap_free(&r->names);
	free(r->v);
}

/* A copy of f in the host's causes; its index. */
static long
keep_cause(struct pf_host *h, const struct ka_finding *f)
{
	struct ka_finding *c;

	c = finding_add(&h->causes, f->rule, f->user, f->path, f->line, NULL, "%s",
	    f->message ? f->message : "");
	c->severity = f->severity;
	c->blocks_login = f->blocks_login;
	remedy_free(&c->remedy);
	remedy_copy(&c->remedy, &f->remedy);
	if (f->key_fp != NULL)
		c->key_fp = xstrdup(f->key_fp);
	return (long)h->causes.nfindings - 1;
}

/* Refused for want of any key, with no finding saying so (a key file the
 * proposal names that was never collected, an AuthorizedKeysFile none):
 * akeys.missing, as the checks would name it. */
static long
nokey_cause(struct pf_host *h, const char *user, const struct verdict *v)
{
	struct ka_finding *f;

	f = finding_add(&h->causes, &rule_akeys_missing, user, v->nokey_path, 0, NULL,
	    "%s has no key line sshd would read%s%s%s", user,
	    v->nokey_path ? " (" : "", v->nokey_path ? v->nokey_path : "",
	    v->nokey_path ? ": not on the host as collected)" : "");
	remedy_manual(&f->remedy, "put the account's public key where the configuration "
	    "looks for it before the change lands");
	return (long)h->causes.nfindings - 1;
}

static long
cause_of(struct pf_host *h, const char *user, const struct verdict *v)
{
	if (v->cause != NULL)
		return keep_cause(h, v->cause);
	if (v->login == PF_REFUSED)
		return nokey_cause(h, user, v);
	return -1;
}

static void
opened(struct pf_host *h, const struct ka_rule *rule, const char *user, const char *from,
    const char *what, const char *kw)
{
	struct ka_finding *f;

	f = finding_add(&h->findings, rule, user, NULL, 0, NULL,
	    "%s login for %s%s%s: not possible before the change, possible after it "
	    "(%s and AuthenticationMethods)", what, user, from ? " from " : "",
	    from ? from : "", kw);
	remedy_manual(&f->remedy, "set %s no for this account in the proposed "
	    "configuration, unless opening it is the point of the change", kw);
}

void
preflight_host(const struct snapshot *before, const struct snapshot *after,
    const struct strlist *froms, const struct ka_options *o, struct pf_host *out)
{
	size_t nfrom = froms != NULL && froms->n > 0 ? froms->n : 1;
	struct snapshot bview;
	const struct snapshot *bview_base = before;
	struct strlist login_rules = { 0 };

	/* before is judged as after is: by the model, without the host's
	 * sshd -T answers (which describe only the current configuration) */
	snap_view_init(&bview, before);
	before = &bview;
	/* Only the rules that can refuse a login run: the verdict is made of
	 * them alone (the checks only ever lower a finding's blocks_login on
	 * the server's side), and hygiene (stale, shared, weak keys) over
	 * 10,000 accounts would cost more than the rest. Opt-in rules stay
	 * off, as in a scan. */
	if (o == NULL || o->only == NULL)
		for (size_t i = 0; ka_checks[i] != NULL; i++)
			for (size_t j = 0; j < ka_checks[i]->nrules; j++) {
				const struct ka_rule *r = ka_checks[i]->rules[j];

				if (r->blocks_login && !r->opt_in && !r->fleet)
					strlist_add(&login_rules, r->id);
			}
	for (size_t fi = 0; fi < nfrom; fi++) {
		struct ka_options ko;
		struct run rb, ra;
		const char *from = froms != NULL && froms->n > 0 ? froms->v[fi] : NULL;

		if (o != NULL)
			ko = *o;
		else
			memset(&ko, 0, sizeof(ko));
		ko.from_addr = from;
		if (login_rules.n > 0)
			ko.only = &login_rules;
		run_snapshot(before, &ko, &rb);
		run_snapshot(after, &ko, &ra);
		for (size_t i = 0; i < strmap_count(&rb.names); i++) {
			const struct strmap_entry *e = strmap_at(&rb.names, i);
			const struct verdict *b = &rb.v[e->value], *a;
			struct verdict refused;
			struct pf_account *pa;
			size_t j;

			if (!strmap_get(&ra.names, e->key, e->len, &j)) {
				/* not audited after (a budget): refused, unknown cause */
				memset(&refused, 0, sizeof(refused));
				refused.login = PF_REFUSED;
				a = &refused;
			} else
				a = &ra.v[j];
			out->acc = xreallocarray(out->acc, out->nacc + 1, sizeof(*out->acc));
			pa = &out->acc[out->nacc++];
			memset(pa, 0, sizeof(*pa));
			pa->user = xstrdup(e->key);
			pa->from = from ? xstrdup(from) : NULL;
			pa->before = b->login;
			pa->after = a->login;
			/* the finding that now blocks, that no longer does, or
			 * that blocks still */
			if (a->login == PF_REFUSED)
				pa->cause = cause_of(out, e->key, a);
			else if (b->login == PF_REFUSED)
				pa->cause = cause_of(out, e->key, b);
			else
				pa->cause = -1;
			pa->pw_before = b->pw;
			pa->pw_after = a->pw;
			pa->kbd_before = b->kbd;
			pa->kbd_after = a->kbd;
			if (!b->pw && a->pw)
				opened(out, &rule_preflight_password_opened, e->key, from,
				    "password", "PasswordAuthentication");
			if (!b->kbd && a->kbd)
				opened(out, &rule_preflight_kbdint_opened, e->key, from,
				    "keyboard-interactive", "KbdInteractiveAuthentication");
		}
		run_free(&rb);
		run_free(&ra);
	}
	snap_view_free(&bview, bview_base);
	strlist_free(&login_rules);
}
