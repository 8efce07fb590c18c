/* fleet.c - the fleet pass. Each host contributes its host key fingerprint
 * and the fingerprints of the keys that can log in to its audited accounts;
 * fingerprints are interned in one hash table, each with the list of
 * (host, account) where it was seen, so 10,000 hosts that share a handful of
 * keys cost a handful of entries plus one small record per sighting. */
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "policy.h"
#include "../checks/check.h"

#define FLEET_LIST_MAX 10	/* places named in one message */

struct sighting {
	size_t host;		/* index into hosts */
	const char *user;	/* interned; NULL for a host key */
	struct sighting *next;
};

struct fp_entry {
	char *fp;
	int is_hostkey;
	size_t count, nhosts;
	size_t last_host;	/* to count hosts once */
	struct sighting *first, *last;
	struct fp_entry *next;	/* hash chain */
	struct fp_entry *order;	/* insertion order */
};

struct fleet {
	struct strlist hosts;
	struct strlist users;	/* interned account names */
	struct fp_entry **table;
	size_t nbuckets, nentries;
	struct fp_entry *head, *tail;
};

void
host_digest_from_ctx(struct ka_ctx *ctx, struct host_digest *d)
{
	const struct snapshot *s = ctx->snap;

	memset(d, 0, sizeof(*d));
	if (s->net.hostkey_fp != NULL)
		strlist_add(&d->hostkey_fps, s->net.hostkey_fp);
	for (size_t i = 0; i < s->net.hostkeys.n; i++) {
		struct ak_line l;

		memset(&l, 0, sizeof(l));
		ak_parse_line(s->net.hostkeys.v[i], strlen(s->net.hostkeys.v[i]), 0, &l);
		if (l.status == AK_KEY && !strlist_has(&d->hostkey_fps, l.fp))
			strlist_add(&d->hostkey_fps, l.fp);
		ak_line_free(&l);
	}
	if (s->net_only)
		return;
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];

		if (u->acct == NULL)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const struct ak_file *ak;
			char *canon = NULL;
			const char *why;

			if (snap_realpath(s, u->akfiles.v[j], &canon, &why) != 0)
				continue;
			ak = ctx_akfile(ctx, canon);
			free(canon);
			for (size_t l = 0; ak != NULL && l < ak->n; l++)
				if (ak->lines[l].status == AK_KEY && ak->lines[l].fp != NULL &&
				    !ak->lines[l].is_cert)
					strlist_add_owned(&d->keys, xasprintf("%s %s",
					    ak->lines[l].fp, u->name));
		}
	}
}

void
host_digest_free(struct host_digest *d)
{
	strlist_free(&d->hostkey_fps);
	strlist_free(&d->keys);
	memset(d, 0, sizeof(*d));
}

struct fleet *
fleet_new(void)
{
	struct fleet *f = xcalloc(1, sizeof(*f));

	f->nbuckets = 1024;
	f->table = xcalloc(f->nbuckets, sizeof(*f->table));
	return f;
}

static size_t
hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
grow(struct fleet *f)
{
	size_t nb = f->nbuckets * 2;
	struct fp_entry **t = xcalloc(nb, sizeof(*t));

	for (struct fp_entry *e = f->head; e != NULL; e = e->order) {
		size_t b = hash(e->fp) & (nb - 1);
		e->next = t[b];
		t[b] = e;
	}
	free(f->table);
	f->table = t;
	f->nbuckets = nb;
}

static void
sight(struct fleet *f, const char *fp, int is_hostkey, size_t host, const char *user)
{
	size_t b = hash(fp) & (f->nbuckets - 1);
	struct fp_entry *e;
	struct sighting *s;

	for (e = f->table[b]; e != NULL; e = e->next)
		if (e->is_hostkey == is_hostkey && strcmp(e->fp, fp) == 0)
			break;
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->fp = xstrdup(fp);
		e->is_hostkey = is_hostkey;
		e->last_host = (size_t)-1;
		e->next = f->table[b];
		f->table[b] = e;
		if (f->tail)
			f->tail->order = e;
		else
			f->head = e;
		f->tail = e;
		if (++f->nentries > f->nbuckets)
			grow(f);
	}
	/* One account listing a key twice is one sighting. */
	if (e->last != NULL && e->last->host == host && e->last->user == user)
		return;
	s = xcalloc(1, sizeof(*s));
	s->host = host;
	s->user = user;
	if (e->last)
		e->last->next = s;
	else
		e->first = s;
	e->last = s;
	e->count++;
	if (e->last_host != host) {
		e->nhosts++;
		e->last_host = host;
	}
}

void
fleet_add(struct fleet *f, const char *target, const struct host_digest *d)
{
	size_t host = f->hosts.n;

	strlist_add(&f->hosts, target);
	for (size_t i = 0; i < d->hostkey_fps.n; i++)
		sight(f, d->hostkey_fps.v[i], 1, host, NULL);
	for (size_t i = 0; i < d->keys.n; i++) {
		const char *sp = strchr(d->keys.v[i], ' ');
		char *fp;

		if (sp == NULL)
			continue;
		fp = xstrndup(d->keys.v[i], (size_t)(sp - d->keys.v[i]));
		sight(f, fp, 0, host, strlist_intern(&f->users, sp + 1));
		free(fp);
	}
}

static char *
places(const struct fleet *f, const struct fp_entry *e)
{
	struct buf b;
	size_t n = 0;

	buf_init(&b);
	for (const struct sighting *s = e->first; s != NULL; s = s->next, n++) {
		if (n == FLEET_LIST_MAX) {
			buf_printf(&b, " and %zu more", e->count - n);
			break;
		}
		buf_printf(&b, "%s%s%s%s", n ? ", " : "", s->user ? s->user : "",
		    s->user ? "@" : "", f->hosts.v[s->host]);
	}
	return buf_steal(&b);
}

void
fleet_check(struct fleet *f, const struct ka_options *o, struct ka_host_result *out)
{
	const struct ka_rule *shared_key = check_rule("keys.shared-key");
	const struct ka_rule *shared_hk = check_rule("hostkey.shared");
	int key_on = check_selected(shared_key, o->only) &&
	    policy_check_enabled(o->policy, shared_key->id);
	int hk_on = check_selected(shared_hk, o->only) &&
	    policy_check_enabled(o->policy, shared_hk->id);
	size_t nran = 0;

	out->ran = xcalloc(2, sizeof(*out->ran));
	if (key_on)
		out->ran[nran++] = shared_key;
	if (hk_on)
		out->ran[nran++] = shared_hk;
	out->nran = nran;
	for (const struct fp_entry *e = f->head; e != NULL; e = e->order) {
		struct ka_finding *fd = NULL;
		char *where;

		if (e->is_hostkey && hk_on && e->nhosts >= 2) {
			where = places(f, e);
			fd = finding_add(out, shared_hk, NULL, NULL, 0,
			    "on each host: rm /etc/ssh/ssh_host_*; ssh-keygen -A; systemctl "
			    "restart ssh; then update known_hosts",
			    "host key %s is presented by %zu hosts: %s", e->fp, e->nhosts, where);
			fd->key_fp = xstrdup(e->fp);
			free(where);
		} else if (!e->is_hostkey && key_on && e->count >= 2) {
			where = places(f, e);
			fd = finding_add(out, shared_key, NULL, NULL, 0,
			    "give each person and each automation its own key; remove this "
			    "one from the accounts that should not have it",
			    "key %s is authorized for %zu accounts on %zu hosts: %s", e->fp,
			    e->count, e->nhosts, where);
			fd->key_fp = xstrdup(e->fp);
			free(where);
		}
		if (fd != NULL)
			fd->severity = (enum ka_severity)policy_severity(o->policy,
			    fd->rule->id, (int)fd->severity);
	}
	host_result_sort(out);
}

void
fleet_free(struct fleet *f)
{
	struct fp_entry *e, *next;

	if (f == NULL)
		return;
	for (e = f->head; e != NULL; e = next) {
		struct sighting *s, *sn;
		next = e->order;
		for (s = e->first; s != NULL; s = sn) {
			sn = s->next;
			free(s);
		}
		free(e->fp);
		free(e);
	}
	free(f->table);
	strlist_free(&f->hosts);
	strlist_free(&f->users);
	free(f);
}
