/* test_sshmisc.c - OpenSSH's small helpers (scanner/parse/sshmisc.c): strtonum,
 * a2port, convtime, against what misc.c returns for the same words. */
#include "tests/unit/testutil.h"
#include "scanner/parse/sshmisc.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_a2port),
		cmocka_unit_test(test_convtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
