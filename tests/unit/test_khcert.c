/*
 * test_khcert.c - a host certificate against @cert-authority lines
 * (scanner/parse/khcert.c), over the certificates of fixtures/certs: the
 * CA of a matching line, the bare-name retry off port 22, @revoked CA and
 * key, the window at the caller's clock, principals compared exactly (a
 * wildcard principal is not a pattern to ssh; none listed means any name),
 * a user certificate, a broken signature, ssh-rsa (SHA-1) signatures.
 */
#include "tests/unit/testutil.h"
#include "tests/unit/certfx.h"

#include "scanner/parse/cert.h"
#include "scanner/parse/khcert.h"
#include "scanner/parse/knownhosts.h"

#define T2021	1609459200

/* A db of lines "MARKER HOSTS" + the key of fixture pub (one per line). */
static struct kh_db *
db_of(const char *const *lines, size_t n)
{
	struct kh_db *db = kh_db_new();
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		char path[256], *key;
		const char *sp = strrchr(lines[i], ' ');

		snprintf(path, sizeof(path), FX "%s.pub", sp + 1);
		key = tu_read_file(path, NULL);
		buf_printf(&b, "%.*s %s", (int)(sp - lines[i]), lines[i], key);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			buf_puts(&b, "\n");
		free(key);
	}
	kh_db_add(db, "kh", b.data, b.len);
	buf_free(&b);
	return db;
}

static enum khc_status
judge(const char *const *lines, size_t n, const char *cert, const char *host, int port,
    int64_t now, enum khc_reason *why)
{
	struct kh_db *db = db_of(lines, n);
	struct ssh_cert c;
	struct khc_verdict v;
	enum khc_status st;

	fx_cert(cert, &c);
	khc_check(db, host, port, &c, now, &v);
	st = v.status;
	*why = v.reason;
	assert_non_null(v.why);
	khc_verdict_free(&v);
	cert_free(&c);
	kh_db_free(db);
	return st;
}

static void
test_ok_and_ca(void **state)
{
	const char *ok[] = { "@cert-authority host.example,other.example ca_ecdsa256" };
	const char *port[] = { "@cert-authority [host.example]:2222 ca_ecdsa256" };
	const char *wrong[] = { "@cert-authority host.example ca_ed25519" };
	const char *plain[] = { "host.example k_ecdsa256" };
	const char *pat[] = { "@cert-authority *.example ca_ecdsa256" };
	enum khc_reason r;

	(void)state;
	assert_int_equal(judge(ok, 1, "host_ecdsa", "host.example", 22, T2021, &r), KHC_OK);
	assert_int_equal(judge(ok, 1, "host_ecdsa", "HOST.example", 22, T2021, &r), KHC_OK);
	assert_int_equal(judge(pat, 1, "host_ecdsa", "other.example", 22, T2021, &r), KHC_OK);
	/* [host]:2222, and off port 22 the bare name's CA line too */
	assert_int_equal(judge(port, 1, "host_ecdsa", "host.example", 2222, T2021, &r), KHC_OK);
	assert_int_equal(judge(ok, 1, "host_ecdsa", "host.example", 2222, T2021, &r), KHC_OK);
	/* port 22 is never written [host]:22 */
	assert_int_equal(judge(port, 1, "host_ecdsa", "host.example", 22, T2021, &r), KHC_NO_CA);
	assert_int_equal(judge(wrong, 1, "host_ecdsa", "host.example", 22, T2021, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_CA);
	/* a plain key line is no CA */
	assert_int_equal(judge(plain, 1, "host_ecdsa", "host.example", 22, T2021, &r), KHC_NO_CA);
}

static void
test_revoked(void **state)
{
	const char *ca[] = { "@cert-authority host.example ca_ecdsa256",
	    "@revoked host.example ca_ecdsa256" };
	const char *key[] = { "@cert-authority host.example ca_ecdsa256",
	    "@revoked * k_ecdsa256" };
	const char *other[] = { "@cert-authority host.example ca_ecdsa256",
	    "@revoked other.example ca_ecdsa256" };
	enum khc_reason r;

	(void)state;
	assert_int_equal(judge(ca, 2, "host_ecdsa", "host.example", 22, T2021, &r), KHC_REVOKED);
	assert_int_equal(r, KHC_R_REVOKED);
	assert_int_equal(judge(key, 2, "host_ecdsa", "host.example", 22, T2021, &r), KHC_REVOKED);
	assert_int_equal(judge(other, 2, "host_ecdsa", "host.example", 22, T2021, &r), KHC_OK);
}

static void
test_window_principals(void **state)
{
	const char *rsa[] = { "@cert-authority host.example ca_rsa3072" };
	const char *wild[] = { "@cert-authority * ca_ed25519" };
	const char *ok[] = { "@cert-authority * ca_ecdsa256" };
	enum khc_reason r;

	(void)state;
	/* valid 2020-01-01 .. 2099-01-01 */
	assert_int_equal(judge(rsa, 1, "host_rsa", "host.example", 22, T2021, &r), KHC_OK);
	assert_int_equal(judge(rsa, 1, "host_rsa", "host.example", 22, 1577836799, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_NOT_YET);
	assert_int_equal(judge(rsa, 1, "host_rsa", "host.example", 22, 4070908800LL, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_EXPIRED);
	/* principals are compared exactly: '*.example.com' is no pattern */
	assert_int_equal(judge(wild, 1, "host_wild", "a.example.com", 22, T2021, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_PRINCIPAL);
	assert_int_equal(judge(wild, 1, "host_wild", "*.example.com", 22, T2021, &r), KHC_OK);
	assert_int_equal(judge(ok, 1, "host_ecdsa", "third.example", 22, T2021, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_PRINCIPAL);
}

static void
test_kind_signature_sigalg(void **state)
{
	const char *ed[] = { "@cert-authority * ca_ed25519" };
	const char *ec[] = { "@cert-authority * ca_ecdsa256" };
	const char *rsa[] = { "@cert-authority * ca_rsa3072" };
	struct kh_db *db;
	struct ssh_cert c;
	struct khc_verdict v;
	enum khc_reason r;

	(void)state;
	/* a user certificate (principals alice, bob) */
	assert_int_equal(judge(ed, 1, "user_ed25519", "alice", 22, T2021, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_KIND);
	assert_int_equal(judge(ec, 1, "badsig_ecdsa", "host.example", 22, T2021, &r), KHC_FAIL);
	assert_int_equal(r, KHC_R_SIGNATURE);
	/* signed ssh-rsa (SHA-1): a user certificate made a host one in
	 * memory (the signature does not cover what is judged after it) */
	db = db_of(rsa, 1);
	fx_cert("user_rsa_sha1", &c);
	c.kind = CERT_HOST;
	khc_check(db, "alice", 22, &c, T2021, &v);
	assert_int_equal(v.status, KHC_FAIL);
	assert_int_equal(v.reason, KHC_R_SIGALG);
	assert_non_null(strstr(v.why, "ssh-rsa"));
	khc_verdict_free(&v);
	cert_free(&c);
	kh_db_free(db);
}

static void
test_rank_and_ca_line(void **state)
{
	const char *l[] = { "@cert-authority [h.example]:2222 ca_ed25519" };
	struct kh_db *db = db_of(l, 1);

	(void)state;
	assert_true(khc_rank("ssh-ed25519") < khc_rank("ecdsa-sha2-nistp256"));
	assert_true(khc_rank("ecdsa-sha2-nistp521") < khc_rank("ssh-rsa"));
	assert_true(khc_rank("ssh-rsa") < khc_rank("ssh-dss"));
	assert_non_null(khc_ca_line(db, "H.example", 2222));
	assert_null(khc_ca_line(db, "h.example", 22));
	assert_null(khc_ca_line(db, "h.example", 2223));
	kh_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_and_ca),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_window_principals),
		cmocka_unit_test(test_kind_signature_sigalg),
		cmocka_unit_test(test_rank_and_ca_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
