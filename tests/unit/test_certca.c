/* test_certca.c - what a KRL names (krlsum.c) against the KRLs
 * fixtures/certs/make.sh made with ssh-keygen -k, the evidence of the CA
 * configuration findings (checks/certca.c, whose firing and not firing the
 * cert-* snapshot fixtures pin), and the keys inventory's certificate rows
 * (keylist.c). */
#include "tests/unit/testutil.h"
#include "scanner/keylist.h"
#include "scanner/parse/authkeys.h"
#include "scanner/parse/krlsum.h"

/* The SHA256 and SHA1 fingerprints of a .pub fixture's key. */
static void
pub_fps(const char *name, char **sha256, char **sha1)
{
	char path[256], *text;
	size_t len;
	struct ak_line l;

	snprintf(path, sizeof(path), "fixtures/certs/%s", name);
	text = tu_read_file(path, &len);
	while (len > 0 && text[len - 1] == '\n')
		len--;
	memset(&l, 0, sizeof(l));
	ak_parse_line(text, len, 1, &l);
	assert_int_equal(l.status, AK_KEY);
	*sha256 = xstrdup(l.fp);
	*sha1 = fingerprint_sha1(l.blob, l.bloblen);
	ak_line_free(&l);
	free(text);
}

static void
summarize(const char *name, struct krl_summary *s, int want_rc)
{
	char path[256], *data;
	size_t len;

	snprintf(path, sizeof(path), "fixtures/certs/%s", name);
	data = tu_read_file(path, &len);
	assert_int_equal(krl_summarize((unsigned char *)data, len, s), want_rc);
	free(data);
}

/* keys.spec: key: (explicit: both fingerprints), sha1:, sha256:, hash:,
 * and a key file (ssh-keygen stores its SHA256). */
static void
test_krlsum_keys(void **state)
{
	struct krl_summary s;
	char *a, *b;

	summarize("krl_keys.krl", &s, 0);
	assert_true(s.header_ok);
	assert_int_equal(s.version, 5);
	assert_true(s.generated > 1700000000);
	assert_int_equal(s.ca_fps.n, 0);
	pub_fps("k_ecdsa256.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, a));
	free(a);
	free(b);
	pub_fps("k_rsa2048.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, b));
	free(a);
	free(b);
	pub_fps("k_dsa.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, a));
	free(a);
	free(b);
	pub_fps("k_ecdsa384.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, a));
	free(a);
	free(b);
	pub_fps("k_other.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, a));
	free(a);
	free(b);
	pub_fps("k_ed25519.pub", &a, &b);
	assert_false(strlist_has(&s.key_fps, a) || strlist_has(&s.key_fps, b));
	free(a);
	free(b);
	krl_summary_free(&s);
}

/* A CA revoked as a key, certificates under a CA, any CA, an update. */
static void
test_krlsum_cas(void **state)
{
	struct krl_summary s;
	char *a, *b;

	summarize("krl_ca.krl", &s, 0);
	pub_fps("ca_ecdsa384.pub", &a, &b);
	assert_true(strlist_has(&s.key_fps, a));
	assert_true(strlist_has(&s.key_fps, b));
	free(a);
	free(b);
	krl_summary_free(&s);

	summarize("krl_serial.krl", &s, 0);
	assert_int_equal(s.version, 3);
	pub_fps("ca_ed25519.pub", &a, &b);
	assert_int_equal(s.ca_fps.n, 1);
	assert_string_equal(s.ca_fps.v[0], a);
	assert_false(s.any_ca);
	assert_int_equal(s.key_fps.n, 0);
	krl_summary_free(&s);

	summarize("krl_update.krl", &s, 0);
	assert_int_equal(s.version, 9);
	assert_true(strlist_has(&s.ca_fps, a));
	krl_summary_free(&s);
	free(a);
	free(b);

	summarize("krl_wild.krl", &s, 0);
	assert_true(s.any_ca);
	assert_int_equal(s.ca_fps.n, 0);
	krl_summary_free(&s);

	summarize("krl_empty.krl", &s, 0);
	assert_true(s.header_ok);
	assert_int_equal(s.ca_fps.n + s.key_fps.n, 0);
	assert_null(s.comment);
	krl_summary_free(&s);
}

/* Not a KRL, a cut header, a cut section, an unknown section: the walk
 * stops and says where, keeping the header when it was read. */
static void
test_krlsum_broken(void **state)
{
	static const unsigned char hdr[] = "SSHKRL\n\0"
	    "\0\0\0\1" "\0\0\0\0\0\0\0\7" "\0\0\0\0\0\0\0\1" "\0\0\0\0\0\0\0\0"
	    "\0\0\0\0" "\0\0\0\3" "a\033b";
	unsigned char buf[sizeof(hdr) + 16];
	size_t hl = sizeof(hdr) - 1;
	struct krl_summary s;

	assert_int_equal(krl_summarize((const unsigned char *)"ssh-ed25519 AAAA", 16, &s), -1);
	assert_false(s.header_ok);
	assert_non_null(strstr(s.error, "no KRL magic"));
	krl_summary_free(&s);

	assert_int_equal(krl_summarize(hdr, 30, &s), -1);
	assert_false(s.header_ok);
	assert_non_null(strstr(s.error, "truncated header"));
	krl_summary_free(&s);

	/* the header alone is a whole KRL; its comment is made printable */
	assert_int_equal(krl_summarize(hdr, hl, &s), 0);
	assert_int_equal(s.version, 7);
	assert_string_equal(s.comment, "a\\x1bb");
	krl_summary_free(&s);

	memcpy(buf, hdr, hl);
	memcpy(buf + hl, "\x7f\0\0\0\1x", 6);
	assert_int_equal(krl_summarize(buf, hl + 6, &s), -1);
	assert_true(s.header_ok);
	assert_non_null(strstr(s.error, "section 1: unknown section type"));
	krl_summary_free(&s);

	/* a SHA256 section claiming more than it holds */
	memcpy(buf + hl, "\5\0\0\0\x40", 5);
	assert_int_equal(krl_summarize(buf, hl + 5, &s), -1);
	assert_non_null(strstr(s.error, "section 1"));
	krl_summary_free(&s);

	/* a SHA1 hash of the wrong length */
	memcpy(buf + hl, "\3\0\0\0\6\0\0\0\2ab", 11);
	assert_int_equal(krl_summarize(buf, hl + 11, &s), -1);
	assert_non_null(strstr(s.error, "wrong length"));
	krl_summary_free(&s);
}

/* The evidence in the messages: the directive's file, the mode, the
 * KRL's header. */
static void
test_certca_messages(void **state)
{
	struct ka_host_result r;
	const struct ka_finding *f;

	tu_scan_fixture("fixtures/snapshots/cert-ca-file-writable.json", &r);
	assert_non_null(f = tu_find(&r, "cert.ca-file-writable", NULL, NULL));
	assert_non_null(strstr(f->message, "/etc/ssh/user_ca.pub is a file mode 0666 owner root"));
	assert_non_null(tu_fix(f));
	assert_non_null(strstr(tu_fix(f), "chmod go-w /etc/ssh/user_ca.pub"));
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/cert-ca-dir-writable.json", &r);
	assert_non_null(f = tu_find(&r, "cert.ca-file-writable", NULL, NULL));
	assert_non_null(strstr(f->message, "/etc/ssh/ca is a directory mode 0775"));
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/cert-krl-invalid.json", &r);
	assert_non_null(f = tu_find(&r, "cert.krl-invalid", NULL, NULL));
	assert_non_null(strstr(f->message, "KRL version 9, generated 2026-01-01T00:00:00Z, "
	    "comment \"broken\""));
	assert_int_equal(f->blocks_login, 1);
	assert_int_equal(f->severity, SEV_HIGH);
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/cert-ca-weak.json", &r);
	assert_non_null(f = tu_find(&r, "cert.ca-weak", NULL, NULL));
	assert_non_null(strstr(f->message, "ssh-dss"));
	assert_non_null(strstr(f->message, "trusted for all users"));
	assert_non_null(f->key_fp);
	host_result_free(&r);
}

static const struct key_row *
row(const struct key_rows *k, const char *kind, size_t nth)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i].kind, kind) == 0 && nth-- == 0)
			return &k->v[i];
	return NULL;
}

/* keys: a TrustedUserCAKeys CA for all users, a cert-authority line of
 * alice's with principals=, a principals file, a KRL. */
static void
test_keylist_cert_rows(void **state)
{
	struct snapshot s;
	struct ka_options o = { 0 };
	struct key_rows k = { 0 };
	const struct key_row *r;

	tu_load_snapshot("fixtures/snapshots/cert-ca-trusted-twice.json", &s);
	keylist_rows(&s, &o, &k);
	snapshot_free(&s);
	assert_non_null(r = row(&k, "ca", 0));
	assert_string_equal(r->user, "alice");	/* the cert-authority lines first */
	assert_string_equal(r->scope, "alice");
	assert_string_equal(r->principals, "ops");
	assert_int_equal(r->line, 2);
	assert_non_null(r = row(&k, "ca", 2));
	assert_string_equal(r->user, "");
	assert_string_equal(r->scope, "all users");
	assert_string_equal(r->path, "/etc/ssh/user_ca.pub");
	assert_int_equal(r->line, 1);
	assert_string_equal(r->type, "ssh-ed25519");
	assert_int_equal(r->bits, 256);
	assert_non_null(r = row(&k, "key", 0));
	assert_null(row(&k, "key", 1));
	keylist_free(&k);

	tu_load_snapshot("fixtures/snapshots/cert-principals-file-ok.json", &s);
	keylist_rows(&s, &o, &k);
	snapshot_free(&s);
	assert_non_null(r = row(&k, "principals", 0));
	assert_string_equal(r->user, "alice");
	assert_string_equal(r->principals, "alice,ops");
	assert_string_equal(r->status, "2 principals");
	keylist_free(&k);

	tu_load_snapshot("fixtures/snapshots/cert-krl-ok.json", &s);
	keylist_rows(&s, &o, &k);
	snapshot_free(&s);
	assert_non_null(r = row(&k, "revoked", 0));
	assert_string_equal(r->type, "KRL");
	assert_non_null(strstr(r->status, "KRL version 9"));
	assert_non_null(strstr(r->status, "certificates under 1 CA"));
	keylist_free(&k);

	/* akeys-ok's cert-authority line is a row too; the file's comes after */
	tu_load_snapshot("fixtures/snapshots/cert-ca-file-missing.json", &s);
	keylist_rows(&s, &o, &k);
	snapshot_free(&s);
	assert_non_null(r = row(&k, "ca", 0));
	assert_string_equal(r->user, "alice");
	assert_non_null(r = row(&k, "ca", 1));
	assert_string_equal(r->path, "/etc/ssh/user_ca.pub");
	assert_non_null(strstr(r->status, "dead: TrustedUserCAKeys missing"));
	keylist_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_krlsum_keys),
		cmocka_unit_test(test_krlsum_cas),
		cmocka_unit_test(test_krlsum_broken),
		cmocka_unit_test(test_certca_messages),
		cmocka_unit_test(test_keylist_cert_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
