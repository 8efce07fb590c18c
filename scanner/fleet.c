/* fleet.c - the fleet pass. Each host contributes its host key fingerprint
 * and the fingerprints of the keys that can log in to its audited accounts;
 * fingerprints are interned in one string map, each with the list of
 * (host, account) where it was seen, so 10,000 hosts that share a handful of
 * keys cost a handful of entries plus one small record per sighting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/fleet.h"
#include "scanner/strmap.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/policy.h"
#include "checks/check.h"
#include "checks/certca.h"

#define FLEET_LIST_MAX 10	/* places named in one message */
/* An account's known_hosts kept for the fleet pass; past this it is
 * judged by its first bytes only (the finding says so). */
#define FLEET_KH_BYTES (1024 * 1024)
/* known_hosts files one host leaves for the fleet pass, which keeps them
 * until the run ends: a host of thousands of accounts each with its own
 * file must not hold the fleet's memory (the first ones are judged). */
#define FLEET_KH_FILES 256

struct kh_host {
	struct strlist names, hostkeys, files;	/* as in host_digest */
};

/* A host's user-certificate trust, as in host_digest. What it revokes is
 * one of the fleet's distinct revocation sets (rev; SIZE_MAX: none): the
 * hosts of a fleet mostly share one KRL, which is then kept once. */
struct cert_host {
	struct strlist cas, krl_cas;
	size_t rev;
	int revoked_set, krl;
	uint64_t krl_version, krl_generated;
};

/* CAs trusted in one host's digest, kept at most (a hostile host's
 * thousand cert-authority lines cost the fleet this much). */
#define FLEET_CAS 256

struct sighting {
	size_t host;		/* index into hosts */
	const char *user;	/* interned; NULL for a host key */
	struct sighting *next;
};

/* A fingerprint, as entry i of the fps map. */
struct fp_entry {
	const char *fp;		/* the map's copy */
	int is_hostkey;
	size_t count, nhosts;
	size_t last_host;	/* to count hosts once */
	struct sighting *first, *last;
};

struct fleet {
	struct strlist hosts;
	char **origins;		/* per host: its inventory line, or NULL */
	struct kh_host *kh;	/* one per host */
	size_t nkh;
	struct cert_host *cert;	/* one per host */
	struct strmap revkeys;	/* a revocation set's fingerprints, joined */
	struct strmap *revsets;	/* entry i of revkeys: its fingerprints */
	struct strmap users;	/* account names, interned */
	/* "h" or "k" (host key or not) and the fingerprint, in the order
	 * first seen; ent[i] is entry i's */
	struct strmap fps;
	struct fp_entry *ent;
	size_t entcap;
};

/* The host's CAs and revocations (checks/certca.h), as fingerprints. */
static void
cert_digest(struct ka_ctx *ctx, struct host_digest *d)
{
	struct certca t;

	certca_gather(ctx, &t);
	for (size_t i = 0; i < t.ncas && d->cas.n < FLEET_CAS; i++) {
		const struct certca_ca *c = &t.cas[i];
		char *scope = certca_scope(c), *e;

		e = xasprintf("%s %s %s %d %s", c->l->fp, c->sha1,
		    c->l->blob_type ? c->l->blob_type : "?", c->l->bits, scope);
		if (!strlist_has(&d->cas, e))
			strlist_add(&d->cas, e);
		free(e);
		free(scope);
	}
	for (size_t i = 0; i < t.nrevoked; i++) {
		const struct certca_revoked *r = &t.revoked[i];
		const struct strlist *fps = r->is_krl ? &r->sum.key_fps : &r->list_fps;

		d->revoked_set = 1;
		/* krlsum keeps each fingerprint once and at most
		 * KRLSUM_MAX_FPS of them; a second file may repeat one */
		for (size_t j = 0; j < fps->n && d->revoked.n < 4 * KRLSUM_MAX_FPS; j++)
			strlist_add(&d->revoked, fps->v[j]);
		if (!r->is_krl || r->krl_error != NULL || r->state != CA_FILE_OK || d->krl)
			continue;
		d->krl = 1;
		d->krl_version = r->sum.version;
		d->krl_generated = r->sum.generated;
		for (size_t j = 0; j < r->sum.ca_fps.n; j++)
			strlist_add(&d->krl_cas, r->sum.ca_fps.v[j]);
	}
	certca_free(&t);
}

/* An account's known_hosts as the fleet pass reads it: only the lines
 * that can pin or revoke a host key. Comments, blank lines and
 * @cert-authority lines (kh_cross never matches them) become empty lines,
 * so every kept line keeps its number (findings name it) while the digest,
 * which the JSON report carries, loses their bytes. */
static char *
kh_reduce(const char *text, size_t len)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b);
	buf_puts(&b, "");
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i, w;

		for (w = 0; w < n && (text[i + w] == ' ' || text[i + w] == '\t'); w++)
			;
		if (w < n && text[i + w] != '#' && text[i + w] != '\r' &&
		    !(n - w >= 15 && strncmp(text + i + w, "@cert-authority", 15) == 0))
			buf_append(&b, text + i, n);
		if (nl != NULL)
			buf_putc(&b, '\n');
		i += n + (nl != NULL);
	}
	return buf_steal(&b);
}

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
	if (s->net.probed) {
		const struct snap_net *n = &s->net;

		if (n->known_hosts_name != NULL)
			strlist_add(&d->kh_names, n->known_hosts_name);
		if (n->address != NULL && n->port > 0) {
			char *a = n->port == 22 ? xstrdup(n->address) :
			    xasprintf("[%s]:%d", n->address, n->port);
			if (!strlist_has(&d->kh_names, a))
				strlist_add(&d->kh_names, a);
			free(a);
		}
		for (size_t i = 0; i < n->hostkeys.n; i++)
			strlist_add(&d->hostkeys, n->hostkeys.v[i]);
		if (n->hostkeys.n == 0 && n->hostkey_type != NULL && n->hostkey != NULL)
			strlist_add_owned(&d->hostkeys, xasprintf("%s %s", n->hostkey_type,
			    n->hostkey));
	}
	if (s->net_only)
		return;
	cert_digest(ctx, d);
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct ka_user *u = &ctx->users[i];
		const struct snap_file *kf;
		char *kh;

		if (u->acct == NULL)
			continue;
		kh = path_join(u->acct->home, ".ssh/known_hosts");
		if (d->kh_files.n < 2 * FLEET_KH_FILES &&
		    (kf = snap_file_get(s, kh)) != NULL && kf->has_content &&
		    snap_unreadable_for(kf, u->name) == NULL &&
		    kf->content_len > 0 && !strlist_has(&d->kh_files, kh)) {
			strlist_add(&d->kh_files, kh);
			strlist_add_owned(&d->kh_files, kh_reduce(kf->content,
			    kf->content_len < FLEET_KH_BYTES ? kf->content_len : FLEET_KH_BYTES));
		}
		free(kh);
		for (size_t j = 0; !u->keys_unexamined && j < u->akfiles.n; j++) {
			const struct ak_file *ak;
			char *canon = NULL;
			const char *why;

			if (snap_realpath(s, u->akfiles.v[j], &canon, &why) != 0)
				continue;
			ak = ctx_akfile(ctx, canon, u->name);
			free(canon);
			for (size_t l = 0; ak != NULL && l < ak->n; l++)
				if (ak->lines[l].status == AK_KEY && ak->lines[l].fp != NULL &&
				    !ak->lines[l].is_cert)
					strlist_add_owned(&d->keys, xasprintf("%s %s",
					    ak->lines[l].fp, u->name));
		}
	}
}

struct fleet *
fleet_new(void)
{
	return xcalloc(1, sizeof(struct fleet));
}

static void
sight(struct fleet *f, const char *fp, int is_hostkey, size_t host, const char *user)
{
	size_t n = strlen(fp), i;
	char *key = xmalloc(n + 2);
	struct fp_entry *e;
	struct sighting *s;
	int added;

	key[0] = is_hostkey ? 'h' : 'k';
	memcpy(key + 1, fp, n + 1);
	i = strmap_add(&f->fps, key, n + 1, 0, &added);
	free(key);
	if (added) {
		if (i >= f->entcap) {
			f->entcap = f->entcap ? f->entcap * 2 : 256;
			f->ent = xreallocarray(f->ent, f->entcap, sizeof(*f->ent));
		}
		e = &f->ent[i];
		memset(e, 0, sizeof(*e));
		e->fp = strmap_at(&f->fps, i)->key + 1;
		e->is_hostkey = is_hostkey;
		e->last_host = (size_t)-1;
	}
	e = &f->ent[i];
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

/* The index of the distinct revocation set l (SIZE_MAX for none). */
static size_t
revset(struct fleet *f, const struct strlist *l)
{
	struct buf b;
	size_t i;
	int added;

	if (l->n == 0)
		return SIZE_MAX;
	buf_init(&b);
	for (size_t k = 0; k < l->n; k++)
		buf_printf(&b, "%s\n", l->v[k]);
	i = strmap_add(&f->revkeys, b.data, b.len, 0, &added);
	buf_free(&b);
	if (i == STRMAP_NONE)
		return SIZE_MAX;
	if (added) {
		f->revsets = xreallocarray(f->revsets, i + 1, sizeof(*f->revsets));
		memset(&f->revsets[i], 0, sizeof(*f->revsets));
		for (size_t k = 0; k < l->n; k++)
			strmap_add(&f->revsets[i], l->v[k], strlen(l->v[k]), 0, NULL);
	}
	return i;
}

void
fleet_add(struct fleet *f, const char *target, const char *origin,
    const struct host_digest *d)
{
	size_t host = f->hosts.n;

	strlist_add(&f->hosts, target);
	f->origins = xreallocarray(f->origins, host + 1, sizeof(*f->origins));
	f->origins[host] = origin != NULL ? xstrdup(origin) : NULL;
	f->kh = xreallocarray(f->kh, f->nkh + 1, sizeof(*f->kh));
	memset(&f->kh[f->nkh], 0, sizeof(*f->kh));
	for (size_t i = 0; i < d->kh_names.n; i++)
		strlist_add(&f->kh[f->nkh].names, d->kh_names.v[i]);
	for (size_t i = 0; i < d->hostkeys.n; i++)
		strlist_add(&f->kh[f->nkh].hostkeys, d->hostkeys.v[i]);
	for (size_t i = 0; i < d->kh_files.n; i++)
		strlist_add(&f->kh[f->nkh].files, d->kh_files.v[i]);
	f->nkh++;
	{
		struct cert_host *c;

		f->cert = xreallocarray(f->cert, host + 1, sizeof(*f->cert));
		c = &f->cert[host];
		memset(c, 0, sizeof(*c));
		for (size_t i = 0; i < d->cas.n && i < FLEET_CAS; i++)
			strlist_add(&c->cas, d->cas.v[i]);
		c->rev = revset(f, &d->revoked);
		for (size_t i = 0; i < d->krl_cas.n; i++)
			strlist_add(&c->krl_cas, d->krl_cas.v[i]);
		c->revoked_set = d->revoked_set;
		c->krl = d->krl;
		c->krl_version = d->krl_version;
		c->krl_generated = d->krl_generated;
	}
	for (size_t i = 0; i < d->hostkey_fps.n; i++)
		sight(f, d->hostkey_fps.v[i], 1, host, NULL);
	for (size_t i = 0; i < d->keys.n; i++) {
		const char *sp = strchr(d->keys.v[i], ' ');
		size_t u;
		char *fp;

		if (sp == NULL)
			continue;
		fp = xstrndup(d->keys.v[i], (size_t)(sp - d->keys.v[i]));
		u = strmap_add(&f->users, sp + 1, strlen(sp + 1), 0, NULL);
		sight(f, fp, 0, host, strmap_at(&f->users, u)->key);
		free(fp);
	}
}

/* The host part of a target: "db1:2222" of "admin@db1:2222" (the login
 * user is how the scan got in, not where the account is; "kafa@admin@db1"
 * read as nonsense). Names cannot hold '@' (inventory.c). */
static const char *
host_part(const char *target)
{
	const char *at = strrchr(target, '@');

	return at != NULL && at[1] != '\0' ? at + 1 : target;
}

/* "kafa@db1, kafa@db2 and 3 more", or for a host key "db1, db2". */
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
		if (s->user != NULL)
			buf_printf(&b, "%s%s@%s", n ? ", " : "", s->user,
			    host_part(f->hosts.v[s->host]));
		else
			buf_printf(&b, "%s%s", n ? ", " : "", f->hosts.v[s->host]);
	}
	return buf_steal(&b);
}

/* A fleet finding sits on the inventory line of the first host involved
 * that has one (SARIF needs a file to put an alert on). */
static void
anchor(const struct fleet *f, const struct fp_entry *e, struct ka_finding *fd)
{
	for (const struct sighting *s = e->first; s != NULL; s = s->next)
		if (f->origins[s->host] != NULL) {
			fd->origin = xstrdup(f->origins[s->host]);
			return;
		}
}

/* One account's known_hosts (on host a) against what every host of the
 * fleet presents: a key of a type it pins that differs is what ssh from
 * that account refuses; a key it marks @revoked is refused outright. */
static void
kh_cross(const struct fleet *f, size_t a, const char *path, const char *text,
    struct ka_host_result *out, const struct ka_rule *changed,
    const struct ka_rule *revoked)
{
	struct kh_db *db = kh_db_new();

	kh_db_set_time(db, time(NULL));
	char *where = xasprintf("%s:%s", f->hosts.v[a], path);

	kh_db_add(db, where, text, strlen(text));
	for (size_t b = 0; b < f->nkh; b++) {
		const struct kh_host *h = &f->kh[b];

		for (size_t k = 0; k < h->hostkeys.n; k++) {
			struct ak_line key;
			const struct kh_line *same = NULL, *rev = NULL;
			const char *name = NULL;
			int equal = 0;

			memset(&key, 0, sizeof(key));
			ak_parse_line(h->hostkeys.v[k], strlen(h->hostkeys.v[k]), 0, &key);
			for (size_t n = 0; key.status == AK_KEY && n < h->names.n && !equal &&
			    same == NULL && rev == NULL; n++)
				for (size_t i = 0; i < kh_db_nlines(db); i++) {
					const struct kh_line *l = kh_db_line(db, i);
					int eq;

					if (l->kind != KH_LINE_KEY || l->is_cert || l->canon_type == NULL ||
					    strcmp(l->canon_type, key.blob_type) != 0 ||
					    !kh_line_matches(l, h->names.v[n]))
						continue;
					name = h->names.v[n];
					eq = l->bloblen == key.bloblen &&
					    memcmp(l->blob, key.blob, key.bloblen) == 0;
					if (l->marker == KH_MARK_REVOKED && eq)
						rev = l;
					else if (l->marker == KH_MARK_NONE && eq)
						equal = 1;
					else if (l->marker == KH_MARK_NONE && same == NULL)
						same = l;
				}
			if (rev != NULL && revoked != NULL) {
				struct ka_finding *fd = finding_add(out, revoked, NULL, rev->file,
				    rev->line, "find out why the key was revoked; the host must "
				    "get new host keys (ssh-keygen -A)", "%s marks %s's %s key "
				    "%s @revoked, and %s still presents it", rev->file, name,
				    key.blob_type, key.fp, f->hosts.v[b]);
				fd->key_fp = xstrdup(key.fp);
				fd->blocks_login = 0;
				if (f->origins[a] != NULL)
					fd->origin = xstrdup(f->origins[a]);
			} else if (!equal && same != NULL && changed != NULL) {
				struct ka_finding *fd = finding_add(out, changed, NULL, same->file,
				    same->line, NULL, "%s trusts another %s key for %s (%s) than "
				    "the one %s presents (%s): ssh from that account refuses "
				    "(REMOTE HOST IDENTIFICATION HAS CHANGED)", same->file,
				    key.blob_type, name, same->fp ? same->fp : "?", f->hosts.v[b],
				    key.fp);
				remedy_manual(&fd->remedy, "check %s out of band; if it is the "
				    "host's key, on %s as the account that trusts the old one",
				    key.fp, f->hosts.v[a]);
				remedy_run(&fd->remedy, ACT_SERVER, 1, "ssh-keygen", "-R", name,
				    "-f", path, NULL);
				fd->key_fp = xstrdup(key.fp);
				fd->blocks_login = 0;
				if (f->origins[a] != NULL)
					fd->origin = xstrdup(f->origins[a]);
			}
			ak_line_free(&key);
		}
	}
	free(where);
	kh_db_free(db);
}

/* ---- user certificates: the trust map, retired CAs, stale KRLs ---------- */

struct ca_sight {
	size_t host;
	const char *scope;	/* the digest's */
};

/* One CA trusted somewhere in the fleet, from its first digest entry. */
struct ca_ent {
	char *fp, *sha1, *type;
	int bits;
	struct ca_sight *v;
	size_t n;
};

/* "FP SHA1 TYPE BITS SCOPE" into its parts (pointers into e; fields
 * NUL-terminated in the copy *buf). */
static int
ca_split(const char *e, char **buf, char **fld, const char **scope)
{
	char *p;

	*buf = xstrdup(e);
	p = *buf;
	for (int i = 0; i < 4; i++) {
		char *sp = strchr(p, ' ');

		if (sp == NULL) {
			free(*buf);
			return -1;
		}
		*sp = '\0';
		fld[i] = p;
		p = sp + 1;
	}
	*scope = e + (size_t)(p - *buf);
	return 0;
}

/* Every CA of every digest, grouped by fingerprint in first-seen order. */
static struct ca_ent *
ca_collect(const struct fleet *f, size_t *n)
{
	struct strmap idx = { 0 };
	struct ca_ent *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t h = 0; h < f->hosts.n; h++)
		for (size_t i = 0; i < f->cert[h].cas.n; i++) {
			const char *e = f->cert[h].cas.v[i], *scope;
			char *buf, *fld[4];
			size_t j;
			int added;

			if (ca_split(e, &buf, fld, &scope) != 0)
				continue;
			j = strmap_add(&idx, fld[0], strlen(fld[0]), *n, &added);
			if (j == STRMAP_NONE) {
				free(buf);
				continue;
			}
			if (added) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 16;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				memset(&v[*n], 0, sizeof(*v));
				v[*n].fp = xstrdup(fld[0]);
				v[*n].sha1 = xstrdup(fld[1]);
				v[*n].type = xstrdup(fld[2]);
				v[*n].bits = atoi(fld[3]);
				(*n)++;
			}
			{
				struct ca_ent *c = &v[strmap_at(&idx, j)->value];

				c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
				c->v[c->n].host = h;
				c->v[c->n].scope = scope;
				c->n++;
			}
			free(buf);
		}
	strmap_free(&idx);
	return v;
}

static void
ca_free(struct ca_ent *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].fp);
		free(v[i].sha1);
		free(v[i].type);
		free(v[i].v);
	}
	free(v);
}

/* "h1 (all users), h2 (alice; bob)" for the hosts whose sightings pass
 * keep (NULL: all), at most FLEET_LIST_MAX named; *count is hosts. A
 * host's sightings are consecutive (ca_collect reads host by host). */
static char *
ca_places(const struct fleet *f, const struct ca_ent *c,
    int (*keep)(const struct fleet *, const struct ca_ent *, size_t, void *), void *arg,
    size_t *count, size_t *first)
{
	struct buf b;
	size_t n = 0, last = SIZE_MAX;

	buf_init(&b);
	*first = SIZE_MAX;
	for (size_t i = 0; i < c->n; i++) {
		size_t h = c->v[i].host;

		if (keep != NULL && !keep(f, c, h, arg))
			continue;
		if (*first == SIZE_MAX)
			*first = h;
		if (h == last) {
			/* another scope of the host just named */
			if (n <= FLEET_LIST_MAX && b.len > 0 && b.data[b.len - 1] == ')') {
				b.data[--b.len] = '\0';
				buf_printf(&b, "; %s)", c->v[i].scope);
			}
			continue;
		}
		last = h;
		if (n < FLEET_LIST_MAX)
			buf_printf(&b, "%s%s (%s)", n ? ", " : "", f->hosts.v[h], c->v[i].scope);
		n++;
	}
	if (n > FLEET_LIST_MAX)
		buf_printf(&b, " and %zu more", n - FLEET_LIST_MAX);
	*count = n;
	return buf_steal(&b);
}

static int
revokes(const struct fleet *f, const struct cert_host *h, const struct ca_ent *c)
{
	const struct strmap *m;

	if (h->rev == SIZE_MAX)
		return 0;
	m = &f->revsets[h->rev];
	return strmap_find(m, c->fp, strlen(c->fp)) != STRMAP_NONE ||
	    strmap_find(m, c->sha1, strlen(c->sha1)) != STRMAP_NONE;
}

static int
not_revoking(const struct fleet *f, const struct ca_ent *c, size_t host, void *arg)
{
	(void)arg;
	return !revokes(f, &f->cert[host], c);
}

/* Is a's KRL older than b's: a lower version, or the same one generated
 * earlier. */
static int
krl_older(const struct cert_host *a, const struct cert_host *b)
{
	return a->krl_version < b->krl_version || (a->krl_version == b->krl_version &&
	    a->krl_generated < b->krl_generated);
}

/* A host trusting c whose revocations lag the newest KRL under c (arg). */
static int
lagging(const struct fleet *f, const struct ca_ent *c, size_t host, void *arg)
{
	const struct cert_host *h = &f->cert[host], *newest = arg;

	(void)c;
	if (h == newest)
		return 0;
	if (!h->krl || !strlist_has(&h->krl_cas, c->fp))
		return 1;
	return krl_older(h, newest);
}

static void
krl_when(const struct cert_host *h, char *buf, size_t n)
{
	time_t t = (time_t)h->krl_generated;
	struct tm tm;

	if (h->krl_generated == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "%s", "an unknown date");
}

static void
fleet_anchor(const struct fleet *f, size_t host, struct ka_finding *fd)
{
	if (host < f->hosts.n && f->origins[host] != NULL && fd->origin == NULL)
		fd->origin = xstrdup(f->origins[host]);
}

static void
cert_pass(const struct fleet *f, struct ka_host_result *out, int tm_on, int rt_on,
    int st_on)
{
	size_t n, cnt, first;
	struct ca_ent *v = ca_collect(f, &n);

	for (size_t i = 0; i < n; i++) {
		const struct ca_ent *c = &v[i];
		struct ka_finding *fd;
		const struct cert_host *newest = NULL;
		size_t newest_host = 0;
		struct buf by;
		char *where;

		if (tm_on) {
			where = ca_places(f, c, NULL, NULL, &cnt, &first);
			fd = finding_add(out, &rule_cert_trust_map, NULL, NULL, 0, NULL,
			    "CA %s %s (%d bits) is trusted by %zu host%s: %s", c->type, c->fp,
			    c->bits, cnt, cnt == 1 ? "" : "s", where);
			fd->key_fp = xstrdup(c->fp);
			fleet_anchor(f, first, fd);
			free(where);
		}
		/* retired: revoked as a key on some host */
		buf_init(&by);
		for (size_t h = 0; h < f->hosts.n; h++)
			if (revokes(f, &f->cert[h], c))
				buf_printf(&by, "%s%s", by.len ? ", " : "", f->hosts.v[h]);
		if (rt_on && by.len > 0) {
			where = ca_places(f, c, not_revoking, NULL, &cnt, &first);
			if (cnt > 0) {
				fd = finding_add(out, &rule_cert_ca_retired, NULL, NULL, 0, NULL,
				    "CA %s %s is revoked by the RevokedKeys of %s, and still "
				    "trusted by %zu host%s: %s; every certificate it signs "
				    "logs in there", c->type, c->fp, by.data, cnt,
				    cnt == 1 ? "" : "s", where);
				fd->key_fp = xstrdup(c->fp);
				remedy_manual(&fd->remedy, "take CA %s out of TrustedUserCAKeys "
				    "and the cert-authority lines on those hosts, or add it to "
				    "their RevokedKeys (ssh-keygen -k -u -f KRL CA.pub)", c->fp);
				fleet_anchor(f, first, fd);
			}
			free(where);
		}
		buf_free(&by);
		/* stale: the newest KRL revoking under c, against each host
		 * that trusts c */
		for (size_t h = 0; h < f->hosts.n; h++) {
			const struct cert_host *x = &f->cert[h];

			if (x->krl && strlist_has(&x->krl_cas, c->fp) &&
			    (newest == NULL || krl_older(newest, x))) {
				newest = x;
				newest_host = h;
			}
		}
		if (st_on && newest != NULL) {
			char when[40];

			where = ca_places(f, c, lagging, (void *)newest, &cnt, &first);
			if (cnt > 0) {
				struct buf lag;

				buf_init(&lag);
				/* sightings come host by host: a host trusting c
				 * twice (globally and for an account) is named once */
				for (size_t k = 0; k < c->n; k++) {
					const struct cert_host *x = &f->cert[c->v[k].host];
					char w2[40];

					if (!lagging(f, c, c->v[k].host, (void *)newest) ||
					    (k > 0 && c->v[k - 1].host == c->v[k].host) ||
					    lag.len > 2048)
						continue;
					krl_when(x, w2, sizeof(w2));
					if (!x->revoked_set)
						buf_printf(&lag, "%s%s: no RevokedKeys", lag.len ? "; " : "",
						    f->hosts.v[c->v[k].host]);
					else if (!x->krl || !strlist_has(&x->krl_cas, c->fp))
						buf_printf(&lag, "%s%s: its RevokedKeys revokes nothing "
						    "under this CA", lag.len ? "; " : "",
						    f->hosts.v[c->v[k].host]);
					else
						buf_printf(&lag, "%s%s: KRL version %llu of %s",
						    lag.len ? "; " : "", f->hosts.v[c->v[k].host],
						    (unsigned long long)x->krl_version, w2);
				}
				krl_when(newest, when, sizeof(when));
				fd = finding_add(out, &rule_cert_krl_stale, NULL, NULL, 0, NULL,
				    "%s's KRL (version %llu of %s) revokes certificates of CA "
				    "%s %s; %zu host%s trusting that CA lag%s behind it: %s",
				    f->hosts.v[newest_host], (unsigned long long)newest->krl_version,
				    when, c->type, c->fp, cnt, cnt == 1 ? "" : "s",
				    cnt == 1 ? "s" : "", lag.data ? lag.data : where);
				fd->key_fp = xstrdup(c->fp);
				remedy_manual(&fd->remedy, "copy %s's KRL to the RevokedKeys of "
				    "those hosts (the same file everywhere the CA is trusted)",
				    f->hosts.v[newest_host]);
				fleet_anchor(f, first, fd);
				buf_free(&lag);
			}
			free(where);
		}
	}
	ca_free(v, n);
}

void
fleet_check(struct fleet *f, const struct ka_options *o, struct ka_host_result *out)
{
	const struct ka_rule *shared_key = &rule_keys_shared;
	const struct ka_rule *shared_hk = &rule_hostkey_shared;
	int key_on = check_selected(shared_key, o->only) &&
	    policy_check_enabled(o->policy, shared_key->id);
	int hk_on = check_selected(shared_hk, o->only) &&
	    policy_check_enabled(o->policy, shared_hk->id);
	const struct ka_rule *changed = &rule_hostkey_changed;
	const struct ka_rule *revoked = &rule_hostkey_revoked;
	int ch_on = check_selected(changed, o->only) &&
	    policy_check_enabled(o->policy, changed->id);
	int rv_on = check_selected(revoked, o->only) &&
	    policy_check_enabled(o->policy, revoked->id);
	const struct ka_rule *tmap = &rule_cert_trust_map;
	const struct ka_rule *retired = &rule_cert_ca_retired;
	const struct ka_rule *stale = &rule_cert_krl_stale;
	int tm_on = check_selected(tmap, o->only) && policy_check_enabled(o->policy, tmap->id);
	int rt_on = check_selected(retired, o->only) &&
	    policy_check_enabled(o->policy, retired->id);
	int st_on = check_selected(stale, o->only) &&
	    policy_check_enabled(o->policy, stale->id);
	size_t nran = 0, before;

	out->ran = xcalloc(7, sizeof(*out->ran));
	if (key_on)
		out->ran[nran++] = shared_key;
	if (hk_on)
		out->ran[nran++] = shared_hk;
	if (ch_on)
		out->ran[nran++] = changed;
	if (rv_on)
		out->ran[nran++] = revoked;
	if (tm_on)
		out->ran[nran++] = tmap;
	if (rt_on)
		out->ran[nran++] = retired;
	if (st_on)
		out->ran[nran++] = stale;
	out->nran = nran;
	before = out->nfindings;
	cert_pass(f, out, tm_on, rt_on, st_on);
	for (size_t a = 0; a < f->nkh; a++)
		for (size_t i = 0; i + 1 < f->kh[a].files.n; i += 2)
			kh_cross(f, a, f->kh[a].files.v[i], f->kh[a].files.v[i + 1], out,
			    ch_on ? changed : NULL, rv_on ? revoked : NULL);
	for (size_t i = before; i < out->nfindings; i++)
		out->findings[i].severity = (enum ka_severity)policy_severity(o->policy,
		    out->findings[i].rule->id, (int)out->findings[i].severity);
	for (size_t i = 0; i < strmap_count(&f->fps); i++) {
		const struct fp_entry *e = &f->ent[i];
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
		} else if (!e->is_hostkey && key_on && e->nhosts >= 2) {
			where = places(f, e);
			fd = finding_add(out, shared_key, NULL, NULL, 0,
			    "give each person and each automation its own key; remove this "
			    "one from the accounts that should not have it",
			    "key %s is authorized for %zu accounts on %zu hosts: %s", e->fp,
			    e->count, e->nhosts, where);
			fd->key_fp = xstrdup(e->fp);
			free(where);
		}
		if (fd != NULL) {
			fd->severity = (enum ka_severity)policy_severity(o->policy,
			    fd->rule->id, (int)fd->severity);
			anchor(f, e, fd);
		}
	}
	host_result_sort(out);
}

void
fleet_free(struct fleet *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < strmap_count(&f->fps); i++) {
		struct sighting *s, *sn;

		for (s = f->ent[i].first; s != NULL; s = sn) {
			sn = s->next;
			free(s);
		}
	}
	free(f->ent);
	strmap_free(&f->fps);
	for (size_t i = 0; i < f->nkh; i++) {
		strlist_free(&f->kh[i].names);
		strlist_free(&f->kh[i].hostkeys);
		strlist_free(&f->kh[i].files);
	}
	free(f->kh);
	for (size_t i = 0; i < f->hosts.n; i++) {
		strlist_free(&f->cert[i].cas);
		strlist_free(&f->cert[i].krl_cas);
	}
	free(f->cert);
	for (size_t i = 0; i < strmap_count(&f->revkeys); i++)
		strmap_free(&f->revsets[i]);
	free(f->revsets);
	strmap_free(&f->revkeys);
	for (size_t i = 0; i < f->hosts.n; i++)
		free(f->origins[i]);
	free(f->origins);
	strlist_free(&f->hosts);
	strmap_free(&f->users);
	free(f);
}
