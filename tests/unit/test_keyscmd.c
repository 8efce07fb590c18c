/* test_keyscmd.c - AuthorizedKeysCommand (scanner/keyscmd.c, checks/keyscmd.c,
 * its output judged by checks/akeys.c) and the SELinux facts: sshd's rules
 * for running the command (auth2-pubkey.c, misc.c subprocess/safe_path)
 * over snapshots, a run's output judged like a file, and the new snapshot
 * fields through JSON and the collector stream. This machine has no
 * SELinux: perm.selinux-label is tested from fixtures
 * (fixtures/snapshots/perm-selinux-*.json, test_fixtures) and here. */
#include "tests/unit/testutil.h"

#include "scanner/parse/authkeys.h"
#include "scanner/parse/collect_stream.h"
#include "scanner/parse/sshwords.h"

#define BASE "fixtures/snapshots/akeys-missing-with-command.json"
#define PROG "/usr/local/bin/ldap-keys"
#define KEY "fixtures/certs/ca_ed25519.pub"

static void
config(struct snapshot *s, const char *cmd, const char *user)
{
	char *c = xasprintf("PasswordAuthentication no\nAuthorizedKeysCommand %s\n"
	    "AuthorizedKeysCommandUser %s\n", cmd, user);

	tu_put_file(s, "/etc/ssh/sshd_config", 0644, 0, c);
	free(c);
}

static void
check(struct snapshot *s, struct ka_host_result *r)
{
	struct ka_options o = { 0 };

	host_result_init(r, s->target);
	engine_check_snapshot(s, &o, r);
}

static int
blocks(const struct ka_host_result *r, const char *id)
{
	const struct ka_finding *f = tu_find(r, id, "alice", NULL);

	return f != NULL && f->blocks_login;
}

/* The command sshd runs: no finding says the login fails. */
static void
test_unrun(void **state)
{
	struct snapshot s;
	struct ka_host_result r;

	(void)state;
	tu_load_snapshot(BASE, &s);
	check(&s, &r);
	assert_non_null(tu_find(&r, "sshd.keys-command", "alice", NULL));
	assert_null(tu_find(&r, "akeys.missing", "alice", NULL));
	assert_null(tu_find(&r, "sshd.keys-command-failed", "alice", NULL));
	host_result_free(&r);
	snapshot_free(&s);
}

/* Each of sshd's refusals is sshd.keys-command-failed, and with no key
 * file the account has no key at all. */
static void
test_refusals(void **state)
{
	static const struct {
		const char *cmd, *user, *want;
		uint32_t fmode, fuid, dmode;
	} cases[] = {
		{ PROG " %u", "nobody", "bad ownership or modes for file", 0755, 1000, 0755 },
		{ PROG " %u", "nobody", "bad ownership or modes for file", 0775, 0, 0755 },
		{ PROG " %u", "nobody", "bad ownership or modes for directory", 0755, 0, 0777 },
		{ PROG " %u", "nobody", "not executable by nobody", 0750, 0, 0755 },
		{ PROG " %u", "ghost", "\"ghost\" is no account", 0755, 0, 0755 },
		{ PROG " %u", "none", "No user for AuthorizedKeysCommand", 0755, 0, 0755 },
		{ PROG " %C", "nobody", "uses %C, a token sshd 9.2", 0755, 0, 0755 },
		{ PROG " %i", "nobody", "uses %i", 0755, 0, 0755 },
		{ "/usr/local/bin/missing", "nobody", "No such file", 0755, 0, 0755 },
		{ PROG, "%h", "AuthorizedKeysCommandUser \"%h\" uses %h", 0755, 0, 0755 },
	};

	(void)state;
	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		struct snapshot s;
		struct ka_host_result r;
		struct snap_file *f;
		const struct ka_finding *kf;

		tu_load_snapshot(BASE, &s);
		config(&s, cases[i].cmd, cases[i].user);
		f = (struct snap_file *)snap_file_get(&s, PROG);
		f->mode = cases[i].fmode;
		f->uid = cases[i].fuid;
		((struct snap_file *)snap_file_get(&s, "/usr/local/bin"))->mode = cases[i].dmode;
		snap_file_add(&s, "/usr/local/bin/missing")->type = SNAP_NOENT;
		check(&s, &r);
		kf = tu_find(&r, "sshd.keys-command-failed", "alice", NULL);
		if (kf == NULL || strstr(kf->message, cases[i].want) == NULL)
			fail_msg("case %zu (%s as %s): want \"%s\", got %s", i, cases[i].cmd,
			    cases[i].user, cases[i].want, kf ? kf->message : "nothing");
		assert_true(blocks(&r, "sshd.keys-command-failed"));
		assert_true(blocks(&r, "akeys.missing"));
		assert_null(tu_find(&r, "sshd.keys-command", "alice", NULL));
		host_result_free(&r);
		snapshot_free(&s);
	}
}

/* %C and %D exist from 9.4 (auth2-pubkey.c, d1ffde6b5); %U from 7.8. */
static void
test_tokens_by_release(void **state)
{
	static const struct {
		const char *version, *cmd;
		int refused;
	} cases[] = {
		{ "OpenSSH_9.2p1 Debian-2+deb12u3", PROG " %C", 1 },
		{ "OpenSSH_9.6p1 Ubuntu-3ubuntu13", PROG " %C %D", 0 },
		{ "OpenSSH_7.4p1", PROG " %U", 1 },
		{ "OpenSSH_8.0p1", PROG " %U %u %h %t %f %k %%", 0 },
	};

	(void)state;
	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		struct snapshot s;
		struct ka_host_result r;

		tu_load_snapshot(BASE, &s);
		free(s.sshd_version);
		s.sshd_version = xstrdup(cases[i].version);
		config(&s, cases[i].cmd, "nobody");
		check(&s, &r);
		if ((tu_find(&r, "sshd.keys-command-failed", "alice", NULL) != NULL) !=
		    cases[i].refused)
			fail_msg("%s: %s: refused should be %d", cases[i].version,
			    cases[i].cmd, cases[i].refused);
		host_result_free(&r);
		snapshot_free(&s);
	}
}

/* The argument vector: tokens expanded with the key's values, the user
 * name appended to a command without arguments, argv[0] never expanded. */
static void
test_argv(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	struct ka_ctx ctx;
	struct ka_options o = { 0 };
	struct ak_line key;
	size_t len;
	char *text = tu_read_file(KEY, &len), **av, *why = NULL;
	int ac, nk;

	(void)state;
	ak_parse_line(text, strcspn(text, "\n"), 1, &key);
	assert_int_equal(key.status, AK_KEY);
	tu_load_snapshot(BASE, &s);
	config(&s, PROG " -u %u -U %U -h %h %t %f %%k", "nobody");
	host_result_init(&r, "t");
	ctx_init(&ctx, &s, &o, &r);
	av = ctx_keys_command_argv(&ctx, &ctx.users[0], &key, &ac, &nk, &why);
	assert_non_null(av);
	assert_true(nk);
	assert_int_equal(ac, 10);
	assert_string_equal(av[0], PROG);
	assert_string_equal(av[2], "alice");
	assert_string_equal(av[4], "1000");
	assert_string_equal(av[6], "/home/alice");
	assert_string_equal(av[7], "ssh-ed25519");
	assert_string_equal(av[8], key.fp);
	assert_string_equal(av[9], "%k");
	ssh_argv_free(av, ac);
	ctx_free(&ctx);
	host_result_free(&r);
	snapshot_free(&s);

	tu_load_snapshot(BASE, &s);
	config(&s, PROG, "nobody");
	host_result_init(&r, "t");
	ctx_init(&ctx, &s, &o, &r);
	av = ctx_keys_command_argv(&ctx, &ctx.users[0], NULL, &ac, &nk, &why);
	assert_int_equal(ac, 2);
	assert_false(nk);
	assert_string_equal(av[1], "alice");
	ssh_argv_free(av, ac);
	ctx_free(&ctx);
	host_result_free(&r);
	snapshot_free(&s);
	ak_line_free(&key);
	free(text);
}

/* A run's output is judged like a file: its key makes the account fine, a
 * line with bad options is akeys.bad-options under the command's name with
 * a fix that edits nothing; a failed run gives nothing. */
static void
test_ran(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	struct snap_keyscmd *k;
	const struct ka_finding *f;
	size_t len;
	char *text = tu_read_file(KEY, &len);

	(void)state;
	tu_load_snapshot(BASE, &s);
	k = snap_keyscmd_add(&s, "alice");
	k->ran = 1;
	k->status = 0;
	k->runas = xstrdup("nobody");
	k->command = xstrdup(PROG " alice");
	k->output = xasprintf("# from LDAP\nbogus-option %s", text);
	k->len = strlen(k->output);
	check(&s, &r);
	f = tu_find(&r, "akeys.bad-options", "alice", "AuthorizedKeysCommand " PROG);
	assert_non_null(f);
	assert_int_equal(f->line, 2);
	assert_non_null(strstr(tu_fix(f), "change what " PROG " prints"));
	/* that was its only key: the account has none sshd would accept */
	assert_true(blocks(&r, "akeys.no-usable-key"));
	assert_non_null(tu_find(&r, "sshd.keys-command", "alice", NULL));
	host_result_free(&r);

	free(k->output);
	k->output = xstrdup(text);
	k->len = strlen(text);
	check(&s, &r);
	assert_null(tu_find(&r, "akeys.no-usable-key", "alice", NULL));
	assert_null(tu_find(&r, "akeys.missing", "alice", NULL));
	host_result_free(&r);

	/* exit 1: sshd ignores the output, however good */
	k->status = 1;
	check(&s, &r);
	f = tu_find(&r, "sshd.keys-command-failed", "alice", NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "exited with status 1"));
	assert_true(blocks(&r, "akeys.missing"));
	host_result_free(&r);

	/* not run (a key token in a scan): open, as if not asked */
	k->ran = 0;
	k->status = -1;
	k->error = xstrdup("its arguments use %t, %f or %k");
	check(&s, &r);
	f = tu_find(&r, "sshd.keys-command", "alice", NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "%t, %f or %k"));
	assert_null(tu_find(&r, "akeys.missing", "alice", NULL));
	host_result_free(&r);
	snapshot_free(&s);
	free(text);
}

/* A failing command blocks nothing when the files hold a usable key. */
static void
test_files_first(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	size_t len;
	char *text = tu_read_file(KEY, &len);

	(void)state;
	tu_load_snapshot(BASE, &s);
	config(&s, PROG " %u", "ghost");
	tu_put_file(&s, "/home/alice/.ssh/authorized_keys", 0600, 1000, text);
	check(&s, &r);
	assert_non_null(tu_find(&r, "sshd.keys-command-failed", "alice", NULL));
	assert_false(blocks(&r, "sshd.keys-command-failed"));
	assert_null(tu_find(&r, "akeys.missing", "alice", NULL));
	host_result_free(&r);
	snapshot_free(&s);
	free(text);
}

/* keys_commands, a file's selinux and the SELinux mode survive JSON, and
 * the collector's semode and selinux records land in the same fields. */
static void
test_snapshot_fields(void **state)
{
	struct snapshot s, t;
	struct snap_keyscmd *k;
	char *json, *err = NULL;
	struct buf b;

	(void)state;
	tu_load_snapshot(BASE, &s);
	s.selinux = xstrdup("enforcing");
	snap_file_add(&s, "/home/alice")->selinux =
	    xstrdup("unconfined_u:object_r:user_home_dir_t:s0");
	k = snap_keyscmd_add(&s, "alice");
	k->ran = 1;
	k->status = 3;
	k->command = xstrdup(PROG " alice");
	k->runas = xstrdup("nobody");
	k->output = xstrdup("line\n\001bin");
	k->len = strlen(k->output);
	k->truncated = 1;
	k->key_fp = xstrdup("SHA256:x");
	json = snapshot_to_json(&s);
	snapshot_init(&t);
	if (snapshot_from_json(json, strlen(json), "t", &t, &err) != 0)
		fail_msg("%s", err);
	assert_string_equal(t.selinux, "enforcing");
	assert_string_equal(snap_file_get(&t, "/home/alice")->selinux,
	    "unconfined_u:object_r:user_home_dir_t:s0");
	assert_int_equal(t.nkeyscmds, 1);
	assert_string_equal(t.keyscmds[0].user, "alice");
	assert_int_equal(t.keyscmds[0].status, 3);
	assert_true(t.keyscmds[0].ran);
	assert_true(t.keyscmds[0].truncated);
	assert_int_equal(t.keyscmds[0].len, k->len);
	assert_memory_equal(t.keyscmds[0].output, k->output, k->len);
	assert_string_equal(t.keyscmds[0].runas, "nobody");
	assert_string_equal(t.keyscmds[0].key_fp, "SHA256:x");
	free(json);
	snapshot_free(&t);
	snapshot_free(&s);

	buf_init(&b);
	buf_puts(&b, "KACOLLECT 1\n");
	buf_puts(&b, "semode 9\nenforcing\n");
	buf_puts(&b, "path 6\n/home/\n");
	buf_puts(&b, "stat 20\n41ed 0 0 4096 170000\n");
	buf_puts(&b, "path 6\n/home/\n");
	buf_puts(&b, "selinux 29\nsystem_u:object_r:home_root_t\n");
	buf_puts(&b, "end 0\n\n");
	snapshot_init(&t);
	if (collect_stream_parse(b.data, b.len, "h", "ssh", &t, &err) != 0)
		fail_msg("%s", err);
	assert_string_equal(t.selinux, "enforcing");
	assert_string_equal(snap_file_get(&t, "/home/")->selinux,
	    "system_u:object_r:home_root_t");
	assert_int_equal(snap_file_get(&t, "/home/")->mode, 0755);
	snapshot_free(&t);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unrun),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_tokens_by_release),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_ran),
		cmocka_unit_test(test_files_first),
		cmocka_unit_test(test_snapshot_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
