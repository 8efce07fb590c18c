/* test_keyreg.c - the key registry CSV (scanner/parse/keyreg.c): headers in any
 * order or none, RFC 4180 quoting, CRLF, comments, dates and what "expires"
 * means, lookups, and every error with its line. */
#include "tests/unit/testutil.h"
#include "scanner/parse/keyreg.h"
#include "scanner/fileio.h"

#define FA "SHA256:5JWy7vUlBF+wq8F5pvn14CZNMkRr3EAgorvelBIVOco"
#define FB "SHA256:kV1l1pxzPe3jCllGTY70C48KfD0GjbPQ/8IkTG6w0Ls"
#define FC "SHA256:Gtp/k7c1+cNiqB1HkecuMEX6ZjdzpTQ6Kk0Mwj5tBJ0"
#define FD "SHA256:ZcmFLdAGQcQr6V5Zv0TdX6uhdijidCjamett2xiod+U"

static void
parse_ok(const char *text, struct keyreg *r)
{
	char *err = NULL;

	if (keyreg_parse(text, strlen(text), "reg.csv", r, &err) != 0)
		fail_msg("did not parse: %s", err);
	assert_null(err);
}

static void
expect_err(const char *text, const char *msg)
{
	struct keyreg r;
	char *err = NULL;

	assert_int_equal(keyreg_parse(text, strlen(text), "reg.csv", &r, &err), -1);
	assert_non_null(err);
	if (strcmp(err, msg) != 0)
		fail_msg("got      %s\nexpected %s", err, msg);
	assert_null(strchr(err, '\n'));
	assert_int_equal(r.n, 0);
	free(err);
}

static void
test_fixture(void **state)
{
	struct keyreg r;
	const struct keyreg_entry *e;
	char *err = NULL;

	assert_int_equal(keyreg_load("fixtures/keyregistry/registry.csv", &r, &err), 0);
	assert_int_equal(r.n, 4);
	assert_non_null(e = keyreg_find(&r, FA));
	assert_string_equal(e->owner, "alice@example.com");
	assert_int_equal(e->line, 4);
	/* valid through 2030-12-31: expires at 2031-01-01 00:00 UTC */
	assert_int_equal(e->expires, 1924992000);
	assert_int_equal(e->added, 1709251200);	/* 2024-03-01 */
	assert_non_null(e = keyreg_find(&r, FB));
	assert_string_equal(e->owner, "Bob Builder, ops");
	assert_int_equal(e->expires, 0);
	assert_int_equal(e->added, 0);
	assert_non_null(e = keyreg_find(&r, FC));
	assert_string_equal(e->owner, "backup job \"nightly\"");
	assert_non_null(e = keyreg_find(&r, FD));
	assert_string_equal(e->owner, "");
	assert_null(keyreg_find(&r, "SHA256:5JWy7vUlBF+wq8F5pvn14CZNMkRr3EAgorvelBIVOcp"));
	keyreg_free(&r);
}

static void
test_shapes(void **state)
{
	struct keyreg r;

	/* no header: fingerprint, owner, expires[, added]; CRLF; comments */
	parse_ok("# who\r\n\r\n" FB ",bob,2024-02-29\r\n  # indented comment\n" FA ",alice,,2020-01-31", &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(keyreg_find(&r, FB)->expires, 1709251200);	/* 2024-03-01 */
	assert_int_equal(keyreg_find(&r, FB)->line, 3);
	assert_int_equal(keyreg_find(&r, FA)->added, 1580428800);
	assert_int_equal(keyreg_find(&r, FA)->line, 5);
	keyreg_free(&r);
	/* a header in another order, any case */
	parse_ok("Owner,ADDED,Fingerprint\nops,2019-01-01," FC "\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].owner, "ops");
	assert_int_equal(r.v[0].added, 1546300800);
	assert_int_equal(r.v[0].expires, 0);
	keyreg_free(&r);
	/* just the fingerprints */
	parse_ok("fingerprint\n" FA "\n\"" FB "\"\n", &r);
	assert_int_equal(r.n, 2);
	assert_non_null(keyreg_find(&r, FB));
	keyreg_free(&r);
	parse_ok("", &r);
	assert_int_equal(r.n, 0);
	assert_null(keyreg_find(&r, FA));
	keyreg_free(&r);
}

static void
test_errors(void **state)
{
	expect_err(FA ",a\n", "reg.csv:1: expected fingerprint,owner,expires[,added] "
	    "(or a header line naming the columns), found 2 fields");
	expect_err("fingerprint,owner\n" FA ",a,b\n", "reg.csv:2: expected 2 fields, found 3");
	expect_err("fingerprint,who\n", "reg.csv:1: expected a column name (fingerprint, "
	    "owner, expires, added), got \"who\"");
	expect_err("fingerprint,owner,Owner\n", "reg.csv:1: column \"Owner\" is named twice");
	expect_err("#\nMD5:aa,bob,never\n", "reg.csv:2: expected a fingerprint "
	    "SHA256:<43 base64 characters> (as ssh-keygen -l prints it) in column "
	    "fingerprint, got \"MD5:aa\"");
	expect_err(FA "=,bob,never\n", "reg.csv:1: expected a fingerprint SHA256:<43 "
	    "base64 characters> (as ssh-keygen -l prints it) in column fingerprint, got \""
	    FA "=\"");
	expect_err(FA ",bob,2023-02-29\n", "reg.csv:1: expected a date YYYY-MM-DD (or "
	    "never) in column expires, got \"2023-02-29\"");
	expect_err(FA ",bob,2025-13-01\n", "reg.csv:1: expected a date YYYY-MM-DD (or "
	    "never) in column expires, got \"2025-13-01\"");
	expect_err(FA ",bob,,25-01-01\n", "reg.csv:1: expected a date YYYY-MM-DD in "
	    "column added, got \"25-01-01\"");
	expect_err(FA ",\"bob,never\n", "reg.csv:1: expected a closing quote");
	expect_err(FA ",\"bob\"x,never\n", "reg.csv:1: expected a comma after a quoted field");
	expect_err(FA ",b\"ob,never\n", "reg.csv:1: expected a quote only at the start of a field");
	expect_err(FA ",b\tob,never\n", "reg.csv:1: expected an owner without control characters");
	expect_err(FA ",a,never\n" FB ",b,never\n" FA ",c,never\n",
	    "reg.csv:3: fingerprint " FA " already on line 1");
	expect_err("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n", "reg.csv:1: expected at most 16 fields");
}

static void
test_bounds(void **state)
{
	struct keyreg r;
	char *err = NULL, *big = xmalloc(KEYREG_LINE_MAX + 10);
	const char nul[] = FA ",a\0b,never\n";

	memset(big, 'x', KEYREG_LINE_MAX + 1);
	big[KEYREG_LINE_MAX + 1] = '\n';
	big[KEYREG_LINE_MAX + 2] = '\0';
	expect_err(big, "reg.csv:1: expected a line of at most 4096 bytes");
	free(big);
	assert_int_equal(keyreg_parse(nul, sizeof(nul) - 1, "reg.csv", &r, &err), -1);
	assert_string_equal(err, "reg.csv:1: expected text, found a NUL byte");
	free(err);
	assert_int_equal(keyreg_load("fixtures/keyregistry/nonexistent.csv", &r, &err), -1);
	assert_string_equal(err, "fixtures/keyregistry/nonexistent.csv: no such file");
	free(err);
	assert_int_equal(keyreg_load("fixtures/keyregistry", &r, &err), -1);
	assert_non_null(strstr(err, "fixtures/keyregistry: "));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
