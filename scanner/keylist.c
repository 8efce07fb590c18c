/* keylist.c - the key inventory of `keyaudit keys` (keylist.h): the rows
 * come from the same per-user context the checks use, so a key's file is
 * the one sshd would read for that user, and its status what sshd would
 * make of the line. Output as an aligned table, CSV (RFC 4180) or JSON. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "scanner/keylist.h"
#include "scanner/parse/keyreg.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

static char *
printable_or_null(const char *s)
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
	r->host = xstrdup(s->target ? s->target : "local");
	r->user = xstrdup(user);
	r->path = xstrdup(path);
	r->line = l->lineno;
	r->type = xstrdup(l->blob_type ? l->blob_type : l->keytype ? l->keytype : "?");
	r->bits = l->bits;
	r->fp = xstrdup(l->fp ? l->fp : "?");
	r->comment = printable_or_null(l->comment);
	r->options = printable_or_null(l->options_text);
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

		char *src = str_printable(l->source, strlen(l->source));

		if (l->error != NULL)
			strlist_add_owned(&g->sources, xasprintf("%s: %s", src, l->error));
		else
			strlist_add(&g->sources, src);
		free(src);
		g->truncated |= l->truncated;
	}
	if (u != NULL)
		usagelog_window(u, &g->first, &g->last, &lines, &g->logins);
}

const struct key_use *
key_line_use(const struct usagelog *u, const char *user, const char *fp,
    const char *path, long line)
{
	const struct key_use *k;

	if (u == NULL || (k = usagelog_find(u, user, fp)) == NULL)
		return NULL;
	if (k->file != NULL && k->line > 0 && (strcmp(k->file, path) != 0 || k->line != line))
		return NULL;
	return k;
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
		r->owner = printable_or_null(e->owner);
		r->added = e->added;
	}
	since = r->added > 0 ? r->added : r->file_mtime;
	r->age_days = since > 0 && ctx->snap->collected_at >= since ?
	    (long)((ctx->snap->collected_at - since) / 86400) : -1;
}

/* Keys sshd takes from elsewhere than the files this inventory lists. */
static void
add_notes(struct ka_ctx *ctx, struct key_logs *g)
{
	static const char *const kws[] = { "authorizedkeyscommand", "trustedusercakeys" };
	static const char *const spelt[] = { "AuthorizedKeysCommand", "TrustedUserCAKeys" };

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
		for (size_t j = 0; j < vals.n; j++) {
			char *v = str_printable(vals.v[j], strlen(vals.v[j]));
			strlist_add_owned(&g->notes, xasprintf("%s %s (for %s) can authorize "
			    "keys no file lists: they are not in this inventory", spelt[k], v,
			    who.v[j]));
			free(v);
		}
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

static void
csv_field(FILE *fp, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\n\r") != NULL) {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

static void
print_csv(FILE *fp, const struct key_rows *r)
{
	fputs("host,user,path,line,type,bits,fingerprint,comment,options,status,"
	    "last_used,last_from,logins,file_modified,owner,added,age_days\n", fp);
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		char line[24], bits[16], logins[24], used[40], mod[40];

		snprintf(line, sizeof(line), "%ld", k->line);
		snprintf(bits, sizeof(bits), "%d", k->bits);
		snprintf(logins, sizeof(logins), "%lu", k->logins);
		iso_time(k->file_mtime, mod, sizeof(mod));
		csv_field(fp, k->host, 0);
		csv_field(fp, k->user, 0);
		csv_field(fp, k->path, 0);
		csv_field(fp, line, 0);
		csv_field(fp, k->type, 0);
		csv_field(fp, bits, 0);
		csv_field(fp, k->fp, 0);
		csv_field(fp, k->comment, 0);
		csv_field(fp, k->options, 0);
		csv_field(fp, k->status, 0);
		if (k->log_known && k->logins > 0 && k->last_used > 0)
			iso_time(k->last_used, used, sizeof(used));
		else
			snprintf(used, sizeof(used), "%s", !k->log_known ? "unknown" :
			    k->logins ? "used" : "never");
		csv_field(fp, used, 0);
		csv_field(fp, k->last_from, 0);
		csv_field(fp, logins, 0);
		csv_field(fp, mod, 0);
		csv_field(fp, k->owner, 0);
		iso_time(k->added, mod, sizeof(mod));
		csv_field(fp, k->added > 0 ? mod : "", 0);
		snprintf(mod, sizeof(mod), "%ld", k->age_days);
		csv_field(fp, k->age_days >= 0 ? mod : "", 1);
	}
}

static void
print_table(FILE *fp, const struct key_rows *r)
{
	size_t wh = 4, wu = 4, wf = 9;

	for (size_t i = 0; i < r->n; i++) {
		size_t pl = strlen(r->v[i].path) + 12;
		if (strlen(r->v[i].host) > wh)
			wh = strlen(r->v[i].host);
		if (strlen(r->v[i].user) > wu)
			wu = strlen(r->v[i].user);
		if (pl > wf)
			wf = pl;
	}
	fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5s  %-50s  %-26s %6s  %s\n", (int)wh, "HOST",
	    (int)wu, "USER", (int)wf, "FILE:LINE", "TYPE", "BITS", "FINGERPRINT",
	    "LAST USED", "AGE", "STATUS / COMMENT");
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		char fl[4200], used[40], age[24];

		snprintf(fl, sizeof(fl), "%s:%ld", k->path, k->line);
		if (k->age_days >= 0)
			snprintf(age, sizeof(age), "%ldd", k->age_days);
		else
			snprintf(age, sizeof(age), "?");
		fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5d  %-50s  %-26s %6s  %s%s%s%s%s\n", (int)wh,
		    k->host, (int)wu, k->user, (int)wf, fl, k->type, k->bits, k->fp,
		    last_used_text(k, used, sizeof(used)), age, k->status,
		    k->comment ? " / " : "", k->comment ? k->comment : "",
		    k->owner ? " / owner " : "", k->owner ? k->owner : "");
	}
	fprintf(fp, "%zu key%s\n", r->n, r->n == 1 ? "" : "s");
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct key_logs *g = &r->logs[i];
		char a[40], b[40];

		for (size_t j = 0; j < g->notes.n; j++)
			fprintf(fp, "%s: note: %s\n", g->host, g->notes.v[j]);
		if (!g->asked)
			continue;
		fprintf(fp, "%s: ", g->host);
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
			for (size_t j = 0; j < g->sources.n; j++)
				fprintf(fp, "%s%s", j ? ", " : "", g->sources.v[j]);
			fputc('\n', fp);
		}
	}
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
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
		json_object_set_new(w, "host", json_string(g->host));
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

		json_object_set_new(e, "host", json_string(k->host));
		json_object_set_new(e, "user", json_string(k->user));
		json_object_set_new(e, "path", json_string(k->path));
		json_object_set_new(e, "line", json_integer(k->line));
		json_object_set_new(e, "type", json_string(k->type));
		json_object_set_new(e, "bits", json_integer(k->bits));
		json_object_set_new(e, "fingerprint", json_string(k->fp));
		json_object_set_new(e, "comment", jstr(k->comment));
		json_object_set_new(e, "options", jstr(k->options));
		json_object_set_new(e, "status", json_string(k->status));
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

void
keylist_print(FILE *fp, const struct key_rows *r, const char *format)
{
	if (strcmp(format, "csv") == 0)
		print_csv(fp, r);
	else if (strcmp(format, "json") == 0)
		print_json(fp, r);
	else
		print_table(fp, r);
}

void
keylist_move(struct key_rows *dst, struct key_rows *src)
{
	dst->v = xreallocarray(dst->v, dst->n + src->n + 1, sizeof(*dst->v));
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*dst->v));
	dst->n += src->n;
	dst->logs = xreallocarray(dst->logs, dst->nlogs + src->nlogs + 1, sizeof(*dst->logs));
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
