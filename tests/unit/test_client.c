/* test_client.c - private-key facts and redaction (scanner/parse/privkey.c) and
 * the client check family (checks/client.c). Keys are generated fresh with
 * ssh-keygen, the oracle for format and fingerprint; nothing secret is
 * committed. */
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/authkeys.h"
#include "scanner/parse/snapjson.h"
#include "scanner/parse/privkey.h"

static char tmpdir[] = "/tmp/ka-test-client-XXXXXX";

static int
setup(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Generate a key with ssh-keygen ARGS into tmpdir/name. */
static char *
keygen(const char *name, const char *args)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	char *cmd = xasprintf("rm -f '%s' '%s.pub'; ssh-keygen -q %s -C test -f '%s' "
	    "</dev/null >/dev/null 2>&1", path, path, args, path);

	if (system(cmd) != 0)
		fail_msg("ssh-keygen %s failed (is openssh-client installed?)", args);
	free(cmd);
	return path;
}

/* The fingerprint ssh-keygen -l prints for a public key file. */
static char *
oracle_fp(const char *pubpath)
{
	char *cmd = xasprintf("ssh-keygen -l -f '%s.pub'", pubpath), line[512], fp[256];
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	free(cmd);
	assert_int_equal(sscanf(line, "%*d %255s", fp), 1);
	return xstrdup(fp);
}

struct facts {
	char *format, *pub_type, *pub_fp;
	int encrypted;
};

static void
facts_of(const char *data, size_t len, struct facts *f)
{
	privkey_facts(data, len, &f->format, &f->encrypted, &f->pub_type, &f->pub_fp);
	assert_non_null(f->format);
}

static void
facts_free(struct facts *f)
{
	free(f->format);
	free(f->pub_type);
	free(f->pub_fp);
}

static void
facts_of_file(const char *path, struct facts *f)
{
	size_t len;
	char *data = tu_read_file(path, &len);

	facts_of(data, len, f);
	free(data);
}

/* One generated key: format, passphrase, type and fingerprint as expected. */
static void
expect_key(const char *name, const char *args, const char *format, int encrypted,
    const char *type, int want_fp)
{
	char *path = keygen(name, args), *fp;
	struct facts f;

	facts_of_file(path, &f);
	assert_string_equal(f.format, format);
	assert_int_equal(f.encrypted, encrypted);
	if (type != NULL)
		assert_string_equal(f.pub_type, type);
	else
		assert_null(f.pub_type);
	if (want_fp) {
		fp = oracle_fp(path);
		assert_non_null(f.pub_fp);
		assert_string_equal(f.pub_fp, fp);
		free(fp);
	} else
		assert_null(f.pub_fp);
	facts_free(&f);
	free(path);
}

static void
test_facts_openssh(void **state)
{
	expect_key("ed", "-t ed25519 -N ''", "openssh", 0, "ssh-ed25519", 1);
	expect_key("edp", "-t ed25519 -N secret-pass", "openssh", 1, "ssh-ed25519", 1);
	expect_key("rsa", "-t rsa -b 2048 -N ''", "openssh", 0, "ssh-rsa", 1);
	expect_key("rsap", "-t rsa -b 3072 -N pw12345", "openssh", 1, "ssh-rsa", 1);
	expect_key("ec", "-t ecdsa -b 384 -N ''", "openssh", 0, "ecdsa-sha2-nistp384", 1);
	expect_key("ec521", "-t ecdsa -b 521 -N pw12345", "openssh", 1,
	    "ecdsa-sha2-nistp521", 1);
}

static void
test_facts_pem_pkcs8(void **state)
{
	expect_key("rsapem", "-t rsa -b 2048 -m PEM -N ''", "pem", 0, "ssh-rsa", 0);
	expect_key("rsapemp", "-t rsa -b 2048 -m PEM -N pw12345", "pem", 1, "ssh-rsa", 0);
	expect_key("ecpem", "-t ecdsa -m PEM -N ''", "pem", 0, NULL, 0);
	expect_key("ecpemp", "-t ecdsa -m PEM -N pw12345", "pem", 1, NULL, 0);
	expect_key("rsap8", "-t rsa -b 2048 -m PKCS8 -N ''", "pkcs8", 0, NULL, 0);
	expect_key("rsap8p", "-t rsa -b 2048 -m PKCS8 -N pw12345", "pkcs8", 1, NULL, 0);
}

static void
expect_unknown_len(const char *data, size_t len)
{
	struct facts f;

	facts_of(data, len, &f);
	assert_string_equal(f.format, "unknown");
	assert_int_equal(f.encrypted, -1);
	assert_null(f.pub_type);
	assert_null(f.pub_fp);
	facts_free(&f);
}

static void
expect_unknown(const char *data)
{
	expect_unknown_len(data, strlen(data));
}

static void
test_facts_not_keys(void **state)
{
	char *path = keygen("pub", "-t ed25519 -N ''"), *pub = xasprintf("%s.pub", path);
	size_t len;
	char *data;

	expect_unknown("");
	expect_unknown("hello\n");
	/* A public key named as an identity is not a private key. */
	data = tu_read_file(pub, &len);
	expect_unknown_len(data, len);
	free(data);
	/* ssh reads its own format only from the first byte on. */
	data = tu_read_file(path, &len);
	{
		char *shifted = xasprintf("\n%s", data);
		expect_unknown_len(shifted, len + 1);
		free(shifted);
	}
	free(data);
	expect_unknown("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n");
	free(pub);
	free(path);
}

static void
test_facts_pem_after_text(void **state)
{
	/* OpenSSL's PEM reader skips text before the BEGIN line; ssh falls
	 * back to it, so such a file is still a PEM key. */
	static const char pem[] = "Bag Attributes\n    friendlyName: x\n"
	    "-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\n"
	    "DEK-Info: AES-128-CBC,00\r\n\r\nAAAA\r\n-----END RSA PRIVATE KEY-----\r\n";
	static const char dsa[] = "-----BEGIN DSA PRIVATE KEY-----\nMIIB\n"
	    "Proc-Type: 4,ENCRYPTED\n-----END DSA PRIVATE KEY-----\n";
	struct facts f;

	facts_of(pem, sizeof(pem) - 1, &f);
	assert_string_equal(f.format, "pem");
	assert_int_equal(f.encrypted, 1);
	assert_string_equal(f.pub_type, "ssh-rsa");
	facts_free(&f);
	/* Proc-Type only counts among the headers, before the base64. */
	facts_of(dsa, sizeof(dsa) - 1, &f);
	assert_string_equal(f.format, "pem");
	assert_int_equal(f.encrypted, 0);
	assert_string_equal(f.pub_type, "ssh-dss");
	facts_free(&f);
}

/* An OpenSSH container around a crafted binary body. */
static char *
openssh_armor(const unsigned char *bin, size_t n)
{
	char *b64 = base64_encode(bin, n);
	char *s = xasprintf("-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n"
	    "-----END OPENSSH PRIVATE KEY-----\n", b64);

	free(b64);
	return s;
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };
	buf_append(b, x, 4);
}

static void
putstr(struct buf *b, const char *s, size_t n)
{
	put32(b, (uint32_t)n);
	buf_append(b, s, n);
}

static void
test_facts_openssh_crafted(void **state)
{
	struct buf b, blob;
	struct facts f;
	char *text, *fp;

	/* Well-formed, cipher aes256-ctr: encrypted, public half known. */
	buf_init(&blob);
	putstr(&blob, "ssh-ed25519", 11);
	putstr(&blob, "0123456789abcdef0123456789abcdef", 32);
	buf_init(&b);
	buf_append(&b, "openssh-key-v1", 15);
	putstr(&b, "aes256-ctr", 10);
	putstr(&b, "bcrypt", 6);
	putstr(&b, "", 0);
	put32(&b, 1);
	putstr(&b, blob.data, blob.len);
	text = openssh_armor((unsigned char *)b.data, b.len);
	facts_of(text, strlen(text), &f);
	assert_string_equal(f.format, "openssh");
	assert_int_equal(f.encrypted, 1);
	assert_string_equal(f.pub_type, "ssh-ed25519");
	fp = fingerprint_sha256((unsigned char *)blob.data, blob.len);
	assert_string_equal(f.pub_fp, fp);
	free(fp);
	facts_free(&f);
	free(text);
	buf_free(&b);

	/* A length that runs past the end: cipher known, no public key. */
	buf_init(&b);
	buf_append(&b, "openssh-key-v1", 15);
	putstr(&b, "none", 4);
	put32(&b, 0xffffffffu);
	text = openssh_armor((unsigned char *)b.data, b.len);
	facts_of(text, strlen(text), &f);
	assert_string_equal(f.format, "openssh");
	assert_int_equal(f.encrypted, 0);
	assert_null(f.pub_type);
	assert_null(f.pub_fp);
	facts_free(&f);
	free(text);
	buf_free(&b);

	/* A key type with control characters: neither type nor fingerprint. */
	buf_init(&b);
	buf_append(&b, "openssh-key-v1", 15);
	putstr(&b, "none", 4);
	putstr(&b, "none", 4);
	putstr(&b, "", 0);
	put32(&b, 1);
	put32(&b, 15);
	putstr(&b, "ssh-\033[31m", 9);
	buf_append(&b, "xx", 2);
	text = openssh_armor((unsigned char *)b.data, b.len);
	facts_of(text, strlen(text), &f);
	assert_int_equal(f.encrypted, 0);
	assert_null(f.pub_type);
	assert_null(f.pub_fp);
	facts_free(&f);
	free(text);
	buf_free(&b);
	buf_free(&blob);

	/* Wrong magic and broken base64. */
	text = openssh_armor((const unsigned char *)"openssh-key-v2\0", 15);
	facts_of(text, strlen(text), &f);
	assert_string_equal(f.format, "openssh");
	assert_int_equal(f.encrypted, -1);
	facts_free(&f);
	free(text);
	text = xstrdup("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blb*nNza\n");
	facts_of(text, strlen(text), &f);
	assert_int_equal(f.encrypted, -1);
	assert_null(f.pub_fp);
	facts_free(&f);
	free(text);
}

/* Deterministic mutations of a real key: any answer, never a crash, and
 * nothing but a plain type name ever comes out. */
static void
test_facts_mutations(void **state)
{
	char *path = keygen("mut", "-t rsa -b 1024 -N ''");
	size_t len;
	char *orig = tu_read_file(path, &len), *m = xmalloc(len + 1);
	uint32_t seed = 12345;

	for (int i = 0; i < 3000; i++) {
		struct facts f;
		size_t n = len;

		memcpy(m, orig, len);
		for (int k = 0; k < 1 + i % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % len] = (char)(seed >> 16);
		}
		if (i % 5 == 0)
			n = (seed >> 4) % len;
		facts_of(m, n, &f);
		assert_true(f.encrypted >= -1 && f.encrypted <= 1);
		if (f.pub_type != NULL)
			assert_false(str_has_control(f.pub_type, strlen(f.pub_type)));
		if (f.pub_fp != NULL)
			assert_true(strncmp(f.pub_fp, "SHA256:", 7) == 0);
		facts_free(&f);
	}
	free(m);
	free(orig);
	free(path);
}

static size_t
count_nl(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

/* Redact, and check what every redaction must keep. */
static char *
redact(const char *in, size_t *outlen)
{
	size_t len = strlen(in), olen = 0;
	char *out = redact_private_blocks(in, len, &olen);

	if (out != NULL) {
		assert_true(olen <= len);
		assert_int_equal(count_nl(out, olen), count_nl(in, len));
		assert_int_equal(out[olen], '\0');
	}
	if (outlen)
		*outlen = olen;
	return out;
}

static void
test_redact_nothing(void **state)
{
	assert_null(redact("ssh-ed25519 AAAA a\nssh-rsa AAAA b\n", NULL));
	assert_null(redact("", NULL));
	/* Markers without a body: nothing to take out. */
	assert_null(redact("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n",
	    NULL));
	/* A public key block is not a private key. */
	assert_null(redact("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n",
	    NULL));
	assert_null(redact("# -----BEGIN RSA PRIVATE KEY----- in a comment\n", NULL));
}

static void
test_redact_block(void **state)
{
	char *out = redact("ssh-ed25519 AAAAa one\n"
	    "  -----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n"
	    "SECRETSECRET\n"
	    "-----END OPENSSH PRIVATE KEY-----\n"
	    "ssh-ed25519 AAAAb two\n", NULL);

	assert_non_null(out);
	assert_string_equal(out, "ssh-ed25519 AAAAa one\n"
	    "  -----BEGIN OPENSSH PRIVATE KEY-----\n\n\n"
	    "-----END OPENSSH PRIVATE KEY-----\n"
	    "ssh-ed25519 AAAAb two\n");
	free(out);

	/* CRLF, two blocks, PKCS#8 and EC labels. */
	out = redact("-----BEGIN PRIVATE KEY-----\r\nMIIE\r\n-----END PRIVATE KEY-----\r\n"
	    "x\r\n-----BEGIN EC PRIVATE KEY-----\nMHcC\nAQEE\n-----END EC PRIVATE KEY-----",
	    NULL);
	assert_string_equal(out, "-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\n"
	    "x\r\n-----BEGIN EC PRIVATE KEY-----\n\n\n-----END EC PRIVATE KEY-----");
	free(out);
}

static void
test_redact_unterminated_and_one_line(void **state)
{
	char *out = redact("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nsecret\nssh-rsa AAAA c\n",
	    NULL);

	/* No END: everything after BEGIN may be key material. */
	assert_string_equal(out, "a\n-----BEGIN RSA PRIVATE KEY-----\n\n\n\n");
	free(out);

	out = redact("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1r SECRET "
	    "-----END OPENSSH PRIVATE KEY-----\nssh-ed25519 AAAA ok\n", NULL);
	assert_string_equal(out, "-----BEGIN OPENSSH PRIVATE KEY----- "
	    "-----END OPENSSH PRIVATE KEY-----\nssh-ed25519 AAAA ok\n");
	free(out);

	/* Material glued to the END marker goes, the marker stays. */
	out = redact("-----BEGIN DSA PRIVATE KEY-----\nMIIB\nQQ==-----END DSA PRIVATE KEY-----\n",
	    NULL);
	assert_string_equal(out, "-----BEGIN DSA PRIVATE KEY-----\n\n"
	    "-----END DSA PRIVATE KEY-----\n");
	free(out);
}

static void
test_redact_putty_and_ssh2(void **state)
{
	char *out = redact("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
	    "Comment: x\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 1\nSECRET\n"
	    "Private-MAC: 0011aabb\nssh-ed25519 AAAA after\n", NULL);

	assert_string_equal(out, "PuTTY-User-Key-File-3: ssh-ed25519\n\n\n\n\n\n\n"
	    "Private-MAC:\nssh-ed25519 AAAA after\n");
	free(out);
	out = redact("PuTTY-User-Key-File-2: ssh-rsa Encryption: none Private-Lines: 1 "
	    "SECRET Private-MAC: 00\r\nafter\n", NULL);
	assert_string_equal(out, "PuTTY-User-Key-File-2: ssh-rsa Private-MAC:\nafter\n");
	free(out);

	out = redact("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: x\nP2/56w==\n"
	    "---- END SSH2 ENCRYPTED PRIVATE KEY ----\n", NULL);
	assert_string_equal(out, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n\n\n"
	    "---- END SSH2 ENCRYPTED PRIVATE KEY ----\n");
	free(out);
}

/* A real key pasted into authorized_keys: no line of it survives, and the
 * akeys parser still sees where it was pasted. */
static void
test_redact_real_key(void **state)
{
	char *path = keygen("pasted", "-t ed25519 -N ''");
	char *key = tu_read_file(path, NULL);
	char *text = xasprintf("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDG83DW+7nUWb0G3S6KSR7"
	    "jBuRp9Wj1s7NbiArTuAPfi a\n%sssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDG83DW+7nUWb0G3"
	    "S6KSR7jBuRp9Wj1s7NbiArTuAPfi b\n", key);
	size_t olen;
	char *out = redact(text, &olen), *line, *save = NULL;
	struct ak_file akf;

	assert_non_null(out);
	for (line = strtok_r(key, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "-----", 5) != 0)
			assert_null(strstr(out, line));
	ak_parse(out, olen, &akf);
	assert_int_equal(akf.private_key_line, 2);
	assert_int_equal(akf.lines[0].status, AK_KEY);
	assert_int_equal(akf.lines[akf.n - 1].status, AK_KEY);
	ak_file_free(&akf);
	free(out);
	free(text);
	free(key);
	free(path);
}

static void
test_redact_random(void **state)
{
	static const char *const parts[] = {
		"-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----",
		"-----BEGIN ", "PRIVATE KEY", "-----END ", "---- BEGIN SSH2 ", "---- END ",
		"PuTTY-User-Key-File-2: x", "Private-MAC: 1", "\n", "\r\n", " ", "\t", "AAAA",
		"-", "ssh-rsa AAAA c", "\0", "-----", "RSA ", "PRIVATE KEY-----",
	};
	uint32_t seed = 99;

	for (int i = 0; i < 20000; i++) {
		struct buf b;
		size_t olen = 0;
		char *out;
		int n;

		buf_init(&b);
		seed = seed * 1103515245u + 12345u;
		n = (int)((seed >> 16) % 24);
		for (int k = 0; k < n; k++) {
			const char *p;
			seed = seed * 1103515245u + 12345u;
			p = parts[(seed >> 16) % KA_ARRLEN(parts)];
			buf_append(&b, p, *p ? strlen(p) : 1);
		}
		out = redact_private_blocks(b.data ? b.data : "", b.len, &olen);
		if (out != NULL) {
			assert_true(olen <= b.len);
			assert_int_equal(count_nl(out, olen), count_nl(b.data, b.len));
			/* Only markers are left inside blocks, so a second pass
			 * finds nothing more to take out. */
			char *again = redact_private_blocks(out, olen, &olen);
			if (again != NULL)
				fail_msg("redacting twice changed [%s] into [%s]", out, again);
			free(out);
		}
		buf_free(&b);
	}
}

/* ---- the client family, over fixtures ---- */

static const struct ka_finding *
only_finding(const struct ka_host_result *r, const char *check)
{
	if (r->nfindings != 1) {
		tu_dump(r);
		fail_msg("expected exactly one finding, got %zu", r->nfindings);
	}
	assert_string_equal(r->findings[0].rule->id, check);
	return &r->findings[0];
}

static void
test_check_key_mode(void **state)
{
	struct ka_host_result r;
	const struct ka_finding *f;

	tu_scan_fixture("fixtures/snapshots/client-key-mode-group-readable.json", &r);
	f = only_finding(&r, "client.key-mode");
	assert_int_equal(f->severity, SEV_HIGH);
	assert_true(f->blocks_login);
	assert_string_equal(tu_fix(f), "on the client: chmod 600 /home/alice/.ssh/id_ed25519");
	assert_non_null(strstr(f->message, "0640"));
	assert_non_null(strstr(f->message, "UNPROTECTED PRIVATE KEY FILE"));
	assert_string_equal(f->key_fp, "SHA256:kzd78GlM4xlUxAwFA+unyIy+HBqP0/uJMmp+0IUGCWE");
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/client-key-mode-foreign-owner-readable.json", &r);
	f = only_finding(&r, "client.key-mode");
	assert_false(f->blocks_login);
	assert_string_equal(tu_fix(f), "on the client: chown alice /home/alice/.ssh/id_ed25519 && "
	    "chmod 600 /home/alice/.ssh/id_ed25519");
	host_result_free(&r);
}

static void
test_check_pub_mismatch(void **state)
{
	struct ka_host_result r;
	const struct ka_finding *f;

	tu_scan_fixture("fixtures/snapshots/client-pub-mismatch.json", &r);
	f = only_finding(&r, "client.pub-mismatch");
	assert_true(f->blocks_login);
	assert_non_null(strstr(f->message, "SHA256:YvPs86pelw2ZUXsfWEOgM77dHkrChPu8rFQHf82EKF8"));
	assert_non_null(strstr(f->message, "SHA256:kzd78GlM4xlUxAwFA+unyIy+HBqP0/uJMmp+0IUGCWE"));
	assert_string_equal(tu_fix(f), "on the client: ssh-keygen -y -f /home/alice/.ssh/id_ed25519 > "
	    "/home/alice/.ssh/id_ed25519.pub");
	host_result_free(&r);

	/* A PEM key's public half is unknown: the comparison is a skip. */
	tu_scan_fixture("fixtures/snapshots/client-pem-no-passphrase.json", &r);
	f = only_finding(&r, "client.no-passphrase");
	assert_string_equal(tu_fix(f), "on the client: ssh-keygen -p -f /home/alice/.ssh/id_rsa");
	assert_int_equal(r.nskips, 1);
	assert_string_equal(r.skips[0].rule->id, "client.pub-mismatch");
	host_result_free(&r);
}

static void
test_check_config(void **state)
{
	struct ka_host_result r;
	const struct ka_finding *f;

	tu_scan_fixture("fixtures/snapshots/client-config-world-writable.json", &r);
	f = only_finding(&r, "client.config-perms");
	assert_string_equal(tu_fix(f), "on the client: chmod go-w /home/alice/.ssh/config");
	assert_non_null(strstr(f->message, "Bad owner or permissions on /home/alice/.ssh/config"));
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/client-config-foreign-owner.json", &r);
	f = only_finding(&r, "client.config-perms");
	assert_non_null(strstr(f->message, "owned by bob"));
	assert_string_equal(tu_fix(f), "on the client: chown alice /home/alice/.ssh/config && "
	    "chmod 600 /home/alice/.ssh/config");
	host_result_free(&r);
}

static void
test_check_identityfile(void **state)
{
	struct ka_host_result r;
	const struct ka_finding *f;

	tu_scan_fixture("fixtures/snapshots/client-identityfile-missing.json", &r);
	f = only_finding(&r, "client.key-unreadable");
	assert_int_equal(f->severity, SEV_LOW);
	assert_non_null(strstr(f->message, "/home/alice/.ssh/config:3"));
	assert_non_null(strstr(f->message, "does not exist"));
	host_result_free(&r);

	tu_scan_fixture("fixtures/snapshots/client-identityfile-unreadable.json", &r);
	f = only_finding(&r, "client.key-unreadable");
	assert_non_null(strstr(f->message, "alice cannot read it"));
	host_result_free(&r);
}

/* Replace every occurrence of from in s (a fixture's text). */
static char *
replace_all(const char *s, const char *from, const char *to)
{
	struct buf b;
	const char *p;

	buf_init(&b);
	while ((p = strstr(s, from)) != NULL) {
		buf_append(&b, s, (size_t)(p - s));
		buf_puts(&b, to);
		s = p + strlen(from);
	}
	buf_puts(&b, s);
	return buf_steal(&b);
}

static void
scan_text(const char *text, const struct strlist *only, struct ka_host_result *r)
{
	struct snapshot s;
	struct ka_options o = { .only = only };
	struct strlist login = { 0 };
	char *err = NULL;

	if (only == NULL) {
		tu_login_rules(&login);
		o.only = &login;
	}
	snapshot_init(&s);
	if (snapshot_from_json(text, strlen(text), "test", &s, &err) != 0)
		fail_msg("%s", err);
	host_result_init(r, s.target);
	engine_check_snapshot(&s, &o, r);
	snapshot_free(&s);
	strlist_free(&login);
}

static void
test_check_hostile_path(void **state)
{
	char *text = tu_read_file("fixtures/snapshots/client-key-mode-group-readable.json", NULL);
	char *mod = replace_all(text, "id_ed25519", "my key\\u001b[2J'x");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan_text(mod, NULL, &r);
	f = only_finding(&r, "client.key-mode");
	/* The fix is a command a user may paste: quoted for the shell. */
	assert_string_equal(tu_fix(f), "on the client: chmod 600 '/home/alice/.ssh/my key\033[2J'\"'\"'x'");
	host_result_free(&r);
	free(mod);
	free(text);
}

static void
test_check_selection(void **state)
{
	/* Mode, passphrase and .pub all wrong; --checks picks one. */
	char *text = tu_read_file("fixtures/snapshots/client-pub-mismatch.json", NULL);
	char *t1 = replace_all(text, "\"mode\": \"0600\",\n   \"uid\": 1000", "\"mode\": \"0644\",\n   \"uid\": 1000");
	char *t2 = replace_all(t1, "\"encrypted\": true", "\"encrypted\": false");
	struct strlist only = { 0 };
	struct ka_host_result r;

	scan_text(t2, NULL, &r);
	assert_int_equal(tu_count(&r, "client.key-mode"), 1);
	assert_int_equal(tu_count(&r, "client.no-passphrase"), 1);
	assert_int_equal(tu_count(&r, "client.pub-mismatch"), 1);
	host_result_free(&r);

	strlist_add(&only, "client.no-passphrase");
	scan_text(t2, &only, &r);
	only_finding(&r, "client.no-passphrase");
	host_result_free(&r);
	strlist_free(&only);
	free(t2);
	free(t1);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts_openssh),
		cmocka_unit_test(test_facts_pem_pkcs8),
		cmocka_unit_test(test_facts_not_keys),
		cmocka_unit_test(test_facts_pem_after_text),
		cmocka_unit_test(test_facts_openssh_crafted),
		cmocka_unit_test(test_facts_mutations),
		cmocka_unit_test(test_redact_nothing),
		cmocka_unit_test(test_redact_block),
		cmocka_unit_test(test_redact_unterminated_and_one_line),
		cmocka_unit_test(test_redact_putty_and_ssh2),
		cmocka_unit_test(test_redact_real_key),
		cmocka_unit_test(test_redact_random),
		cmocka_unit_test(test_check_key_mode),
		cmocka_unit_test(test_check_pub_mismatch),
		cmocka_unit_test(test_check_config),
		cmocka_unit_test(test_check_identityfile),
		cmocka_unit_test(test_check_hostile_path),
		cmocka_unit_test(test_check_selection),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
