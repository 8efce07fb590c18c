/* test_sshmisc.c - OpenSSH's small helpers (scanner/parse/sshmisc.c): strtonum,
 * a2port, convtime, against what misc.c returns for the same words. */
#include "tests/unit/testutil.h"
#include "scanner/parse/sshmisc.h"
#include "scanner/parse/sshwords.h"

static void
test_strtonum(void **state)
{
	long long v = -7;

	assert_null(ssh_strtonum("22", 0, 65535, &v));
	assert_int_equal(v, 22);
	assert_string_equal(ssh_strtonum("65536", 0, 65535, &v), "too large");
	assert_string_equal(ssh_strtonum("-1", 0, 65535, &v), "too small");
	assert_string_equal(ssh_strtonum("22x", 0, 65535, &v), "invalid");
	assert_string_equal(ssh_strtonum("", 0, 65535, &v), "invalid");
	assert_string_equal(ssh_strtonum(NULL, 0, 65535, &v), "invalid");
	assert_string_equal(ssh_strtonum("99999999999999999999", 0, 65535, &v), "too large");
}

static void
test_a2port(void **state)
{
	assert_int_equal(ssh_a2port("0"), 0);
	assert_int_equal(ssh_a2port("2222"), 2222);
	assert_int_equal(ssh_a2port("65535"), 65535);
	assert_int_equal(ssh_a2port("65536"), -1);
	/* service names, as getservbyname(name, "tcp") on Debian */
	assert_int_equal(ssh_a2port("ssh"), 22);
	assert_int_equal(ssh_a2port("http"), 80);
	assert_int_equal(ssh_a2port("https"), 443);
	assert_int_equal(ssh_a2port("www"), 80);	/* an alias */
	assert_int_equal(ssh_a2port("nosuchservice"), -1);
	assert_int_equal(ssh_a2port("SSH"), -1);	/* case matters */
	assert_int_equal(ssh_a2port(""), -1);
}

static void
test_convtime(void **state)
{
	assert_int_equal(ssh_convtime("90"), 90);
	assert_int_equal(ssh_convtime("90s"), 90);
	assert_int_equal(ssh_convtime("1h30m"), 5400);
	assert_int_equal(ssh_convtime("2W"), 1209600);
	assert_int_equal(ssh_convtime("1d1s"), 86401);
	assert_int_equal(ssh_convtime("0"), 0);
	assert_int_equal(ssh_convtime(""), -1);
	assert_int_equal(ssh_convtime("1x"), -1);
	assert_int_equal(ssh_convtime("h"), -1);
	assert_int_equal(ssh_convtime("-5"), -1);
	assert_int_equal(ssh_convtime("+5"), -1);
	assert_int_equal(ssh_convtime("2147483647"), 2147483647);
	assert_int_equal(ssh_convtime("2147483648"), -1);
	assert_int_equal(ssh_convtime("3550w"), 3550 * 604800);
	assert_int_equal(ssh_convtime("3551w"), -1);	/* past INT_MAX */
	assert_int_equal(ssh_convtime("2147483647s1s"), -1);
}

/* percent_expand(): %% and known tokens; an unknown token or a lone '%'
 * is sshd's fatal(), reported here as NULL and the letter. */
static void
test_percent_expand(void **state)
{
	const char *kv[] = { "u", "alice", "h", "/home/alice", "U", "1000", NULL };
	char bad = 'x', *x;

	(void)state;
	x = ssh_percent_expand("%u:%U %h 100%% %%u", kv, &bad);
	assert_string_equal(x, "alice:1000 /home/alice 100% %u");
	free(x);
	assert_null(ssh_percent_expand("key %f", kv, &bad));
	assert_int_equal(bad, 'f');
	assert_null(ssh_percent_expand("50%", kv, &bad));
	assert_int_equal(bad, '\0');
	x = ssh_percent_expand("", kv, &bad);
	assert_string_equal(x, "");
	free(x);
}

/* AuthorizedKeysCommand is split with terminate_on_comment=0: '#' is
 * part of a word (auth2-pubkey.c), quotes and escapes as argv_split. */
static void
test_argv_split_all(void **state)
{
	char **av;
	int ac;

	(void)state;
	assert_int_equal(ssh_argv_split_all("/bin/cmd #x 'a b' \"q\\\"\"", 16, &av, &ac), 0);
	assert_int_equal(ac, 4);
	assert_string_equal(av[0], "/bin/cmd");
	assert_string_equal(av[1], "#x");
	assert_string_equal(av[2], "a b");
	assert_string_equal(av[3], "q\"");
	ssh_argv_free(av, ac);
	assert_int_equal(ssh_argv_split("/bin/cmd #x", 16, &av, &ac), 0);
	assert_int_equal(ac, 1);
	ssh_argv_free(av, ac);
	assert_int_equal(ssh_argv_split_all("/bin/cmd 'open", 16, &av, &ac), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_a2port),
		cmocka_unit_test(test_convtime),
		cmocka_unit_test(test_percent_expand),
		cmocka_unit_test(test_argv_split_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
