/* htmlpage.h - the one page every HTML report is (scan, known-hosts, diff,
 * keys, preflight): the escape every host-supplied string goes through, the
 * head with its inline style and script (a Content-Security-Policy that
 * admits nothing else), the filter bar, and the markup conventions the
 * script filters and sorts by. The file stands alone: no network, no
 * external script, font or image.
 *
 * Conventions the script reads (all from the DOM, never from script data):
 *   .grp   a group (a host): data-host, data-idx (original order), data-worst
 *   .item  a row the filters show or hide: data-sev (0..4), data-check
 * Filters live in the URL fragment (#sev=high&check=ID&host=TEXT&sort=worst)
 * so a filtered view is a link. With scripting off everything shows. */
#ifndef KA_HTMLPAGE_H
#define KA_HTMLPAGE_H

#include <stdio.h>

#include "scanner/util.h"

/* s as HTML text or attribute value: first made printable (str_printable:
 * controls, bidi and invisible characters visible as \xNN / \uXXXX), then
 * & < > " ' as character references. NULL appends nothing. */
void html_escape(struct buf *b, const char *s);
/* The same for text that is printable already and whose backslashes must
 * stay as they are (report_fix_text: shell-quoted commands): str_terminal. */
void html_escape_terminal(struct buf *b, const char *s);
/* html_escape / html_escape_terminal written to out. */
void html_put(FILE *out, const char *s);
void html_put_terminal(FILE *out, const char *s);

/* The page up to the opening of its content: doctype, head (title, CSP,
 * viewport, style), the header and the filter bar: filters 0 none,
 * HTML_FILTERS severity, check, host and sort, HTML_FILTERS_NOSEV the same
 * without severity, the check being the row's kind (keys). */
#define HTML_FILTERS		1
#define HTML_FILTERS_NOSEV	2
void html_page_open(FILE *out, const char *title, const char *subtitle, int filters);
/* The inline script and the closing tags. */
void html_page_close(FILE *out);

/* "info" .. "critical" as a badge; sev < 0 writes "none". */
void html_sev_badge(FILE *out, int sev);

/* One finding as an .item (reports/html.c): check, severity, blocking,
 * user, path:line, message and fix, all escaped; is_new marks it "new". */
struct ka_finding;
void html_put_finding(FILE *out, const struct ka_finding *f, int is_new);

/* The Content-Security-Policy value the page carries (for tests). Caller
 * frees. */
char *html_page_csp(void);

#endif
