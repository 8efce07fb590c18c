/* util.h - allocation that never returns NULL, a growable byte buffer, and a
 * few string helpers shared by every part of keyaudit. */
#ifndef KA_UTIL_H
#define KA_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define KA_ARRLEN(a) (sizeof(a) / sizeof((a)[0]))

/* An error keyaudit does not survive (out of memory, a broken build; the
 * one exit of the model, parsers and checks): the fatal hook runs (it
 * removes temporary files: scanner/cli/outfile.c), then one line on stderr
 * and exit 3. The x* functions below call it. */
void ka_fatal(const char *msg) __attribute__((noreturn));
void ka_on_fatal(void (*fn)(void));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Growable byte buffer; always NUL-terminated so text can be used directly. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_steal(struct buf *b);

/* A growable array of owned strings. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};
void strlist_add(struct strlist *l, const char *s);
void strlist_add_owned(struct strlist *l, char *s);
int strlist_has(const struct strlist *l, const char *s);
/* The list's copy of s, added when absent (stable for the list's life). */
const char *strlist_intern(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* Text safe to show on a terminal or in a report, and that reads as the
 * bytes it is: C0 controls, DEL, C1 controls and bytes that are not UTF-8
 * become \xNN; characters that are invisible or reorder what follows them
 * (bidi embeddings, overrides, isolates and marks, U+2028/U+2029, zero-width
 * and filler characters, tags; util.c lists them) become \uXXXX or
 * \UXXXXXXXX; a backslash becomes \\. Every output of keyaudit a person may
 * read (terminal, text, JSON, XML, CSV, comments in a fix script) shows text
 * from hosts, inventories and users through this. Caller frees. */
char *str_printable(const char *s, size_t len);
/* The same escaping, but a backslash stays as it is: for a whole message
 * (an error line for stderr) whose parts may have been made printable
 * already, which therefore pass unchanged. Caller frees. */
char *str_terminal(const char *s);
/* 1 when str_printable would change nothing but backslashes: the text shows
 * on a terminal as what it is. */
int str_shows_as_is(const char *s, size_t len);
int str_has_control(const char *s, size_t len);

/* One line on stderr: the formatted text through str_terminal, then a
 * newline. Error messages name what the user, an inventory or a host gave
 * (arguments, inventory lines, banners, paths), so none may drive the
 * terminal or break the line in two; parts made printable already pass
 * unchanged. */
void ka_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One CSV cell (RFC 4180: quoted when it holds a comma, a quote or a line
 * break, quotes doubled) appended to b, with a leading apostrophe when a
 * spreadsheet would read it as a formula: it starts with =, +, -, @, TAB or
 * CR (OWASP, "CSV injection"). s is shown as given (make it printable
 * first); NULL is an empty cell. */
void csv_cell(struct buf *b, const char *s);

/* Single-quote a string for a POSIX shell command shown as a suggested fix. */
char *shell_quote(const char *s);

/* The value of one base64 digit, or -1. */
int base64_value(int c);
/* Standard base64; returns decoded length or -1 when the input is not valid. */
long base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap);
char *base64_encode(const unsigned char *in, size_t len);

/* "SHA256:..." as ssh-keygen -l prints it (unpadded base64). */
char *fingerprint_sha256(const unsigned char *blob, size_t len);

int utf8_valid(const char *s, size_t len);


/* t (seconds since 1970, UTC) as "YYYY-MM-DD" in out, or "?" when t is not
 * after 1970 or not a date. The one date format reports and messages use. */
void ymd_str(int64_t t, char out[16]);

/* "YYYY-MM-DD" (a real date, 1970 or later) as days since 1970-01-01, or
 * -1. For registry and baseline dates. */
int64_t ymd_days(const char *s);

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1-12); a day
 * past the month's end carries forward as timegm normalises it. For
 * authorized_keys expiry-time and log timestamps. */
int64_t days_from_civil(int64_t y, int m, int d);

#endif
