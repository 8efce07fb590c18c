/* keylist.c - the key inventory of `keyaudit keys` (keylist.h): the rows
 * come from the same per-user context the checks use, so a key's file is
 * the one sshd would read for that user, and its status what sshd would
 * make of the line. Output as an aligned table, CSV (RFC 4180) or JSON.
 *
 * Rows hold what was read (accounts, paths, comments, log sources and sshd
 * settings are the host's choice); every string is made printable where it
 * is written, in each of the three forms, so no escape sequence or bidi
 * character reaches a terminal, and no CSV cell reads as a formula. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "scanner/keylist.h"
#include "scanner/parse/keyreg.h"
#include "checks/certca.h"
#include "reports/htmlpage.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

static void iso_time(int64_t t, char *buf, size_t n);

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* s as it may be shown (owned), or NULL for NULL. */
static char *
shown(const char *s)
{
	return s != NULL ? str_printable(s, strlen(s)) : NULL;
}

static void
add_row(struct key_rows *out, const struct snapshot *s, const char *user,
    const char *path, const struct ak_line *l, int64_t mtime)
{
	struct key_row *r;

	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	r->kind = "key";
	if (l->opts.cert_authority && !l->is_cert) {
		r->kind = "ca";
		r->scope = xstrdup(user);
		r->principals = dup_or_null(l->opts.principals);
	}
	r->host = xstrdup(s->target ? s->target : "local");
	r->user = xstrdup(user);
	r->path = xstrdup(path);
	r->line = l->lineno;
	r->type = xstrdup(l->blob_type ? l->blob_type : l->keytype ? l->keytype : "?");
	r->bits = l->bits;
	r->fp = xstrdup(l->fp ? l->fp : "?");
	r->comment = dup_or_null(l->comment);
	r->options = dup_or_null(l->options_text);
	r->file_mtime = mtime;
	if (l->status == AK_BAD_OPTIONS)
		r->status = xasprintf("dead: %s", l->error ? l->error : "bad options");
	else if (l->opts.expiry != 0 && l->opts.expiry <= s->collected_at)
		r->status = xstrdup("expired");
	else
		r->status = xstrdup("usable");
}

/* The host's log summary: sources, window, logins. */
static void
add_logs(struct key_rows *out, const struct snapshot *s, const struct usagelog *u)
{
	struct key_logs *g;
	unsigned long lines;

	out->logs = xreallocarray(out->logs, out->nlogs + 1, sizeof(*out->logs));
	g = &out->logs[out->nlogs++];
	memset(g, 0, sizeof(*g));
	g->host = xstrdup(s->target ? s->target : "local");
	g->asked = s->authlogs_asked;
	for (size_t i = 0; i < s->nauthlogs; i++) {
		const struct snap_authlog *l = &s->authlogs[i];

		if (l->error != NULL)
			strlist_add_owned(&g->sources, xasprintf("%s: %s", l->source, l->error));
		else
			strlist_add(&g->sources, l->source);
		g->truncated |= l->truncated;
	}
	if (u != NULL)
		usagelog_window(u, &g->first, &g->last, &lines, &g->logins);
}

static void
row_of(struct ka_ctx *ctx, const struct ka_user *u, const char *path,
    const struct snap_file *st, const struct ak_line *l, void *arg)
{
	struct key_rows *out = arg;
	const struct keyreg_entry *e;

	struct key_row *r;
	int64_t since;

	add_row(out, ctx->snap, u->name, path, l, st ? st->mtime : 0);
	r = &out->v[out->n - 1];
	if (ctx->opts->registry != NULL && l->fp != NULL &&
	    (e = keyreg_find(ctx->opts->registry, l->fp)) != NULL) {
		r->owner = dup_or_null(e->owner);
		r->added = e->added;
	}
	since = r->added > 0 ? r->added : r->file_mtime;
	r->age_days = since > 0 && ctx->snap->collected_at >= since ?
	    (long)((ctx->snap->collected_at - since) / 86400) : -1;
}

static struct key_row *
new_row(struct key_rows *out, const struct snapshot *s, const char *kind,
    const char *user, const char *path, long line)
{
	struct key_row *r;

	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->host = xstrdup(s->target ? s->target : "local");
	r->user = xstrdup(user);
	r->path = xstrdup(path);
	r->line = line;
	r->age_days = -1;
	return r;
}

static int64_t
mtime_of(const struct snapshot *s, const char *path)
{
	const struct snap_file *f = snap_file_get(s, path);

	return f != NULL ? f->mtime : 0;
}

static const char *
state_text(enum certca_state st)
{
	switch (st) {
	case CA_FILE_OK:
		return "ok";
	case CA_FILE_MISSING:
		return "missing";
	case CA_FILE_UNREADABLE:
		return "unreadable";
	case CA_FILE_UNKNOWN:
		break;
	}
	return "not collected";
}

/* The host's certificate trust (checks/certca.h) as rows: each CA of
 * TrustedUserCAKeys (cert-authority lines are key rows of kind "ca"
 * already), each principals file, each RevokedKeys file. */
static void
cert_rows(struct ka_ctx *ctx, struct key_rows *out)
{
	const struct snapshot *s = ctx->snap;
	struct certca t;

	certca_gather(ctx, &t);
	for (size_t i = 0; i < t.nfiles; i++) {
		const struct certca_cafile *cf = &t.files[i];
		struct key_row *r;

		if (cf->state == CA_FILE_OK && cf->badline == 0)
			continue;
		/* the file itself, when sshd cannot use all of it */
		r = new_row(out, s, "ca", "", cf->path, cf->badline);
		r->type = xstrdup("?");
		r->fp = xstrdup("");
		r->scope = xstrdup(cf->users);
		r->status = cf->state != CA_FILE_OK ? xasprintf("dead: TrustedUserCAKeys "
		    "%s%s%s", state_text(cf->state), cf->why ? ": " : "",
		    cf->why ? cf->why : "") : xasprintf("dead: line %ld is not a key; "
		    "sshd reads no CA after it", cf->badline);
		r->file_mtime = mtime_of(s, cf->path);
	}
	for (size_t i = 0; i < t.ncas; i++) {
		const struct certca_ca *c = &t.cas[i];
		struct key_row *r;

		if (!c->global)
			continue;
		r = new_row(out, s, "ca", "", c->path, c->line);
		r->type = xstrdup(c->l->blob_type ? c->l->blob_type : "?");
		r->bits = c->l->bits;
		r->fp = xstrdup(c->l->fp);
		r->comment = dup_or_null(c->l->comment);
		r->scope = certca_scope(c);
		r->status = xstrdup("trusted CA (TrustedUserCAKeys)");
		r->file_mtime = mtime_of(s, c->path);
	}
	for (size_t i = 0; i < t.nprinc; i++) {
		const struct certca_princ *p = &t.princ[i];
		struct key_row *r = new_row(out, s, "principals", p->user, p->path, 0);
		struct buf b;

		buf_init(&b);
		for (size_t j = 0; j < p->names.n; j++)
			buf_printf(&b, "%s%s", j ? "," : "", p->names.v[j]);
		r->type = xstrdup("principals");
		r->fp = xstrdup("");
		r->principals = p->state == CA_FILE_OK ? buf_steal(&b) : NULL;
		buf_free(&b);
		r->status = p->state == CA_FILE_OK ? xasprintf("%zu principal%s",
		    p->names.n, p->names.n == 1 ? "" : "s") : xasprintf("%s%s%s",
		    state_text(p->state), p->why ? ": " : "", p->why ? p->why : "");
		r->file_mtime = mtime_of(s, p->path);
	}
	for (size_t i = 0; i < t.nrevoked; i++) {
		const struct certca_revoked *v = &t.revoked[i];
		struct key_row *r = new_row(out, s, "revoked", "", v->path, 0);
		char when[40];

		r->type = xstrdup(v->state != CA_FILE_OK ? "?" : v->is_krl ? "KRL" : "key list");
		r->fp = xstrdup("");
		r->scope = xstrdup(v->users);
		r->file_mtime = mtime_of(s, v->path);
		if (v->state != CA_FILE_OK)
			r->status = xstrdup(state_text(v->state));
		else if (v->is_krl && v->krl_error != NULL)
			r->status = xasprintf("dead: sshd cannot load it (%s): it refuses "
			    "every key", v->krl_error);
		else if (v->is_krl) {
			iso_time((int64_t)(v->sum.generated > INT64_MAX ? 0 :
			    v->sum.generated), when, sizeof(when));
			r->comment = dup_or_null(v->sum.comment);
			r->status = xasprintf("KRL version %llu generated %s: %zu keys "
			    "revoked outright, certificates under %zu CA%s%s",
			    (unsigned long long)v->sum.version, when[0] ? when : "?",
			    v->sum.key_fps.n, v->sum.ca_fps.n, v->sum.ca_fps.n == 1 ? "" : "s",
			    v->sum.any_ca ? " and any CA" : "");
		} else
			r->status = xasprintf("%zu key%s", v->list_fps.n / 2,
			    v->list_fps.n == 2 ? "" : "s");
	}
	certca_free(&t);
}

/* Keys sshd takes from elsewhere than the files this inventory lists. */
static void
add_notes(struct ka_ctx *ctx, struct key_logs *g)
{
	/* TrustedUserCAKeys is listed: its CAs are rows of kind "ca" */
	static const char *const kws[] = { "authorizedkeyscommand" };
	static const char *const spelt[] = { "AuthorizedKeysCommand" };

	for (size_t k = 0; k < KA_ARRLEN(kws); k++) {
		struct strlist vals = { 0 }, who = { 0 };

		for (size_t i = 0; i < ctx->nusers; i++) {
			const char *v = ctx->users[i].eff ?
			    sshd_eff_str(ctx->users[i].eff, kws[k]) : NULL;
			size_t j;

			if (v == NULL || strcasecmp(v, "none") == 0)
				continue;
			for (j = 0; j < vals.n && strcmp(vals.v[j], v) != 0; j++)
				;
			if (j == vals.n) {
				strlist_add(&vals, v);
				strlist_add(&who, ctx->users[i].name);
			} else {
				char *w = xasprintf("%s, %s", who.v[j], ctx->users[i].name);
				free(who.v[j]);
				who.v[j] = w;
			}
		}
		for (size_t j = 0; j < vals.n; j++)
			strlist_add_owned(&g->notes, xasprintf("%s %s (for %s) can authorize "
			    "keys no file lists: they are not in this inventory", spelt[k],
			    vals.v[j], who.v[j]));
		strlist_free(&vals);
		strlist_free(&who);
	}
}

void
keylist_rows(const struct snapshot *s, const struct ka_options *o, struct key_rows *out)
{
	struct ka_host_result scratch;
	const struct usagelog *u;
	struct ka_ctx ctx;
	size_t first = out->n;

	host_result_init(&scratch, s->target ? s->target : "local");
	ctx_init(&ctx, s, o, &scratch);
	ctx_foreach_key(&ctx, row_of, out);
	u = ctx_usage(&ctx);
	for (size_t i = first; u != NULL && i < out->n; i++) {
		struct key_row *row = &out->v[i];
		const struct key_use *k = key_line_use(u, row->user, row->fp, row->path, row->line);

		row->log_known = 1;
		if (k == NULL)
			continue;
		row->last_used = k->last;
		row->logins = k->count;
		row->last_from = k->last_addr ? xstrdup(k->last_addr) : NULL;
		if (row->last_used == 0 && row->logins > 0)
			row->last_used = -1;	/* used, at a time the log did not say */
	}
	cert_rows(&ctx, out);
	add_logs(out, s, u);
	add_notes(&ctx, &out->logs[out->nlogs - 1]);
	{
		/* the host's budgets (engine.h) hold here as in scan: say
		 * whose keys are not in the inventory, never leave them out
		 * silently */
		const struct ka_budget_state *b = &ctx.budget;
		size_t left = b->pair_users + b->accounts_dropped + b->eff_users;

		if (left > 0)
			strlist_add_owned(&out->logs[out->nlogs - 1].notes, xasprintf("the keys "
			    "of %zu accounts are not listed: the host is past keyaudit's "
			    "per-host budgets (%zu key lines over all accounts, %zu accounts, "
			    "%zu distinct sshd configurations); scan it for the details",
			    left, b->max_pairs, b->max_accounts, b->max_effs));
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
}

static void
iso_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "%s", "");
}

static const char *
last_used_text(const struct key_row *r, char *buf, size_t n)
{
	if (!r->log_known)
		return "unknown (no log)";
	if (r->logins == 0)
		return "never (in the logs)";
	if (r->last_used < 0)
		return "used (no time in the log)";
	iso_time(r->last_used, buf, n);
	return buf;
}

/* One row as it is shown: every string printable. */
struct row_text {
	char *host, *user, *path, *type, *fp, *comment, *options, *status;
	char *last_from, *owner, *scope, *principals;
};

static void
row_text(const struct key_row *k, struct row_text *t)
{
	t->host = shown(k->host);
	t->user = shown(k->user);
	t->path = shown(k->path);
	t->type = shown(k->type);
	t->fp = shown(k->fp);
	t->comment = shown(k->comment);
	t->options = shown(k->options);
	t->status = shown(k->status);
	t->last_from = shown(k->last_from);
	t->owner = shown(k->owner);
	t->scope = shown(k->scope);
	t->principals = shown(k->principals);
}

static void
row_text_free(struct row_text *t)
{
	free(t->host);
	free(t->user);
	free(t->path);
	free(t->type);
	free(t->fp);
	free(t->comment);
	free(t->options);
	free(t->status);
	free(t->last_from);
	free(t->owner);
	free(t->scope);
	free(t->principals);
}

/* One CSV cell of printable text (csv_cell: RFC 4180, formulas defused). */
static void
csv_field(struct buf *b, const char *s, int last)
{
	csv_cell(b, s);
	buf_putc(b, last ? '\n' : ',');
}

static void
print_csv(FILE *fp, const struct key_rows *r)
{
	fputs("host,user,path,line,type,bits,fingerprint,comment,options,status,"
	    "last_used,last_from,logins,file_modified,owner,added,age_days,kind,scope,"
	    "principals\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		char line[24], bits[16], logins[24], used[40], mod[40];
		struct row_text t;
		struct buf b;

		row_text(k, &t);
		buf_init(&b);
		snprintf(line, sizeof(line), "%ld", k->line);
		snprintf(bits, sizeof(bits), "%d", k->bits);
		snprintf(logins, sizeof(logins), "%lu", k->logins);
		iso_time(k->file_mtime, mod, sizeof(mod));
		csv_field(&b, t.host, 0);
		csv_field(&b, t.user, 0);
		csv_field(&b, t.path, 0);
		csv_field(&b, line, 0);
		csv_field(&b, t.type, 0);
		csv_field(&b, bits, 0);
		csv_field(&b, t.fp, 0);
		csv_field(&b, t.comment, 0);
		csv_field(&b, t.options, 0);
		csv_field(&b, t.status, 0);
		if (k->log_known && k->logins > 0 && k->last_used > 0)
			iso_time(k->last_used, used, sizeof(used));
		else
			snprintf(used, sizeof(used), "%s", !k->log_known ? "unknown" :
			    k->logins ? "used" : "never");
		csv_field(&b, used, 0);
		csv_field(&b, t.last_from, 0);
		csv_field(&b, logins, 0);
		csv_field(&b, mod, 0);
		csv_field(&b, t.owner, 0);
		iso_time(k->added, mod, sizeof(mod));
		csv_field(&b, k->added > 0 ? mod : "", 0);
		snprintf(mod, sizeof(mod), "%ld", k->age_days);
		csv_field(&b, k->age_days >= 0 ? mod : "", 0);
		csv_field(&b, k->kind, 0);
		csv_field(&b, t.scope, 0);
		csv_field(&b, t.principals, 1);
		fwrite(b.data, 1, b.len, fp);
		buf_free(&b);
		row_text_free(&t);
	}
}

static void
print_table(FILE *fp, const struct key_rows *r)
{
	struct row_text *t = xcalloc(r->n + 1, sizeof(*t));
	size_t wh = 4, wu = 4, wf = 9;

	for (size_t i = 0; i < r->n; i++) {
		size_t pl;

		row_text(&r->v[i], &t[i]);
		pl = strlen(t[i].path) + 12;
		if (strlen(t[i].host) > wh)
			wh = strlen(t[i].host);
		if (strlen(t[i].user) > wu)
			wu = strlen(t[i].user);
		if (pl > wf)
			wf = pl;
	}
	fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5s  %-50s  %-26s %6s  %s\n", (int)wh, "HOST",
	    (int)wu, "USER", (int)wf, "FILE:LINE", "TYPE", "BITS", "FINGERPRINT",
	    "LAST USED", "AGE", "STATUS / COMMENT");
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		const struct row_text *s = &t[i];
		char *fl, used[40], age[24];

		fl = xasprintf("%s:%ld", s->path, k->line);
		if (k->age_days >= 0)
			snprintf(age, sizeof(age), "%ldd", k->age_days);
		else
			snprintf(age, sizeof(age), "?");
		fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5d  %-50s  %-26s %6s  %s%s%s%s%s%s%s%s%s%s%s\n",
		    (int)wh, s->host, (int)wu, s->user[0] ? s->user : "*", (int)wf, fl,
		    s->type, k->bits, s->fp, strcmp(k->kind, "key") == 0 ?
		    last_used_text(k, used, sizeof(used)) : "-", age,
		    strcmp(k->kind, "key") == 0 ? "" : k->kind,
		    strcmp(k->kind, "key") == 0 ? "" : ": ", s->status,
		    s->scope ? " / for " : "", s->scope ? s->scope : "",
		    s->principals ? " / principals " : "", s->principals ? s->principals : "",
		    s->comment ? " / " : "", s->comment ? s->comment : "",
		    s->owner ? " / owner " : "", s->owner ? s->owner : "");
		free(fl);
	}
	{
		size_t nk = 0;

		for (size_t i = 0; i < r->n; i++)
			nk += strcmp(r->v[i].kind, "key") == 0;
		fprintf(fp, "%zu key%s", nk, nk == 1 ? "" : "s");
		if (nk < r->n)
			fprintf(fp, ", %zu certificate trust row%s (CAs, principals and "
			    "revocation files)", r->n - nk, r->n - nk == 1 ? "" : "s");
		fputc('\n', fp);
	}
	for (size_t i = 0; i < r->n; i++)
		row_text_free(&t[i]);
	free(t);
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct key_logs *g = &r->logs[i];
		char a[40], b[40], *host = shown(g->host), *v;

		for (size_t j = 0; j < g->notes.n; j++) {
			v = shown(g->notes.v[j]);
			fprintf(fp, "%s: note: %s\n", host, v);
			free(v);
		}
		if (!g->asked) {
			free(host);
			continue;
		}
		fprintf(fp, "%s: ", host);
		free(host);
		if (g->sources.n == 0)
			fputs("no sshd log found (give --auth-log FILE)\n", fp);
		else {
			iso_time(g->first, a, sizeof(a));
			iso_time(g->last, b, sizeof(b));
			if (g->first > 0)
				fprintf(fp, "logs cover %s to %s%s, %lu key login%s; ", a, b,
				    g->truncated ? " (older lines dropped)" : "", g->logins,
				    g->logins == 1 ? "" : "s");
			else
				fprintf(fp, "%lu key login%s, no times in the logs; ",
				    g->logins, g->logins == 1 ? "" : "s");
			for (size_t j = 0; j < g->sources.n; j++) {
				v = shown(g->sources.v[j]);
				fprintf(fp, "%s%s", j ? ", " : "", v);
				free(v);
			}
			fputc('\n', fp);
		}
	}
}

/* A JSON string of s made printable (as reports/json.c does), or null. */
static json_t *
jstr(const char *s)
{
	char *p;
	json_t *j;

	if (s == NULL)
		return json_null();
	p = str_printable(s, strlen(s));
	j = json_string(p);
	free(p);
	return j != NULL ? j : json_null();
}

static json_t *
jtime(int64_t t)
{
	char buf[40];

	iso_time(t, buf, sizeof(buf));
	return t > 0 ? json_string(buf) : json_null();
}

static void
print_json(FILE *fp, const struct key_rows *r)
{
	json_t *o = json_object(), *a = json_array(), *ls = json_array();
	char buf[40], *text;

	json_object_set_new(o, "keyaudit", json_string(KA_VERSION));
	json_object_set_new(o, "schema", json_integer(2));
	json_object_set_new(o, "command", json_string("keys"));
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct key_logs *g = &r->logs[i];
		json_t *w = json_object(), *src = json_array();

		for (size_t j = 0; j < g->sources.n; j++)
			json_array_append_new(src, jstr(g->sources.v[j]));
		json_object_set_new(w, "host", jstr(g->host));
		json_object_set_new(w, "read", json_boolean(g->asked));
		json_object_set_new(w, "sources", src);
		json_object_set_new(w, "first", jtime(g->first));
		json_object_set_new(w, "last", jtime(g->last));
		json_object_set_new(w, "truncated", json_boolean(g->truncated));
		json_object_set_new(w, "logins", json_integer((json_int_t)g->logins));
		src = json_array();
		for (size_t j = 0; j < g->notes.n; j++)
			json_array_append_new(src, jstr(g->notes.v[j]));
		json_object_set_new(w, "notes", src);
		json_array_append_new(ls, w);
	}
	json_object_set_new(o, "logs", ls);
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		json_t *e = json_object();

		json_object_set_new(e, "kind", json_string(k->kind));
		json_object_set_new(e, "host", jstr(k->host));
		json_object_set_new(e, "user", k->user[0] ? jstr(k->user) : json_null());
		json_object_set_new(e, "scope", jstr(k->scope));
		json_object_set_new(e, "principals", jstr(k->principals));
		json_object_set_new(e, "path", jstr(k->path));
		json_object_set_new(e, "line", json_integer(k->line));
		json_object_set_new(e, "type", jstr(k->type));
		json_object_set_new(e, "bits", json_integer(k->bits));
		json_object_set_new(e, "fingerprint", k->fp[0] ? jstr(k->fp) : json_null());
		json_object_set_new(e, "comment", jstr(k->comment));
		json_object_set_new(e, "options", jstr(k->options));
		json_object_set_new(e, "status", jstr(k->status));
		iso_time(k->last_used, buf, sizeof(buf));
		json_object_set_new(e, "last_used", k->log_known && k->last_used > 0 ?
		    json_string(buf) : json_null());
		json_object_set_new(e, "used", !k->log_known ? json_null() :
		    json_boolean(k->logins > 0));
		json_object_set_new(e, "logins", json_integer((json_int_t)k->logins));
		json_object_set_new(e, "last_from", jstr(k->last_from));
		iso_time(k->file_mtime, buf, sizeof(buf));
		json_object_set_new(e, "file_modified", k->file_mtime > 0 ?
		    json_string(buf) : json_null());
		json_object_set_new(e, "owner", jstr(k->owner));
		json_object_set_new(e, "age_days", k->age_days >= 0 ?
		    json_integer(k->age_days) : json_null());
		json_object_set_new(e, "added", jtime(k->added));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "keys", a);
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text != NULL) {
		fputs(text, fp);
		fputc('\n', fp);
		free(text);
	}
}

/* One row as an .item of the HTML report: the filters' "check" is the
 * row's kind (key, ca, principals, revoked). */
static void
html_row(FILE *fp, const struct key_row *k)
{
	char buf[40];

	fprintf(fp, "<div class=\"item key\" data-check=\"%s\" data-user=\"", k->kind);
	html_put(fp, k->user);
	fputs("\" data-path=\"", fp);
	html_put(fp, k->path);
	fprintf(fp, "\" data-line=\"%ld\" data-fp=\"", k->line);
	html_put(fp, k->fp);
	fprintf(fp, "\"><div class=\"fh\"><span class=\"tag\">%s</span> <code class=\"ck\">",
	    k->kind);
	html_put(fp, k->type);
	fprintf(fp, " %d</code> <code>", k->bits);
	html_put(fp, k->fp);
	fputs("</code></div><dl>", fp);
	fputs("<dt>user</dt><dd class=\"u\">", fp);
	html_put(fp, k->user[0] ? k->user : "*");
	fputs("</dd><dt>where</dt><dd><code class=\"p\">", fp);
	html_put(fp, k->path);
	fprintf(fp, ":%ld</code></dd><dt>status</dt><dd>", k->line);
	html_put(fp, k->status);
	fputs("</dd>", fp);
	if (k->comment != NULL) {
		fputs("<dt>comment</dt><dd>", fp);
		html_put(fp, k->comment);
		fputs("</dd>", fp);
	}
	if (k->options != NULL) {
		fputs("<dt>options</dt><dd><code>", fp);
		html_put(fp, k->options);
		fputs("</code></dd>", fp);
	}
	if (k->scope != NULL) {
		fputs("<dt>for</dt><dd>", fp);
		html_put(fp, k->scope);
		fputs("</dd>", fp);
	}
	if (k->principals != NULL) {
		fputs("<dt>principals</dt><dd>", fp);
		html_put(fp, k->principals);
		fputs("</dd>", fp);
	}
	if (k->owner != NULL) {
		fputs("<dt>owner</dt><dd>", fp);
		html_put(fp, k->owner);
		fputs("</dd>", fp);
	}
	if (strcmp(k->kind, "key") == 0) {
		fputs("<dt>last used</dt><dd>", fp);
		if (!k->log_known)
			fputs("unknown (no log read)", fp);
		else if (k->logins == 0)
			fputs("not in the logs", fp);
		else {
			iso_time(k->last_used, buf, sizeof(buf));
			fprintf(fp, "%s, %lu login%s", k->last_used > 0 ? buf : "(no time)",
			    k->logins, k->logins == 1 ? "" : "s");
			if (k->last_from != NULL) {
				fputs(" from ", fp);
				html_put(fp, k->last_from);
			}
		}
		fputs("</dd>", fp);
	}
	if (k->age_days >= 0)
		fprintf(fp, "<dt>age</dt><dd>%ld days</dd>", k->age_days);
	fputs("</dl></div>\n", fp);
}

static void
html_logs(FILE *fp, const struct key_rows *r, const char *host)
{
	char a[40], b[40];

	for (size_t i = 0; i < r->nlogs; i++) {
		const struct key_logs *g = &r->logs[i];

		if (strcmp(g->host, host) != 0)
			continue;
		for (size_t j = 0; j < g->notes.n; j++) {
			fputs("<p class=\"sub\">note: ", fp);
			html_put(fp, g->notes.v[j]);
			fputs("</p>", fp);
		}
		if (!g->asked)
			continue;
		fputs("<p class=\"sub\">", fp);
		if (g->sources.n == 0)
			fputs("no sshd log found (give --auth-log FILE)", fp);
		else {
			iso_time(g->first, a, sizeof(a));
			iso_time(g->last, b, sizeof(b));
			if (g->first > 0)
				fprintf(fp, "logs cover %s to %s%s, %lu key login%s: ", a, b,
				    g->truncated ? " (older lines dropped)" : "", g->logins,
				    g->logins == 1 ? "" : "s");
			for (size_t j = 0; j < g->sources.n; j++) {
				fputs(j ? ", " : "", fp);
				html_put(fp, g->sources.v[j]);
			}
		}
		fputs("</p>", fp);
	}
}

static void
print_html(FILE *fp, const struct key_rows *r)
{
	size_t nk = 0, ngrp = 0;

	for (size_t i = 0; i < r->n; i++)
		nk += strcmp(r->v[i].kind, "key") == 0;
	html_page_open(fp, "keyaudit key inventory",
	    "every authorized key, the CAs trusted, and when each key last logged in",
	    HTML_FILTERS_NOSEV);
	fprintf(fp, "<section id=\"summary\" class=\"box\"><h2>Summary</h2><div class=\"cards\">"
	    "<div class=\"card c-keys\"><b>%zu</b>keys</div>"
	    "<div class=\"card c-trust\"><b>%zu</b>certificate trust rows</div>"
	    "<div class=\"card c-hosts\"><b>%zu</b>hosts</div></div></section>\n",
	    nk, r->n - nk, r->nlogs);
	fputs("<main id=\"hosts\" class=\"grps\">\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];

		if (i == 0 || strcmp(r->v[i - 1].host, k->host) != 0) {
			if (i > 0) {
				html_logs(fp, r, r->v[i - 1].host);
				fputs("</div></section>\n", fp);
			}
			fprintf(fp, "<section class=\"grp host\" data-idx=\"%zu\" data-host=\"",
			    ngrp++);
			html_put(fp, k->host);
			fputs("\"><div class=\"hh\"><h2 class=\"hn\">", fp);
			html_put(fp, k->host);
			fputs("</h2></div><div class=\"body\">", fp);
		}
		html_row(fp, k);
	}
	if (r->n > 0) {
		html_logs(fp, r, r->v[r->n - 1].host);
		fputs("</div></section>\n", fp);
	} else
		fputs("<p class=\"empty\">no keys</p>", fp);
	fputs("</main>\n", fp);
	html_page_close(fp);
}

void
keylist_print(FILE *fp, const struct key_rows *r, const char *format)
{
	if (strcmp(format, "csv") == 0)
		print_csv(fp, r);
	else if (strcmp(format, "json") == 0)
		print_json(fp, r);
	else if (strcmp(format, "html") == 0)
		print_html(fp, r);
	else
		print_table(fp, r);
}

void
keylist_move(struct key_rows *dst, struct key_rows *src)
{
	dst->v = xreallocarray(dst->v, dst->n + src->n + 1, sizeof(*dst->v));
	/* an empty list has no array: memcpy from NULL is undefined even for 0 */
	if (src->n > 0)
		memcpy(dst->v + dst->n, src->v, src->n * sizeof(*dst->v));
	dst->n += src->n;
	dst->logs = xreallocarray(dst->logs, dst->nlogs + src->nlogs + 1, sizeof(*dst->logs));
	if (src->nlogs > 0)
		memcpy(dst->logs + dst->nlogs, src->logs, src->nlogs * sizeof(*dst->logs));
	dst->nlogs += src->nlogs;
	free(src->v);
	free(src->logs);
	memset(src, 0, sizeof(*src));
}

void
keylist_free(struct key_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct key_row *k = &r->v[i];
		free(k->host);
		free(k->user);
		free(k->path);
		free(k->type);
		free(k->fp);
		free(k->comment);
		free(k->options);
		free(k->status);
		free(k->last_from);
		free(k->owner);
		free(k->scope);
		free(k->principals);
	}
	for (size_t i = 0; i < r->nlogs; i++) {
		free(r->logs[i].host);
		strlist_free(&r->logs[i].sources);
		strlist_free(&r->logs[i].notes);
	}
	free(r->logs);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
