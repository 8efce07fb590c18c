/* test_match.c - OpenSSH's pattern language (scanner/parse/match.c). Expected
 * values were checked against OpenSSH 9.2's own match.c/addrmatch.c
 * compiled into a throwaway harness, including the corner cases below. */
#include <time.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/match.h"

static void
test_pattern(void **state)
{
	assert_int_equal(match_pattern("alice", "alice"), 1);
	assert_int_equal(match_pattern("alice", "Alice"), 0);	/* case matters */
	assert_int_equal(match_pattern("alice", "a*"), 1);
	assert_int_equal(match_pattern("alice", "*e"), 1);
	assert_int_equal(match_pattern("alice", "a?ice"), 1);
	assert_int_equal(match_pattern("alice", "a?ce"), 0);
	assert_int_equal(match_pattern("alice", "*l*c*"), 1);
	assert_int_equal(match_pattern("alice", "**"), 1);
	assert_int_equal(match_pattern("", "*"), 1);
	assert_int_equal(match_pattern("", ""), 1);
	assert_int_equal(match_pattern("a", ""), 0);
	assert_int_equal(match_pattern("", "?"), 0);
	assert_int_equal(match_pattern("abcabd", "*abd"), 1);
	assert_int_equal(match_pattern("abcab", "*ab?"), 0);
	assert_int_equal(match_pattern("mississippi", "*sip*"), 1);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppi"), 1);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppx"), 0);
}

/* A recursive matcher takes exponential time here; ours must not. */
static void
test_pattern_no_blowup(void **state)
{
	char s[4001], p[64];
	clock_t t0 = clock();

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	strcpy(p, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
	for (int i = 0; i < 10; i++)
		assert_int_equal(match_pattern(s, p), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void
test_pattern_list(void **state)
{
	char big[1100];

	assert_int_equal(match_pattern_list("alice", "bob,alice", 0), 1);
	assert_int_equal(match_pattern_list("alice", "bob,carol", 0), 0);
	assert_int_equal(match_pattern_list("alice", "*,!alice", 0), -1);
	assert_int_equal(match_pattern_list("alice", "!alice,*", 0), -1);
	assert_int_equal(match_pattern_list("bob", "!alice,*", 0), 1);
	assert_int_equal(match_pattern_list("bob", "!alice", 0), 0);
	assert_int_equal(match_pattern_list("Web1.Example.COM", "*.example.com", 1), 1);
	assert_int_equal(match_pattern_list("Web1.Example.COM", "*.EXAMPLE.com", 0), 0);
	assert_int_equal(match_pattern_list("web1.example.com", "*.EXAMPLE.COM", 1), 1);
	/* empty elements match only the empty string */
	assert_int_equal(match_pattern_list("", "a,,b", 0), 1);
	assert_int_equal(match_pattern_list("x", "a,,b", 0), 0);
	assert_int_equal(match_pattern_list("x", "", 0), 0);
	assert_int_equal(match_pattern_list("x", "x,", 0), 1);
	/* a single pattern of 1023 characters or more fails the whole list */
	memset(big, 'a', 1022);
	big[1022] = '\0';
	assert_int_equal(match_pattern_list(big, big, 0), 1);
	memset(big, 'a', 1023);
	big[1023] = '\0';
	assert_int_equal(match_pattern_list(big, big, 0), 0);
	/* even after an earlier element matched */
	memset(big, 'a', 1030);
	big[1030] = '\0';
	big[0] = '*';
	big[1] = ',';
	assert_int_equal(match_pattern_list("a", big, 0), 0);
}

static void
test_addr_list(void **state)
{
	assert_int_equal(match_addr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(match_addr_list("11.1.2.3", "10.0.0.0/8"), 0);
	assert_int_equal(match_addr_list("10.9.1.1", "10.0.0.0/8,!10.9.0.0/16"), -1);
	assert_int_equal(match_addr_list("10.9.1.1", "!10.9.0.0/16,10.0.0.0/8"), -1);
	assert_int_equal(match_addr_list("192.168.1.7", "192.168.1.*"), 1);
	assert_int_equal(match_addr_list("192.168.1.7", "192.168.1.?"), 1);
	assert_int_equal(match_addr_list("192.168.1.7", "10.0.0.1"), 0);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1"), 1);
	assert_int_equal(match_addr_list("2001:db8::5", "2001:db8::/32"), 1);
	assert_int_equal(match_addr_list("2001:db9::5", "2001:db8::/32"), 0);
	assert_int_equal(match_addr_list("::1", "::1/128,10.0.0.0/8"), 1);
	assert_int_equal(match_addr_list("1.2.3.4", "0.0.0.0/0"), 1);
	assert_int_equal(match_addr_list("1.2.3.4", "::/0"), 0);	/* families differ */
	assert_int_equal(match_addr_list("::ffff:10.0.0.1", "10.0.0.0/8"), 0);
	/* inet_aton forms, as getaddrinfo reads them */
	assert_int_equal(match_addr_list("127.1", "127.0.0.1/32"), 1);
	assert_int_equal(match_addr_list("0x7f.0.0.1", "127.0.0.1"), 1);
	assert_int_equal(match_addr_list("010.0.0.1", "8.0.0.1"), 1);
	assert_int_equal(match_addr_list("127.0.0.1", "127.1/32"), 1);
	/* an IPv6 scope takes no part */
	assert_int_equal(match_addr_list("fe80::1%2", "fe80::/10"), 1);
	/* errors in the list */
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1/8"), -2);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/33"), -2);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/8,"), -2);
	assert_int_equal(match_addr_list("10.0.0.1", "!"), -2);
	assert_int_equal(match_addr_list(NULL, "10.0.0.0/8,!10.1.0.0/16"), 0);
	assert_int_equal(match_addr_list(NULL, "10.0.0.1/8"), -2);
	/* a bad mask spelling is a wildcard, not an error */
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/+8"), 0);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/8x"), 0);
	/* an address that does not parse matches nothing, errors unseen */
	assert_int_equal(match_addr_list("host.example", "*"), 0);
	assert_int_equal(match_addr_list("0x.1.1.1", "*"), 0);
	assert_int_equal(match_addr_list("1.2.3.256", "0.0.0.0/0"), 0);
	assert_int_equal(match_addr_list("08.1.1.1", "*"), 0);
	assert_int_equal(match_addr_list("1.2.3.4.5", "*"), 0);
	assert_int_equal(match_addr_list("bogus", "10.0.0.1/8"), 0);
}

static void
test_user_entry(void **state)
{
	assert_int_equal(match_user_entry("alice", NULL, NULL, "alice"), 1);
	assert_int_equal(match_user_entry("alice", NULL, NULL, "al*"), 1);
	assert_int_equal(match_user_entry("alice", NULL, NULL, "bob"), 0);
	assert_int_equal(match_user_entry("alice", "10.1.1.1", "10.1.1.1", "alice@10.0.0.0/8"), 1);
	assert_int_equal(match_user_entry("alice", "10.1.1.1", "10.1.1.1", "bob@10.0.0.0/8"), 0);
	assert_int_equal(match_user_entry("alice", "11.1.1.1", "11.1.1.1", "alice@10.0.0.0/8"), 0);
	assert_int_equal(match_user_entry("alice", "web.example.com", "11.1.1.1",
	    "alice@*.example.com"), 1);
	assert_int_equal(match_user_entry("alice", "WEB.example.com", "11.1.1.1",
	    "alice@web.EXAMPLE.com"), 1);
	/* a matching negation vetoes, by address or by name */
	assert_int_equal(match_user_entry("alice", "10.1.1.1", "10.1.1.1",
	    "alice@10.0.0.0/8,!10.1.0.0/16"), 0);
	assert_int_equal(match_user_entry("alice", "bad.example.com", "10.1.1.1",
	    "alice@10.0.0.0/8,!bad.*"), 0);
	/* with UseDNS no the host is the address */
	assert_int_equal(match_user_entry("alice", NULL, "10.1.1.1", "alice@10.1.1.*"), 1);
	/* no client known: a host-qualified entry cannot match */
	assert_int_equal(match_user_entry("alice", NULL, NULL, "alice@10.0.0.0/8"), 0);
	assert_int_equal(match_user_entry(NULL, NULL, NULL, "*"), 0);
	/* an invalid address list never matches */
	assert_int_equal(match_user_entry("alice", "10.0.0.1", "10.0.0.1", "alice@10.0.0.1/8"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_pattern_no_blowup),
		cmocka_unit_test(test_pattern_list),
		cmocka_unit_test(test_addr_list),
		cmocka_unit_test(test_user_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
