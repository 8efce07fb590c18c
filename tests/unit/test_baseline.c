/* test_baseline.c - the baseline file (scanner/parse/baseline.c): what it accepts,
 * every error as one line, matching by identity (not message or line),
 * expiry through the day given, stale entries, and a written baseline read
 * back accepting exactly what it was written from. */
#include "tests/unit/testutil.h"
#include "scanner/parse/baseline.h"
#include "scanner/fileio.h"

static const struct ka_rule rule = { .id = "perm.file-mode", .severity = SEV_HIGH, .blocks_login = 1,
    .title = "t", .help = "h" };

static void
expect_err(const char *text, const char *msg)
{
	struct baseline b;
	char *err = NULL;

	assert_int_equal(baseline_parse(text, strlen(text), "bl.json", &b, &err), -1);
	assert_non_null(err);
	if (strcmp(err, msg) != 0)
		fail_msg("got      %s\nexpected %s", err, msg);
	assert_int_equal(b.n, 0);
	free(err);
}

static void
test_parse_and_apply(void **state)
{
	const char *text = "{\"keyaudit_baseline\": 1, \"entries\": ["
	    "{\"check\": \"perm.file-mode\", \"host\": \"web1\", \"user\": \"alice\", "
	    "\"path\": \"/a\", \"reason\": \"ticket 1\", \"expires\": \"2026-01-01\"},"
	    "{\"check\": \"perm.file-mode\", \"host\": \"web1\", \"user\": \"bob\", "
	    "\"path\": \"/b\", \"reason\": \"ticket 2\"},"
	    "{\"check\": \"perm.file-mode\", \"host\": \"web2\", \"reason\": \"gone\"}]}";
	struct baseline b;
	struct ka_host_result h;
	struct strlist stale = { 0 };
	char *err = NULL;

	assert_int_equal(baseline_parse(text, strlen(text), "bl.json", &b, &err), 0);
	assert_int_equal(b.n, 3);
	host_result_init(&h, "web1");
	finding_add(&h, &rule, "alice", "/a", 7, NULL, "worded one way");
	finding_add(&h, &rule, "bob", "/b", 0, NULL, "worded another way");
	finding_add(&h, &rule, "carol", "/c", 0, NULL, "new");
	/* 2026-01-01 23:59:59 UTC: still accepted through the day */
	baseline_apply(&b, &h, 1767311999);
	assert_string_equal(h.findings[0].baselined, "ticket 1");
	assert_string_equal(h.findings[1].baselined, "ticket 2");
	assert_null(h.findings[2].baselined);
	for (size_t i = 0; i < h.nfindings; i++)
		h.findings[i].baselined = NULL;
	/* the next second: expired, fails again */
	baseline_apply(&b, &h, 1767312000);
	assert_null(h.findings[0].baselined);
	assert_int_equal(h.findings[0].baseline_expired, 1767225600);
	baseline_stale(&b, &stale);
	assert_int_equal(stale.n, 1);
	assert_string_equal(stale.v[0], "perm.file-mode on web2: gone");
	strlist_free(&stale);
	host_result_free(&h);
	baseline_free(&b);
}

static void
test_write_read(void **state)
{
	struct ka_host_result h;
	struct baseline_writer *w = baseline_writer_new(NULL, 1767225600);
	struct baseline b;
	char *data = NULL, *err = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);

	host_result_init(&h, "web1");
	finding_add(&h, &rule, "alice", "/a", 7, NULL, "m");
	finding_add(&h, &rule, NULL, NULL, 0, NULL, "m");
	finding_add(&h, &rule, NULL, NULL, 0, NULL, "the same identity again");
	baseline_writer_add(w, &h);
	assert_int_equal(baseline_writer_finish(w, fp), 0);
	fclose(fp);
	assert_int_equal(baseline_parse(data, len, "w.json", &b, &err), 0);
	assert_int_equal(b.n, 2);
	assert_non_null(strstr(b.v[0].reason, "accepted 2026-01-01"));
	baseline_apply(&b, &h, 1767225600);
	for (size_t i = 0; i < h.nfindings; i++)
		assert_non_null(h.findings[i].baselined);
	baseline_free(&b);
	host_result_free(&h);
	free(data);
}

static void
test_errors(void **state)
{
	expect_err("[]", "bl.json: expected an object with \"keyaudit_baseline\": 1");
	expect_err("{\"keyaudit_baseline\": 2, \"entries\": []}",
	    "bl.json: expected an object with \"keyaudit_baseline\": 1");
	expect_err("{\"keyaudit_baseline\": 1}", "bl.json: expected \"entries\": [...]");
	expect_err("{\"keyaudit_baseline\": 1,\n\"entries\": [1]}",
	    "bl.json: entries[0]: expected an object");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": \"h\", "
	    "\"reason\": \"r\", \"owner\": \"x\"}]}", "bl.json: entries[0]: unknown member "
	    "\"owner\" (expected check, host, user, path, key_fp, reason, expires, id, message)");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": 3, "
	    "\"reason\": \"r\"}]}", "bl.json: entries[0]: expected strings (or null)");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": \"h\", "
	    "\"reason\": \"\"}]}", "bl.json: entries[0]: expected \"check\", \"host\" and a "
	    "non-empty \"reason\"");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": \"h\", "
	    "\"reason\": \"r\", \"expires\": \"2026-02-29\"}]}", "bl.json: entries[0]: "
	    "expected \"expires\" as YYYY-MM-DD, got \"2026-02-29\"");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": \"h\", "
	    "\"reason\": \"r\", \"id\": \"00\"}]}", "bl.json: entries[0]: \"id\" does not match "
	    "its check, host, user, path and key_fp (edited by hand? remove the id)");
	expect_err("{\"keyaudit_baseline\": 1, \"entries\": [{\"check\": \"c\", \"host\": \"h\", "
	    "\"reason\": \"r\"}, {\"check\": \"c\", \"host\": \"h\", \"reason\": \"s\"}]}",
	    "bl.json: two entries for the same finding (c on h)");
	expect_err("{\"keyaudit_baseline\": 1,\n\"entries\": [}",
	    "bl.json: line 2: expected JSON: unexpected token near '}'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_apply),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
