/* json.c - the machine-readable report (DESIGN.md "JSON report"). Hosts
 * stream: the document's opening is written first, then each host object as
 * it arrives, then the summary, so memory holds one host at a time and the
 * output is still one JSON document. Strings from findings pass through
 * str_printable: valid UTF-8 that a consumer can print without escape
 * sequences reaching its terminal. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "reports/report.h"
#include "scanner/parse/reportjson.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

struct report {
	FILE *out;
	size_t hosts;
	int failed;		/* a write or an encoding failed */
	const struct report_scope *scope;	/* or NULL */
};

json_t *
report_jstr(const char *s)
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

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));
	char *v = str_printable(KA_VERSION, strlen(KA_VERSION));
	json_t *jv = json_string(v);
	char *ev = jv ? json_dumps(jv, JSON_ENCODE_ANY) : NULL;

	r->out = out;
	r->scope = o != NULL ? o->scope : NULL;
	if (ev == NULL)
		r->failed = 1;
	fprintf(out, "{\"keyaudit\":%s,\"schema\":1,", ev ? ev : "\"\"");
	/* which shard of which inventory: what merge checks first */
	if (r->scope != NULL && r->scope->sharded)
		fprintf(out, "\"shard\":{\"k\":%u,\"n\":%u,\"inventory\":\"%s\","
		    "\"inventory_hosts\":%zu},", r->scope->k, r->scope->n,
		    r->scope->inventory, r->scope->inventory_hosts);
	fputs("\"hosts\":[", out);
	free(ev);
	json_decref(jv);
	free(v);
	return r;
}

/* An edit's old or new text: consecutive lines, each made printable,
 * joined by a newline, tabs kept (JSON carries them as \n and \t), so it
 * is the file's text. */
static json_t *
jlines(const char *s)
{
	struct buf b;
	json_t *j;

	if (s == NULL)
		return json_null();
	buf_init(&b);
	buf_puts(&b, "");
	for (const char *p = s;;) {
		size_t n = strcspn(p, "\n\t");
		char *t = str_printable(p, n);

		buf_puts(&b, t);
		free(t);
		if (p[n] == '\0')
			break;
		buf_putc(&b, p[n]);
		p += n + 1;
	}
	j = json_string(b.data);
	buf_free(&b);
	return j != NULL ? j : json_null();
}

/* The remedy as DESIGN's actions: {"run": [...], "where", "as", "target"},
 * {"edit": {...}} or {"manual": "..."}. */
json_t *
report_json_remedy(const struct ka_remedy *r)
{
	json_t *list = json_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct ka_action *a = &r->v[i];
		json_t *o = NULL, *argv;

		switch (a->kind) {
		case ACT_RUN:
			argv = json_array();
			for (size_t j = 0; j < a->argv.n; j++)
				json_array_append_new(argv, report_jstr(a->argv.v[j]));
			o = json_pack("{s:o,s:s,s:s}", "run", argv, "where",
			    a->where == ACT_CLIENT ? "client" : "server", "as",
			    a->as_user ? "user" : "root");
			break;
		case ACT_EDIT:
			/* old null: an insertion at line; new null: a deletion */
			o = json_pack("{s:{s:o,s:I,s:o,s:o,s:s,s:o}}", "edit", "file",
			    report_jstr(a->file), "line", (json_int_t)a->line, "old",
			    jlines(a->old), "new", jlines(a->repl), "as",
			    a->as_user ? "user" : "root", "sshd_config",
			    report_jstr(a->config));
			break;
		case ACT_MANUAL:
			o = json_pack("{s:o}", "manual", report_jstr(a->text));
			break;
		}
		/* how a person reads the edit, when it is not the plain rendering */
		if (o != NULL && a->kind == ACT_EDIT && a->text != NULL)
			json_object_set_new(json_object_get(o, "edit"), "text",
			    report_jstr(a->text));
		if (o != NULL && a->kind != ACT_MANUAL && a->target.path != NULL)
			json_object_set_new(o, "target", json_pack("{s:o,s:s,s:I}",
			    "path", report_jstr(a->target.path), "type",
			    a->target.type == 'd' ? "directory" : a->target.type == 'n' ?
			    "absent" : "file", "uid", (json_int_t)a->target.uid));
		if (o != NULL)
			json_array_append_new(list, o);
	}
	return list;
}

json_t *
report_json_finding(const struct ka_finding *f, const char *host)
{
	json_t *o = json_object();
	char *fix;

	json_object_set_new(o, "check", json_string(f->rule->id));
	json_object_set_new(o, "severity", json_string(severity_name(f->severity)));
	json_object_set_new(o, "blocks_login", json_boolean(f->blocks_login));
	json_object_set_new(o, "host", report_jstr(host));
	json_object_set_new(o, "user", report_jstr(f->user));
	json_object_set_new(o, "path", report_jstr(f->path));
	json_object_set_new(o, "line", f->line > 0 ? json_integer(f->line) : json_null());
	json_object_set_new(o, "message", report_jstr(f->message));
	fix = report_fix_text(&f->remedy);
	json_object_set_new(o, "fix", fix != NULL ? json_string(fix) : json_null());
	free(fix);
	json_object_set_new(o, "remedy", report_json_remedy(&f->remedy));
	if (f->key_fp != NULL)
		json_object_set_new(o, "key_fp", report_jstr(f->key_fp));
	if (f->baselined != NULL)
		json_object_set_new(o, "baselined", report_jstr(f->baselined));
	if (f->origin != NULL)
		json_object_set_new(o, "origin", report_jstr(f->origin));
	if (f->baseline_expired != 0) {
		char d[16];

		ymd_str(f->baseline_expired, d);
		json_object_set_new(o, "baseline_expired", json_string(d));
	}
	return o;
}

/* The host's fields before its arrays. */
static json_t *
host_head(const struct ka_host_result *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "target", report_jstr(h->target));
	json_object_set_new(o, "address", report_jstr(h->address));
	json_object_set_new(o, "port", h->port > 0 ? json_integer(h->port) : json_null());
	json_object_set_new(o, "status", json_string(host_status_name(h->status)));
	json_object_set_new(o, "error", report_jstr(h->error));
	return o;
}

static json_t *
skip_json(const struct ka_skip *s)
{
	json_t *so = json_object();

	json_object_set_new(so, "check", s->rule ? json_string(s->rule->id) : json_null());
	json_object_set_new(so, "subject", report_jstr(s->subject));
	json_object_set_new(so, "reason", report_jstr(s->reason));
	return so;
}

/* One "USER\tFP\tTYPE\tPATH\tLINE" key line, or NULL when malformed. */
static json_t *
key_json(const char *line)
{
	char *f[5] = { NULL }, *dup = xstrdup(line), *p = dup;
	json_t *o = NULL;

	for (int k = 0; k < 5; k++)
		f[k] = strsep(&p, "\t");
	if (f[4] != NULL)
		o = json_pack("{s:o,s:o,s:o,s:o,s:I}", "user", report_jstr(f[0]),
		    "fingerprint", report_jstr(f[1]), "type", report_jstr(f[2]), "path",
		    report_jstr(f[3]), "line", (json_int_t)strtol(f[4], NULL, 10));
	free(dup);
	return o;
}

json_t *
report_json_host(const struct ka_host_result *h)
{
	json_t *o = host_head(h), *a;

	a = json_array();
	for (size_t i = 0; i < h->nfindings; i++)
		json_array_append_new(a, report_json_finding(&h->findings[i], h->target));
	json_object_set_new(o, "findings", a);
	a = json_array();
	for (size_t i = 0; i < h->nskips; i++)
		json_array_append_new(a, skip_json(&h->skips[i]));
	json_object_set_new(o, "skipped", a);
	json_object_set_new(o, "hostkey", report_jstr(h->hostkey));
	a = json_array();
	for (size_t i = 0; i < h->keys.n; i++) {
		json_t *k = key_json(h->keys.v[i]);
		if (k != NULL)
			json_array_append_new(a, k);
	}
	json_object_set_new(o, "keys", a);
	return o;
}

/* Write v compactly and free it; 0, or -1 when it could not be encoded
 * (only allocation fails). */
static int
put_json(FILE *out, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY) : NULL;

	json_decref(v);
	if (text == NULL)
		return -1;
	fputs(text, out);
	free(text);
	return 0;
}

/*
 * One host, element by element: the document report_json_host gives,
 * without holding it as one tree. A host's findings and key lines are
 * bounded by its budgets (engine.h), but 200,000 key lines as one jansson
 * tree cost hundreds of megabytes; written one at a time, each costs only
 * itself.
 */
static void
r_host(struct report *r, const struct ka_host_result *h)
{
	json_t *head = host_head(h);
	const struct report_scope *sc = r->scope;
	char *text;
	size_t n;
	int bad = 0;

	/* What merge needs besides what a reader sees: where the host stands
	 * in the whole inventory, or that this is the fleet entry (recomputed
	 * when merging); where it was named; what ran; its digest. */
	if (sc != NULL && r->hosts < sc->ntargets)
		json_object_set_new(head, "index", json_integer((json_int_t)sc->index[r->hosts]));
	else if (sc != NULL)
		json_object_set_new(head, "fleet", json_true());
	json_object_set_new(head, "origin", report_jstr(h->origin));
	json_object_set_new(head, "duration", json_real(h->duration));
	text = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(head);
	if (text == NULL || (n = strlen(text)) < 2 || text[n - 1] != '}') {
		/* Only allocation fails here; the document must stay valid. */
		free(text);
		r->failed = 1;
		return;
	}
	text[n - 1] = '\0';	/* the arrays follow inside the object */
	fprintf(r->out, "%s\n%s,\"findings\":[", r->hosts++ ? "," : "", text);
	free(text);
	for (size_t i = 0; i < h->nfindings; i++) {
		if (i > 0)
			fputc(',', r->out);
		bad |= put_json(r->out, report_json_finding(&h->findings[i], h->target));
	}
	fputs("],\"skipped\":[", r->out);
	for (size_t i = 0; i < h->nskips; i++) {
		if (i > 0)
			fputc(',', r->out);
		bad |= put_json(r->out, skip_json(&h->skips[i]));
	}
	fputs("],\"hostkey\":", r->out);
	bad |= put_json(r->out, report_jstr(h->hostkey));
	fputs(",\"keys\":[", r->out);
	for (size_t i = 0, nk = 0; i < h->keys.n; i++) {
		json_t *k = key_json(h->keys.v[i]);

		if (k == NULL)
			continue;
		if (nk++ > 0)
			fputc(',', r->out);
		bad |= put_json(r->out, k);
	}
	fputs("],\"ran\":[", r->out);
	for (size_t i = 0; i < h->nran; i++)
		fprintf(r->out, "%s\"%s\"", i ? "," : "", h->ran[i]->id);
	fputc(']', r->out);
	if (h->digest != NULL) {
		fputs(",\"digest\":", r->out);
		bad |= put_json(r->out, digest_to_json(h->digest));
	}
	fputs("}", r->out);
	/* a value that could not be written leaves the document invalid */
	if (bad)
		r->failed = 1;
}

json_t *
report_json_summary(const struct ka_summary *s)
{
	json_t *o = json_object(), *bs = json_object();

	json_object_set_new(o, "hosts", json_integer((json_int_t)s->hosts));
	json_object_set_new(o, "hosts_failed", json_integer((json_int_t)s->hosts_failed));
	json_object_set_new(o, "findings", json_integer((json_int_t)s->findings));
	for (int i = SEV_INFO; i <= SEV_CRITICAL; i++)
		json_object_set_new(bs, severity_name((enum ka_severity)i),
		    json_integer((json_int_t)s->by_severity[i]));
	json_object_set_new(o, "by_severity", bs);
	json_object_set_new(o, "blocking", json_integer((json_int_t)s->blocking));
	json_object_set_new(o, "fail_on", json_string(severity_name(s->fail_on)));
	json_object_set_new(o, "exit_code", json_integer(s->exit_code));
	if (s->baseline_used) {
		json_t *b = json_object(), *st = json_array();

		for (size_t i = 0; s->baseline_stale != NULL && i < s->baseline_stale->n; i++)
			json_array_append_new(st, report_jstr(s->baseline_stale->v[i]));
		json_object_set_new(b, "accepted", json_integer((json_int_t)s->baselined));
		json_object_set_new(b, "expired", json_integer((json_int_t)s->baseline_expired));
		json_object_set_new(b, "stale", st);
		json_object_set_new(o, "baseline", b);
	}
	return o;
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	json_t *o = report_json_summary(s);
	char *text;
	int rc;

	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	fprintf(r->out, "%s],\"summary\":%s}\n", r->hosts ? "\n" : "", text ? text : "{}");
	rc = (text == NULL || r->failed || ferror(r->out)) ? -1 : 0;
	free(text);
	free(r);
	return rc;
}

const struct report_format report_json = { "json", r_open, r_host, r_close };
