/* test_sshdtest.c - the target's own sshd wins (scanner/parse/sshdtest.c,
 * checks/sshd.c, checks/sshd_t.c): sshd -t's stderr as real sshd 8.4, 10.0
 * and 10.6 print it, parsed into file:line; a refusal is sshd.syntax with
 * sshd's words and keyaudit's prediction for the same line is not a second
 * finding; an accepted configuration turns keyaudit's predictions into
 * skips; the banner against the binary's version; sshd -T and -G output in
 * lower case (before 10.4) and CamelCase (10.4 on) read alike; the new
 * facts round-trip through the collector stream and the snapshot JSON. */
#include <ctype.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/collect_stream.h"
#include "scanner/parse/snapjson.h"
#include "scanner/parse/sshdconf.h"
#include "scanner/parse/sshdtest.h"

#define FX "fixtures/snapshots/akeys-ok.json"

/* --- sshd -t's stderr ---------------------------------------------------- */

static void
test_parse_real(void **state)
{
	/* OpenSSH 8.4p1, 10.0p2 and 10.6p1 (Debian) all print these for a
	 * config with an unknown keyword at line 1 and one inside Match */
	const char *err = "/tmp/bad.conf: line 1: Bad configuration option: Foo\n"
	    "/tmp/bad.conf: line 4: Bad configuration option: Bogus\n"
	    "/tmp/bad.conf line 4: Directive 'Bogus' is not allowed within a Match block\n";
	struct sshdtest_msg m[8];
	size_t n = sshdtest_parse(err, m, 8);

	assert_int_equal(n, 3);
	assert_string_equal(m[0].file, "/tmp/bad.conf");
	assert_int_equal(m[0].line, 1);
	assert_string_equal(m[0].text, "/tmp/bad.conf: line 1: Bad configuration option: Foo");
	assert_string_equal(m[1].file, "/tmp/bad.conf");
	assert_int_equal(m[1].line, 4);
	assert_string_equal(m[2].file, "/tmp/bad.conf");
	assert_int_equal(m[2].line, 4);
	sshdtest_free(m, n);

	/* a bad value (fatal, no colon after the file) */
	n = sshdtest_parse("/etc/ssh/sshd_config line 2: unsupported option \"maybe\".\n",
	    m, 8);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].file, "/etc/ssh/sshd_config");
	assert_int_equal(m[0].line, 2);
	sshdtest_free(m, n);
}

static void
test_parse_shapes(void **state)
{
	struct sshdtest_msg m[4];
	size_t n;

	/* the closing line goes when another says more */
	n = sshdtest_parse("/etc/ssh/sshd_config: line 9: Bad configuration option: X\r\n"
	    "/etc/ssh/sshd_config: terminating, 1 bad configuration options\n", m, 4);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].line, 9);
	sshdtest_free(m, n);
	n = sshdtest_parse("/etc/ssh/sshd_config: terminating, 1 bad configuration options\n",
	    m, 4);
	assert_int_equal(n, 1);
	assert_null(m[0].file);
	sshdtest_free(m, n);

	/* a function name before the file; a path with a space */
	n = sshdtest_parse("process_server_config_line_depth: /etc/ssh/my conf line 12: "
	    "garbage at end of line\n", m, 4);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].file, "/etc/ssh/my conf");
	assert_int_equal(m[0].line, 12);
	sshdtest_free(m, n);

	/* no file:line: host keys, the privilege separation user */
	n = sshdtest_parse("\nsshd: no hostkeys available -- exiting.\n\n", m, 4);
	assert_int_equal(n, 1);
	assert_null(m[0].file);
	assert_int_equal(m[0].line, 0);
	assert_string_equal(m[0].text, "sshd: no hostkeys available -- exiting.");
	sshdtest_free(m, n);

	/* "line" without a number, a line 0, and a control byte shown safely */
	n = sshdtest_parse("/x line : y\n/x line 0: y\n/x: line 3: bad \x1b[31m\n", m, 4);
	assert_int_equal(n, 3);
	assert_null(m[0].file);
	assert_null(m[1].file);
	assert_int_equal(m[2].line, 3);
	assert_null(strchr(m[2].text, '\x1b'));
	sshdtest_free(m, n);

	/* bounded by max */
	n = sshdtest_parse("a\nb\nc\nd\ne\nf\n", m, 4);
	assert_int_equal(n, 4);
	sshdtest_free(m, n);
	assert_int_equal(sshdtest_parse("", m, 4), 0);
	assert_int_equal(sshdtest_parse(NULL, m, 4), 0);
}

static void
test_environmental(void **state)
{
	/* sshd -t of 8.4 to 10.0 where /run/sshd is not made yet */
	assert_int_equal(sshdtest_environmental("Missing privilege separation directory: "
	    "/run/sshd"), 1);
	assert_int_equal(sshdtest_environmental("/etc/ssh/sshd_config: line 1: Bad "
	    "configuration option: Foo"), 0);
	assert_int_equal(sshdtest_environmental(NULL), 0);
}

/* --- the banner against the binary ------------------------------------------ */

static void
test_version_differs(void **state)
{
	/* the same sshd */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
	    "OpenSSH_9.2p1 Debian-2+deb12u3"), 0);
	/* DebianBanner no: the banner drops the vendor word */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.2p1",
	    "OpenSSH_9.2p1 Debian-2+deb12u3"), 0);
	/* Red Hat's banner has no portable suffix */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_8.7", "OpenSSH_8.7p1"), 0);
	/* a VersionAddendum after the vendor word, or instead of it */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_10.0p2 Debian-7 hello",
	    "OpenSSH_10.0p2 Debian-7"), 0);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_10.0p2 hello-world",
	    "OpenSSH_10.0p2 Debian-7"), 0);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n",
	    "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5"), 0);

	/* not restarted after an upgrade */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
	    "OpenSSH_9.2p1 Debian-2+deb12u5"), 1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3",
	    "OpenSSH_10.0p2 Debian-7+deb13u4"), 1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_10.0p1", "OpenSSH_10.0p2"), 1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.2", "OpenSSH_9.20p1"), 1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_8.7", "OpenSSH_9.9p1"), 1);

	/* cannot tell */
	assert_int_equal(sshdtest_version_differs("SSH-2.0-dropbear_2022.83",
	    "OpenSSH_9.2p1"), -1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0-OpenSSH_9.2p1", "garbage"), -1);
	assert_int_equal(sshdtest_version_differs(NULL, "OpenSSH_9.2p1"), -1);
	assert_int_equal(sshdtest_version_differs("SSH-2.0", "OpenSSH_9.2p1"), -1);
}

/* --- sshd -T / -G key case --------------------------------------------------- */

static void
test_camelcase_dump(void **state)
{
	/* 10.4 on prints keywords as sshd_config spells them (openssh-portable
	 * bebc855fd, "big refactor of sshd config management code") */
	const char *lower = "port 2222\npubkeyauthentication no\nauthorizedkeysfile "
	    ".ssh/authorized_keys .ssh/ak2\npermitrootlogin prohibit-password\n"
	    "passwordauthentication no\n";
	const char *camel = "Port 2222\nPubkeyAuthentication no\nAuthorizedKeysFile "
	    ".ssh/authorized_keys .ssh/ak2\nPermitRootLogin prohibit-password\n"
	    "PasswordAuthentication no\n";
	struct sshd_config *a = sshdconf_parse_text("sshd -T", lower, 0);
	struct sshd_config *b = sshdconf_parse_text("sshd -T", camel, 0);
	struct sshd_eff *ea = sshdconf_effective(a, NULL), *eb = sshdconf_effective(b, NULL);
	struct buf da, db;

	assert_int_equal(sshdconf_nerrors(a), 0);
	assert_int_equal(sshdconf_nerrors(b), 0);
	assert_string_equal(sshd_eff_str(eb, "pubkeyauthentication"), "no");
	assert_string_equal(sshd_eff_str(eb, "permitrootlogin"),
	    sshd_eff_str(ea, "permitrootlogin"));
	assert_int_equal(sshd_eff_get(eb, "authorizedkeysfile")->n, 2);
	buf_init(&da);
	buf_init(&db);
	sshd_eff_dump(ea, &da);
	sshd_eff_dump(eb, &db);
	assert_string_equal(da.data, db.data);
	buf_free(&da);
	buf_free(&db);
	sshd_eff_free(ea);
	sshd_eff_free(eb);
	sshdconf_free(a);
	sshdconf_free(b);
}

/* --- the checks over a snapshot --------------------------------------------- */

static void
scan(struct snapshot *s, struct ka_host_result *r)
{
	struct ka_options o = { 0 };
	struct strlist only = { 0 };

	strlist_add(&only, "sshd.syntax");
	strlist_add(&only, "sshd.engine-disagrees");
	strlist_add(&only, "sshd.version-mismatch");
	o.only = &only;
	host_result_init(r, s->target);
	engine_check_snapshot(s, &o, r);
	strlist_free(&only);
}

/* The fixture with its sshd_config replaced by text. */
static void
load_with_config(struct snapshot *s, const char *text)
{
	struct snap_file *f;

	tu_load_snapshot(FX, s);
	f = (struct snap_file *)snap_file_get(s, "/etc/ssh/sshd_config");
	assert_non_null(f);
	free(f->content);
	f->content = xstrdup(text);
	f->content_len = strlen(text);
	f->size = (int64_t)f->content_len;
	/* the fixture's sshd -T answers were for its own configuration */
	for (size_t i = 0; i < s->nsshd_t; i++) {
		free(s->sshd_t[i].output);
		s->sshd_t[i].output = NULL;
		free(s->sshd_t[i].error);
		s->sshd_t[i].error = xstrdup("sshd -T exited 255");
	}
}

static void
test_check_refusal(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	const struct ka_finding *f;

	/* keyaudit predicts line 1; sshd names line 1 twice and line 3 */
	load_with_config(&s, "Foo bar\nPasswordAuthentication no\nMatch User x\n");
	s.sshd_test_ran = 1;
	s.sshd_test_rc = 255;
	s.sshd_test_err = xstrdup("/etc/ssh/sshd_config: line 1: Bad configuration option: Foo\n"
	    "/etc/ssh/sshd_config line 1: again\n"
	    "/etc/ssh/sshd_config line 3: Bad Match line\n");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 2);
	f = &r.findings[0];
	assert_string_equal(f->rule->id, "sshd.syntax");
	assert_int_equal(f->line, 1);
	assert_int_equal(f->blocks_login, 1);
	assert_non_null(strstr(f->message, "the target's sshd refuses"));
	assert_non_null(strstr(f->message, "Bad configuration option: Foo"));
	assert_non_null(strstr(f->message, "sshd -t exited 255"));
	assert_int_equal(r.findings[1].line, 3);
	host_result_free(&r);
	snapshot_free(&s);

	/* sshd names no line: one finding on the main file; it read every
	 * line, so keyaudit's own prediction of line 1 is a skip */
	load_with_config(&s, "Foo bar\n");
	s.sshd_test_ran = 1;
	s.sshd_test_rc = 1;
	s.sshd_test_err = xstrdup("sshd: no hostkeys available -- exiting.");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 1);
	f = tu_find(&r, "sshd.syntax", NULL, "/etc/ssh/sshd_config");
	assert_non_null(f);
	assert_int_equal(f->line, 0);
	assert_non_null(strstr(f->message, "no hostkeys available"));
	assert_true(r.nskips > 0);
	host_result_free(&r);
	snapshot_free(&s);

	/* /run/sshd missing: sshd -t could not judge, keyaudit's own
	 * prediction stands */
	load_with_config(&s, "Foo bar\n");
	s.sshd_test_ran = 1;
	s.sshd_test_rc = 255;
	s.sshd_test_err = xstrdup("Missing privilege separation directory: /run/sshd");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 1);
	f = tu_find(&r, "sshd.syntax", NULL, NULL);
	assert_null(strstr(f->message, "the target's sshd"));
	assert_int_equal(f->line, 1);
	host_result_free(&r);
	snapshot_free(&s);

	/* killed at the time limit: nothing from sshd */
	load_with_config(&s, "PasswordAuthentication no\n");
	s.sshd_test_ran = 1;
	s.sshd_test_rc = -1;
	s.sshd_test_err = xstrdup("sshd -t did not finish in 10 s");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 0);
	host_result_free(&r);
	snapshot_free(&s);
}

static void
test_check_accepted(void **state)
{
	struct snapshot s;
	struct ka_host_result r;

	/* sshd -t accepts what keyaudit would refuse: sshd wins (a skip) */
	load_with_config(&s, "Foo bar\n");
	s.sshd_test_ran = 1;
	s.sshd_test_rc = 0;
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 0);
	assert_true(r.nskips > 0);
	host_result_free(&r);
	snapshot_free(&s);

	/* the same from sshd -G's answer */
	load_with_config(&s, "Foo bar\n");
	s.sshd_g = xstrdup("port 22\n");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 0);
	host_result_free(&r);
	snapshot_free(&s);

	/* sshd -G refusing with a file:line is the target's word; failing
	 * to read a file is not a refusal */
	load_with_config(&s, "PasswordAuthentication no\n");
	s.sshd_g_err = xstrdup("sshd -G failed: /etc/ssh/sshd_config: line 7: Bad "
	    "configuration option: Frob");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 1);
	assert_int_equal(r.findings[0].line, 7);
	assert_non_null(strstr(r.findings[0].message, "sshd -G failed"));
	host_result_free(&r);
	snapshot_free(&s);
	load_with_config(&s, "PasswordAuthentication no\n");
	s.sshd_g_err = xstrdup("sshd -G failed: /etc/ssh/sshd_config.d/50-redhat.conf: "
	    "Permission denied");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.syntax"), 0);
	host_result_free(&r);
	snapshot_free(&s);
}

static void
test_check_g_disagrees(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	const struct ka_finding *f;
	struct buf d;
	struct sshd_config *c;
	struct sshd_eff *e;

	/* the engine's own dump, CamelCase as 10.4 prints it: no finding */
	c = sshdconf_parse_text("/etc/ssh/sshd_config",
	    "PasswordAuthentication no\nKbdInteractiveAuthentication no\n", 0);
	e = sshdconf_effective(c, NULL);
	buf_init(&d);
	sshd_eff_dump(e, &d);
	for (size_t i = 0; i < d.len; i++)
		if (i == 0 || d.data[i - 1] == '\n')
			d.data[i] = (char)toupper((unsigned char)d.data[i]);
	tu_load_snapshot(FX, &s);
	for (size_t i = 0; i < s.nsshd_t; i++) {
		free(s.sshd_t[i].output);
		s.sshd_t[i].output = NULL;
	}
	s.sshd_g = xstrdup(d.data);
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.engine-disagrees"), 0);
	host_result_free(&r);

	/* sshd -G says otherwise on one keyword */
	free(s.sshd_g);
	s.sshd_g = xstrdup(d.data);
	{
		char *p = strstr(s.sshd_g, "Maxauthtries 6\n");
		assert_non_null(p);
		memcpy(p, "Maxauthtries 5\n", 15);
	}
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.engine-disagrees"), 1);
	f = tu_find(&r, "sshd.engine-disagrees", NULL, NULL);
	assert_null(f->user);
	assert_non_null(strstr(f->message, "maxauthtries"));
	assert_non_null(strstr(f->message, "sshd -G"));
	host_result_free(&r);
	snapshot_free(&s);
	buf_free(&d);
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_check_version_mismatch(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	const struct ka_finding *f;
	char *fix;

	tu_load_snapshot(FX, &s);
	free(s.sshd_version);
	s.sshd_version = xstrdup("OpenSSH_9.2p1 Debian-2+deb12u5");
	s.net.banner = xstrdup("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	s.net.port = 2222;
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.version-mismatch"), 1);
	f = tu_find(&r, "sshd.version-mismatch", NULL, NULL);
	assert_int_equal(f->blocks_login, 0);
	assert_int_equal(f->severity, SEV_MEDIUM);
	assert_non_null(strstr(f->message, "Debian-2+deb12u3"));
	assert_non_null(strstr(f->message, "Debian-2+deb12u5"));
	assert_non_null(strstr(f->message, "port 2222"));
	fix = remedy_text(&f->remedy);
	assert_non_null(strstr(fix, "systemctl restart ssh"));
	free(fix);
	/* decisions, never run by the fix script */
	assert_int_equal(f->remedy.n, 2);
	assert_int_equal(f->remedy.v[0].kind, ACT_MANUAL);
	assert_int_equal(f->remedy.v[1].kind, ACT_MANUAL);
	assert_string_equal(f->remedy.v[1].text, "restart sshd from the installed binary "
	    "(sessions already open stay up): systemctl restart ssh");
	host_result_free(&r);

	/* not Debian: the unit's name is not known, prose */
	free(s.sshd_version);
	s.sshd_version = xstrdup("OpenSSH_9.9p1");
	free(s.net.banner);
	s.net.banner = xstrdup("SSH-2.0-OpenSSH_9.8");
	scan(&s, &r);
	f = tu_find(&r, "sshd.version-mismatch", NULL, NULL);
	assert_non_null(f);
	assert_int_equal(f->remedy.n, 2);
	assert_int_equal(f->remedy.v[1].kind, ACT_MANUAL);
	fix = remedy_text(&f->remedy);
	assert_non_null(strstr(fix, "ss -ltnp"));
	assert_non_null(strstr(fix, "systemctl restart sshd"));
	free(fix);
	host_result_free(&r);

	/* the same sshd: nothing */
	free(s.net.banner);
	s.net.banner = xstrdup("SSH-2.0-OpenSSH_9.9");
	scan(&s, &r);
	assert_int_equal(tu_count(&r, "sshd.version-mismatch"), 0);
	host_result_free(&r);
	snapshot_free(&s);
}

/* --- the facts travel ---------------------------------------------------------- */

static void
rec(struct buf *b, const char *tag, const char *v)
{
	buf_printf(b, "%s %zu\n%s\n", tag, strlen(v), v);
}

static void
test_facts_roundtrip(void **state)
{
	struct snapshot s, t;
	struct buf b;
	char *err = NULL, *json;

	buf_init(&b);
	buf_puts(&b, "KACOLLECT 1\n");
	rec(&b, "sshdtran", "1");
	rec(&b, "sshdtrc", "255");
	rec(&b, "sshdterr", "/etc/ssh/sshd_config: line 1: Bad configuration option: Foo");
	rec(&b, "sshdg", "Port 22\n");
	rec(&b, "sshdgerr", "");
	rec(&b, "end", "");
	snapshot_init(&s);
	assert_int_equal(collect_stream_parse(b.data, b.len, "t", "exec", &s, &err), 0);
	assert_int_equal(s.sshd_test_ran, 1);
	assert_int_equal(s.sshd_test_rc, 255);
	assert_string_equal(s.sshd_g, "Port 22\n");
	assert_null(s.sshd_g_err);
	json = snapshot_to_json(&s);
	snapshot_init(&t);
	assert_int_equal(snapshot_from_json(json, strlen(json), "t", &t, &err), 0);
	assert_int_equal(t.sshd_test_ran, 1);
	assert_int_equal(t.sshd_test_rc, 255);
	assert_string_equal(t.sshd_test_err, s.sshd_test_err);
	assert_string_equal(t.sshd_g, "Port 22\n");
	free(json);
	snapshot_free(&s);
	snapshot_free(&t);
	buf_free(&b);

	/* out of range */
	buf_init(&b);
	buf_puts(&b, "KACOLLECT 1\n");
	rec(&b, "sshdtrc", "256");
	rec(&b, "end", "");
	snapshot_init(&s);
	assert_int_equal(collect_stream_parse(b.data, b.len, "t", "exec", &s, &err), -1);
	free(err);
	snapshot_free(&s);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_real),
		cmocka_unit_test(test_parse_shapes),
		cmocka_unit_test(test_environmental),
		cmocka_unit_test(test_version_differs),
		cmocka_unit_test(test_camelcase_dump),
		cmocka_unit_test(test_check_refusal),
		cmocka_unit_test(test_check_accepted),
		cmocka_unit_test(test_check_g_disagrees),
		cmocka_unit_test(test_check_version_mismatch),
		cmocka_unit_test(test_facts_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
