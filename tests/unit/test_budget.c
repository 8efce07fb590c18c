/* test_budget.c - per-host budgets (engine.h): what one host's answer may
 * cost the checks. Each budget is reached by a small crafted collector
 * stream with a small limit, and must leave the rest out, say so in one
 * net.budget finding, and leave hosts under their budgets untouched. Also
 * the sharing that keeps honest hosts cheap: one parse per distinct key
 * file content, one effective sshd configuration per Match outcome. */
#include <time.h>

#include "tests/unit/testutil.h"
#include "scanner/context.h"
#include "scanner/transport/collector.h"

static void
rec(struct buf *b, const char *tag, const char *v)
{
	buf_printf(b, "%s %zu\n%s\n", tag, strlen(v), v);
}

static void
path(struct buf *b, const char *p, const char *st, const char *data)
{
	rec(b, "path", p);
	rec(b, "stat", st);
	if (data != NULL)
		rec(b, "data", data);
}

/* A key line, then lines-1 lines sshd skips ("x": akeys.bad-key each). */
static char *
keyfile(int lines, const char *tag)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA %s\n",
	    tag);
	for (int i = 1; i < lines; i++)
		buf_puts(&b, "x\n");
	return buf_steal(&b);
}

/*
 * users accounts u0.. (all audited); shared: they share /home/s and its
 * key file of lines lines, else each has its own home and a file of its
 * own content. config: sshd_config text.
 */
static void
stream_x(struct buf *b, int users, int shared, int lines, const char *config,
    const char *extra)
{
	struct buf pw;
	char *ak;

	buf_init(&pw);
	for (int i = 0; i < users; i++)
		buf_printf(&pw, "u%d:x:%d:%d::/home/%s%d:/bin/sh\n", i, 1000 + i, 1000 + i,
		    shared ? "s" : "h", shared ? 0 : i);
	buf_init(b);
	buf_puts(b, "KACOLLECT 1\n");
	rec(b, "host", "budget");
	rec(b, "time", "1700000000");
	rec(b, "euid", "0");
	rec(b, "config", "/etc/ssh/sshd_config");
	path(b, "/", "41ed 0 0 4096 1", NULL);
	path(b, "/etc", "41ed 0 0 4096 1", NULL);
	path(b, "/etc/ssh", "41ed 0 0 4096 1", NULL);
	path(b, "/etc/ssh/sshd_config", "81a4 0 0 10 1", config);
	path(b, "/etc/passwd", "81a4 0 0 10 1", pw.data);
	path(b, "/home", "41ed 0 0 4096 1", NULL);
	for (int i = 0; i < (shared ? 1 : users); i++) {
		char h[64], st[64], tag[16];

		snprintf(h, sizeof(h), "/home/%s%d", shared ? "s" : "h", i);
		snprintf(st, sizeof(st), "41ed %d %d 4096 1", 1000 + i, 1000 + i);
		path(b, h, st, NULL);
		snprintf(h, sizeof(h), "/home/%s%d/.ssh", shared ? "s" : "h", i);
		snprintf(st, sizeof(st), "41c0 %d %d 4096 1", 1000 + i, 1000 + i);
		path(b, h, st, NULL);
		snprintf(h, sizeof(h), "/home/%s%d/.ssh/authorized_keys", shared ? "s" : "h", i);
		snprintf(st, sizeof(st), "8180 %d %d 10 1", 1000 + i, 1000 + i);
		snprintf(tag, sizeof(tag), "k%d", shared ? 0 : i);
		ak = keyfile(lines, tag);
		path(b, h, st, ak);
		free(ak);
	}
	if (extra != NULL)
		buf_puts(b, extra);
	rec(b, "all", "");
	rec(b, "end", "");
	buf_free(&pw);
}

static void
stream(struct buf *b, int users, int shared, int lines, const char *config)
{
	stream_x(b, users, shared, lines, config, NULL);
}

static void
parse(struct buf *b, struct snapshot *s)
{
	char *err = NULL;

	snapshot_init(s);
	if (collect_stream_parse(b->data, b->len, "budget", "ssh", s, &err) != 0)
		fail_msg("stream: %s", err);
	buf_free(b);
}

static size_t
count(const struct ka_host_result *r, const struct ka_rule *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		n += r->findings[i].rule == rule;
	return n;
}

/* The host's net.budget message, or NULL (there must be at most one). */
static const char *
budget_msg(const struct ka_host_result *r)
{
	const char *m = NULL;

	assert_true(count(r, &rule_net_budget) <= 1);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule == &rule_net_budget)
			m = r->findings[i].message;
	return m;
}

static void
check(struct snapshot *s, const struct ka_budget *b, struct ka_host_result *r)
{
	struct ka_options o;

	memset(&o, 0, sizeof(o));
	host_result_init(r, "budget");
	engine_check_host(s, &o, b, r, NULL);
}

/* Under every budget: no net.budget, every line judged. */
static void
test_under_budget(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;

	stream(&b, 4, 1, 20, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, NULL, &r);
	assert_null(budget_msg(&r));
	assert_int_equal(count(&r, &rule_akeys_bad_key), 4 * 19);
	host_result_free(&r);
	snapshot_free(&s);
}

/* 20 accounts sharing one 51-line file: only the accounts whose lines fit
 * the budget are examined, and the finding says how many were not. */
static void
test_account_lines(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .pairs = 200 };
	const char *m;

	stream(&b, 20, 1, 51, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	assert_non_null(strstr(m, "accounts x key lines: limit 200 key lines examined over "
	    "all accounts; 17 accounts (867 lines) whose keys were not examined"));
	assert_int_equal(count(&r, &rule_akeys_bad_key), 3 * 50);
	/* no verdict about lines that were not read */
	assert_int_equal(count(&r, &rule_akeys_no_usable_key), 0);
	assert_int_equal(r.keys.n, 3);
	for (size_t i = 0; i < r.nfindings; i++)
		if (r.findings[i].rule == &rule_net_budget)
			assert_true(r.findings[i].severity == SEV_HIGH && !r.findings[i].blocks_login);
	host_result_free(&r);
	snapshot_free(&s);
}

static void
test_findings(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .findings = 40 };
	const char *m;
	size_t about_users = 0;

	stream(&b, 3, 1, 100, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	/* findings about accounts stop at 38 in all; the host's own still
	 * fit after them (keys.shared comes from the last family), and the
	 * budget finding comes on top */
	for (size_t i = 0; i < r.nfindings; i++)
		about_users += r.findings[i].user != NULL;
	assert_true(about_users > 20);
	assert_int_equal(r.nfindings - count(&r, &rule_keys_shared) - 1, 38);
	assert_int_equal(count(&r, &rule_sshd_password_auth), 1);
	assert_int_equal(count(&r, &rule_keys_shared), 1);
	assert_non_null(strstr(m, "findings: limit 40 per host (38 about accounts); "));
	assert_non_null(strstr(m, " more not recorded (akeys.bad-key "));
	host_result_free(&r);
	snapshot_free(&s);
}

static void
test_accounts(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .accounts = 5 };
	const char *m;

	stream(&b, 8, 1, 2, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	assert_non_null(strstr(m, "accounts: limit 5 per host; 3 more accounts not audited"));
	assert_int_equal(r.keys.n, 5);
	host_result_free(&r);
	snapshot_free(&s);
}

/* Distinct contents each cost their lines once; past the budget a file is
 * not parsed and its accounts' keys are not examined. */
static void
test_key_lines(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .key_lines = 120 };
	const char *m;

	stream(&b, 3, 0, 50, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	assert_non_null(strstr(m, "key lines: limit 120 authorized_keys lines parsed per "
	    "host; 1 files (50 lines) not parsed"));
	assert_non_null(strstr(m, "1 accounts (50 lines) whose keys were not examined"));
	assert_int_equal(count(&r, &rule_akeys_bad_key), 2 * 49);
	host_result_free(&r);
	snapshot_free(&s);
}

/* One parse per distinct content, whatever the path. */
static void
test_parse_once(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_ctx ctx;
	const struct ak_file *a, *c;
	struct snap_file *f;

	stream(&b, 2, 0, 5, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	/* give h1's file h0's content */
	f = (struct snap_file *)snap_file_get(&s, "/home/h1/.ssh/authorized_keys");
	free(f->content);
	f->content = xstrdup(snap_file_get(&s, "/home/h0/.ssh/authorized_keys")->content);
	f->content_len = strlen(f->content);
	host_result_init(&r, "budget");
	ctx_init(&ctx, &s, NULL, &r);
	a = ctx_akfile(&ctx, "/home/h0/.ssh/authorized_keys", "h0");
	c = ctx_akfile(&ctx, "/home/h1/.ssh/authorized_keys", "h1");
	assert_non_null(a);
	assert_ptr_equal(a, c);
	assert_int_equal(ctx.budget.key_lines, 5);
	ctx_free(&ctx);
	host_result_free(&r);
	snapshot_free(&s);
}

/* Accounts with the same Match outcome share one effective configuration;
 * past the budget of distinct ones, an account is not audited. */
static void
test_effs(void **state)
{
	static const char cfg[] = "PubkeyAuthentication yes\nMatch User u1\n"
	    "\tPasswordAuthentication no\n";
	struct buf b;
	struct snapshot s;
	struct ka_host_result r, r2;
	struct ka_ctx ctx;
	struct ka_budget bud = { .effs = 1 };
	const char *m;

	stream(&b, 3, 1, 2, cfg);
	parse(&b, &s);
	host_result_init(&r, "budget");
	ctx_init(&ctx, &s, NULL, &r);
	assert_int_equal(ctx.nusers, 3);
	assert_ptr_equal(ctx.users[0].eff, ctx.users[2].eff);
	assert_ptr_not_equal(ctx.users[0].eff, ctx.users[1].eff);
	assert_int_equal(sshd_eff_bool(ctx.users[1].eff, "passwordauthentication"), 0);
	assert_int_equal(sshd_eff_bool(ctx.users[0].eff, "passwordauthentication"), 1);
	ctx_free(&ctx);
	host_result_free(&r);

	check(&s, &bud, &r2);
	m = budget_msg(&r2);
	assert_non_null(m);
	assert_non_null(strstr(m, "sshd configurations: limit 1 distinct effective "
	    "configurations (Match outcomes, differing sshd -T answers) per host; 1 accounts "
	    "with another one not audited"));
	assert_int_equal(r2.keys.n, 2);
	host_result_free(&r2);
	snapshot_free(&s);
}

/* The host's own sshd -T answers that differ from keyaudit's count as
 * configurations of their own: a host can send one for every account. */
static void
test_sshd_t(void **state)
{
	struct buf b, x;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .effs = 2 };
	const char *m;

	buf_init(&x);
	for (int i = 0; i < 3; i++) {
		char u[16];

		snprintf(u, sizeof(u), "u%d", i);
		rec(&x, "tuser", u);
		rec(&x, "tout", "pubkeyauthentication no");
	}
	stream_x(&b, 3, 1, 2, "PubkeyAuthentication yes\n", x.data);
	buf_free(&x);
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	assert_non_null(strstr(m, "per host; 2 accounts with another one not audited"));
	/* the one audited account is judged by what its sshd said */
	assert_int_equal(count(&r, &rule_sshd_engine_disagrees), 1);
	host_result_free(&r);
	snapshot_free(&s);
}

/* A deadline already past: no family that reads the host's data starts,
 * net still judges the connection, and the finding says what was left. */
static void
test_deadline(void **state)
{
	struct buf b;
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .deadline = 1, .timeout = 7 };
	const char *m;
	int net_ran = 0;

	stream(&b, 4, 1, 20, "PubkeyAuthentication yes\n");
	parse(&b, &s);
	check(&s, &bud, &r);
	m = budget_msg(&r);
	assert_non_null(m);
	assert_non_null(strstr(m, "deadline: --timeout 7 s passed while checking, 4 accounts "
	    "not set up"));
	assert_non_null(strstr(m, "not run: account sshd"));
	assert_non_null(strstr(m, " akeys "));
	assert_int_equal(count(&r, &rule_akeys_bad_key), 0);
	for (size_t i = 0; i < r.nran; i++)
		net_ran |= r.ran[i] == &rule_net_error;
	assert_true(net_ran);
	host_result_free(&r);
	snapshot_free(&s);
}

/* A host whose collection ran into the deadline has nothing left to
 * check: its net finding says why, and no net.budget is added. */
static void
test_deadline_net_only(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	struct ka_budget bud = { .deadline = 1, .timeout = 7 };

	snapshot_init(&s);
	s.target = xstrdup("slow");
	s.net.probed = 1;
	s.net_only = 1;
	s.net.failure = xstrdup("timeout");
	s.net.error = xstrdup("no answer in 7 s");
	check(&s, &bud, &r);
	assert_null(budget_msg(&r));
	assert_int_equal(count(&r, &rule_net_timeout), 1);
	host_result_free(&r);
	snapshot_free(&s);
}

/* Users and glob matches are deduplicated through a hash set (a walk over
 * every record before was quadratic: 10^6 users took hours): the same
 * lists, in the same order, as before. */
static void
test_stream_dedupe(void **state)
{
	struct buf b;
	struct snapshot s;
	const struct snap_glob *g;
	char *err = NULL;

	buf_init(&b);
	buf_puts(&b, "KACOLLECT 1\n");
	rec(&b, "user", "a");
	rec(&b, "user", "b");
	rec(&b, "user", "a");
	rec(&b, "glob", "/g/*");
	rec(&b, "gm", "/g/x");
	rec(&b, "gm", "/g/y");
	rec(&b, "gm", "/g/x");
	rec(&b, "glob", "/h/*");
	rec(&b, "gm", "/g/x");
	rec(&b, "glob", "/g/*");
	rec(&b, "gm", "/g/y");
	rec(&b, "gm", "/g/z");
	for (int i = 0; i < 5000; i++) {
		char u[16];

		snprintf(u, sizeof(u), "u%d", i % 2500);
		rec(&b, "user", u);
	}
	rec(&b, "end", "");
	snapshot_init(&s);
	assert_int_equal(collect_stream_parse(b.data, b.len, "t", "ssh", &s, &err), 0);
	buf_free(&b);
	assert_int_equal(s.users.n, 2 + 2500);
	assert_string_equal(s.users.v[0], "a");
	assert_string_equal(s.users.v[1], "b");
	assert_string_equal(s.users.v[2], "u0");
	assert_string_equal(s.users.v[2501], "u2499");
	g = snap_glob_get(&s, "/g/*");
	assert_non_null(g);
	assert_int_equal(g->matches.n, 3);
	assert_string_equal(g->matches.v[0], "/g/x");
	assert_string_equal(g->matches.v[1], "/g/y");
	assert_string_equal(g->matches.v[2], "/g/z");
	assert_int_equal(snap_glob_get(&s, "/h/*")->matches.n, 1);
	snapshot_free(&s);
}

/* The same verdicts name the same configuration; a stop hook ends the walk. */
static int
stop_now(void *arg)
{
	(void)arg;
	return 1;
}

static void
test_match_key(void **state)
{
	struct sshd_config *c = sshdconf_parse_text("t", "Match User a*\n\tX11Forwarding yes\n"
	    "Match Address 10.0.0.0/8\n\tPermitTTY no\n", 0);
	struct sshd_conn x = { .user = "al" }, y = { .user = "ann" }, z = { .user = "bo" };
	struct buf kx, ky, kz;

	buf_init(&kx);
	buf_init(&ky);
	buf_init(&kz);
	assert_int_equal(sshdconf_match_key(c, &x, &kx), 0);
	assert_int_equal(sshdconf_match_key(c, &y, &ky), 0);
	assert_int_equal(sshdconf_match_key(c, &z, &kz), 0);
	assert_string_equal(kx.data, "10");
	assert_string_equal(ky.data, kx.data);
	assert_string_equal(kz.data, "00");
	buf_free(&kz);
	buf_init(&kz);
	z.stop = stop_now;
	assert_int_equal(sshdconf_match_key(c, &z, &kz), -1);
	buf_free(&kx);
	buf_free(&ky);
	buf_free(&kz);
	sshdconf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under_budget),
		cmocka_unit_test(test_account_lines),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_key_lines),
		cmocka_unit_test(test_parse_once),
		cmocka_unit_test(test_effs),
		cmocka_unit_test(test_sshd_t),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_deadline_net_only),
		cmocka_unit_test(test_match_key),
		cmocka_unit_test(test_stream_dedupe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
