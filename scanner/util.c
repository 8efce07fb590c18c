/* util.c - allocation, buffers, string lists, printable escaping, base64 and
 * fingerprints: the small pieces every other file leans on. Allocation failure
 * is the one error keyaudit does not try to survive (exit 3). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/sha.h>

#include "scanner/util.h"

static void (*fatal_hook)(void);

void
ka_on_fatal(void (*fn)(void))
{
	fatal_hook = fn;
}

void
ka_fatal(const char *msg)
{
	/* before anything else: the hook (outfile.c) removes temporary files,
	 * and must not depend on exit handlers that may allocate */
	if (fatal_hook != NULL)
		fatal_hook();
	fprintf(stderr, "keyaudit: %s\n", msg);
	exit(3);
}

static void
oom(void)
{
	ka_fatal("out of memory");
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		oom();
	return xrealloc(p, n * sz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
	b->data[b->len] = '\0';	/* buf_steal() after a bare reserve */
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;
	buf_append(b, &ch, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

char *
buf_steal(struct buf *b)
{
	char *p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	buf_init(b);
	return p;
}

void
strlist_add_owned(struct strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void
strlist_add(struct strlist *l, const char *s)
{
	strlist_add_owned(l, xstrdup(s));
}

const char *
strlist_intern(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return l->v[i];
	strlist_add(l, s);
	return l->v[l->n - 1];
}

int
strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), its code point in *cpp,
 * or 0 when it is not one. */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cpp)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80) {
		*cpp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpp = cp;
	return n;
}

/* Length of the valid UTF-8 sequence at s, or 0; C1 controls (U+0080..
 * U+009F) count as invalid: they act as escapes on some terminals. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	if (n == 0 || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

/*
 * Characters that are valid text but change how the text around them is
 * shown without being seen themselves, so a name holding one reads as a
 * different name (CVE-2021-42574, "Trojan Source"): the bidi embeddings,
 * overrides, isolates and marks reorder what follows, U+2028/U+2029 break
 * the line in editors and some terminals (one error line shown as two),
 * and the zero-width, filler and tag characters make two different names
 * look the same. None belongs in an account, a path, a host or a key
 * comment that someone must read right, so all are shown as \uXXXX. Joiners
 * in emoji and Persian text are escaped too: being readable as what the
 * bytes are matters more here than the glyph.
 */
static int
cp_invisible(uint32_t cp)
{
	return cp == 0x00ad ||			/* soft hyphen */
	    cp == 0x034f ||			/* combining grapheme joiner */
	    cp == 0x061c ||			/* arabic letter mark */
	    cp == 0x115f || cp == 0x1160 ||	/* hangul fillers */
	    cp == 0x180e ||			/* mongolian vowel separator */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* line/para separators, LRE..RLO */
	    (cp >= 0x2060 && cp <= 0x206f) ||	/* word joiner, LRI..PDI, deprecated */
	    cp == 0x3164 || cp == 0xffa0 ||	/* hangul fillers */
	    cp == 0xfeff ||			/* zero width no-break space, BOM */
	    (cp >= 0xfff9 && cp <= 0xfffb) ||	/* interlinear annotation */
	    (cp >= 0xe0000 && cp <= 0xe007f);	/* tags */
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] == 0)
			return 0;
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
str_has_control(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 1;
		i += n;
	}
	return 0;
}

/* The escaping behind str_printable (bs: a backslash is doubled, so the
 * output reads back unambiguously) and str_terminal (bs 0: text that was
 * escaped already passes unchanged). */
static char *
escape(const char *s, size_t len, int bs)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, n;
	uint32_t cp;

	buf_init(&b);
	buf_reserve(&b, len);
	while (i < len) {
		if (p[i] == '\\' && bs) {
			buf_puts(&b, "\\\\");
			i++;
			continue;
		}
		if (p[i] >= 0x20 && p[i] != 0x7f && (n = utf8_seq(p + i, len - i)) != 0) {
			(void)utf8_decode(p + i, len - i, &cp);
			if (cp_invisible(cp))
				buf_printf(&b, cp > 0xffff ? "\\U%08x" : "\\u%04x",
				    (unsigned)cp);
			else
				buf_append(&b, p + i, n);
			i += n;
			continue;
		}
		buf_printf(&b, "\\x%02x", p[i]);
		i++;
	}
	return buf_steal(&b);
}

char *
str_printable(const char *s, size_t len)
{
	return escape(s, len, 1);
}

char *
str_terminal(const char *s)
{
	return escape(s, strlen(s), 0);
}

int
str_shows_as_is(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f || (n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		(void)utf8_decode(p + i, len - i, &cp);
		if (cp_invisible(cp))
			return 0;
		i += n;
	}
	return 1;
}

/* OWASP's CSV injection advice: a cell a spreadsheet would read as a
 * formula (=, +, -, @) or whose leading TAB/CR it would strip before doing
 * so gets a leading apostrophe, which spreadsheets show as text and hide. */
static int
csv_formula_start(int c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void
csv_cell(struct buf *b, const char *s)
{
	int quote;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\n\r") != NULL || csv_formula_start((unsigned char)*s);
	if (quote)
		buf_putc(b, '"');
	if (csv_formula_start((unsigned char)*s))
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

void
ka_eprintf(const char *fmt, ...)
{
	va_list ap;
	char *m, *t;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	t = str_terminal(m);
	fprintf(stderr, "%s\n", t);
	free(t);
	free(m);
}

char *
shell_quote(const char *s)
{
	struct buf b;
	int plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-+:@%,=", *p)))
			plain = 0;
	if (plain)
		return xstrdup(s);
	buf_init(&b);
	buf_putc(&b, '\'');
	for (const char *p = s; *p; p++) {
		/* '"'"', not '\'': every report shows a command through
		 * str_printable, which doubles a backslash, and '\\'' pasted
		 * into a shell ends the quoting (a home named q'`cmd` ran cmd) */
		if (*p == '\'')
			buf_puts(&b, "'\"'\"'");
		else
			buf_putc(&b, *p);
	}
	buf_putc(&b, '\'');
	return buf_steal(&b);
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t o = 0, i, pad = 0;
	int bits = 0, v;

	for (i = 0; i < inlen; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1;
		if ((v = base64_value((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (pad > 2 || (inlen % 4 != 0 && pad != 0))
		return -1;
	if (bits >= 6)
		return -1;
	return (long)o;
}

char *
base64_encode(const unsigned char *in, size_t len)
{
	char *out = xmalloc(((len + 2) / 3) * 4 + 1);
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
		out[o++] = b64chars[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

char *
fingerprint_sha256(const unsigned char *blob, size_t len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *b64, *fp;
	size_t n;

	SHA256(blob, len, md);
	b64 = base64_encode(md, sizeof(md));
	n = strlen(b64);
	while (n > 0 && b64[n - 1] == '=')
		b64[--n] = '\0';
	fp = xasprintf("SHA256:%s", b64);
	free(b64);
	return fp;
}


int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + (d - 1);
}


void
ymd_str(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		memcpy(out, "?", 2);
}

int64_t
ymd_days(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	return days_from_civil(y, m, d);
}
