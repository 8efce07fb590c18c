/* junit.c - JUnit XML for CI (validates against junit-10.xsd), agreeing
 * with the exit status: one <testsuite> per host, one <testcase> per
 * finding (classname the check, name the check and its subject, unique in
 * the suite: CI readers show one result per name). A finding at or above
 * --fail-on that no baseline accepts is a <failure>, exactly what makes
 * the exit status 1; one below it is a passing testcase with the finding in
 * <system-out>, one a baseline accepts is <skipped> (with the finding in
 * <system-out> too). A check that ran and found nothing is a passing
 * testcase, a check that could not run <skipped>, a host that could not be
 * scanned an <error>. A suite's counts are attributes written before its
 * testcases, so they are counted from the host result first; nothing is
 * kept between hosts. */
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "reports/report.h"

struct report {
	FILE *out;
	xmlTextWriterPtr w;
	int failed;
	enum ka_severity fail_on;
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

	r->out = out;
	r->fail_on = o != NULL ? o->fail_on : SEV_HIGH;
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

/* One testcase of a suite: its name, and what tells it apart when two
 * names are equal (a finding's key; else its place). */
struct tcase {
	char *name;
	const char *key_fp;
	size_t order;
};

static int
tcase_cmp(const void *pa, const void *pb)
{
	const struct tcase *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int
tcase_order_cmp(const void *pa, const void *pb)
{
	const struct tcase *a = pa, *b = pb;

	return a->order < b->order ? -1 : a->order > b->order;
}

/* Names unique within the suite: equal names get the finding's key
 * fingerprint first (stable across runs), then " #2", " #3" in report
 * order. Leaves v in its original order. */
static void
unique_names(struct tcase *v, size_t n)
{
	for (int pass = 0; pass < 4 && n > 1; pass++) {
		int renamed = 0;

		qsort(v, n, sizeof(*v), tcase_cmp);
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && strcmp(v[i].name, v[j].name) == 0; j++)
				;
			if (j - i < 2)
				continue;
			for (size_t k = i; k < j; k++) {
				char *nn = NULL;

				if (pass == 0 && v[k].key_fp != NULL)
					nn = xasprintf("%s %s", v[k].name, v[k].key_fp);
				else if (pass > 0 && k > i)
					nn = xasprintf("%s #%zu", v[k].name, k - i + 1);
				if (nn != NULL) {
					free(v[k].name);
					v[k].name = nn;
					renamed = 1;
				}
			}
		}
		if (!renamed && pass > 0)
			break;
	}
	qsort(v, n, sizeof(*v), tcase_order_cmp);
}

/* The finding as a person reads it in a CI report. Caller frees. */
static char *
finding_text(const struct ka_finding *f, const char *subject)
{
	struct buf text;
	char *fix;

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
	return buf_steal(&text);
}

/* Text content, each line cleaned on its own so newlines stay newlines. */
static int
write_lines(xmlTextWriterPtr w, char *text)
{
	int rc = 0;

	for (char *line = text, *nl; rc == 0 && line != NULL; line = nl) {
		char *s;

		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		s = xml_clean(line);
		if (xmlTextWriterWriteString(w, X(s)) < 0 ||
		    (nl != NULL && xmlTextWriterWriteString(w, X("\n")) < 0))
			rc = -1;
		free(s);
	}
	return rc;
}

/* A finding's testcase: <failure> when it fails the gate, <skipped> when
 * a baseline accepts it, and the finding in <system-out> otherwise (a
 * passing case still shows what was found, below --fail-on). */
static int
write_finding(xmlTextWriterPtr w, const struct ka_finding *f, const char *name,
    const char *subject, enum ka_severity fail_on)
{
	char *text = finding_text(f, subject);
	int rc = 0;

	if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
	    attr(w, "classname", f->rule->id) < 0 || attr(w, "name", name) < 0)
		rc = -1;
	if (rc == 0 && finding_fails_gate(f, fail_on)) {
		if (xmlTextWriterStartElement(w, X("failure")) < 0 ||
		    attr(w, "message", f->message) < 0 ||
		    attr(w, "type", severity_name(f->severity)) < 0 ||
		    write_lines(w, text) < 0 || xmlTextWriterEndElement(w) < 0)
			rc = -1;
	} else if (rc == 0) {
		if (f->baselined != NULL &&
		    (xmlTextWriterStartElement(w, X("skipped")) < 0 ||
		    attr(w, "message", f->baselined) < 0 ||
		    xmlTextWriterEndElement(w) < 0))
			rc = -1;
		if (rc == 0 && f->baselined == NULL) {
			char *note = xasprintf("%s\n(below --fail-on %s: reported, not a "
			    "failure)", text, severity_name(fail_on));
			free(text);
			text = note;
		}
		if (rc == 0 && (xmlTextWriterStartElement(w, X("system-out")) < 0 ||
		    write_lines(w, text) < 0 || xmlTextWriterEndElement(w) < 0))
			rc = -1;
	}
	if (xmlTextWriterEndElement(w) < 0)
		rc = -1;
	free(text);
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

/* The suite's testcases in the order they are written: the host's error,
 * each finding in report order, each check that passed, each skip. */
struct cases {
	struct tcase *v;
	char **subjects;		/* per finding */
	size_t n;
	size_t errors, passed, failures, accepted;
};

static void
add_case(struct cases *c, char *name, const char *key_fp)
{
	c->v[c->n].name = name;
	c->v[c->n].key_fp = key_fp;
	c->v[c->n].order = c->n;
	c->n++;
}

static void
cases_build(struct cases *c, const struct ka_host_result *h, enum ka_severity fail_on)
{
	memset(c, 0, sizeof(*c));
	c->v = xcalloc(1 + h->nfindings + h->nran + h->nskips, sizeof(*c->v));
	c->subjects = xcalloc(h->nfindings + 1, sizeof(*c->subjects));
	if (h->status != HOST_SCANNED) {
		c->errors = 1;
		add_case(c, xasprintf("keyaudit.host %s", h->target), NULL);
	}
	for (size_t i = 0; i < h->nfindings; i++) {
		const struct ka_finding *f = &h->findings[i];

		c->subjects[i] = subject_of(f, h->target);
		add_case(c, xasprintf("%s %s", f->rule->id, c->subjects[i]), f->key_fp);
		c->failures += finding_fails_gate(f, fail_on);
		c->accepted += f->baselined != NULL;
	}
	for (size_t i = 0; i < h->nran; i++)
		if (!rule_has_finding(h, h->ran[i])) {
			c->passed++;
			add_case(c, xasprintf("%s %s", h->ran[i]->id, h->target), NULL);
		}
	for (size_t i = 0; i < h->nskips; i++) {
		const struct ka_skip *s = &h->skips[i];

		add_case(c, xasprintf("%s %s", s->rule ? s->rule->id : "keyaudit",
		    s->subject ? s->subject : h->target), NULL);
	}
	unique_names(c->v, c->n);
}

static void
cases_free(struct cases *c, size_t nfindings)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	for (size_t i = 0; i < nfindings; i++)
		free(c->subjects[i]);
	free(c->subjects);
	free(c->v);
}

static int
write_cases(xmlTextWriterPtr w, const struct ka_host_result *h, const struct cases *c,
    enum ka_severity fail_on)
{
	size_t k = 0;
	int rc = 0;

	if (h->status != HOST_SCANNED &&
	    (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
	    attr(w, "classname", "keyaudit.host") < 0 ||
	    attr(w, "name", c->v[k++].name) < 0 ||
	    xmlTextWriterStartElement(w, X("error")) < 0 ||
	    attr(w, "message", h->error ? h->error : host_status_name(h->status)) < 0 ||
	    attr(w, "type", host_status_name(h->status)) < 0 ||
	    xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0))
		rc = -1;

	for (size_t i = 0; i < h->nfindings && rc == 0; i++)
		rc = write_finding(w, &h->findings[i], c->v[k++].name, c->subjects[i],
		    fail_on);

	for (size_t i = 0; i < h->nran && rc == 0; i++) {
		if (rule_has_finding(h, h->ran[i]))
			continue;
		if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
		    attr(w, "classname", h->ran[i]->id) < 0 ||
		    attr(w, "name", c->v[k++].name) < 0 || xmlTextWriterEndElement(w) < 0)
			rc = -1;
	}

	for (size_t i = 0; i < h->nskips && rc == 0; i++) {
		const struct ka_skip *s = &h->skips[i];
		if (xmlTextWriterStartElement(w, X("testcase")) < 0 ||
		    attr(w, "classname", s->rule ? s->rule->id : "keyaudit") < 0 ||
		    attr(w, "name", c->v[k++].name) < 0 ||
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
	struct cases c;
	char tbuf[32];

	if (r->w == NULL || r->failed)
		return;
	cases_build(&c, h, r->fail_on);
	snprintf(tbuf, sizeof(tbuf), "%.3f", h->duration >= 0 && h->duration < 1e9 ?
	    h->duration : 0.0);
	if (xmlTextWriterStartElement(r->w, X("testsuite")) < 0 ||
	    attr(r->w, "name", h->target) < 0 ||
	    attrf(r->w, "tests", c.n) < 0 ||
	    attrf(r->w, "failures", c.failures) < 0 ||
	    attrf(r->w, "errors", c.errors) < 0 ||
	    attrf(r->w, "skipped", h->nskips + c.accepted) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, X("time"), X(tbuf)) < 0 ||
	    (h->address != NULL && attr(r->w, "hostname", h->address) < 0) ||
	    write_cases(r->w, h, &c, r->fail_on) < 0 ||
	    xmlTextWriterEndElement(r->w) < 0 || xmlTextWriterFlush(r->w) < 0)
		r->failed = 1;
	cases_free(&c, h->nfindings);
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
