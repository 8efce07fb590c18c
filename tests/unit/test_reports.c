/* test_reports.c - the text, JSON and JUnit reports over crafted host
 * results whose strings carry what a hostile target can put there: escape
 * sequences, invalid UTF-8, control bytes, XML and JSON metacharacters,
 * code points XML forbids. JSON is parsed back with jansson; JUnit is
 * validated with xmllint against the schema CI uses and walked with
 * libxml2 to check the counts. */
#include <unistd.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tests/unit/testutil.h"
#include "reports/report.h"

/* The JUnit schema where the suites find it (tests/lib.sh t_schema):
 * $KEYAUDIT_SCHEMAS, else ../shared; NULL when neither has it (the
 * validating tests are then skipped, never failed: a clone anywhere). */
static const char *
junit_xsd(void)
{
	static char path[4096];
	const char *dirs[] = { getenv("KEYAUDIT_SCHEMAS"), "../shared" };

	for (size_t i = 0; i < 2; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/junit-10.xsd", dirs[i]);
		if (access(path, R_OK) == 0)
			return path;
	}
	return NULL;
}

static const struct ka_rule r_block = { .id = "test.block", .severity = SEV_HIGH, .blocks_login = 1,
    .title = "blocks", .help = "" };
static const struct ka_rule r_sec = { .id = "test.security", .severity = SEV_MEDIUM, .blocks_login = 0,
    .title = "unsafe", .help = "" };
static const struct ka_rule r_hyg = { .id = "test.hygiene", .severity = SEV_LOW, .blocks_login = 0,
    .title = "untidy", .help = "" };
static const struct ka_rule r_dup = { .id = "test.dup", .severity = SEV_INFO, .blocks_login = 0,
    .title = "twice", .help = "" };
static const struct ka_rule r_pass = { .id = "test.pass", .severity = SEV_HIGH, .blocks_login = 1,
    .title = "passes", .help = "" };

#define HOSTILE_MSG "mode 0777 \033[31mred\033]0;title\007 \033[2J done"
/* Every byte 0x01-0x1f, DEL, C1 controls, an overlong NUL, a lone
 * continuation byte, a surrogate and U+FFFE/U+FFFF. */
static const char junk[] = "junk \001\002\003\004\005\006\010\011\012\013\014\015\016"
    "\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177 "
    "\302\200\302\237 \300\200 \200 \355\240\200 \357\277\276 \357\277\277 end";

struct fixture {
	struct ka_host_result h[3];
	struct ka_summary sum;
};

static struct fixture fx;

static void
add_ran(struct ka_host_result *h, const struct ka_rule *const *rules, size_t n)
{
	h->ran = xcalloc(n + 1, sizeof(*h->ran));
	for (size_t i = 0; i < n; i++)
		h->ran[h->nran++] = rules[i];
}

static int
setup(void **state)
{
	static const struct ka_rule *const all[] = { &r_block, &r_sec, &r_hyg, &r_dup, &r_pass };
	struct ka_host_result *h = &fx.h[0];
	struct ka_finding *f;

	memset(&fx, 0, sizeof(fx));
	host_result_init(h, "web1");
	finding_add(h, &r_hyg, NULL, NULL, 0, NULL,
	    "tags <b>&amp;</b> \"quoted\" 'single' ]]> -- \357\277\276 caf\303\251 \346\227\245\346\234\254");
	f = finding_add(h, &r_sec, "bob\377\376", "/home/bob/.ssh/authorized_keys", 3,
	    NULL, "%s", junk);
	f->key_fp = xstrdup("SHA256:kzd78GlM4xlUxAwFA+unyIy+HBqP0/uJMmp+0IUGCWE");
	finding_add(h, &r_block, "alice", "/home/alice/.ssh", 0,
	    "chmod go-w /home/alice/.ssh", "%s", HOSTILE_MSG);
	finding_add(h, &r_dup, "alice", "/home/alice/.ssh/authorized_keys", 7,
	    "sed -i 7d /home/alice/.ssh/authorized_keys", "first of two");
	finding_add(h, &r_dup, "alice", "/home/alice/.ssh/authorized_keys", 7, NULL,
	    "second of two");
	skip_add(h, &r_sec, NULL, "sshd -T could not run");
	skip_add(h, &r_hyg, "/x\033[2J", "not collected: \033[31m");
	add_ran(h, all, KA_ARRLEN(all));
	host_result_sort(h);

	h = &fx.h[1];
	host_result_init(h, "db\033[2J");
	h->address = xstrdup("10.0.0.2");
	h->port = 2222;
	h->status = HOST_UNREACHABLE;
	h->error = xstrdup("connect: Connection refused \033[31m\377");

	h = &fx.h[2];
	host_result_init(h, "empty");
	add_ran(h, all + 4, 1);
	h->duration = 0.25;

	fx.sum.fail_on = SEV_HIGH;
	for (int i = 0; i < 3; i++)
		summary_add_host(&fx.sum, &fx.h[i]);
	fx.sum.exit_code = 1;
	return 0;
}

static int
teardown(void **state)
{
	for (int i = 0; i < 3; i++)
		host_result_free(&fx.h[i]);
	return 0;
}

/* Run a format over hosts [0, n) into memory. */
static char *
render(const char *format, const struct report_opts *o, size_t n, size_t *len)
{
	const struct report_format *rf = report_format_find(format);
	char *text = NULL;
	size_t tlen = 0;
	FILE *out = open_memstream(&text, &tlen);
	struct report *r;
	struct ka_summary sum = fx.sum;

	assert_non_null(rf);
	assert_non_null(out);
	r = rf->open(out, o);
	for (size_t i = 0; i < n; i++)
		rf->host(r, &fx.h[i]);
	if (n < 3) {
		memset(&sum, 0, sizeof(sum));
		sum.fail_on = SEV_HIGH;
		for (size_t i = 0; i < n; i++)
			summary_add_host(&sum, &fx.h[i]);
	}
	assert_int_equal(rf->close(r, &sum), 0);
	fclose(out);
	if (len)
		*len = tlen;
	return text;
}

/* No terminal control reaches the output: only newline below 0x20, no
 * DEL, and valid UTF-8 (which str_printable guarantees has no C1). */
static void
assert_clean(const char *s, size_t len, int allow_sgr)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\033' && allow_sgr) {
			/* Our own colours only: ESC [ digits/semicolons m. */
			size_t j = i + 1;
			assert_true(j < len && s[j] == '[');
			for (j++; j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'); j++)
				;
			assert_true(j < len && s[j] == 'm');
			i = j;
			continue;
		}
		if (c < 0x20 && c != '\n')
			fail_msg("control byte 0x%02x at offset %zu", c, i);
		assert_true(c != 0x7f);
	}
	assert_true(utf8_valid(s, len));
}

static char *
read_version(void)
{
	char *v = tu_read_file("VERSION", NULL);

	v[strcspn(v, "\r\n")] = '\0';
	return v;
}

static const char *
jstr_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

static void
test_json_document(void **state)
{
	size_t len;
	char *text = render("json", NULL, 3, &len), *version = read_version();
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *hosts, *h, *fs, *f, *bs, *sum;
	size_t i;
	int seen_fp = 0;

	if (root == NULL)
		fail_msg("JSON report does not parse: line %d: %s\n%s", je.line, je.text, text);
	assert_clean(text, len, 0);
	assert_string_equal(jstr_at(root, "keyaudit"), version);
	assert_int_equal(json_integer_value(json_object_get(root, "schema")), 1);
	hosts = json_object_get(root, "hosts");
	assert_int_equal(json_array_size(hosts), 3);

	h = json_array_get(hosts, 0);
	assert_string_equal(jstr_at(h, "target"), "web1");
	assert_string_equal(jstr_at(h, "status"), "scanned");
	assert_true(json_is_null(json_object_get(h, "address")));
	assert_true(json_is_null(json_object_get(h, "port")));
	assert_true(json_is_null(json_object_get(h, "error")));
	fs = json_object_get(h, "findings");
	assert_int_equal(json_array_size(fs), 5);
	/* Report order: the blocking finding first. */
	f = json_array_get(fs, 0);
	assert_string_equal(jstr_at(f, "check"), "test.block");
	assert_string_equal(jstr_at(f, "severity"), "high");
	assert_true(json_is_true(json_object_get(f, "blocks_login")));
	assert_string_equal(jstr_at(f, "host"), "web1");
	assert_string_equal(jstr_at(f, "user"), "alice");
	assert_string_equal(jstr_at(f, "path"), "/home/alice/.ssh");
	assert_true(json_is_null(json_object_get(f, "line")));
	assert_string_equal(jstr_at(f, "fix"), "chmod go-w /home/alice/.ssh");
	assert_string_equal(jstr_at(f, "message"),
	    "mode 0777 \\x1b[31mred\\x1b]0;title\\x07 \\x1b[2J done");
	assert_null(json_object_get(f, "key_fp"));
	json_array_foreach(fs, i, f) {
		const char *check = jstr_at(f, "check");
		assert_non_null(json_object_get(f, "message"));
		if (strcmp(check, "test.security") == 0) {
			assert_string_equal(jstr_at(f, "user"), "bob\\xff\\xfe");
			assert_int_equal(json_integer_value(json_object_get(f, "line")), 3);
			assert_true(json_is_null(json_object_get(f, "fix")));
			assert_false(json_is_true(json_object_get(f, "blocks_login")));
			assert_string_equal(jstr_at(f, "key_fp"),
			    "SHA256:kzd78GlM4xlUxAwFA+unyIy+HBqP0/uJMmp+0IUGCWE");
			assert_non_null(strstr(jstr_at(f, "message"), "\\x01\\x02"));
			seen_fp = 1;
		} else if (strcmp(check, "test.hygiene") == 0) {
			assert_true(json_is_null(json_object_get(f, "user")));
			assert_true(json_is_null(json_object_get(f, "path")));
			/* Valid UTF-8 passes unchanged, quotes survive JSON. */
			assert_non_null(strstr(jstr_at(f, "message"),
			    "\"quoted\" 'single' ]]> -- \357\277\276 caf\303\251"));
		} else
			assert_null(json_object_get(f, "key_fp"));
	}
	assert_true(seen_fp);
	assert_int_equal(json_array_size(json_object_get(h, "skipped")), 2);
	f = json_array_get(json_object_get(h, "skipped"), 1);
	assert_string_equal(jstr_at(f, "check"), "test.hygiene");
	assert_string_equal(jstr_at(f, "subject"), "/x\\x1b[2J");
	assert_string_equal(jstr_at(f, "reason"), "not collected: \\x1b[31m");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(h,
	    "skipped"), 0), "subject")));

	h = json_array_get(hosts, 1);
	assert_string_equal(jstr_at(h, "target"), "db\\x1b[2J");
	assert_string_equal(jstr_at(h, "status"), "unreachable");
	assert_string_equal(jstr_at(h, "address"), "10.0.0.2");
	assert_int_equal(json_integer_value(json_object_get(h, "port")), 2222);
	assert_string_equal(jstr_at(h, "error"), "connect: Connection refused \\x1b[31m\\xff");
	assert_int_equal(json_array_size(json_object_get(h, "findings")), 0);

	sum = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "hosts")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum, "hosts_failed")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "findings")), 5);
	assert_int_equal(json_integer_value(json_object_get(sum, "blocking")), 1);
	assert_string_equal(jstr_at(sum, "fail_on"), "high");
	assert_int_equal(json_integer_value(json_object_get(sum, "exit_code")), 1);
	bs = json_object_get(sum, "by_severity");
	assert_int_equal(json_object_size(bs), 5);
	assert_int_equal(json_integer_value(json_object_get(bs, "high")), 1);
	assert_int_equal(json_integer_value(json_object_get(bs, "medium")), 1);
	assert_int_equal(json_integer_value(json_object_get(bs, "low")), 1);
	assert_int_equal(json_integer_value(json_object_get(bs, "info")), 2);
	assert_int_equal(json_integer_value(json_object_get(bs, "critical")), 0);

	json_decref(root);
	free(version);
	free(text);
}

static void
test_json_no_hosts(void **state)
{
	size_t len;
	char *text = render("json", NULL, 0, &len);
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);

	if (root == NULL)
		fail_msg("%s: %s", je.text, text);
	assert_int_equal(json_array_size(json_object_get(root, "hosts")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root,
	    "summary"), "hosts")), 0);
	json_decref(root);
	free(text);
}

static void
test_text_sections(void **state)
{
	struct report_opts o = { .color = 0, .quiet = 0, .command = "scan", .fail_on = SEV_HIGH };
	size_t len;
	char *text = render("text", &o, 3, &len);
	const char *blk, *sec, *hyg, *skp, *web1_end;

	assert_clean(text, len, 0);
	blk = strstr(text, "Will block key login");
	sec = strstr(text, "Security");
	hyg = strstr(text, "Hygiene");
	skp = strstr(text, "skipped:");
	web1_end = strstr(text, "== db");
	assert_non_null(blk);
	assert_non_null(sec);
	assert_non_null(hyg);
	assert_non_null(skp);
	assert_non_null(web1_end);
	assert_true(blk < sec && sec < hyg && hyg < skp && skp < web1_end);
	/* Each finding lands in its section. */
	assert_true(strstr(text, "test.block") > blk && strstr(text, "test.block") < sec);
	assert_true(strstr(text, "test.security") > sec && strstr(text, "test.security") < hyg);
	assert_true(strstr(text, "test.hygiene") > hyg);
	assert_true(strstr(text, "test.dup") > hyg && strstr(text, "test.dup") < skp);
	/* Evidence, location and the fix on its own indented line. */
	assert_non_null(strstr(text, "[high]"));
	assert_non_null(strstr(text, "/home/bob/.ssh/authorized_keys:3"));
	assert_non_null(strstr(text, "user=bob\\xff\\xfe"));
	assert_non_null(strstr(text, "\\x1b[31mred\\x1b]0;title\\x07"));
	assert_non_null(strstr(text, "\n             fix: chmod go-w /home/alice/.ssh\n"));
	assert_non_null(strstr(text, "test.hygiene /x\\x1b[2J: not collected: \\x1b[31m"));
	/* The unreachable host and the empty one have headers. */
	assert_non_null(strstr(text, "== db\\x1b[2J (10.0.0.2:2222): unreachable "
	    "(connect: Connection refused \\x1b[31m\\xff)"));
	assert_non_null(strstr(text, "== empty: scanned, no findings"));
	assert_non_null(strstr(text, "== web1: scanned, 5 findings, 1 blocking key login, "
	    "worst high"));
	assert_non_null(strstr(text, "keyaudit: 3 hosts (1 not scanned), 5 findings "
	    "(1 high, 1 medium, 1 low, 2 info), 1 blocking key login; fail-on high: exit 1\n"));
	free(text);
}

static void
test_text_quiet(void **state)
{
	struct report_opts o = { .color = 0, .quiet = 1, .command = "scan", .fail_on = SEV_HIGH };
	char *text = render("text", &o, 3, NULL);

	assert_null(strstr(text, "== empty"));
	assert_non_null(strstr(text, "== web1"));
	/* A host that could not be scanned is never quiet. */
	assert_non_null(strstr(text, "unreachable"));
	assert_non_null(strstr(text, "keyaudit: 3 hosts"));
	free(text);
}

static void
test_text_color(void **state)
{
	struct report_opts o = { .color = 1, .quiet = 0, .command = "scan", .fail_on = SEV_HIGH };
	size_t len;
	char *text = render("text", &o, 3, &len);

	/* Colour is on, yet only our own SGR sequences are in the output. */
	assert_non_null(strstr(text, "\033[31m[high]"));
	assert_non_null(strstr(text, "\033[0m"));
	assert_clean(text, len, 1);
	assert_null(strstr(text, "\033[2J"));
	assert_null(strstr(text, "\033]"));
	free(text);

	o.color = 0;
	text = render("text", &o, 3, &len);
	assert_null(strchr(text, '\033'));
	free(text);
}

static xmlChar *
prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (v == NULL)
		fail_msg("<%s> has no %s attribute", n->name, name);
	return v;
}

static int
is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static size_t
prop_num(xmlNodePtr n, const char *name)
{
	xmlChar *v = prop(n, name);
	size_t r = strtoul((const char *)v, NULL, 10);

	xmlFree(v);
	return r;
}

/* Count a suite's testcases by what they hold, and compare with its
 * attributes; every testcase name is unique in the suite. */
static void
check_suite(xmlNodePtr suite, size_t want_tests, size_t want_failures,
    size_t want_errors, size_t want_skipped, size_t want_failure_elems)
{
	size_t tests = 0, failures = 0, errors = 0, skipped = 0, felems = 0;
	struct strlist names = { 0 };

	for (xmlNodePtr tc = suite->children; tc; tc = tc->next) {
		int has_f = 0, has_e = 0, has_s = 0;
		xmlChar *name;

		if (!is(tc, "testcase"))
			continue;
		tests++;
		xmlFree(prop(tc, "classname"));
		name = prop(tc, "name");
		if (strlist_has(&names, (char *)name))
			fail_msg("two testcases named '%s'", (char *)name);
		strlist_add(&names, (char *)name);
		xmlFree(name);
		for (xmlNodePtr c = tc->children; c; c = c->next) {
			if (is(c, "failure")) {
				has_f = 1;
				felems++;
			}
			has_e |= is(c, "error");
			has_s |= is(c, "skipped");
		}
		failures += has_f;
		errors += has_e;
		skipped += has_s;
	}
	strlist_free(&names);
	assert_int_equal(tests, want_tests);
	assert_int_equal(failures, want_failures);
	assert_int_equal(errors, want_errors);
	assert_int_equal(skipped, want_skipped);
	assert_int_equal(felems, want_failure_elems);
	assert_int_equal(prop_num(suite, "tests"), tests);
	assert_int_equal(prop_num(suite, "failures"), failures);
	assert_int_equal(prop_num(suite, "errors"), errors);
	assert_int_equal(prop_num(suite, "skipped"), skipped);
}

/* The report's text valid against the schema CI uses (xmllint). */
static void
assert_junit_valid(const char *text, size_t len)
{
	char path[] = "/tmp/ka-test-junit-XXXXXX";
	const char *xsd = junit_xsd();
	int fd, rc;
	char *cmd, *log;

	/* the schema check alone is skipped (the test's other assertions
	 * still run): said on the test's output, never a failure */
	if (xsd == NULL) {
		print_message("skip: JUnit not validated: no junit-10.xsd in "
		    "$KEYAUDIT_SCHEMAS or ../shared\n");
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	cmd = xasprintf("xmllint --noout --schema %s %s >%s.log 2>&1", xsd, path, path);
	rc = system(cmd);
	free(cmd);
	log = xasprintf("%s.log", path);
	if (rc != 0) {
		char *msg = tu_read_file(log, NULL);
		fail_msg("xmllint rejects the JUnit report (status %d): %s\n%s", rc, msg, text);
	}
	unlink(log);
	free(log);
	unlink(path);
}

static void
test_junit_schema(void **state)
{
	size_t len;
	char *text = render("junit", NULL, 3, &len);
	xmlDocPtr doc;
	xmlNodePtr root, suite;
	int nsuite = 0;

	assert_junit_valid(text, len);
	doc = xmlReadMemory(text, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_true(is(root, "testsuites"));
	for (suite = root->children; suite; suite = suite->next) {
		xmlChar *name;
		if (!is(suite, "testsuite"))
			continue;
		name = prop(suite, "name");
		switch (nsuite++) {
		case 0:
			assert_string_equal((char *)name, "web1");
			/* one testcase per finding (5), 1 passing rule, 2
			 * skips; the default gate (high) fails test.block
			 * alone */
			check_suite(suite, 8, 1, 0, 2, 1);
			break;
		case 1:
			assert_string_equal((char *)name, "db\\x1b[2J");
			check_suite(suite, 1, 0, 1, 0, 0);
			break;
		case 2:
			assert_string_equal((char *)name, "empty");
			check_suite(suite, 1, 0, 0, 0, 0);
			{
				xmlChar *t = prop(suite, "time");
				assert_string_equal((char *)t, "0.250");
				xmlFree(t);
			}
			break;
		}
		xmlFree(name);
	}
	assert_int_equal(nsuite, 3);
	/* Text and attributes carry the escaped evidence and the fix. */
	assert_non_null(strstr(text, "message=\"mode 0777 \\x1b[31mred\\x1b]0;title\\x07"));
	assert_non_null(strstr(text, "fix: chmod go-w /home/alice/.ssh</failure>"));
	assert_non_null(strstr(text, "&lt;b&gt;&amp;amp;&lt;/b&gt;"));
	assert_non_null(strstr(text, "<error message=\"connect: Connection refused "
	    "\\x1b[31m\\xff\" type=\"unreachable\"/>"));
	assert_non_null(strstr(text, "classname=\"test.pass\" name=\"test.pass web1\""));
	assert_null(strstr(text, "classname=\"test.block\" name=\"test.block web1\""));
	assert_non_null(strstr(text, "<skipped message=\"sshd -T could not run\"/>"));
	/* the two findings of one check and subject: two testcases, the
	 * second numbered, each with its own text */
	assert_non_null(strstr(text, "name=\"test.dup alice /home/alice/.ssh/authorized_keys:7\""));
	assert_non_null(strstr(text, "name=\"test.dup alice /home/alice/.ssh/authorized_keys:7 #2\""));
	assert_non_null(strstr(text, "second of two"));
	assert_null(strstr(text, "\357\277\276"));
	xmlFreeDoc(doc);
	free(text);
}

/* The first suite of a rendering, parsed; caller frees the document. */
static xmlNodePtr
first_suite(const char *text, size_t len, xmlDocPtr *doc)
{
	xmlNodePtr s;

	*doc = xmlReadMemory(text, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(*doc);
	for (s = xmlDocGetRootElement(*doc)->children; s && !is(s, "testsuite"); s = s->next)
		;
	assert_non_null(s);
	return s;
}

/* JUnit agrees with the gate: a failure is exactly a finding at or above
 * --fail-on that no baseline accepts; the rest pass (the finding in
 * <system-out>) or, accepted, are skipped. */
static void
test_junit_gate(void **state)
{
	struct report_opts o = { .command = "scan" };
	static const struct {
		enum ka_severity fail_on;
		size_t failures;
	} cases[] = {
		{ SEV_INFO, 5 }, { SEV_LOW, 3 }, { SEV_MEDIUM, 2 }, { SEV_HIGH, 1 },
		{ SEV_CRITICAL, 0 },
	};
	struct ka_finding *blockf = NULL;
	xmlDocPtr doc;
	size_t len;
	char *text;

	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		o.fail_on = cases[i].fail_on;
		text = render("junit", &o, 1, &len);
		assert_junit_valid(text, len);
		check_suite(first_suite(text, len, &doc), 8, cases[i].failures, 0, 2,
		    cases[i].failures);
		/* every finding is in the report, failing or not */
		assert_non_null(strstr(text, "first of two"));
		assert_non_null(strstr(text, "tags &lt;b&gt;"));
		if (cases[i].failures < 5)
			assert_non_null(strstr(text, "<system-out>"));
		xmlFreeDoc(doc);
		free(text);
	}
	/* the one failing finding accepted by a baseline: skipped, and the
	 * suite has no failure left */
	for (size_t i = 0; i < fx.h[0].nfindings; i++)
		if (fx.h[0].findings[i].rule == &r_block)
			blockf = &fx.h[0].findings[i];
	assert_non_null(blockf);
	blockf->baselined = "accepted until 2099-12-31: ticket 42";
	o.fail_on = SEV_HIGH;
	text = render("junit", &o, 1, &len);
	assert_junit_valid(text, len);
	check_suite(first_suite(text, len, &doc), 8, 0, 0, 3, 0);
	assert_non_null(strstr(text, "<skipped message=\"accepted until 2099-12-31: ticket 42\"/>"));
	blockf->baselined = NULL;
	xmlFreeDoc(doc);
	free(text);
}

static void
test_junit_no_hosts(void **state)
{
	size_t len;
	char *text = render("junit", NULL, 0, &len);
	xmlDocPtr doc = xmlReadMemory(text, (int)len, "junit.xml", NULL, XML_PARSE_NONET);

	assert_non_null(doc);
	assert_true(is(xmlDocGetRootElement(doc), "testsuites"));
	xmlFreeDoc(doc);
	free(text);
}

/* The real pipeline: a fixture through the engine into every format. */
static void
test_fixture_all_formats(void **state)
{
	static const char *const formats[] = { "text", "json", "junit" };
	struct ka_host_result r;

	tu_scan_fixture("fixtures/snapshots/client-pub-mismatch.json", &r);
	for (size_t i = 0; i < KA_ARRLEN(formats); i++) {
		const struct report_format *rf = report_format_find(formats[i]);
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		struct report_opts o = { .color = 0, .quiet = 0, .command = "scan", .fail_on = SEV_HIGH };
		struct ka_summary sum = { 0 };
		struct report *rep = rf->open(out, &o);

		rf->host(rep, &r);
		summary_add_host(&sum, &r);
		assert_int_equal(rf->close(rep, &sum), 0);
		fclose(out);
		assert_non_null(strstr(text, "client.pub-mismatch"));
		assert_clean(text, len, 0);
		free(text);
	}
	host_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_json_no_hosts),
		cmocka_unit_test(test_text_sections),
		cmocka_unit_test(test_text_quiet),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_junit_schema),
		cmocka_unit_test(test_junit_gate),
		cmocka_unit_test(test_junit_no_hosts),
		cmocka_unit_test(test_fixture_all_formats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
