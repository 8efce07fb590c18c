/* reportjson.c - a JSON scan report read back into host results and fleet
 * digests (what `keyaudit merge` joins), the digest's JSON form, and the
 * shard hash. The reader is strict about types and names the JSON path of
 * what it could not take; strings come back as the scan had them (the
 * report made them printable: str_unprintable undoes that). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "scanner/parse/jsonrd.h"
#include <openssl/sha.h>

#include "scanner/parse/reportjson.h"

/* A digest list, or a report's hosts, findings or keys: bounded apart
 * from the file (a small file must not claim a huge list). */
#define RJ_LIST_MAX 1000000
#define RJ_KH_FILES 512

int
shard_spec_parse(const char *spec, unsigned *k, unsigned *n, char **err)
{
	unsigned long kk, nn;
	char *end;

	*err = NULL;
	if (spec[0] < '0' || spec[0] > '9')
		goto bad;
	kk = strtoul(spec, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	nn = strtoul(end + 1, &end, 10);
	if (*end != '\0')
		goto bad;
	if (nn < 1 || nn > SHARD_MAX) {
		*err = xasprintf("--shard %s: N must be 1..%d", spec, SHARD_MAX);
		return -1;
	}
	if (kk >= nn) {
		*err = xasprintf("--shard %s: K must be 0..%lu (0-based, as Kubernetes' "
		    "JOB_COMPLETION_INDEX)", spec, nn - 1);
		return -1;
	}
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
bad:
	*err = xasprintf("--shard %s: expected K/N (shard K of N, K from 0), e.g. 0/3", spec);
	return -1;
}

unsigned
shard_of(const char *name, unsigned n)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint64_t v = 0;

	SHA256((const unsigned char *)name, strlen(name), md);
	for (int i = 0; i < 8; i++)
		v = v << 8 | md[i];
	return n ? (unsigned)(v % n) : 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
inventory_identity(const char *const *names, size_t n, char out[65])
{
	const char **v = xcalloc(n ? n : 1, sizeof(*v));
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct buf b;

	memcpy(v, names, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s\n", v[i]);
	SHA256((const unsigned char *)b.data, b.len, md);
	buf_free(&b);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(v);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
put_utf8(struct buf *b, uint32_t cp)
{
	if (cp < 0x80)
		buf_putc(b, (int)cp);
	else if (cp < 0x800) {
		buf_putc(b, (int)(0xc0 | cp >> 6));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_putc(b, (int)(0xe0 | cp >> 12));
		buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | cp >> 18));
		buf_putc(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_putc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

char *
str_unprintable(const char *s, size_t len)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < len; i++) {
		size_t nd;
		uint32_t cp = 0;

		if (s[i] == '\0')
			goto bad;
		if (s[i] != '\\') {
			buf_putc(&b, s[i]);
			continue;
		}
		if (++i >= len)
			goto bad;
		switch (s[i]) {
		case '\\':
			buf_putc(&b, '\\');
			continue;
		case 'x':
			nd = 2;
			break;
		case 'u':
			nd = 4;
			break;
		case 'U':
			nd = 8;
			break;
		default:
			goto bad;
		}
		if (len - i - 1 < nd)
			goto bad;
		for (size_t k = 1; k <= nd; k++) {
			int h = hexval((unsigned char)s[i + k]);

			if (h < 0)
				goto bad;
			cp = cp << 4 | (uint32_t)h;
		}
		i += nd;
		if (nd == 2) {
			if (cp == 0)
				goto bad;
			buf_putc(&b, (int)cp);
		} else if (cp == 0 || cp > 0x10ffff)
			goto bad;
		else
			put_utf8(&b, cp);
	}
	return buf_steal(&b);
bad:
	buf_free(&b);
	return NULL;
}

/* ---- the digest ------------------------------------------------------- */

static json_t *
jp(const char *s)
{
	char *p = str_printable(s, strlen(s));
	json_t *j = json_string(p);

	free(p);
	return j != NULL ? j : json_string("");
}

/* A file's text: each line made printable, the newlines kept as they are
 * (JSON writes them as \n: one byte of the file costs two, not four). */
static json_t *
jtext(const char *s)
{
	struct buf b;
	json_t *j;

	buf_init(&b);
	buf_puts(&b, "");
	for (const char *p = s;;) {
		size_t n = strcspn(p, "\n");
		char *t = str_printable(p, n);

		buf_puts(&b, t);
		free(t);
		if (p[n] == '\0')
			break;
		buf_putc(&b, '\n');
		p += n + 1;
	}
	j = json_string(b.data);
	buf_free(&b);
	return j != NULL ? j : json_string("");
}

static void
put_list(json_t *o, const char *key, const struct strlist *l)
{
	json_t *a;

	if (l->n == 0)
		return;
	a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, jp(l->v[i]));
	json_object_set_new(o, key, a);
}

static json_t *
ju64(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return json_string(s);
}

json_t *
digest_to_json(const struct host_digest *d)
{
	json_t *o = json_object();

	put_list(o, "hostkey_fps", &d->hostkey_fps);
	put_list(o, "keys", &d->keys);
	put_list(o, "kh_names", &d->kh_names);
	put_list(o, "hostkeys", &d->hostkeys);
	if (d->kh_files.n >= 2) {
		json_t *a = json_array();

		for (size_t i = 0; i + 1 < d->kh_files.n; i += 2)
			json_array_append_new(a, json_pack("{s:o,s:o}", "path",
			    jp(d->kh_files.v[i]), "text", jtext(d->kh_files.v[i + 1])));
		json_object_set_new(o, "known_hosts", a);
	}
	put_list(o, "cas", &d->cas);
	put_list(o, "revoked", &d->revoked);
	put_list(o, "krl_cas", &d->krl_cas);
	if (d->revoked_set)
		json_object_set_new(o, "revoked_set", json_true());
	if (d->krl)
		json_object_set_new(o, "krl", json_pack("{s:o,s:o}", "version",
		    ju64(d->krl_version), "generated", ju64(d->krl_generated)));
	return o;
}

/* ---- reading ---------------------------------------------------------- */

/* A string the report made printable, as it was; NULL for absent or null
 * when optional. */
static int
rstr(struct json_rd *r, json_t *o, const char *key, const char *path, int required,
    char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return json_rd_fail(r, path, "\"%s\" is required (a string)", key);
		return 0;
	}
	if (!json_is_string(v))
		return json_rd_fail(r, path, "\"%s\": expected a string", key);
	*out = str_unprintable(json_string_value(v), json_string_length(v));
	if (*out == NULL)
		return json_rd_fail(r, path, "\"%s\": an escape keyaudit does not write", key);
	return 0;
}

static int
rlist(struct json_rd *r, json_t *o, const char *key, const char *path, struct strlist *out)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > RJ_LIST_MAX)
		return json_rd_fail(r, path, "\"%s\": expected a list of at most %d strings", key,
		    RJ_LIST_MAX);
	json_array_foreach(a, i, v) {
		char *s;

		if (!json_is_string(v))
			return json_rd_fail(r, path, "\"%s\"[%zu]: expected a string", key, i);
		s = str_unprintable(json_string_value(v), json_string_length(v));
		if (s == NULL)
			return json_rd_fail(r, path, "\"%s\"[%zu]: an escape keyaudit does not write",
			    key, i);
		strlist_add_owned(out, s);
	}
	return 0;
}

static int
ru64(struct json_rd *r, json_t *o, const char *key, const char *path, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	char *end;

	if (!json_is_string(v) || (s = json_string_value(v))[0] < '0' || s[0] > '9')
		return json_rd_fail(r, path, "\"%s\": expected a decimal number as a string", key);
	*out = (uint64_t)strtoull(s, &end, 10);
	if (*end != '\0')
		return json_rd_fail(r, path, "\"%s\": expected a decimal number as a string", key);
	return 0;
}

static int
digest_read(struct json_rd *r, json_t *j, const char *path, struct host_digest *d)
{
	json_t *kh, *krl, *v;
	size_t i;

	if (!json_is_object(j))
		return json_rd_fail(r, path, "expected an object (the host's fleet digest)");
	if (rlist(r, j, "hostkey_fps", path, &d->hostkey_fps) ||
	    rlist(r, j, "keys", path, &d->keys) ||
	    rlist(r, j, "kh_names", path, &d->kh_names) ||
	    rlist(r, j, "hostkeys", path, &d->hostkeys) ||
	    rlist(r, j, "cas", path, &d->cas) ||
	    rlist(r, j, "revoked", path, &d->revoked) ||
	    rlist(r, j, "krl_cas", path, &d->krl_cas))
		return -1;
	for (i = 0; i < d->keys.n; i++)
		if (strchr(d->keys.v[i], ' ') == NULL)
			return json_rd_fail(r, path, "\"keys\"[%zu]: expected \"FINGERPRINT USER\"", i);
	kh = json_object_get(j, "known_hosts");
	if (kh != NULL && (!json_is_array(kh) || json_array_size(kh) > RJ_KH_FILES))
		return json_rd_fail(r, path, "\"known_hosts\": expected a list of at most %d "
		    "{\"path\", \"text\"}", RJ_KH_FILES);
	json_array_foreach(kh, i, v) {
		char *p = xasprintf("%s.known_hosts[%zu]", path, i), *fp = NULL, *ft = NULL;
		int rc = !json_is_object(v) ? json_rd_fail(r, p, "expected {\"path\", \"text\"}") :
		    rstr(r, v, "path", p, 1, &fp) || rstr(r, v, "text", p, 1, &ft) ? -1 : 0;

		free(p);
		if (rc != 0) {
			free(fp);
			free(ft);
			return -1;
		}
		strlist_add_owned(&d->kh_files, fp);
		strlist_add_owned(&d->kh_files, ft);
	}
	v = json_object_get(j, "revoked_set");
	if (v != NULL && !json_is_boolean(v))
		return json_rd_fail(r, path, "\"revoked_set\": expected true or false");
	d->revoked_set = json_is_true(v);
	krl = json_object_get(j, "krl");
	if (krl != NULL && !json_is_null(krl)) {
		char *p = xasprintf("%s.krl", path);
		int rc = !json_is_object(krl) ? json_rd_fail(r, p, "expected {\"version\", "
		    "\"generated\"}") : ru64(r, krl, "version", p, &d->krl_version) ||
		    ru64(r, krl, "generated", p, &d->krl_generated) ? -1 : 0;

		free(p);
		if (rc != 0)
			return -1;
		d->krl = 1;
	}
	return 0;
}

int
digest_from_json(json_t *j, const char *path, struct host_digest *out, char **err)
{
	struct json_rd r = { NULL, NULL };

	memset(out, 0, sizeof(*out));
	if (digest_read(&r, j, path, out) != 0) {
		host_digest_free(out);
		*err = r.err;
		return -1;
	}
	*err = NULL;
	return 0;
}

/* ---- the report ------------------------------------------------------- */

static int
rnum(struct json_rd *r, json_t *o, const char *key, const char *path, long min, long max,
    long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return json_rd_fail(r, path, "\"%s\": expected an integer %ld..%ld", key, min, max);
	*out = (long)json_integer_value(v);
	return 0;
}

static int
remedy_read(struct json_rd *r, json_t *a, const char *path, struct ka_remedy *rem)
{
	json_t *v;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 64)
		return json_rd_fail(r, path, "\"remedy\": expected a list of actions");
	json_array_foreach(a, i, v) {
		char *p = xasprintf("%s.remedy[%zu]", path, i);
		json_t *run = json_object_get(v, "run"), *ed = json_object_get(v, "edit");
		json_t *tg = json_object_get(v, "target");
		struct ka_action *act = NULL;
		char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL, *as = NULL;
		int rc = 0;

		if (!json_is_object(v))
			rc = json_rd_fail(r, p, "expected an action (\"run\", \"edit\" or \"manual\")");
		else if (json_is_array(run)) {
			struct strlist argv = { 0 };

			rc = rlist(r, v, "run", p, &argv) || rstr(r, v, "where", p, 1, &s1) ||
			    rstr(r, v, "as", p, 1, &as) ? -1 : 0;
			if (rc == 0 && argv.n == 0)
				rc = json_rd_fail(r, p, "\"run\": expected a command");
			if (rc == 0) {
				act = remedy_run(rem, strcmp(s1, "client") == 0 ? ACT_CLIENT :
				    ACT_SERVER, strcmp(as, "user") == 0, argv.v[0], NULL);
				for (size_t k = 1; k < argv.n; k++)
					strlist_add(&act->argv, argv.v[k]);
			}
			strlist_free(&argv);
		} else if (json_is_object(ed)) {
			long line = 0;

			rc = rstr(r, ed, "file", p, 1, &s1) || rstr(r, ed, "old", p, 0, &s2) ||
			    rstr(r, ed, "new", p, 0, &s3) || rstr(r, ed, "sshd_config", p, 0, &s4) ||
			    rstr(r, ed, "as", p, 1, &as) || rstr(r, ed, "text", p, 0, &s5) ||
			    rnum(r, ed, "line", p, 0, 100000000, &line) ? -1 : 0;
			if (rc == 0)
				act = remedy_edit(rem, strcmp(as, "user") == 0, s1, line, s2, s3,
				    s4, s5);
		} else if (json_object_get(v, "manual") != NULL) {
			rc = rstr(r, v, "manual", p, 1, &s1);
			if (rc == 0)
				remedy_manual(rem, "%s", s1);
		} else
			rc = json_rd_fail(r, p, "expected an action (\"run\", \"edit\" or \"manual\")");
		if (rc == 0 && act != NULL && tg != NULL) {
			char *tp = NULL, *tt = NULL;
			long uid = 0;
			char *pt = xasprintf("%s.target", p);

			rc = !json_is_object(tg) ? json_rd_fail(r, pt, "expected {\"path\", \"type\", "
			    "\"uid\"}") : rstr(r, tg, "path", pt, 1, &tp) ||
			    rstr(r, tg, "type", pt, 1, &tt) ||
			    rnum(r, tg, "uid", pt, 0, 4294967295L, &uid) ? -1 : 0;
			if (rc == 0)
				action_target(act, tp, strcmp(tt, "directory") == 0 ? 'd' :
				    strcmp(tt, "absent") == 0 ? 'n' : 'f', (uint32_t)uid);
			free(tp);
			free(tt);
			free(pt);
		}
		free(s1);
		free(s2);
		free(s3);
		free(s4);
		free(s5);
		free(as);
		free(p);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
finding_read(struct json_rd *r, json_t *o, const char *path,
    const struct ka_rule *(*rule)(const char *), struct ka_host_result *hr,
    struct strlist *owned)
{
	char *check = NULL, *sev = NULL, *user = NULL, *fpath = NULL, *msg = NULL;
	char *fp = NULL, *origin = NULL, *bl = NULL;
	const struct ka_rule *ru = NULL;
	json_t *b = json_object_get(o, "blocks_login"), *ln = json_object_get(o, "line");
	struct ka_finding *f;
	int s = -1, rc = -1;

	if (!json_is_object(o)) {
		json_rd_fail(r, path, "expected a finding object");
		goto out;
	}
	if (rstr(r, o, "check", path, 1, &check) || rstr(r, o, "severity", path, 1, &sev) ||
	    rstr(r, o, "user", path, 0, &user) || rstr(r, o, "path", path, 0, &fpath) ||
	    rstr(r, o, "message", path, 1, &msg) || rstr(r, o, "key_fp", path, 0, &fp) ||
	    rstr(r, o, "origin", path, 0, &origin) || rstr(r, o, "baselined", path, 0, &bl))
		goto out;
	if ((ru = rule(check)) == NULL) {
		json_rd_fail(r, path, "\"check\": unknown check '%s' (a report of another "
		    "keyaudit version?)", check);
		goto out;
	}
	if ((s = severity_from_name(sev)) < 0) {
		json_rd_fail(r, path, "\"severity\": expected info, low, medium, high or critical");
		goto out;
	}
	if (!json_is_boolean(b)) {
		json_rd_fail(r, path, "\"blocks_login\": expected true or false");
		goto out;
	}
	if (ln != NULL && !json_is_null(ln) && (!json_is_integer(ln) ||
	    json_integer_value(ln) < 1 || json_integer_value(ln) > 100000000)) {
		json_rd_fail(r, path, "\"line\": expected null or a line number");
		goto out;
	}
	f = finding_add(hr, ru, user, fpath, json_is_integer(ln) ?
	    (long)json_integer_value(ln) : 0, NULL, "%s", msg);
	f->severity = (enum ka_severity)s;
	f->blocks_login = json_is_true(b);
	f->key_fp = fp;
	f->origin = origin;
	fp = origin = NULL;
	if (bl != NULL)
		f->baselined = strlist_intern(owned, bl);
	if (remedy_read(r, json_object_get(o, "remedy"), path, &f->remedy) != 0)
		goto out;
	rc = 0;
out:
	free(check);
	free(sev);
	free(user);
	free(fpath);
	free(msg);
	free(fp);
	free(origin);
	free(bl);
	return rc;
}

static int
status_from_name(const char *s)
{
	for (int i = HOST_SCANNED; i <= HOST_ERROR; i++)
		if (strcmp(host_status_name((enum ka_host_status)i), s) == 0)
			return i;
	return -1;
}

/* One key line object back into "USER\tFP\tTYPE\tPATH\tLINE". */
static int
key_read(struct json_rd *r, json_t *o, const char *path, struct strlist *keys)
{
	char *u = NULL, *fp = NULL, *t = NULL, *p = NULL;
	long line = 0;
	int rc;

	rc = !json_is_object(o) ? json_rd_fail(r, path, "expected a key object") :
	    rstr(r, o, "user", path, 1, &u) || rstr(r, o, "fingerprint", path, 1, &fp) ||
	    rstr(r, o, "type", path, 1, &t) || rstr(r, o, "path", path, 1, &p) ||
	    rnum(r, o, "line", path, 0, 100000000, &line) ? -1 : 0;
	if (rc == 0)
		strlist_add_owned(keys, xasprintf("%s\t%s\t%s\t%s\t%ld", u, fp, t, p, line));
	free(u);
	free(fp);
	free(t);
	free(p);
	return rc;
}

static int
host_read(struct json_rd *r, json_t *o, const char *path,
    const struct ka_rule *(*rule)(const char *), struct scan_report_host *h,
    struct strlist *owned)
{
	char *target = NULL, *st = NULL;
	json_t *a, *v, *x;
	size_t i;
	int s;

	if (rstr(r, o, "target", path, 1, &target))
		return -1;
	host_result_init(&h->hr, target);
	free(target);
	h->index = -1;
	if (rstr(r, o, "address", path, 0, &h->hr.address) ||
	    rstr(r, o, "error", path, 0, &h->hr.error) ||
	    rstr(r, o, "hostkey", path, 0, &h->hr.hostkey) ||
	    rstr(r, o, "origin", path, 0, &h->hr.origin) ||
	    rstr(r, o, "status", path, 1, &st))
		return -1;
	s = status_from_name(st);
	free(st);
	if (s < 0)
		return json_rd_fail(r, path, "\"status\": expected scanned, unreachable, "
		    "auth-failed or error");
	h->hr.status = (enum ka_host_status)s;
	x = json_object_get(o, "port");
	if (x != NULL && !json_is_null(x)) {
		long port;

		if (rnum(r, o, "port", path, 1, 65535, &port))
			return -1;
		h->hr.port = (int)port;
	}
	x = json_object_get(o, "duration");
	if (x != NULL && !json_is_number(x))
		return json_rd_fail(r, path, "\"duration\": expected a number of seconds");
	h->hr.duration = x != NULL ? json_number_value(x) : 0;
	if (json_object_get(o, "index") != NULL &&
	    rnum(r, o, "index", path, 0, 100000000, &h->index))
		return -1;
	a = json_object_get(o, "findings");
	if (!json_is_array(a) || json_array_size(a) > RJ_LIST_MAX)
		return json_rd_fail(r, path, "\"findings\": expected a list");
	json_array_foreach(a, i, v) {
		char *p = xasprintf("%s.findings[%zu]", path, i);
		int rc = finding_read(r, v, p, rule, &h->hr, owned);

		free(p);
		if (rc != 0)
			return -1;
	}
	a = json_object_get(o, "skipped");
	if (a != NULL && (!json_is_array(a) || json_array_size(a) > RJ_LIST_MAX))
		return json_rd_fail(r, path, "\"skipped\": expected a list");
	json_array_foreach(a, i, v) {
		char *p = xasprintf("%s.skipped[%zu]", path, i), *c = NULL, *sub = NULL,
		    *why = NULL;
		const struct ka_rule *ru = NULL;
		int rc = !json_is_object(v) ? json_rd_fail(r, p, "expected {\"check\", "
		    "\"subject\", \"reason\"}") : rstr(r, v, "check", p, 0, &c) ||
		    rstr(r, v, "subject", p, 0, &sub) || rstr(r, v, "reason", p, 0, &why) ?
		    -1 : 0;

		if (rc == 0 && c != NULL && (ru = rule(c)) == NULL)
			rc = json_rd_fail(r, p, "\"check\": unknown check '%s'", c);
		if (rc == 0)
			skip_add(&h->hr, ru, sub, "%s", why ? why : "");
		free(p);
		free(c);
		free(sub);
		free(why);
		if (rc != 0)
			return -1;
	}
	a = json_object_get(o, "keys");
	if (a != NULL && (!json_is_array(a) || json_array_size(a) > RJ_LIST_MAX))
		return json_rd_fail(r, path, "\"keys\": expected a list");
	json_array_foreach(a, i, v) {
		char *p = xasprintf("%s.keys[%zu]", path, i);
		int rc = key_read(r, v, p, &h->hr.keys);

		free(p);
		if (rc != 0)
			return -1;
	}
	a = json_object_get(o, "ran");
	if (a != NULL && (!json_is_array(a) || json_array_size(a) > 4096))
		return json_rd_fail(r, path, "\"ran\": expected a list of check ids");
	if (a != NULL && json_array_size(a) > 0)
		h->hr.ran = xcalloc(json_array_size(a), sizeof(*h->hr.ran));
	json_array_foreach(a, i, v) {
		const struct ka_rule *ru = json_is_string(v) ? rule(json_string_value(v)) : NULL;

		if (ru == NULL)
			return json_rd_fail(r, path, "\"ran\"[%zu]: expected a known check id", i);
		h->hr.ran[h->hr.nran++] = ru;
	}
	x = json_object_get(o, "digest");
	if (x != NULL && !json_is_null(x)) {
		char *p = xasprintf("%s.digest", path);
		int rc = digest_read(r, x, p, &h->digest);

		free(p);
		if (rc != 0)
			return -1;
		h->has_digest = 1;
	}
	return 0;
}

int
report_doc_load(const char *name, const char *data, size_t len, struct report_doc *d,
    char **err)
{
	struct json_rd r = { name, NULL };
	json_error_t je;
	json_t *schema;

	d->root = d->hosts = NULL;
	*err = NULL;
	if (len > REPORT_JSON_MAX) {
		*err = xasprintf("%s: larger than %u bytes", name, REPORT_JSON_MAX);
		return -1;
	}
	d->root = json_loadb(data != NULL ? data : "", len, JSON_REJECT_DUPLICATES, &je);
	if (d->root == NULL) {
		char *t = str_printable(je.text, strlen(je.text));

		*err = xasprintf("%s: line %d: expected a keyaudit JSON report: %s", name,
		    je.line, t);
		free(t);
		return -1;
	}
	d->hosts = json_object_get(d->root, "hosts");
	schema = json_object_get(d->root, "schema");
	if (!json_is_object(d->root) || !json_is_string(json_object_get(d->root, "keyaudit")))
		json_rd_fail(&r, "$", "expected a keyaudit JSON report (an object with "
		    "\"keyaudit\"; keyaudit scan --json FILE)");
	else if (!json_is_integer(schema) || json_integer_value(schema) != 1)
		json_rd_fail(&r, "$.schema", "expected 1");
	else if (!json_is_array(d->hosts) || json_array_size(d->hosts) > RJ_LIST_MAX)
		json_rd_fail(&r, "$.hosts", "expected a list of hosts");
	if (r.err != NULL) {
		report_doc_free(d);
		*err = r.err;
		return -1;
	}
	return 0;
}

void
report_doc_free(struct report_doc *d)
{
	json_decref(d->root);
	d->root = d->hosts = NULL;
}

int
scan_report_parse(const char *text, size_t len, const char *name,
    const struct ka_rule *(*rule)(const char *), struct scan_report *out, char **err)
{
	struct json_rd r = { name, NULL };
	struct report_doc doc;
	json_t *root, *hosts, *v, *sh;
	size_t i;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (report_doc_load(name, text, len, &doc, err) != 0)
		return -1;
	root = doc.root;
	hosts = doc.hosts;
	sh = json_object_get(root, "shard");
	if (sh != NULL && !json_is_null(sh)) {
		long k, n, total;
		char *inv = NULL;

		if (!json_is_object(sh) || rnum(&r, sh, "k", "$.shard", 0, SHARD_MAX - 1, &k) ||
		    rnum(&r, sh, "n", "$.shard", 1, SHARD_MAX, &n) ||
		    rnum(&r, sh, "inventory_hosts", "$.shard", 0, 100000000, &total) ||
		    rstr(&r, sh, "inventory", "$.shard", 1, &inv)) {
			json_rd_fail(&r, "$.shard", "expected {\"k\", \"n\", \"inventory\", "
			    "\"inventory_hosts\"}");
			goto fail;
		}
		if (k >= n || strlen(inv) != 64 || strspn(inv, "0123456789abcdef") != 64) {
			free(inv);
			json_rd_fail(&r, "$.shard", "expected k < n and \"inventory\" as 64 hex digits");
			goto fail;
		}
		out->sharded = 1;
		out->shard_k = (unsigned)k;
		out->shard_n = (unsigned)n;
		out->inventory_hosts = (size_t)total;
		memcpy(out->inventory, inv, 65);
		free(inv);
	}
	out->hosts = xcalloc(json_array_size(hosts) + 1, sizeof(*out->hosts));
	json_array_foreach(hosts, i, v) {
		char *p = xasprintf("$.hosts[%zu]", i);
		json_t *fl = json_object_get(v, "fleet");
		int rc;

		if (!json_is_object(v)) {
			json_rd_fail(&r, p, "expected a host object");
			free(p);
			goto fail;
		}
		if (json_is_true(fl)) {
			/* the fleet entry is recomputed by whoever merges */
			free(p);
			continue;
		}
		out->hosts[out->nhosts].pos = i;
		rc = host_read(&r, v, p, rule, &out->hosts[out->nhosts], &out->owned);
		out->nhosts++;
		free(p);
		if (rc != 0)
			goto fail;
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	scan_report_free(out);
	*err = r.err;
	return -1;
}

void
scan_report_free(struct scan_report *d)
{
	for (size_t i = 0; i < d->nhosts; i++) {
		host_result_free(&d->hosts[i].hr);
		host_digest_free(&d->hosts[i].digest);
	}
	free(d->hosts);
	strlist_free(&d->owned);
	memset(d, 0, sizeof(*d));
}
