/*
 * test_authkeys.c - the authorized_keys parser against what sshd 9.2 does:
 * fingerprints equal to ssh-keygen's (fixtures/authkeys/NAME.expected), every
 * option and its errors, every key type and the ways a key line breaks,
 * pasted private keys, and from= matching.
 */
#include <glob.h>

#include "tests/unit/testutil.h"

#include "scanner/parse/authkeys.h"

/* Throwaway public keys (private halves discarded). */
#define ED_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C"
#define ED	"ssh-ed25519 " ED_B64
#define ED_FP	"SHA256:SXUyUHL2im2TTMQeSicKnuSa7ICR/L2AyGi8tItZ64g"
#define EC_B64	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIVrgLNGgqpL9j/" \
		"tMma2h0vAhBm0oXfYK9exrpsvLhIOsKxuoZzx8jUMfjmvn5QdW1eCBSP+ytsSSDiUw7SUPMM="
#define EC_FP	"SHA256:36WvV6UM5CFB2l+89s6i8PzXZTgKwIJRgvzLfj9uBlc"
/* A 768-bit RSA key: sshd's sshkey_from_blob rejects it (< 1024 bits). */
#define RSA768	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAYQCCWrXuTKi1BQaSK2Jfg7/WqmExouNmb6" \
		"EKnkfFJ9N8nYDvt8/sK+izsue7L/1jzzlDXAXp0MsRBJMVAv2GmeLzzd3iw5dlRpC0HZ8r" \
		"oVxqAx/8nhpdRXu30OkTONQG6GE="

/* 2021-01-01T00:00:00Z and 2099-01-05T00:00:00Z */
#define T2021	1609459200LL
#define T2099_0105	4071254400LL

static void
parse1(const char *s, struct ak_line *l)
{
	ak_parse_line(s, strlen(s), 7, l);
}

/* Parse one line and expect this status; returns the error (or NULL). */
static const char *
expect_status(const char *s, enum ak_status st, struct ak_line *l)
{
	parse1(s, l);
	if (l->status != st)
		fail_msg("'%s': status %d, want %d (error: %s)", s, l->status, st,
		    l->error ? l->error : "none");
	return l->error;
}

static void
expect_error(const char *s, enum ak_status st, const char *needle)
{
	struct ak_line l;
	const char *e = expect_status(s, st, &l);

	if (e == NULL || strstr(e, needle) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", s, e ? e : "(null)", needle);
	ak_line_free(&l);
}

static void
expect_key(const char *s)
{
	struct ak_line l;

	expect_status(s, AK_KEY, &l);
	assert_null(l.error);
	ak_line_free(&l);
}

/* --- fingerprints and sizes: ssh-keygen -l is the oracle --------------- */

static void
check_corpus(const char *name)
{
	char path[256], *keys, *exp, *p;
	size_t klen, elen, li = 0, checked = 0;
	struct ak_file f;

	snprintf(path, sizeof(path), "fixtures/authkeys/%s.authorized_keys", name);
	keys = tu_read_file(path, &klen);
	snprintf(path, sizeof(path), "fixtures/authkeys/%s.expected", name);
	exp = tu_read_file(path, &elen);
	ak_parse(keys, klen, &f);
	for (p = exp; *p; ) {
		char *eol = strchr(p, '\n'), fp[128];
		int bits;

		if (eol)
			*eol = '\0';
		assert_int_equal(sscanf(p, "%d %127s", &bits, fp), 2);
		while (li < f.n && f.lines[li].fp == NULL)
			li++;
		assert_true(li < f.n);
		if (strcmp(f.lines[li].fp, fp) != 0 || f.lines[li].bits != bits)
			fail_msg("%s line %ld: %d %s, ssh-keygen says %d %s", name,
			    f.lines[li].lineno, f.lines[li].bits, f.lines[li].fp,
			    bits, fp);
		li++;
		checked++;
		p = eol ? eol + 1 : p + strlen(p);
	}
	assert_true(checked >= 4);
	ak_file_free(&f);
	free(keys);
	free(exp);
}

static void
test_fingerprints_match_ssh_keygen(void **state)
{
	check_corpus("types");
	check_corpus("variants");
}

static void
test_every_type(void **state)
{
	static const struct {
		long line;
		const char *type;
		int bits, cert, sk;
		enum ak_status st;
	} want[] = {
		{ 1, "ssh-ed25519", 256, 0, 0, AK_KEY },
		{ 2, "ecdsa-sha2-nistp256", 256, 0, 0, AK_KEY },
		{ 3, "ecdsa-sha2-nistp384", 384, 0, 0, AK_KEY },
		{ 4, "ecdsa-sha2-nistp521", 521, 0, 0, AK_KEY },
		{ 5, "ssh-rsa", 1024, 0, 0, AK_KEY },
		{ 8, "ssh-rsa", 4096, 0, 0, AK_KEY },
		{ 9, "ssh-dss", 1024, 0, 0, AK_KEY },
		{ 10, "sk-ssh-ed25519@openssh.com", 256, 0, 1, AK_KEY },
		{ 11, "sk-ecdsa-sha2-nistp256@openssh.com", 256, 0, 1, AK_KEY },
		{ 12, "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", 256, 0, 1, AK_KEY },
		/* sshd never matches a certificate line (checked with sshd -d) */
		{ 13, "ssh-ed25519-cert-v01@openssh.com", 256, 1, 0, AK_BAD_KEY },
		{ 14, "ssh-rsa-cert-v01@openssh.com", 2048, 1, 0, AK_BAD_KEY },
		{ 15, "ecdsa-sha2-nistp384-cert-v01@openssh.com", 384, 1, 0, AK_BAD_KEY },
		{ 16, "ssh-ed25519", 256, 0, 0, AK_KEY },
		{ 17, "rsa-sha2-512", 2048, 0, 0, AK_KEY },
	};
	size_t len;
	char *keys = tu_read_file("fixtures/authkeys/types.authorized_keys", &len);
	struct ak_file f;

	ak_parse(keys, len, &f);
	assert_int_equal(f.n, 17);
	for (size_t i = 0; i < KA_ARRLEN(want); i++) {
		const struct ak_line *l = &f.lines[want[i].line - 1];

		assert_int_equal(l->lineno, want[i].line);
		assert_int_equal(l->status, want[i].st);
		assert_string_equal(l->keytype, want[i].type);
		assert_int_equal(l->bits, want[i].bits);
		assert_int_equal(l->is_cert, want[i].cert);
		assert_int_equal(l->is_sk, want[i].sk);
		assert_non_null(l->blob);
	}
	assert_string_equal(f.lines[11].blob_type, "sk-ecdsa-sha2-nistp256@openssh.com");
	assert_string_equal(f.lines[16].blob_type, "ssh-rsa");
	assert_string_equal(f.lines[0].comment, "alice@ed25519");
	assert_non_null(strstr(f.lines[12].error, "certificate"));
	assert_non_null(strstr(f.lines[12].error, "cert-authority"));
	ak_file_free(&f);
	free(keys);
}

static void
test_canonical_type(void **state)
{
	assert_string_equal(ak_canonical_type("ssh-ed25519"), "ssh-ed25519");
	assert_string_equal(ak_canonical_type("rsa-sha2-512"), "ssh-rsa");
	assert_string_equal(ak_canonical_type("rsa-sha2-256"), "ssh-rsa");
	assert_string_equal(ak_canonical_type("rsa-sha2-256-cert-v01@openssh.com"),
	    "ssh-rsa-cert-v01@openssh.com");
	assert_string_equal(ak_canonical_type("webauthn-sk-ecdsa-sha2-nistp256@openssh.com"),
	    "sk-ecdsa-sha2-nistp256@openssh.com");
	assert_string_equal(ak_canonical_type("ssh-dss"), "ssh-dss");
	assert_null(ak_canonical_type("SSH-ED25519"));	/* type words are case-sensitive */
	assert_null(ak_canonical_type("ssh-xmss@openssh.com"));
	assert_null(ak_canonical_type("RSA"));
	assert_null(ak_canonical_type(""));
	assert_null(ak_canonical_type(NULL));
}

/* --- building blobs to break keys on purpose ---------------------------- */

struct wb {
	unsigned char d[4096];
	size_t n;
};

static void
w_u32(struct wb *w, uint32_t v)
{
	w->d[w->n++] = v >> 24;
	w->d[w->n++] = v >> 16;
	w->d[w->n++] = v >> 8;
	w->d[w->n++] = v;
}

static void
w_str(struct wb *w, const void *p, size_t n)
{
	w_u32(w, (uint32_t)n);
	memcpy(w->d + w->n, p, n);
	w->n += n;
}

static void
w_cstr(struct wb *w, const char *s)
{
	w_str(w, s, strlen(s));
}

/* "word base64(blob)", caller frees */
static char *
w_line(const char *word, const struct wb *w)
{
	char *b64 = base64_encode(w->d, w->n), *line;

	line = xasprintf("%s %s", word, b64);
	free(b64);
	return line;
}

static size_t
decode(const char *b64, unsigned char *out, size_t cap)
{
	long n = base64_decode(b64, strlen(b64), out, cap);

	assert_true(n > 0);
	return (size_t)n;
}

static void
test_blob_type_checks(void **state)
{
	unsigned char ed[128], ec[256];
	size_t edn = decode(ED_B64, ed, sizeof(ed)), ecn = decode(EC_B64, ec, sizeof(ec));
	const unsigned char *pk = ed + edn - 32, *pt = ec + ecn - 65;
	struct wb w;
	char *s;

	/* ed25519 data under another type word */
	expect_error("ssh-rsa " ED_B64, AK_BAD_KEY, "key data is ssh-ed25519");
	expect_error("sk-ssh-ed25519@openssh.com " ED_B64, AK_BAD_KEY, "type word");
	/* nistp256 data under the nistp384 word: curve mismatch */
	expect_error("ecdsa-sha2-nistp384 " EC_B64, AK_BAD_KEY, "ecdsa-sha2-nistp256");

	/* short names inside the blob: sshd takes "ED25519", not "ECDSA" */
	w.n = 0;
	w_cstr(&w, "ED25519");
	w_str(&w, pk, 32);
	s = w_line("ssh-ed25519", &w);
	expect_key(s);
	free(s);
	w.n = 0;
	w_cstr(&w, "ECDSA");
	w_cstr(&w, "nistp256");
	w_str(&w, pt, 65);
	s = w_line("ecdsa-sha2-nistp256", &w);
	expect_error(s, AK_BAD_KEY, "names no curve");
	free(s);

	/* curve string inside the blob disagrees with the type */
	w.n = 0;
	w_cstr(&w, "ecdsa-sha2-nistp256");
	w_cstr(&w, "nistp384");
	w_str(&w, pt, 65);
	s = w_line("ecdsa-sha2-nistp256", &w);
	expect_error(s, AK_BAD_KEY, "curve 'nistp384'");
	free(s);

	/* a point that is not on the curve */
	w.n = 0;
	w_cstr(&w, "ecdsa-sha2-nistp256");
	w_cstr(&w, "nistp256");
	w_str(&w, pt, 65);
	w.d[w.n - 1] ^= 1;
	s = w_line("ecdsa-sha2-nistp256", &w);
	expect_error(s, AK_BAD_KEY, "not a valid point");
	free(s);

	/* a compressed point: sshd reads uncompressed ones only */
	w.n = 0;
	w_cstr(&w, "ecdsa-sha2-nistp256");
	w_cstr(&w, "nistp256");
	{
		unsigned char c[33];

		memcpy(c, pt, 33);
		c[0] = 0x02;
		w_str(&w, c, 33);
	}
	s = w_line("ecdsa-sha2-nistp256", &w);
	expect_error(s, AK_BAD_KEY, "not a valid point");
	free(s);

	/* ed25519 key of the wrong length */
	w.n = 0;
	w_cstr(&w, "ssh-ed25519");
	w_str(&w, pk, 31);
	s = w_line("ssh-ed25519", &w);
	expect_error(s, AK_BAD_KEY, "31 bytes");
	free(s);

	/* trailing bytes after a complete key */
	w.n = 0;
	w_cstr(&w, "ssh-ed25519");
	w_str(&w, pk, 32);
	w.d[w.n++] = 0;
	s = w_line("ssh-ed25519", &w);
	expect_error(s, AK_BAD_KEY, "after the key data");
	free(s);

	/* truncated: the length says more than there is */
	w.n = 0;
	w_cstr(&w, "ssh-ed25519");
	w_u32(&w, 32);
	memcpy(w.d + w.n, pk, 16);
	w.n += 16;
	s = w_line("ssh-ed25519", &w);
	expect_error(s, AK_BAD_KEY, "truncated");
	free(s);

	/* a NUL inside the type string (only a trailing one is allowed) */
	w.n = 0;
	w_str(&w, "ssh-ed\0" "25519", 12);
	w_str(&w, pk, 32);
	s = w_line("ssh-ed25519", &w);
	expect_error(s, AK_BAD_KEY, "malformed");
	free(s);

	/* unknown type inside the blob, with a control character shown safely */
	w.n = 0;
	w_cstr(&w, "ssh-\x1b[31m");
	w_str(&w, pk, 32);
	s = w_line("ssh-ed25519", &w);
	{
		struct ak_line l;

		expect_status(s, AK_BAD_KEY, &l);
		assert_non_null(strstr(l.error, "unknown key type"));
		assert_null(strchr(l.error, '\x1b'));
		ak_line_free(&l);
	}
	free(s);

	/* sk keys need their application string */
	w.n = 0;
	w_cstr(&w, "sk-ssh-ed25519@openssh.com");
	w_str(&w, pk, 32);
	s = w_line("sk-ssh-ed25519@openssh.com", &w);
	expect_error(s, AK_BAD_KEY, "application");
	free(s);
}

static void
test_rsa_numbers(void **state)
{
	unsigned char n[260];
	struct wb w;
	struct ak_line l;
	char *s;

	/* below 1024 bits: rejected, but size and fingerprint are known */
	expect_status(RSA768, AK_BAD_KEY, &l);
	assert_int_equal(l.bits, 768);
	assert_non_null(l.fp);
	assert_string_equal(l.keytype, "ssh-rsa");
	assert_non_null(strstr(l.error, "768 bits"));
	ak_line_free(&l);

	/* exactly 1024 bits is fine; 1023 is not */
	memset(n, 0x5a, sizeof(n));
	n[0] = 0x00;
	n[1] = 0x80;
	w.n = 0;
	w_cstr(&w, "ssh-rsa");
	w_str(&w, "\x01\x00\x01", 3);
	w_str(&w, n, 129);
	s = w_line("ssh-rsa", &w);
	expect_status(s, AK_KEY, &l);
	assert_int_equal(l.bits, 1024);
	ak_line_free(&l);
	free(s);
	n[1] = 0x40;
	w.n = 0;
	w_cstr(&w, "ssh-rsa");
	w_str(&w, "\x01\x00\x01", 3);
	w_str(&w, n, 129);
	s = w_line("rsa-sha2-256", &w);
	expect_status(s, AK_BAD_KEY, &l);
	assert_int_equal(l.bits, 1023);
	ak_line_free(&l);
	free(s);

	/* a negative number (sign bit set) */
	n[0] = 0x80;
	w.n = 0;
	w_cstr(&w, "ssh-rsa");
	w_str(&w, "\x01\x00\x01", 3);
	w_str(&w, n, 129);
	s = w_line("ssh-rsa", &w);
	expect_error(s, AK_BAD_KEY, "negative");
	free(s);
}

static void
test_base64_rules(void **state)
{
	struct ak_line l;

	expect_error("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0",
	    AK_BAD_KEY, "base64");	/* one character short: partial group */
	expect_error("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWN!NO28qQXvu4HRqiQxBiIT0C",
	    AK_BAD_KEY, "base64");
	/* padding: "=" must come at the end of a group, bits below it zero */
	expect_error("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C=",
	    AK_BAD_KEY, "base64");
	expect_error("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C====",
	    AK_BAD_KEY, "base64");
	expect_error("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIVrgLNGgqpL9j/"
	    "tMma2h0vAhBm0oXfYK9exrpsvLhIOsKxuoZzx8jUMfjmvn5QdW1eCBSP+ytsSSDiUw7SUPMN=",
	    AK_BAD_KEY, "base64");	/* non-zero bits under the pad */
	expect_error("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIVrgLNGgqpL9j/"
	    "tMma2h0vAhBm0oXfYK9exrpsvLhIOsKxuoZzx8jUMfjmvn5QdW1eCBSP+ytsSSDiUw7SUPMM=x",
	    AK_BAD_KEY, "base64");	/* data after the pad */
	/* whitespace other than blank/tab inside the word is skipped */
	expect_status("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIVrgLNGgqpL9j/"
	    "tMma2h0vAhBm0oXfYK9exrpsvLhIOsKxuoZzx8jUMfjmvn5QdW1eCBSP+ytsSSDiUw7SUPMM\v=", AK_KEY, &l);
	assert_string_equal(l.fp, EC_FP);
	ak_line_free(&l);
	/* unpadded but group-aligned is fine */
	expect_status("ssh-ed25519 " ED_B64 " no pad needed", AK_KEY, &l);
	assert_string_equal(l.fp, ED_FP);
	ak_line_free(&l);
}

static void
test_line_shapes(void **state)
{
	struct ak_line l;

	expect_status("", AK_BLANK, &l);
	expect_status("   \t  ", AK_BLANK, &l);
	expect_status("# " ED, AK_BLANK, &l);
	expect_status("   #comment", AK_BLANK, &l);
	expect_status("\r", AK_BLANK, &l);
	assert_int_equal(l.had_crlf, 1);

	expect_status(" \t " ED "  two  words ", AK_KEY, &l);
	assert_int_equal(l.lineno, 7);
	assert_string_equal(l.comment, "two  words ");
	assert_null(l.options_text);
	assert_int_equal(l.comment_has_control, 0);
	ak_line_free(&l);

	/* tabs separate like blanks */
	expect_status("ssh-ed25519\t" ED_B64 "\tc", AK_KEY, &l);
	assert_string_equal(l.comment, "c");
	ak_line_free(&l);

	/* CRLF */
	expect_status(ED " win\r", AK_KEY, &l);
	assert_int_equal(l.had_crlf, 1);
	assert_string_equal(l.comment, "win");
	ak_line_free(&l);

	/* no key data, no type */
	expect_error("ssh-ed25519", AK_BAD_KEY, "no key data");
	expect_error("ssh-ed25519   ", AK_BAD_KEY, "no key data");
	expect_error("hello world", AK_BAD_KEY, "unknown key type 'hello'");
	expect_error("SSH-ED25519 " ED_B64, AK_BAD_KEY, "unknown key type");
	expect_error(ED_B64, AK_BAD_KEY, "unknown key type");
	/* options without a blank before the key type */
	expect_error("no-pty,ssh-ed25519 " ED_B64, AK_BAD_KEY, "no blank between");
	/* options followed by rubbish */
	expect_error("no-pty ssh-ed25519 AAAA", AK_BAD_KEY, "after the options");
	expect_error("command=\"x\" hello", AK_BAD_KEY, "after the options");
	/* RFC 4716 */
	expect_error("---- BEGIN SSH2 PUBLIC KEY ----", AK_BAD_KEY, "RFC 4716");
}

static void
test_control_chars(void **state)
{
	struct ak_line l;
	static const char nul_line[] = ED " ok\0\x1b[2J hidden";

	expect_status(ED " evil\x1b[2Jcomment", AK_KEY, &l);
	assert_int_equal(l.comment_has_control, 1);
	ak_line_free(&l);
	expect_status(ED " tab\there", AK_KEY, &l);
	assert_int_equal(l.comment_has_control, 0);
	ak_line_free(&l);
	expect_status(ED " caf\xc3\xa9", AK_KEY, &l);
	assert_int_equal(l.comment_has_control, 0);
	ak_line_free(&l);
	/* sshd stops at a NUL: the rest is invisible to it */
	ak_parse_line(nul_line, sizeof(nul_line) - 1, 3, &l);
	assert_int_equal(l.status, AK_KEY);
	assert_string_equal(l.comment, "ok");
	assert_int_equal(l.comment_has_control, 1);
	ak_line_free(&l);
	/* a NUL before the key kills it */
	ak_parse_line("ssh-ed25519\0 " ED_B64, 13 + strlen(ED_B64), 3, &l);
	assert_int_equal(l.status, AK_BAD_KEY);
	ak_line_free(&l);
}

/* --- options ------------------------------------------------------------ */

static void
test_option_flags(void **state)
{
	struct ak_line l;

	expect_status("restrict " ED, AK_KEY, &l);
	assert_int_equal(l.opts.restrict_, 1);
	assert_int_equal(l.opts.no_pty, 1);
	assert_int_equal(l.opts.no_port_forwarding, 1);
	assert_int_equal(l.opts.no_agent_forwarding, 1);
	assert_int_equal(l.opts.no_x11_forwarding, 1);
	assert_int_equal(l.opts.no_user_rc, 1);
	assert_string_equal(l.options_text, "restrict");
	assert_string_equal(l.fp, ED_FP);
	ak_line_free(&l);

	/* later flags undo restrict; names are case-insensitive */
	expect_status("restrict,PTY,Port-Forwarding " ED, AK_KEY, &l);
	assert_int_equal(l.opts.no_pty, 0);
	assert_int_equal(l.opts.no_port_forwarding, 0);
	assert_int_equal(l.opts.no_agent_forwarding, 1);
	ak_line_free(&l);

	expect_status("NO-PTY,no-agent-forwarding,no-x11-forwarding,no-user-rc,"
	    "no-port-forwarding,cert-authority " ED, AK_KEY, &l);
	assert_int_equal(l.opts.no_pty, 1);
	assert_int_equal(l.opts.no_agent_forwarding, 1);
	assert_int_equal(l.opts.no_x11_forwarding, 1);
	assert_int_equal(l.opts.no_user_rc, 1);
	assert_int_equal(l.opts.no_port_forwarding, 1);
	assert_int_equal(l.opts.cert_authority, 1);
	assert_int_equal(l.opts.restrict_, 0);
	ak_line_free(&l);

	expect_status("touch-required,verify-required " ED, AK_KEY, &l);
	assert_int_equal(l.opts.touch_required, 1);
	assert_int_equal(l.opts.verify_required, 1);
	ak_line_free(&l);
	expect_status("no-touch-required,no-verify-required " ED, AK_KEY, &l);
	assert_int_equal(l.opts.touch_required, -1);
	assert_int_equal(l.opts.verify_required, 0);
	ak_line_free(&l);

	/* a trailing comma before the blank is accepted (sshd -d agrees) */
	expect_status("no-pty, " ED, AK_KEY, &l);
	assert_int_equal(l.opts.no_pty, 1);
	ak_line_free(&l);
}

static void
test_option_values(void **state)
{
	struct ak_line l;

	expect_status("command=\"echo \\\"hi there\\\" \\\\n\",from=\"10.0.0.0/8,*.example.com\","
	    "principals=\"alice,bob\" " ED " c", AK_KEY, &l);
	assert_string_equal(l.opts.command, "echo \"hi there\" \\\\n");
	assert_string_equal(l.opts.from, "10.0.0.0/8,*.example.com");
	assert_string_equal(l.opts.principals, "alice,bob");
	assert_string_equal(l.comment, "c");
	ak_line_free(&l);

	/* environment: first value of a name wins, silently */
	expect_status("environment=\"A=1\",environment=\"B_2=x y\",environment=\"A=2\" " ED,
	    AK_KEY, &l);
	assert_int_equal(l.opts.environment.n, 2);
	assert_string_equal(l.opts.environment.v[0], "A=1");
	assert_string_equal(l.opts.environment.v[1], "B_2=x y");
	ak_line_free(&l);

	expect_status("permitopen=\"localhost:8080\",permitopen=\"[::1]:22\","
	    "permitopen=\"db/5432\",permitopen=\"h:*\",permitopen=\"localhost:http\","
	    "permitlisten=\"2222\",permitlisten=\"0.0.0.0:8443\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.permitopen.n, 5);
	assert_string_equal(l.opts.permitopen.v[1], "[::1]:22");
	assert_int_equal(l.opts.permitlisten.n, 2);
	assert_string_equal(l.opts.permitlisten.v[0], "*:2222");
	ak_line_free(&l);

	expect_status("tunnel=\"0\" " ED, AK_KEY, &l);
	assert_string_equal(l.opts.tunnel, "0");
	ak_line_free(&l);
	expect_key("tunnel=\"ANY\" " ED);
	expect_key("tunnel=\"2147483645\" " ED);
}

static void
test_option_expiry(void **state)
{
	struct ak_line l;

	expect_status("expiry-time=\"20210101Z\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021);
	assert_string_equal(l.opts.expiry_text, "20210101Z");
	ak_line_free(&l);
	expect_status("expiry-time=\"202101010000utc\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021);
	ak_line_free(&l);
	expect_status("expiry-time=\"20210101000001z\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021 + 1);
	ak_line_free(&l);
	/* local time in sshd: read as UTC here */
	expect_status("expiry-time=\"20210101\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021);
	ak_line_free(&l);
	/* strptime skips blanks before numbers (sshd -d accepted this) */
	expect_status("expiry-time=\"2099 1 5\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2099_0105);
	ak_line_free(&l);
	/* day overflow normalises like timegm: Feb 31 is Mar 3 */
	expect_status("expiry-time=\"20210231Z\" " ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021 + (31 + 28 + 2) * 86400LL);
	ak_line_free(&l);
	/* repeated: the earliest wins, no error (sshd -d agrees) */
	expect_status("expiry-time=\"20990105Z\",expiry-time=\"20210101Z\",expiry-time=\"20500101\" "
	    ED, AK_KEY, &l);
	assert_int_equal(l.opts.expiry, T2021);
	assert_string_equal(l.opts.expiry_text, "20210101Z");
	ak_line_free(&l);

	expect_error("expiry-time=\"2024\" " ED, AK_BAD_OPTIONS, "expiry-time: bad date '2024'");
	expect_error("expiry-time=\"20241301\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"20240132\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"2024010a\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"202401012400\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"19700101Z\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"19691231\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"20240101X\" " ED, AK_BAD_OPTIONS, "bad date");
	expect_error("expiry-time=\"\" " ED, AK_BAD_OPTIONS, "bad date");
}

static void
test_option_errors(void **state)
{
	struct ak_line l;

	expect_error("no-pty2 " ED, AK_BAD_OPTIONS, "unknown option 'no-pty2'");
	expect_error("foo " ED, AK_BAD_OPTIONS, "unknown option 'foo'");
	expect_error("foo=\"bar\" " ED, AK_BAD_OPTIONS, "unknown option 'foo'");
	expect_error("restricted " ED, AK_BAD_OPTIONS, "unknown option 'restricted'");
	expect_error("no-restrict " ED, AK_BAD_OPTIONS, "unknown option");
	expect_error("no-cert-authority " ED, AK_BAD_OPTIONS, "unknown option");
	/* empty options between commas are skipped (sshd -d agrees) */
	expect_key("no-pty,,no-x11-forwarding " ED);
	expect_key(",no-pty " ED);
	expect_error("command=\"a\",command=\"b\" " ED, AK_BAD_OPTIONS, "command= appears more than once");
	expect_error("from=\"a\",FROM=\"b\" " ED, AK_BAD_OPTIONS, "from= appears more than once");
	expect_error("principals=\"a\",principals=\"b\" " ED, AK_BAD_OPTIONS, "principals=");
	expect_error("command=true " ED, AK_BAD_OPTIONS, "double quotes");
	expect_error("command=\"true\"x " ED, AK_BAD_OPTIONS, "after the value of command=");
	expect_error("environment=\"A-B=1\" " ED, AK_BAD_OPTIONS, "invalid variable name 'A-B'");
	expect_error("environment=\"=1\" " ED, AK_BAD_OPTIONS, "invalid variable name");
	expect_error("environment=\"NOEQUALS\" " ED, AK_BAD_OPTIONS, "not NAME=value");
	expect_error("permitopen=\"localhost:0\" " ED, AK_BAD_OPTIONS, "invalid port");
	expect_error("permitopen=\"localhost\" " ED, AK_BAD_OPTIONS, "invalid port");
	expect_error("permitopen=\"localhost:nosuchservice\" " ED, AK_BAD_OPTIONS, "invalid port");
	expect_error("permitopen=\"localhost:65536\" " ED, AK_BAD_OPTIONS, "invalid port");
	expect_error("permitopen=\"[::1\" " ED, AK_BAD_OPTIONS, "invalid host name");
	expect_error("permitopen=\"[::1]22\" " ED, AK_BAD_OPTIONS, "invalid host name");
	expect_error("permitlisten=\"0\" " ED, AK_BAD_OPTIONS, "permitlisten: invalid port");
	expect_error("tunnel=\"-1\" " ED, AK_BAD_OPTIONS, "tunnel");
	expect_error("tunnel=\"2147483646\" " ED, AK_BAD_OPTIONS, "tunnel");
	expect_error("tunnel=\"x\" " ED, AK_BAD_OPTIONS, "tunnel");

	/* unclosed quote: sshd cannot even find the key */
	expect_status("command=\"echo hi " ED, AK_BAD_OPTIONS, &l);
	assert_non_null(strstr(l.error, "unclosed quote"));
	assert_null(l.keytype);
	ak_line_free(&l);
	/* \" does not close a quote */
	expect_error("command=\"echo \\\" " ED, AK_BAD_OPTIONS, "unclosed quote");

	/* a bad-options line still knows its key */
	expect_status("no-pty2 " ED " c", AK_BAD_OPTIONS, &l);
	assert_string_equal(l.fp, ED_FP);
	assert_string_equal(l.keytype, "ssh-ed25519");
	assert_string_equal(l.options_text, "no-pty2");
	ak_line_free(&l);

	/* control characters from options never reach the message */
	expect_status("no-\x1b[2J " ED, AK_BAD_OPTIONS, &l);
	assert_null(strchr(l.error, '\x1b'));
	ak_line_free(&l);
	/* long values are cut short */
	{
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "environment=\"A");
		for (int i = 0; i < 300; i++)
			buf_putc(&b, 'x');
		buf_puts(&b, "\" " ED);
		expect_status(b.data, AK_BAD_OPTIONS, &l);
		assert_non_null(strstr(l.error, "not NAME=value"));
		assert_true(strlen(l.error) < 200);
		ak_line_free(&l);
		buf_free(&b);
	}
}

/* --- files --------------------------------------------------------------- */

static void
test_file_lines(void **state)
{
	const char *text =
	    "# keys\n"
	    "\n"
	    ED " one\r\n"
	    "  no-pty2 " ED " two\n"
	    "garbage\n"
	    EC_B64 "\n"
	    "restrict ecdsa-sha2-nistp256 " EC_B64 " last";	/* no final newline */
	struct ak_file f;

	ak_parse(text, strlen(text), &f);
	assert_int_equal(f.n, 7);
	assert_int_equal(f.lines[0].status, AK_BLANK);
	assert_int_equal(f.lines[1].status, AK_BLANK);
	assert_int_equal(f.lines[2].status, AK_KEY);
	assert_int_equal(f.lines[2].had_crlf, 1);
	assert_string_equal(f.lines[2].comment, "one");
	assert_int_equal(f.lines[3].status, AK_BAD_OPTIONS);
	assert_int_equal(f.lines[4].status, AK_BAD_KEY);
	assert_int_equal(f.lines[5].status, AK_BAD_KEY);
	assert_int_equal(f.lines[6].status, AK_KEY);
	assert_string_equal(f.lines[6].fp, EC_FP);
	assert_string_equal(f.lines[6].comment, "last");
	for (size_t i = 0; i < f.n; i++)
		assert_int_equal(f.lines[i].lineno, (long)i + 1);
	assert_int_equal(f.longest_line, (long)strlen("restrict ecdsa-sha2-nistp256 " EC_B64 " last"));
	assert_int_equal(f.private_key_line, 0);
	assert_int_equal(f.lines_dropped, 0);
	ak_file_free(&f);

	ak_parse("", 0, &f);
	assert_int_equal(f.n, 0);
	ak_file_free(&f);
	ak_parse("\n", 1, &f);
	assert_int_equal(f.n, 1);
	ak_file_free(&f);
}

/* The shape of a pasted private key; the body is not a real key. */
static const char private_block[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACBx5yRkRvRkaHc9JphtqbAhTmrGUnKcXtaaFNUYmZ1aLwAAAJhyh2CqcodgSECRETSECRET\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

static void
test_private_key(void **state)
{
	struct buf b;
	struct ak_file f;

	buf_init(&b);
	buf_puts(&b, ED " before\n");
	buf_puts(&b, private_block);
	buf_puts(&b, ED " after\n");
	ak_parse(b.data, b.len, &f);
	assert_int_equal(f.n, 6);
	assert_int_equal(f.private_key_line, 2);
	assert_int_equal(f.lines[0].status, AK_KEY);
	for (size_t i = 1; i <= 4; i++) {
		const struct ak_line *l = &f.lines[i];

		assert_int_equal(l->status, AK_PRIVATE);
		assert_non_null(l->error);
		assert_non_null(strstr(l->error, "OPENSSH PRIVATE KEY"));
		assert_non_null(strstr(l->error, "lines 2-5"));
		/* nothing of the key body is kept anywhere */
		assert_null(strstr(l->error, "SECRET"));
		assert_null(strstr(l->error, "b3Blbn"));
		assert_null(l->comment);
		assert_null(l->options_text);
		assert_null(l->blob);
		assert_null(l->keytype);
	}
	assert_int_equal(f.lines[5].status, AK_KEY);
	assert_string_equal(f.lines[5].comment, "after");
	ak_file_free(&f);

	/* a key pasted on one line (or redacted down to its markers) ends
	 * where it begins: the next line is read again */
	{
		const char *t = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXk "
		    "-----END OPENSSH PRIVATE KEY-----\n" ED " next\n";
		ak_parse(t, strlen(t), &f);
	}
	assert_int_equal(f.n, 2);
	assert_int_equal(f.private_key_line, 1);
	assert_int_equal(f.lines[0].status, AK_PRIVATE);
	assert_null(strstr(f.lines[0].error, "b3Blbn"));
	assert_int_equal(f.lines[1].status, AK_KEY);
	ak_file_free(&f);

	/* no END line: everything after BEGIN is private */
	{
		const char *t = "  -----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\n" ED "\n";
		ak_parse(t, strlen(t), &f);
	}
	assert_int_equal(f.private_key_line, 1);
	for (size_t i = 0; i < f.n; i++)
		assert_int_equal(f.lines[i].status, AK_PRIVATE);
	assert_null(strstr(f.lines[1].error, "MIIE"));
	ak_file_free(&f);

	/* PuTTY .ppk */
	{
		const char *ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
		    "Private-Lines: 1\nAAAAsecret\nPrivate-MAC: 00\n" ED "\n";
		ak_parse(ppk, strlen(ppk), &f);
		assert_int_equal(f.private_key_line, 1);
		assert_int_equal(f.lines[4].status, AK_PRIVATE);
		assert_int_equal(f.lines[5].status, AK_KEY);
		ak_file_free(&f);
	}
	buf_free(&b);
}

static void
test_rfc4716_block(void **state)
{
	const char *t = "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"x\"\n" ED_B64 "\n"
	    "---- END SSH2 PUBLIC KEY ----\n" ED "\n";
	struct ak_file f;

	ak_parse(t, strlen(t), &f);
	assert_int_equal(f.n, 5);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(f.lines[i].status, AK_BAD_KEY);
		assert_non_null(strstr(f.lines[i].error, "lines 1-4"));
		assert_string_equal(f.lines[i].error, f.lines[0].error);
	}
	assert_int_equal(f.lines[4].status, AK_KEY);
	assert_int_equal(f.private_key_line, 0);
	ak_file_free(&f);
}

static void
test_line_cap(void **state)
{
	size_t n = AK_MAX_LINES + 5;
	char *t = xmalloc(n + 1);
	struct ak_file f;

	memset(t, '\n', n);
	ak_parse(t, n, &f);
	assert_int_equal(f.n, AK_MAX_LINES);
	assert_int_equal(f.lines_dropped, 5);
	ak_file_free(&f);
	free(t);
}

/* --- from= --------------------------------------------------------------- */

static void
test_from_matches(void **state)
{
	assert_int_equal(ak_from_matches(NULL, "10.0.0.1", NULL), 1);
	assert_int_equal(ak_from_matches("10.0.0.0/8", "10.1.2.3", NULL), 1);
	assert_int_equal(ak_from_matches("10.0.0.0/8", "192.168.1.1", NULL), 0);
	assert_int_equal(ak_from_matches("192.168.1.1,10.0.0.0/8", "10.1.2.3", NULL), 1);
	/* a matching negation denies, whatever else matches */
	assert_int_equal(ak_from_matches("10.0.0.0/8,!10.0.0.5", "10.0.0.5", NULL), 0);
	assert_int_equal(ak_from_matches("10.0.0.0/8,!10.0.0.5", "10.0.0.6", NULL), 1);
	/* with UseDNS off the host name is the address: globs still work */
	assert_int_equal(ak_from_matches("10.0.0.*", "10.0.0.9", NULL), 1);
	assert_int_equal(ak_from_matches("*.example.com", "10.0.0.9", NULL), 0);
	/* host names, case-insensitively */
	assert_int_equal(ak_from_matches("*.example.com", "10.0.0.9", "Build.EXAMPLE.com"), 1);
	assert_int_equal(ak_from_matches("*.EXAMPLE.com", "10.0.0.9", "build.example.com"), 1);
	assert_int_equal(ak_from_matches("*.example.com,!bad.example.com", "10.0.0.9",
	    "bad.example.com"), 0);
	assert_int_equal(ak_from_matches("10.0.0.0/8", NULL, NULL), 0);
	assert_int_equal(ak_from_matches("", "10.0.0.1", NULL), 0);
}


/* --- the akeys check over snapshots (fixtures cover the rest) ----------- */

static void
scan_with(const char *path, const char *from, const struct strlist *only,
    struct ka_host_result *r)
{
	struct snapshot s;
	struct ka_options o = { 0 };
	struct strlist login = { 0 };

	o.from_addr = from;
	o.only = only;
	if (only == NULL) {
		tu_login_rules(&login);
		o.only = &login;
	}
	tu_load_snapshot(path, &s);
	host_result_init(r, s.target);
	engine_check_snapshot(&s, &o, r);
	snapshot_free(&s);
	strlist_free(&login);
}

static void
test_check_from_mismatch(void **state)
{
	const char *fx = "fixtures/snapshots/akeys-ok.json";
	struct ka_host_result r;
	const struct ka_finding *f;

	/* line 4 is from="10.0.0.0/8,!10.0.0.5" */
	scan_with(fx, "10.0.0.5", NULL, &r);
	assert_int_equal(tu_count(&r, "akeys.from-mismatch"), 1);
	f = tu_find(&r, "akeys.from-mismatch", "alice", "/home/alice/.ssh/authorized_keys");
	assert_non_null(f);
	assert_int_equal(f->line, 4);
	/* the other keys in the file still work: the account is not locked out */
	assert_int_equal(f->blocks_login, 0);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_string_equal(f->key_fp, EC_FP);
	assert_non_null(strstr(f->message, "10.0.0.5"));
	host_result_free(&r);

	scan_with(fx, "192.168.7.7", NULL, &r);
	assert_int_equal(tu_count(&r, "akeys.from-mismatch"), 1);
	host_result_free(&r);

	scan_with(fx, "10.1.2.3", NULL, &r);
	assert_int_equal(tu_count(&r, "akeys.from-mismatch"), 0);
	host_result_free(&r);

	/* without --from nothing is said about from= */
	scan_with(fx, NULL, NULL, &r);
	assert_int_equal(tu_count(&r, NULL), 0);
	host_result_free(&r);
}

static void
test_check_selection(void **state)
{
	struct strlist only = { 0 };
	struct ka_host_result r;

	strlist_add(&only, "akeys.rsa-weak");
	scan_with("fixtures/snapshots/akeys-weak-keys.json", NULL, &only, &r);
	assert_int_equal(tu_count(&r, NULL), 1);
	assert_int_equal(tu_count(&r, "akeys.rsa-weak"), 1);
	host_result_free(&r);
	strlist_free(&only);
}

/* Every akeys finding in every fixture: evidence printable, fix present
 * for line findings, the key attached where there is one. */
static void
test_check_messages(void **state)
{
	glob_t g;
	size_t seen = 0;

	assert_int_equal(glob("fixtures/snapshots/akeys-*.json", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct ka_host_result r;

		scan_with(g.gl_pathv[i], "10.0.0.5", NULL, &r);
		for (size_t k = 0; k < r.nfindings; k++) {
			const struct ka_finding *f = &r.findings[k];

			if (strncmp(f->rule->id, "akeys.", 6) != 0)
				continue;
			seen++;
			if (str_has_control(f->message, strlen(f->message)) ||
			    (tu_fix(f) && str_has_control(tu_fix(f), strlen(tu_fix(f)))))
				fail_msg("%s: %s has control characters", g.gl_pathv[i],
				    f->rule->id);
			if (f->line > 0) {
				char pre[32];

				snprintf(pre, sizeof(pre), "line %ld: ", f->line);
				assert_non_null(tu_fix(f));
				assert_int_equal(strncmp(f->message, pre, strlen(pre)), 0);
			}
			if (strcmp(f->rule->id, "akeys.rsa-weak") == 0 ||
			    strcmp(f->rule->id, "akeys.duplicate") == 0 ||
			    strcmp(f->rule->id, "akeys.expired") == 0)
				assert_non_null(f->key_fp);
			/* never a line of the pasted private key */
			assert_null(strstr(f->message, "notarealkey"));
			assert_null(strstr(f->message, "b3BlbnNzaC1rZXkt"));
		}
		host_result_free(&r);
	}
	assert_true(seen >= 30);
	globfree(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprints_match_ssh_keygen),
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_canonical_type),
		cmocka_unit_test(test_blob_type_checks),
		cmocka_unit_test(test_rsa_numbers),
		cmocka_unit_test(test_base64_rules),
		cmocka_unit_test(test_line_shapes),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_option_flags),
		cmocka_unit_test(test_option_values),
		cmocka_unit_test(test_option_expiry),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_file_lines),
		cmocka_unit_test(test_private_key),
		cmocka_unit_test(test_rfc4716_block),
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_from_matches),
		cmocka_unit_test(test_check_from_mismatch),
		cmocka_unit_test(test_check_selection),
		cmocka_unit_test(test_check_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
