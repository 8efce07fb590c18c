/* test_html.c - the HTML report's one escape (reports/htmlpage.c) and the
 * JSON report reader behind --previous and diff (scanner/parse/reportprev.c): text
 * a host chose never becomes markup, and a report read back matches the
 * findings that wrote it. */
#include "tests/unit/testutil.h"
#include "reports/htmlpage.h"
#include "scanner/parse/reportprev.h"
#include "reports/report.h"
#include <jansson.h>

/* html_escape of s, kept until the process ends. */
static const char *
esc(const char *s, int terminal)
{
	static struct strlist keep;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	if (terminal)
		html_escape_terminal(&b, s);
	else
		html_escape(&b, s);
	strlist_add_owned(&keep, buf_steal(&b));
	return keep.v[keep.n - 1];
}

static void
test_markup_characters(void **state)
{
	(void)state;
	assert_string_equal(esc("</script><script>alert(1)</script>", 0),
	    "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(esc("\"><img src=x onerror=alert(1)>", 0),
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	assert_string_equal(esc("a'b&c", 0), "a&#39;b&amp;c");
	assert_string_equal(esc("&amp;", 0), "&amp;amp;");
	assert_string_equal(esc("plain text: /home/a/.ssh", 0), "plain text: /home/a/.ssh");
	assert_string_equal(esc("", 0), "");
}

/* Controls, bidi overrides and invisible characters are made visible as
 * str_printable shows them everywhere else, before the markup escape. */
static void
test_controls_and_bidi(void **state)
{
	(void)state;
	assert_string_equal(esc("a\x1b]0;x\x07" "b", 0), "a\\x1b]0;x\\x07b");
	assert_string_equal(esc("evil\xe2\x80\xaetxt.exe", 0), "evil\\u202etxt.exe");
	assert_string_equal(esc("zero\xe2\x80\x8bwidth", 0), "zero\\u200bwidth");
	assert_string_equal(esc("line\nbreak\r", 0), "line\\x0abreak\\x0d");
	assert_string_equal(esc("bad \xff utf-8", 0), "bad \\xff utf-8");
	assert_string_equal(esc("caf\xc3\xa9", 0), "caf\xc3\xa9");
	/* a NUL cannot reach it (C strings), a backslash reads back */
	assert_string_equal(esc("a\\b", 0), "a\\\\b");
}

/* Fix text is shell-quoted already: its backslashes stay, markup does not. */
static void
test_terminal_variant(void **state)
{
	(void)state;
	assert_string_equal(esc("chmod go-w '/home/it'\\''s <x>'", 1),
	    "chmod go-w &#39;/home/it&#39;\\&#39;&#39;s &lt;x&gt;&#39;");
	assert_string_equal(esc("a\x1b[31m", 1), "a\\x1b[31m");
	assert_string_equal(esc("x\xe2\x80\xaey", 1), "x\\u202ey");
}

/* Nothing escaped ever holds a character that could open or close markup
 * or an attribute, whatever bytes come in. */
static void
test_every_byte(void **state)
{
	char s[2] = { 0, 0 };

	(void)state;
	for (int c = 1; c < 256; c++) {
		const char *e;

		s[0] = (char)c;
		e = esc(s, 0);
		assert_null(strpbrk(e, "<>\"'"));
		for (const char *p = e; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		e = esc(s, 1);
		assert_null(strpbrk(e, "<>\"'"));
	}
}

/* The CSP names the hashes of the page's own style and script only. */
static void
test_csp(void **state)
{
	char *csp = html_page_csp();

	(void)state;
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "script-src 'sha256-"));
	assert_non_null(strstr(csp, "style-src 'sha256-"));
	assert_null(strstr(csp, "unsafe"));
	free(csp);
}

static const struct ka_rule rule_x = { .id = "perm.file-mode", .severity = SEV_HIGH,
	.title = "t", .help = "h" };

/* A finding written to the JSON report and read back has the identity
 * report_finding_identity gives it live, hostile strings included. */
static void
test_previous_roundtrip(void **state)
{
	struct ka_host_result h;
	struct report_previous p;
	char *text, *hj, *err = NULL, id[65];
	json_t *host;

	(void)state;
	host_result_init(&h, "web\xe2\x80\xae" "1");
	finding_add(&h, &rule_x, "al\x1b" "ice", "/home/a/<b>", 3, NULL, "m");
	finding_add(&h, &rule_x, NULL, NULL, 0, NULL, "n");
	h.findings[1].severity = SEV_LOW;
	host = report_json_host(&h);
	hj = json_dumps(host, JSON_COMPACT);
	text = xasprintf("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[%s]}", hj);
	free(hj);
	json_decref(host);
	assert_int_equal(report_previous_parse("old.json", text, strlen(text), &p, &err), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.hosts, 1);
	assert_int_equal(p.by_severity[SEV_HIGH], 1);
	assert_int_equal(p.by_severity[SEV_LOW], 1);
	for (size_t i = 0; i < h.nfindings; i++) {
		report_finding_identity(h.target, &h.findings[i], id);
		assert_int_not_equal(strmap_find(&p.ids, id, strlen(id)), STRMAP_NONE);
	}
	report_previous_free(&p);
	free(text);
	host_result_free(&h);
}

static void
expect_error(const char *doc, const char *want)
{
	struct report_previous p;
	char *err = NULL;

	assert_int_equal(report_previous_parse("r.json", doc, strlen(doc), &p, &err), -1);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
	assert_null(strchr(err, '\n'));
	free(err);
}

static void
test_previous_errors(void **state)
{
	(void)state;
	expect_error("{", "r.json: line 1:");
	expect_error("[]", "$: expected a keyaudit JSON report");
	expect_error("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[{}]}", "hosts[0]: expected an object");
	expect_error("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[{\"target\":\"a\",\"findings\":[{\"check\":\"x\","
	    "\"severity\":\"huge\"}]}]}", "hosts[0].findings[0]: expected");
	expect_error("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[{\"target\":\"a\",\"findings\":[7]}]}",
	    "hosts[0].findings[0]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_characters),
		cmocka_unit_test(test_controls_and_bidi),
		cmocka_unit_test(test_terminal_variant),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_csp),
		cmocka_unit_test(test_previous_roundtrip),
		cmocka_unit_test(test_previous_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
