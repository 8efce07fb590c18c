/* junit.c - JUnit XML for CI (DESIGN.md "JUnit"; validates against
 * junit-10.xsd): one <testsuite> per host, one <testcase> per check and
 * subject with a <failure> per finding, a passing <testcase> for each check
 * that ran and found nothing, <skipped> where a check could not run, and
 * <error> for a host that could not be scanned. A suite's counts are
 * attributes written before its testcases, so they are counted from the
 * host result first; nothing is kept between hosts. */
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "reports/report.h"

struct report {
	FILE *out;
	xmlTextWriterPtr w;
	int failed;
};

/* Text XML 1.0 can carry: str_printable already leaves only printable
 * ASCII and valid UTF-8 without C0/C1 controls; U+FFFE and U+FFFF are
 * valid UTF-8 but not XML characters, so they are escaped the same way. */
static char *
xml_clean(const char *s)
{
	char *p = str_printable(s, strlen(s));
	struct buf b;

	if (strstr(p, "\xef\xbf\xbe") == NULL && strstr(p, "\xef\xbf\xbf") == NULL)
		return p;
	buf_init(&b);
	for (const char *c = p; *c; c++) {
		if ((unsigned char)c[0] == 0xef && (unsigned char)c[1] == 0xbf &&
		    ((unsigned char)c[2] == 0xbe || (unsigned char)c[2] == 0xbf)) {
			buf_printf(&b, "\\xef\\xbf\\x%02x", (unsigned char)c[2]);
			c += 2;
		} else
			buf_putc(&b, *c);
	}
	free(p);
	return buf_steal(&b);
}

static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)s;
}

static int
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *v = xml_clean(value);
	int rc = xmlTextWriterWriteAttribute(w, X(name), X(v));

	free(v);
	return rc < 0 ? -1 : 0;
}

static int
attrf(xmlTextWriterPtr w, const char *name, size_t n)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", n);
	return xmlTextWriterWriteAttribute(w, X(name), X(num)) < 0 ? -1 : 0;
}

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);

	(void)o;
	r->out = out;
	if (ob == NULL || (r->w = xmlNewTextWriter(ob)) == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		r->failed = 1;
		return r;
	}
	xmlTextWriterSetIndent(r->w, 1);
	xmlTextWriterSetIndentString(r->w, X("  "));
	if (xmlTextWriterStartDocument(r->w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(r->w, X("testsuites")) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, X("name"), X("keyaudit")) < 0)
		r->failed = 1;
	return r;
}

/* "alice /home/alice/.ssh/authorized_keys:3", or whatever part applies. */
static char *
subject_of(const struct ka_finding *f, const char *target)
{
	struct buf b;

	buf_init(&b);
	if (f->user != NULL)
		buf_puts(&b, f->user);
	if (f->path != NULL) {
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, f->path);
		if (f->line > 0)
			buf_printf(&b, ":%ld", f->line);
	} else if (f->line > 0)
		buf_printf(&b, "%sline %ld", b.len ? " " : "", f->line);
	if (b.len == 0)
		buf_puts(&b, target);
	return buf_steal(&b);
}

static int
str_cmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Findings grouped by check and subject, report order kept inside a group
 * (the pointers point into one array, so their order is that order). */
static int
subject_cmp(const void *pa, const void *pb)
{
	const struct ka_finding *a = *(const struct ka_finding *const *)pa;
	const struct ka_finding *b = *(const struct ka_finding *const *)pb;
	int c;

	if ((c = strcmp(a->rule->id, b->rule->id)) != 0 ||
	    (c = str_cmp_null(a->user, b->user)) != 0 ||
	    (c = str_cmp_null(a->path, b->path)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int
same_subject(const struct ka_finding *a, const struct ka_finding *b)
{
	return strcmp(a->rule->id, b->rule->id) == 0 &&
	    str_cmp_null(a->user, b->user) == 0 &&
	    str_cmp_null(a->path, b->path) == 0 && a->line == b->line;
}

static int
write_failure(xmlTextWriterPtr w, const struct ka_finding *f, const char *subject)
{
	struct buf text;
	char *s, *fix;
	int rc = 0;

	buf_init(&text);
	buf_printf(&text, "[%s] %s %s%s\n", severity_name(f->severity), f->rule->id,
	    subject, f->blocks_login ? " (blocks key login)" : "");
	buf_puts(&text, f->message);
	if ((fix = remedy_text(&f->remedy)) != NULL) {
		buf_puts(&text, "\nfix: ");
		buf_puts(&text, fix);
		free(fix);
	}
	if (f->key_fp != NULL) {
		buf_puts(&text, "\nkey: ");
		buf_puts(&text, f->key_fp);
	}
	/* Each part is cleaned on its own so the newlines stay newlines. */
	if (xmlTextWriterStartElement(w, X("failure")) < 0 ||
	    attr(w, "message", f->message) < 0 ||
	    attr(w, "type", severity_name(f->severity)) < 0)
		rc = -1;
	for (char *line = text.data, *nl; rc == 0 && line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		s = xml_clean(line);
		if (xmlTextWriterWriteString(w, X(s)) < 0 ||
		    (nl != NULL && xmlTextWriterWriteString(w, X("\n")) < 0))
			rc = -1;
		free(s);
	}
	if (xmlTextWriterEndElement(w) < 0)
		rc = -1;
	buf_free(&text);
	return rc;
}

static int
rule_has_finding(const struct ka_host_result *h, const struct ka_rule *rule)
{
	for (size_t i = 0; i < h->nfindings; i++)
		if (h->findings[i].rule == rule ||
		    strcmp(h->findings[i].rule->id, rule->id) == 0)
			return 1;
	return 0;
}

/* Findings in testcase order: grouped by check and subject. Returns the
 * number of groups (testcases with failures). Caller frees *out. */
static size_t
group_findings(const struct ka_host_result *h, const struct ka_finding ***out)
{
	const struct ka_finding **v = xcalloc(h->nfindings, sizeof(*v));
	size_t groups = 0;

	for (size_t i = 0; i < h->nfindings; i++)
		v[i] = &h->findings[i];
	if (h->nfindings > 1)
		qsort(v, h->nfindings, sizeof(*v), subject_cmp);
	for (size_t i = 0; i < h->nfindings; i++)
		if (i == 0 || !same_subject(v[i - 1], v[i]))
			groups++;
	*out = v;
	return groups;
}

static int
all_baselined(const struct ka_finding **v, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (v[k]->baselined == NULL)
			return 0;
	return 1;
}

static int
write_cases(xmlTextWriterPtr w, const struct ka_host_result *h,
    const struct ka_finding **v)
{
	size_t i, j;
	int rc = 0;

	if (h->status != HOST_SCANNED &&
	    (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
	    attr(w, "classname", "keyaudit.host") < 0 ||
	    attr(w, "name", h->target) < 0 ||
	    xmlTextWriterStartElement(w, X("error")) < 0 ||
	    attr(w, "message", h->error ? h->error : host_status_name(h->status)) < 0 ||
	    attr(w, "type", host_status_name(h->status)) < 0 ||
	    xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0))
		rc = -1;

	for (i = 0; i < h->nfindings && rc == 0; i = j) {
		char *subject = subject_of(v[i], h->target);

		if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
		    attr(w, "classname", v[i]->rule->id) < 0 ||
		    attr(w, "name", subject) < 0)
			rc = -1;
		for (j = i; j < h->nfindings && same_subject(v[i], v[j]); j++)
			if (rc == 0 && v[j]->baselined == NULL)
				rc = write_failure(w, v[j], subject);
		/* every finding of the case accepted by the baseline: skipped,
		 * so CI shows it without failing */
		if (rc == 0 && all_baselined(v, i, j) &&
		    (xmlTextWriterStartElement(w, X("skipped")) < 0 ||
		    attr(w, "message", v[i]->baselined) < 0 ||
		    xmlTextWriterEndElement(w) < 0))
			rc = -1;
		if (xmlTextWriterEndElement(w) < 0)
			rc = -1;
		free(subject);
	}

	for (i = 0; i < h->nran && rc == 0; i++) {
		if (rule_has_finding(h, h->ran[i]))
			continue;
		if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
		    attr(w, "classname", h->ran[i]->id) < 0 ||
		    attr(w, "name", h->target) < 0 || xmlTextWriterEndElement(w) < 0)
			rc = -1;
	}

	for (i = 0; i < h->nskips && rc == 0; i++) {
		const struct ka_skip *s = &h->skips[i];
		if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
		    attr(w, "classname", s->rule ? s->rule->id : "keyaudit") < 0 ||
		    attr(w, "name", s->subject ? s->subject : h->target) < 0 ||
		    xmlTextWriterStartElement(w, X("skipped")) < 0 ||
		    attr(w, "message", s->reason) < 0 ||
		    xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0)
			rc = -1;
	}
	return rc;
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	const struct ka_finding **v;
	size_t groups, passed = 0, errors = h->status != HOST_SCANNED, accepted = 0;
	char tbuf[32];

	if (r->w == NULL || r->failed)
		return;
	groups = group_findings(h, &v);
	for (size_t i = 0; i < h->nran; i++)
		if (!rule_has_finding(h, h->ran[i]))
			passed++;
	for (size_t i = 0, j; i < h->nfindings; i = j) {
		for (j = i; j < h->nfindings && same_subject(v[i], v[j]); j++)
			;
		accepted += all_baselined(v, i, j);
	}
	snprintf(tbuf, sizeof(tbuf), "%.3f", h->duration >= 0 && h->duration < 1e9 ?
	    h->duration : 0.0);
	if (xmlTextWriterStartElement(r->w, X("testsuite")) < 0 ||
	    attr(r->w, "name", h->target) < 0 ||
	    attrf(r->w, "tests", errors + groups + passed + h->nskips) < 0 ||
	    attrf(r->w, "failures", groups - accepted) < 0 ||
	    attrf(r->w, "errors", errors) < 0 ||
	    attrf(r->w, "skipped", h->nskips + accepted) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, X("time"), X(tbuf)) < 0 ||
	    (h->address != NULL && attr(r->w, "hostname", h->address) < 0) ||
	    write_cases(r->w, h, v) < 0 ||
	    xmlTextWriterEndElement(r->w) < 0 || xmlTextWriterFlush(r->w) < 0)
		r->failed = 1;
	free(v);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	int rc = r->failed ? -1 : 0;

	(void)s;
	if (r->w != NULL) {
		if (xmlTextWriterEndDocument(r->w) < 0 || xmlTextWriterFlush(r->w) < 0)
			rc = -1;
		xmlFreeTextWriter(r->w);
		/* libxml2 ends an indented document without a newline. */
		if (fputc('\n', r->out) == EOF)
			rc = -1;
	}
	free(r);
	return rc;
}

const struct report_format report_junit = { "junit", r_open, r_host, r_close };
