/* test_strmap.c - the one string-keyed table (scanner/strmap.c): keys are
 * byte strings looked up by slice, copied once and never moved, indexes in
 * insertion order, growth bounded by the limit. */
#include "tests/unit/testutil.h"
#include "scanner/strmap.h"

static void
test_add_find(void **state)
{
	struct strmap m;
	const char *line = "alice bob alice";
	int added;

	strmap_init(&m, 0);
	assert_int_equal(strmap_find(&m, "x", 1), STRMAP_NONE);
	assert_int_equal(strmap_add(&m, line, 5, 10, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(strmap_add(&m, line + 6, 3, 20, &added), 1);
	assert_int_equal(added, 1);
	/* a slice finds the key; the old value stays */
	assert_int_equal(strmap_add(&m, line + 10, 5, 30, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(strmap_at(&m, 0)->value, 10);
	assert_string_equal(strmap_at(&m, 0)->key, "alice");
	assert_int_equal(strmap_at(&m, 1)->len, 3);
	assert_int_equal(strmap_find(&m, "bob", 3), 1);
	assert_int_equal(strmap_find(&m, "bo", 2), STRMAP_NONE);
	assert_int_equal(strmap_find(&m, "alice ", 6), STRMAP_NONE);
	strmap_set(&m, 1, 99);
	assert_int_equal(strmap_at(&m, 1)->value, 99);
	/* the empty key and keys holding NUL bytes are keys too */
	assert_int_equal(strmap_add(&m, "", 0, 0, NULL), 2);
	assert_int_equal(strmap_add(&m, "a\0b", 3, 0, NULL), 3);
	assert_int_equal(strmap_add(&m, "a\0c", 3, 0, NULL), 4);
	assert_int_equal(strmap_find(&m, "a\0b", 3), 3);
	assert_int_equal(strmap_find(&m, "a", 1), STRMAP_NONE);
	assert_int_equal(strmap_count(&m), 5);
	strmap_free(&m);
	assert_int_equal(strmap_count(&m), 0);
	assert_int_equal(strmap_find(&m, "bob", 3), STRMAP_NONE);
}

/* Many keys, and some larger than a block's share: every one found, in
 * order, and the first key's copy has not moved. */
static void
test_growth(void **state)
{
	enum { N = 50000, BIG = 100000 };
	struct strmap m;
	const char *first = NULL;
	char key[64];
	char *big = xmalloc(BIG);

	memset(big, 'k', BIG);
	strmap_init(&m, 0);
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "/home/u%zu/.ssh/authorized_keys", i);
		size_t at = strmap_add(&m, key, (size_t)n, i * 2, NULL);

		/* in insertion order: the newest is the last */
		assert_int_equal(at, strmap_count(&m) - 1);
		if (i == 0)
			first = strmap_at(&m, 0)->key;
		if (i % 10000 == 5000) {
			big[0] = (char)('a' + i / 10000);
			assert_true(strmap_add(&m, big, BIG, 7, NULL) != STRMAP_NONE);
		}
	}
	for (size_t i = 0; i < 5; i++) {
		big[0] = (char)('a' + i);
		assert_true(strmap_find(&m, big, BIG) != STRMAP_NONE);
		assert_int_equal(strmap_at(&m, strmap_find(&m, big, BIG))->value, 7);
	}
	assert_true(first == strmap_at(&m, 0)->key);
	assert_string_equal(first, "/home/u0/.ssh/authorized_keys");
	assert_int_equal(strmap_count(&m), N + 5);
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "/home/u%zu/.ssh/authorized_keys", i);
		size_t at = strmap_find(&m, key, (size_t)n);

		assert_true(at != STRMAP_NONE);
		assert_int_equal(strmap_at(&m, at)->value, i * 2);
		assert_string_equal(strmap_at(&m, at)->key, key);
	}
	assert_true(m.cap >= 2 * strmap_count(&m));
	strmap_free(&m);
	free(big);
}

static void
test_limit(void **state)
{
	struct strmap m;
	int added = 1;

	strmap_init(&m, 2);
	assert_int_equal(strmap_add(&m, "a", 1, 0, NULL), 0);
	assert_int_equal(strmap_add(&m, "b", 1, 0, NULL), 1);
	/* full: nothing new, but what is there is still found */
	assert_int_equal(strmap_add(&m, "c", 1, 0, &added), STRMAP_NONE);
	assert_int_equal(added, 0);
	assert_int_equal(strmap_add(&m, "a", 1, 5, NULL), 0);
	assert_int_equal(strmap_count(&m), 2);
	strmap_free(&m);
}

static void
test_hash(void **state)
{
	/* every length up to two words, and a byte's change moves it */
	char a[24], b[24];

	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	for (size_t n = 1; n <= sizeof(a); n++) {
		b[n - 1] = 'y';
		assert_true(strmap_hash(a, n) != strmap_hash(b, n));
		b[n - 1] = 'x';
		assert_true(strmap_hash(a, n) == strmap_hash(b, n));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
