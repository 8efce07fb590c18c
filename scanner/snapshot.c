/* snapshot.c - the snapshot's storage, its path index, and path resolution
 * over collected lstat results (so StrictModes can be judged without I/O). */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* Open addressing on path; sized to stay under half full. */
struct snap_file_index {
	size_t *slots;		/* file index + 1; 0 = empty */
	size_t cap;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void
index_insert(struct snap_file_index *ix, const struct snap_file *files, size_t i)
{
	size_t j = hash_str(files[i].path) & (ix->cap - 1);

	while (ix->slots[j] != 0)
		j = (j + 1) & (ix->cap - 1);
	ix->slots[j] = i + 1;
}

static void
index_grow(struct snapshot *s)
{
	struct snap_file_index *ix = s->index;

	if (ix == NULL) {
		ix = s->index = xcalloc(1, sizeof(*ix));
	}
	if (ix->cap != 0 && s->nfiles * 2 < ix->cap)
		return;
	free(ix->slots);
	ix->cap = ix->cap ? ix->cap * 2 : 64;
	while (s->nfiles * 2 >= ix->cap)
		ix->cap *= 2;
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	for (size_t i = 0; i < s->nfiles; i++)
		index_insert(ix, s->files, i);
}

void
snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

static void
file_free(struct snap_file *f)
{
	free(f->path);
	free(f->error);
	free(f->link);
	free(f->content);
	free(f->read_error);
}

void
snapshot_free(struct snapshot *s)
{
	size_t i;

	free(s->target);
	free(s->hostname);
	free(s->transport);
	free(s->root);
	free(s->sshd_version);
	free(s->sshd_config_path);
	for (i = 0; i < s->nsshd_t; i++) {
		free(s->sshd_t[i].user);
		free(s->sshd_t[i].output);
		free(s->sshd_t[i].error);
	}
	free(s->sshd_t);
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
	free(s->client_user);
	for (i = 0; i < s->nfiles; i++)
		file_free(&s->files[i]);
	free(s->files);
	if (s->index) {
		free(s->index->slots);
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
	snapshot_init(s);
}

const struct snap_file *
snap_file_get(const struct snapshot *s, const char *path)
{
	const struct snap_file_index *ix = s->index;
	size_t j;

	if (ix == NULL || ix->cap == 0)
		return NULL;
	j = hash_str(path) & (ix->cap - 1);
	while (ix->slots[j] != 0) {
		const struct snap_file *f = &s->files[ix->slots[j] - 1];
		if (strcmp(f->path, path) == 0)
			return f;
		j = (j + 1) & (ix->cap - 1);
	}
	return NULL;
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
	index_grow(s);
	if (s->index->cap != 0 && snap_file_get(s, path) == NULL)
		index_insert(s->index, s->files, s->nfiles - 1);
	return f;
}

const struct snap_account *
snap_account_by_name(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (strcmp(s->accounts[i].name, name) == 0)
			return &s->accounts[i];
	return NULL;
}

const struct snap_account *
snap_account_by_uid(const struct snapshot *s, uint32_t uid)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (s->accounts[i].uid == uid)
			return &s->accounts[i];
	return NULL;
}

const struct snap_group *
snap_group_by_gid(const struct snapshot *s, uint32_t gid)
{
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i].gid == gid)
			return &s->groups[i];
	return NULL;
}

const struct snap_group *
snap_group_by_name(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].name, name) == 0)
			return &s->groups[i];
	return NULL;
}

const struct snap_sshd_t *
snap_sshd_t_for(const struct snapshot *s, const char *user)
{
	for (size_t i = 0; i < s->nsshd_t; i++)
		if (strcmp(s->sshd_t[i].user, user) == 0)
			return &s->sshd_t[i];
	return NULL;
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
