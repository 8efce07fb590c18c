/*
 * test_certsrv.c - a user certificate's path through sshd (checks/cert.c),
 * on a snapshot made in memory: the ways in (TrustedUserCAKeys, a principals
 * file with options, a cert-authority line), the causes and their order,
 * the host's clock, and that a scan (no certificate) says nothing of the
 * certificate path. Certificates: fixtures/certs (ssh-keygen -s).
 * ak_parse_options, which reads a principals line's options.
 */
#include "tests/unit/testutil.h"

#include "scanner/parse/authkeys.h"
#include "scanner/parse/cert.h"

#define BASE	"fixtures/snapshots/akeys-ok.json"
#define CERTS	"fixtures/certs/"

static char *
file_text(const char *path)
{
	size_t len;

	return tu_read_file(path, &len);
}

struct run {
	struct ka_host_result r;
	const struct ka_finding *cause;
};

/* diagnose --pubkey CERT for alice, with this sshd_config and (when
 * given) a principals file, from addr; the cause as diagnose picks it. */
static void
diag(const char *certfile, const char *config, const char *principals,
    const char *authkeys, const char *from, struct run *out)
{
	struct snapshot s;
	struct ka_options o = { 0 };
	struct ssh_cert c;
	struct ak_line subj;
	char *text = file_text(certfile), *err = NULL, *ca = file_text(CERTS "ca_ed25519.pub");
	char *b64, *line;
	int rank = 1 << 30;

	tu_load_snapshot(BASE, &s);
	tu_put_file(&s, "/etc/ssh/sshd_config", 0644, 0, config);
	tu_put_file(&s, "/etc/ssh/ca.pub", 0644, 0, ca);
	if (principals != NULL)
		tu_put_file(&s, "/home/alice/.ssh/principals", 0600, 1000, principals);
	else
		snap_file_add(&s, "/home/alice/.ssh/none")->type = SNAP_NOENT;
	if (authkeys != NULL)
		tu_put_file(&s, "/home/alice/.ssh/authorized_keys", 0600, 1000, authkeys);
	if (cert_parse_text(text, strlen(text), &c, &err) != 0)
		fail_msg("%s: %s", certfile, err);
	b64 = base64_encode(c.key_blob, c.key_bloblen);
	line = xasprintf("%s %s", c.key_type, b64);
	ak_parse_line(line, strlen(line), 0, &subj);
	o.from_addr = from;
	o.subject = &subj;
	o.subject_cert = &c;
	o.subject_cert_file = certfile;
	host_result_init(&out->r, s.target);
	engine_check_snapshot(&s, &o, &out->r);
	out->cause = NULL;
	for (size_t i = 0; i < out->r.nfindings; i++) {
		const struct ka_finding *f = &out->r.findings[i];
		int k = f->rule->chain > 0 ? f->rule->chain : 1 << 29;

		if (f->blocks_login && k < rank) {
			rank = k;
			out->cause = f;
		}
	}
	ak_line_free(&subj);
	cert_free(&c);
	snapshot_free(&s);
	free(b64);
	free(line);
	free(text);
	free(ca);
}

#define TRUST	"TrustedUserCAKeys /etc/ssh/ca.pub\n"

static void
expect_cause(struct run *r, const char *id)
{
	if (id == NULL) {
		if (r->cause != NULL)
			fail_msg("expected no cause, got %s: %s", r->cause->rule->id,
			    r->cause->message);
	} else {
		if (r->cause == NULL)
			fail_msg("expected %s, got no cause", id);
		assert_string_equal(r->cause->rule->id, id);
		assert_true(r->cause->remedy.n > 0);
	}
	host_result_free(&r->r);
}

static void
test_trusted_user_name(void **state)
{
	struct run r;

	(void)state;
	/* principals alice,bob; TrustedUserCAKeys alone: the user name */
	diag(CERTS "user_ed25519-cert.pub", TRUST, NULL, NULL, "10.1.1.1", &r);
	/* the plain key of the certificate is on no line: no key-not-listed */
	assert_null(tu_find(&r.r, "akeys.key-not-listed", NULL, NULL));
	expect_cause(&r, NULL);
	/* no CA anywhere */
	diag(CERTS "user_ed25519-cert.pub", "PubkeyAuthentication yes\n", NULL, NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, "cert.ca-untrusted");
	/* a certificate without principals: TrustedUserCAKeys requires one */
	diag(CERTS "user_noprinc-cert.pub", TRUST, NULL, NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.principal");
	/* an AuthorizedKeysCommand, asked last, may still accept it:
	 * keyaudit runs nothing, so the refusal does not block alone */
	diag(CERTS "user_noprinc-cert.pub", TRUST "AuthorizedKeysCommand /bin/true\n"
	    "AuthorizedKeysCommandUser root\n", NULL, NULL, "10.1.1.1", &r);
	assert_non_null(tu_find(&r.r, "cert.principal", "alice", NULL));
	expect_cause(&r, NULL);
}

static void
test_clock(void **state)
{
	struct run r;

	(void)state;
	/* the fixture's clock: 2026-01-01 */
	diag(CERTS "user_expired-cert.pub", TRUST, NULL, NULL, "10.1.1.1", &r);
	assert_non_null(strstr(r.cause->message, "host's clock"));
	expect_cause(&r, "cert.expired");
	diag(CERTS "user_future-cert.pub", TRUST, NULL, NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.not-yet-valid");
}

static void
test_principals_file(void **state)
{
	const char *cfg = TRUST "AuthorizedPrincipalsFile .ssh/principals\n";
	struct run r;

	(void)state;
	diag(CERTS "user_ed25519-cert.pub", cfg, "# ours\n  bob  \n", NULL, "10.1.1.1", &r);
	expect_cause(&r, NULL);
	/* the user name no longer counts once a principals file is set */
	diag(CERTS "user_ed25519-cert.pub", cfg, "ops\n", NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.principal");
	/* a missing file names nobody */
	diag(CERTS "user_ed25519-cert.pub", TRUST "AuthorizedPrincipalsFile "
	    ".ssh/none\n", NULL, NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.principal");
	/* options before the principal: from= */
	diag(CERTS "user_ed25519-cert.pub", cfg, "from=\"10.0.0.0/8\" bob\n", NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, NULL);
	diag(CERTS "user_ed25519-cert.pub", cfg, "from=\"10.0.0.0/8\" bob\n", NULL,
	    "192.0.2.1", &r);
	expect_cause(&r, "cert.source-address");
	/* the certificate itself is judged before the line's options */
	diag(CERTS "user_expired-cert.pub", cfg, "from=\"10.0.0.0/8\" alice\n", NULL,
	    "192.0.2.1", &r);
	expect_cause(&r, "cert.expired");
	/* a line whose options sshd rejects is skipped */
	diag(CERTS "user_ed25519-cert.pub", cfg, "bogus-option bob\n", NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, "cert.principal");
	/* a command decides: keyaudit runs nothing, says so, judges the rest */
	diag(CERTS "user_ed25519-cert.pub", TRUST "AuthorizedPrincipalsCommand "
	    "/bin/echo x\nAuthorizedPrincipalsCommandUser nobody\n", NULL, NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, NULL);
	diag(CERTS "user_expired-cert.pub", TRUST "AuthorizedPrincipalsCommand "
	    "/bin/echo x\nAuthorizedPrincipalsCommandUser nobody\n", NULL, NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, "cert.expired");
}

static void
test_ca_line(void **state)
{
	char *ca = file_text(CERTS "ca_ed25519.pub");
	char *ak = xasprintf("cert-authority,principals=\"ops,bob\" %s", ca);
	char *ak2 = xasprintf("cert-authority,principals=\"ops\" %s", ca);
	char *ak3 = xasprintf("cert-authority,from=\"10.0.0.0/8\" %s", ca);
	struct run r;

	(void)state;
	diag(CERTS "user_ed25519-cert.pub", "PubkeyAuthentication yes\n", NULL, ak,
	    "10.1.1.1", &r);
	expect_cause(&r, NULL);
	diag(CERTS "user_ed25519-cert.pub", "PubkeyAuthentication yes\n", NULL, ak2,
	    "10.1.1.1", &r);
	expect_cause(&r, "cert.principal");
	/* the line's from= closes it: akeys says so, on that line */
	diag(CERTS "user_ed25519-cert.pub", "PubkeyAuthentication yes\n", NULL, ak3,
	    "192.0.2.1", &r);
	expect_cause(&r, "akeys.from-mismatch");
	free(ca);
	free(ak);
	free(ak2);
	free(ak3);
}

static void
test_key_stage(void **state)
{
	struct run r;

	(void)state;
	/* SHA-1 CA signature: refused by the 9.2 default list, before the CA
	 * is even looked for */
	diag(CERTS "user_rsa_sha1-cert.pub", "PubkeyAuthentication yes\n", NULL, NULL,
	    "10.1.1.1", &r);
	expect_cause(&r, "cert.ca-signature-algorithm");
	diag(CERTS "user_ed25519-cert.pub", TRUST "PubkeyAcceptedAlgorithms "
	    "ssh-ed25519\n", NULL, NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.algorithm");
	diag(CERTS "badsig_ed25519-cert.pub", TRUST, NULL, NULL, "10.1.1.1", &r);
	expect_cause(&r, "cert.signature-invalid");
}

static void
test_scan_quiet(void **state)
{
	struct ka_host_result r;

	(void)state;
	tu_scan_fixture(BASE, &r);
	for (size_t i = 0; i < r.nfindings; i++)
		assert_true(strncmp(r.findings[i].rule->id, "cert.", 5) != 0);
	host_result_free(&r);
}

/* scan: a cert-authority line holding one of the client's own keys is no
 * way in for that key */
static void
test_scan_client_key_as_ca(void **state)
{
	const char *ca = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM4EvRn/TV4BVjDy7hWOgxayiTqP5fEDoERWW5OGz6vC";
	struct snapshot s;
	struct ka_options o = { 0 };
	struct strlist only = { 0 };
	struct ka_host_result r;
	struct ak_line l;
	const struct ka_finding *f;

	(void)state;
	ak_parse_line(ca, strlen(ca), 1, &l);
	assert_int_equal(l.status, AK_KEY);
	tu_load_snapshot(BASE, &s);
	assert_int_equal(s.nclientkeys, 0);
	free(s.clientkeys);	/* the fixture's empty list */
	s.clientkeys = xcalloc(1, sizeof(*s.clientkeys));
	s.nclientkeys = 1;
	s.clientkeys[0].path = xstrdup("/root/.ssh/id_ed25519");
	s.clientkeys[0].format = xstrdup("openssh");
	s.clientkeys[0].source = xstrdup("default");
	s.clientkeys[0].pub_fp = xstrdup(l.fp);
	tu_login_rules(&only);
	o.only = &only;
	host_result_init(&r, s.target);
	engine_check_snapshot(&s, &o, &r);
	f = tu_find(&r, "akeys.cert-authority-key", "alice", NULL);
	assert_non_null(f);
	assert_int_equal(f->line, 5);	/* after a blank line and a CRLF line */
	assert_string_equal(f->key_fp, l.fp);
	assert_non_null(strstr(f->message, "/root/.ssh/id_ed25519"));
	host_result_free(&r);
	snapshot_free(&s);
	strlist_free(&only);
	ak_line_free(&l);
}

static void
test_parse_options(void **state)
{
	struct ak_options o;
	char *err = NULL;

	(void)state;
	assert_int_equal(ak_parse_options("from=\"10.0.0.0/8\",no-pty ops", &o, &err), 0);
	assert_string_equal(o.from, "10.0.0.0/8");
	assert_int_equal(o.no_pty, 1);
	ak_options_free(&o);
	assert_int_equal(ak_parse_options(NULL, &o, &err), 0);
	assert_int_equal(ak_parse_options("frobnicate ops", &o, &err), -1);
	assert_non_null(err);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trusted_user_name),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_principals_file),
		cmocka_unit_test(test_ca_line),
		cmocka_unit_test(test_key_stage),
		cmocka_unit_test(test_scan_quiet),
		cmocka_unit_test(test_scan_client_key_as_ca),
		cmocka_unit_test(test_parse_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
