/* snapjson.c - snapshots to and from JSON. The JSON form is what `keyaudit
 * collect` writes, what `scan --snapshot` reads, and what test fixtures are
 * written in, so the reader is strict about types and says where it choked,
 * and lenient only about optional fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "scanner/parse/jsonrd.h"

#include "scanner/snapshot.h"
#include "scanner/parse/snapjson.h"

#define SNAP_SCHEMA 1
/* A snapshot file is bounded: 10,000 accounts with 100,000 keys is ~20 MB. */
#define SNAP_JSON_MAX (1024u * 1024 * 1024)

/* Optional string: absent or null -> NULL; anything else but a string fails. */
static int
get_str(struct json_rd *r, json_t *o, const char *key, const char *what, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return json_rd_fail(r, what, "\"%s\" must be a string", key);
	*out = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

static int
get_int(struct json_rd *r, json_t *o, const char *key, const char *what, int64_t def,
    int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return json_rd_fail(r, what, "\"%s\" must be an integer", key);
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return json_rd_fail(r, what, "\"%s\" out of range", key);
	return 0;
}

static int
get_bool(struct json_rd *r, json_t *o, const char *key, const char *what, int *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return json_rd_fail(r, what, "\"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* Bytes written by set_bytes: key as text or key_b64. *out stays NULL when
 * neither is there. */
static int
get_bytes(struct json_rd *r, json_t *o, const char *key, const char *what, char **out,
    size_t *len)
{
	json_t *v = json_object_get(o, key);
	char *k, *b64 = NULL;
	long dn;
	size_t n;
	int rc;

	*out = NULL;
	*len = 0;
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return json_rd_fail(r, what, "\"%s\" must be a string", key);
		*len = json_string_length(v);
		*out = xstrndup(json_string_value(v), *len);
		return 0;
	}
	k = xasprintf("%s_b64", key);
	rc = get_str(r, o, k, what, &b64);
	if (rc == 0 && b64 != NULL) {
		n = strlen(b64);
		*out = xmalloc(n / 4 * 3 + 4);
		if ((dn = base64_decode(b64, n, (unsigned char *)*out, n / 4 * 3 + 3)) < 0) {
			free(*out);
			*out = NULL;
			rc = json_rd_fail(r, what, "\"%s\" is not valid base64", k);
		} else {
			*len = (size_t)dn;
			(*out)[dn] = '\0';
		}
	}
	free(k);
	free(b64);
	return rc;
}

static int
get_strlist(struct json_rd *r, json_t *o, const char *key, const char *what,
    struct strlist *out)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return json_rd_fail(r, what, "\"%s\" must be an array of strings", key);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return json_rd_fail(r, what, "\"%s\"[%zu] must be a string", key, i);
		strlist_add(out, json_string_value(e));
	}
	return 0;
}

static json_t *
get_array(struct json_rd *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		json_rd_fail(r, key, "must be an array");
		return NULL;
	}
	return v;
}

static int
read_account(struct json_rd *r, json_t *o, struct snap_account *a, const char *what)
{
	int64_t v;
	json_t *sh;

	if (!json_is_object(o))
		return json_rd_fail(r, what, "must be an object");
	if (get_str(r, o, "name", what, &a->name) || a->name == NULL)
		return json_rd_fail(r, what, "\"name\" is required");
	if (get_int(r, o, "uid", what, -1, 0, UINT32_MAX, &v) || v < 0)
		return json_rd_fail(r, what, "\"uid\" is required");
	a->uid = (uint32_t)v;
	if (get_int(r, o, "gid", what, -1, 0, UINT32_MAX, &v) || v < 0)
		return json_rd_fail(r, what, "\"gid\" is required");
	a->gid = (uint32_t)v;
	if (get_str(r, o, "gecos", what, &a->gecos) ||
	    get_str(r, o, "home", what, &a->home) ||
	    get_str(r, o, "shell", what, &a->shell))
		return -1;
	if (a->home == NULL)
		a->home = xstrdup("/");
	if (a->shell == NULL)
		a->shell = xstrdup("");
	if (a->gecos == NULL)
		a->gecos = xstrdup("");
	a->expire_day = a->lastchg_day = a->max_days = a->inact_days = -1;
	sh = json_object_get(o, "shadow");
	if (sh != NULL && !json_is_null(sh)) {
		if (!json_is_object(sh))
			return json_rd_fail(r, what, "\"shadow\" must be an object or null");
		a->shadow_known = 1;
		if (get_bool(r, sh, "locked", what, &a->locked) ||
		    get_int(r, sh, "expire", what, -1, -1, INT64_MAX, &a->expire_day) ||
		    get_int(r, sh, "lastchg", what, -1, -1, INT64_MAX, &a->lastchg_day) ||
		    get_int(r, sh, "max", what, -1, -1, INT64_MAX, &a->max_days) ||
		    get_int(r, sh, "inact", what, -1, -1, INT64_MAX, &a->inact_days))
			return -1;
	}
	return 0;
}

/* "unreadable_by": the accounts whose credentials could not read the file.
 * The file's own read_error stays as written (snap_file_deny would set it). */
static int
read_denials(struct json_rd *r, json_t *o, struct snap_file *f, const char *what)
{
	json_t *d = json_object_get(o, "unreadable_by"), *e;
	char *keep = f->read_error;
	size_t k;
	int rc = 0;

	if (d == NULL || json_is_null(d))
		return 0;
	if (!json_is_array(d))
		return json_rd_fail(r, what, "\"unreadable_by\" must be an array");
	f->read_error = NULL;
	json_array_foreach(d, k, e) {
		char *u = NULL, *why = NULL;

		if (!json_is_object(e) || get_str(r, e, "user", what, &u) ||
		    get_str(r, e, "error", what, &why) || u == NULL || why == NULL) {
			if (r->err == NULL)
				json_rd_fail(r, what, "\"unreadable_by\"[%zu] needs \"user\" and "
				    "\"error\"", k);
			rc = -1;
		} else
			snap_file_deny(f, u, why);
		free(u);
		free(why);
		if (rc != 0)
			break;
	}
	free(f->read_error);
	f->read_error = keep;
	return rc;
}

static int
read_file_entry(struct json_rd *r, struct snapshot *s, json_t *o, size_t idx)
{
	char what[64], *path = NULL, *type = NULL, *mode = NULL;
	struct snap_file *f;
	int64_t v;
	int rc = -1;

	snprintf(what, sizeof(what), "files[%zu]", idx);
	if (!json_is_object(o))
		return json_rd_fail(r, what, "must be an object");
	if (get_str(r, o, "path", what, &path) || get_str(r, o, "type", what, &type))
		goto out;
	if (path == NULL || path[0] != '/') {
		json_rd_fail(r, what, "\"path\" must be an absolute path");
		goto out;
	}
	if (snap_file_get(s, path) != NULL) {
		json_rd_fail(r, what, "duplicate path %s", path);
		goto out;
	}
	f = snap_file_add(s, path);
	if (type == NULL || (f->type = snap_ftype_from_name(type),
	    f->type == SNAP_UNKNOWN && strcmp(type, "unknown") != 0)) {
		json_rd_fail(r, what, "\"type\" must be one of file dir symlink fifo socket "
		    "chardev blockdev missing unknown");
		goto out;
	}
	if (get_str(r, o, "error", what, &f->error) ||
	    get_str(r, o, "link", what, &f->link) ||
	    get_str(r, o, "read_error", what, &f->read_error) ||
	    get_str(r, o, "selinux", what, &f->selinux) ||
	    get_bool(r, o, "truncated", what, &f->truncated) ||
	    get_int(r, o, "size", what, 0, 0, INT64_MAX, &f->size) ||
	    get_int(r, o, "mtime", what, 0, INT64_MIN, INT64_MAX, &f->mtime))
		goto out;
	if (f->type != SNAP_NOENT && f->type != SNAP_UNKNOWN) {
		char *end;
		unsigned long m;

		if (get_str(r, o, "mode", what, &mode) || mode == NULL) {
			json_rd_fail(r, what, "\"mode\" (octal string, e.g. \"0644\") is required");
			goto out;
		}
		m = strtoul(mode, &end, 8);
		if (*mode == '\0' || *end != '\0' || m > 07777) {
			json_rd_fail(r, what, "\"mode\" must be an octal string up to 07777, not \"%s\"", mode);
			goto out;
		}
		f->mode = (uint32_t)m;
		if (get_int(r, o, "uid", what, -1, 0, UINT32_MAX, &v) || v < 0) {
			json_rd_fail(r, what, "\"uid\" is required");
			goto out;
		}
		f->uid = (uint32_t)v;
		if (get_int(r, o, "gid", what, -1, 0, UINT32_MAX, &v) || v < 0) {
			json_rd_fail(r, what, "\"gid\" is required");
			goto out;
		}
		f->gid = (uint32_t)v;
	}
	if (f->type == SNAP_LNK && f->link == NULL) {
		json_rd_fail(r, what, "a symlink needs \"link\"");
		goto out;
	}
	if (get_bytes(r, o, "content", what, &f->content, &f->content_len) != 0)
		goto out;
	f->has_content = f->content != NULL;
	if (read_denials(r, o, f, what) != 0)
		goto out;
	if (r->err == NULL)
		rc = 0;
out:
	free(path);
	free(type);
	free(mode);
	return r->err ? -1 : rc;
}

static int
read_clientkey(struct json_rd *r, json_t *o, struct snap_clientkey *k, const char *what)
{
	json_t *enc;

	if (!json_is_object(o))
		return json_rd_fail(r, what, "must be an object");
	if (get_str(r, o, "path", what, &k->path) || k->path == NULL)
		return json_rd_fail(r, what, "\"path\" is required");
	if (get_str(r, o, "format", what, &k->format) ||
	    get_str(r, o, "pub_type", what, &k->pub_type) ||
	    get_str(r, o, "pub_fp", what, &k->pub_fp) ||
	    get_str(r, o, "source", what, &k->source))
		return -1;
	if (k->format == NULL)
		k->format = xstrdup("unknown");
	if (k->source == NULL)
		k->source = xstrdup("default");
	enc = json_object_get(o, "encrypted");
	k->encrypted = -1;
	if (enc != NULL && !json_is_null(enc)) {
		if (!json_is_boolean(enc))
			return json_rd_fail(r, what, "\"encrypted\" must be true, false or null");
		k->encrypted = json_is_true(enc);
	}
	return 0;
}

/* The facts of one list (snapshot.h) from object o into the struct at base. */
static int
read_facts(struct json_rd *r, json_t *o, const char *what, const struct snap_fact *facts,
    void *base)
{
	for (const struct snap_fact *f = facts; f->json != NULL; f++) {
		void *field = (char *)base + f->off;
		int64_t v;

		switch (f->type) {
		case SNAP_FACT_STR:
			if (get_str(r, o, f->json, what, (char **)field))
				return -1;
			break;
		case SNAP_FACT_BOOL:
			if (get_bool(r, o, f->json, what, (int *)field))
				return -1;
			break;
		case SNAP_FACT_INT:
		case SNAP_FACT_I64:
			if (get_int(r, o, f->json, what, f->min, f->min, f->max, &v))
				return -1;
			if (f->type == SNAP_FACT_INT)
				*(int *)field = (int)v;
			else
				*(int64_t *)field = v;
			break;
		}
	}
	return 0;
}

/* "net": what the ssh transport saw; absent for local and file snapshots. */
static int
read_net(struct json_rd *r, json_t *o, struct snap_net *n)
{
	const char *w = "net";

	if (!json_is_object(o))
		return json_rd_fail(r, w, "\"net\" must be an object");
	n->probed = 1;
	if (read_facts(r, o, w, snap_net_facts, n))
		return -1;
	if (json_object_get(o, "hostkeys") != NULL &&
	    get_strlist(r, o, "hostkeys", w, &n->hostkeys))
		return -1;
	if (json_object_get(o, "auth_methods") != NULL &&
	    !json_is_null(json_object_get(o, "auth_methods"))) {
		n->auth_known = 1;
		if (get_strlist(r, o, "auth_methods", w, &n->auth_methods))
			return -1;
	}
	return 0;
}

static int
read_snapshot(struct json_rd *r, json_t *root, struct snapshot *s)
{
	json_t *a, *e;
	int64_t v;
	size_t i;
	char what[64];

	if (!json_is_object(root))
		return json_rd_fail(r, "top level", "a snapshot is a JSON object");
	if (get_int(r, root, "keyaudit_snapshot", "top level", -1, INT64_MIN, INT64_MAX, &v))
		return -1;
	if (v != SNAP_SCHEMA)
		return json_rd_fail(r, "top level", "\"keyaudit_snapshot\": %d expected (is this a "
		    "snapshot written by keyaudit collect?)", SNAP_SCHEMA);
	if (read_facts(r, root, "top level", snapshot_facts, s) ||
	    get_strlist(r, root, "users", "top level", &s->users))
		return -1;
	if (s->target == NULL)
		s->target = xstrdup(s->hostname ? s->hostname : "snapshot");
	if ((e = json_object_get(root, "net")) != NULL && !json_is_null(e) &&
	    read_net(r, e, &s->net) != 0)
		return -1;

	if ((a = get_array(r, root, "accounts")) != NULL) {
		s->accounts = xcalloc(json_array_size(a), sizeof(*s->accounts));
		json_array_foreach(a, i, e) {
			snprintf(what, sizeof(what), "accounts[%zu]", i);
			s->naccounts++;
			if (read_account(r, e, &s->accounts[i], what))
				return -1;
		}
	}
	if ((a = get_array(r, root, "groups")) != NULL) {
		s->groups = xcalloc(json_array_size(a), sizeof(*s->groups));
		json_array_foreach(a, i, e) {
			struct snap_group *g = &s->groups[i];
			snprintf(what, sizeof(what), "groups[%zu]", i);
			s->ngroups++;
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "name", what, &g->name) || g->name == NULL)
				return json_rd_fail(r, what, "\"name\" is required");
			if (get_int(r, e, "gid", what, -1, 0, UINT32_MAX, &v) || v < 0)
				return json_rd_fail(r, what, "\"gid\" is required");
			g->gid = (uint32_t)v;
			if (get_strlist(r, e, "members", what, &g->members))
				return -1;
		}
	}
	if ((a = get_array(r, root, "files")) != NULL) {
		json_array_foreach(a, i, e) {
			if (read_file_entry(r, s, e, i))
				return -1;
		}
	}
	if ((a = get_array(r, root, "globs")) != NULL) {
		json_array_foreach(a, i, e) {
			char *pat = NULL;
			snprintf(what, sizeof(what), "globs[%zu]", i);
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "pattern", what, &pat) || pat == NULL)
				return json_rd_fail(r, what, "\"pattern\" is required");
			if (get_strlist(r, e, "matches", what, &snap_glob_add(s, pat)->matches)) {
				free(pat);
				return -1;
			}
			free(pat);
		}
	}
	if ((a = get_array(r, root, "sshd_t")) != NULL) {
		s->sshd_t = xcalloc(json_array_size(a), sizeof(*s->sshd_t));
		json_array_foreach(a, i, e) {
			struct snap_sshd_t *t = &s->sshd_t[i];
			snprintf(what, sizeof(what), "sshd_t[%zu]", i);
			s->nsshd_t++;
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "user", what, &t->user) || t->user == NULL)
				return json_rd_fail(r, what, "\"user\" is required");
			if (get_str(r, e, "output", what, &t->output) ||
			    get_str(r, e, "error", what, &t->error))
				return -1;
		}
	}
	if ((a = get_array(r, root, "keys_commands")) != NULL) {
		json_array_foreach(a, i, e) {
			struct snap_keyscmd *k;
			char *user = NULL;
			int64_t st;

			snprintf(what, sizeof(what), "keys_commands[%zu]", i);
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "user", what, &user) || user == NULL)
				return json_rd_fail(r, what, "\"user\" is required");
			k = snap_keyscmd_add(s, user);
			free(user);
			if (get_str(r, e, "command", what, &k->command) ||
			    get_str(r, e, "runas", what, &k->runas) ||
			    get_bool(r, e, "ran", what, &k->ran) ||
			    get_int(r, e, "status", what, -1, -1, 255, &st) ||
			    get_str(r, e, "error", what, &k->error) ||
			    get_str(r, e, "key_fp", what, &k->key_fp) ||
			    get_bool(r, e, "truncated", what, &k->truncated) ||
			    get_bytes(r, e, "output", what, &k->output, &k->len))
				return -1;
			k->status = (int)st;
			if (k->len > SNAP_KEYSCMD_OUTPUT_LIMIT)
				return json_rd_fail(r, what, "more output than keyaudit keeps");
		}
	}
	if ((a = get_array(r, root, "user_keys")) != NULL) {
		json_array_foreach(a, i, e) {
			struct snap_userkey *k;
			char *user = NULL, *path = NULL;
			json_t *enc;

			snprintf(what, sizeof(what), "user_keys[%zu]", i);
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "user", what, &user) || get_str(r, e, "path", what, &path) ||
			    user == NULL || path == NULL) {
				free(user);
				free(path);
				return r->err ? -1 : json_rd_fail(r, what, "\"user\" and \"path\" are required");
			}
			k = snap_userkey_add(s, user, path);
			free(user);
			free(path);
			if (get_str(r, e, "format", what, &k->format))
				return -1;
			enc = json_object_get(e, "encrypted");
			if (enc != NULL && !json_is_null(enc) && !json_is_boolean(enc))
				return json_rd_fail(r, what, "\"encrypted\" must be true, false or null");
			k->encrypted = enc == NULL || json_is_null(enc) ? -1 : json_is_true(enc);
		}
	}
	if ((a = get_array(r, root, "auth_logs")) != NULL) {
		size_t total = 0;

		s->authlogs_asked = 1;
		json_array_foreach(a, i, e) {
			struct snap_authlog *l;
			char *src = NULL;

			snprintf(what, sizeof(what), "auth_logs[%zu]", i);
			if (!json_is_object(e))
				return json_rd_fail(r, what, "must be an object");
			if (get_str(r, e, "source", what, &src) || src == NULL)
				return json_rd_fail(r, what, "\"source\" is required");
			l = snap_authlog_add(s, src);
			free(src);
			if (get_bool(r, e, "truncated", what, &l->truncated) ||
			    get_str(r, e, "error", what, &l->error) ||
			    get_bytes(r, e, "lines", what, &l->lines, &l->len))
				return -1;
			if ((total += l->len) > SNAP_AUTHLOG_LIMIT)
				return json_rd_fail(r, what, "more log lines than a collector keeps");
		}
	}
	if ((a = get_array(r, root, "client_keys")) != NULL) {
		s->clientkeys = xcalloc(json_array_size(a), sizeof(*s->clientkeys));
		json_array_foreach(a, i, e) {
			snprintf(what, sizeof(what), "client_keys[%zu]", i);
			s->nclientkeys++;
			if (read_clientkey(r, e, &s->clientkeys[i], what))
				return -1;
		}
	}
	return r->err ? -1 : 0;
}

int
snapshot_from_json(const char *text, size_t len, const char *name,
    struct snapshot *out, char **err)
{
	struct json_rd r = { name, NULL };
	json_error_t je;
	json_t *root;

	*err = NULL;
	if (len > SNAP_JSON_MAX) {
		*err = xasprintf("%s: snapshot larger than %u MiB", name,
		    SNAP_JSON_MAX / (1024 * 1024));
		return -1;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (root == NULL) {
		char *full = xasprintf("%s:%d:%d: not valid JSON: %s", name, je.line,
		    je.column, je.text);
		*err = str_printable(full, strlen(full));
		free(full);
		return -1;
	}
	if (read_snapshot(&r, root, out) != 0) {
		json_decref(root);
		snapshot_free(out);
		*err = r.err ? r.err : xasprintf("%s: invalid snapshot", name);
		return -1;
	}
	json_decref(root);
	return 0;
}

/* Names on a hostile host need not be UTF-8; JSON strings must be. Such a
 * name is kept in escaped printable form rather than dropped. */
static json_t *
jstr(const char *s)
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
jstrn(const char *s, size_t n)
{
	return json_stringn(s, n);
}

/* Bytes as key (UTF-8 text) or key_b64 (anything else). */
static void
set_bytes(json_t *o, const char *key, const char *p, size_t n)
{
	if (utf8_valid(p, n))
		json_object_set_new(o, key, jstrn(p, n));
	else {
		char *b = base64_encode((const unsigned char *)p, n);
		char *k = xasprintf("%s_b64", key);

		json_object_set_new(o, k, json_string(b));
		free(k);
		free(b);
	}
}

static json_t *
strlist_json(const struct strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, jstr(l->v[i]));
	return a;
}

static json_t *
file_json(const struct snap_file *f)
{
	json_t *o = json_object();
	char mode[8];

	json_object_set_new(o, "path", jstr(f->path));
	json_object_set_new(o, "type", json_string(snap_ftype_name(f->type)));
	if (f->error)
		json_object_set_new(o, "error", jstr(f->error));
	if (f->type != SNAP_NOENT && f->type != SNAP_UNKNOWN) {
		snprintf(mode, sizeof(mode), "%04o", f->mode & 07777);
		json_object_set_new(o, "mode", json_string(mode));
		json_object_set_new(o, "uid", json_integer(f->uid));
		json_object_set_new(o, "gid", json_integer(f->gid));
		json_object_set_new(o, "size", json_integer(f->size));
		json_object_set_new(o, "mtime", json_integer(f->mtime));
	}
	if (f->link)
		json_object_set_new(o, "link", jstr(f->link));
	if (f->has_content)
		set_bytes(o, "content", f->content, f->content_len);
	if (f->truncated)
		json_object_set_new(o, "truncated", json_true());
	if (f->read_error)
		json_object_set_new(o, "read_error", jstr(f->read_error));
	if (f->selinux)
		json_object_set_new(o, "selinux", jstr(f->selinux));
	if (f->ndenied > 0) {
		json_t *d = json_array();

		for (size_t i = 0; i < f->ndenied; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "user", jstr(f->denied[i].user));
			json_object_set_new(e, "error", jstr(f->denied[i].why));
			json_array_append_new(d, e);
		}
		json_object_set_new(o, "unreadable_by", d);
	}
	return o;
}

static void
write_facts(json_t *o, const struct snap_fact *facts, const void *base)
{
	for (const struct snap_fact *f = facts; f->json != NULL; f++) {
		const void *field = (const char *)base + f->off;

		switch (f->type) {
		case SNAP_FACT_STR:
			json_object_set_new(o, f->json, jstr(*(char *const *)field));
			break;
		case SNAP_FACT_BOOL:
			json_object_set_new(o, f->json, json_boolean(*(const int *)field));
			break;
		case SNAP_FACT_INT:
			json_object_set_new(o, f->json, json_integer(*(const int *)field));
			break;
		case SNAP_FACT_I64:
			json_object_set_new(o, f->json, json_integer(*(const int64_t *)field));
			break;
		}
	}
}

char *
snapshot_to_json(const struct snapshot *s)
{
	json_t *root = json_object(), *a;
	size_t i;
	char *text;

	json_object_set_new(root, "keyaudit_snapshot", json_integer(SNAP_SCHEMA));
	write_facts(root, snapshot_facts, s);

	a = json_array();
	for (i = 0; i < s->naccounts; i++) {
		const struct snap_account *ac = &s->accounts[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(ac->name));
		json_object_set_new(o, "uid", json_integer(ac->uid));
		json_object_set_new(o, "gid", json_integer(ac->gid));
		json_object_set_new(o, "gecos", jstr(ac->gecos));
		json_object_set_new(o, "home", jstr(ac->home));
		json_object_set_new(o, "shell", jstr(ac->shell));
		if (ac->shadow_known)
			json_object_set_new(o, "shadow", json_pack("{s:b,s:I,s:I,s:I,s:I}",
			    "locked", ac->locked, "expire", (json_int_t)ac->expire_day,
			    "lastchg", (json_int_t)ac->lastchg_day,
			    "max", (json_int_t)ac->max_days,
			    "inact", (json_int_t)ac->inact_days));
		else
			json_object_set_new(o, "shadow", json_null());
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "accounts", a);

	a = json_array();
	for (i = 0; i < s->ngroups; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(s->groups[i].name));
		json_object_set_new(o, "gid", json_integer(s->groups[i].gid));
		json_object_set_new(o, "members", strlist_json(&s->groups[i].members));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "groups", a);
	json_object_set_new(root, "users", strlist_json(&s->users));

	a = json_array();
	for (i = 0; i < s->nfiles; i++)
		json_array_append_new(a, file_json(&s->files[i]));
	json_object_set_new(root, "files", a);

	a = json_array();
	for (i = 0; i < s->nglobs; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "pattern", jstr(s->globs[i].pattern));
		json_object_set_new(o, "matches", strlist_json(&s->globs[i].matches));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "globs", a);

	a = json_array();
	for (i = 0; i < s->nclientkeys; i++) {
		const struct snap_clientkey *k = &s->clientkeys[i];
		json_t *o = json_object();
		json_object_set_new(o, "path", jstr(k->path));
		json_object_set_new(o, "format", jstr(k->format));
		json_object_set_new(o, "encrypted", k->encrypted < 0 ? json_null() :
		    json_boolean(k->encrypted));
		json_object_set_new(o, "pub_type", jstr(k->pub_type));
		json_object_set_new(o, "pub_fp", jstr(k->pub_fp));
		json_object_set_new(o, "source", jstr(k->source));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "client_keys", a);

	a = json_array();
	for (i = 0; i < s->nsshd_t; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}",
		    "user", jstr(s->sshd_t[i].user), "output", jstr(s->sshd_t[i].output),
		    "error", jstr(s->sshd_t[i].error)));
	json_object_set_new(root, "sshd_t", a);

	if (s->nkeyscmds > 0) {
		a = json_array();
		for (i = 0; i < s->nkeyscmds; i++) {
			const struct snap_keyscmd *k = &s->keyscmds[i];
			json_t *o = json_object();

			json_object_set_new(o, "user", jstr(k->user));
			json_object_set_new(o, "command", jstr(k->command));
			json_object_set_new(o, "runas", jstr(k->runas));
			json_object_set_new(o, "ran", json_boolean(k->ran));
			json_object_set_new(o, "status", json_integer(k->status));
			if (k->error != NULL)
				json_object_set_new(o, "error", jstr(k->error));
			if (k->key_fp != NULL)
				json_object_set_new(o, "key_fp", jstr(k->key_fp));
			if (k->output != NULL)
				set_bytes(o, "output", k->output, k->len);
			if (k->truncated)
				json_object_set_new(o, "truncated", json_true());
			json_array_append_new(a, o);
		}
		json_object_set_new(root, "keys_commands", a);
	}

	a = json_array();
	for (i = 0; i < s->nuserkeys; i++) {
		const struct snap_userkey *k = &s->userkeys[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o}", "user", jstr(k->user),
		    "path", jstr(k->path), "format", jstr(k->format), "encrypted",
		    k->encrypted < 0 ? json_null() : json_boolean(k->encrypted)));
	}
	json_object_set_new(root, "user_keys", a);

	if (s->authlogs_asked) {
		a = json_array();
		for (i = 0; i < s->nauthlogs; i++) {
			const struct snap_authlog *l = &s->authlogs[i];
			json_t *o = json_object();

			json_object_set_new(o, "source", jstr(l->source));
			if (l->lines != NULL)
				set_bytes(o, "lines", l->lines, l->len);
			if (l->truncated)
				json_object_set_new(o, "truncated", json_true());
			if (l->error != NULL)
				json_object_set_new(o, "error", jstr(l->error));
			json_array_append_new(a, o);
		}
		json_object_set_new(root, "auth_logs", a);
	}

	if (s->net.probed) {
		const struct snap_net *n = &s->net;
		json_t *o = json_object();
		write_facts(o, snap_net_facts, n);
		if (n->hostkeys.n > 0)
			json_object_set_new(o, "hostkeys", strlist_json(&n->hostkeys));
		json_object_set_new(o, "auth_methods", n->auth_known ?
		    strlist_json(&n->auth_methods) : json_null());
		json_object_set_new(root, "net", o);
	}

	/* \uXXXX for everything past ASCII: the same data, and no C1 or
	 * bidi character of the host's reaches a terminal showing the file */
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	if (text == NULL)
		ka_fatal("out of memory");
	return text;
}
