/* test_sshbuf.c - the one reader of SSH's wire format (scanner/parse/sshbuf.c):
 * every read bounded, a failed read consumes nothing and every later read
 * fails, strings and cstrings as OpenSSH's sshbuf_get_* take them, mpints
 * as sshbuf_get_bignum2_bytes_direct. */
#include "tests/unit/testutil.h"
#include "scanner/parse/sshbuf.h"

static void
test_numbers(void **state)
{
	static const unsigned char d[] = { 7, 0, 0, 1, 2, 0, 0, 0, 1, 0, 0, 0, 2, 9 };
	struct sshbuf b;
	uint8_t u8;
	uint32_t u32;
	uint64_t u64;

	sshbuf_init(&b, d, sizeof(d));
	assert_int_equal(sshbuf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 7);
	assert_int_equal(sshbuf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0x102);
	assert_int_equal(sshbuf_get_u64(&b, &u64), 0);
	assert_true(u64 == ((uint64_t)1 << 32 | 2));
	assert_int_equal(sshbuf_left(&b), 1);
	/* one byte left: a uint32 does not fit, and nothing is consumed */
	assert_int_equal(sshbuf_get_u32(&b, &u32), -1);
	assert_int_equal(b.pos, sizeof(d) - 1);
	/* and the error sticks, even for what would fit */
	assert_int_equal(sshbuf_get_u8(&b, &u8), -1);
	assert_int_equal(sshbuf_left(&b), 0);
	assert_true(b.err);

	sshbuf_init(&b, d, 3);
	assert_int_equal(sshbuf_get_u64(&b, &u64), -1);
	sshbuf_init(&b, d, 3);
	assert_int_equal(sshbuf_skip(&b, 3), 0);
	assert_int_equal(sshbuf_skip(&b, 1), -1);
	sshbuf_init(&b, NULL, 5);
	assert_int_equal(sshbuf_left(&b), 0);
	assert_int_equal(sshbuf_get_u8(&b, &u8), -1);
}

static void
test_strings(void **state)
{
	static const unsigned char d[] = {
		0, 0, 0, 3, 'a', 'b', 'c',
		0, 0, 0, 0,
		0, 0, 0, 9, 'x',
	};
	static const unsigned char huge[] = { 0x08, 0, 0, 0, 'x' };
	const unsigned char *s;
	size_t n;
	struct sshbuf b, sub;

	sshbuf_init(&b, d, sizeof(d));
	assert_int_equal(sshbuf_get_string(&b, &s, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "abc", 3);
	assert_true(s == d + 4);
	assert_int_equal(sshbuf_get_string(&b, &s, &n), 0);
	assert_int_equal(n, 0);
	/* claims 9 bytes, holds 1 */
	assert_int_equal(sshbuf_get_string(&b, &s, &n), -1);
	assert_int_equal(b.pos, 11);
	/* over SSHBUF_SIZE_MAX, whatever the buffer */
	sshbuf_init(&b, huge, sizeof(huge));
	assert_int_equal(sshbuf_get_string(&b, &s, &n), -1);

	sshbuf_init(&b, d, sizeof(d));
	assert_int_equal(sshbuf_get_sub(&b, &sub), 0);
	assert_int_equal(sshbuf_left(&sub), 3);
	assert_int_equal(sshbuf_skip(&sub, 4), -1);
	assert_false(b.err);
}

static void
test_cstrings(void **state)
{
	static const unsigned char ok[] = { 0, 0, 0, 4, 'a', 'b', 'c', 0 };
	static const unsigned char inner[] = { 0, 0, 0, 4, 'a', 0, 'c', 'd' };
	struct sshbuf b;
	char *s = NULL;

	/* a NUL only as the last byte, and it is dropped */
	sshbuf_init(&b, ok, sizeof(ok));
	assert_int_equal(sshbuf_get_cstring(&b, &s), 0);
	assert_string_equal(s, "abc");
	free(s);
	s = NULL;
	sshbuf_init(&b, inner, sizeof(inner));
	assert_int_equal(sshbuf_get_cstring(&b, &s), -1);
	assert_null(s);
	assert_int_equal(b.pos, 0);
	assert_true(b.err);
}

/* A length-prefixed mpint of n bytes, the first first, the rest 0x11. */
static unsigned char *
mpint(size_t n, unsigned char first, size_t *len)
{
	unsigned char *p = xmalloc(n + 4);

	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	memset(p + 4, 0x11, n);
	if (n > 0)
		p[4] = first;
	*len = n + 4;
	return p;
}

static void
test_bignum(void **state)
{
	static const struct {
		size_t n;
		unsigned char first;
		int rc;
		size_t out;
	} cases[] = {
		{ 0, 0, 0, 0 },
		{ 1, 0, 0, 0 },			/* zero, written with a byte */
		{ 3, 0x00, 0, 2 },		/* the sign pad is trimmed */
		{ 2, 0x80, SSHBUF_NEGATIVE, 0 },
		{ SSHBUF_MAX_BIGNUM, 0x7f, 0, SSHBUF_MAX_BIGNUM },
		{ SSHBUF_MAX_BIGNUM + 1, 0x00, 0, SSHBUF_MAX_BIGNUM },
		{ SSHBUF_MAX_BIGNUM + 1, 0x01, SSHBUF_TOO_LARGE, 0 },
		{ SSHBUF_MAX_BIGNUM + 2, 0x00, SSHBUF_TOO_LARGE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len, n = 99;
		unsigned char *p = mpint(cases[i].n, cases[i].first, &len);
		const unsigned char *d;
		struct sshbuf b;

		sshbuf_init(&b, p, len);
		assert_int_equal(sshbuf_get_bignum2(&b, &d, &n), cases[i].rc);
		if (cases[i].rc == 0) {
			assert_int_equal(n, cases[i].out);
			assert_int_equal(sshbuf_left(&b), 0);
		} else
			assert_int_equal(b.pos, 0);
		free(p);
	}
	{
		static const unsigned char cut[] = { 0, 0, 0, 2, 1 };
		const unsigned char *d;
		size_t n;
		struct sshbuf b;

		sshbuf_init(&b, cut, sizeof(cut));
		assert_int_equal(sshbuf_get_bignum2(&b, &d, &n), SSHBUF_TRUNCATED);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_cstrings),
		cmocka_unit_test(test_bignum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
