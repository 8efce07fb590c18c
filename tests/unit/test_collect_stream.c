/* test_collect_stream.c - the collector stream parser, the collector's
 * parameters, and the embedded collector run for real on this machine.
 *
 * Two helper modes for tests/cli/collector.sh (no CLI change needed):
 *   --script               print the embedded collector script
 *   --exec-snapshot [-f SSHD_CONFIG] [--all-users] [--logs] [--auth-log FILE]... [USER...]
 *                          collect this machine with transport_exec and
 *                          print the snapshot JSON
 *   --local-snapshot ...   the same with transport_local (no checks of
 *                          --auth-log on top, unlike keyaudit collect)
 *   --parse-stream         collector output on stdin -> snapshot JSON (to
 *                          run the script under another shell) */
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "scanner/transport/collector.h"
#include "scanner/parse/usagelog.h"
#include "scanner/parse/snapjson.h"
#include "scanner/parse/collect_stream.h"

/* A record as the collector prints it. */
static void
rec(struct buf *b, const char *tag, const void *v, size_t n)
{
	buf_printf(b, "%s %zu\n", tag, n);
	buf_append(b, v, n);
	buf_putc(b, '\n');
}

static void
recs(struct buf *b, const char *tag, const char *v)
{
	rec(b, tag, v, strlen(v));
}

static const char passwd_text[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "alice:x:1000:1000::/home/alice:/bin/bash\n"
    "bob:x:1001:1001::/home/bob:/bin/sh\n";

/* A small, valid stream: the parts every test builds on. */
static void
base_stream(struct buf *b)
{
	buf_init(b);
	buf_puts(b, "KACOLLECT 1\n");
	recs(b, "host", "web1");
	recs(b, "time", "1767225600");
	recs(b, "euid", "1000");
	recs(b, "config", "/etc/ssh/sshd_config");
	recs(b, "sshdver", "OpenSSH_9.2\nOpenSSH_9.2p1 Debian-2+deb12u10\nOpenSSH_7.4*\n");
	recs(b, "path", "/etc");
	recs(b, "stat", "41ed 0 0 4096 1700000000");
	recs(b, "path", "/etc/passwd");
	recs(b, "stat", "81a4 0 0 120 1700000001");
	recs(b, "path", "/etc/passwd");
	rec(b, "data", passwd_text, sizeof(passwd_text) - 1);
	recs(b, "path", "/etc/group");
	recs(b, "stat", "81a4 0 0 20 1700000001");
	recs(b, "path", "/etc/group");
	recs(b, "data", "alice:x:1000:\nwheel:x:10:alice,bob\n");
	recs(b, "user", "alice");
	recs(b, "user", "bob");
	recs(b, "user", "alice");
}

static int
parse(struct buf *b, struct snapshot *s, char **err)
{
	snapshot_init(s);
	return collect_stream_parse(b->data, b->len, "web1", "exec", s, err);
}

static void
test_minimal(void **state)
{
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_file *f;
	const struct snap_group *g;

	base_stream(&b);
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_null(err);
	assert_string_equal(s.hostname, "web1");
	assert_string_equal(s.transport, "exec");
	assert_int_equal(s.collected_at, 1767225600);
	assert_string_equal(s.sshd_version, "OpenSSH_9.2p1 Debian-2+deb12u10");
	assert_string_equal(s.sshd_config_path, "/etc/ssh/sshd_config");
	assert_false(s.privileged);
	assert_true(s.accounts_known);
	assert_int_equal(s.naccounts, 3);
	assert_string_equal(s.accounts[1].home, "/home/alice");
	assert_false(s.accounts[1].shadow_known);
	assert_int_equal(s.users.n, 2);	/* the repeated alice is dropped */
	assert_string_equal(s.users.v[1], "bob");
	f = snap_file_get(&s, "/etc");
	assert_non_null(f);
	assert_int_equal(f->type, SNAP_DIR);
	assert_int_equal(f->mode, 0755);
	assert_int_equal(f->size, 4096);
	f = snap_file_get(&s, "/etc/passwd");
	assert_int_equal(f->type, SNAP_REG);
	assert_int_equal(f->mode, 0644);
	assert_int_equal(f->mtime, 1700000001);
	assert_true(f->has_content);
	assert_int_equal(f->content_len, sizeof(passwd_text) - 1);
	g = snap_group_by_name(&s, "wheel");
	assert_non_null(g);
	assert_int_equal(g->members.n, 2);
	snapshot_free(&s);
	buf_free(&b);
}

/* Paths and contents with newlines, NULs and escape bytes survive. */
static void
test_binary_safe(void **state)
{
	static const char odd[] = "/tmp/a\nb c\x1b[31m";
	static const char bytes[] = "line\n\0nul\n\xff\xfe";
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_file *f;

	base_stream(&b);
	recs(&b, "path", odd);
	recs(&b, "stat", "a1ff 1000 1000 7 1700000002");
	recs(&b, "link", "tar\nget");
	recs(&b, "path", "/tmp/bin");
	recs(&b, "stat", "81a4 1000 1000 13 1700000003");
	rec(&b, "data", bytes, sizeof(bytes) - 1);
	recs(&b, "trunc", "");
	recs(&b, "path", "/tmp/gone");
	recs(&b, "noent", "");
	recs(&b, "path", "/root/secret");
	recs(&b, "err", "Permission denied");
	recs(&b, "path", "/tmp/fifo");
	recs(&b, "stat", "11b6 0 0 0 -5");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	f = snap_file_get(&s, odd);
	assert_non_null(f);
	assert_int_equal(f->type, SNAP_LNK);
	assert_string_equal(f->link, "tar\nget");
	f = snap_file_get(&s, "/tmp/bin");
	assert_int_equal(f->content_len, sizeof(bytes) - 1);
	assert_memory_equal(f->content, bytes, sizeof(bytes) - 1);
	assert_true(f->truncated);
	assert_int_equal(snap_file_get(&s, "/tmp/gone")->type, SNAP_NOENT);
	f = snap_file_get(&s, "/root/secret");
	assert_int_equal(f->type, SNAP_UNKNOWN);
	assert_string_equal(f->error, "Permission denied");
	f = snap_file_get(&s, "/tmp/fifo");
	assert_int_equal(f->type, SNAP_FIFO);
	assert_int_equal(f->mode, 0666);
	assert_int_equal(f->mtime, -5);
	snapshot_free(&s);
	buf_free(&b);
}

/* Every prefix of a valid stream is refused with a record-numbered error;
 * only the whole stream parses. */
static void
test_every_truncation(void **state)
{
	struct buf b;
	size_t full;

	base_stream(&b);
	recs(&b, "path", "/x");
	rec(&b, "data", "abc\0def", 7);
	recs(&b, "end", "");
	full = b.len;
	for (size_t n = 0; n < full; n++) {
		struct snapshot s;
		char *err = NULL;

		snapshot_init(&s);
		assert_int_equal(collect_stream_parse(b.data, n, "t", "exec", &s, &err), -1);
		assert_non_null(err);
		assert_true(strncmp(err, "collector stream: record ", 25) == 0);
		free(err);
		snapshot_free(&s);
	}
	buf_free(&b);
}

static void
expect_error(struct buf *b, const char *needle)
{
	struct snapshot s;
	char *err = NULL;

	assert_int_equal(parse(b, &s, &err), -1);
	assert_non_null(err);
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" does not contain \"%s\"", err, needle);
	assert_null(strchr(err, '\n'));
	free(err);
	snapshot_free(&s);
	buf_free(b);
}

static void
test_bad_records(void **state)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "HTTP/1.1 200 OK\r\n\r\n");
	expect_error(&b, "not collector output");

	base_stream(&b);
	buf_puts(&b, "data 99999999999\nx\n");
	expect_error(&b, "data: bad length");

	base_stream(&b);
	buf_puts(&b, "path 4294967296\n");
	expect_error(&b, "length 4294967296 over the limit");

	base_stream(&b);
	buf_puts(&b, "data 8388609\n");
	expect_error(&b, "over the limit");

	base_stream(&b);
	buf_puts(&b, "path 70000\n");
	expect_error(&b, "over the limit");

	base_stream(&b);
	buf_puts(&b, "host 3\nabcX");
	expect_error(&b, "not followed by a newline");

	base_stream(&b);
	buf_puts(&b, "Path 1\n/\n");
	expect_error(&b, "bad record header");

	buf_init(&b);
	buf_puts(&b, "KACOLLECT 1\n");
	recs(&b, "stat", "81a4 0 0 1 1");
	expect_error(&b, "record 1: stat without a path");

	base_stream(&b);
	recs(&b, "path", "relative/x");
	expect_error(&b, "not absolute");

	base_stream(&b);
	rec(&b, "path", "/a\0b", 4);
	expect_error(&b, "NUL byte");

	base_stream(&b);
	recs(&b, "path", "/a");
	recs(&b, "stat", "81a4 0 0 1");
	expect_error(&b, "stat: expected 5 fields");

	base_stream(&b);
	recs(&b, "path", "/a");
	recs(&b, "stat", "zz 0 0 1 1");
	expect_error(&b, "stat: bad mode");

	base_stream(&b);
	recs(&b, "path", "/a");
	recs(&b, "stat", "81a4 -1 0 1 1");
	expect_error(&b, "stat: bad number");

	base_stream(&b);
	recs(&b, "path", "/a");
	recs(&b, "stat", "81a4 0 0 1 1");
	recs(&b, "link", "/b");
	expect_error(&b, "not a symlink");

	base_stream(&b);
	recs(&b, "gm", "/etc/ssh/x.conf");
	expect_error(&b, "gm without a glob");

	base_stream(&b);
	recs(&b, "tout", "port 22\n");
	expect_error(&b, "without a tuser");

	base_stream(&b);
	recs(&b, "time", "soon");
	expect_error(&b, "time: not a number");

	base_stream(&b);
	expect_error(&b, "without an end record");

	base_stream(&b);
	recs(&b, "fatal", "--all-users needs root\x1b[2J");
	recs(&b, "end", "");
	expect_error(&b, "collector: --all-users needs root\\x1b[2J");
}

/* Only "locked", the expiry date and the ageing fields pam_unix reads come
 * from shadow; records after "end" are ignored; unknown tags are skipped. */
static void
test_shadow_globs_sshd_t(void **state)
{
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_glob *g;
	const struct snap_sshd_t *t;

	base_stream(&b);
	recs(&b, "shadow", "root:x:19000:0:99999:7:::\nalice:!x:19000:0:99999:7::20000:\n");
	recs(&b, "newfact", "from a newer collector");
	recs(&b, "glob", "/etc/ssh/sshd_config.d/*.conf");
	recs(&b, "gm", "/etc/ssh/sshd_config.d/a.conf");
	recs(&b, "gm", "/etc/ssh/sshd_config.d/b.conf");
	recs(&b, "gm", "/etc/ssh/sshd_config.d/a.conf");
	recs(&b, "glob", "/etc/ssh/empty/*");
	recs(&b, "tuser", "alice");
	recs(&b, "tout", "port 22\npubkeyauthentication yes\n");
	recs(&b, "tuser", "bob");
	recs(&b, "terr", "sshd -T exited 255: bad\x07");
	recs(&b, "end", "");
	recs(&b, "host", "after-end");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_string_equal(s.hostname, "web1");
	assert_true(s.privileged);
	assert_true(snap_account_by_name(&s, "alice")->shadow_known);
	assert_true(snap_account_by_name(&s, "alice")->locked);
	assert_int_equal(snap_account_by_name(&s, "alice")->expire_day, 20000);
	assert_int_equal(snap_account_by_name(&s, "alice")->lastchg_day, 19000);
	assert_int_equal(snap_account_by_name(&s, "alice")->max_days, 99999);
	assert_int_equal(snap_account_by_name(&s, "alice")->inact_days, -1);
	assert_int_equal(snap_account_by_name(&s, "root")->expire_day, -1);
	assert_false(snap_account_by_name(&s, "root")->locked);
	assert_false(snap_account_by_name(&s, "bob")->shadow_known);
	g = snap_glob_get(&s, "/etc/ssh/sshd_config.d/*.conf");
	assert_non_null(g);
	assert_int_equal(g->matches.n, 2);
	assert_string_equal(g->matches.v[1], "/etc/ssh/sshd_config.d/b.conf");
	assert_int_equal(snap_glob_get(&s, "/etc/ssh/empty/*")->matches.n, 0);
	t = snap_sshd_t_for(&s, "alice");
	assert_string_equal(t->output, "port 22\npubkeyauthentication yes\n");
	t = snap_sshd_t_for(&s, "bob");
	assert_null(t->output);
	assert_string_equal(t->error, "sshd -T exited 255: bad\\x07");
	snapshot_free(&s);
	buf_free(&b);
}

/* The sudo record: "ok" or "denied", anything else is an error. */
static void
test_sudo(void **state)
{
	struct snapshot s;
	struct buf b;
	char *err = NULL;

	base_stream(&b);
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_null(s.net.sudo);
	snapshot_free(&s);
	buf_free(&b);

	base_stream(&b);
	recs(&b, "sudo", "ok");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_string_equal(s.net.sudo, "ok");
	snapshot_free(&s);
	buf_free(&b);

	/* Reported twice: the last one wins. */
	base_stream(&b);
	recs(&b, "sudo", "ok");
	recs(&b, "sudo", "denied");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_string_equal(s.net.sudo, "denied");
	snapshot_free(&s);
	buf_free(&b);

	base_stream(&b);
	recs(&b, "sudo", "yes");
	recs(&b, "end", "");
	expect_error(&b, "sudo: expected \"ok\" or \"denied\"");

	base_stream(&b);
	rec(&b, "sudo", "ok\0", 3);
	recs(&b, "end", "");
	expect_error(&b, "sudo: expected");

	base_stream(&b);
	recs(&b, "sudo", "");
	recs(&b, "end", "");
	expect_error(&b, "sudo: expected");
}

/* The collector reports in batches and may report a path again: each report
 * updates the entry, the last one wins, field by field. */
/* uerr: one account's credentials could not read a file; the content
 * another reader got stays for the others, in either order, and a file no
 * one could read says why. */
static void
test_user_denials(void **state)
{
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_file *f;

	base_stream(&b);
	recs(&b, "path", "/x/shared");
	recs(&b, "stat", "81a4 0 0 5 2");
	recs(&b, "uerr", "alice\nPermission denied");
	recs(&b, "path", "/x/shared");
	recs(&b, "data", "hello");
	recs(&b, "path", "/x/shared");
	recs(&b, "uerr", "carol\ncontent not read: cannot read as the user");
	recs(&b, "path", "/x/none");
	recs(&b, "stat", "8180 0 0 5 2");
	recs(&b, "uerr", "alice\nPermission denied");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	f = snap_file_get(&s, "/x/shared");
	assert_true(f->has_content);
	assert_null(f->read_error);
	assert_int_equal(f->ndenied, 2);
	assert_string_equal(snap_unreadable_for(f, "alice"), "Permission denied");
	assert_string_equal(snap_unreadable_for(f, "carol"),
	    "content not read: cannot read as the user");
	assert_null(snap_unreadable_for(f, "bob"));
	f = snap_file_get(&s, "/x/none");
	assert_false(f->has_content);
	assert_string_equal(f->read_error, "Permission denied");
	assert_string_equal(snap_unreadable_for(f, "bob"), "Permission denied");
	snapshot_free(&s);
	buf_free(&b);

	/* a uerr payload without the user's line, or outside a path */
	base_stream(&b);
	recs(&b, "path", "/x/a");
	recs(&b, "uerr", "alice");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), -1);
	assert_non_null(strstr(err, "uerr"));
	free(err);
	err = NULL;
	snapshot_free(&s);
	buf_free(&b);
}

static void
test_repeated_reports(void **state)
{
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_file *f;

	base_stream(&b);
	/* A symlink, then (replaced meanwhile) a regular file. */
	recs(&b, "path", "/x/a");
	recs(&b, "stat", "a1ff 0 0 3 1");
	recs(&b, "link", "b/c");
	recs(&b, "path", "/x/a");
	recs(&b, "stat", "81a4 0 0 5 2");
	/* Unreadable, then read. */
	recs(&b, "path", "/x/b");
	recs(&b, "stat", "81a4 0 0 5 2");
	recs(&b, "path", "/x/b");
	recs(&b, "rerr", "Permission denied");
	recs(&b, "path", "/x/b");
	recs(&b, "data", "hello");
	/* Read (and cut), then unreadable. */
	recs(&b, "path", "/x/c");
	recs(&b, "data", "bytes");
	recs(&b, "trunc", "");
	recs(&b, "path", "/x/c");
	recs(&b, "rerr", "Permission denied");
	/* Missing, then there; there, then missing. */
	recs(&b, "path", "/x/d");
	recs(&b, "noent", "");
	recs(&b, "path", "/x/d");
	recs(&b, "stat", "41ed 0 0 4096 3");
	recs(&b, "path", "/x/e");
	recs(&b, "stat", "a1ff 0 0 1 1");
	recs(&b, "link", "z");
	recs(&b, "path", "/x/e");
	recs(&b, "err", "Permission denied");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	f = snap_file_get(&s, "/x/a");
	assert_int_equal(f->type, SNAP_REG);
	assert_null(f->link);
	assert_int_equal(f->mtime, 2);
	f = snap_file_get(&s, "/x/b");
	assert_true(f->has_content);
	assert_null(f->read_error);
	assert_int_equal(f->content_len, 5);
	f = snap_file_get(&s, "/x/c");
	assert_false(f->has_content);
	assert_false(f->truncated);
	assert_null(f->content);
	assert_string_equal(f->read_error, "Permission denied");
	f = snap_file_get(&s, "/x/d");
	assert_int_equal(f->type, SNAP_DIR);
	assert_null(f->error);
	f = snap_file_get(&s, "/x/e");
	assert_int_equal(f->type, SNAP_UNKNOWN);
	assert_null(f->link);
	assert_string_equal(f->error, "Permission denied");
	snapshot_free(&s);
	buf_free(&b);

	/* link must follow the stat that says "symlink", even on a repeat. */
	base_stream(&b);
	recs(&b, "path", "/x/a");
	recs(&b, "stat", "a1ff 0 0 3 1");
	recs(&b, "link", "b/c");
	recs(&b, "path", "/x/a");
	recs(&b, "stat", "81a4 0 0 5 2");
	recs(&b, "link", "b/c");
	recs(&b, "end", "");
	expect_error(&b, "record 24: link: the path is not a symlink");
}

/* "all" audits every passwd account; pasted private keys are redacted. */
static void
test_all_users_and_redaction(void **state)
{
	static const char ak[] =
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl a\n"
	    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	    "-----END OPENSSH PRIVATE KEY-----\n";
	struct snapshot s;
	struct buf b;
	char *err = NULL;
	const struct snap_file *f;

	base_stream(&b);
	recs(&b, "all", "");
	recs(&b, "euid", "0");
	recs(&b, "path", "/home/alice/.ssh/authorized_keys");
	recs(&b, "stat", "8180 1000 1000 200 1");
	recs(&b, "path", "/home/alice/.ssh/authorized_keys");
	recs(&b, "data", ak);
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_int_equal(s.users.n, 3);
	assert_string_equal(s.users.v[0], "root");
	assert_true(s.privileged);
	f = snap_file_get(&s, "/home/alice/.ssh/authorized_keys");
	assert_int_equal(f->mode, 0600);
	assert_null(memmem(f->content, f->content_len, "b3BlbnNzaC1rZXktdjEA", 20));
	assert_non_null(strstr(f->content, "ssh-ed25519 AAAAC3"));
	snapshot_free(&s);
	buf_free(&b);
}

static void
test_sshd_version(void **state)
{
	char *v;

	v = collect_sshd_version("OpenSSH_9.2\nOpenSSH_9.2p1\n", 26);
	assert_string_equal(v, "OpenSSH_9.2p1");
	free(v);
	v = collect_sshd_version("xOpenSSH_8.9p1 Ubuntu-3ubuntu0.6\n", 33);
	assert_string_equal(v, "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6");
	free(v);
	assert_null(collect_sshd_version("OpenSSH_2*,OpenSSH_3*\n", 22));
	assert_null(collect_sshd_version("OpenSSH_", 8));
}

static void
test_params(void **state)
{
	struct strlist users = { 0 };
	struct collect_opts o = { 0 };
	size_t len;
	char *p, *err = NULL;

	strlist_add(&users, "alice");
	strlist_add(&users, "b$(reboot)`x`");
	o.users = &users;
	o.from_addr = "192.0.2.1";
	p = collector_params(&o, 1, 0, &len, &err);
	assert_non_null(p);
	assert_string_equal(p, "keyaudit-collect 1\nconfig /etc/ssh/sshd_config\n"
	    "user alice\nuser b$(reboot)`x`\nfrom 192.0.2.1\nsshdt 1\nend\n");
	assert_int_equal(len, strlen(p));
	free(p);
	strlist_add(&users, "evil\nall");
	assert_null(collector_params(&o, 1, 0, &len, &err));
	assert_non_null(strstr(err, "line break"));
	assert_null(strchr(err, '\n'));
	free(err);
	strlist_free(&users);
	o.users = NULL;
	o.all_users = 1;
	o.from_addr = NULL;
	o.sshd_config = "/tmp/x\r";
	assert_null(collector_params(&o, 0, 0, &len, &err));
	free(err);
	o.sshd_config = "/srv/sshd config";
	p = collector_params(&o, 0, 30, &len, &err);
	assert_string_equal(p, "keyaudit-collect 1\nconfig /srv/sshd config\nall\n"
	    "sshdt 0\ndeadline 30\nend\n");
	free(p);
}

/* The embedded script, run for real on this machine. */
static void
test_exec_this_machine(void **state)
{
	struct strlist users = { 0 };
	struct collect_opts o = { 0 };
	struct snapshot s;
	char *err = NULL, host[256];
	const struct snap_file *f;

	strlist_add(&users, "root");
	strlist_add(&users, "no-such-user-$(id)");
	o.users = &users;
	snapshot_init(&s);
	if (transport_exec.collect("local", &o, &s, &err) != 0)
		fail_msg("%s", err);
	assert_string_equal(s.transport, "exec");
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	assert_string_equal(s.hostname, host);
	assert_true(s.accounts_known);
	assert_non_null(snap_account_by_name(&s, "root"));
	assert_int_equal(s.users.n, 2);
	assert_string_equal(s.users.v[1], "no-such-user-$(id)");
	f = snap_file_get(&s, "/etc/passwd");
	assert_non_null(f);
	assert_true(f->has_content);
	{
		struct stat st;
		assert_int_equal(lstat("/etc/passwd", &st), 0);
		assert_int_equal(f->mode, st.st_mode & 07777);
		assert_int_equal(f->size, st.st_size);
		assert_int_equal(f->mtime, st.st_mtime);
	}
	f = snap_file_get(&s, "/etc/shadow");
	assert_non_null(f);
	assert_false(f->has_content);	/* the hashes never leave sh */
	assert_non_null(snap_file_get(&s, "/root"));
	snapshot_free(&s);

	/* Options are data: a path with shell syntax is just a path. */
	o.sshd_config = "/nonexistent/$(touch /tmp/ka-col-pwned)";
	snapshot_init(&s);
	if (transport_exec.collect("local", &o, &s, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(access("/tmp/ka-col-pwned", F_OK), -1);
	assert_string_equal(s.sshd_config_path, o.sshd_config);
	assert_int_equal(snap_file_get(&s, "/nonexistent")->type, SNAP_NOENT);
	snapshot_free(&s);
	strlist_free(&users);
}

/* Runs the embedded collector as the ssh transport does: /bin/sh -c SCRIPT
 * keyaudit-collector [ARG1], params on stdin; its output into out. */
static void
run_script(const char *arg1, const char *params, struct buf *out)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)collector_script,
	    "keyaudit-collector", (char *)arg1, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
	    NULL };
	posix_spawn_file_actions_t fa;
	int in[2], o[2], status;
	char tmp[65536];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(o[1]);
	/* The parameters are far smaller than a pipe's buffer. */
	assert_int_equal(write(in[1], params, strlen(params)), (ssize_t)strlen(params));
	close(in[1]);
	buf_init(out);
	while ((n = read(o[0], tmp, sizeof(tmp))) > 0)
		buf_append(out, tmp, (size_t)n);
	close(o[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* $1 of the script becomes the sudo record. */
static void
test_script_sudo_arg(void **state)
{
	static const char params[] = "keyaudit-collect 1\nuser root\nsshdt 0\nend\n";
	const char *args[] = { "sudo", "sudo-denied", NULL, "other" };
	const char *want[] = { "ok", "denied", NULL, NULL };

	for (size_t i = 0; i < KA_ARRLEN(args); i++) {
		struct snapshot s;
		struct buf out;
		char *err = NULL;

		run_script(args[i], params, &out);
		snapshot_init(&s);
		if (collect_stream_parse(out.data, out.len, "t", "exec", &s, &err) != 0)
			fail_msg("%s", err);
		if (want[i] == NULL)
			assert_null(s.net.sudo);
		else
			assert_string_equal(s.net.sudo, want[i]);
		snapshot_free(&s);
		buf_free(&out);
	}
}

static void
put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(p);
}

static void
put_link(const char *dir, const char *target, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* exec's entry for every path local recorded under t, and no other. */
static void
same_files_under(const struct snapshot *l, const struct snapshot *e, const char *t)
{
	size_t tl = strlen(t), nl = 0, ne = 0;

	for (size_t i = 0; i < l->nfiles; i++) {
		const struct snap_file *a = &l->files[i], *b;

		if (strncmp(a->path, t, tl) != 0)
			continue;
		nl++;
		b = snap_file_get(e, a->path);
		if (b == NULL)
			fail_msg("exec did not collect %s", a->path);
		if (a->type != b->type || a->mode != b->mode || a->uid != b->uid ||
		    a->gid != b->gid || a->size != b->size || a->mtime != b->mtime)
			fail_msg("%s: lstat facts differ (type %d/%d mode %o/%o)",
			    a->path, a->type, b->type, a->mode, b->mode);
		if ((a->link == NULL) != (b->link == NULL) ||
		    (a->link && strcmp(a->link, b->link) != 0))
			fail_msg("%s: link differs", a->path);
		if ((a->error == NULL) != (b->error == NULL) ||
		    (a->error && strcmp(a->error, b->error) != 0))
			fail_msg("%s: error \"%s\" vs \"%s\"", a->path,
			    a->error ? a->error : "", b->error ? b->error : "");
		if (a->has_content != b->has_content || a->truncated != b->truncated ||
		    a->content_len != b->content_len ||
		    (a->has_content && memcmp(a->content, b->content, a->content_len) != 0))
			fail_msg("%s: content differs (%zu vs %zu bytes)", a->path,
			    a->content_len, b->content_len);
		if ((a->read_error == NULL) != (b->read_error == NULL))
			fail_msg("%s: read error differs", a->path);
	}
	for (size_t i = 0; i < e->nfiles; i++)
		if (strncmp(e->files[i].path, t, tl) == 0) {
			ne++;
			if (snap_file_get(l, e->files[i].path) == NULL)
				fail_msg("exec collected %s, local did not",
				    e->files[i].path);
		}
	assert_int_equal(nl, ne);
	assert_true(nl > 20);
}

/*
 * The batched walks against the local transport, on a tree made to hit
 * every path of the script: chains of symlinks (several prefetch rounds),
 * "..", dangling links, a loop, a file used as a directory, a target and a
 * file name holding a newline (the stat batch falls back mid-way), files
 * around the size read by the shell, a NUL byte, an empty file, one read by
 * head, an unsearchable directory.
 */
static void
test_exec_equals_local(void **state)
{
	char tmpl[] = "/tmp/ka-coll-XXXXXX", *t, *cfg, *conf, *cmd;
	char small[100], exact[2048], over[2049], *big;
	struct strlist users = { 0 };
	struct collect_opts o = { 0 };
	struct snapshot l, e;
	char *err = NULL;
	const struct snap_glob *gl, *ge;
	struct passwd *pw;

	t = mkdtemp(tmpl);
	assert_non_null(t);
	memset(small, 'a', sizeof(small));
	memset(exact, 'b', sizeof(exact));
	exact[100] = '\n';
	memset(over, 'c', sizeof(over));
	big = xmalloc(100000);
	for (size_t i = 0; i < 100000; i++)
		big[i] = (char)(i % 64 == 63 ? '\n' : 'A' + i % 26);
	{
		char *d[] = { "keys", "conf.d", "odd\ndir", "noperm", "sub" };
		for (size_t i = 0; i < KA_ARRLEN(d); i++) {
			char *p = xasprintf("%s/%s", t, d[i]);
			assert_int_equal(mkdir(p, 0755), 0);
			free(p);
		}
	}
	put_file(t, "keys/small", small, sizeof(small));	/* no final newline */
	put_file(t, "keys/exact", exact, sizeof(exact));
	put_file(t, "keys/over", over, sizeof(over));
	put_file(t, "keys/empty", "", 0);
	put_file(t, "keys/nul", "ssh-ed25519 A\0B\n", 16);
	put_file(t, "keys/big", big, 100000);
	put_file(t, "odd\ndir/f", "x\n", 2);
	put_file(t, "sub/hk", "", 0);
	put_link(t, "l2", "l1");
	put_link(t, "l3", "l2");
	put_link(t, "keys", "l3");
	put_link(t, "nowhere", "dangle");
	put_link(t, "loop2", "loop1");
	put_link(t, "loop1", "loop2");
	put_link(t, "odd\ndir", "nltarget");
	put_link(t, "../sub/../keys", "sub/rel");
	put_link(t, "small", "keys/self");
	cfg = xasprintf("%s/sshd_config", t);
	conf = xasprintf("Include %s/conf.d/*.conf\n"
	    "AuthorizedKeysFile %s/keys/small %s/keys/exact %s/keys/over "
	    "%s/keys/empty %s/keys/nul %s/l1/small %s/keys/../keys/exact "
	    "%s/dangle %s/dangle/x %s/keys/small/x %s/keys/ %s/loop1/x "
	    "%s/nltarget/f %s/sub/rel/over %s/noperm/x %s/keys/self\n"
	    "RevokedKeys %s/keys/big\n", t, t, t, t, t, t, t, t, t, t, t, t,
	    t, t, t, t, t, t);
	put_file(t, "sshd_config", conf, strlen(conf));
	free(conf);
	put_file(t, "conf.d/a.conf", "Port 22\n", 8);
	cmd = xasprintf("HostKey %s/sub/hk\r\n  authorizedkeyscommand = %s/l1/cmd\n", t, t);
	put_file(t, "conf.d/b\nc.conf", cmd, strlen(cmd));
	free(cmd);
	{
		char *p = xasprintf("%s/noperm", t);
		assert_int_equal(chmod(p, 0), 0);
		free(p);
	}

	pw = getpwuid(geteuid());
	assert_non_null(pw);
	strlist_add(&users, pw->pw_name);
	o.users = &users;
	o.sshd_config = cfg;
	snapshot_init(&l);
	snapshot_init(&e);
	if (transport_local.collect("local", &o, &l, &err) != 0)
		fail_msg("local: %s", err);
	if (transport_exec.collect("local", &o, &e, &err) != 0)
		fail_msg("exec: %s", err);
	same_files_under(&l, &e, t);
	/* The match with a newline is one name, and was read. */
	conf = xasprintf("%s/conf.d/*.conf", t);
	gl = snap_glob_get(&l, conf);
	ge = snap_glob_get(&e, conf);
	assert_non_null(gl);
	assert_non_null(ge);
	assert_int_equal(ge->matches.n, 2);
	assert_int_equal(gl->matches.n, ge->matches.n);
	for (size_t i = 0; i < gl->matches.n; i++)
		assert_string_equal(gl->matches.v[i], ge->matches.v[i]);
	free(conf);
	conf = xasprintf("%s/sub/hk", t);
	assert_non_null(snap_file_get(&e, conf));
	free(conf);
	snapshot_free(&l);
	snapshot_free(&e);
	strlist_free(&users);

	{
		char *rm = xasprintf("chmod 755 '%s/noperm' && rm -rf '%s'", t, t);
		assert_int_equal(system(rm), 0);
		free(rm);
	}
	free(cfg);
	free(big);
}


/* A private key's facts: ukey then ukfacts, checked field by field. */
static void
test_user_keys(void **state)
{
	static const char *const bad[] = { "2 openssh alice", "0 ppk alice", "0 openssh",
	    "x openssh alice" };
	struct snapshot s;
	struct buf b;
	char *err = NULL;

	base_stream(&b);
	recs(&b, "ukey", "/home/alice/.ssh/id_ed25519");
	recs(&b, "ukfacts", "0 openssh alice");
	recs(&b, "ukey", "/home/alice/.ssh/id_rsa");
	recs(&b, "ukfacts", "-1 unknown alice");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_int_equal(s.nuserkeys, 2);
	assert_string_equal(s.userkeys[0].user, "alice");
	assert_string_equal(s.userkeys[0].path, "/home/alice/.ssh/id_ed25519");
	assert_string_equal(s.userkeys[0].format, "openssh");
	assert_int_equal(s.userkeys[0].encrypted, 0);
	assert_int_equal(s.userkeys[1].encrypted, -1);
	snapshot_free(&s);
	buf_free(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		base_stream(&b);
		recs(&b, "ukey", "/home/alice/.ssh/id_ed25519");
		recs(&b, "ukfacts", bad[i]);
		assert_int_equal(parse(&b, &s, &err), -1);
		assert_non_null(strstr(err, "ukfacts: expected"));
		free(err);
		snapshot_free(&s);
		buf_free(&b);
	}
	base_stream(&b);
	recs(&b, "ukfacts", "0 openssh alice");
	assert_int_equal(parse(&b, &s, &err), -1);
	assert_non_null(strstr(err, "without a ukey record"));
	free(err);
	snapshot_free(&s);
	buf_free(&b);
}

/* sshd's log lines: sources in order, truncation, errors; the snapshot JSON
 * keeps them (bytes that are not UTF-8 too); ctx_usage reads them oldest
 * first and drops the fragment a truncated source starts with. */
static void
test_auth_logs(void **state)
{
	static const char acc[] = "Jan  5 10:00:01 h sshd[2]: Accepted publickey for %s "
	    "from 10.0.0.%d port 5 ssh2: ED25519 SHA256:%s\n";
	struct snapshot s, back;
	struct ka_ctx ctx;
	struct ka_host_result hr;
	struct buf b, l1, l2;
	char *err = NULL, *json;
	const struct key_use *k;

	buf_init(&l1);
	buf_printf(&l1, acc, "bob", 1, "kV1l1pxzPe3jCllGTY70C48KfD0GjbPQ/8IkTG6w0Ls");
	buf_puts(&l1, "caf\xe9\n");
	buf_init(&l2);
	buf_printf(&l2, acc, "eve", 9, "Gtp/k7c1+cNiqB1HkecuMEX6ZjdzpTQ6Kk0Mwj5tBJ0");	/* the fragment: never read */
	buf_printf(&l2, acc, "alice", 2, "5JWy7vUlBF+wq8F5pvn14CZNMkRr3EAgorvelBIVOco");
	base_stream(&b);
	recs(&b, "logs", "");
	recs(&b, "lsrc", "/var/log/auth.log");
	rec(&b, "ldata", l1.data, l1.len);
	recs(&b, "lsrc", "/var/log/auth.log.1");
	rec(&b, "ldata", l2.data, l2.len);
	recs(&b, "ltrunc", "");
	recs(&b, "lsrc", "/var/log/auth.log.2.gz");
	recs(&b, "lerr", "not read: the 16 MiB for log lines went to newer logs");
	recs(&b, "end", "");
	assert_int_equal(parse(&b, &s, &err), 0);
	assert_true(s.authlogs_asked);
	assert_int_equal(s.nauthlogs, 3);
	assert_string_equal(s.authlogs[0].source, "/var/log/auth.log");
	assert_int_equal(s.authlogs[0].len, l1.len);
	assert_false(s.authlogs[0].truncated);
	assert_true(s.authlogs[1].truncated);
	assert_null(s.authlogs[2].lines);
	assert_non_null(strstr(s.authlogs[2].error, "16 MiB"));

	json = snapshot_to_json(&s);
	snapshot_init(&back);
	assert_int_equal(snapshot_from_json(json, strlen(json), "t.json", &back, &err), 0);
	assert_int_equal(back.nauthlogs, 3);
	assert_int_equal(back.authlogs[0].len, l1.len);
	assert_memory_equal(back.authlogs[0].lines, l1.data, l1.len);
	assert_true(back.authlogs[1].truncated);
	assert_string_equal(back.authlogs[2].error, s.authlogs[2].error);
	free(json);

	host_result_init(&hr, "web1");
	ctx_init(&ctx, &back, NULL, &hr);
	assert_non_null(ctx_usage(&ctx));
	assert_non_null(k = usagelog_find(ctx_usage(&ctx), "alice", "SHA256:5JWy7vUlBF+wq8F5pvn14CZNMkRr3EAgorvelBIVOco"));
	assert_string_equal(k->last_addr, "10.0.0.2");
	assert_non_null(usagelog_find(ctx_usage(&ctx), "bob", "SHA256:kV1l1pxzPe3jCllGTY70C48KfD0GjbPQ/8IkTG6w0Ls"));
	assert_null(usagelog_find(ctx_usage(&ctx), "eve", "SHA256:Gtp/k7c1+cNiqB1HkecuMEX6ZjdzpTQ6Kk0Mwj5tBJ0"));
	ctx_free(&ctx);
	host_result_free(&hr);
	snapshot_free(&back);
	snapshot_free(&s);
	buf_free(&b);

	/* records out of place */
	base_stream(&b);
	recs(&b, "lsrc", "/var/log/auth.log");
	assert_int_equal(parse(&b, &s, &err), -1);
	assert_non_null(strstr(err, "lsrc: without a logs record"));
	free(err);
	snapshot_free(&s);
	buf_free(&b);
	base_stream(&b);
	recs(&b, "logs", "");
	recs(&b, "ldata", "x\n");
	assert_int_equal(parse(&b, &s, &err), -1);
	assert_non_null(strstr(err, "ldata without an lsrc record"));
	free(err);
	snapshot_free(&s);
	buf_free(&b);
	buf_free(&l1);
	buf_free(&l2);
}

static int
exec_snapshot(int argc, char **argv)
{
	struct strlist users = { 0 }, logs = { 0 };
	struct collect_opts o = { 0 };
	struct snapshot s;
	char *err = NULL, *json;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			o.sshd_config = argv[++i];
		else if (strcmp(argv[i], "--logs") == 0)
			o.logs = 1;
		else if (strcmp(argv[i], "--all-users") == 0)
			o.all_users = 1;
		else if (strcmp(argv[i], "--auth-log") == 0 && i + 1 < argc) {
			o.logs = 1;
			strlist_add(&logs, argv[++i]);
		} else
			strlist_add(&users, argv[i]);
	}
	o.users = &users;
	o.log_files = &logs;
	snapshot_init(&s);
	if ((strcmp(argv[1], "--local-snapshot") == 0 ? transport_local.collect :
	    transport_exec.collect)("local", &o, &s, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	json = snapshot_to_json(&s);
	fputs(json, stdout);
	free(json);
	snapshot_free(&s);
	strlist_free(&users);
	strlist_free(&logs);
	return 0;
}

static int
parse_stdin(void)
{
	struct snapshot s;
	struct buf b;
	char tmp[65536], *err = NULL, *json;
	size_t n;
	int rc = 0;

	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), stdin)) > 0)
		buf_append(&b, tmp, n);
	snapshot_init(&s);
	if (collect_stream_parse(b.data ? b.data : "", b.len, "local", "exec", &s,
	    &err) != 0) {
		fprintf(stderr, "%s\n", err);
		rc = 1;
	} else {
		json = snapshot_to_json(&s);
		fputs(json, stdout);
		free(json);
	}
	snapshot_free(&s);
	buf_free(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_auth_logs),
		cmocka_unit_test(test_user_keys),
		cmocka_unit_test(test_binary_safe),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_shadow_globs_sshd_t),
		cmocka_unit_test(test_all_users_and_redaction),
		cmocka_unit_test(test_sshd_version),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_sudo),
		cmocka_unit_test(test_repeated_reports),
		cmocka_unit_test(test_user_denials),
		cmocka_unit_test(test_exec_this_machine),
		cmocka_unit_test(test_script_sudo_arg),
		cmocka_unit_test(test_exec_equals_local),
	};

	if (argc >= 2 && strcmp(argv[1], "--script") == 0) {
		fputs(collector_script, stdout);
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[1], "--exec-snapshot") == 0 ||
	    strcmp(argv[1], "--local-snapshot") == 0))
		return exec_snapshot(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--parse-stream") == 0)
		return parse_stdin();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
