/* usagelog.c - the last use of each authorized key, from sshd's logs (see
 * usagelog.h).
 *
 * One pass, line by line, built for logs of gigabytes:
 *   - lines are split with memchr, and only those holding "Accepted " go
 *     further, found by one memmem over the whole buffer rather than one
 *     search per line;
 *   - every line's timestamp is read for the window, the previous line's
 *     minute cached (most lines share it);
 *   - a candidate's header (time, host, PROG[PID]) is checked by hand, and
 *     only then is its message matched, by PCRE2 patterns compiled and
 *     JIT-compiled once, with one match_data;
 *   - keys and authorized_keys names live in string maps (strmap.c) beside
 *     entries kept in blocks that never move; a line allocates only for a
 *     key or an authorized_keys name never seen before.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcre2.h>
#include <zlib.h>
/* USAGELOG_SCALAR: the portable path on SSE2 machines too, so the unit
 * tests run it (tests/unit/test_usagelog_scalar.c) */
#if defined(__SSE2__) && !defined(USAGELOG_SCALAR)
#define USAGELOG_SSE2 1
#include <emmintrin.h>
#endif

#include "scanner/parse/logclock.h"
#include "scanner/parse/usagelog.h"
#include "scanner/strmap.h"
#include "scanner/util.h"

#define FP_MAX		64	/* "SHA256:" and 43 digits; "MD5:" and 47 */
#define USER_MAX	100	/* the pattern's %.100s */
#define ADDR_MAX	64	/* an IPv6 address with a zone, and the NUL */
#define TYPE_MAX	33
#define BLOCK_SHIFT	10	/* entries per block: 1024 */
#define BLOCK_SIZE	((size_t)1 << BLOCK_SHIFT)
#define PEND_BUCKETS	1024	/* "Accepted key" lines waiting for their login */
#define PEND_WAYS	4
#define PEND_MAX_AGE	600	/* s: sshd logs both within the same second */
#define FILES_MAX	65536	/* distinct authorized_keys names kept */
#define FILES_BYTES	(16 << 20)
#define READ_CHUNK	(256 * 1024)
#define MATCH_LIMIT	100000	/* a real line needs a few hundred steps */

/* How sshd prints a fingerprint: SHA256 (6.8 on), MD5 with FingerprintHash
 * md5, and bare MD5 hex before 6.8. */
#define FP_RE	"(?:SHA256:[A-Za-z0-9+/]{43}|MD5(?::[0-9a-f]{2}){16}|" \
		"[0-9a-f]{2}(?::[0-9a-f]{2}){15})"
#define TYPE_RE	"[A-Z][A-Z0-9-]{0,31}"

/*
 * auth.c auth_log(): "Accepted publickey for USER from ADDR port N ssh2: "
 * then the key: "TYPE FP"; a certificate "TYPE FP ID KEYID (serial N) CA
 * TYPE CAFP" (8.2 on) or "TYPE ID KEYID (serial N) CA TYPE CAFP" (before);
 * then ", INFO" for a FIDO key's signature count. USER is %.100s (sshd
 * escapes control characters; none are let in), ADDR a numeric address. Groups: 1 user, 2 addr, 3 type, 4 key fp, 5 its CA's,
 * 6 the CA fp of the older certificate line.
 */
static const char re_pub_src[] =
    "Accepted publickey for ([^\\x00-\\x20\\x7f]{1,100}) from ([0-9A-Za-z.:%_-]{1,63}) "
    "port [0-9]{1,5} ssh2: (" TYPE_RE ") "
    "(?:(" FP_RE ")(?: ID .* \\(serial [0-9]+\\) CA " TYPE_RE " (" FP_RE "))?"
    "|ID .* \\(serial [0-9]+\\) CA " TYPE_RE " (" FP_RE "))"
    "(?:, .*)?\\z";
/* auth2-pubkeyfile.c (VERBOSE): 1 type, 2 fp, 3 file, 4 line. */
static const char re_key_src[] =
    "Accepted key (" TYPE_RE ") (" FP_RE ") found at (.{1,4096}):([0-9]{1,9})\\z";
/* The same for a certificate trusted by a cert-authority line (8.x on):
 * 1 the CA's fp, 2 file, 3 line. */
static const char re_cert_src[] =
    "Accepted certificate ID \".*\" \\(serial [0-9]+\\) signed by CA " TYPE_RE
    " (" FP_RE ") found at (.{1,4096}):([0-9]{1,9})\\z";

/* One key, numbered as its "user NUL fp" key in the keys map. */
struct ent {
	struct key_use k;
	char addr[ADDR_MAX];
	char type[TYPE_MAX];
};

/* What an "Accepted key ... found at" line said, until its login comes:
 * keyed by the sshd pid, or by the fingerprint in pid-less sshd -E. */
struct pend {
	uint64_t seq;		/* 0: free; else how recent */
	long pid;		/* -1: keyed by fp */
	int64_t t;
	const char *file;
	long line;
	size_t fplen;
	char fp[FP_MAX];
};

/* The sorted view; its own allocation so that the const readers can
 * rebuild it when keys were added. */
struct order {
	struct ent **v;
	size_t n;
};

struct usagelog {
	pcre2_code *re_pub, *re_key, *re_cert;
	int jit_pub, jit_key, jit_cert;
	pcre2_match_data *md;
	pcre2_match_context *mctx;

	/* a line split across feed calls: its start, or that it is too long */
	char tail[USAGELOG_MAX_LINE];
	size_t taillen;
	int skipping;

	struct log_clock clock;

	struct strmap keys;	/* "user NUL fp" as logged -> its ent */
	struct ent **blocks;
	size_t nblocks, n, max_keys;

	/* authorized_keys names, each kept once however many keys point at
	 * it: as logged in the map, printable in shown (same index) */
	struct strmap files;
	char **shown;
	size_t showncap, filebytes;

	struct pend (*pend)[PEND_WAYS];
	uint64_t seq;

	int64_t first, last;
	unsigned long lines, accepted, dropped;
	struct order *ord;
};

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

#ifdef USAGELOG_SSE2
/* The first n bytes (8 to 16) of a and b are equal: two overlapping 8-byte
 * loads, as memcmp with a length it does not know is a call. */
static int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y, z, w;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	memcpy(&z, a + n - 8, 8);
	memcpy(&w, b + n - 8, 8);
	return ((x ^ y) | (z ^ w)) == 0;
}
#endif

/* ------------------------------------------------------------ time */

/* The line's timestamp in *t: bytes used, or 0 when it has none. A time
 * before 1970 (a year 1013) is read as none: 0 means unknown. */
static size_t
stamp(struct usagelog *u, const char *p, size_t n, int64_t *t)
{
	size_t k = 0;

	if (n > 16 && p[3] == ' ')
		k = log_clock_syslog(&u->clock, p, n, t);
	else if (n > 21 && p[4] == '-')
		k = log_clock_iso(&u->clock, p, n, t);
	if (*t < 0)
		*t = 0;
	return k;
}

/* ------------------------------------------------------------ header */

/* A syslog tag "NAME[PID]: " or "NAME: " (NAME may be a path): bytes
 * used, or 0. */
static size_t
tag(const char *p, size_t n, long *pid, int *sshd)
{
	size_t i = 0, name = 0, end, nd = 0;
	long v = -1;

	for (; i < n && i < 256 && p[i] != '[' && p[i] != ' ' && p[i] != ':'; i++)
		if (p[i] == '/')
			name = i + 1;
	if (i == 0 || i >= n)
		return 0;
	end = i;
	if (p[i] == '[') {
		for (v = 0, i++; i < n && is_digit(p[i]) && nd < 10; i++, nd++)
			v = v * 10 + (p[i] - '0');
		if (nd == 0 || nd > 9 || i >= n || p[i] != ']')
			return 0;
		i++;
	}
	if (n - i < 2 || p[i] != ':' || p[i + 1] != ' ')
		return 0;
	*sshd = log_sshd_name(p + name, end - name);
	*pid = v;
	return i + 2;
}

/* -------------------------------------------------------------- keys */

static struct ent *
ent_at(const struct usagelog *u, size_t i)
{
	return &u->blocks[i >> BLOCK_SHIFT][i & (BLOCK_SIZE - 1)];
}

/* The entry of (user, fp), added when new; NULL when the table is full. */
static struct ent *
key_get(struct usagelog *u, const char *user, size_t ul, const char *fp, size_t fl)
{
	char key[USER_MAX + 1 + FP_MAX];
	size_t n = ul + 1 + fl, i;
	struct ent *e;

	if (n > sizeof(key))
		return NULL;
	memcpy(key, user, ul);
	key[ul] = '\0';
	memcpy(key + ul + 1, fp, fl);
	if ((i = strmap_find(&u->keys, key, n)) != STRMAP_NONE)
		return ent_at(u, i);
	if (u->n >= u->max_keys)
		return NULL;
	if ((u->n >> BLOCK_SHIFT) >= u->nblocks) {
		u->blocks = xreallocarray(u->blocks, u->nblocks + 1, sizeof(*u->blocks));
		u->blocks[u->nblocks++] = xcalloc(BLOCK_SIZE, sizeof(struct ent));
	}
	i = strmap_add(&u->keys, key, n, 0, NULL);	/* u->n: both count keys */
	e = ent_at(u, u->n++);
	e->k.user = str_printable(user, ul);
	/* the pattern lets only base64 and hex in */
	e->k.fp = strmap_at(&u->keys, i)->key + ul + 1;
	e->k.last_addr = e->addr;
	e->k.type = e->type;
	return e;
}

/* ------------------------------------------------ authorized_keys names */

/* The name kept for file (printable), NULL past the bounds. */
static const char *
file_get(struct usagelog *u, const char *file, size_t len)
{
	size_t i = strmap_find(&u->files, file, len);

	if (i != STRMAP_NONE)
		return u->shown[i];
	if (strmap_count(&u->files) >= FILES_MAX || u->filebytes + len > FILES_BYTES)
		return NULL;
	i = strmap_add(&u->files, file, len, 0, NULL);
	if (i >= u->showncap) {
		u->showncap = u->showncap ? u->showncap * 2 : 64;
		u->shown = xreallocarray(u->shown, u->showncap, sizeof(*u->shown));
	}
	u->shown[i] = str_printable(file, len);
	u->filebytes += len;
	return u->shown[i];
}

/* ------------------------------------------- "Accepted key" lines waiting */

static struct pend *
pend_slot(struct usagelog *u, long pid, const char *fp, size_t fl, int create)
{
	uint64_t h = pid >= 0 ? ((uint64_t)pid * 0x9e3779b97f4a7c15ULL) >> 32 :
	    strmap_hash(fp, fl);
	struct pend *b = u->pend[h & (PEND_BUCKETS - 1)], *free_ = NULL, *old = NULL;

	for (int i = 0; i < PEND_WAYS; i++) {
		if (b[i].seq == 0) {
			if (free_ == NULL)
				free_ = &b[i];
			continue;
		}
		if (pid >= 0 ? b[i].pid == pid : b[i].pid < 0 && b[i].fplen == fl &&
		    memcmp(b[i].fp, fp, fl) == 0)
			return &b[i];
		if (old == NULL || b[i].seq < old->seq)
			old = &b[i];
	}
	if (!create)
		return NULL;
	/* full: the oldest waiting goes, most likely a key offered and
	 * never used to log in */
	return free_ ? free_ : old;
}

static void
pend_put(struct usagelog *u, long pid, int64_t t, const char *fp, size_t fl,
    const char *file, size_t filelen, const char *line, size_t linelen)
{
	struct pend *s = pend_slot(u, pid, fp, fl, 1);
	long v = 0;

	for (size_t i = 0; i < linelen; i++)
		v = v * 10 + (line[i] - '0');	/* at most 9 digits */
	s->seq = ++u->seq;
	s->pid = pid;
	s->t = t;
	s->file = file_get(u, file, filelen);
	s->line = s->file ? v : 0;
	memcpy(s->fp, fp, fl);
	s->fplen = fl;
}

static int
sha256(const char *fp, size_t fl)
{
	return fl > 7 && memcmp(fp, "SHA256:", 7) == 0;
}

/* The "Accepted key" line a login goes with: the same process's (its
 * fingerprint can differ only in hash when FingerprintHash md5 made the
 * login line MD5), or without pids the last one naming its key. Taken:
 * sshd logs it again for the next login. */
static struct pend *
pend_take(struct usagelog *u, long pid, int64_t t, const char *fp, size_t fl)
{
	struct pend *s = pend_slot(u, pid, fp, fl, 0);

	if (s == NULL)
		return NULL;
	s->seq = 0;
	if (s->fplen != fl || memcmp(s->fp, fp, fl) != 0) {
		if (pid < 0 || sha256(s->fp, s->fplen) == sha256(fp, fl))
			return NULL;
	}
	if (t != 0 && s->t != 0 && (t - s->t > PEND_MAX_AGE || s->t - t > PEND_MAX_AGE))
		return NULL;
	return s;
}

/* ------------------------------------------------------------ lines */

static int
re_match(struct usagelog *u, pcre2_code *re, int jit, const char *m, size_t mn)
{
	if (jit)
		return pcre2_jit_match(re, (PCRE2_SPTR)m, mn, 0, 0, u->md, u->mctx) > 0;
	return pcre2_match(re, (PCRE2_SPTR)m, mn, 0, 0, u->md, u->mctx) > 0;
}

#define GROUP(ov, i, m, p, n) do {					\
	if ((ov)[2 * (i)] == PCRE2_UNSET) {				\
		(p) = NULL;						\
		(n) = 0;						\
	} else {							\
		(p) = (m) + (ov)[2 * (i)];				\
		(n) = (ov)[2 * (i) + 1] - (ov)[2 * (i)];		\
	}								\
} while (0)

static void
accepted(struct usagelog *u, const char *m, size_t mn, long pid, int64_t t)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
	const char *user, *addr, *type, *fp, *cafp, *oldca, *pair;
	size_t ul, al, tl, fl, cal, oldl, pl;
	const struct pend *w;
	struct ent *e;

	if (!re_match(u, u->re_pub, u->jit_pub, m, mn))
		return;
	GROUP(ov, 1, m, user, ul);
	GROUP(ov, 2, m, addr, al);
	GROUP(ov, 3, m, type, tl);
	GROUP(ov, 4, m, fp, fl);
	GROUP(ov, 5, m, cafp, cal);
	GROUP(ov, 6, m, oldca, oldl);
	if (fp == NULL) {
		/* before 8.2 a certificate's line named only its CA */
		fp = oldca;
		fl = oldl;
		cafp = oldca;
		cal = oldl;
	}
	/* a certificate is vouched for by its CA's line */
	pair = cafp ? cafp : fp;
	pl = cafp ? cal : fl;
	w = pend_take(u, pid, t, pair, pl);
	u->accepted++;
	if ((e = key_get(u, user, ul, fp, fl)) == NULL) {
		u->dropped++;
		return;
	}
	e->k.count++;
	/* a later login, or the first; without times the later line */
	if (e->k.count > 1 && t < e->k.last)
		return;
	e->k.last = t;
	memcpy(e->addr, addr, al);
	e->addr[al] = '\0';
	memcpy(e->type, type, tl);
	e->type[tl] = '\0';
	e->k.cert = cafp != NULL || (tl > 5 && memcmp(type + tl - 5, "-CERT", 5) == 0);
	e->k.file = w ? (char *)w->file : NULL;
	e->k.line = w && w->file ? w->line : 0;
}

static void
found_at(struct usagelog *u, pcre2_code *re, int jit, int fpg, const char *m,
    size_t mn, long pid, int64_t t)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
	const char *fp, *file, *line;
	size_t fl, filel, linel;

	if (!re_match(u, re, jit, m, mn))
		return;
	GROUP(ov, fpg, m, fp, fl);
	GROUP(ov, fpg + 1, m, file, filel);
	GROUP(ov, fpg + 2, m, line, linel);
	pend_put(u, pid, t, fp, fl, file, filel, line, linel);
}

static int
starts(const char *p, size_t n, const char *prefix, size_t k)
{
	return n >= k && memcmp(p, prefix, k) == 0;
}

#define STARTS(p, n, lit)	starts((p), (n), (lit), sizeof(lit) - 1)

/* A line that holds "Accepted " somewhere (k bytes of timestamp, time t):
 * sshd's own, and one of the messages counted? */
static void
candidate(struct usagelog *u, const char *p, size_t n, size_t k, int64_t t)
{
	const char *m = p + k, *sp;
	size_t mn = n - k, h;
	long pid = -1;
	int sshd = 0;

	if (k > 0) {
		/* "HOST TAG: msg", or "TAG: msg" when nothing added a host */
		if ((h = tag(m, mn, &pid, &sshd)) == 0) {
			if ((sp = memchr(m, ' ', mn)) == NULL)
				return;
			mn -= (size_t)(sp + 1 - m);
			m = sp + 1;
			if ((h = tag(m, mn, &pid, &sshd)) == 0)
				return;
		}
	} else if ((h = tag(m, mn, &pid, &sshd)) == 0)
		sshd = 1;	/* sshd -E: the message alone */
	if (!sshd)
		return;
	m += h;
	mn -= h;
	if (!STARTS(m, mn, "Accepted ") ||
	    (mn >= 10 && memcmp(m + mn - 10, " [preauth]", 10) == 0))
		return;
	if (STARTS(m, mn, "Accepted publickey for "))
		accepted(u, m, mn, pid, t);
	else if (STARTS(m, mn, "Accepted key "))
		found_at(u, u->re_key, u->jit_key, 2, m, mn, pid, t);
	else if (STARTS(m, mn, "Accepted certificate ID "))
		found_at(u, u->re_cert, u->jit_cert, 1, m, mn, pid, t);
}

/* One line without its newline; cand: it holds "Accepted ". */
static void
one_line(struct usagelog *u, const char *p, size_t n, int cand)
{
	int64_t t = 0;
	size_t k;

	u->lines++;
	if (n > USAGELOG_MAX_LINE)
		return;
	/* sshd -E ends every line with CRLF */
	while (n > 0 && p[n - 1] == '\r')
		n--;
	if ((k = stamp(u, p, n, &t)) != 0 && t != 0) {
		if (u->first == 0 || t < u->first)
			u->first = t;
		if (t > u->last)
			u->last = t;
	}
	if (cand)
		candidate(u, p, n, k, t);
}

static const char needle[] = "Accepted ";
#define NEEDLE_LEN	(sizeof(needle) - 1)

/* The first "Accepted " in p..end, or end. Most of a log is other lines,
 * so this is the loop that sees every byte: with SSE2, 16 positions at a
 * time are tested for its 'A' and its 'p' (4 on) before any comparison,
 * three times as fast as glibc's memmem; elsewhere memmem. */
static const char *
find_accepted(const char *p, const char *end)
{
	const char *hit;
#ifdef USAGELOG_SSE2
	const __m128i a = _mm_set1_epi8('A'), pp = _mm_set1_epi8('p');

	while (end - p >= 32) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(y, pp)));

		for (; m != 0; m &= m - 1) {
			hit = p + __builtin_ctz(m);
			if (same(hit, needle, NEEDLE_LEN))
				return hit;
		}
		p += 16;
	}
#endif
	hit = memmem(p, (size_t)(end - p), needle, NEEDLE_LEN);
	return hit ? hit : end;
}

#ifdef USAGELOG_SSE2
/*
 * The lines of data..end as one pass: each 16 bytes are tested once for
 * newlines and for "Accepted "'s 'A' and 'p' together, and the bits taken
 * in order, so a line is cut and known a candidate without a memchr call
 * per line (a hundred bytes each: the call cost more than the search) and
 * without a second pass for the needle. The lines it cut, up to *stop;
 * the rest (under 20 bytes, or a line still open) goes to scan()'s loop.
 */
static const char *
scan_sse2(struct usagelog *u, const char *data, const char *end)
{
	const __m128i nlv = _mm_set1_epi8('\n'), a = _mm_set1_epi8('A'),
	    pp = _mm_set1_epi8('p');
	const char *p = data, *line = data;
	int cand = 0;

	for (; end - p >= 20; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
		unsigned nm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nlv));
		unsigned am = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(y, pp)));

		for (unsigned m = nm | am; m != 0; m &= m - 1) {
			unsigned bit = m & -m;
			const char *q = p + __builtin_ctz(m);

			if (nm & bit) {
				one_line(u, line, (size_t)(q - line), cand);
				line = q + 1;
				cand = 0;
			} else if (!cand && end - q >= (ptrdiff_t)NEEDLE_LEN &&
			    same(q, needle, NEEDLE_LEN))
				cand = 1;
		}
	}
	return line;
}
#endif

/* The complete lines at the start of data: how many bytes they took. One
 * memmem finds the next candidate for all the lines before it. */
static size_t
scan(struct usagelog *u, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl, *hit;

#ifdef USAGELOG_SSE2
	p = scan_sse2(u, data, end);
#endif
	hit = find_accepted(p, end);
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		int cand = hit < nl;

		one_line(u, p, (size_t)(nl - p), cand);
		p = nl + 1;
		if (cand)
			hit = find_accepted(p, end);
	}
	return (size_t)(p - data);
}

/* The line kept across calls is complete (keep) or cut short (dropped). */
void
usagelog_break(struct usagelog *u, int keep)
{
	if (u->skipping)
		u->lines++;
	else if (u->taillen > 0 && keep)
		one_line(u, u->tail, u->taillen,
		    find_accepted(u->tail, u->tail + u->taillen) < u->tail + u->taillen);
	u->taillen = 0;
	u->skipping = 0;
}

/* Bytes of a line whose newline has not come yet. */
static void
tail_add(struct usagelog *u, const char *p, size_t n)
{
	if (u->skipping)
		return;
	if (n > sizeof(u->tail) - u->taillen) {
		u->skipping = 1;
		u->taillen = 0;
		return;
	}
	memcpy(u->tail + u->taillen, p, n);
	u->taillen += n;
}

void
usagelog_feed(struct usagelog *u, const char *data, size_t len)
{
	const char *nl;
	size_t used;

	if (u == NULL || data == NULL || len == 0)
		return;
	if (u->taillen > 0 || u->skipping) {
		if ((nl = memchr(data, '\n', len)) == NULL) {
			tail_add(u, data, len);
			return;
		}
		tail_add(u, data, (size_t)(nl - data));
		usagelog_break(u, 1);
		len -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	used = scan(u, data, len);
	if (used < len)
		tail_add(u, data + used, len - used);
}

void
usagelog_end(struct usagelog *u)
{
	if (u != NULL)
		usagelog_break(u, 1);
}

/* ------------------------------------------------------------ files */

/* ------------------------------------------------------------ setup */

static pcre2_code *
compile(const char *src, int *jit)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	    PCRE2_ANCHORED | PCRE2_DOTALL, &errcode, &erroff, NULL);

	if (re == NULL)	/* the patterns are constants: only a broken build gets here */
		ka_fatal("usagelog: a built-in pattern does not compile");
	*jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	return re;
}

struct usagelog *
usagelog_new(int64_t now)
{
	struct usagelog *u = xcalloc(1, sizeof(*u));

	log_clock_init(&u->clock, now, NULL);
	strmap_init(&u->keys, 0);
	strmap_init(&u->files, 0);
	u->max_keys = USAGELOG_MAX_KEYS;
	u->re_pub = compile(re_pub_src, &u->jit_pub);
	u->re_key = compile(re_key_src, &u->jit_key);
	u->re_cert = compile(re_cert_src, &u->jit_cert);
	u->md = pcre2_match_data_create(10, NULL);
	u->mctx = pcre2_match_context_create(NULL);
	if (u->md == NULL || u->mctx == NULL)
		ka_fatal("out of memory");
	pcre2_set_match_limit(u->mctx, MATCH_LIMIT);
	u->pend = xcalloc(PEND_BUCKETS, sizeof(*u->pend));
	u->ord = xcalloc(1, sizeof(*u->ord));
	return u;
}

static int
by_user_fp(const void *a, const void *b)
{
	const struct ent *x = *(struct ent *const *)a, *y = *(struct ent *const *)b;
	int c = strcmp(x->k.user, y->k.user);

	return c ? c : strcmp(x->k.fp, y->k.fp);
}

/* The sorted view, rebuilt when keys were added since. */
static struct order *
order(const struct usagelog *u)
{
	struct order *o = u->ord;

	if (o->n != u->n) {
		o->v = xreallocarray(o->v, u->n ? u->n : 1, sizeof(*o->v));
		for (size_t i = 0; i < u->n; i++)
			o->v[i] = ent_at(u, i);
		qsort(o->v, u->n, sizeof(*o->v), by_user_fp);
		o->n = u->n;
	}
	return o;
}

size_t
usagelog_count(const struct usagelog *u)
{
	return u ? u->n : 0;
}

const struct key_use *
usagelog_at(const struct usagelog *u, size_t i)
{
	if (u == NULL || i >= u->n)
		return NULL;
	return &order(u)->v[i]->k;
}

const struct key_use *
usagelog_find(const struct usagelog *u, const char *user, const char *fp)
{
	size_t lo = 0, hi = usagelog_count(u);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct key_use *k = usagelog_at(u, mid);
		int c = strcmp(user, k->user);

		if (c == 0)
			c = strcmp(fp, k->fp);
		if (c == 0)
			return k;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void
usagelog_window(const struct usagelog *u, int64_t *first, int64_t *last,
    unsigned long *lines, unsigned long *accepted_)
{
	static const struct usagelog none;

	if (u == NULL)
		u = &none;
	if (first)
		*first = u->first;
	if (last)
		*last = u->last;
	if (lines)
		*lines = u->lines;
	if (accepted_)
		*accepted_ = u->accepted;
}

void
usagelog_set_max_keys(struct usagelog *u, size_t max)
{
	if (u != NULL)
		u->max_keys = max < USAGELOG_MAX_KEYS ? max : USAGELOG_MAX_KEYS;
}

unsigned long
usagelog_dropped(const struct usagelog *u)
{
	return u ? u->dropped : 0;
}

void
usagelog_free(struct usagelog *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n; i++)
		free(ent_at(u, i)->k.user);
	for (size_t i = 0; i < u->nblocks; i++)
		free(u->blocks[i]);
	free(u->blocks);
	strmap_free(&u->keys);
	for (size_t i = 0; i < strmap_count(&u->files); i++)
		free(u->shown[i]);
	free(u->shown);
	strmap_free(&u->files);
	free(u->pend);
	free(u->ord->v);
	free(u->ord);
	pcre2_code_free(u->re_pub);
	pcre2_code_free(u->re_key);
	pcre2_code_free(u->re_cert);
	pcre2_match_data_free(u->md);
	pcre2_match_context_free(u->mctx);
	free(u);
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

void
usagelog_set_zone(struct usagelog *u, int64_t (*zone)(int64_t))
{
	log_clock_init(&u->clock, u->clock.now, zone);
}
