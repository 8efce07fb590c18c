/* keyreg.c - the key registry CSV (keyreg.h). RFC 4180 fields (quotes, ""
 * inside them), LF or CRLF, '#' comment and blank lines, an optional header
 * naming the columns in any order (a first row with a "fingerprint" field). Every error stops the parse: a registry
 * that is half read would call claimed keys unregistered. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/parse/keyreg.h"
#include "scanner/util.h"

enum col { C_FP, C_OWNER, C_EXPIRES, C_ADDED, C_NCOLS };
static const char *const col_names[C_NCOLS] = { "fingerprint", "owner", "expires", "added" };
#define MAX_FIELDS 16

struct kr {
	const char *name;
	long line;
	char **err;
};

static int
kerr(struct kr *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
kerr(struct kr *k, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*k->err = xasprintf("%s:%ld: %s", k->name, k->line, msg);
	free(msg);
	return -1;
}

/* Input shown in a message: printable, at most 60 bytes. */
static char *
shown(const char *s)
{
	size_t n = strlen(s);

	return str_printable(s, n > 60 ? 60 : n);
}

/* Split one line (no newline) into fields; they point into a copy. */
static int
split(struct kr *k, const char *p, size_t n, char *copy, char **f, size_t *nf)
{
	size_t i = 0, o = 0;

	*nf = 0;
	for (;;) {
		if (*nf == MAX_FIELDS)
			return kerr(k, "expected at most %d fields", MAX_FIELDS);
		f[(*nf)++] = copy + o;
		if (i < n && p[i] == '"') {
			for (i++;; i++) {
				if (i == n)
					return kerr(k, "expected a closing quote");
				if (p[i] == '"') {
					if (i + 1 < n && p[i + 1] == '"') {
						copy[o++] = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				copy[o++] = p[i];
			}
			if (i < n && p[i] != ',')
				return kerr(k, "expected a comma after a quoted field");
		} else
			while (i < n && p[i] != ',') {
				if (p[i] == '"')
					return kerr(k, "expected a quote only at the start of a field");
				copy[o++] = p[i++];
			}
		copy[o++] = '\0';
		if (i == n)
			return 0;
		i++;	/* the comma */
	}
}

static int
fp_ok(const char *s)
{
	if (strncmp(s, "SHA256:", 7) != 0 || strlen(s) != 7 + 43)
		return 0;
	for (s += 7; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '/')
			return 0;
	return 1;
}

/* "YYYY-MM-DD" to the unix time of its 00:00 UTC; -1 when not a date. */
static int64_t
date_of(const char *s)
{
	int64_t d = ymd_days(s);

	return d < 0 ? -1 : d * 86400;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct keyreg_entry *)a)->fp, ((const struct keyreg_entry *)b)->fp);
}

/* One data row into out. */
static int
add_row(struct kr *k, char **f, size_t nf, const int *cols, size_t ncols,
    struct keyreg *out)
{
	const char *v[C_NCOLS] = { NULL, NULL, NULL, NULL };
	struct keyreg_entry *e;
	int64_t t;
	char *s;

	if (nf != ncols)
		return kerr(k, "expected %zu fields, found %zu", ncols, nf);
	for (size_t i = 0; i < nf; i++)
		v[cols[i]] = f[i];
	if (!fp_ok(v[C_FP])) {
		s = shown(v[C_FP]);
		kerr(k, "expected a fingerprint SHA256:<43 base64 characters> (as "
		    "ssh-keygen -l prints it) in column fingerprint, got \"%s\"", s);
		free(s);
		return -1;
	}
	if (v[C_OWNER] != NULL)
		for (const char *p = v[C_OWNER]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return kerr(k, "expected an owner without control characters");
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	e = &out->v[out->n];
	memset(e, 0, sizeof(*e));
	e->line = k->line;
	if (v[C_EXPIRES] != NULL && v[C_EXPIRES][0] != '\0' && strcmp(v[C_EXPIRES], "never") != 0) {
		if ((t = date_of(v[C_EXPIRES])) < 0) {
			s = shown(v[C_EXPIRES]);
			kerr(k, "expected a date YYYY-MM-DD (or never) in column expires, "
			    "got \"%s\"", s);
			free(s);
			return -1;
		}
		e->expires = t + 86400;
	}
	if (v[C_ADDED] != NULL && v[C_ADDED][0] != '\0') {
		if ((t = date_of(v[C_ADDED])) < 0) {
			s = shown(v[C_ADDED]);
			kerr(k, "expected a date YYYY-MM-DD in column added, got \"%s\"", s);
			free(s);
			return -1;
		}
		e->added = t;
	}
	e->fp = xstrdup(v[C_FP]);
	e->owner = xstrdup(v[C_OWNER] ? v[C_OWNER] : "");
	out->n++;
	return 0;
}

/* A first row naming a column "fingerprint" is a header (no fingerprint
 * can be spelt so). */
static int
names_fingerprint(char **f, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		if (strcasecmp(f[i], "fingerprint") == 0)
			return 1;
	return 0;
}

/* The header: which column each field is. */
static int
header(struct kr *k, char **f, size_t nf, int *cols, size_t *ncols)
{
	int seen[C_NCOLS] = { 0 };
	char *s;

	for (size_t i = 0; i < nf; i++) {
		int c = -1;

		for (int j = 0; j < C_NCOLS; j++)
			if (strcasecmp(f[i], col_names[j]) == 0)
				c = j;
		s = shown(f[i]);
		if (c < 0)
			kerr(k, "expected a column name (fingerprint, owner, expires, "
			    "added), got \"%s\"", s);
		else if (seen[c])
			kerr(k, "column \"%s\" is named twice", s);
		free(s);
		if (c < 0 || seen[c])
			return -1;
		seen[c] = 1;
		cols[i] = c;
	}
	*ncols = nf;
	return 0;
}

int
keyreg_parse(const char *data, size_t len, const char *name, struct keyreg *out,
    char **err)
{
	struct kr k = { name, 0, err };
	int cols[MAX_FIELDS] = { C_FP, C_OWNER, C_EXPIRES, C_ADDED };
	size_t ncols = 0, off = 0;
	int rows = 0, named = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (len > KEYREG_FILE_MAX) {
		k.line = 1;
		kerr(&k, "expected a registry, not %zu MiB", len >> 20);
		return -1;
	}
	while (off < len) {
		const char *p = data + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;
		char copy[KEYREG_LINE_MAX + MAX_FIELDS + 1], *f[MAX_FIELDS];
		size_t nf, i;

		off += n + (nl != NULL);
		k.line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > KEYREG_LINE_MAX) {
			kerr(&k, "expected a line of at most %d bytes", KEYREG_LINE_MAX);
			goto fail;
		}
		if (memchr(p, '\0', n) != NULL) {
			kerr(&k, "expected text, found a NUL byte");
			goto fail;
		}
		for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i == n || p[i] == '#')
			continue;
		if (split(&k, p, n, copy, f, &nf) != 0)
			goto fail;
		if (rows++ == 0 && names_fingerprint(f, nf)) {
			if (header(&k, f, nf, cols, &ncols) != 0)
				goto fail;
			named = 1;
			continue;
		}
		/* without a header each row is fingerprint,owner,expires[,added] */
		if (!named && nf != 3 && nf != 4) {
			kerr(&k, "expected fingerprint,owner,expires[,added] (or a "
			    "header line naming the columns), found %zu fields", nf);
			goto fail;
		}
		if (add_row(&k, f, nf, cols, named ? ncols : nf, out) != 0)
			goto fail;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
	for (size_t i = 1; i < out->n; i++)
		if (strcmp(out->v[i - 1].fp, out->v[i].fp) == 0) {
			const struct keyreg_entry *a = &out->v[i - 1], *b = &out->v[i];

			k.line = a->line > b->line ? a->line : b->line;
			kerr(&k, "fingerprint %s already on line %ld", a->fp,
			    a->line < b->line ? a->line : b->line);
			goto fail;
		}
	return 0;
fail:
	keyreg_free(out);
	return -1;
}


const struct keyreg_entry *
keyreg_find(const struct keyreg *r, const char *fp)
{
	struct keyreg_entry key;

	if (r == NULL || r->n == 0)
		return NULL;
	key.fp = (char *)fp;
	return bsearch(&key, r->v, r->n, sizeof(*r->v), cmp_entry);
}

void
keyreg_free(struct keyreg *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].fp);
		free(r->v[i].owner);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}
