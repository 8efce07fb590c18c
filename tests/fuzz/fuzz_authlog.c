/* fuzz_authlog.c - libFuzzer target: any bytes as an sshd log, searched
 * with several queries (none, the first client port the data names, a
 * user and address, a key, a time window; a first line "Q USER ADDR PORT
 * FP SINCE UNTIL NOW", "-" for none, sets one more). Nothing may crash,
 * hang, leak or read past the data; and what comes out must be at most
 * AUTHLOG_MAX_LINES printable lines, each one of the input's own lines
 * (cut and escaped), in file order, the same on a second run, or the
 * target aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/authlog.h"
#include "scanner/util.h"

/* The line as authlog shows it, the slow way: its first
 * AUTHLOG_MAX_LINE bytes, not ending inside a UTF-8 sequence, without
 * trailing CRs, escaped. */
static char *
shown(const char *p, size_t n)
{
	if (n > AUTHLOG_MAX_LINE) {
		n = AUTHLOG_MAX_LINE;
		for (int i = 0; i < 3 && n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80; i++)
			n--;
	}
	while (n > 0 && p[n - 1] == '\r')
		n--;
	return str_printable(p, n);
}

/* Every input line as shown, made once per input for all the queries. */
static void
all_shown(const char *data, size_t len, struct strlist *lines)
{
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;

		strlist_add_owned(lines, shown(data + pos, ll));
		pos += ll + 1;
	}
}

static void
check(const char *data, size_t len, const struct authlog_query *q,
    const struct strlist *lines)
{
	struct strlist out = { 0 }, again = { 0 };
	size_t n = authlog_attempt(data, len, q, &out), j = 0;

	if (n != out.n || n > AUTHLOG_MAX_LINES)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(out.v[i]);

		if (l == 0 || l > 4 * AUTHLOG_MAX_LINE ||
		    str_has_control(out.v[i], l) || !utf8_valid(out.v[i], l))
			abort();
	}
	/* a subsequence of the input's lines, in order */
	for (size_t i = 0; i < lines->n && j < n; i++)
		if (strcmp(lines->v[i], out.v[j]) == 0)
			j++;
	if (j != n)
		abort();
	if (authlog_attempt(data, len, q, &again) != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(out.v[i], again.v[i]) != 0)
			abort();
	strlist_free(&out);
	strlist_free(&again);
}

/* "Q USER ADDR PORT FP SINCE UNTIL NOW" */
static int
query_line(char *line, struct authlog_query *q)
{
	char *f[8], *save = NULL;
	int n = 0;

	if (strncmp(line, "Q ", 2) != 0)
		return 0;
	for (char *t = strtok_r(line + 2, " ", &save); t && n < 8; t = strtok_r(NULL, " ", &save))
		f[n++] = strcmp(t, "-") == 0 ? NULL : t;
	for (; n < 8; n++)
		f[n] = NULL;
	q->user = f[0];
	q->addr = f[1];
	q->port = f[2] ? atoi(f[2]) : 0;
	q->fp = f[3];
	q->since = f[4] ? strtoll(f[4], NULL, 10) : 0;
	q->until = f[5] ? strtoll(f[5], NULL, 10) : 0;
	q->now = f[6] ? strtoll(f[6], NULL, 10) : 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data, *hit;
	struct authlog_query q;
	struct strlist lines = { 0 };
	char *first = NULL;

	all_shown(d, size, &lines);
	/* none: the last connection */
	memset(&q, 0, sizeof(q));
	q.now = 1795509600;
	check(d, size, &q, &lines);

	/* the first client port named, so that lookups by port find one */
	if ((hit = memmem(d, size, " port ", 6)) != NULL) {
		q.port = 0;
		for (const char *p = hit + 6; p < d + size && *p >= '0' && *p <= '9' &&
		    q.port < 100000; p++)
			q.port = q.port * 10 + (*p - '0');
		check(d, size, &q, &lines);
		q.port = 0;
	}

	q.user = "kaal";
	q.addr = "127.0.0.1";
	check(d, size, &q, &lines);

	q.user = NULL;
	q.addr = NULL;
	q.fp = "SHA256:VOg4e84MUDMRYz91Rmjg0MqQwgjDiN48xbhyYGmxOZE";
	check(d, size, &q, &lines);

	q.fp = NULL;
	q.since = 1795509503;	/* 2026-11-24 08:38:23 UTC */
	q.until = 1795509505;
	check(d, size, &q, &lines);

	if (size > 2 && memcmp(d, "Q ", 2) == 0) {
		const char *nl = memchr(d, '\n', size);
		size_t n = nl ? (size_t)(nl - d) : size;

		first = xstrndup(d, n);
		memset(&q, 0, sizeof(q));
		if (query_line(first, &q)) {
			struct strlist rest = { 0 };

			all_shown(nl ? nl + 1 : d + size, nl ? size - n - 1 : 0, &rest);
			check(nl ? nl + 1 : d + size, nl ? size - n - 1 : 0, &q, &rest);
			strlist_free(&rest);
		}
		free(first);
	}
	strlist_free(&lines);
	return 0;
}
