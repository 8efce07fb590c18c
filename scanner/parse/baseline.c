/* baseline.c - the baseline file (baseline.h), JSON:
 *
 *	{"keyaudit_baseline": 1, "entries": [
 *	  {"check": "akeys.rsa-weak", "host": "web1", "user": "deploy",
 *	   "path": "/home/deploy/.ssh/authorized_keys", "key_fp": "SHA256:...",
 *	   "reason": "legacy job, replaced in Q3", "expires": "2027-03-31",
 *	   "id": "<finding_identity>"}]}
 *
 * user, path, key_fp and expires may be null or absent; "message" is only
 * for the reader (the finding when it was accepted); "id" is written for
 * cross-reference with SARIF and, when present, must agree with the
 * fields, so a hand edit cannot leave an entry matching something else
 * than it says. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "scanner/parse/baseline.h"

static int
berr(char **err, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
berr(char **err, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*err = xasprintf("%s: %s", name, msg);
	free(msg);
	return -1;
}

/* "YYYY-MM-DD" to the start of the next day (UTC); -1 when not a date. */
static int64_t
day_after(const char *s)
{
	int64_t d = ymd_days(s);

	return d < 0 ? -1 : (d + 1) * 86400;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct baseline_entry *)a)->id, ((const struct baseline_entry *)b)->id);
}

/* Optional string member; -1 when present and not a string (or null). */
static int
member(json_t *o, const char *key, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	/* as written: identities are over the raw strings */
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = xstrdup(json_string_value(v));
	return 0;
}

static void
entry_free(struct baseline_entry *e)
{
	free(e->check);
	free(e->host);
	free(e->user);
	free(e->path);
	free(e->key_fp);
	free(e->reason);
}

static void
entry_id(struct baseline_entry *e)
{
	struct ka_rule rule = { .id = e->check, .title = "", .help = "" };
	struct ka_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = &rule;
	f.user = e->user;
	f.path = e->path;
	f.key_fp = e->key_fp;
	finding_identity(e->host, &f, e->id);
}

int
baseline_parse(const char *data, size_t len, const char *name, struct baseline *out,
    char **err)
{
	static const char *const keys[] = { "check", "host", "user", "path", "key_fp",
	    "reason", "expires", "id", "message" };
	json_error_t je;
	json_t *root, *entries, *e, *v;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (len > BASELINE_FILE_MAX)
		return berr(err, name, "expected a baseline, not %zu MiB", len >> 20);
	if ((root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		char *t = str_printable(je.text, strlen(je.text));
		berr(err, name, "line %d: expected JSON: %s", je.line, t);
		free(t);
		return -1;
	}
	v = json_object_get(root, "keyaudit_baseline");
	if (!json_is_object(root) || !json_is_integer(v) || json_integer_value(v) != 1) {
		berr(err, name, "expected an object with \"keyaudit_baseline\": 1");
		goto out;
	}
	entries = json_object_get(root, "entries");
	if (!json_is_array(entries)) {
		berr(err, name, "expected \"entries\": [...]");
		goto out;
	}
	out->v = xcalloc(json_array_size(entries) + 1, sizeof(*out->v));
	json_array_foreach(entries, i, e) {
		struct baseline_entry *b = &out->v[out->n];
		const char *key;
		char *id = NULL, *exp = NULL;
		json_t *x;

		if (!json_is_object(e)) {
			berr(err, name, "entries[%zu]: expected an object", i);
			goto out;
		}
		json_object_foreach(e, key, x) {
			size_t k;

			for (k = 0; k < KA_ARRLEN(keys) && strcmp(keys[k], key) != 0; k++)
				;
			if (k == KA_ARRLEN(keys)) {
				char *t = str_printable(key, strlen(key) > 40 ? 40 : strlen(key));
				berr(err, name, "entries[%zu]: unknown member \"%s\" (expected check, "
				    "host, user, path, key_fp, reason, expires, id, message)", i, t);
				free(t);
				goto out;
			}
		}
		out->n++;
		if (member(e, "check", &b->check) || member(e, "host", &b->host) ||
		    member(e, "user", &b->user) || member(e, "path", &b->path) ||
		    member(e, "key_fp", &b->key_fp) || member(e, "reason", &b->reason) ||
		    member(e, "expires", &exp) || member(e, "id", &id)) {
			free(exp);
			free(id);
			berr(err, name, "entries[%zu]: expected strings (or null)", i);
			goto out;
		}
		if (b->check == NULL || b->host == NULL || b->reason == NULL ||
		    b->reason[0] == '\0') {
			free(exp);
			free(id);
			berr(err, name, "entries[%zu]: expected \"check\", \"host\" and a "
			    "non-empty \"reason\"", i);
			goto out;
		}
		if (exp != NULL && (b->expires = day_after(exp)) < 0) {
			berr(err, name, "entries[%zu]: expected \"expires\" as YYYY-MM-DD, got "
			    "\"%.20s\"", i, exp);
			free(exp);
			free(id);
			goto out;
		}
		free(exp);
		entry_id(b);
		if (id != NULL && strcmp(id, b->id) != 0) {
			free(id);
			berr(err, name, "entries[%zu]: \"id\" does not match its check, host, "
			    "user, path and key_fp (edited by hand? remove the id)", i);
			goto out;
		}
		free(id);
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
	for (i = 1; i < out->n; i++)
		if (strcmp(out->v[i - 1].id, out->v[i].id) == 0) {
			berr(err, name, "two entries for the same finding (%s on %s)",
			    out->v[i].check, out->v[i].host);
			goto out;
		}
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		baseline_free(out);
	return rc;
}


void
baseline_free(struct baseline *b)
{
	for (size_t i = 0; i < b->n; i++)
		entry_free(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

void
baseline_apply(struct baseline *b, struct ka_host_result *h, int64_t now)
{
	for (size_t i = 0; b != NULL && i < h->nfindings; i++) {
		struct ka_finding *f = &h->findings[i];
		struct baseline_entry key, *e;

		finding_identity(h->target, f, key.id);
		if ((e = bsearch(&key, b->v, b->n, sizeof(*b->v), cmp_entry)) == NULL)
			continue;
		e->used = 1;
		if (e->expires != 0 && e->expires <= now)
			f->baseline_expired = e->expires - 86400;
		else
			f->baselined = e->reason;
	}
}

void
baseline_stale(const struct baseline *b, struct strlist *out)
{
	for (size_t i = 0; b != NULL && i < b->n; i++) {
		const struct baseline_entry *e = &b->v[i];
		char *t;

		if (e->used)
			continue;
		t = xasprintf("%s on %s%s%s%s%s: %s", e->check, e->host,
		    e->user ? " user " : "", e->user ? e->user : "", e->path ? " " : "",
		    e->path ? e->path : "", e->reason);
		strlist_add_owned(out, str_printable(t, strlen(t)));
		free(t);
	}
}

/* ---------------------------------------------------------------- writer */

struct baseline_writer {
	const struct baseline *old;
	int64_t now;
	json_t *entries;
	struct strlist ids;
};

struct baseline_writer *
baseline_writer_new(const struct baseline *old, int64_t now)
{
	struct baseline_writer *w = xcalloc(1, sizeof(*w));

	w->old = old;
	w->now = now;
	w->entries = json_array();
	return w;
}

/* The string as it is (identities are over raw strings); text that is not
 * UTF-8 cannot be in JSON and goes printable (such an entry cannot match
 * again: reported stale). */
static json_t *
jraw(const char *s)
{
	json_t *v;
	char *p;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	p = str_printable(s, strlen(s));
	v = json_string(p);
	free(p);
	return v;
}

static json_t *
jdate(int64_t day_after_t)
{
	char buf[16];

	if (day_after_t <= 0)
		return json_null();
	ymd_str(day_after_t - 86400, buf);
	return json_string(buf);
}

void
baseline_writer_add(struct baseline_writer *w, const struct ka_host_result *h)
{
	for (size_t i = 0; i < h->nfindings; i++) {
		const struct ka_finding *f = &h->findings[i];
		struct baseline_entry key, *old = NULL;
		char today[16], *reason;
		time_t t = (time_t)w->now;
		struct tm tm;
		json_t *e;

		finding_identity(h->target, f, key.id);
		if (strlist_has(&w->ids, key.id))
			continue;	/* the same identity twice on a host */
		strlist_add(&w->ids, key.id);
		if (w->old != NULL)
			old = bsearch(&key, w->old->v, w->old->n, sizeof(*w->old->v), cmp_entry);
		gmtime_r(&t, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		reason = old != NULL ? xstrdup(old->reason) :
		    xasprintf("accepted %s: say why, or fix it", today);
		e = json_pack("{s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:s,s:o}",
		    "check", f->rule->id, "host", jraw(h->target),
		    "user", jraw(f->user), "path", jraw(f->path),
		    "key_fp", jraw(f->key_fp), "reason", reason,
		    "expires", old != NULL ? jdate(old->expires) : json_null(),
		    "id", key.id, "message", jraw(f->message));
		free(reason);
		if (e != NULL)
			json_array_append_new(w->entries, e);
	}
}

int
baseline_writer_finish(struct baseline_writer *w, FILE *out)
{
	json_t *root = json_pack("{s:i,s:o}", "keyaudit_baseline", 1, "entries", w->entries);
	int rc = -1;

	if (out != NULL && root != NULL && json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', out) != EOF && fflush(out) == 0 && !ferror(out))
		rc = 0;
	json_decref(root);
	strlist_free(&w->ids);
	free(w);
	return rc;
}
