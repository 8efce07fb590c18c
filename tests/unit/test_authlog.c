/* test_authlog.c - picking one login attempt's lines out of an sshd log
 * (scanner/parse/authlog.c): real sshd -E output with interleaved connections,
 * the same scenario in syslog, RFC 3339 and short-iso form (time window,
 * year, zone, pids), what decides the attempt without a port, and the
 * bounds: the cap, long lines, control characters, binary and huge input. */
#include <time.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/authlog.h"

#define GOOD_FP	"SHA256:VOg4e84MUDMRYz91Rmjg0MqQwgjDiN48xbhyYGmxOZE"
#define BAD_FP	"SHA256:3eGgWkn5jq9pUnLFzPz2pUoDDh086UwThi85XQJz7EA"
#define FROM_FP	"SHA256:ke1WveyWDTWogu9/RChbNLKD3ZXCednmXGbjLrlHxiM"

/* 2026-11-24 08:40:00 UTC, just after the fixtures were captured */
#define NOW		1795509600
#define NOV24		1795478400	/* 2026-11-24 00:00:00 UTC */

/* The data in a buffer of exactly its size, so that reading past len is
 * caught by the sanitizers (and there is no NUL to stop at). */
static char *
exact(const char *text, size_t len)
{
	char *p = xmalloc(len ? len : 1);

	memcpy(p, text, len);
	return p;
}

/* authlog_attempt over a fixture; the lines in *out (freed by the caller). */
static size_t
pick_file(const char *path, const struct authlog_query *q, struct strlist *out)
{
	size_t len, n;
	char *text = tu_read_file(path, &len), *data = exact(text, len);

	memset(out, 0, sizeof(*out));
	n = authlog_attempt(data, len, q, out);
	assert_int_equal(n, out->n);
	free(data);
	free(text);
	return n;
}

static size_t
pick_text(const char *text, size_t len, const struct authlog_query *q,
    struct strlist *out)
{
	char *data = exact(text, len);
	size_t n;

	memset(out, 0, sizeof(*out));
	n = authlog_attempt(data, len, q, out);
	assert_int_equal(n, out->n);
	free(data);
	return n;
}

static void
expect_lines(const struct strlist *got, const char *const *want, size_t nwant)
{
	for (size_t i = 0; i < got->n && i < nwant; i++)
		if (strcmp(got->v[i], want[i]) != 0)
			fail_msg("line %zu: got '%s', want '%s'", i + 1, got->v[i], want[i]);
	if (got->n != nwant) {
		for (size_t i = 0; i < got->n; i++)
			fprintf(stderr, "  got: %s\n", got->v[i]);
		fail_msg("%zu lines, want %zu", got->n, nwant);
	}
}

/* Each line ends with the message want[i] (timestamped formats). */
static void
expect_msgs(const struct strlist *got, const char *const *want, size_t nwant)
{
	for (size_t i = 0; i < got->n && i < nwant; i++) {
		size_t gl = strlen(got->v[i]), wl = strlen(want[i]);

		if (gl < wl || strcmp(got->v[i] + gl - wl, want[i]) != 0 ||
		    strstr(got->v[i], " kahost sshd[") == NULL)
			fail_msg("line %zu: got '%s', want '... %s'", i + 1, got->v[i], want[i]);
	}
	if (got->n != nwant) {
		for (size_t i = 0; i < got->n; i++)
			fprintf(stderr, "  got: %s\n", got->v[i]);
		fail_msg("%zu lines, want %zu", got->n, nwant);
	}
}

static void
expect_none_mention(const struct strlist *got, const char *s)
{
	for (size_t i = 0; i < got->n; i++)
		if (strstr(got->v[i], s) != NULL)
			fail_msg("line %zu mentions '%s': %s", i + 1, s, got->v[i]);
}

/* ------------------------------------------------------- sshd -E */

static const char *const e_48146[] = {
	"Connection from 127.0.0.1 port 48146 on 127.0.0.1 port 2298 rdomain \"\"",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	"Postponed publickey for kaal from 127.0.0.1 port 48146 ssh2 [preauth]",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	("Accepted publickey for kaal from 127.0.0.1 port 48146 ssh2: ED25519 " GOOD_FP),
	"User child is on pid 3360",
	"Starting session: command for kaal from 127.0.0.1 port 48146 id 0",
	"Close session: user kaal from 127.0.0.1 port 48146 id 0",
	"Received disconnect from 127.0.0.1 port 48146:11: disconnected by user",
	"Disconnected from user kaal 127.0.0.1 port 48146",
};

static const char *const e_48154[] = {
	"Connection from 127.0.0.1 port 48154 on 127.0.0.1 port 2298 rdomain \"\"",
	("Failed publickey for kaal from 127.0.0.1 port 48154 ssh2: ED25519 " BAD_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 48154 [preauth]",
};

static const char *const e_41348[] = {
	"Connection from 127.0.0.1 port 41348 on 127.0.0.1 port 2298 rdomain \"\"",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	"Postponed publickey for kaal from 127.0.0.1 port 41348 ssh2 [preauth]",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	("Accepted publickey for kaal from 127.0.0.1 port 41348 ssh2: ED25519 " GOOD_FP),
	"User child is on pid 3501",
	"Starting session: command for kaal from 127.0.0.1 port 41348 id 0",
	"Received disconnect from 127.0.0.1 port 41348:11: disconnected by user",
	"Disconnected from user kaal 127.0.0.1 port 41348",
};

static const char *const e_41350[] = {
	"Connection from 127.0.0.1 port 41350 on 127.0.0.1 port 2298 rdomain \"\"",
	"/home/kaal/.ssh/authorized_keys:2: Authentication tried for kaal with "
	    "correct key but not from a permitted host (host=127.0.0.1, "
	    "ip=127.0.0.1, required=10.9.9.9).",
	"Refused by key options",
	("Failed publickey for kaal from 127.0.0.1 port 41350 ssh2: ED25519 " FROM_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 41350 [preauth]",
};

static const char *const e_41356[] = {
	"Connection from 127.0.0.1 port 41356 on 127.0.0.1 port 2298 rdomain \"\"",
	("Failed publickey for kaal from 127.0.0.1 port 41356 ssh2: ED25519 " BAD_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 41356 [preauth]",
};

#define E_LOG "fixtures/authlog/sshd-E.log"

/* The accepted session, with a refused connection logged in its middle. */
static void
test_e_accepted_interleaved(void **state)
{
	struct authlog_query q = { .addr = "127.0.0.1", .port = 48146, .now = NOW };
	struct strlist out;

	assert_int_equal(pick_file(E_LOG, &q, &out), KA_ARRLEN(e_48146));
	expect_lines(&out, e_48146, KA_ARRLEN(e_48146));
	expect_none_mention(&out, "48154");
	expect_none_mention(&out, "Server listening");
	strlist_free(&out);
}

static void
test_e_refused_interleaved(void **state)
{
	struct authlog_query q = { .addr = "127.0.0.1", .port = 48154, .user = "kaal" };
	struct strlist out;

	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_48154, KA_ARRLEN(e_48154));
	strlist_free(&out);

	/* the address may be left out */
	q.addr = NULL;
	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_48154, KA_ARRLEN(e_48154));
	strlist_free(&out);
}

/* Lines naming no client go with the next line that does: the from= refusal
 * lands in the refused connection, not in the session open around it. */
static void
test_e_lines_without_port(void **state)
{
	struct authlog_query q = { .port = 41350 };
	struct strlist out;

	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41350, KA_ARRLEN(e_41350));
	strlist_free(&out);

	q.port = 41348;
	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41348, KA_ARRLEN(e_41348));
	expect_none_mention(&out, "Refused by key options");
	expect_none_mention(&out, "41350");
	strlist_free(&out);
}

/* A session's fatal line names no client and comes just before the next
 * connection's "Connection from": it is the session's, not the newcomer's
 * (captured from sshd 9.2 with a ChrootDirectory owned by the user). */
static void
test_e_before_next_connection(void **state)
{
	static const char log[] =
	    "Connection from 127.0.0.1 port 57548 on 127.0.0.1 port 2240 rdomain \"\"\r\n"
	    "Accepted publickey for kadu from 127.0.0.1 port 57548 ssh2: ED25519 SHA256:zD7Z\r\n"
	    "User child is on pid 32214\r\n"
	    "bad ownership or modes for chroot directory \"/var/lib/jail\"\r\n"
	    "Connection from 127.0.0.1 port 57554 on 127.0.0.1 port 2240 rdomain \"\"\r\n"
	    "Accepted key RSA SHA256:pxR/ found at /home/kadadm/.ssh/authorized_keys:1\r\n"
	    "Accepted publickey for kadadm from 127.0.0.1 port 57554 ssh2: RSA SHA256:pxR/\r\n";
	static const char *const want[] = {
		"Connection from 127.0.0.1 port 57548 on 127.0.0.1 port 2240 rdomain \"\"",
		"Accepted publickey for kadu from 127.0.0.1 port 57548 ssh2: ED25519 SHA256:zD7Z",
		"User child is on pid 32214",
		"bad ownership or modes for chroot directory \"/var/lib/jail\"",
	};
	struct authlog_query q = { .addr = "127.0.0.1", .port = 57548 };
	struct strlist out = { 0 };

	(void)state;
	authlog_attempt(log, sizeof(log) - 1, &q, &out);
	expect_lines(&out, want, KA_ARRLEN(want));
	strlist_free(&out);
	q.port = 57554;
	authlog_attempt(log, sizeof(log) - 1, &q, &out);
	expect_none_mention(&out, "chroot");
	assert_int_equal(out.n, 3);
	strlist_free(&out);
}

/* Without a port: the last connection whose lines name the user, from the
 * address, with the key. */
static void
test_e_last_matching(void **state)
{
	struct authlog_query q = { .user = "kaal", .addr = "127.0.0.1" };
	struct strlist out;

	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41356, KA_ARRLEN(e_41356));
	strlist_free(&out);

	q.fp = FROM_FP;
	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41350, KA_ARRLEN(e_41350));
	strlist_free(&out);

	q.fp = GOOD_FP;
	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41348, KA_ARRLEN(e_41348));
	strlist_free(&out);

	/* nothing at all: the last connection */
	memset(&q, 0, sizeof(q));
	pick_file(E_LOG, &q, &out);
	expect_lines(&out, e_41356, KA_ARRLEN(e_41356));
	strlist_free(&out);

	/* whole words only: "kaa" is not kaal, a prefix of a key is not it */
	q.user = "kaa";
	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
	q.user = NULL;
	q.fp = "SHA256:VOg4e84MUDMRYz91";
	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
}

static void
test_e_no_match(void **state)
{
	struct authlog_query q = { .addr = "127.0.0.10", .port = 48146 };
	struct strlist out;

	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
	q.addr = "127.0.0.1";
	q.port = 2298;	/* the server's port: "Server listening" names no client */
	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
	q.port = 48147;
	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
	q.port = 0;
	q.user = "root";
	assert_int_equal(pick_file(E_LOG, &q, &out), 0);
	assert_int_equal(out.n, 0);
}

/* The output is appended to what the list holds. */
static void
test_appends(void **state)
{
	struct authlog_query q = { .port = 48154 };
	size_t len;
	char *text = tu_read_file(E_LOG, &len);
	struct strlist out = { 0 };

	strlist_add(&out, "before");
	assert_int_equal(authlog_attempt(text, len, &q, &out), 3);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0], "before");
	assert_string_equal(out.v[1], e_48154[0]);
	assert_int_equal(authlog_attempt(text, len, NULL, &out), 3);
	assert_int_equal(authlog_attempt(NULL, 0, &q, &out), 0);
	assert_int_equal(authlog_attempt(text, 0, &q, &out), 0);
	assert_int_equal(authlog_attempt(text, len, &q, NULL), 0);
	assert_int_equal(out.n, 7);
	strlist_free(&out);
	free(text);
}

/* sshd -E ends lines in CRLF; the same log with LF, without a final
 * newline, and with the "sshd-session: " prefix of newer sshd. */
static void
test_e_variants(void **state)
{
	struct authlog_query q = { .port = 41350 };
	size_t len;
	char *text = tu_read_file(E_LOG, &len);
	struct buf lf, pre;
	struct strlist out;

	buf_init(&lf);
	buf_init(&pre);
	for (size_t i = 0; i < len; i++)
		if (text[i] != '\r')
			buf_putc(&lf, text[i]);
	assert_int_equal(pick_text(lf.data, lf.len - 1, &q, &out), KA_ARRLEN(e_41350));
	expect_lines(&out, e_41350, KA_ARRLEN(e_41350));
	strlist_free(&out);

	for (char *line = lf.data, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		buf_puts(&pre, "sshd-session: ");
		buf_append(&pre, line, (size_t)(nl + 1 - line));
	}
	pick_text(pre.data, pre.len, &q, &out);
	assert_int_equal(out.n, KA_ARRLEN(e_41350));
	for (size_t i = 0; i < out.n; i++) {
		assert_true(strncmp(out.v[i], "sshd-session: ", 14) == 0);
		assert_string_equal(out.v[i] + 14, e_41350[i]);
	}
	strlist_free(&out);
	buf_free(&lf);
	buf_free(&pre);
	free(text);
}

/* LogLevel INFO logs no "Connection from": the connection starts at the
 * first line naming it, and a line naming none at the end of the data
 * goes with the last connection named when that one is still open. */
static void
test_e_info_level(void **state)
{
	static const char log[] =
	    "Accepted publickey for kaal from 10.0.0.1 port 5000 ssh2: ED25519 " GOOD_FP "\r\n"
	    "Authentication refused: bad ownership or modes for directory /home/bob\r\n"
	    "Failed publickey for bob from 10.0.0.2 port 6000 ssh2: ED25519 " BAD_FP "\r\n"
	    "Received disconnect from 10.0.0.1 port 5000:11: disconnected by user\r\n"
	    "Disconnected from user kaal 10.0.0.1 port 5000\r\n"
	    "Connection closed by authenticating user bob 10.0.0.2 port 6000 [preauth]\r\n"
	    "error: kex_exchange_identification: Connection closed by remote host\r\n"
	    "Connection closed by 10.0.0.4 port 8000\r\n"
	    "Invalid user admin from 10.0.0.3 port 7000\r\n"
	    "Postponed keyboard-interactive for invalid user admin from 10.0.0.3 port 7000 ssh2 [preauth]\r\n"
	    "error: PAM: Authentication failure for illegal user admin from 10.0.0.3";
	static const char *const bob[] = {
		"Authentication refused: bad ownership or modes for directory /home/bob",
		("Failed publickey for bob from 10.0.0.2 port 6000 ssh2: ED25519 " BAD_FP),
		"Connection closed by authenticating user bob 10.0.0.2 port 6000 [preauth]",
	};
	static const char *const admin[] = {
		"Invalid user admin from 10.0.0.3 port 7000",
		"Postponed keyboard-interactive for invalid user admin from 10.0.0.3 port 7000 ssh2 [preauth]",
		"error: PAM: Authentication failure for illegal user admin from 10.0.0.3",
	};
	struct authlog_query q = { .user = "bob" };
	struct strlist out;

	pick_text(log, sizeof(log) - 1, &q, &out);
	expect_lines(&out, bob, KA_ARRLEN(bob));
	strlist_free(&out);

	/* the kex line goes with the close after it, not with admin; admin's
	 * last line names no port and ends the data: admin's, still open */
	memset(&q, 0, sizeof(q));
	q.addr = "10.0.0.3";
	pick_text(log, sizeof(log) - 1, &q, &out);
	expect_lines(&out, admin, KA_ARRLEN(admin));
	strlist_free(&out);

	q.addr = "10.0.0.1";
	pick_text(log, sizeof(log) - 1, &q, &out);
	assert_int_equal(out.n, 3);
	expect_none_mention(&out, "bob");
	strlist_free(&out);
}

/* --------------------------------------------------------- syslog */

/* Port 38782: the accepted key, served by the monitor 3595 and the user
 * child 3601 it announces; CRON and systemd lines between are not sshd's,
 * and the refused connections 38784 and 38796 run in the middle. */
static const char *const s_38782[] = {
	"Connection from 127.0.0.1 port 38782 on 127.0.0.1 port 2299 rdomain \"\"",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	"Postponed publickey for kaal from 127.0.0.1 port 38782 ssh2 [preauth]",
	"Accepted key ED25519 " GOOD_FP " found at /home/kaal/.ssh/authorized_keys:1",
	("Accepted publickey for kaal from 127.0.0.1 port 38782 ssh2: ED25519 " GOOD_FP),
	"pam_unix(sshd:session): session opened for user kaal(uid=1001) by (uid=0)",
	"pam_systemd(sshd:session): Failed to connect to system bus: No such file or directory",
	"pam_limits(sshd:session): Could not set limit for 'nofile' to soft=1024, "
	    "hard=32768: Operation not permitted; uid=0,euid=0",
	"pam_limits(sshd:session): Could not set limit for 'memlock' to soft=-1, "
	    "hard=-1: Operation not permitted; uid=0,euid=0",
	"pam_env(sshd:session): deprecated reading of user environment enabled",
	"User child is on pid 3601",
	"Starting session: command for kaal from 127.0.0.1 port 38782 id 0",
	"Close session: user kaal from 127.0.0.1 port 38782 id 0",
	"Received disconnect from 127.0.0.1 port 38782:11: disconnected by user",
	"Disconnected from user kaal 127.0.0.1 port 38782",
	"pam_unix(sshd:session): session closed for user kaal",
};

static const char *const s_38784[] = {
	"Connection from 127.0.0.1 port 38784 on 127.0.0.1 port 2299 rdomain \"\"",
	("Failed publickey for kaal from 127.0.0.1 port 38784 ssh2: ED25519 " BAD_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 38784 [preauth]",
};

/* the same client port a day earlier, another pid */
static const char *const s_38784_before[] = {
	"Connection from 127.0.0.1 port 38784 on 127.0.0.1 port 2299 rdomain \"\"",
	("Failed publickey for kaal from 127.0.0.1 port 38784 ssh2: ED25519 " FROM_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 38784 [preauth]",
};

static const char *const s_38796[] = {
	"Connection from 127.0.0.1 port 38796 on 127.0.0.1 port 2299 rdomain \"\"",
	"/home/kaal/.ssh/authorized_keys:2: Authentication tried for kaal with "
	    "correct key but not from a permitted host (host=127.0.0.1, "
	    "ip=127.0.0.1, required=10.9.9.9).",
	"error: Refused by key options",
	("Failed publickey for kaal from 127.0.0.1 port 38796 ssh2: ED25519 " FROM_FP),
	"Connection closed by authenticating user kaal 127.0.0.1 port 38796 [preauth]",
};

static const char *const syslog_files[] = {
	"fixtures/authlog/syslog.log",
	"fixtures/authlog/rfc3339.log",
	"fixtures/authlog/short-iso.log",
};

/* Syslog dates have no zone: the tests read them as UTC. */
static int
utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void
test_syslog_by_pid(void **state)
{
	struct authlog_query q = { .addr = "127.0.0.1", .port = 38782, .now = NOW };
	struct strlist out;

	for (size_t f = 0; f < KA_ARRLEN(syslog_files); f++) {
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38782, KA_ARRLEN(s_38782));
		expect_none_mention(&out, "CRON");
		expect_none_mention(&out, "systemd[");
		expect_none_mention(&out, "sshd[3605]");
		expect_none_mention(&out, "sshd[3608]");
		expect_none_mention(&out, "sshd[3590]");
		assert_non_null(strstr(out.v[11], "sshd[3601]: Starting session"));
		strlist_free(&out);
	}
}

/* All three files hold the same instants: one window picks the same lines
 * from each, whatever its zone (short-iso is at +0100). */
static void
test_syslog_window(void **state)
{
	struct authlog_query q = { .addr = "127.0.0.1", .port = 38784, .now = NOW };
	struct strlist out;

	for (size_t f = 0; f < KA_ARRLEN(syslog_files); f++) {
		/* no window: the last attempt from that port */
		q.since = q.until = 0;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
		expect_none_mention(&out, "sshd[2107]");
		strlist_free(&out);

		/* until before the 24th: the one a day earlier */
		q.until = NOV24;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38784_before, KA_ARRLEN(s_38784_before));
		assert_non_null(strstr(out.v[0], "sshd[2107]"));
		strlist_free(&out);

		/* 08:38:24..08:38:25 on the 24th */
		q.since = NOV24 + 8 * 3600 + 38 * 60 + 24;
		q.until = q.since + 1;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
		strlist_free(&out);

		/* a window that ends before the attempt's last line cuts it */
		q.until = q.since;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38784, 2);
		strlist_free(&out);

		/* after everything */
		q.since = NOW;
		q.until = 0;
		assert_int_equal(pick_file(syslog_files[f], &q, &out), 0);
	}
}

/* "Nov 24" is in now's year, or the year before when that would be in the
 * future; RFC 3339 lines carry their year. */
static void
test_syslog_year(void **state)
{
	struct authlog_query q = { .port = 38784, .since = NOV24, .until = NOV24 + 86400 };
	struct strlist out;

	q.now = NOW + 40 * 86400;	/* early January 2027 */
	pick_file("fixtures/authlog/syslog.log", &q, &out);
	expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
	strlist_free(&out);

	q.now = NOW - 4 * 86400;	/* the 20th: the lines are from 2025 */
	assert_int_equal(pick_file("fixtures/authlog/syslog.log", &q, &out), 0);
	pick_file("fixtures/authlog/rfc3339.log", &q, &out);
	expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
	strlist_free(&out);
	q.since -= 365 * 86400;
	q.until -= 365 * 86400;
	pick_file("fixtures/authlog/syslog.log", &q, &out);
	expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
	strlist_free(&out);
}

static void
test_syslog_without_port(void **state)
{
	struct authlog_query q = { .user = "kaal", .since = NOV24, .now = NOW };
	struct strlist out;

	for (size_t f = 0; f < KA_ARRLEN(syslog_files); f++) {
		q.fp = NULL;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38796, KA_ARRLEN(s_38796));
		strlist_free(&out);

		q.fp = GOOD_FP;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38782, KA_ARRLEN(s_38782));
		strlist_free(&out);

		q.fp = BAD_FP;
		pick_file(syslog_files[f], &q, &out);
		expect_msgs(&out, s_38784, KA_ARRLEN(s_38784));
		strlist_free(&out);
	}
}

/* A pid is followed while it serves the attempt: a reused pid serving
 * another client is not; lines of a pid before it first names the client
 * are its own when sshd logged no "Connection from" (LogLevel INFO). */
static void
test_syslog_pids(void **state)
{
	static const char log[] =
	    "Nov 24 08:00:00 h sshd[500]: Connection from 10.0.0.1 port 1111 on 10.0.0.9 port 22 rdomain \"\"\n"
	    "Nov 24 08:00:01 h sshd[500]: Failed publickey for kaal from 10.0.0.1 port 1111 ssh2: ED25519 " BAD_FP "\n"
	    "Nov 24 08:00:01 h sshd[500]: Connection closed by authenticating user kaal 10.0.0.1 port 1111 [preauth]\n"
	    "Nov 24 08:00:02 h sshd[700]: Authentication refused: bad ownership or modes for directory /home/kaal\n"
	    "Nov 24 08:00:03 h sshd[500]: Connection from 10.0.0.2 port 2222 on 10.0.0.9 port 22 rdomain \"\"\n"
	    "Nov 24 08:00:03 h sshd[500]: Accepted key ED25519 " GOOD_FP " found at /home/x/.ssh/authorized_keys:1\n"
	    "Nov 24 08:00:03 h sshd[700]: Failed publickey for kaal from 10.0.0.3 port 3333 ssh2: ED25519 " BAD_FP "\n"
	    "Nov 24 08:00:04 h sshd[500]: Accepted publickey for x from 10.0.0.2 port 2222 ssh2: ED25519 " GOOD_FP "\n"
	    "Nov 24 08:00:04 h sshd-session[800]: Connection closed by authenticating user kaal 10.0.0.3 port 3333 [preauth]\n"
	    "Nov 24 08:00:05 h sshd[700]: fatal: mm_request_receive: read: Connection reset by peer\n"
	    "Nov 24 08:00:06 h sshd[900]: Connection from 10.0.0.5 port 4444 on 10.0.0.9 port 22 rdomain \"\"\n"
	    "Nov 24 08:00:06 h sshd[900]: Accepted publickey for kaal from 10.0.0.5 port 4444 ssh2: ED25519 " GOOD_FP "\n"
	    "Nov 24 08:00:06 h sshd[900]: User child is on pid 901\n"
	    "Nov 24 08:00:06 h sshd[902]: subsystem request for sftp by user other\n"
	    "Nov 24 08:00:07 h sshd[901]: subsystem request for sftp by user kaal\n";
	struct authlog_query q = { .port = 1111, .now = NOW };
	struct strlist out;

	pick_text(log, sizeof(log) - 1, &q, &out);
	assert_int_equal(out.n, 3);
	expect_none_mention(&out, "2222");
	expect_none_mention(&out, "Accepted key");
	strlist_free(&out);

	q.port = 3333;
	pick_text(log, sizeof(log) - 1, &q, &out);
	assert_int_equal(out.n, 4);
	assert_non_null(strstr(out.v[0], "sshd[700]: Authentication refused"));
	assert_non_null(strstr(out.v[2], "sshd-session[800]: Connection closed"));
	assert_non_null(strstr(out.v[3], "sshd[700]: fatal:"));
	strlist_free(&out);

	/* the user child the monitor announced, though it names no client */
	q.port = 4444;
	pick_text(log, sizeof(log) - 1, &q, &out);
	assert_int_equal(out.n, 4);
	assert_non_null(strstr(out.v[3], "sshd[901]: subsystem request for sftp by user kaal"));
	strlist_free(&out);
}

/* --------------------------------------------------------- bounds */

/* More than AUTHLOG_MAX_LINES lines: sshd's debugN: lines go first, the
 * rest are the first ones in file order. */
static void
test_cap(void **state)
{
	struct authlog_query q = { .port = 5000 };
	struct strlist out;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22 rdomain \"\"\r\n");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "Postponed publickey for kaal from 10.0.0.1 port 5000 ssh2 [preauth] %d\r\n", i);
	pick_text(b.data, b.len, &q, &out);
	assert_int_equal(out.n, AUTHLOG_MAX_LINES);
	assert_true(strncmp(out.v[0], "Connection from", 15) == 0);
	assert_string_equal(out.v[AUTHLOG_MAX_LINES - 1],
	    "Postponed publickey for kaal from 10.0.0.1 port 5000 ssh2 [preauth] 38");
	strlist_free(&out);

	buf_free(&b);
	buf_init(&b);
	buf_puts(&b, "Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22 rdomain \"\"\r\n");
	for (int i = 0; i < 60; i++)
		buf_printf(&b, "debug1: userauth-request for user kaal service ssh-connection method %d\r\n"
		    "debug1: attempt %d for 10.0.0.1 port 5000\r\n", i, i);
	for (int i = 0; i < 5; i++)
		buf_printf(&b, "Failed publickey for kaal from 10.0.0.1 port 5000 ssh2: %d\r\n", i);
	buf_puts(&b, "Connection from 10.0.0.1 port 5001 on 10.0.0.9 port 22 rdomain \"\"\r\n");
	pick_text(b.data, b.len, &q, &out);
	assert_int_equal(out.n, AUTHLOG_MAX_LINES);
	assert_true(strncmp(out.v[0], "Connection from", 15) == 0);
	/* 34 debug lines, then the 5 refusals */
	assert_string_equal(out.v[1],
	    "debug1: userauth-request for user kaal service ssh-connection method 0");
	assert_string_equal(out.v[2], "debug1: attempt 0 for 10.0.0.1 port 5000");
	assert_string_equal(out.v[33], "debug1: userauth-request for user kaal "
	    "service ssh-connection method 16");
	assert_string_equal(out.v[34], "debug1: attempt 16 for 10.0.0.1 port 5000");
	for (int i = 0; i < 5; i++) {
		char want[80];

		snprintf(want, sizeof(want),
		    "Failed publickey for kaal from 10.0.0.1 port 5000 ssh2: %d", i);
		assert_string_equal(out.v[35 + i], want);
	}
	strlist_free(&out);
	buf_free(&b);
}

/* Long lines are cut at AUTHLOG_MAX_LINE bytes, never inside a UTF-8
 * character; control characters and invalid UTF-8 come out escaped. */
static void
test_truncation_and_control(void **state)
{
	static const char sys[] =
	    "Nov 24 08:00:00 h sshd[9]: Connection from 10.0.0.1 port 6000 on 10.0.0.9 port 22 rdomain \"\"\n"
	    "Nov 24 08:00:00 h sshd[9]: Invalid user \x1b]0;owned\a\t\x01 from 10.0.0.1 port 6000\n";
	struct authlog_query q = { .port = 5000, .now = NOW };
	struct strlist out;
	struct buf b;
	size_t ls;

	buf_init(&b);
	buf_puts(&b, "Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22 rdomain \"\"\r\n");
	/* names the client only past the cut: a line without a port now */
	buf_puts(&b, "Invalid user ");
	for (int i = 0; i < 5000; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, " from 10.0.0.1 port 5000\r\n");
	/* an "é" in bytes 2048 and 2049 */
	ls = b.len;
	buf_puts(&b, "Failed publickey for kaal from 10.0.0.1 port 5000 ssh2: ");
	while (b.len - ls < AUTHLOG_MAX_LINE - 1)
		buf_putc(&b, 'z');
	buf_puts(&b, "\xc3\xa9\r\n");
	buf_puts(&b, "Invalid user \x1b[31mevil\a\x7f\xff from 10.0.0.1 port 5000\r\n");
	pick_text(b.data, b.len, &q, &out);
	assert_int_equal(out.n, 4);
	assert_int_equal(strlen(out.v[1]), AUTHLOG_MAX_LINE);
	assert_true(strncmp(out.v[1], "Invalid user xxxx", 17) == 0);
	assert_int_equal(strlen(out.v[2]), AUTHLOG_MAX_LINE - 1);
	assert_int_equal(out.v[2][AUTHLOG_MAX_LINE - 2], 'z');
	assert_string_equal(out.v[3],
	    "Invalid user \\x1b[31mevil\\x07\\x7f\\xff from 10.0.0.1 port 5000");
	for (size_t i = 0; i < out.n; i++)
		assert_false(str_has_control(out.v[i], strlen(out.v[i])));
	strlist_free(&out);

	/* the user past the cut is not named */
	q.port = 0;
	q.user = "xxxxx";
	assert_int_equal(pick_text(b.data, b.len, &q, &out), 0);
	buf_free(&b);

	q.user = NULL;
	q.port = 6000;
	pick_text(sys, sizeof(sys) - 1, &q, &out);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[1], "Nov 24 08:00:00 h sshd[9]: Invalid user "
	    "\\x1b]0;owned\\x07\\x09\\x01 from 10.0.0.1 port 6000");
	strlist_free(&out);
}

/* Binary lines (a NUL), other programs' lines and syslog lines without a
 * pid are skipped; a port past 65535 or not all digits names nothing, so
 * such lines wait like any line naming no client (and go with the
 * attempt's next line); the data need not end in a newline. */
static void
test_garbage(void **state)
{
	static const char log[] =
	    "\x00\x01\x02 from 10.0.0.1 port 5000\r\n"
	    "Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22 rdomain \"\"\r\n"
	    "Nov 24 08:00:00 h kernel: from 10.0.0.1 port 5000\n"
	    "Nov 24 08:00:00 h sshd: no pid from 10.0.0.1 port 5000\n"
	    "Nov 24 08:00:00 h sshd[1\n"
	    "sshd[12x]: from 10.0.0.1 port 50000000\n"
	    "\xff\xfe from 10.0.0.1 port 5000x\r\n"
	    "\r\n\n\n"
	    "from 10.0.0.1 port 5000\x00\n"
	    "Failed publickey for kaal from 10.0.0.1 port 5000 ssh2: ED25519 " BAD_FP "\r\n"
	    "Connection closed by authenticating user kaal 10.0.0.1 port 5000";
	static const char *const want[] = {
		"Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22 rdomain \"\"",
		"sshd[12x]: from 10.0.0.1 port 50000000",
		"\\xff\\xfe from 10.0.0.1 port 5000x",
		("Failed publickey for kaal from 10.0.0.1 port 5000 ssh2: ED25519 " BAD_FP),
		"Connection closed by authenticating user kaal 10.0.0.1 port 5000",
	};
	static const char suffix[] =
	    "Connection from 10.0.0.1 port 5000 on 10.0.0.9 port 22\n"
	    "Bad protocol version from 10.0.0.1 port 5000x\n"
	    "Failed publickey for kaal from 10.0.0.2 port 7000 ssh2: x\n";
	struct authlog_query q = { .port = 5000, .now = NOW };
	struct strlist out;

	pick_text(log, sizeof(log) - 1, &q, &out);
	expect_lines(&out, want, KA_ARRLEN(want));
	strlist_free(&out);

	/* "port 5000x" names no port: it waits, and goes with the other
	 * client's line after it */
	pick_text(suffix, sizeof(suffix) - 1, &q, &out);
	assert_int_equal(out.n, 1);
	strlist_free(&out);

	/* every prefix of it */
	for (size_t len = 0; len < sizeof(log); len++) {
		pick_text(log, len, &q, &out);
		assert_true(out.n <= KA_ARRLEN(want));
		strlist_free(&out);
	}
}

/* 64 MiB: tens of thousands of connections open at once and the attempt
 * at the end; one line of 64 MiB; 64 MiB of newlines. Linear time and
 * bounded memory (the sanitizers would show an overrun; the time shows
 * no quadratic blow-up). */
static void
test_huge(void **state)
{
	const size_t size = 64u << 20;
	struct authlog_query q = { .user = "kaal", .addr = "10.9.0.1", .now = NOW };
	struct strlist out;
	struct buf b;
	char *data;
	clock_t t0 = clock();
	unsigned i = 0;

	buf_init(&b);
	buf_reserve(&b, size);
	while (b.len < size - 600) {
		buf_printf(&b, "Connection from 10.%u.%u.%u port %u on 10.0.0.9 port 22 rdomain \"\"\r\n"
		    "Failed publickey for u%u from 10.%u.%u.%u port %u ssh2: ED25519 " BAD_FP "\r\n",
		    (i >> 16) & 255, (i >> 8) & 255, i & 255, 1024 + i % 60000,
		    i, (i >> 16) & 255, (i >> 8) & 255, i & 255, 1024 + i % 60000);
		i++;
	}
	buf_puts(&b, "Connection from 10.9.0.1 port 4242 on 10.0.0.9 port 22 rdomain \"\"\r\n"
	    "Failed publickey for kaal from 10.9.0.1 port 4242 ssh2: ED25519 " BAD_FP "\r\n");
	data = exact(b.data, b.len);
	memset(&out, 0, sizeof(out));
	assert_int_equal(authlog_attempt(data, b.len, &q, &out), 2);
	assert_non_null(strstr(out.v[1], "for kaal from 10.9.0.1 port 4242"));
	strlist_free(&out);
	/* without a user or an address every connection is a candidate */
	q.user = NULL;
	q.addr = NULL;
	assert_int_equal(authlog_attempt(data, b.len, &q, &out), 2);
	assert_non_null(strstr(out.v[1], "for kaal from 10.9.0.1 port 4242"));
	strlist_free(&out);
	free(data);

	data = xmalloc(size);
	memset(data, 'x', size);
	memcpy(data, "Connection from 10.9.0.1 port 4242 ", 35);
	q.port = 4242;
	assert_int_equal(authlog_attempt(data, size, &q, &out), 1);
	assert_int_equal(strlen(out.v[0]), AUTHLOG_MAX_LINE);
	strlist_free(&out);
	memset(data, '\n', size);
	assert_int_equal(authlog_attempt(data, size, &q, &out), 0);
	free(data);
	buf_free(&b);
	fprintf(stderr, "    huge inputs: %.1f s (CPU)\n",
	    (double)(clock() - t0) / CLOCKS_PER_SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e_accepted_interleaved),
		cmocka_unit_test(test_e_refused_interleaved),
		cmocka_unit_test(test_e_lines_without_port),
		cmocka_unit_test(test_e_before_next_connection),
		cmocka_unit_test(test_e_last_matching),
		cmocka_unit_test(test_e_no_match),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_e_variants),
		cmocka_unit_test(test_e_info_level),
		cmocka_unit_test(test_syslog_by_pid),
		cmocka_unit_test(test_syslog_window),
		cmocka_unit_test(test_syslog_year),
		cmocka_unit_test(test_syslog_without_port),
		cmocka_unit_test(test_syslog_pids),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_truncation_and_control),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_huge),
	};

	return cmocka_run_group_tests(tests, utc, NULL);
}
