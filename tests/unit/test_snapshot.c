/* test_snapshot.c - the snapshot model's own logic: path resolution over
 * recorded lstat results, the path index, passwd/group/shadow parsing, and
 * the JSON round trip. */
#include "tests/unit/testutil.h"
#include "scanner/parse/passwd.h"
#include "scanner/parse/snapjson.h"

static struct snap_file *
add(struct snapshot *s, const char *path, enum snap_ftype t, const char *link)
{
	struct snap_file *f = snap_file_add(s, path);

	f->type = t;
	f->mode = t == SNAP_DIR ? 0755 : 0644;
	if (link)
		f->link = xstrdup(link);
	return f;
}

static void
tree(struct snapshot *s)
{
	snapshot_init(s);
	add(s, "/", SNAP_DIR, NULL);
	add(s, "/home", SNAP_DIR, NULL);
	add(s, "/home/a", SNAP_DIR, NULL);
	add(s, "/home/a/.ssh", SNAP_LNK, "../../srv/a");
	add(s, "/srv", SNAP_DIR, NULL);
	add(s, "/srv/a", SNAP_DIR, NULL);
	add(s, "/srv/a/authorized_keys", SNAP_REG, NULL);
	add(s, "/loop1", SNAP_LNK, "/loop2");
	add(s, "/loop2", SNAP_LNK, "loop1");
	add(s, "/file", SNAP_REG, NULL);
	add(s, "/gone", SNAP_NOENT, NULL);
	add(s, "/abs", SNAP_LNK, "/srv//a/./");
}

static void
expect_resolve(struct snapshot *s, const char *in, const char *want, const char *why_want)
{
	char *out = NULL;
	const char *why = NULL;
	int rc = snap_realpath(s, in, &out, &why);

	if (want != NULL) {
		if (rc != 0)
			fail_msg("%s: failed (%s), wanted %s", in, why, want);
		assert_string_equal(out, want);
		free(out);
	} else {
		assert_int_equal(rc, -1);
		assert_null(out);
		assert_string_equal(why, why_want);
	}
}

static void
test_realpath(void **state)
{
	struct snapshot s;

	tree(&s);
	expect_resolve(&s, "/home/a/.ssh/authorized_keys", "/srv/a/authorized_keys", NULL);
	expect_resolve(&s, "//home/./a/../a/.ssh/authorized_keys", "/srv/a/authorized_keys", NULL);
	expect_resolve(&s, "/abs/authorized_keys", "/srv/a/authorized_keys", NULL);
	/* ".." after a symlink is physical: /home/a/.ssh/.. is /srv, not /home/a */
	expect_resolve(&s, "/home/a/.ssh/../a/authorized_keys", "/srv/a/authorized_keys", NULL);
	expect_resolve(&s, "/", "/", NULL);
	expect_resolve(&s, "/loop1", NULL, "loop");
	expect_resolve(&s, "/file/x", NULL, "notdir");
	expect_resolve(&s, "/gone/x", NULL, "missing");
	expect_resolve(&s, "/notcollected", NULL, "unknown");
	snapshot_free(&s);
}

static void
test_paths(void **state)
{
	char *p;

	p = path_dirname("/a/b/c");
	assert_string_equal(p, "/a/b");
	free(p);
	p = path_dirname("/a");
	assert_string_equal(p, "/");
	free(p);
	p = path_dirname("/");
	assert_string_equal(p, "/");
	free(p);
	p = path_join("/home/u", ".ssh/../.ssh/authorized_keys");
	assert_string_equal(p, "/home/u/.ssh/authorized_keys");
	free(p);
	p = path_join("/home/u", "/etc/keys");
	assert_string_equal(p, "/etc/keys");
	free(p);
}

static void
test_index_many(void **state)
{
	struct snapshot s;
	char path[64];

	snapshot_init(&s);
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/p/%d", i);
		snap_file_add(&s, path)->size = i;
	}
	assert_int_equal(s.nfiles, 5000);
	for (int i = 0; i < 5000; i += 7) {
		snprintf(path, sizeof(path), "/p/%d", i);
		assert_non_null(snap_file_get(&s, path));
		assert_int_equal(snap_file_get(&s, path)->size, i);
	}
	assert_null(snap_file_get(&s, "/p/5000"));
	/* adding an existing path returns the same entry */
	assert_ptr_equal(snap_file_add(&s, "/p/3"), snap_file_get(&s, "/p/3"));
	assert_int_equal(s.nfiles, 5000);
	snapshot_free(&s);
}

static void
test_passwd(void **state)
{
	const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
	    "# comment\n"
	    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\r\n"
	    "alice:x:2000:2000::/other:/bin/sh\n"	/* getpwnam takes the first */
	    "broken:x:notanumber:1::/:/bin/sh\n"
	    "short:x:1:1\n"
	    "+nisuser\n"
	    "nl:x:5:5::/h:";				/* no trailing newline */
	const char gr[] = "root:x:0:\nstaff:x:50:alice,bob\nalice:x:1000:\n";
	const char sh[] = "alice:!$6$salt$hash:19000:0:99999:7::20000:\nroot:*:19000::::::\n";
	struct snapshot s;
	const struct snap_account *a;
	const struct snap_group *g;

	snapshot_init(&s);
	passwd_parse(pw, sizeof(pw) - 1, &s);
	group_parse(gr, sizeof(gr) - 1, &s);
	shadow_apply(sh, sizeof(sh) - 1, &s);
	assert_int_equal(s.naccounts, 3);
	a = snap_account_by_name(&s, "alice");
	assert_non_null(a);
	assert_int_equal(a->uid, 1000);
	assert_string_equal(a->home, "/home/alice");
	assert_string_equal(a->shell, "/bin/bash");
	assert_true(a->shadow_known);
	assert_true(a->locked);
	assert_int_equal(a->expire_day, 20000);
	a = snap_account_by_name(&s, "root");
	assert_false(a->locked);
	assert_int_equal(a->expire_day, -1);
	a = snap_account_by_name(&s, "nl");
	assert_non_null(a);
	assert_string_equal(a->shell, "");
	assert_false(a->shadow_known);
	g = snap_group_by_name(&s, "staff");
	assert_int_equal(g->members.n, 2);
	assert_true(snap_account_in_group(&s, snap_account_by_name(&s, "alice"), 50));
	assert_false(snap_account_in_group(&s, snap_account_by_name(&s, "root"), 50));
	snapshot_free(&s);
}

static void
test_json_roundtrip(void **state)
{
	struct snapshot s, s2;
	char *json, *json2, *err = NULL;
	struct snap_file *f;

	tree(&s);
	s.target = xstrdup("t");
	s.collected_at = 1767225600;
	f = snap_file_add(&s, "/bin");
	f->type = SNAP_DIR;
	f = (struct snap_file *)snap_file_get(&s, "/srv/a/authorized_keys");
	f->content = xstrndup("a\0b\xff", 4);	/* not UTF-8: stored as base64 */
	f->content_len = 4;
	f->has_content = 1;
	f->truncated = 1;
	snap_file_deny(f, "b", "Permission denied");
	strlist_add(&s.users, "a");
	{
		/* a forced password change and ageing (pam.password-expired) */
		const char pw[] = "a:x:1000:1000::/home/a:/bin/sh\n";
		const char sh[] = "a:!x:0:0:90:7:7::\n";
		passwd_parse(pw, strlen(pw), &s);
		shadow_apply(sh, strlen(sh), &s);
	}
	json = snapshot_to_json(&s);
	snapshot_init(&s2);
	if (snapshot_from_json(json, strlen(json), "rt", &s2, &err) != 0)
		fail_msg("%s", err);
	f = (struct snap_file *)snap_file_get(&s2, "/srv/a/authorized_keys");
	assert_non_null(f);
	assert_int_equal(f->content_len, 4);
	assert_memory_equal(f->content, "a\0b\xff", 4);
	assert_true(f->truncated);
	assert_null(f->read_error);
	assert_null(snap_unreadable_for(f, "a"));
	assert_string_equal(snap_unreadable_for(f, "b"), "Permission denied");
	assert_string_equal(snap_file_get(&s2, "/home/a/.ssh")->link, "../../srv/a");
	{
		assert_int_equal(snap_account_by_name(&s2, "a")->lastchg_day, 0);
		assert_int_equal(snap_account_by_name(&s2, "a")->max_days, 90);
		assert_int_equal(snap_account_by_name(&s2, "a")->inact_days, 7);
	}
	json2 = snapshot_to_json(&s2);
	assert_string_equal(json, json2);
	free(json);
	free(json2);
	snapshot_free(&s);
	snapshot_free(&s2);
}

static void
test_json_errors(void **state)
{
	static const struct { const char *in, *needle; } cases[] = {
		{ "{", "t.json:1:" },
		{ "[]", "a snapshot is a JSON object" },
		{ "{\"keyaudit_snapshot\": 2}", "keyaudit_snapshot" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"rel\",\"type\":\"dir\"}]}", "files[0]" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"/a\",\"type\":\"dir\",\"mode\":\"0755\"}]}", "uid" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"/a\",\"type\":\"sock\"}]}", "type" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"/a\",\"type\":\"symlink\",\"mode\":\"0777\",\"uid\":0,\"gid\":0}]}", "link" },
		{ "{\"keyaudit_snapshot\":1,\"accounts\":[{\"name\":\"a\",\"uid\":-1,\"gid\":0}]}", "accounts[0]" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"/a\",\"type\":\"missing\"},{\"path\":\"/a\",\"type\":\"missing\"}]}", "duplicate" },
		{ "{\"keyaudit_snapshot\":1,\"users\":\"alice\"}", "users" },
		{ "{\"keyaudit_snapshot\":1,\"files\":[{\"path\":\"/a\",\"type\":\"missing\",\"unreadable_by\":[{\"user\":\"a\"}]}]}", "unreadable_by" },
	};

	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		struct snapshot s;
		char *err = NULL;

		snapshot_init(&s);
		assert_int_equal(snapshot_from_json(cases[i].in, strlen(cases[i].in), "t.json",
		    &s, &err), -1);
		assert_non_null(err);
		if (strstr(err, cases[i].needle) == NULL || strncmp(err, "t.json", 6) != 0)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].needle);
		assert_null(strchr(err, '\n'));
		free(err);
		snapshot_free(&s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_realpath),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_index_many),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
