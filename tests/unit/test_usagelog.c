/* test_usagelog.c - the last use of each authorized key from sshd's logs
 * (scanner/parse/usagelog.c): a real sshd 9.2's lines as sshd -E, syslog, RFC
 * 3339, journalctl -o short and short-iso; OpenSSH 7.x, 8.x and 10.x shapes
 * (certificates old and new, FIDO, MD5, interleaved connections, a new
 * year, sshd-session); look-alikes that must not count; lines split across
 * feeds; gzip (rotated, two members, truncated); the bounds. */
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/usagelog.h"
#include "scanner/fileio.h"

#define FIX		"fixtures/usagelog/"
#define NOW		1795514400	/* 2026-11-24 10:00:00 UTC */
#define NOV24		1795478400	/* 2026-11-24 00:00:00 UTC */
#define DAY		86400
#define JAN1_2027	1798761600

#define K1	"SHA256:nfOCyHd7Ucd/i7+05x0uDGzC72DtBxpXtUAR4DbH3ew"
#define K2	"SHA256:MuvTKUiApVYJzINR19IZEF4gXYCClr5aAyXmcRZ8Aik"
#define K3	"SHA256:B3esz8enPVfBTyPrRzsSe7XZzk/J5XMPCYYxlsUVFLg"
#define KCERT	"SHA256:QePphhwUqpkO6fjDAxPJl2vE7Xc5cv7oZmeD+oOXYhM"
#define KCA	"SHA256:6e6o9pQHqKxuNCXNdZqC+Trup5tA/WR04fsxuBQD60w"
#define AK	"/home/kaul/.ssh/authorized_keys"

struct want {
	const char *user, *fp, *type;
	int64_t last;
	const char *addr;
	unsigned long count;
	const char *file;
	long line;
	int cert;
};

static struct usagelog *
read_files(int64_t now, const char *const *paths, size_t n)
{
	struct usagelog *u = usagelog_new(now);

	for (size_t i = 0; i < n; i++) {
		char *err = NULL;

		if (usagelog_read_file(u, paths[i], &err) != 0)
			fail_msg("%s", err);
		assert_null(err);
	}
	return u;
}

static struct usagelog *
read_one(int64_t now, const char *path)
{
	return read_files(now, &path, 1);
}

/* The data in a buffer of exactly its size, so that reading past it is
 * caught by the sanitizers (and there is no NUL to stop at). */
static void
feed_exact(struct usagelog *u, const char *data, size_t len)
{
	char *p = xmalloc(len ? len : 1);

	memcpy(p, data, len);
	usagelog_feed(u, p, len);
	free(p);
}

static struct usagelog *
feed_text(int64_t now, const char *text)
{
	struct usagelog *u = usagelog_new(now);

	feed_exact(u, text, strlen(text));
	usagelog_end(u);
	return u;
}

static void
expect_keys(const struct usagelog *u, const struct want *w, size_t n)
{
	for (size_t i = 0; i < usagelog_count(u) && i < n; i++) {
		const struct key_use *k = usagelog_at(u, i);

		assert_non_null(k);
		assert_string_equal(k->user, w[i].user);
		assert_string_equal(k->fp, w[i].fp);
		assert_string_equal(k->type, w[i].type);
		if (k->last != w[i].last)
			fail_msg("%s %s: last %lld, want %lld", k->user, k->fp,
			    (long long)k->last, (long long)w[i].last);
		assert_string_equal(k->last_addr, w[i].addr);
		assert_int_equal(k->count, w[i].count);
		if (w[i].file == NULL)
			assert_null(k->file);
		else {
			assert_non_null(k->file);
			assert_string_equal(k->file, w[i].file);
		}
		assert_int_equal(k->line, w[i].line);
		assert_int_equal(k->cert, w[i].cert);
	}
	if (usagelog_count(u) != n) {
		for (size_t i = 0; i < usagelog_count(u); i++)
			fprintf(stderr, "  got %s %s\n", usagelog_at(u, i)->user,
			    usagelog_at(u, i)->fp);
		fail_msg("%zu keys, want %zu", usagelog_count(u), n);
	}
	assert_null(usagelog_at(u, n));
}

static void
expect_window(const struct usagelog *u, int64_t first, int64_t last,
    unsigned long lines, unsigned long accepted)
{
	int64_t f, l;
	unsigned long nl, na;

	usagelog_window(u, &f, &l, &nl, &na);
	if (f != first || l != last)
		fail_msg("window %lld..%lld, want %lld..%lld", (long long)f,
		    (long long)l, (long long)first, (long long)last);
	assert_int_equal(nl, lines);
	assert_int_equal(na, accepted);
}

/* Everything the log gave, as one string, to compare two readings. */
static char *
dump(const struct usagelog *u)
{
	struct buf b;
	int64_t f, l;
	unsigned long nl, na;

	buf_init(&b);
	usagelog_window(u, &f, &l, &nl, &na);
	buf_printf(&b, "%lld %lld %lu %lu %lu\n", (long long)f, (long long)l, nl, na,
	    usagelog_dropped(u));
	for (size_t i = 0; i < usagelog_count(u); i++) {
		const struct key_use *k = usagelog_at(u, i);

		buf_printf(&b, "%s %s %s %lld %s %lu %s:%ld %d\n", k->user, k->fp,
		    k->type, (long long)k->last, k->last_addr, k->count,
		    k->file ? k->file : "-", k->line, k->cert);
	}
	return buf_steal(&b);
}

/* ------------------------------------------------ a real sshd 9.2 */

/* The keys the captured scenario used (see fixtures/usagelog/README). */
static const struct want captured[] = {
	{ "kaul", K3, "RSA", NOV24 + 35182, "127.0.0.1", 1, AK, 3, 0 },
	{ "kaul", KCERT, "ED25519-CERT", NOV24 + 35184, "127.0.0.1", 1, AK, 4, 1 },
	{ "kaul", K1, "ED25519", NOV24 + 35184, "127.0.0.1", 3, AK, 1, 0 },
};

/* sshd -E: no time, no pid; each "Accepted key" goes with the next login
 * of its key, the certificate's with the login its CA vouched for. */
static void
test_sshd_E(void **state)
{
	struct usagelog *u = read_one(NOW, FIX "sshd-E.log");
	struct want w[3];

	memcpy(w, captured, sizeof(w));
	for (size_t i = 0; i < 3; i++)
		w[i].last = 0;
	expect_keys(u, w, 3);
	expect_window(u, 0, 0, 57, 5);
	assert_int_equal(usagelog_dropped(u), 0);
	usagelog_free(u);
}

/* The same logins as syslog, RFC 3339, journalctl -o short and -o
 * short-iso (+0100): the same instants, keys and FILE:LINE by pid. */
static void
test_timestamped(void **state)
{
	static const struct {
		const char *path;
		unsigned long lines;
	} files[] = {
		{ FIX "syslog.log", 86 },
		{ FIX "rfc3339.log", 88 },
		{ FIX "journal-short.log", 89 },
		{ FIX "short-iso.log", 87 },
	};

	for (size_t i = 0; i < KA_ARRLEN(files); i++) {
		struct usagelog *u = read_one(NOW, files[i].path);

		expect_keys(u, captured, KA_ARRLEN(captured));
		expect_window(u, NOV24 + 35180, NOV24 + 35185, files[i].lines, 5);
		usagelog_free(u);
	}
}

/* ------------------------------------------------ other versions */

/* 7.4 at INFO: no FILE:LINE; a new year between two logins; the pre-8.2
 * certificate line names only its CA, which stands for the key. */
static void
test_openssh7(void **state)
{
	static const struct want w[] = {
		{ "deploy", "SHA256:TJsPosbXghJOaNeXoA0589GrJZwYLQEkRHxkLkSLNG8", "RSA",
		    JAN1_2027 + 44, "203.0.113.9", 2, NULL, 0, 0 },
		{ "ops", "SHA256:yW1SJ9+L+eTv+GHQL5uwXAl4HcLEOu3yyhYhrhkUm+A", "RSA-CERT",
		    JAN1_2027 - 30, "198.51.100.4", 1, NULL, 0, 1 },
	};
	struct usagelog *u = read_one(JAN1_2027 + 12 * 3600, FIX "openssh7.log");

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, JAN1_2027 - 119, JAN1_2027 + 602, 14, 3);
	usagelog_free(u);

	/* read a year later, Dec 31 is still the one before Jan 1 */
	u = read_one(JAN1_2027 + 360 * DAY, FIX "openssh7.log");
	expect_window(u, JAN1_2027 - 119, JAN1_2027 + 602, 14, 3);
	usagelog_free(u);
}

/* 8.9, +01:00: one key in two users' files at once (only the pid pairs
 * each login with its own line), a certificate by cert-authority, FIDO,
 * MD5 logins with SHA256 "Accepted key" lines, a stale "Accepted key". */
static void
test_openssh8(void **state)
{
	const int64_t nov20 = NOV24 - 4 * DAY;
	const struct want w[] = {
		{ "alice", "SHA256:7J265bVeaeZmcGA4zUQ7AZjjNukXxTafbhJCX2k0rEY", "ED25519",
		    nov20 + 46931, "2001:db8::10", 1, "/home/alice/.ssh/authorized_keys", 2, 0 },
		{ "alice", "SHA256:EI9Q8fEcujqFxLwZKrVyEDx6G/ZAFdzzMbIWHXuiDis", "ED25519-SK",
		    nov20 + DAY + 8 * 3600, "2001:db8::10", 1,
		    "/home/alice/.ssh/authorized_keys", 3, 0 },
		{ "bob", "SHA256:+Tr0ljdMSkqb6i9FJvauRRXt62FZsVkodqmtq1IifEs", "ED25519",
		    nov20 + DAY + 37800, "192.0.2.20", 1, NULL, 0, 0 },
		{ "bob", "SHA256:7J265bVeaeZmcGA4zUQ7AZjjNukXxTafbhJCX2k0rEY", "ED25519",
		    nov20 + 46931, "192.0.2.20", 1, "/etc/ssh/authorized_keys/bob", 5, 0 },
		{ "carol", "SHA256:e5rckMGx0YhZIPOuMR6bmmsj6HOrkxc2ceyZsd5TYdc", "ED25519-CERT",
		    nov20 + 52200, "192.0.2.30", 1, "/home/carol/.ssh/authorized_keys", 1, 1 },
		{ "dave", "MD5:ae:a9:d6:fe:5b:f3:5f:37:ef:30:b9:59:1c:2c:88:12", "ED25519",
		    nov20 + DAY + 32400, "192.0.2.40", 1, "/home/dave/.ssh/authorized_keys", 1, 0 },
	};
	struct usagelog *u = read_one(NOW, FIX "openssh8.log");

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, nov20 + 46931, nov20 + DAY + 37800, 24, 6);
	usagelog_free(u);
}

/* 10.0: sshd-session; the listener's lines around it. */
static void
test_openssh10(void **state)
{
	const int64_t nov22 = NOV24 - 2 * DAY;
	const struct want w[] = {
		{ "root", "SHA256:ZdzLvf4SKsjXimbXylKKi2tdn3PL2gl/jG2Y/1Bxxss", "ED25519",
		    nov22 + DAY + 27900, "198.51.100.23", 2, "/root/.ssh/authorized_keys", 1, 0 },
	};
	struct usagelog *u = read_one(NOW, FIX "openssh10.log");

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, nov22 + 64800, nov22 + DAY + 27900, 21, 2);
	usagelog_free(u);
}

/* The other spellings a header can have: sshd-auth, a path for a name,
 * journalctl's zero-padded day, a pid-less tag, no host, sshd -E lines
 * with a program name, Z and negative zones, a year before 1970. */
static void
test_header_variants(void **state)
{
	const int64_t nov4 = NOV24 - 20 * DAY + 36000;
	const struct want w[] = {
		{ "a1", K1, "ED25519", nov4, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a2", K1, "ED25519", nov4 + 1, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a3", K1, "ED25519", nov4 + 2, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a4", K1, "ED25519", nov4 + 3, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a5", K1, "ED25519", 0, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a6", K1, "ED25519", 0, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a7", K1, "ED25519", nov4 + 4, "10.0.0.1", 1, NULL, 0, 0 },
		{ "a8", K1, "ED25519", nov4 + 5 + 5 * 3600, "fe80::1%eth0", 1, NULL, 0, 0 },
		{ "a9", K1, "ED25519", 0, "10.0.0.1", 1, NULL, 0, 0 },
	};
#define L(u) " Accepted publickey for " u " from 10.0.0.1 port 1 ssh2: ED25519 " K1
	struct usagelog *u = feed_text(NOW,
	    "Nov  4 10:00:00 h sshd-auth[7]:" L("a1") "\n"
	    "Nov 04 10:00:01 h /usr/sbin/sshd[8]:" L("a2") "\n"
	    "Nov 04 10:00:02 h sshd:" L("a3") "\n"
	    "Nov 04 10:00:03 sshd[9]:" L("a4") "\n"
	    "sshd-session:" L("a5") "\r\n"
	    "sshd[10]:" L("a6") "\n"
	    "2026-11-04T10:00:04Z h sshd[11]:" L("a7") "\n"
	    /* before 1970: no time (the fuzzer's) */
	    "1013-11-04T10:00:04Z h sshd[13]:" L("a9") "\n"
	    "2026-11-04T10:00:05.123-05:00 h sshd[12]: Accepted publickey for a8 from "
	    "fe80::1%eth0 port 1 ssh2: ED25519 " K1);
#undef L

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, nov4, nov4 + 5 + 5 * 3600, 9, 9);
	usagelog_free(u);
}

/* ------------------------------------------------ what must not count */

static void
test_lookalikes(void **state)
{
	const int64_t t = NOV24 - DAY + 36000;
	const struct want w[] = {
		/* a user of that name logs in like any other */
		{ "Accepted", K1, "ED25519", t + 11, "10.0.0.9", 1,
		    "/home/Accepted/.ssh/authorized_keys", 1, 0 },
		/* another program's "Accepted key" line, same pid: not its file */
		{ "real", "SHA256:U1/39O6V0/yiIwE2bEBQBddmW4Ws6jMo4+J4eVqELrk", "ED25519",
		    t + 10, "10.0.0.3", 1, NULL, 0, 0 },
	};
	struct usagelog *u = read_one(NOW, FIX "lookalikes.log");

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, t, t + 11, 28, 2);
	usagelog_free(u);
}

/* Binary data, NULs, "Accepted " everywhere, half lines: nothing. */
static void
test_garbage(void **state)
{
	static const char junk[] =
	    "Accepted \0Accepted publickey for \0\n\x01\x02 Accepted key \xff\xfe\n"
	    "Nov 24 10:00:00 h sshd[1]: Accepted publickey for x\0y from 1.2.3.4 "
	    "port 1 ssh2: ED25519 " K1 "\n"
	    "Nov 24 10:00:00 h sshd[1]: Accepted publickey for x from 1.2.3.4 port 1 "
	    "ssh2: ED25519 " K1 "\0\n"
	    "Nov 24 10:00:00 h sshd[1]: Accepted key ED25519 " K1 " found at :\n"
	    "Nov 24 10:00:00 h sshd[1]: Accepted certificate ID \"x\" (serial 1) "
	    "signed by CA ED25519 " KCA " found at f:\n"
	    "\n\n\r\n:\n[\n sshd[1]: \nsshd[: x\nsshd[12345678901]: Accepted ";
	struct usagelog *u = usagelog_new(NOW);

	feed_exact(u, junk, sizeof(junk) - 1);
	usagelog_end(u);
	assert_int_equal(usagelog_count(u), 0);
	expect_window(u, NOV24 + 36000, NOV24 + 36000, 14, 0);
	usagelog_free(u);
}

/* ------------------------------------------------ feeding */

/* Every split of a file into two feeds, and byte by byte, reads as the
 * whole: the line cut short is kept until its newline. */
static void
test_split(void **state)
{
	static const char *const paths[] = { FIX "syslog.log", FIX "sshd-E.log",
	    FIX "openssh8.log" };

	for (size_t f = 0; f < KA_ARRLEN(paths); f++) {
		size_t len;
		char *text = tu_read_file(paths[f], &len), *whole, *got;
		struct usagelog *u = usagelog_new(NOW);

		feed_exact(u, text, len);
		usagelog_end(u);
		whole = dump(u);
		usagelog_free(u);
		for (size_t cut = 0; cut <= len; cut++) {
			u = usagelog_new(NOW);
			feed_exact(u, text, cut);
			feed_exact(u, text + cut, len - cut);
			usagelog_end(u);
			got = dump(u);
			if (strcmp(got, whole) != 0)
				fail_msg("%s cut at %zu:\n%s\nwant\n%s", paths[f], cut, got, whole);
			free(got);
			usagelog_free(u);
		}
		u = usagelog_new(NOW);
		for (size_t i = 0; i < len; i++)
			feed_exact(u, text + i, 1);
		usagelog_end(u);
		got = dump(u);
		assert_string_equal(got, whole);
		free(got);
		usagelog_free(u);
		free(whole);
		free(text);
	}
}

/* A certificate login line of exactly n bytes (its key ID pads it). */
static char *
cert_line(size_t n)
{
	static const char head[] = "Accepted publickey for kaul from 10.0.0.1 port 1 "
	    "ssh2: ED25519-CERT " K1 " ID ";
	static const char tail[] = " (serial 1) CA ED25519 " KCA;
	size_t pad = n - (sizeof(head) - 1) - (sizeof(tail) - 1);
	char *s = xmalloc(n + 1);

	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'x', pad);
	memcpy(s + sizeof(head) - 1 + pad, tail, sizeof(tail));
	return s;
}

/* A line of USAGELOG_MAX_LINE bytes counts; one byte more is skipped,
 * whole or in pieces, and so is a megabyte without a newline; the lines
 * after them count. */
static void
test_long_lines(void **state)
{
	char *fits = cert_line(USAGELOG_MAX_LINE), *over = cert_line(USAGELOG_MAX_LINE + 1);
	char *huge = xmalloc(1 << 20);
	const char next[] = "\nAccepted publickey for next from 10.0.0.2 port 2 ssh2: "
	    "ED25519 " K1 "\n";
	struct buf b;

	memset(huge, 'A', 1 << 20);
	for (int piece = 0; piece < 3; piece++) {
		static const size_t sizes[] = { 0, 1000, 7 };
		struct usagelog *u = usagelog_new(NOW);

		buf_init(&b);
		buf_printf(&b, "%s\n%s\n", fits, over);
		buf_append(&b, huge, 1 << 20);
		buf_append(&b, next, sizeof(next) - 1);
		if (sizes[piece] == 0)
			feed_exact(u, b.data, b.len);
		else
			for (size_t i = 0; i < b.len; i += sizes[piece])
				feed_exact(u, b.data + i, b.len - i < sizes[piece] ?
				    b.len - i : sizes[piece]);
		usagelog_end(u);
		assert_int_equal(usagelog_count(u), 2);
		assert_string_equal(usagelog_at(u, 0)->user, "kaul");
		assert_int_equal(usagelog_at(u, 0)->cert, 1);
		assert_string_equal(usagelog_at(u, 1)->user, "next");
		expect_window(u, 0, 0, 4, 2);
		buf_free(&b);
		usagelog_free(u);
	}
	free(fits);
	free(over);
	free(huge);
}

/* Past the table's size new keys are counted as dropped, known ones still
 * counted in full. */
static void
test_max_keys(void **state)
{
	static const char text[] =
	    "Accepted publickey for a from 10.0.0.1 port 1 ssh2: ED25519 " K1 "\n"
	    "Accepted publickey for b from 10.0.0.1 port 1 ssh2: ED25519 " K1 "\n"
	    "Accepted publickey for c from 10.0.0.1 port 1 ssh2: ED25519 " K1 "\n"
	    "Accepted publickey for a from 10.0.0.2 port 1 ssh2: ED25519 " K1 "\n";
	struct usagelog *u = usagelog_new(NOW);

	usagelog_set_max_keys(u, 2);
	feed_exact(u, text, sizeof(text) - 1);
	usagelog_end(u);
	assert_int_equal(usagelog_count(u), 2);
	assert_int_equal(usagelog_dropped(u), 1);
	assert_int_equal(usagelog_at(u, 0)->count, 2);
	assert_string_equal(usagelog_at(u, 0)->last_addr, "10.0.0.2");
	expect_window(u, 0, 0, 4, 4);
	usagelog_free(u);
}

/* Keys added after a look at the list are sorted in. */
static void
test_feed_after_read(void **state)
{
	static const char more[] =
	    "Accepted publickey for aaa from 10.0.0.1 port 1 ssh2: RSA " K3;
	struct usagelog *u = read_one(NOW, FIX "syslog.log");

	assert_int_equal(usagelog_count(u), 3);
	assert_string_equal(usagelog_at(u, 0)->fp, K3);
	feed_exact(u, more, sizeof(more) - 1);
	usagelog_end(u);
	assert_int_equal(usagelog_count(u), 4);
	assert_string_equal(usagelog_at(u, 0)->user, "aaa");
	assert_string_equal(usagelog_at(u, 1)->fp, K3);
	expect_window(u, NOV24 + 35180, NOV24 + 35185, 87, 6);
	usagelog_free(u);

	u = usagelog_new(NOW);
	expect_window(u, 0, 0, 0, 0);
	assert_int_equal(usagelog_count(u), 0);
	assert_null(usagelog_at(u, 0));
	usagelog_end(u);
	usagelog_free(u);
	usagelog_free(NULL);
}

/* ------------------------------------------------ files */

/* Rotated logs, gzip (one member and two), read in any order: the last
 * login is the latest in time, not the last read. */
static void
test_gzip_rotated(void **state)
{
	static const char *const older_first[] = { FIX "auth.log.3.gz",
	    FIX "auth.log.2.gz", FIX "syslog.log" };
	static const char *const newer_first[] = { FIX "syslog.log",
	    FIX "auth.log.2.gz", FIX "auth.log.3.gz" };
	const struct want w[] = {
		{ "kaul", K3, "RSA", NOV24 + 35182, "127.0.0.1", 4, AK, 3, 0 },
		{ "kaul", K2, "ED25519", NOV24 - 14 * DAY + 30600, "10.9.9.9", 1, AK, 2, 0 },
		captured[1],
		captured[2],
	};
	struct usagelog *u = read_files(NOW, older_first, 3);
	char *a = dump(u), *b;

	expect_keys(u, w, KA_ARRLEN(w));
	expect_window(u, NOV24 - 21 * DAY + 83400, NOV24 + 35185, 97, 9);
	usagelog_free(u);

	u = read_files(NOW, newer_first, 3);
	b = dump(u);
	assert_string_equal(a, b);
	free(a);
	free(b);
	usagelog_free(u);

	/* both members of the second file */
	u = read_one(NOW, FIX "auth.log.3.gz");
	assert_int_equal(usagelog_count(u), 1);
	assert_int_equal(usagelog_at(u, 0)->count, 2);
	assert_string_equal(usagelog_at(u, 0)->last_addr, "192.0.2.52");
	expect_window(u, NOV24 - 21 * DAY + 83400, NOV24 - 21 * DAY + 84001, 3, 2);
	usagelog_free(u);
}

/* A file without a final newline ends its last line: the next file's
 * first line is a line of its own. */
static void
test_file_boundary(void **state)
{
	char path[] = "/tmp/ka-usagelog-XXXXXX";
	const char line[] = "Accepted publickey for a from 10.0.0.1 port 1 ssh2: RSA " K3;
	int fd = mkstemp(path);
	struct usagelog *u = usagelog_new(NOW);
	char *err = NULL;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, sizeof(line) - 1), sizeof(line) - 1);
	close(fd);
	/* a feed's tail does not run into the file either */
	usagelog_feed(u, "junk", 4);
	assert_int_equal(usagelog_read_file(u, path, &err), 0);
	assert_int_equal(usagelog_read_file(u, path, &err), 0);
	assert_null(err);
	assert_int_equal(usagelog_count(u), 1);
	assert_int_equal(usagelog_at(u, 0)->count, 2);
	expect_window(u, 0, 0, 3, 2);
	unlink(path);
	usagelog_free(u);
}

static void
expect_error(const char *path, const char *want)
{
	struct usagelog *u = usagelog_new(NOW);
	char *err = NULL;

	assert_int_equal(usagelog_read_file(u, path, &err), -1);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
	usagelog_free(u);
}

/* Errors name the file, on one line; a truncated gzip still gives what
 * came before the cut. */
static void
test_errors(void **state)
{
	char path[] = "/tmp/ka-usagelog-XXXXXX", *want;
	size_t len;
	char *gz = tu_read_file(FIX "auth.log.2.gz", &len);
	struct usagelog *u;
	char *err = NULL;
	int fd;

	expect_error(FIX "no-such.log", FIX "no-such.log: No such file or directory");
	expect_error("fixtures/usagelog", "fixtures/usagelog: Is a directory");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, gz, len - 20), len - 20);
	close(fd);
	want = xasprintf("%s: gzip: truncated", path);
	expect_error(path, want);
	free(want);

	/* what the cut file held before its end counts: key 3's login, not
	 * key 2's in the last bytes */
	u = usagelog_new(NOW);
	assert_int_equal(usagelog_read_file(u, path, &err), -1);
	free(err);
	assert_int_equal(usagelog_count(u), 1);
	assert_string_equal(usagelog_at(u, 0)->fp, K3);
	unlink(path);
	usagelog_free(u);

	/* a corrupt member */
	gz[len / 2] ^= 0x55;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, gz, len), len);
	close(fd);
	u = usagelog_new(NOW);
	assert_int_equal(usagelog_read_file(u, path, &err), -1);
	assert_non_null(err);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, ": gzip: "));
	assert_null(strstr(err, "<fd:"));
	assert_null(strchr(err, '\n'));
	free(err);
	unlink(path);
	usagelog_free(u);
	free(gz);
}

static int
utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshd_E),
		cmocka_unit_test(test_timestamped),
		cmocka_unit_test(test_openssh7),
		cmocka_unit_test(test_openssh8),
		cmocka_unit_test(test_openssh10),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_max_keys),
		cmocka_unit_test(test_feed_after_read),
		cmocka_unit_test(test_gzip_rotated),
		cmocka_unit_test(test_file_boundary),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, utc, NULL);
}
