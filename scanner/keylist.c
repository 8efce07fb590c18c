/* keylist.c - the key inventory of `keyaudit keys` (keylist.h): the rows
 * come from the same per-user context the checks use, so a key's file is
 * the one sshd would read for that user, and its status what sshd would
 * make of the line. Output as an aligned table, CSV (RFC 4180) or JSON. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "keylist.h"

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

void
keylist_rows(const struct snapshot *s, const struct ka_options *o, struct key_rows *out)
{
	struct ka_host_result scratch;
	struct ka_ctx ctx;

	host_result_init(&scratch, s->target ? s->target : "local");
	ctx_init(&ctx, s, o, &scratch);
	for (size_t i = 0; i < ctx.nusers; i++) {
		const struct ka_user *u = &ctx.users[i];
		struct strlist seen = { 0 };

		if (u->acct == NULL)
			continue;
		for (size_t j = 0; j < u->akfiles.n; j++) {
			const struct ak_file *ak;
			const struct snap_file *st;
			char *canon = NULL;
			const char *why;

			if (snap_realpath(s, u->akfiles.v[j], &canon, &why) != 0)
				continue;
			/* AuthorizedKeysFile may name one file twice */
			if (strlist_has(&seen, canon) || (ak = ctx_akfile(&ctx, canon)) == NULL) {
				free(canon);
				continue;
			}
			strlist_add(&seen, canon);
			st = snap_stat(s, canon);
			for (size_t l = 0; l < ak->n; l++)
				if (ak->lines[l].status == AK_KEY ||
				    ak->lines[l].status == AK_BAD_OPTIONS)
					add_row(out, s, u->name, canon, &ak->lines[l],
					    st ? st->mtime : 0);
			free(canon);
		}
		strlist_free(&seen);
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
}

static int
cmp_use(const void *k, const void *e)
{
	const struct key_row *r = k;
	const struct key_use *u = *(const struct key_use *const *)e;
	int c = strcmp(r->user, u->user);

	return c != 0 ? c : strcmp(r->fp, u->fp);
}

void
keylist_apply_log(struct key_rows *r, const struct usagelog *u)
{
	size_t n = usagelog_count(u);
	const struct key_use **idx = xcalloc(n + 1, sizeof(*idx));

	/* usagelog_at is sorted by user, then fingerprint */
	for (size_t i = 0; i < n; i++)
		idx[i] = usagelog_at(u, i);
	for (size_t i = 0; i < r->n; i++) {
		struct key_row *row = &r->v[i];
		const struct key_use *const *hit = bsearch(row, idx, n, sizeof(*idx), cmp_use);

		row->log_known = 1;
		if (hit == NULL)
			continue;
		/* VERBOSE named the line that let the key in: only that one was
		 * used (a key may be listed twice). */
		if ((*hit)->file != NULL && (*hit)->line > 0 &&
		    (strcmp((*hit)->file, row->path) != 0 || (*hit)->line != row->line))
			continue;
		row->last_used = (*hit)->last;
		row->logins = (*hit)->count;
		free(row->last_from);
		row->last_from = (*hit)->last_addr ? xstrdup((*hit)->last_addr) : NULL;
		if (row->last_used == 0 && row->logins > 0)
			row->last_used = -1;	/* used, at a time the log did not say */
	}
	free(idx);
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
	    "last_used,last_from,logins,file_modified\n", fp);
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
		csv_field(fp, mod, 1);
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
	fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5s  %-50s  %-26s  %s\n", (int)wh, "HOST",
	    (int)wu, "USER", (int)wf, "FILE:LINE", "TYPE", "BITS", "FINGERPRINT",
	    "LAST USED", "STATUS / COMMENT");
	for (size_t i = 0; i < r->n; i++) {
		const struct key_row *k = &r->v[i];
		char fl[4200], used[40];

		snprintf(fl, sizeof(fl), "%s:%ld", k->path, k->line);
		fprintf(fp, "%-*s  %-*s  %-*s  %-16s %5d  %-50s  %-26s  %s%s%s\n", (int)wh,
		    k->host, (int)wu, k->user, (int)wf, fl, k->type, k->bits, k->fp,
		    last_used_text(k, used, sizeof(used)), k->status,
		    k->comment ? " / " : "", k->comment ? k->comment : "");
	}
	fprintf(fp, "%zu key%s\n", r->n, r->n == 1 ? "" : "s");
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static void
print_json(FILE *fp, const struct key_rows *r, const struct usagelog *u,
    const struct strlist *sources)
{
	json_t *o = json_object(), *a = json_array(), *w = json_object(), *src = json_array();
	char buf[40], *text;

	json_object_set_new(o, "keyaudit", json_string(KA_VERSION));
	json_object_set_new(o, "schema", json_integer(1));
	json_object_set_new(o, "command", json_string("keys"));
	for (size_t i = 0; sources != NULL && i < sources->n; i++)
		json_array_append_new(src, json_string(sources->v[i]));
	json_object_set_new(w, "sources", src);
	if (u != NULL) {
		int64_t first, last;
		unsigned long lines, accepted;

		usagelog_window(u, &first, &last, &lines, &accepted);
		iso_time(first, buf, sizeof(buf));
		json_object_set_new(w, "first", first > 0 ? json_string(buf) : json_null());
		iso_time(last, buf, sizeof(buf));
		json_object_set_new(w, "last", last > 0 ? json_string(buf) : json_null());
		json_object_set_new(w, "lines", json_integer((json_int_t)lines));
		json_object_set_new(w, "logins", json_integer((json_int_t)accepted));
	}
	json_object_set_new(o, "log", w);
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
keylist_print(FILE *fp, const struct key_rows *r, const char *format,
    const struct usagelog *u, const struct strlist *log_sources)
{
	if (strcmp(format, "csv") == 0)
		print_csv(fp, r);
	else if (strcmp(format, "json") == 0)
		print_json(fp, r, u, log_sources);
	else
		print_table(fp, r);
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
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}
