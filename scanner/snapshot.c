/* snapshot.c - the snapshot's storage, its path index, and path resolution
 * over collected lstat results (so StrictModes can be judged without I/O). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/snapshot.h"
#include "scanner/strmap.h"

/* Path -> index into files. */
struct snap_file_index {
	struct strmap paths;
};

enum ik { IK_ACCT_NAME, IK_ACCT_UID, IK_GRP_NAME, IK_GRP_GID, IK_N };

/* Name or id (its four bytes) -> index into accounts or groups. */
struct snap_lookup {
	struct strmap map[IK_N];
	size_t done[IK_N];	/* entries added to map so far */
};

void
snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

struct snap_authlog *
snap_authlog_add(struct snapshot *s, const char *source)
{
	struct snap_authlog *a;

	s->authlogs = xreallocarray(s->authlogs, s->nauthlogs + 1, sizeof(*s->authlogs));
	a = &s->authlogs[s->nauthlogs++];
	memset(a, 0, sizeof(*a));
	a->source = xstrdup(source);
	return a;
}

struct snap_userkey *
snap_userkey_add(struct snapshot *s, const char *user, const char *path)
{
	struct snap_userkey *k;

	s->userkeys = xreallocarray(s->userkeys, s->nuserkeys + 1, sizeof(*s->userkeys));
	k = &s->userkeys[s->nuserkeys++];
	memset(k, 0, sizeof(*k));
	k->user = xstrdup(user);
	k->path = xstrdup(path);
	k->encrypted = -1;
	return k;
}

#define FACT_TOP(t, f, j, r, lo, hi) \
	{ j, r, SNAP_FACT_##t, offsetof(struct snapshot, f), lo, hi },
#define FACT_NET(t, f, j, r, lo, hi) \
	{ j, r, SNAP_FACT_##t, offsetof(struct snap_net, f), lo, hi },

const struct snap_fact snapshot_facts[] = {
	SNAPSHOT_FACTS(FACT_TOP)
	{ NULL, NULL, SNAP_FACT_STR, 0, 0, 0 },
};

const struct snap_fact snap_net_facts[] = {
	SNAP_NET_FACTS(FACT_NET)
	{ NULL, NULL, SNAP_FACT_STR, 0, 0, 0 },
};

/* The STR facts of a struct that a list describes. */
static void
facts_free(const struct snap_fact *facts, void *base)
{
	for (const struct snap_fact *f = facts; f->json != NULL; f++)
		if (f->type == SNAP_FACT_STR)
			free(*(char **)((char *)base + f->off));
}

void
snap_net_free(struct snap_net *n)
{
	facts_free(snap_net_facts, n);
	strlist_free(&n->hostkeys);
	strlist_free(&n->auth_methods);
	memset(n, 0, sizeof(*n));
}

static void
file_free(struct snap_file *f)
{
	free(f->path);
	free(f->error);
	free(f->link);
	free(f->content);
	free(f->read_error);
	free(f->selinux);
	for (size_t i = 0; i < f->ndenied; i++) {
		free(f->denied[i].user);
		free(f->denied[i].why);
	}
	free(f->denied);
}

void
snap_file_deny(struct snap_file *f, const char *user, const char *why)
{
	struct snap_denial *d = NULL;

	for (size_t i = 0; i < f->ndenied && d == NULL; i++)
		if (strcmp(f->denied[i].user, user) == 0)
			d = &f->denied[i];
	if (d == NULL) {
		f->denied = xreallocarray(f->denied, f->ndenied + 1, sizeof(*f->denied));
		d = &f->denied[f->ndenied++];
		d->user = xstrdup(user);
	} else
		free(d->why);
	d->why = xstrdup(why);
	if (!f->has_content) {
		free(f->read_error);
		f->read_error = xstrdup(why);
	}
}

const char *
snap_unreadable_for(const struct snap_file *f, const char *user)
{
	for (size_t i = 0; user != NULL && i < f->ndenied; i++)
		if (strcmp(f->denied[i].user, user) == 0)
			return f->denied[i].why;
	if (!f->has_content)
		return f->read_error ? f->read_error : "not read";
	return NULL;
}

void
snapshot_free(struct snapshot *s)
{
	size_t i;

	facts_free(snapshot_facts, s);
	for (i = 0; i < s->nsshd_t; i++) {
		free(s->sshd_t[i].user);
		free(s->sshd_t[i].output);
		free(s->sshd_t[i].error);
	}
	free(s->sshd_t);
	for (i = 0; i < s->nkeyscmds; i++) {
		struct snap_keyscmd *k = &s->keyscmds[i];

		free(k->user);
		free(k->command);
		free(k->runas);
		free(k->error);
		free(k->output);
		free(k->key_fp);
	}
	free(s->keyscmds);
	for (i = 0; i < s->nauthlogs; i++) {
		free(s->authlogs[i].source);
		free(s->authlogs[i].lines);
		free(s->authlogs[i].error);
	}
	free(s->authlogs);
	for (i = 0; i < s->nuserkeys; i++) {
		free(s->userkeys[i].user);
		free(s->userkeys[i].path);
		free(s->userkeys[i].format);
	}
	free(s->userkeys);
	snap_net_free(&s->net);
	for (i = 0; i < s->naccounts; i++) {
		free(s->accounts[i].name);
		free(s->accounts[i].gecos);
		free(s->accounts[i].home);
		free(s->accounts[i].shell);
	}
	free(s->accounts);
	for (i = 0; i < s->ngroups; i++) {
		free(s->groups[i].name);
		strlist_free(&s->groups[i].members);
	}
	free(s->groups);
	strlist_free(&s->users);
	for (i = 0; i < s->nfiles; i++)
		file_free(&s->files[i]);
	free(s->files);
	if (s->index) {
		strmap_free(&s->index->paths);
		free(s->index);
	}
	for (i = 0; i < s->nglobs; i++) {
		free(s->globs[i].pattern);
		strlist_free(&s->globs[i].matches);
	}
	free(s->globs);
	for (i = 0; i < s->nclientkeys; i++) {
		free(s->clientkeys[i].path);
		free(s->clientkeys[i].format);
		free(s->clientkeys[i].pub_type);
		free(s->clientkeys[i].pub_fp);
		free(s->clientkeys[i].source);
	}
	free(s->clientkeys);
	if (s->lookup) {
		for (i = 0; i < IK_N; i++)
			strmap_free(&s->lookup->map[i]);
		free(s->lookup);
	}
	snapshot_init(s);
}

const struct snap_file *
snap_file_get(const struct snapshot *s, const char *path)
{
	size_t i;

	if (s->index == NULL || !strmap_get(&s->index->paths, path, strlen(path), &i))
		return NULL;
	return &s->files[i];
}

struct snap_file *
snap_file_add(struct snapshot *s, const char *path)
{
	const struct snap_file *old = snap_file_get(s, path);
	struct snap_file *f;

	if (old != NULL)
		return (struct snap_file *)old;
	if (s->nfiles == s->capfiles) {
		s->capfiles = s->capfiles ? s->capfiles * 2 : 64;
		s->files = xreallocarray(s->files, s->capfiles, sizeof(*s->files));
	}
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->type = SNAP_UNKNOWN;
	if (s->index == NULL)
		s->index = xcalloc(1, sizeof(*s->index));
	strmap_add(&s->index->paths, path, strlen(path), s->nfiles - 1, NULL);
	return f;
}

/*
 * Account and group lookups by name and by id, in string maps: a fleet
 * host or the benchmark has 10,000 accounts and every check asks. The
 * arrays only grow, so each map catches up lazily with the entries added
 * since it was last used. With duplicate keys the first entry wins, as
 * with getpwnam(3).
 */
static size_t
ik_count(const struct snapshot *s, enum ik k)
{
	return k <= IK_ACCT_UID ? s->naccounts : s->ngroups;
}

/* Entry i's key for map k: the name, or the id's four bytes in *num. */
static const char *
ik_key(const struct snapshot *s, enum ik k, size_t i, uint32_t *num, size_t *len)
{
	const char *name;

	switch (k) {
	case IK_ACCT_NAME:
		name = s->accounts[i].name;
		break;
	case IK_GRP_NAME:
		name = s->groups[i].name;
		break;
	case IK_ACCT_UID:
		*num = s->accounts[i].uid;
		*len = sizeof(*num);
		return (const char *)num;
	default:
		*num = s->groups[i].gid;
		*len = sizeof(*num);
		return (const char *)num;
	}
	*len = strlen(name);
	return name;
}

static size_t
ik_find(const struct snapshot *cs, enum ik k, const char *name, uint32_t num)
{
	struct snapshot *s = (struct snapshot *)cs;	/* the maps are a cache */
	struct snap_lookup *lk;
	size_t n = ik_count(s, k), i;

	if (s->lookup == NULL)
		s->lookup = xcalloc(1, sizeof(*s->lookup));
	lk = s->lookup;
	for (; lk->done[k] < n; lk->done[k]++) {
		uint32_t v;
		size_t len;
		const char *key = ik_key(s, k, lk->done[k], &v, &len);

		strmap_add(&lk->map[k], key, len, lk->done[k], NULL);
	}
	if (name != NULL ? strmap_get(&lk->map[k], name, strlen(name), &i) :
	    strmap_get(&lk->map[k], &num, sizeof(num), &i))
		return i;
	return SIZE_MAX;
}

const struct snap_account *
snap_account_by_name(const struct snapshot *s, const char *name)
{
	size_t i = ik_find(s, IK_ACCT_NAME, name, 0);
	return i == SIZE_MAX ? NULL : &s->accounts[i];
}

const struct snap_account *
snap_account_by_uid(const struct snapshot *s, uint32_t uid)
{
	size_t i = ik_find(s, IK_ACCT_UID, NULL, uid);
	return i == SIZE_MAX ? NULL : &s->accounts[i];
}

const struct snap_group *
snap_group_by_gid(const struct snapshot *s, uint32_t gid)
{
	size_t i = ik_find(s, IK_GRP_GID, NULL, gid);
	return i == SIZE_MAX ? NULL : &s->groups[i];
}

const struct snap_group *
snap_group_by_name(const struct snapshot *s, const char *name)
{
	size_t i = ik_find(s, IK_GRP_NAME, name, 0);
	return i == SIZE_MAX ? NULL : &s->groups[i];
}

const struct snap_sshd_t *
snap_sshd_t_for(const struct snapshot *s, const char *user)
{
	for (size_t i = 0; i < s->nsshd_t; i++)
		if (strcmp(s->sshd_t[i].user, user) == 0)
			return &s->sshd_t[i];
	return NULL;
}

const struct snap_keyscmd *
snap_keyscmd_for(const struct snapshot *s, const char *user)
{
	for (size_t i = 0; i < s->nkeyscmds; i++)
		if (strcmp(s->keyscmds[i].user, user) == 0)
			return &s->keyscmds[i];
	return NULL;
}

struct snap_keyscmd *
snap_keyscmd_add(struct snapshot *s, const char *user)
{
	struct snap_keyscmd *k;

	s->keyscmds = xreallocarray(s->keyscmds, s->nkeyscmds + 1, sizeof(*s->keyscmds));
	k = &s->keyscmds[s->nkeyscmds++];
	memset(k, 0, sizeof(*k));
	k->user = xstrdup(user);
	k->status = -1;
	return k;
}

const struct snap_glob *
snap_glob_get(const struct snapshot *s, const char *pattern)
{
	for (size_t i = 0; i < s->nglobs; i++)
		if (strcmp(s->globs[i].pattern, pattern) == 0)
			return &s->globs[i];
	return NULL;
}

struct snap_glob *
snap_glob_add(struct snapshot *s, const char *pattern)
{
	struct snap_glob *g = (struct snap_glob *)snap_glob_get(s, pattern);

	if (g != NULL)
		return g;
	s->globs = xreallocarray(s->globs, s->nglobs + 1, sizeof(*s->globs));
	g = &s->globs[s->nglobs++];
	memset(g, 0, sizeof(*g));
	g->pattern = xstrdup(pattern);
	return g;
}

void
snap_view_init(struct snapshot *v, const struct snapshot *base)
{
	*v = *base;
	v->capfiles = base->nfiles + 16;
	v->files = xcalloc(v->capfiles, sizeof(*v->files));
	if (base->nfiles > 0)
		memcpy(v->files, base->files, base->nfiles * sizeof(*v->files));
	v->index = xcalloc(1, sizeof(*v->index));
	for (size_t i = 0; i < v->nfiles; i++)
		strmap_add(&v->index->paths, v->files[i].path, strlen(v->files[i].path), i, NULL);
	v->lookup = NULL;
	v->globs = xcalloc(base->nglobs + 1, sizeof(*v->globs));
	for (size_t i = 0; i < base->nglobs; i++) {
		v->globs[i].pattern = xstrdup(base->globs[i].pattern);
		for (size_t j = 0; j < base->globs[i].matches.n; j++)
			strlist_add(&v->globs[i].matches, base->globs[i].matches.v[j]);
	}
	v->sshd_t = NULL;
	v->nsshd_t = 0;
	/* sshd -t and -G judged base's configuration too */
	v->sshd_test_ran = 0;
	v->sshd_test_rc = 0;
	v->sshd_test_err = NULL;
	v->sshd_g = NULL;
	v->sshd_g_err = NULL;
	/* the same for AuthorizedKeysCommand's output: base's command ran */
	v->keyscmds = NULL;
	v->nkeyscmds = 0;
}

void
snap_view_free(struct snapshot *v, const struct snapshot *base)
{
	/* entries past base's are the view's own: their paths (contents
	 * belong to whoever set them: preflight's proposal) */
	for (size_t i = base->nfiles; i < v->nfiles; i++)
		free(v->files[i].path);
	free(v->files);
	strmap_free(&v->index->paths);
	free(v->index);
	for (size_t i = 0; i < v->nglobs; i++) {
		free(v->globs[i].pattern);
		strlist_free(&v->globs[i].matches);
	}
	free(v->globs);
	if (v->lookup) {
		for (size_t i = 0; i < IK_N; i++)
			strmap_free(&v->lookup->map[i]);
		free(v->lookup);
	}
	memset(v, 0, sizeof(*v));
}

int
snap_account_in_group(const struct snapshot *s, const struct snap_account *a, uint32_t gid)
{
	const struct snap_group *g;

	if (a->gid == gid)
		return 1;
	if ((g = snap_group_by_gid(s, gid)) == NULL)
		return 0;
	return strlist_has(&g->members, a->name);
}

int
snap_group_private(const struct snapshot *s, uint32_t gid, uint32_t user_uid,
    uint32_t owner_uid)
{
	const struct snap_group *g = snap_group_by_gid(s, gid);
	const struct snap_account *owner;
	size_t members = 0;

	if (g == NULL)
		return 0;
	for (size_t i = 0; i < s->naccounts; i++) {
		if (s->accounts[i].gid != gid)
			continue;
		if (s->accounts[i].uid != user_uid)
			return 0;
		members++;
	}
	if ((owner = snap_account_by_uid(s, owner_uid)) == NULL)
		return 0;
	if (g->members.n > 0) {
		if (g->members.n > 1 || strcmp(g->members.v[0], owner->name) != 0)
			return 0;
		members++;
	}
	return members > 0;
}

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Append one component to an absolute, normalised path, handling . and .. */
static void
push_component(struct buf *b, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (b->len > 1 && b->data[b->len - 1] != '/')
			b->len--;
		if (b->len > 1)
			b->len--;
		b->data[b->len] = '\0';
		return;
	}
	if (b->len > 1)
		buf_putc(b, '/');
	buf_append(b, c, n);
}

static void
push_components(struct buf *b, const char *p)
{
	const char *q;

	while (p != NULL && *p) {
		while (*p == '/')
			p++;
		q = p;
		while (*q && *q != '/')
			q++;
		push_component(b, p, (size_t)(q - p));
		p = q;
	}
}

char *
path_join(const char *dir, const char *rel)
{
	struct buf b;

	buf_init(&b);
	buf_putc(&b, '/');
	if (rel == NULL || rel[0] != '/')
		push_components(&b, dir);
	push_components(&b, rel);
	return buf_steal(&b);
}

const struct snap_file *
snap_stat(const struct snapshot *s, const char *canon)
{
	return snap_file_get(s, canon);
}

int
path_resolve(const char *path, path_lookup_fn lookup, void *arg, char **out,
    const char **why)
{
	struct buf done, todo;
	const struct snap_file *f;
	int hops = 0, rc = -1;

	*out = NULL;
	*why = "unknown";
	if (path[0] != '/')
		return -1;
	buf_init(&done);
	buf_init(&todo);
	buf_putc(&done, '/');
	buf_puts(&todo, path);

	for (;;) {
		char *p = todo.data, *comp, *cand;
		const char *q;
		size_t n, restlen;
		struct buf c;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - comp);
		restlen = strlen(p);
		if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.')) {
			push_component(&done, comp, n);
			memmove(todo.data, p, restlen + 1);
			todo.len = restlen;
			continue;
		}
		buf_init(&c);
		buf_append(&c, done.data, done.len);
		push_component(&c, comp, n);
		cand = buf_steal(&c);
		f = lookup(arg, cand);
		if (f == NULL || f->type == SNAP_UNKNOWN || f->type == SNAP_NOENT) {
			*why = f == NULL || f->type == SNAP_UNKNOWN ? "unknown" : "missing";
			free(cand);
			goto out;
		}
		if (f->type == SNAP_LNK) {
			struct buf nt;

			free(cand);
			if (++hops > SNAP_MAX_LINKS || f->link == NULL || f->link[0] == '\0') {
				*why = "loop";
				goto out;
			}
			buf_init(&nt);
			buf_puts(&nt, f->link);
			buf_putc(&nt, '/');
			buf_append(&nt, p, restlen);
			if (f->link[0] == '/') {
				done.len = 1;
				done.data[1] = '\0';
			}
			buf_free(&todo);
			todo = nt;
			continue;
		}
		for (q = p; *q == '/'; q++)
			;
		if (f->type != SNAP_DIR && *q != '\0') {
			free(cand);
			*why = "notdir";
			goto out;
		}
		buf_free(&done);
		buf_puts(&done, cand);
		free(cand);
		memmove(todo.data, p, restlen + 1);
		todo.len = restlen;
	}
	*out = buf_steal(&done);
	rc = 0;
out:
	buf_free(&done);
	buf_free(&todo);
	return rc;
}

static const struct snap_file *
snap_lookup(void *arg, const char *path)
{
	return snap_file_get(arg, path);
}

int
snap_realpath(const struct snapshot *s, const char *path, char **out, const char **why)
{
	return path_resolve(path, snap_lookup, (void *)s, out, why);
}

static const char *const ftype_names[] = {
	[SNAP_NOENT] = "missing", [SNAP_REG] = "file", [SNAP_DIR] = "dir",
	[SNAP_LNK] = "symlink", [SNAP_FIFO] = "fifo", [SNAP_SOCK] = "socket",
	[SNAP_CHR] = "chardev", [SNAP_BLK] = "blockdev", [SNAP_UNKNOWN] = "unknown",
};

const char *
snap_ftype_name(enum snap_ftype t)
{
	if ((size_t)t < KA_ARRLEN(ftype_names))
		return ftype_names[t];
	return "unknown";
}

enum snap_ftype
snap_ftype_from_name(const char *name)
{
	for (size_t i = 0; i < KA_ARRLEN(ftype_names); i++)
		if (strcmp(ftype_names[i], name) == 0)
			return (enum snap_ftype)i;
	return SNAP_UNKNOWN;
}

int
snap_file_data(const struct snap_file *f, const char **data, size_t *len)
{
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

const char *
snap_owner_name(const struct snapshot *s, uint32_t uid, char *buf, size_t len)
{
	const struct snap_account *a = snap_account_by_uid(s, uid);

	if (a != NULL)
		return a->name;
	snprintf(buf, len, "uid %u", uid);
	return buf;
}
