/* authlog.c - the lines of one login attempt out of an sshd log (see
 * authlog.h for what counts as the attempt).
 *
 * Three linear passes over the data; none keeps more than a fixed amount of
 * state, so a log of any size costs time in proportion to its length and a
 * bounded amount of memory:
 *   1. find the attempt: the last connection that fits the query;
 *   2. the sshd pids that served it, and where it ends;
 *   3. collect its lines.
 * A line is looked at through its first AUTHLOG_MAX_LINE bytes only, and
 * nothing reads past len: the data need not end in a NUL or a newline. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/parse/authlog.h"
#include "scanner/parse/logclock.h"

#define CONN_SLOTS	4096	/* most slots for the connections open at once */
#define CONN_FIRST	64	/* slots to start with: most logs need few */
#define MAX_PIDS	32	/* sshd processes of one attempt (a few in practice) */
#define MAX_ADDR	64	/* longest word taken for a client address */

#define NAMED_USER	0x1
#define NAMED_FP	0x2

/* One log line as the passes see it. */
struct line {
	size_t off;		/* where it starts in the data */
	size_t len;		/* bytes kept: no newline or CR, at most AUTHLOG_MAX_LINE */
	const char *msg;	/* sshd's own text, after timestamp, host and tag */
	size_t msglen;
	int64_t t;		/* when it was logged, if the line says */
	long pid;		/* -1: the line has no PROG[PID] tag (sshd -E) */
	const char *addr;	/* the client it names: the first "ADDR port N" */
	size_t addrlen;
	int port;		/* 0: it names none */
	int conn;		/* "Connection from ...": a connection starts */
	int debug;		/* "debugN: ...": first to go past the cap */
};

/* A connection: a client address and port, from its first line on. */
struct conn {
	const char *addr;
	size_t addrlen;
	int port;
	int used;
	int started;		/* at a "Connection from" line, not mid-way */
	unsigned flags;		/* NAMED_*: what its lines said */
	size_t start;		/* offset of its first line */
	uint64_t seen;		/* number of the last line naming it, for eviction */
};

struct conntab {
	struct conn *slot;	/* cap of them (a power of 2), open addressing */
	size_t cap, n;
};

struct pids {
	long pid[MAX_PIDS];
	unsigned char gone[MAX_PIDS];	/* serving another client now */
	size_t n;
};

struct pick {
	size_t off, len;
	int debug;
};

struct picks {
	struct pick main[AUTHLOG_MAX_LINES], debug[AUTHLOG_MAX_LINES];
	size_t nmain, ndebug;
	/* pid-less lines naming no client, waiting for the next one that does:
	 * the newest AUTHLOG_MAX_LINES of them, a ring from pend_head */
	struct pick pend[AUTHLOG_MAX_LINES];
	size_t npend, pend_head;
};

struct ctx {
	const char *data;
	size_t len;
	const char *user, *addr, *fp;
	size_t userlen, addrlen, fplen;
	int port;
	int64_t since, until;
	struct log_clock clock;
};

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alnum(int ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
starts(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(p, prefix, k) == 0;
}

/* The next line from *pos: its offset and length without the newline. */
static int
next_line(const struct ctx *c, size_t *pos, size_t *off, size_t *n)
{
	const char *nl;
	size_t start = *pos, full;

	if (start >= c->len)
		return 0;
	nl = memchr(c->data + start, '\n', c->len - start);
	full = nl ? (size_t)(nl - (c->data + start)) : c->len - start;
	*off = start;
	*n = full;
	*pos = start + full + (nl != NULL);
	return 1;
}

/* The bytes of a line that count: at most AUTHLOG_MAX_LINE, not ending
 * inside a UTF-8 sequence (it would show as \x escapes), and without the CR
 * of the CRLF that sshd -E writes after every line. */
static size_t
cut(const char *p, size_t n)
{
	if (n > AUTHLOG_MAX_LINE) {
		n = AUTHLOG_MAX_LINE;
		/* p[n] is the first byte dropped: drop its lead byte too */
		for (int i = 0; i < 3 && n > 0 &&
		    ((unsigned char)p[n] & 0xc0) == 0x80; i++)
			n--;
	}
	while (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/* A syslog tag "NAME[PID]: " (NAME may be a path): bytes used, or 0. */
static size_t
tag(const char *p, size_t n, long *pid, int *sshd)
{
	size_t i = 0, name = 0, end, nd = 0;
	long v = 0;

	for (; i < n && i < 256 && p[i] != '[' && p[i] != ' ' && p[i] != ':'; i++)
		if (p[i] == '/')
			name = i + 1;
	if (i == 0 || i >= n || p[i] != '[')
		return 0;
	end = i;
	for (i++; i < n && is_digit(p[i]) && nd < 10; i++, nd++)
		v = v * 10 + (p[i] - '0');
	if (nd == 0 || nd > 9 || i + 1 >= n || p[i] != ']' || p[i + 1] != ':')
		return 0;
	*sshd = log_sshd_name(p + name, end - name);
	i += 2;
	if (i < n && p[i] == ' ')
		i++;
	*pid = v;
	return i;
}

static int
addr_char(int ch)
{
	return is_alnum(ch) || ch == '.' || ch == ':' || ch == '%' || ch == '-' || ch == '_';
}

/* The client a message names: sshd writes it as "ADDR port N" wherever it
 * names one ("from 1.2.3.4 port 5", "user bob 1.2.3.4 port 5"). The first
 * is the client's: "Connection from" names the local end after it. */
static void
find_client(struct line *l)
{
	const char *m = l->msg, *end = m + l->msglen, *p = m, *hit;

	/* the listener names its own address */
	if (starts(m, l->msglen, "Server listening on "))
		return;
	while ((hit = memmem(p, (size_t)(end - p), " port ", 6)) != NULL) {
		const char *d = hit + 6, *a = hit;
		int port = 0, nd = 0, ok = 1;

		p = d;
		for (; d < end && is_digit(*d) && nd < 6; d++, nd++)
			port = port * 10 + (*d - '0');
		if (nd == 0 || nd > 5 || port > 65535 || port == 0 ||
		    (d < end && is_alnum(*d)))
			continue;
		while (a > m && a[-1] != ' ' && hit - a <= MAX_ADDR)
			a--;
		if (a == hit || hit - a > MAX_ADDR)
			continue;
		for (const char *q = a; q < hit; q++)
			ok &= addr_char((unsigned char)*q);
		if (!ok)
			continue;
		l->addr = a;
		l->addrlen = (size_t)(hit - a);
		l->port = port;
		return;
	}
}

/* The line at off (n bytes before its newline) as the passes see it; 0 for
 * a line to skip: empty, binary, another program's, or outside the time
 * window. Lines without a timestamp are sshd -E's and have no time to
 * judge. */
static int
parse_line(struct ctx *c, size_t off, size_t n, struct line *l)
{
	const char *p = c->data + off, *m;
	size_t k, mn;
	int sshd = 1;

	memset(l, 0, sizeof(*l));
	l->pid = -1;
	n = cut(p, n);
	if (n == 0 || memchr(p, '\0', n) != NULL)
		return 0;
	l->off = off;
	l->len = n;
	if ((k = log_clock_syslog(&c->clock, p, n, &l->t)) != 0 ||
	    (k = log_clock_iso(&c->clock, p, n, &l->t)) != 0) {
		if ((c->since != 0 && l->t < c->since) || (c->until != 0 && l->t > c->until))
			return 0;
		m = p + k;
		mn = n - k;
		/* "HOST TAG: msg", or "TAG: msg" when nothing added a host */
		if ((k = tag(m, mn, &l->pid, &sshd)) == 0) {
			const char *sp = memchr(m, ' ', mn);

			if (sp == NULL)
				return 0;
			mn -= (size_t)(sp + 1 - m);
			m = sp + 1;
			if ((k = tag(m, mn, &l->pid, &sshd)) == 0)
				return 0;
		}
	} else if ((k = tag(p, n, &l->pid, &sshd)) != 0) {
		m = p;
		mn = n;
	} else {
		/* sshd -E; since 9.8 a line may start "sshd-session: " */
		m = p;
		mn = n;
		k = starts(m, mn, "sshd: ") ? 6 : starts(m, mn, "sshd-session: ") ? 14 :
		    starts(m, mn, "sshd-auth: ") ? 11 : 0;
	}
	if (!sshd)
		return 0;
	l->msg = m + k;
	l->msglen = mn - k;
	find_client(l);
	l->conn = l->port != 0 && starts(l->msg, l->msglen, "Connection from ");
	l->debug = l->msglen > 7 && memcmp(l->msg, "debug", 5) == 0 &&
	    l->msg[5] >= '1' && l->msg[5] <= '3' && l->msg[6] == ':';
	return 1;
}

/* Does the message name w as a whole word (a user, a fingerprint)? */
static int
word_char(int ch, int fp)
{
	return is_alnum(ch) || ch == '_' || ch == '-' || ch == '.' || ch == '$' ||
	    ch >= 0x80 || (fp && (ch == '+' || ch == '/' || ch == '='));
}

static int
names(const struct line *l, const char *w, size_t wn, int fp)
{
	const char *m = l->msg, *end = m + l->msglen, *p = m, *hit;

	while ((hit = memmem(p, (size_t)(end - p), w, wn)) != NULL) {
		if ((hit == m || !word_char((unsigned char)hit[-1], fp)) &&
		    (hit + wn == end || !word_char((unsigned char)hit[wn], fp)))
			return 1;
		p = hit + 1;
	}
	return 0;
}

static int
same_client(const struct line *l, const char *addr, size_t addrlen, int port)
{
	return l->port == port && l->addrlen == addrlen &&
	    memcmp(l->addr, addr, addrlen) == 0;
}

static int
ours(const struct conn *a, const struct line *l)
{
	return same_client(l, a->addr, a->addrlen, a->port);
}

/* ------------------------------------------------ pass 1: the attempt */

static size_t
slot_of(const char *addr, size_t addrlen, int port, size_t cap)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < addrlen; i++)
		h = (h ^ (unsigned char)addr[i]) * 1099511628211ULL;
	h = (h ^ (uint64_t)port) * 1099511628211ULL;
	return (size_t)(h & (cap - 1));
}

static struct conn *
tab_slot(struct conntab *t, const char *addr, size_t addrlen, int port)
{
	size_t i = slot_of(addr, addrlen, port, t->cap);
	struct conn *s;

	/* at most half full, so an empty slot ends every probe */
	for (;; i = (i + 1) & (t->cap - 1)) {
		s = &t->slot[i];
		if (!s->used || (s->port == port && s->addrlen == addrlen &&
		    memcmp(s->addr, addr, addrlen) == 0))
			return s;
	}
}

static int
by_seen_desc(const void *a, const void *b)
{
	const struct conn *x = a, *y = b;

	return x->seen < y->seen ? 1 : x->seen > y->seen ? -1 : 0;
}

/* The table is half full: twice the slots, up to CONN_SLOTS; then keep
 * the quarter named most recently. A connection silent that long is over,
 * or starts afresh at its next line; only logs with thousands of
 * connections open at once lose anything. */
static void
tab_grow(struct conntab *t)
{
	struct conn *old = t->slot;
	size_t oldcap = t->cap, keep = t->n;

	if (t->cap >= CONN_SLOTS) {
		qsort(old, oldcap, sizeof(*old), by_seen_desc);
		keep = CONN_SLOTS / 4;
	} else
		t->cap *= 2;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	t->n = 0;
	/* unused slots have seen 0 and sort last */
	for (size_t i = 0; i < oldcap && t->n < keep; i++) {
		if (!old[i].used)
			continue;
		*tab_slot(t, old[i].addr, old[i].addrlen, old[i].port) = old[i];
		t->n++;
	}
	free(old);
}

/* The connection l names, a new one when it starts here. */
static struct conn *
tab_get(struct conntab *t, const struct line *l)
{
	struct conn *s = tab_slot(t, l->addr, l->addrlen, l->port);

	if (!s->used) {
		if (t->n >= t->cap / 2) {
			tab_grow(t);
			s = tab_slot(t, l->addr, l->addrlen, l->port);
		}
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->addr = l->addr;
		s->addrlen = l->addrlen;
		s->port = l->port;
		s->start = l->off;
		s->started = l->conn;
		t->n++;
	} else if (l->conn) {
		/* the same client port again: a new connection */
		s->start = l->off;
		s->started = 1;
		s->flags = 0;
	}
	return s;
}

/* The last connection that fits the query, into *best; 0 when none does.
 * With a port the client's address and port say which; without, what its
 * lines name must include the user and the key. */
static int
find_attempt(struct ctx *c, struct conn *best)
{
	struct conntab t;
	struct line l;
	struct conn *s;
	size_t pos = 0, off, n;
	uint64_t lineno = 0;
	unsigned need = 0;

	if (c->port == 0)
		need = (c->user ? NAMED_USER : 0) | (c->fp ? NAMED_FP : 0);
	t.cap = CONN_FIRST;
	t.slot = xcalloc(t.cap, sizeof(*t.slot));
	t.n = 0;
	memset(best, 0, sizeof(*best));
	while (next_line(c, &pos, &off, &n)) {
		lineno++;
		if (!parse_line(c, off, n, &l) || l.port == 0 ||
		    (c->port != 0 && l.port != c->port) ||
		    (c->addr != NULL && (l.addrlen != c->addrlen ||
		    memcmp(l.addr, c->addr, c->addrlen) != 0)))
			continue;
		s = tab_get(&t, &l);
		s->seen = lineno;
		if (c->user && names(&l, c->user, c->userlen, 0))
			s->flags |= NAMED_USER;
		if (c->fp && names(&l, c->fp, c->fplen, 1))
			s->flags |= NAMED_FP;
		if ((s->flags & need) == need && (!best->used || s->start >= best->start))
			*best = *s;
	}
	free(t.slot);
	return best->used;
}

/* ------------------------------------------------- pass 2: its pids */

static int
pid_find(const struct pids *s, long pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pid[i] == pid)
			return (int)i;
	return -1;
}

static void
pid_add(struct pids *s, long pid)
{
	if (pid_find(s, pid) < 0 && s->n < MAX_PIDS)
		s->pid[s->n++] = pid;
}

/* The sshd processes whose lines name the attempt's client, and the user
 * child its monitor announces (whose first lines may name no client).
 * Returns where the attempt ends: the next "Connection from" of the same
 * client address and port, or the end of the data. */
static size_t
find_pids(struct ctx *c, const struct conn *a, size_t from, struct pids *s)
{
	static const char child[] = "User child is on pid ";
	struct line l;
	size_t pos = from, off, n;

	while (next_line(c, &pos, &off, &n)) {
		if (!parse_line(c, off, n, &l))
			continue;
		if (l.conn && off > a->start && ours(a, &l))
			return off;
		if (l.pid < 0)
			continue;
		if (ours(a, &l))
			pid_add(s, l.pid);
		else if (pid_find(s, l.pid) >= 0 &&
		    starts(l.msg, l.msglen, child)) {
			const char *d = l.msg + sizeof(child) - 1;
			long v = 0;
			int nd = 0;

			for (; d < l.msg + l.msglen && is_digit(*d) && nd < 10; d++, nd++)
				v = v * 10 + (*d - '0');
			if (nd > 0 && nd < 10)
				pid_add(s, v);
		}
	}
	return c->len;
}

/* --------------------------------------------- pass 3: its lines */

static void
take(struct picks *k, struct pick p)
{
	if (!p.debug && k->nmain < AUTHLOG_MAX_LINES)
		k->main[k->nmain++] = p;
	else if (p.debug && k->ndebug < AUTHLOG_MAX_LINES)
		k->debug[k->ndebug++] = p;
}

static struct pick
pick_of(const struct line *l)
{
	struct pick p = { l->off, l->len, l->debug };

	return p;
}

static void
pend(struct picks *k, const struct line *l)
{
	if (k->npend == AUTHLOG_MAX_LINES) {
		k->pend_head = (k->pend_head + 1) % AUTHLOG_MAX_LINES;
		k->npend--;
	}
	k->pend[(k->pend_head + k->npend++) % AUTHLOG_MAX_LINES] = pick_of(l);
}

static void
flush(struct picks *k, int keep)
{
	for (size_t i = 0; keep && i < k->npend; i++)
		take(k, k->pend[(k->pend_head + i) % AUTHLOG_MAX_LINES]);
	k->npend = k->pend_head = 0;
}

/* Lines after which sshd says no more about a connection. */
static int
closing(const struct line *l)
{
	static const char *const says[] = { "Disconnected from ",
	    "Connection closed by ", "Connection reset by ",
	    "Received disconnect from ", "Timeout before authentication" };

	for (size_t i = 0; i < KA_ARRLEN(says); i++)
		if (memmem(l->msg, l->msglen, says[i], strlen(says[i])) != NULL)
			return 1;
	return 0;
}

/*
 * Lines with a pid belong to the attempt when their process serves it: one
 * of its pids, until that process names another client (pids are reused).
 * sshd -E lines carry no pid. They name the client when sshd knows it; the
 * ones that do not ("Accepted key ... found at", "Refused by key options")
 * come from the same process just before it names the client again, so
 * they wait for the next line that names one and go with it; before a
 * "Connection from" they go with the connection named last.
 */
static void
collect(struct ctx *c, const struct conn *a, size_t from, size_t end,
    struct pids *s, struct picks *k)
{
	struct line l;
	size_t pos = from, off, n;
	int last_ours = 0, closed = 0;

	while (k->nmain < AUTHLOG_MAX_LINES && next_line(c, &pos, &off, &n) && off < end) {
		if (!parse_line(c, off, n, &l))
			continue;
		if (l.pid >= 0) {
			int i = pid_find(s, l.pid);

			if (i < 0)
				continue;
			if (l.port != 0)
				s->gone[i] = !ours(a, &l);
			if (!s->gone[i])
				take(k, pick_of(&l));
			continue;
		}
		/* Without "Connection from" the lines just before the first
		 * one naming the client may be its own too. */
		if (off < a->start && a->started)
			continue;
		if (l.port == 0) {
			pend(k, &l);
			continue;
		}
		/* A new connection's first line is "Connection from": what waits
		 * before it came from the connection named last (a session's
		 * fatal "bad ownership or modes for chroot directory"). */
		if (l.conn)
			flush(k, last_ours && !closed);
		last_ours = ours(a, &l);
		flush(k, last_ours);
		if (last_ours) {
			take(k, pick_of(&l));
			closed = closing(&l);
		}
	}
	/* At the end of the data, lines after the connection's last named
	 * one are its own when nothing else came and it is still open. */
	flush(k, last_ours && !closed);
}

static int
by_off(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

size_t
authlog_attempt(const char *data, size_t len, const struct authlog_query *q,
    struct strlist *out)
{
	static const struct authlog_query none;
	struct ctx c;
	struct conn a;
	struct pids s;
	struct picks *k;
	struct pick all[AUTHLOG_MAX_LINES];
	size_t from, end, n = 0;

	if (data == NULL || out == NULL)
		return 0;
	if (q == NULL)
		q = &none;
	memset(&c, 0, sizeof(c));
	c.data = data;
	c.len = len;
	c.user = q->user && *q->user ? q->user : NULL;
	c.addr = q->addr && *q->addr ? q->addr : NULL;
	c.fp = q->fp && *q->fp ? q->fp : NULL;
	c.userlen = c.user ? strlen(c.user) : 0;
	c.addrlen = c.addr ? strlen(c.addr) : 0;
	c.fplen = c.fp ? strlen(c.fp) : 0;
	c.port = q->port;
	c.since = q->since;
	c.until = q->until;
	log_clock_init(&c.clock, q->now, q->zone);

	if (!find_attempt(&c, &a))
		return 0;
	/* Pid lines of the attempt's processes may come before the first line
	 * naming its client when sshd did not log "Connection from" (LogLevel
	 * INFO): then its pids are followed from the top. */
	from = a.started ? a.start : 0;
	memset(&s, 0, sizeof(s));
	end = find_pids(&c, &a, from, &s);
	k = xcalloc(1, sizeof(*k));
	collect(&c, &a, from, end, &s, k);

	for (size_t i = 0; i < k->nmain; i++)
		all[n++] = k->main[i];
	for (size_t i = 0; i < k->ndebug && n < AUTHLOG_MAX_LINES; i++)
		all[n++] = k->debug[i];
	qsort(all, n, sizeof(*all), by_off);
	for (size_t i = 0; i < n; i++)
		strlist_add_owned(out, str_printable(data + all[i].off, all[i].len));
	free(k);
	return n;
}
