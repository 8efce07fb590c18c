/*
 * test_knownhosts.c - the known_hosts parser and the host-key verdict
 * against what ssh 9.2 does (hostfile.c, match.c, sshconnect.c): every
 * field of a line and every way a line breaks, patterns, negation, hashed
 * names, ports, case, OK/NEW/CHANGED/REVOKED across files, RSA type
 * aliases, certificates, and the name index against a brute-force scan.
 *
 * Extra modes for tests/cli/knownhosts-diff.sh (real ssh is the oracle):
 *   --check FILE... -- HOST PORT PUBKEYFILE   print the verdict, one line
 *   --match NAME FILE...                      print "FILE:LINE" of each usable
 *                                             line whose host field matches
 *   --order HOST PORT ALGS FILE...            print kh_order_hostkeyalgs()
 */
#include <ctype.h>
#include <time.h>

#include "tests/unit/testutil.h"

#include "scanner/parse/knownhosts.h"
#include "checks/check.h"

/* Throwaway keys made with ssh-keygen (private halves discarded); the
 * fingerprints are ssh-keygen -l's. */
#define A_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIAeBt7LazlK6pTHjNZ+IFbsED09+3elf0MK5RlN8kv4H"
#define A_FP	"SHA256:NySjkCagtJfxF8fERmoAIHI9KGvVc5JahN/6bjV7+GM"
#define B_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIN9Hd9tzSPCK2WuhRrkVhjn68DYS0w3JGltImED5PdgN"
#define C_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIAN45+jv9C3z7GtFfrzZMquTQ62L0IDgQjip0I2Hk46w"
#define CA_B64	"AAAAC3NzaC1lZDI1NTE5AAAAICyqPjm5zcZxU7Mljxzjj/nltF3OPNEJDBJGFiIiVeEd"
#define CA2_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIGOthTUsFv0Xjn0c36UNrTHtlyUfopZn+6TYeDUK6Op9"
#define RSACA_B64 "AAAAB3NzaC1yc2EAAAADAQABAAABAQCqQ3cr8/uhzGNUYzIiN1ZaxoG8vXJiTKgJT3e2N74xxb65j/w+HXht0S0rKYIwPxrl+/bHi9CzeJ0boWQIkQPCWRxNRN/9vj+EIV875pH5xjSobTRGQllKNpALaKSc7zgTRR8/66zIFizGYY9nvTKwpWlS8wtDZ7X2rQ4huS15zu/tekMSv2TcHT0Zjdwk5XYzf5roJl54PhwfVYqN8FslYzg5YQ+8o5aDmSrhR0zAzbMZOqPEZoeA4ai/xpyb3vDswkH7u8MIx5pZEk6jjPOPbk6VNoYrjI7DKsFmlYrLHwkpSI8p1R07aZ6xhhovwPFYAgCt2JuDc/zWX5d6k5K9"
#define R_B64	"AAAAB3NzaC1yc2EAAAADAQABAAABAQCYbCZUXU9AEMW6UU+NsXXqnB9dxU0vKcRS9lTkb/29yx04hxNZr1yvgLHGFYF6hg8P19t3rAMdzxwbtXQncdfN/I0C2npSvl2loXYDxxJhqoKk7gLtcJb6vgNA2Q6ha2eZx4Do1pflSL2vhDksakz5WaCFP6bNsIR/5R/Pp3nv386rDn5YX0YfbxwabdaZ7Q7C1zwIDiwdXXegslX9Zce0G1NbsNNiSjMnSwbAgWvT9Pprf7MDQYA0TlSgHW77mUPUg54eR/CdkrmraJgGTg/4TB52/CuVPiRxfOkGdedAES66/xpqTu1qjoDCIzCRqEwxeCu2iIrqKI4JoxcWvbnH"
#define R_FP	"SHA256:6Ete5rDKQW3wswmWCfjmiOxDN/Az4cbIPlVA/OJL1+8"
/* The same RSA key with a leading zero in e, and with the short type name
 * "RSA" in the blob: ssh reads both as the same key. */
#define R_LZ_B64 "AAAAB3NzaC1yc2EAAAAFAAABAAEAAAEBAJhsJlRdT0AQxbpRT42xdeqcH13FTS8pxFL2VORv/b3LHTiHE1mvXK+AscYVgXqGDw/X23esAx3PHBu1dCdx1838jQLaelK+XaWhdgPHEmGqgqTuAu1wlvq+A0DZDqFrZ5nHgOjWl+VIva+EOSxqTPlZoIU/ps2whH/lH8+nee/fzqsOflhfRh9vHBpt1pntDsLXPAgOLB1dd6CyVf1lx7QbU1uw02JKMydLBsCBa9P0+mt/swNBgDROVKAdbvuZQ9SDnh5H8J2SuatomAZOD/hMHnb8K5U+JHF86QZ150ARLrr/GmpO7WqOgMIjMJGoTDF4K7aIiuoojgmjFxa9ucc="
#define R_SHORT_B64 "AAAAA1JTQQAAAAMBAAEAAAEBAJhsJlRdT0AQxbpRT42xdeqcH13FTS8pxFL2VORv/b3LHTiHE1mvXK+AscYVgXqGDw/X23esAx3PHBu1dCdx1838jQLaelK+XaWhdgPHEmGqgqTuAu1wlvq+A0DZDqFrZ5nHgOjWl+VIva+EOSxqTPlZoIU/ps2whH/lH8+nee/fzqsOflhfRh9vHBpt1pntDsLXPAgOLB1dd6CyVf1lx7QbU1uw02JKMydLBsCBa9P0+mt/swNBgDROVKAdbvuZQ9SDnh5H8J2SuatomAZOD/hMHnb8K5U+JHF86QZ150ARLrr/GmpO7WqOgMIjMJGoTDF4K7aIiuoojgmjFxa9ucc="
#define E_B64	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBABvlCTZvHWn4ZipYx3KyYc+Uy6rsTyMOZpWf3HUcOZCyd58liCc+S3lJnSEP/j2m6NwzY7RRNsnm561B2I6wXo="
#define E_FP	"SHA256:H9n0fqeTlaUIVQ7jJwnznSnluJI/aKnVBuQulE8BeH8"
/* A 768-bit RSA key: ssh's sshkey_from_blob refuses it. */
#define RSA768_B64 "AAAAB3NzaC1yc2EAAAADAQABAAAAYQCCWrXuTKi1BQaSK2Jfg7/WqmExouNmb6" \
	"EKnkfFJ9N8nYDvt8/sK+izsue7L/1jzzlDXAXp0MsRBJMVAv2GmeLzzd3iw5dlRpC0HZ8r" \
	"oVxqAx/8nhpdRXu30OkTONQG6GE="

/* Host certificates signed by CA: key A for principals host.example and
 * other, valid 2020-01-01..2099-01-01; key B for any name, forever. A user
 * certificate of key C; key D's signed by RSACA with ssh-rsa (SHA-1), which
 * ssh's default CASignatureAlgorithms refuses; key F's has a critical
 * option. */
#define ACERT_B64 "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIJ7zgQin7kY5uB4JvQ022aBE4AOGroTbOjf/NWtbEiLtAAAAIAeBt7LazlK6pTHjNZ+IFbsED09+3elf0MK5RlN8kv4HAAAAAAAAAAAAAAACAAAABWhvc3RBAAAAGQAAAAxob3N0LmV4YW1wbGUAAAAFb3RoZXIAAAAAXgvhAAAAAADypSOAAAAAAAAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACAsqj45uc3GcVOzJY8c44/55bRdzjzRCQwSRhYiIlXhHQAAAFMAAAALc3NoLWVkMjU1MTkAAABAgea6zmVGqoDyD17utm77Puo6/OjYGXeYxXqrCMZseqZcVTr8azhZ6/RcvVOjnUN5ossZO9GggFqzvYEN39yCDw=="
#define BCERT_B64 "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIFuTYuOZ3WHo9LjDI5z6D+oho8s+sgDbhtGgKym3YtlpAAAAIN9Hd9tzSPCK2WuhRrkVhjn68DYS0w3JGltImED5PdgNAAAAAAAAAAAAAAACAAAAB2hvc3RBbnkAAAAAAAAAAAAAAAD//////////wAAAAAAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgLKo+ObnNxnFTsyWPHOOP+eW0Xc480QkMEkYWIiJV4R0AAABTAAAAC3NzaC1lZDI1NTE5AAAAQGEGvnZ+sf24I1GAlPbQCH0Vt3vwa6ff8Id68zux1CHVMmLQRL2DaoW0JxLPl9oEJ4kpFkhQnep9CCv6qkHzYwM="
#define CCERT_B64 "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIPUiELobn7qye20LlqavkHg35qb40h7+H9tvQUGvn2mEAAAAIAN45+jv9C3z7GtFfrzZMquTQ62L0IDgQjip0I2Hk46wAAAAAAAAAAAAAAABAAAABHVzZXIAAAAQAAAADGhvc3QuZXhhbXBsZQAAAAAAAAAA//////////8AAAAAAAAAggAAABVwZXJtaXQtWDExLWZvcndhcmRpbmcAAAAAAAAAF3Blcm1pdC1hZ2VudC1mb3J3YXJkaW5nAAAAAAAAABZwZXJtaXQtcG9ydC1mb3J3YXJkaW5nAAAAAAAAAApwZXJtaXQtcHR5AAAAAAAAAA5wZXJtaXQtdXNlci1yYwAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACAsqj45uc3GcVOzJY8c44/55bRdzjzRCQwSRhYiIlXhHQAAAFMAAAALc3NoLWVkMjU1MTkAAABAe/lSK4WTX51CGlRjNun3Ab1o3C1syOn7yVSGmg3S9SaZx/wzq3rXOiGc3egC5fs95AntMoobAZq4udKnB/J8Dg=="
#define DCERT_B64 "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIKkFWWvc1ECZg2P0wx+Y2q2NhAHoMfnj6dhke1NY/ElaAAAAIPfs3SMkB3TheErza0Uwy7fJMnagXopYCZfVpwa+U5C9AAAAAAAAAAAAAAACAAAABHNoYTEAAAAAAAAAAAAAAAD//////////wAAAAAAAAAAAAAAAAAAARcAAAAHc3NoLXJzYQAAAAMBAAEAAAEBAKpDdyvz+6HMY1RjMiI3VlrGgby9cmJMqAlPd7Y3vjHFvrmP/D4deG3RLSspgjA/GuX79seL0LN4nRuhZAiRA8JZHE1E3/2+P4QhXzvmkfnGNKhtNEZCWUo2kAtopJzvOBNFHz/rrMgWLMZhj2e9MrClaVLzC0NntfatDiG5LXnO7+16QxK/ZNwdPRmN3CTldjN/mugmXng+HB9Vio3wWyVjODlhD7yjloOZKuFHTMDNsxk6o8Rmh4DhqL/GnJve8OzCQfu7wwjHmlkSTqOM849uTpU2hiuMjsMqwWaVissfCSlIjynVHTtpnrGGGi/A8VgCAK3Ym4Nz/NZfl3qTkr0AAAEPAAAAB3NzaC1yc2EAAAEASle0G4KuQAyWTmqFKPWaZqOM6blCPGYgEtx9MpKZIo1RwO87eJeMdvZ6TEEkjZ+mr8fXWHViHBIl6GCCVDK6pfOuzKrpw20AKK26jQwiZLK4umB1pYgj0RbLLpaSjc3b4dxH55eXwpdYeEBEfqMRilWljhLxbarLHGWkpMMosXB8uQ1lTLoQpQ8/ce0He6t3jCsdQrGxvANh30Ltoh6XzJLdBeYGXnMM/mIcge2DQ6/Xfe7ryojvQO/+h1ceaUIeLuZb1NsvI3sa4sL1/pKh/+nsMICEhR/cTxsWAP8U2EYCtAhQUvlSrjTXdMMcpAGUrUAnNZTP49u14/yl3495Wg=="
#define D_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIPfs3SMkB3TheErza0Uwy7fJMnagXopYCZfVpwa+U5C9"
#define FCERT_B64 "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIE64RV84RcUA6SO2sK7P+DC1tp9MTe/a3ZCdd0B3SpMxAAAAICGfVYEacaSPVJV52UWXGGz1vK7yG2ay92WGyMPrja4ZAAAAAAAAAAAAAAACAAAABGNyaXQAAAAAAAAAAAAAAAD//////////wAAABoAAAANZm9yY2UtY29tbWFuZAAAAAUAAAABeAAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACAsqj45uc3GcVOzJY8c44/55bRdzjzRCQwSRhYiIlXhHQAAAFMAAAALc3NoLWVkMjU1MTkAAABAofyDUK4SoZOEZnRhKm4reHVDuxNZD3vfyE7/QvjdIk5i6jp9ns66AaBJKkuaM1KqGmVh4Xjkg61ugUXE2iDODA=="
#define CERT_TYPE "ssh-ed25519-cert-v01@openssh.com"

/* ssh-keygen -H of "host.example" (key A), "[host.example]:2222" (key B)
 * and "Upper.Example" (ssh-keygen lower-cases before hashing). */
#define H_HOST	"|1|VP+MLIQTka+d0KVSO7mgW9cxOds=|sIkk1Ll6tafP5a0OY/KbUdhzRnc="
#define H_PORT	"|1|nuzqL4Y/AK6aK0Xm1P5SE2iVBzQ=|qiQlZQtAdh1WUsc78scyeBFfhw4="
#define H_UPPER	"|1|KiC9jJQIarsdMizTz9UJJpSVQTc=|fA838aO2IZwhpc7VkmzdIzC1W3w="

/* 2050-01-01, inside key A's certificate; 2010 and 2100 outside it. */
#define T2050	2524608000LL
#define T2010	1262304000LL
#define T2100	4102444800LL

static struct kh_db *
db1(const char *text)
{
	struct kh_db *db = kh_db_new();

	kh_db_add(db, "kh", text, strlen(text));
	kh_db_set_time(db, (time_t)T2050);
	return db;
}

static unsigned char *
unb64(const char *b64, size_t *len)
{
	size_t cap = strlen(b64);
	unsigned char *out = xmalloc(cap);
	long n = base64_decode(b64, strlen(b64), out, cap);

	assert_true(n > 0);
	*len = (size_t)n;
	return out;
}

static void
check(const struct kh_db *db, const char *host, int port, const char *type,
    const char *b64, struct kh_verdict *v)
{
	size_t n;
	unsigned char *blob = unb64(b64, &n);

	kh_check(db, host, port, type, blob, n, v);
	free(blob);
}

/* The verdict, and the deciding line (0 = none). */
static void
expect(const struct kh_db *db, const char *host, int port, const char *type,
    const char *b64, enum kh_status st, long line)
{
	struct kh_verdict v;

	check(db, host, port, type, b64, &v);
	if (v.status != st || v.line != line)
		fail_msg("%s port %d: %s line %ld, want %s line %ld%s%s", host, port,
		    kh_status_name(v.status), v.line, kh_status_name(st), line,
		    v.error ? ": " : "", v.error ? v.error : "");
	if ((line != 0) != (v.file != NULL))
		fail_msg("%s: file %s for line %ld", host, v.file ? v.file : "NULL",
		    line);
	kh_verdict_free(&v);
}

static const struct kh_line *
line_at(const struct kh_db *db, long lineno)
{
	for (size_t i = 0; i < kh_db_nlines(db); i++)
		if (kh_db_line(db, i)->line == lineno)
			return kh_db_line(db, i);
	fail_msg("no line %ld", lineno);
	return NULL;
}

static void
test_parse_fields(void **state)
{
	struct kh_db *db = db1(
	    "# comment\n"
	    "\n"
	    "host.example,10.0.0.1 ssh-ed25519 " A_B64 " my comment  x\n"
	    "@cert-authority *.example ssh-ed25519 " CA_B64 "\n"
	    "@revoked * ssh-rsa " R_B64 "\n"
	    H_HOST " ssh-ed25519 " A_B64 "\n"
	    "  \t[Host.Example]:2222 rsa-sha2-512 " R_B64 " rsa\r\n"
	    "  # indented comment\n"
	    "other ecdsa-sha2-nistp256 " E_B64 "\n"
	    "cert " CERT_TYPE " " ACERT_B64);
	const struct kh_line *l;

	assert_int_equal(kh_db_nlines(db), 10);
	if (kh_db_nerrors(db) != 0)
		fail_msg("%s", kh_db_error_at(db, 0));

	l = line_at(db, 1);
	assert_int_equal(l->kind, KH_LINE_BLANK);
	assert_string_equal(l->text, "# comment");
	assert_string_equal(l->file, "kh");
	l = line_at(db, 2);
	assert_int_equal(l->kind, KH_LINE_BLANK);
	assert_null(l->text);

	l = line_at(db, 3);
	assert_int_equal(l->kind, KH_LINE_KEY);
	assert_int_equal(l->marker, KH_MARK_NONE);
	assert_string_equal(l->hosts, "host.example,10.0.0.1");
	assert_false(l->hashed);
	assert_string_equal(l->keytype, "ssh-ed25519");
	assert_string_equal(l->canon_type, "ssh-ed25519");
	assert_string_equal(l->fp, A_FP);
	assert_int_equal(l->bloblen, 51);
	assert_int_equal(l->bits, 256);
	assert_false(l->is_cert);
	assert_string_equal(l->comment, "my comment  x");
	assert_null(l->error);

	l = line_at(db, 4);
	assert_int_equal(l->marker, KH_MARK_CA);
	assert_string_equal(l->hosts, "*.example");
	assert_null(l->comment);
	l = line_at(db, 5);
	assert_int_equal(l->marker, KH_MARK_REVOKED);
	assert_string_equal(l->hosts, "*");
	assert_string_equal(l->fp, R_FP);
	assert_int_equal(l->bits, 2048);

	l = line_at(db, 6);
	assert_true(l->hashed);
	assert_string_equal(l->hosts, H_HOST);
	{
		size_t n;
		unsigned char *salt = unb64("VP+MLIQTka+d0KVSO7mgW9cxOds=", &n);
		unsigned char *hash = unb64("sIkk1Ll6tafP5a0OY/KbUdhzRnc=", &n);

		assert_memory_equal(l->salt, salt, KH_SALT_LEN);
		assert_memory_equal(l->hash, hash, KH_SALT_LEN);
		free(salt);
		free(hash);
	}

	l = line_at(db, 7);
	assert_int_equal(l->kind, KH_LINE_KEY);
	assert_string_equal(l->hosts, "[Host.Example]:2222");
	assert_string_equal(l->keytype, "rsa-sha2-512");
	assert_string_equal(l->canon_type, "ssh-rsa");
	assert_string_equal(l->fp, R_FP);
	assert_string_equal(l->comment, "rsa");

	l = line_at(db, 8);
	assert_int_equal(l->kind, KH_LINE_BLANK);
	assert_string_equal(l->text, "  # indented comment");
	l = line_at(db, 9);
	assert_string_equal(l->fp, E_FP);
	assert_int_equal(l->bits, 256);

	/* A certificate is a key ssh reads (it just matches no plain key). */
	l = line_at(db, 10);
	assert_int_equal(l->kind, KH_LINE_KEY);
	assert_true(l->is_cert);
	assert_string_equal(l->canon_type, CERT_TYPE);
	assert_string_equal(l->fp, A_FP);
	kh_db_free(db);
}

/* One line that must be an error whose message holds needle; the db's
 * error list says "kh:1: ..." for it. */
static void
expect_bad(const char *text, const char *needle)
{
	struct kh_db *db = db1(text);
	const struct kh_line *l = kh_db_line(db, 0);

	if (l == NULL || l->kind != KH_LINE_ERROR)
		fail_msg("'%s': kind %d, want an error", text, l ? (int)l->kind : -1);
	if (l->error == NULL || strstr(l->error, needle) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", text,
		    l->error ? l->error : "(null)", needle);
	assert_int_equal(kh_db_nerrors(db), 1);
	assert_true(strncmp(kh_db_error_at(db, 0), "kh:1: ", 6) == 0);
	assert_string_equal(kh_db_error_at(db, 0) + 6, l->error);
	assert_false(kh_line_matches(l, "h"));
	kh_db_free(db);
}

static void
expect_good(const char *text)
{
	struct kh_db *db = db1(text);
	const struct kh_line *l = kh_db_line(db, 0);

	if (l == NULL || l->kind != KH_LINE_KEY)
		fail_msg("'%s': not a key line: %s", text,
		    l && l->error ? l->error : "?");
	kh_db_free(db);
}

static void
test_parse_errors(void **state)
{
	/* markers */
	expect_bad("@Revoked h ssh-ed25519 " A_B64, "unknown marker '@Revoked'");
	expect_bad("@revoked @cert-authority h ssh-ed25519 " A_B64,
	    "more than one marker");
	expect_bad("@revoked", "a marker and nothing after it");
	expect_bad("@revoked ", "a marker and nothing after it");
	expect_bad("@ h ssh-ed25519 " A_B64, "unknown marker");
	expect_bad("@cert-authorityXXXXXXXXXXXXXXXXXXXXXX h ssh-ed25519 " A_B64,
	    "unknown marker");
	/* check_markers ends the marker at the first space of the line, so a
	 * tab after it and a space later break the line ... */
	expect_bad("@revoked\th ssh-ed25519 " A_B64, "unknown marker");
	/* ... but a line with tabs only is fine. */
	expect_good("@revoked\th\tssh-ed25519\t" A_B64);
	/* a host field starting with @ is read as a marker */
	expect_bad("@host ssh-ed25519 " A_B64, "unknown marker '@host'");

	/* truncation */
	expect_bad("hostonly", "no key after them");
	expect_bad("host   ", "no key type after them");
	expect_bad("host # ssh-ed25519 " A_B64, "no key type after them");

	/* key part */
	expect_bad("h ssh-foo " A_B64, "unknown key type 'ssh-foo'");
	expect_bad("h SSH-ED25519 " A_B64, "unknown key type");
	expect_bad("h 1024 35 12345678901234567890", "SSH-1 RSA key");
	expect_bad("h ssh-ed25519", "ssh cannot read the key");
	expect_bad("h ssh-ed25519 ", "ssh cannot read the key");
	expect_bad("h ssh-ed25519 AAAA!!!", "not valid base64");
	expect_bad("h ssh-rsa " A_B64, "the type word says ssh-rsa");
	expect_bad("h ssh-rsa " RSA768_B64, "below 1024 bits");
	expect_bad("h ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAeBt7LazlK6pTHjNZ",
	    "ssh cannot read the key");
	/* options belong to authorized_keys, not here */
	expect_bad("h no-pty ssh-ed25519 " A_B64, "unknown key type 'no-pty'");

	/* hashed names */
	expect_bad("|2|abc|def ssh-ed25519 " A_B64, "|1| form");
	expect_bad("|1|VP+MLIQTka+d0KVSO7mgW9cxOds= ssh-ed25519 " A_B64,
	    "no '|' after its salt");
	expect_bad("|1|VP+MLIQTka+d0KVSO7mg|sIkk1Ll6tafP5a0OY/KbUdhzRnc= "
	    "ssh-ed25519 " A_B64, "can never match");
	expect_bad(H_HOST ",other ssh-ed25519 " A_B64, "can never match");
	/* not canonical base64: the last salt digit carries stray bits */
	expect_bad("|1|VP+MLIQTka+d0KVSO7mgW9cxOdt=|sIkk1Ll6tafP5a0OY/KbUdhzRnc= "
	    "ssh-ed25519 " A_B64, "can never match");

	/* What still parses: CRLF, tabs, RSA short type name in the blob,
	 * a leading zero in an RSA number. */
	expect_good("h ssh-ed25519 " A_B64 "\r");
	expect_good("\t h\t \tssh-ed25519 \t" A_B64 "\t");
	expect_good("h ssh-rsa " R_SHORT_B64);
	expect_good("h ssh-rsa " R_LZ_B64);
	expect_good("h " CERT_TYPE " " BCERT_B64);
}

static void
test_parse_nul_and_counts(void **state)
{
	static const char text[] =
	    "a ssh-ed25519 " A_B64 "\n"
	    "b ssh-ed25519 " B_B64 "\0 trailing junk\n"
	    "\0c ssh-ed25519 " C_B64 "\n"
	    "c ssh-ed25519 " C_B64;	/* no final newline */
	struct kh_db *db = kh_db_new();
	const struct kh_line *l;

	kh_db_add(db, "f", text, sizeof(text) - 1);
	assert_int_equal(kh_db_nlines(db), 4);
	/* ssh handles each line as a C string: nothing after a NUL counts */
	l = kh_db_line(db, 1);
	assert_int_equal(l->kind, KH_LINE_KEY);
	assert_null(l->comment);
	assert_int_equal(kh_db_line(db, 2)->kind, KH_LINE_BLANK);
	assert_int_equal(kh_db_line(db, 3)->kind, KH_LINE_KEY);
	assert_int_equal(kh_db_line(db, 3)->line, 4);
	kh_db_free(db);

	/* an empty file, and a file that is only a newline */
	db = kh_db_new();
	kh_db_add(db, "e", "", 0);
	assert_int_equal(kh_db_nlines(db), 0);
	kh_db_add(db, "n", "\n", 1);
	assert_int_equal(kh_db_nlines(db), 1);
	kh_db_free(db);
}

static void
test_limits(void **state)
{
	struct kh_db *db;
	size_t n = KH_MAX_LINE + 10, big;
	char *text = xmalloc(n + 128);

	/* an overlong line is an error; the next line still counts */
	memset(text, 'x', n);
	strcpy(text + n, "\nh ssh-ed25519 " A_B64 "\n");
	db = kh_db_new();
	kh_db_add(db, "f", text, strlen(text));
	assert_int_equal(kh_db_nlines(db), 2);
	assert_int_equal(kh_db_line(db, 0)->kind, KH_LINE_ERROR);
	assert_non_null(strstr(kh_db_error_at(db, 0), "f:1: line of"));
	assert_int_equal(kh_db_line(db, 1)->kind, KH_LINE_KEY);
	kh_db_free(db);
	free(text);

	/* too many lines: stop with one error entry, then refuse more files */
	big = (size_t)KH_MAX_LINES + 5;
	text = xmalloc(big);
	memset(text, '\n', big);
	db = kh_db_new();
	kh_db_add(db, "many", text, big);
	assert_int_equal(kh_db_nlines(db), KH_MAX_LINES);
	assert_int_equal(kh_db_nerrors(db), 1);
	{
		char *want = xasprintf("many:%d: stopped reading", KH_MAX_LINES + 1);

		assert_non_null(strstr(kh_db_error_at(db, 0), want));
		free(want);
	}
	kh_db_add(db, "next", "h ssh-ed25519 " A_B64, 10);
	assert_int_equal(kh_db_nlines(db), KH_MAX_LINES);
	assert_int_equal(kh_db_nerrors(db), 2);
	assert_non_null(strstr(kh_db_error_at(db, 1), "next: not read"));
	kh_db_free(db);
	free(text);

	/* too many bytes, over several files */
	big = 40u * 1024 * 1024;
	text = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		text[i] = (i % 4096 == 4095) ? '\n' : '#';
	db = kh_db_new();
	kh_db_add(db, "one", text, big);
	assert_int_equal(kh_db_nerrors(db), 0);
	kh_db_add(db, "two", text, big);
	assert_int_equal(kh_db_nerrors(db), 1);
	assert_non_null(strstr(kh_db_error_at(db, 0), "two:"));
	assert_true(kh_db_nlines(db) < 2 * big / 4096);
	kh_db_free(db);
	free(text);
}

static int
matches(const char *hosts, const char *name)
{
	char *text = xasprintf("%s ssh-ed25519 %s", hosts, A_B64);
	struct kh_db *db = db1(text);
	const struct kh_line *l = kh_db_line(db, 0);
	int m;

	if (l->kind != KH_LINE_KEY)
		fail_msg("'%s' did not parse: %s", hosts, l->error);
	m = kh_line_matches(l, name);
	kh_db_free(db);
	free(text);
	return m;
}

static void
test_match_patterns(void **state)
{
	assert_true(matches("host.example", "host.example"));
	assert_false(matches("host.example", "host.example.com"));
	assert_true(matches("a,b,host.example", "host.example"));
	/* case: patterns and names are lower-cased */
	assert_true(matches("HOST.Example", "host.example"));
	assert_true(matches("host.example", "HOST.EXAMPLE"));
	/* wildcards */
	assert_true(matches("*.example", "host.example"));
	assert_false(matches("*.example", "example"));
	assert_true(matches("host?.example", "host1.example"));
	assert_false(matches("host?.example", "host.example"));
	assert_true(matches("*", "anything"));
	/* negation vetoes the line, whatever order */
	assert_false(matches("!bad.example,*.example", "bad.example"));
	assert_false(matches("*.example,!bad.example", "bad.example"));
	assert_true(matches("*.example,!bad.example", "good.example"));
	assert_false(matches("!bad.example", "good.example"));
	assert_false(matches("!*", "x"));
	/* ports */
	assert_true(matches("[host.example]:2222", "[host.example]:2222"));
	assert_false(matches("[host.example]:2222", "host.example"));
	assert_true(matches("[host.example]:*", "[host.example]:2200"));
	assert_true(matches("*", "[host.example]:2200"));
	assert_false(matches("host.example", "[host.example]:22"));
	/* empty sub-patterns match only the empty name */
	assert_false(matches(",a", "b"));
	assert_true(matches(",a", ""));
	assert_false(matches("a,", ""));
	/* an over-long sub-pattern spoils the whole list, as in ssh */
	{
		char *longp = xmalloc(1100), *h;

		memset(longp, 'z', 1023);
		longp[1023] = '\0';
		h = xasprintf("host.example,%s", longp);
		assert_false(matches(h, "host.example"));
		free(h);
		longp[1022] = '\0';
		h = xasprintf("host.example,%s", longp);
		assert_true(matches(h, "host.example"));
		assert_true(matches(h, longp));
		free(h);
		free(longp);
	}
}

static void
test_match_hashed(void **state)
{
	assert_true(matches(H_HOST, "host.example"));
	assert_false(matches(H_HOST, "host.example2"));
	/* a hashed name is compared as given: ssh lower-cases before */
	assert_false(matches(H_HOST, "HOST.example"));
	assert_true(matches(H_PORT, "[host.example]:2222"));
	assert_false(matches(H_PORT, "host.example"));
	assert_true(matches(H_UPPER, "upper.example"));
	assert_false(matches(H_UPPER, "Upper.Example"));
}

static void
test_verdicts(void **state)
{
	struct kh_db *db = db1(
	    "host.example ssh-ed25519 " A_B64 "\n"		/* 1 */
	    "other.example ssh-ed25519 " B_B64 "\n"		/* 2 */
	    "multi.example ssh-ed25519 " B_B64 "\n"		/* 3 */
	    "multi.example ssh-ed25519 " C_B64 "\n"		/* 4 */
	    "multi.example ssh-ed25519 " A_B64 "\n"		/* 5 */
	    "chg.example ssh-ed25519 " B_B64 "\n"		/* 6 */
	    "chg.example ecdsa-sha2-nistp256 " E_B64 "\n"	/* 7 */
	    "chg.example ssh-ed25519 " C_B64 "\n"		/* 8 */
	    "rsaonly.example ssh-rsa " R_B64 "\n");		/* 9 */
	struct kh_verdict v;

	expect(db, "host.example", 22, "ssh-ed25519", A_B64, KH_OK, 1);
	expect(db, "unknown.example", 22, "ssh-ed25519", A_B64, KH_NEW, 0);
	expect(db, "other.example", 22, "ssh-ed25519", A_B64, KH_CHANGED, 2);
	/* a matching key anywhere wins over other keys before it */
	expect(db, "multi.example", 22, "ssh-ed25519", A_B64, KH_OK, 5);
	/* CHANGED names the last other key, as ssh's "Offending key" */
	expect(db, "chg.example", 22, "ssh-ed25519", A_B64, KH_CHANGED, 8);
	/* a key of another type only: ssh says CHANGED too */
	check(db, "rsaonly.example", 22, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_CHANGED);
	assert_int_equal(v.line, 9);
	assert_string_equal(v.known_type, "ssh-rsa");
	assert_string_equal(v.lookup, "rsaonly.example");
	assert_null(v.error);
	kh_verdict_free(&v);
	/* upper-case names are looked up lower-cased */
	expect(db, "HOST.Example", 22, "ssh-ed25519", A_B64, KH_OK, 1);
	kh_db_free(db);

	/* the index splits names as match_pattern_list does: a final comma
	 * adds no empty name, a double one does */
	db = db1("a.example, ssh-ed25519 " A_B64 "\n"
	    "b.example,,c.example ssh-ed25519 " B_B64 "\n");
	expect(db, "a.example", 22, "ssh-ed25519", A_B64, KH_OK, 1);
	expect(db, "c.example", 22, "ssh-ed25519", B_B64, KH_OK, 2);
	expect(db, "", 22, "ssh-ed25519", B_B64, KH_OK, 2);
	expect(db, "", 22, "ssh-ed25519", A_B64, KH_CHANGED, 2);
	kh_db_free(db);
}

static void
test_files_in_order(void **state)
{
	struct kh_db *db = kh_db_new();
	static const char user[] =
	    "h1 ssh-ed25519 " B_B64 "\n"
	    "h2 ssh-ed25519 " A_B64 "\n";
	static const char global[] =
	    "h1 ssh-ed25519 " C_B64 "\n"
	    "h1 ssh-ed25519 " A_B64 "\n"
	    "h2 ssh-ed25519 " B_B64 "\n"
	    "h3 ssh-ed25519 " C_B64 "\n"
	    "@revoked h4 ssh-ed25519 " A_B64 "\n";
	static const char user2[] = "h3 ssh-ed25519 " A_B64 "\nh4 ssh-ed25519 " A_B64 "\n";
	struct kh_verdict v;

	kh_db_add(db, "/home/u/.ssh/known_hosts", user, strlen(user));
	kh_db_add(db, "/etc/ssh/ssh_known_hosts", global, strlen(global));
	kh_db_add(db, "/etc/ssh/ssh_known_hosts2", user2, strlen(user2));
	check(db, "h1", 22, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_string_equal(v.file, "/etc/ssh/ssh_known_hosts");
	assert_int_equal(v.line, 2);
	kh_verdict_free(&v);
	check(db, "h1", 22, "ssh-ed25519", CA_B64, &v);
	assert_int_equal(v.status, KH_CHANGED);
	assert_string_equal(v.file, "/etc/ssh/ssh_known_hosts");
	assert_int_equal(v.line, 2);
	kh_verdict_free(&v);
	check(db, "h2", 22, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_string_equal(v.file, "/home/u/.ssh/known_hosts");
	kh_verdict_free(&v);
	check(db, "h3", 22, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_string_equal(v.file, "/etc/ssh/ssh_known_hosts2");
	assert_int_equal(v.line, 1);
	kh_verdict_free(&v);
	/* a revocation in any file beats a match in a later one */
	check(db, "h4", 22, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_REVOKED);
	assert_string_equal(v.file, "/etc/ssh/ssh_known_hosts");
	assert_int_equal(v.line, 5);
	kh_verdict_free(&v);
	kh_db_free(db);
}

static void
test_rsa_aliases(void **state)
{
	struct kh_db *db = db1(
	    "r1 rsa-sha2-512 " R_B64 "\n"
	    "r2 ssh-rsa " R_LZ_B64 "\n"
	    "r3 rsa-sha2-256 " R_SHORT_B64 "\n"
	    "r4 ssh-rsa " RSACA_B64 "\n");

	expect(db, "r1", 22, "ssh-rsa", R_B64, KH_OK, 1);
	expect(db, "r1", 22, "rsa-sha2-256", R_B64, KH_OK, 1);
	expect(db, "r2", 22, "rsa-sha2-512", R_B64, KH_OK, 2);
	expect(db, "r3", 22, "ssh-rsa", R_B64, KH_OK, 3);
	expect(db, "r4", 22, "rsa-sha2-512", R_B64, KH_CHANGED, 4);
	/* the presented blob's own spelling does not matter either */
	expect(db, "r1", 22, "ssh-rsa", R_LZ_B64, KH_OK, 1);
	expect(db, "r1", 22, "rsa-sha2-512", R_SHORT_B64, KH_OK, 1);
	kh_db_free(db);
}

static void
test_revoked(void **state)
{
	struct kh_db *db = db1(
	    "host.example ssh-ed25519 " A_B64 "\n"		/* 1 */
	    "@revoked other.example ssh-ed25519 " B_B64 "\n"	/* 2 */
	    "host.example ssh-ed25519 " B_B64 "\n"		/* 3 */
	    "@revoked * ssh-ed25519 " C_B64 "\n"		/* 4 */
	    "c.example ssh-ed25519 " C_B64 "\n"			/* 5 */
	    "@revoked *.rev " CERT_TYPE " " ACERT_B64 "\n"	/* 6 */
	    "x.rev ssh-ed25519 " A_B64 "\n"			/* 7 */
	    "@revoked !y.neg,*.neg ssh-ed25519 " A_B64 "\n"	/* 8 */
	    "x.neg ssh-ed25519 " A_B64 "\n"			/* 9 */
	    "y.neg ssh-ed25519 " A_B64 "\n");			/* 10 */

	/* a revocation for another host name does not apply */
	expect(db, "host.example", 22, "ssh-ed25519", B_B64, KH_OK, 3);
	expect(db, "other.example", 22, "ssh-ed25519", B_B64, KH_REVOKED, 2);
	/* revoked for every host, over a matching line */
	expect(db, "c.example", 22, "ssh-ed25519", C_B64, KH_REVOKED, 4);
	expect(db, "nowhere", 22, "ssh-ed25519", C_B64, KH_REVOKED, 4);
	expect(db, "[c.example]:2222", 0, "ssh-ed25519", C_B64, KH_REVOKED, 4);
	/* a revoked certificate line revokes its key */
	expect(db, "x.rev", 22, "ssh-ed25519", A_B64, KH_REVOKED, 6);
	/* negation keeps a host out of the revocation */
	expect(db, "x.neg", 22, "ssh-ed25519", A_B64, KH_REVOKED, 8);
	expect(db, "y.neg", 22, "ssh-ed25519", A_B64, KH_OK, 10);
	kh_db_free(db);
}

static void
test_ports(void **state)
{
	struct kh_db *db = db1(
	    "[host.example]:2222 ssh-ed25519 " A_B64 "\n"	/* 1 */
	    "bare.example ssh-ed25519 " A_B64 "\n"		/* 2 */
	    "bareother.example ssh-ed25519 " B_B64 "\n"		/* 3 */
	    "@revoked barerev.example ssh-ed25519 " A_B64 "\n"	/* 4 */
	    "barerev.example ssh-ed25519 " A_B64 "\n"		/* 5 */
	    "[both.example]:2222 ssh-ed25519 " B_B64 "\n"	/* 6 */
	    "both.example ssh-ed25519 " A_B64 "\n"		/* 7 */
	    H_PORT " ssh-ed25519 " B_B64 "\n"			/* 8 */
	    "[pat.example]:* ssh-ed25519 " C_B64 "\n"		/* 9 */
	    "[v6::1]:2222 ssh-ed25519 " C_B64 "\n");		/* 10 */
	struct kh_verdict v;

	check(db, "host.example", 2222, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_string_equal(v.lookup, "[host.example]:2222");
	kh_verdict_free(&v);
	expect(db, "host.example", 22, "ssh-ed25519", A_B64, KH_NEW, 0);
	expect(db, "host.example", 2200, "ssh-ed25519", A_B64, KH_NEW, 0);
	/* nothing for [bare.example]:2222: ssh retries the bare name ... */
	check(db, "bare.example", 2222, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_int_equal(v.line, 2);
	assert_string_equal(v.lookup, "bare.example");
	kh_verdict_free(&v);
	/* ... where only an exact match counts: another key under the bare
	 * name leaves the port's verdict NEW (ssh stays silent about it) */
	check(db, "bareother.example", 2222, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_NEW);
	assert_string_equal(v.lookup, "[bareother.example]:2222");
	assert_null(v.file);
	kh_verdict_free(&v);
	/* a revoked key there: ssh prints the revocation and refuses */
	check(db, "barerev.example", 2222, "ssh-ed25519", A_B64, &v);
	assert_int_equal(v.status, KH_REVOKED);
	assert_int_equal(v.line, 4);
	assert_string_equal(v.lookup, "barerev.example");
	kh_verdict_free(&v);
	expect(db, "barerev.example", 22, "ssh-ed25519", A_B64, KH_REVOKED, 4);
	/* an entry for the port with another key: CHANGED, no retry */
	expect(db, "both.example", 2222, "ssh-ed25519", A_B64, KH_CHANGED, 6);
	/* port 0 (HostKeyAlias): the name as given, no retry */
	expect(db, "bare.example", 0, "ssh-ed25519", A_B64, KH_OK, 2);
	expect(db, "[host.example]:2222", 0, "ssh-ed25519", A_B64, KH_OK, 1);
	/* hashed and pattern port entries */
	expect(db, "host.example", 2222, "ssh-ed25519", B_B64, KH_OK, 8);
	expect(db, "host.example", 2222, "ssh-ed25519", C_B64, KH_CHANGED, 8);
	expect(db, "pat.example", 2022, "ssh-ed25519", C_B64, KH_OK, 9);
	expect(db, "v6::1", 2222, "ssh-ed25519", C_B64, KH_OK, 10);
	kh_db_free(db);
}

static void
test_hashed_verdicts(void **state)
{
	struct kh_db *db = db1(
	    H_HOST " ssh-ed25519 " A_B64 "\n"
	    H_UPPER " ssh-ed25519 " B_B64 "\n");

	expect(db, "host.example", 22, "ssh-ed25519", A_B64, KH_OK, 1);
	expect(db, "Host.Example", 22, "ssh-ed25519", A_B64, KH_OK, 1);
	expect(db, "host.example", 22, "ssh-ed25519", C_B64, KH_CHANGED, 1);
	expect(db, "UPPER.example", 22, "ssh-ed25519", B_B64, KH_OK, 2);
	expect(db, "host.example2", 22, "ssh-ed25519", A_B64, KH_NEW, 0);
	kh_db_free(db);
}

static void
test_cert_authority(void **state)
{
	struct kh_db *db = db1(
	    "@cert-authority *.example,host.example ssh-ed25519 " CA_B64 "\n"	/* 1 */
	    "@cert-authority ca2.test ssh-ed25519 " CA2_B64 "\n"		/* 2 */
	    "@cert-authority *.rsa ssh-rsa " RSACA_B64 "\n"			/* 3 */
	    "plain.example ssh-ed25519 " A_B64 "\n"				/* 4 */
	    "@revoked revca.example ssh-ed25519 " CA_B64 "\n"			/* 5 */
	    "@revoked revkey.example ssh-ed25519 " A_B64 "\n"			/* 6 */
	    "certline.example " CERT_TYPE " " ACERT_B64 "\n");			/* 7 */
	struct kh_verdict v;

	/* a plain key never matches a CA line */
	expect(db, "host.example", 22, "ssh-ed25519", A_B64, KH_NEW, 0);
	/* a host certificate from the CA, naming the host */
	check(db, "host.example", 22, CERT_TYPE, ACERT_B64, &v);
	assert_int_equal(v.status, KH_OK);
	assert_int_equal(v.line, 1);
	kh_verdict_free(&v);
	expect(db, "host.example", 2222, CERT_TYPE, ACERT_B64, KH_OK, 1);
	/* principals are compared with the host name, not a pattern */
	expect(db, "x.example", 22, CERT_TYPE, ACERT_B64, KH_NEW, 0);
	expect(db, "x.example", 22, CERT_TYPE, BCERT_B64, KH_OK, 1);
	/* another CA: CHANGED for the certificate, which ssh then retries as
	 * its plain key (NEW here) */
	expect(db, "ca2.test", 22, CERT_TYPE, BCERT_B64, KH_NEW, 0);
	/* a failed certificate still counts as its plain key */
	expect(db, "plain.example", 22, CERT_TYPE, ACERT_B64, KH_OK, 4);
	/* validity, against the db's time */
	kh_db_set_time(db, (time_t)T2010);
	expect(db, "host.example", 22, CERT_TYPE, ACERT_B64, KH_NEW, 0);
	kh_db_set_time(db, (time_t)T2100);
	expect(db, "host.example", 22, CERT_TYPE, ACERT_B64, KH_NEW, 0);
	expect(db, "host.example", 22, CERT_TYPE, BCERT_B64, KH_OK, 1);
	kh_db_set_time(db, (time_t)T2050);
	/* a user certificate; a critical option; a SHA-1 CA signature */
	expect(db, "host.example", 22, CERT_TYPE, CCERT_B64, KH_NEW, 0);
	expect(db, "host.example", 22, CERT_TYPE, FCERT_B64, KH_NEW, 0);
	expect(db, "d.rsa", 22, CERT_TYPE, DCERT_B64, KH_NEW, 0);
	/* revoked CA, revoked key: REVOKED, no fallback */
	expect(db, "revca.example", 22, CERT_TYPE, BCERT_B64, KH_REVOKED, 5);
	expect(db, "revkey.example", 22, CERT_TYPE, ACERT_B64, KH_REVOKED, 6);
	/* a certificate in an unmarked line equals no plain key: CHANGED */
	expect(db, "certline.example", 22, "ssh-ed25519", A_B64, KH_CHANGED, 7);
	/* a signature byte flipped: ssh refuses the host key while reading
	 * it (sshkey_from_blob verifies the CA's signature), so no line
	 * decides */
	{
		size_t n;
		unsigned char *blob = unb64(ACERT_B64, &n);

		blob[n - 3] ^= 1;
		kh_check(db, "host.example", 22, CERT_TYPE, blob, n, &v);
		assert_int_not_equal(v.status, KH_OK);
		assert_non_null(v.error);
		assert_non_null(strstr(v.error, "signature"));
		kh_verdict_free(&v);
		free(blob);
	}
	kh_db_free(db);
}

static void
test_presented_invalid(void **state)
{
	struct kh_db *db = db1("h ssh-ed25519 " A_B64 "\n");
	static const unsigned char junk[] = { 0, 0, 0, 3, 'f', 'o', 'o' };
	struct kh_verdict v;

	kh_check(db, "h", 22, "ssh-ed25519", junk, sizeof(junk), &v);
	assert_int_equal(v.status, KH_CHANGED);
	assert_non_null(v.error);
	assert_null(v.file);
	kh_verdict_free(&v);
	kh_check(db, "h", 22, NULL, junk, 0, &v);
	assert_int_equal(v.status, KH_CHANGED);
	assert_non_null(v.error);
	kh_verdict_free(&v);
	check(db, "h", 22, "ssh-rsa", RSA768_B64, &v);
	assert_int_equal(v.status, KH_CHANGED);
	assert_non_null(strstr(v.error, "1024"));
	kh_verdict_free(&v);
	/* the caller's type word is not needed, and a wrong one is ignored */
	expect(db, "h", 22, NULL, A_B64, KH_OK, 1);
	expect(db, "h", 22, "ssh-rsa", A_B64, KH_OK, 1);
	kh_db_free(db);
}

/* What the verdict must be by brute force: every line through
 * kh_line_matches, ssh's loop as written. */
static enum kh_status
oracle(const struct kh_db *db, const char *name, const char *fp, long *line)
{
	enum kh_status st = KH_NEW;

	*line = 0;
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->marker != KH_MARK_NONE || !kh_line_matches(l, name))
			continue;
		if (strcmp(l->fp, fp) == 0) {
			*line = l->line;
			st = KH_OK;
			break;
		}
		*line = l->line;
		st = KH_CHANGED;
	}
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->marker == KH_MARK_REVOKED && kh_line_matches(l, name) &&
		    strcmp(l->fp, fp) == 0) {
			*line = l->line;
			return KH_REVOKED;
		}
	}
	return st;
}

/* The fingerprint ssh-keygen -l would print for a key. */
static char *
fp_of(const char *type, const char *b64)
{
	char *text = xasprintf("x %s %s", type, b64);
	struct kh_db *db = db1(text);
	char *fp = xstrdup(kh_db_line(db, 0)->fp);

	kh_db_free(db);
	free(text);
	return fp;
}

static void
test_hash_index(void **state)
{
	const char *keys[3] = { A_B64, B_B64, C_B64 };
	char *fps[3];
	struct buf b;
	struct kh_db *db;
	unsigned seed = 12345;
	int counts[4] = { 0 };
	clock_t t0;
	double secs;

	for (int i = 0; i < 3; i++)
		fps[i] = fp_of("ssh-ed25519", keys[i]);
	buf_init(&b);
	/* 20,000 literal lines (some listing several names or one name
	 * twice, many names with several keys), patterns, negations, hashed
	 * lines, revocations: 1,000 lines to scan. */
	for (int i = 0; i < 20000; i++) {
		buf_printf(&b, "h%d.example", i % 15000);
		if (i % 7 == 0)
			buf_printf(&b, ",H%d.EXAMPLE,10.0.%d.%d", i + 1,
			    (i >> 8) & 255, i & 255);
		if (i % 13 == 0)
			buf_printf(&b, ",h%d.example", i % 15000);
		buf_printf(&b, " ssh-ed25519 %s\n", keys[i % 3]);
		if (i % 100 == 0) {
			buf_printf(&b, "h%d*.example,!h%d5.example ssh-ed25519 %s\n",
			    i / 10, i / 10, keys[(i + 1) % 3]);
			buf_printf(&b, H_HOST " ssh-ed25519 %s\n", keys[i % 3]);
			buf_printf(&b, "@revoked h%d.example ssh-ed25519 %s\n",
			    i + 7, keys[i % 3]);
			buf_printf(&b, "@revoked h%d?.example ssh-ed25519 %s\n",
			    i / 10, keys[(i + 2) % 3]);
		}
	}
	db = db1(b.data);
	buf_free(&b);
	assert_int_equal(kh_db_nerrors(db), 0);

	t0 = clock();
	for (int i = 0; i < 1000; i++) {
		char name[64];
		int k, n;
		struct kh_verdict v;
		enum kh_status want;
		long wline;

		seed = seed * 1103515245u + 12345u;
		k = (int)((seed >> 16) % 3);
		seed = seed * 1103515245u + 12345u;
		n = (int)((seed >> 16) % 22000);
		switch (i % 5) {
		case 0:
			snprintf(name, sizeof(name), "H%d.EXAMPLE", n);
			break;
		case 1:
			snprintf(name, sizeof(name), "10.0.%d.%d", (n >> 8) & 255,
			    n & 255);
			break;
		case 2:
			snprintf(name, sizeof(name), "host.example");
			break;
		default:
			snprintf(name, sizeof(name), "h%d.example", n);
		}
		check(db, name, 22, "ssh-ed25519", keys[k], &v);
		for (char *c = name; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		want = oracle(db, name, fps[k], &wline);
		if (v.status != want || v.line != wline)
			fail_msg("%s key %d: %s line %ld, brute force %s line %ld",
			    name, k, kh_status_name(v.status), v.line,
			    kh_status_name(want), wline);
		counts[v.status]++;
		kh_verdict_free(&v);
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	/* every verdict occurs, and the lookups are fast (brute force above
	 * takes most of the time) */
	for (int i = 0; i < 4; i++)
		if (counts[i] == 0)
			fail_msg("no %s verdict in the sample", kh_status_name(i));
	print_message("1000 checks with brute force: %.2f s (OK %d NEW %d "
	    "CHANGED %d REVOKED %d)\n", secs, counts[0], counts[1], counts[2],
	    counts[3]);

	/* kh_check alone: 10,000 lookups must take well under a second */
	t0 = clock();
	for (int i = 0; i < 10000; i++) {
		char name[64];
		struct kh_verdict v;

		snprintf(name, sizeof(name), "h%d.example", i);
		check(db, name, 22, "ssh-ed25519", keys[i % 3], &v);
		kh_verdict_free(&v);
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	print_message("10000 kh_check: %.3f s\n", secs);
	assert_true(secs < 5.0);
	for (int i = 0; i < 3; i++)
		free(fps[i]);
	kh_db_free(db);
}

static void
test_order_hostkeyalgs(void **state)
{
	static const char algs[] = "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519,"
	    "ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
	struct kh_db *db = db1(
	    "ed.example ssh-ed25519 " A_B64 "\n"
	    "rsa.example ssh-rsa " R_B64 "\n"
	    "[rsa.example]:2222 ecdsa-sha2-nistp256 " E_B64 "\n"
	    "@cert-authority ca.example ssh-ed25519 " CA_B64 "\n"
	    "ca.example ssh-rsa " R_B64 "\n"
	    "rev.example ssh-rsa " R_B64 "\n"
	    "@revoked rev.example ssh-rsa " R_B64 "\n"
	    "certonly.example " CERT_TYPE " " ACERT_B64 "\n");
	char *o;

	/* the best algorithm's key type is known: the list verbatim */
	o = kh_order_hostkeyalgs(db, "ed.example", 22,
	    "ssh-ed25519,rsa-sha2-512");
	assert_string_equal(o, "ssh-ed25519,rsa-sha2-512");
	free(o);
	o = kh_order_hostkeyalgs(db, "ed.example", 22, algs);
	assert_string_equal(o, algs);
	free(o);
	/* known types first, in list order */
	o = kh_order_hostkeyalgs(db, "RSA.example", 22, algs);
	assert_string_equal(o, "rsa-sha2-512,rsa-sha2-256,"
	    "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519,"
	    "ecdsa-sha2-nistp256");
	free(o);
	o = kh_order_hostkeyalgs(db, "rsa.example", 2222, algs);
	assert_string_equal(o, "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256,ssh-ed25519-cert-v01@openssh.com,"
	    "ssh-ed25519,rsa-sha2-512,rsa-sha2-256");
	free(o);
	/* a CA line: every certificate algorithm first */
	o = kh_order_hostkeyalgs(db, "ca.example", 22, algs);
	assert_string_equal(o, "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512,"
	    "rsa-sha2-256,ssh-ed25519,ecdsa-sha2-nistp256");
	free(o);
	/* a revoked key, a certificate line, an unknown host: nothing known */
	o = kh_order_hostkeyalgs(db, "rev.example", 22, algs);
	assert_string_equal(o, algs);
	free(o);
	o = kh_order_hostkeyalgs(db, "certonly.example", 22, algs);
	assert_string_equal(o, algs);
	free(o);
	o = kh_order_hostkeyalgs(db, "unknown", 22, algs);
	assert_string_equal(o, algs);
	free(o);
	kh_db_free(db);
}

/* --- modes for tests/cli/knownhosts-diff.sh --- */

static struct kh_db *
load_files(char **files, int n)
{
	struct kh_db *db = kh_db_new();

	for (int i = 0; i < n; i++) {
		size_t len;
		char *text = tu_read_file(files[i], &len);

		kh_db_add(db, files[i], text, len);
		free(text);
	}
	return db;
}

/* A .pub file or ssh-keyscan output: "[host] type base64 ...". */
static int
read_pub(const char *path, char **type, unsigned char **blob, size_t *len)
{
	size_t n;
	char *text = tu_read_file(path, &n), *save = NULL, *w1, *w2, *w3;
	long got;

	w1 = strtok_r(text, " \t\r\n", &save);
	w2 = strtok_r(NULL, " \t\r\n", &save);
	w3 = strtok_r(NULL, " \t\r\n", &save);
	if (w1 && w2 && strncmp(w2, "AAAA", 4) != 0 && w3 != NULL) {
		w1 = w2;
		w2 = w3;
	}
	if (w1 == NULL || w2 == NULL) {
		free(text);
		return -1;
	}
	*type = xstrdup(w1);
	*blob = xmalloc(strlen(w2));
	got = base64_decode(w2, strlen(w2), *blob, strlen(w2));
	free(text);
	if (got <= 0)
		return -1;
	*len = (size_t)got;
	return 0;
}

static int
mode_check(int argc, char **argv)
{
	int sep, port;
	struct kh_db *db;
	struct kh_verdict v;
	char *type;
	unsigned char *blob;
	size_t len;

	for (sep = 2; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep + 3 >= argc) {
		fprintf(stderr, "usage: --check FILE... -- HOST PORT PUBKEYFILE\n");
		return 2;
	}
	port = atoi(argv[sep + 2]);
	if (read_pub(argv[sep + 3], &type, &blob, &len) != 0) {
		fprintf(stderr, "%s: no public key\n", argv[sep + 3]);
		return 2;
	}
	db = load_files(argv + 2, sep - 2);
	kh_check(db, argv[sep + 1], port, type, blob, len, &v);
	printf("%s", kh_status_name(v.status));
	if (v.file != NULL)
		printf(" %s:%ld", v.file, v.line);
	printf(" lookup=%s", v.lookup);
	if (v.known_type != NULL)
		printf(" known=%s", v.known_type);
	if (v.error != NULL)
		printf(" error=%s", v.error);
	printf("\n");
	kh_verdict_free(&v);
	kh_db_free(db);
	free(type);
	free(blob);
	return 0;
}

static int
mode_match(int argc, char **argv)
{
	struct kh_db *db;

	if (argc < 4) {
		fprintf(stderr, "usage: --match NAME FILE...\n");
		return 2;
	}
	db = load_files(argv + 3, argc - 3);
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (kh_line_matches(l, argv[2]))
			printf("%s:%ld%s\n", l->file, l->line,
			    l->marker == KH_MARK_CA ? " CA" :
			    l->marker == KH_MARK_REVOKED ? " REVOKED" : "");
	}
	kh_db_free(db);
	return 0;
}

static int
mode_order(int argc, char **argv)
{
	struct kh_db *db;
	char *o;

	if (argc < 5) {
		fprintf(stderr, "usage: --order HOST PORT ALGS FILE...\n");
		return 2;
	}
	db = load_files(argv + 5, argc - 5);
	o = kh_order_hostkeyalgs(db, argv[2], atoi(argv[3]), argv[4]);
	printf("%s\n", o);
	free(o);
	kh_db_free(db);
	return 0;
}

/* The files themselves (checks/hostkey.c hostkey_db_check): which lines ssh
 * skips, which it can never select, which trust a weak key, and which name
 * a host outside the inventory. */
static int
has_at(const struct ka_host_result *r, const char *id, long line)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule->id, id) == 0 && r->findings[i].line == line)
			return 1;
	return 0;
}

static void
test_db_check(void **state)
{
	static const char ed[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C";
	struct kh_db *db = kh_db_new();
	struct ka_host_result r;
	struct strlist names = { 0 };
	struct ka_options o = { 0 };
	char *text, *hashed = kh_hash_name("web1.example");
	size_t nfindings;

	(void)state;
	text = xasprintf(
	    "web1.example %s\n"			/* 1 in the inventory */
	    "[web2.example]:22 %s\n"			/* 2 never looked up */
	    "web3.example:2222 %s\n"			/* 3 never looked up */
	    "!web4.example %s\n"			/* 4 only negated */
	    "fe80::1 %s\n"				/* 5 IPv6: selectable, orphan */
	    "not a key line\n"				/* 6 skipped by ssh */
	    "*.example %s\n"				/* 7 a pattern: never an orphan */
	    "%s %s\n"					/* 8 hashed web1: in the inventory */
	    "[web9.example]:2222,!x %s\n",		/* 9 orphan */
	    ed, ed, ed, ed, ed, ed, hashed, ed, ed);
	kh_db_add(db, "kh", text, strlen(text));
	strlist_add(&names, "web1.example");
	strlist_add(&names, "[web9.example]:22");
	host_result_init(&r, "known_hosts");
	hostkey_db_check(db, &names, &o, &r);
	assert_true(has_at(&r, "hostkey.unmatchable", 2));
	assert_true(has_at(&r, "hostkey.unmatchable", 3));
	assert_true(has_at(&r, "hostkey.unmatchable", 4));
	assert_false(has_at(&r, "hostkey.unmatchable", 5));
	assert_true(has_at(&r, "hostkey.orphan", 5));
	assert_true(has_at(&r, "hostkey.bad-line", 6));
	assert_false(has_at(&r, "hostkey.orphan", 1));
	assert_false(has_at(&r, "hostkey.orphan", 7));
	assert_false(has_at(&r, "hostkey.orphan", 8));
	assert_true(has_at(&r, "hostkey.orphan", 9));
	nfindings = r.nfindings;
	assert_int_equal(nfindings, 6);
	host_result_free(&r);

	/* Without the inventory there are no orphans. */
	host_result_init(&r, "known_hosts");
	hostkey_db_check(db, NULL, &o, &r);
	assert_int_equal(r.nfindings, nfindings - 2);
	host_result_free(&r);
	strlist_free(&names);
	kh_db_free(db);
	free(text);
	free(hashed);
}

/* kh_hash_name writes what kh_line_matches (and ssh-keygen -F) find, with a
 * fresh salt each time. */
static void
test_hash_name(void **state)
{
	char *a = kh_hash_name("Web1.Example"), *b = kh_hash_name("web1.example"), *line;
	struct kh_db *db = kh_db_new();

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_not_equal(a, b);
	assert_true(strncmp(a, "|1|", 3) == 0);
	line = xasprintf("%s ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C\n", a);
	kh_db_add(db, "kh", line, strlen(line));
	assert_int_equal(kh_db_line(db, 0)->kind, KH_LINE_KEY);
	assert_true(kh_line_matches(kh_db_line(db, 0), "web1.example"));
	assert_false(kh_line_matches(kh_db_line(db, 0), "web2.example"));
	kh_db_free(db);
	free(line);
	free(a);
	free(b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_nul_and_counts),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_match_patterns),
		cmocka_unit_test(test_match_hashed),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_files_in_order),
		cmocka_unit_test(test_rsa_aliases),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_hashed_verdicts),
		cmocka_unit_test(test_cert_authority),
		cmocka_unit_test(test_presented_invalid),
		cmocka_unit_test(test_hash_index),
		cmocka_unit_test(test_order_hostkeyalgs),
		cmocka_unit_test(test_db_check),
		cmocka_unit_test(test_hash_name),
	};

	if (argc >= 2 && strcmp(argv[1], "--check") == 0)
		return mode_check(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--match") == 0)
		return mode_match(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--order") == 0)
		return mode_order(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
