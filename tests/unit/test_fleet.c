/* test_fleet.c - the worker pool's ordering and memory bound (pool.c), and
 * the fleet pass over host digests (fleet.c): shared user keys and cloned
 * host keys, counted per account and per host. */
#include <pthread.h>
#include <time.h>

#include "tests/unit/testutil.h"
#include "scanner/fleet.h"
#include "scanner/pool.h"

struct pool_t {
	size_t n, emitted, bad_order, bad_value;
	int jobs;
	size_t alive, max_alive;
	pthread_mutex_t lock;
};

struct slot { size_t i, value; };

static void
p_work(void *arg, size_t i, void *result)
{
	struct pool_t *t = arg;
	struct slot *s = result;
	struct timespec ts = { 0, (long)((i * 7919) % 5) * 300000L };

	pthread_mutex_lock(&t->lock);
	if (++t->alive > t->max_alive)
		t->max_alive = t->alive;
	pthread_mutex_unlock(&t->lock);
	nanosleep(&ts, NULL);	/* finish out of order */
	s->i = i;
	s->value = i * 3 + 1;
}

static void
p_emit(void *arg, size_t i, void *result)
{
	struct pool_t *t = arg;
	struct slot *s = result;

	if (i != t->emitted || s->i != i)
		t->bad_order++;
	if (s->value != i * 3 + 1)
		t->bad_value++;
	t->emitted++;
	pthread_mutex_lock(&t->lock);
	t->alive--;
	pthread_mutex_unlock(&t->lock);
}

static void
run_pool(size_t n, int jobs)
{
	struct pool_t t = { .n = n, .jobs = jobs };
	struct pool_ops ops = { p_work, p_emit, NULL };

	pthread_mutex_init(&t.lock, NULL);
	pool_run(n, jobs, sizeof(struct slot), &ops, &t);
	assert_int_equal(t.emitted, n);
	assert_int_equal(t.bad_order, 0);
	assert_int_equal(t.bad_value, 0);
	/* results in flight never exceed the window (4 per worker) */
	if (n > 0)
		assert_true(t.max_alive <= (size_t)(jobs < 1 ? 1 : jobs) * 4);
	pthread_mutex_destroy(&t.lock);
}

static void
test_pool_order(void **state)
{
	run_pool(500, 8);
	run_pool(37, 3);
	run_pool(5, 64);	/* more workers than hosts */
	run_pool(1, 1);
	run_pool(0, 4);
	run_pool(100, 1);
}

/* A host slower than all the others holds emission, not the workers'
 * memory: the window stays bounded while it runs. */
static void
s_work(void *arg, size_t i, void *result)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	if (i == 0)
		nanosleep(&ts, NULL);
	p_work(arg, i, result);
}

static void
test_pool_slow_head(void **state)
{
	struct pool_t t = { .n = 200, .jobs = 4 };
	struct pool_ops ops = { s_work, p_emit, NULL };

	pthread_mutex_init(&t.lock, NULL);
	pool_run(200, 4, sizeof(struct slot), &ops, &t);
	assert_int_equal(t.emitted, 200);
	assert_int_equal(t.bad_order, 0);
	assert_true(t.max_alive <= 16);
	pthread_mutex_destroy(&t.lock);
}

static void
digest(struct host_digest *d, const char *hostkey, const char *keys[])
{
	memset(d, 0, sizeof(*d));
	if (hostkey != NULL)
		strlist_add(&d->hostkey_fps, hostkey);
	for (size_t i = 0; keys && keys[i]; i++)
		strlist_add(&d->keys, keys[i]);
}

static const struct ka_finding *
find(const struct ka_host_result *r, const char *id, const char *fp)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule->id, id) == 0 &&
		    strcmp(r->findings[i].key_fp, fp) == 0)
			return &r->findings[i];
	return NULL;
}

static const struct ka_finding *
find_check(const struct ka_host_result *r, const char *id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule->id, id) == 0)
			return &r->findings[i];
	return NULL;
}

static int
count_check(const struct ka_host_result *r, const char *id)
{
	int n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		n += strcmp(r->findings[i].rule->id, id) == 0;
	return n;
}

/* A host's certificate digest: CAs as "FP SHA1 TYPE BITS SCOPE", revoked
 * fingerprints, the CAs its KRL revokes under and the KRL's header. */
static void
cert_digest(struct host_digest *d, const char *const cas[], const char *const revoked[],
    const char *const krl_cas[], int rk, int krl, uint64_t version, uint64_t generated)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; cas && cas[i]; i++)
		strlist_add(&d->cas, cas[i]);
	for (size_t i = 0; revoked && revoked[i]; i++)
		strlist_add(&d->revoked, revoked[i]);
	for (size_t i = 0; krl_cas && krl_cas[i]; i++)
		strlist_add(&d->krl_cas, krl_cas[i]);
	d->revoked_set = rk;
	d->krl = krl;
	d->krl_version = version;
	d->krl_generated = generated;
}

#define CA1 "SHA256:CA1 SHA1:ca1 ssh-ed25519 256 "
#define CA2 "SHA256:CA2 SHA1:ca2 ssh-ed25519 256 "

/* The trust map, a CA retired on one host and trusted on another (by its
 * SHA256 or its SHA1 fingerprint), and KRLs behind the newest. */
static void
test_fleet_certs(void **state)
{
	struct fleet *f = fleet_new();
	struct host_digest d;
	struct ka_options o = { 0 };
	struct ka_host_result r;
	const struct ka_finding *fd;

	/* h1: CA1 and CA2, KRL v3 revoking CA2 (SHA1) and under CA1 */
	cert_digest(&d, (const char *[]){ CA1 "all users", CA2 "all users", NULL },
	    (const char *[]){ "SHA1:ca2", NULL }, (const char *[]){ "SHA256:CA1", NULL },
	    1, 1, 3, 2000);
	fleet_add(f, "h1", "inv:1", &d);
	host_digest_free(&d);
	/* h2: CA1 for alice and bob (two cert-authority lines), CA2 for all;
	 * KRL v3 of an earlier date */
	cert_digest(&d, (const char *[]){ CA1 "alice", CA1 "bob", CA2 "all users", NULL }, NULL,
	    (const char *[]){ "SHA256:CA1", NULL }, 1, 1, 3, 1000);
	fleet_add(f, "h2", NULL, &d);
	host_digest_free(&d);
	/* h3: CA1, no RevokedKeys */
	cert_digest(&d, (const char *[]){ CA1 "all users", NULL }, NULL, NULL, 0, 0, 0, 0);
	fleet_add(f, "h3", "inv:3", &d);
	host_digest_free(&d);
	/* h4: trusts nothing, revokes CA2 by SHA256 in a key list */
	cert_digest(&d, NULL, (const char *[]){ "SHA256:CA2", NULL }, NULL, 1, 0, 0, 0);
	fleet_add(f, "h4", NULL, &d);
	host_digest_free(&d);
	/* h5: CA1 with the newest KRL: v3 like h1, same date: not behind */
	cert_digest(&d, (const char *[]){ CA1 "all users", NULL }, NULL,
	    (const char *[]){ "SHA256:CA1", NULL }, 1, 1, 3, 2000);
	fleet_add(f, "h5", NULL, &d);
	host_digest_free(&d);

	host_result_init(&r, "fleet");
	fleet_check(f, &o, &r);
	assert_int_equal(count_check(&r, "cert.trust-map"), 2);
	assert_non_null(fd = find(&r, "cert.trust-map", "SHA256:CA1"));
	assert_non_null(strstr(fd->message, "trusted by 4 hosts: h1 (all users), "
	    "h2 (alice; bob), h3 (all users), h5 (all users)"));
	assert_string_equal(fd->origin, "inv:1");
	assert_int_equal(fd->severity, SEV_INFO);
	assert_non_null(fd = find(&r, "cert.trust-map", "SHA256:CA2"));
	assert_non_null(strstr(fd->message, "trusted by 2 hosts: h1 (all users), h2 (all users)"));
	/* CA2: revoked on h1 (SHA1) and h4 (SHA256); h2 still trusts it, h1
	 * trusting it beside its own revocation is sshd's business there */
	assert_int_equal(count_check(&r, "cert.ca-retired"), 1);
	assert_non_null(fd = find(&r, "cert.ca-retired", "SHA256:CA2"));
	assert_non_null(strstr(fd->message, "RevokedKeys of h1, h4"));
	assert_non_null(strstr(fd->message, "still trusted by 1 host: h2 (all users)"));
	assert_int_equal(fd->severity, SEV_HIGH);
	assert_null(find(&r, "cert.ca-retired", "SHA256:CA1"));
	/* CA1: h1's KRL is the newest (h5's is as new, so not behind); h2's
	 * is older by date, h3 has none */
	assert_int_equal(count_check(&r, "cert.krl-stale"), 1);
	assert_non_null(fd = find(&r, "cert.krl-stale", "SHA256:CA1"));
	assert_non_null(strstr(fd->message, "h1's KRL (version 3 of"));
	assert_non_null(strstr(fd->message, "2 hosts trusting that CA lag behind it"));
	assert_non_null(strstr(fd->message, "h2: KRL version 3 of"));
	assert_non_null(strstr(fd->message, "h3: no RevokedKeys"));
	assert_null(strstr(fd->message, "h5"));
	assert_int_equal(fd->severity, SEV_MEDIUM);
	assert_null(find(&r, "cert.krl-stale", "SHA256:CA2"));
	host_result_free(&r);

	/* --checks cert.trust-map: the map alone */
	{
		struct strlist only = { 0 };

		strlist_add(&only, "cert.trust-map");
		o.only = &only;
		host_result_init(&r, "fleet");
		fleet_check(f, &o, &r);
		assert_int_equal(r.nfindings, 2);
		assert_int_equal(r.nran, 1);
		host_result_free(&r);
		strlist_free(&only);
	}
	fleet_free(f);
}

/* Digests stay fingerprints: nothing trusted, nothing said; a malformed
 * entry is skipped. */
static void
test_fleet_certs_quiet(void **state)
{
	struct fleet *f = fleet_new();
	struct host_digest d;
	struct ka_options o = { 0 };
	struct ka_host_result r;

	cert_digest(&d, (const char *[]){ "garbage", NULL }, NULL, NULL, 0, 0, 0, 0);
	fleet_add(f, "a", NULL, &d);
	host_digest_free(&d);
	cert_digest(&d, NULL, NULL, NULL, 1, 1, 7, 7);
	fleet_add(f, "b", NULL, &d);
	host_digest_free(&d);
	host_result_init(&r, "fleet");
	fleet_check(f, &o, &r);
	assert_int_equal(r.nfindings, 0);
	host_result_free(&r);
	fleet_free(f);
}

static void
test_fleet_shared(void **state)
{
	struct fleet *f = fleet_new();
	struct host_digest d;
	struct ka_host_result r;
	struct ka_options o = { 0 };
	const char *h1[] = { "SHA256:K1 alice", "SHA256:K1 bob", "SHA256:K2 alice",
	    "SHA256:K3 carol", "SHA256:K3 carol", NULL };
	const char *h2[] = { "SHA256:K4 alice", "SHA256:K5 erin", NULL };
	const char *h3[] = { "SHA256:K2 dave", "SHA256:K5 erin", NULL };
	const struct ka_finding *fd;

	/* web1 is scanned as admin@web1 (a login user in the target); web2
	 * was named on the command line (no inventory line) */
	digest(&d, "SHA256:HA", h1);
	fleet_add(f, "admin@web1", "inv:3", &d);
	host_digest_free(&d);
	digest(&d, "SHA256:HB", h2);
	fleet_add(f, "web2", NULL, &d);
	host_digest_free(&d);
	digest(&d, "SHA256:HA", h3);
	fleet_add(f, "web3", "inv:5", &d);
	host_digest_free(&d);
	digest(&d, NULL, NULL);		/* unreachable host: nothing */
	fleet_add(f, "web4", "inv:6", &d);
	host_digest_free(&d);

	host_result_init(&r, "fleet");
	fleet_check(f, &o, &r);
	/* K1: two accounts on one host (the host's own keys.shared says so);
	 * K2: two hosts; K3 listed twice by one account is one sighting; K4
	 * once; K5 on web2 and web3. HA on web1 and web3. */
	assert_int_equal(r.nfindings, 3);
	assert_null(find(&r, "keys.shared", "SHA256:K1"));
	assert_non_null(fd = find(&r, "keys.shared", "SHA256:K2"));
	/* the account on the host, not on the login: never alice@admin@web1 */
	assert_non_null(strstr(fd->message, "alice@web1, dave@web3"));
	assert_null(strstr(fd->message, "@admin@"));
	/* anchored on the inventory line of the first host involved */
	assert_string_equal(fd->origin, "inv:3");
	assert_null(find(&r, "keys.shared", "SHA256:K3"));
	assert_null(find(&r, "keys.shared", "SHA256:K4"));
	assert_non_null(fd = find(&r, "keys.shared", "SHA256:K5"));
	assert_non_null(strstr(fd->message, "erin@web2, erin@web3"));
	assert_string_equal(fd->origin, "inv:5");	/* web2 has no line */
	assert_non_null(fd = find(&r, "hostkey.shared", "SHA256:HA"));
	assert_non_null(strstr(fd->message, "2 hosts: admin@web1, web3"));
	assert_string_equal(fd->origin, "inv:3");
	assert_null(find(&r, "hostkey.shared", "SHA256:HB"));
	/* and the accounts' known_hosts against the fleet's keys (none here),
	 * and the certificate pass (no CA here: nothing) */
	assert_int_equal(r.nran, 7);
	assert_null(find_check(&r, "cert.trust-map"));
	host_result_free(&r);

	/* --checks keeps only what was asked for */
	{
		struct strlist only = { 0 };

		strlist_add(&only, "hostkey");
		o.only = &only;
		host_result_init(&r, "fleet");
		fleet_check(f, &o, &r);
		assert_int_equal(r.nfindings, 1);
		assert_string_equal(r.findings[0].rule->id, "hostkey.shared");
		assert_int_equal(r.nran, 3);	/* shared, changed, revoked */
		host_result_free(&r);
		strlist_free(&only);
	}
	fleet_free(f);
}

/* Many hosts sharing one key: one entry, the message names the first ten
 * places and counts the rest. */
static void
test_fleet_many(void **state)
{
	struct fleet *f = fleet_new();
	struct ka_host_result r;
	struct ka_options o = { 0 };

	for (int i = 0; i < 5000; i++) {
		struct host_digest d;
		char name[32], key[64], own[64];
		const char *keys[] = { key, own, NULL };

		snprintf(name, sizeof(name), "h%04d", i);
		snprintf(key, sizeof(key), "SHA256:SHARED deploy");
		snprintf(own, sizeof(own), "SHA256:OWN%d root", i);
		digest(&d, NULL, keys);
		snprintf(name, sizeof(name), "h%04d", i);
		fleet_add(f, name, NULL, &d);
		host_digest_free(&d);
	}
	host_result_init(&r, "fleet");
	fleet_check(f, &o, &r);
	assert_int_equal(r.nfindings, 1);
	assert_non_null(strstr(r.findings[0].message, "5000 accounts on 5000 hosts"));
	assert_non_null(strstr(r.findings[0].message, "and 4990 more"));
	host_result_free(&r);
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_order),
		cmocka_unit_test(test_pool_slow_head),
		cmocka_unit_test(test_fleet_shared),
		cmocka_unit_test(test_fleet_many),
		cmocka_unit_test(test_fleet_certs),
		cmocka_unit_test(test_fleet_certs_quiet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
