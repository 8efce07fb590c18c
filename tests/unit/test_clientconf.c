/* test_clientconf.c - ssh_config parsed once and resolved per host
 * (scanner/parse/clientconf.c) over an in-memory filesystem: Host and Match,
 * first value wins, Include, %-tokens, ProxyJump, and every error ssh
 * itself reports.
 *
 * Helper mode for tests/cli/clientconf-diff.sh (real ssh is the oracle):
 *   --resolve FILE HOST [USER [PORT]]
 *       resolve HOST through `-F FILE` on the real filesystem and print the
 *       keys `ssh -G` prints for it (user hostname port identitiesonly
 *       stricthostkeychecking identityfile proxycommand proxyjump
 *       connecttimeout hostkeyalias userknownhostsfile globalknownhostsfile);
 *       exit 255 with the error on stderr where ssh -G fails. */
#include <errno.h>
#include <fnmatch.h>
#include <pwd.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/clientconf.h"

/* ------------------------------------------------------ in-memory files */

struct mfile {
	const char *path;
	const char *text;
	int mode_bad;		/* as if group-writable: EPERM under checkperm */
	int eacces;		/* unreadable */
};

struct mfs {
	const struct mfile *files;
	const char *env_name, *env_value;
	int reads;
};

static int
m_read(void *ctx, const char *path, int checkperm, char **data, size_t *len)
{
	struct mfs *fs = ctx;

	fs->reads++;
	for (const struct mfile *f = fs->files; f && f->path; f++) {
		if (strcmp(f->path, path) != 0)
			continue;
		if (f->eacces) {
			errno = EACCES;
			return -1;
		}
		if (checkperm && f->mode_bad) {
			errno = EPERM;
			return -1;
		}
		*data = xstrdup(f->text);
		*len = strlen(f->text);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int
m_glob(void *ctx, const char *pattern, struct strlist *out)
{
	struct mfs *fs = ctx;
	struct strlist tmp = { 0 };

	if (strstr(pattern, "GLOBFAIL") != NULL)
		return -1;
	for (const struct mfile *f = fs->files; f && f->path; f++)
		if (fnmatch(pattern, f->path, FNM_PATHNAME) == 0)
			strlist_add(&tmp, f->path);
	/* glob(3) sorts */
	for (size_t i = 0; i < tmp.n; i++)
		for (size_t j = i + 1; j < tmp.n; j++)
			if (strcmp(tmp.v[j], tmp.v[i]) < 0) {
				char *t = tmp.v[i];
				tmp.v[i] = tmp.v[j];
				tmp.v[j] = t;
			}
	for (size_t i = 0; i < tmp.n; i++)
		strlist_add(out, tmp.v[i]);
	strlist_free(&tmp);
	return 0;
}

static const char *
m_home_of(void *ctx, const char *name)
{
	return strcmp(name, "bob") == 0 ? "/home/bob" : NULL;
}

static const char *
m_getenv(void *ctx, const char *name)
{
	struct mfs *fs = ctx;

	return fs->env_name && strcmp(name, fs->env_name) == 0 ? fs->env_value : NULL;
}

static const char *
m_hostname(void *ctx)
{
	return "box.example.net";
}

static long
m_uid(void *ctx)
{
	return 1000;
}

static struct mfs the_fs;
static const struct clientconf_io mio = { m_read, m_glob, m_home_of, m_getenv,
	m_hostname, m_uid, &the_fs };

#define CONF "/t/config"

static struct clientconf *
load_files(const struct mfile *files, const char *const *names, size_t n, char **err)
{
	memset(&the_fs, 0, sizeof(the_fs));
	the_fs.files = files;
	return clientconf_load(names, n, "/home/alice", "alice", &mio, err);
}

/* One -F file holding text. */
static struct clientconf *
load_text(const char *text)
{
	static struct mfile files[2];
	const char *names[] = { CONF };
	struct clientconf *c;
	char *err = NULL;

	memset(files, 0, sizeof(files));
	files[0].path = CONF;
	files[0].text = text;
	c = load_files(files, names, 1, &err);
	if (c == NULL)
		fail_msg("config did not load: %s", err);
	assert_null(err);
	return c;
}

/* The error loading text gives; it must be one line naming CONF:line. */
static char *
load_err(const char *text, int line)
{
	static struct mfile files[2];
	const char *names[] = { CONF };
	char *err = NULL, *want;

	memset(files, 0, sizeof(files));
	files[0].path = CONF;
	files[0].text = text;
	if (load_files(files, names, 1, &err) != NULL)
		fail_msg("loaded, expected an error: %s", text);
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	want = xasprintf("%s:%d: ", CONF, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, want);
	free(want);
	return err;
}

static void
resolve(struct clientconf *c, const char *host, const char *user, int port,
    struct client_host *h)
{
	char *err = NULL;

	if (clientconf_resolve(c, host, user, port, h, &err) != 0)
		fail_msg("resolve %s: %s", host, err);
	assert_null(err);
}

static char *
resolve_err(struct clientconf *c, const char *host)
{
	struct client_host h;
	char *err = NULL;

	assert_int_equal(clientconf_resolve(c, host, NULL, 0, &h, &err), -1);
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	assert_null(h.hostname);
	return err;
}

static void
assert_err_has(char *err, const char *what)
{
	if (strstr(err, what) == NULL)
		fail_msg("error '%s' does not say '%s'", err, what);
	free(err);
}

/* ------------------------------------------------------------- tests */

static void
test_alias_and_first_value_wins(void **state)
{
	struct clientconf *c = load_text(
	    "# comment\n"
	    "Host web\n"
	    "  HostName Web1.Example.COM\n"
	    "  Port 2222\n"
	    "  User deploy\n"
	    "  Port 3333\n"
	    "Host *\n"
	    "  User fallback\n"
	    "  HostName %h.internal\n"
	    "  ConnectTimeout 10\n");
	struct client_host h;

	resolve(c, "web", NULL, 0, &h);
	assert_string_equal(h.hostname, "web1.example.com");
	assert_int_equal(h.port, 2222);
	assert_string_equal(h.user, "deploy");
	assert_int_equal(h.connect_timeout, 10);
	client_host_free(&h);

	resolve(c, "db", NULL, 0, &h);
	assert_string_equal(h.hostname, "db.internal");
	assert_int_equal(h.port, 22);
	assert_string_equal(h.user, "fallback");
	client_host_free(&h);

	/* the target's user and port win, as ssh -l / -p */
	resolve(c, "web", "ops", 2200, &h);
	assert_string_equal(h.user, "ops");
	assert_int_equal(h.port, 2200);
	client_host_free(&h);
	{
		char *err = NULL;
		assert_int_equal(clientconf_resolve(c, "web", "a;b", 0, &h, &err), -1);
		assert_err_has(err, "remote username contains invalid characters");
	}
	clientconf_free(c);
}

static void
test_defaults(void **state)
{
	struct clientconf *c = load_text("\n");
	struct client_host h;

	resolve(c, "Some.Host", NULL, 0, &h);
	assert_string_equal(h.hostname, "some.host");
	assert_int_equal(h.port, 22);
	assert_string_equal(h.user, "alice");
	assert_true(h.identity_files_default);
	assert_int_equal(h.identity_files.n, 7);
	assert_string_equal(h.identity_files.v[0], "/home/alice/.ssh/id_rsa");
	assert_string_equal(h.identity_files.v[3], "/home/alice/.ssh/id_ed25519");
	assert_int_equal(h.user_known_hosts.n, 2);
	assert_string_equal(h.user_known_hosts.v[0], "/home/alice/.ssh/known_hosts");
	assert_string_equal(h.user_known_hosts.v[1], "/home/alice/.ssh/known_hosts2");
	assert_int_equal(h.global_known_hosts.n, 2);
	assert_string_equal(h.global_known_hosts.v[0], "/etc/ssh/ssh_known_hosts");
	assert_string_equal(h.strict_host_key_checking, "ask");
	assert_null(h.proxy_command);
	assert_null(h.proxy_jump);
	assert_null(h.host_key_alias);
	assert_int_equal(h.connect_timeout, 0);
	assert_false(h.identities_only);
	assert_int_equal(h.notes.n, 0);
	client_host_free(&h);
	clientconf_free(c);
}

/* Host patterns: case-sensitive match_pattern() against the name as
 * given, one pattern per word (commas are literal), '!' vetoes. */
static void
test_host_patterns(void **state)
{
	struct clientconf *c = load_text(
	    "Host *.prod !db*.prod\n"
	    "  User produser\n"
	    "Host UPPER\n"
	    "  Port 1001\n"
	    "Host a,b\n"
	    "  Port 1002\n"
	    "Host ?x\n"
	    "  Port 1003\n"
	    "Host \"quoted name\" other\n"
	    "  Port 1004\n");
	struct client_host h;

	resolve(c, "web.prod", NULL, 0, &h);
	assert_string_equal(h.user, "produser");
	client_host_free(&h);
	resolve(c, "db1.prod", NULL, 0, &h);
	assert_string_equal(h.user, "alice");
	client_host_free(&h);
	resolve(c, "upper", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	client_host_free(&h);
	resolve(c, "UPPER", NULL, 0, &h);
	assert_int_equal(h.port, 1001);
	assert_string_equal(h.hostname, "upper");
	client_host_free(&h);
	resolve(c, "a", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	client_host_free(&h);
	/* ssh refuses such a name on its command line (Debian's 9.2 too) */
	assert_err_has(resolve_err(c, "a,b"), "hostname contains invalid characters");
	assert_err_has(resolve_err(c, "-oProxyCommand=x"), "invalid characters");
	resolve(c, "zx", NULL, 0, &h);
	assert_int_equal(h.port, 1003);
	client_host_free(&h);
	resolve(c, "other", NULL, 0, &h);
	assert_int_equal(h.port, 1004);
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_match(void **state)
{
	struct clientconf *c = load_text(
	    "Host alias\n"
	    "  HostName Real.Example\n"
	    "Match host real.example user root\n"
	    "  Port 1001\n"
	    "Match originalhost ALIAS\n"
	    "  User fromalias\n"
	    "Match !host *.example localuser alice\n"
	    "  Port 1002\n"
	    "Match user=bob\n"
	    "  Port 1003\n"
	    "Match all\n"
	    "  ConnectTimeout 5\n");
	struct client_host h;

	/* Match host sees the HostName; Match user the user so far */
	resolve(c, "alias", "root", 0, &h);
	assert_int_equal(h.port, 1001);
	assert_string_equal(h.user, "root");
	assert_int_equal(h.connect_timeout, 5);
	client_host_free(&h);
	resolve(c, "alias", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	assert_string_equal(h.user, "fromalias");
	client_host_free(&h);
	resolve(c, "other", NULL, 0, &h);
	assert_int_equal(h.port, 1002);
	client_host_free(&h);
	resolve(c, "x.example", "bob", 0, &h);
	assert_int_equal(h.port, 1003);
	client_host_free(&h);
	clientconf_free(c);
}

/* "Match final" makes a second pass where Host sees the final name; Match
 * canonical and final are true only there. */
static void
test_match_final(void **state)
{
	struct clientconf *c = load_text(
	    "Host foo\n"
	    "  HostName Bar.Example\n"
	    "Match canonical\n"
	    "  User canon\n"
	    "Match final\n"
	    "Host bar.example\n"
	    "  Port 2222\n"
	    "Host foo\n"
	    "  IdentityFile ~/.ssh/foo\n");
	struct client_host h;

	resolve(c, "foo", NULL, 0, &h);
	assert_string_equal(h.hostname, "bar.example");
	assert_int_equal(h.port, 2222);
	assert_string_equal(h.user, "canon");
	assert_false(h.identity_files_default);
	assert_int_equal(h.identity_files.n, 1);
	client_host_free(&h);
	clientconf_free(c);

	/* without Match final, no second pass */
	c = load_text("Host foo\n  HostName bar\nHost bar\n  Port 2222\n");
	resolve(c, "foo", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	client_host_free(&h);
	clientconf_free(c);

	/* CanonicalizeHostname asks for it too (no DNS: the name stays) */
	c = load_text("CanonicalizeHostname yes\nHost foo\n  HostName bar\n"
	    "Match canonical host bar\n  Port 2223\n");
	resolve(c, "foo", NULL, 0, &h);
	assert_string_equal(h.hostname, "bar");
	assert_int_equal(h.port, 2223);
	client_host_free(&h);
	clientconf_free(c);
}

/* CertificateFile: every value kept in order (a repeat once), expanded as
 * IdentityFile is. */
static void
test_certificate_file(void **state)
{
	struct clientconf *c = load_text(
	    "Host foo\n"
	    "  CertificateFile ~/.ssh/%r-cert.pub\n"
	    "  CertificateFile /etc/ssh/cert.pub\n"
	    "Host *\n"
	    "  CertificateFile ~/.ssh/%r-cert.pub\n");
	struct client_host h;

	(void)state;
	resolve(c, "foo", "bob", 0, &h);
	assert_int_equal(h.certificate_files.n, 2);
	assert_string_equal(h.certificate_files.v[0], "/home/alice/.ssh/bob-cert.pub");
	assert_string_equal(h.certificate_files.v[1], "/etc/ssh/cert.pub");
	client_host_free(&h);
	resolve(c, "other", NULL, 0, &h);
	assert_int_equal(h.certificate_files.n, 1);
	client_host_free(&h);
	clientconf_free(c);
}

/* Match exec never runs: the block is skipped and a note says so. */
static void
test_match_exec(void **state)
{
	struct clientconf *c = load_text(
	    "Match exec \"touch /tmp/keyaudit-must-not-exist\"\n"
	    "  Port 1001\n"
	    "Match !exec \"true\"\n"
	    "  User never\n"
	    "Match host nomatch exec \"true\"\n"
	    "  Port 1002\n");
	struct client_host h;

	resolve(c, "x", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	assert_string_equal(h.user, "alice");
	assert_int_equal(h.notes.n, 2);
	assert_non_null(strstr(h.notes.v[0], "/t/config:1: Match exec"));
	assert_non_null(strstr(h.notes.v[1], "/t/config:3:"));
	assert_int_equal(access("/tmp/keyaudit-must-not-exist", F_OK), -1);
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_identity_files(void **state)
{
	struct clientconf *c;
	struct client_host h;

	the_fs.env_name = NULL;
	c = load_text(
	    "Host web\n"
	    "  HostName Web.Example\n"
	    "  IdentityFile ~/.ssh/%h_%r_%p\n"
	    "  IdentityFile ~bob/keys/%u@%l\n"
	    "  IdentityFile /k/%d/%n/%k/%L/%i/%%\n"
	    "  IdentityFile ~/.ssh/%h_%r_%p\n"
	    "  IdentityFile none\n"
	    "  IdentityFile /k/${KEYDIR}/x\n"
	    "  IdentityFile /k/%C\n"
	    "  IdentitiesOnly yes\n");
	the_fs.env_name = "KEYDIR";
	the_fs.env_value = "envdir";
	resolve(c, "web", "ops", 2200, &h);
	assert_false(h.identity_files_default);
	assert_true(h.identities_only);
	assert_int_equal(h.identity_files.n, 5);
	assert_string_equal(h.identity_files.v[0], "/home/alice/.ssh/web.example_ops_2200");
	assert_string_equal(h.identity_files.v[1], "/home/bob/keys/alice@box.example.net");
	assert_string_equal(h.identity_files.v[2], "/k//home/alice/web/web/box/1000/%");
	assert_string_equal(h.identity_files.v[3], "/k/envdir/x");
	/* %C = sha1(local host, host, port, user) */
	assert_string_equal(h.identity_files.v[4], "/k/"
	    "1fefcce6c37ff4af76ec250d7ca06d0c0786c457");
	client_host_free(&h);

	/* an unset variable and an unknown user fail this host only */
	the_fs.env_name = NULL;
	assert_err_has(resolve_err(c, "web"), "${KEYDIR} has no value");
	clientconf_free(c);
	c = load_text("Host x\n  IdentityFile ~nobody/k\n");
	assert_err_has(resolve_err(c, "x"), "No such user nobody");
	resolve(c, "y", NULL, 0, &h);
	client_host_free(&h);
	clientconf_free(c);
	c = load_text("Host x\n  IdentityFile /k/%Z\n");
	assert_err_has(resolve_err(c, "x"), "unknown key %Z");
	clientconf_free(c);
	c = load_text("Host x\n  IdentityFile /k/%\n");
	assert_err_has(resolve_err(c, "x"), "invalid format");
	clientconf_free(c);
}

static void
test_proxy(void **state)
{
	struct clientconf *c = load_text(
	    "Host j1\n"
	    "  ProxyJump ops@bastion:2222,inner # hop\n"
	    "  ProxyCommand nc %h %p\n"
	    "Host p1\n"
	    "  ProxyCommand=ssh -W [%h]:%p  \"gw\"\n"
	    "  ProxyJump bastion\n"
	    "Host n1\n"
	    "  ProxyCommand none\n"
	    "  ProxyJump bastion\n"
	    "Host n2\n"
	    "  ProxyJump none\n"
	    "  ProxyCommand nc %h %p\n"
	    "Host *\n"
	    "  ProxyJump default\n");
	struct client_host h;

	resolve(c, "j1", NULL, 0, &h);
	assert_string_equal(h.proxy_jump, "ops@bastion:2222,inner");
	assert_null(h.proxy_command);
	client_host_free(&h);
	resolve(c, "p1", NULL, 0, &h);
	assert_string_equal(h.proxy_command, "ssh -W [%h]:%p  \"gw\"");
	assert_null(h.proxy_jump);
	client_host_free(&h);
	resolve(c, "n1", NULL, 0, &h);
	assert_null(h.proxy_command);
	assert_null(h.proxy_jump);
	client_host_free(&h);
	/* observed with Debian's ssh: "ProxyJump none" does not stop a later
	 * ProxyCommand */
	resolve(c, "n2", NULL, 0, &h);
	assert_string_equal(h.proxy_command, "nc %h %p");
	assert_null(h.proxy_jump);
	client_host_free(&h);
	resolve(c, "other", NULL, 0, &h);
	assert_string_equal(h.proxy_jump, "default");
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_jump_split(void **state)
{
	char *extra, *user, *host;
	int port;

	assert_int_equal(clientconf_jump_split("a,b@c:22,ops@last:2222", &extra, &user,
	    &host, &port), 0);
	assert_string_equal(extra, "a,b@c:22");
	assert_string_equal(user, "ops");
	assert_string_equal(host, "last");
	assert_int_equal(port, 2222);
	free(extra);
	free(user);
	free(host);
	assert_int_equal(clientconf_jump_split("[::1]:2200", &extra, &user, &host,
	    &port), 0);
	assert_null(extra);
	assert_null(user);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 2200);
	free(host);
	assert_int_equal(clientconf_jump_split("ssh://me@gw:99", NULL, &user, &host,
	    &port), 0);
	assert_string_equal(user, "me");
	assert_string_equal(host, "gw");
	assert_int_equal(port, 99);
	free(user);
	free(host);
	assert_int_equal(clientconf_jump_split("gw", NULL, NULL, &host, &port), 0);
	assert_int_equal(port, 0);
	free(host);
	assert_int_equal(clientconf_jump_split("@gw", NULL, NULL, NULL, NULL), -1);
	assert_int_equal(clientconf_jump_split("gw:0", NULL, NULL, NULL, NULL), -1);
	assert_int_equal(clientconf_jump_split("gw:99999", NULL, NULL, NULL, NULL), -1);
	assert_int_equal(clientconf_jump_split("gw/path", NULL, NULL, NULL, NULL), -1);
	assert_int_equal(clientconf_jump_split("a,,b", NULL, NULL, NULL, NULL), -1);
	assert_int_equal(clientconf_jump_split("[::1", NULL, NULL, NULL, NULL), -1);
}

static void
test_known_hosts_and_alias(void **state)
{
	struct clientconf *c = load_text(
	    "Host a\n"
	    "  UserKnownHostsFile ~/kh/%h %k /abs\n"
	    "  GlobalKnownHostsFile ~/global %h\n"
	    "  HostKeyAlias MixedAlias\n"
	    "  StrictHostKeyChecking yes\n"
	    "  UserKnownHostsFile /ignored\n"
	    "Host b\n"
	    "  UserKnownHostsFile none\n"
	    "  GlobalKnownHostsFile none\n"
	    "  StrictHostKeyChecking accept-new\n"
	    "Host c\n"
	    "  StrictHostKeyChecking off\n");
	struct client_host h;

	resolve(c, "a", NULL, 0, &h);
	assert_int_equal(h.user_known_hosts.n, 3);
	assert_string_equal(h.user_known_hosts.v[0], "/home/alice/kh/a");
	assert_string_equal(h.user_known_hosts.v[1], "mixedalias");
	assert_string_equal(h.user_known_hosts.v[2], "/abs");
	assert_int_equal(h.global_known_hosts.n, 2);
	assert_string_equal(h.global_known_hosts.v[0], "~/global");
	assert_string_equal(h.global_known_hosts.v[1], "%h");
	assert_string_equal(h.host_key_alias, "mixedalias");
	assert_string_equal(h.strict_host_key_checking, "true");
	client_host_free(&h);
	resolve(c, "b", NULL, 0, &h);
	assert_int_equal(h.user_known_hosts.n, 0);
	assert_int_equal(h.global_known_hosts.n, 0);
	assert_string_equal(h.strict_host_key_checking, "accept-new");
	client_host_free(&h);
	resolve(c, "c", NULL, 0, &h);
	assert_string_equal(h.strict_host_key_checking, "false");
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_addresses(void **state)
{
	struct clientconf *c = load_text("Host v4\n  HostName 127.1\n"
	    "Host v6\n  HostName 0:0::1\n");
	struct client_host h;

	resolve(c, "v4", NULL, 0, &h);
	assert_string_equal(h.hostname, "127.0.0.1");
	client_host_free(&h);
	resolve(c, "v6", NULL, 0, &h);
	assert_string_equal(h.hostname, "::1");
	client_host_free(&h);
	resolve(c, "FE80::1", NULL, 0, &h);
	assert_string_equal(h.hostname, "FE80::1");
	client_host_free(&h);
	resolve(c, "Fe80::1%Eth0", NULL, 0, &h);
	assert_string_equal(h.hostname, "Fe80::1%Eth0");
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_syntax_forms(void **state)
{
	struct clientconf *c = load_text(
	    "  \t  \n"
	    "\"Host\" web   \n"
	    "HOSTNAME=real\n"
	    "  port = 2201\r\n"
	    "User\t\"with space\"\n"
	    "=IdentitiesOnly yes\n"
	    "ConnectTimeout 1m30s # trailing comment\n");
	struct client_host h;

	resolve(c, "web", NULL, 0, &h);
	assert_string_equal(h.hostname, "real");
	assert_int_equal(h.port, 2201);
	assert_string_equal(h.user, "with space");
	assert_true(h.identities_only);
	assert_int_equal(h.connect_timeout, 90);
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_include(void **state)
{
	static const struct mfile files[] = {
		{ "/t/main", "Include inc/*.conf /t/abs.conf\nHost *\n  User mainuser\n",
		  0, 0 },
		{ "/home/alice/.ssh/inc/10-a.conf",
		  "Host web\n  Port 1010\nHost db\n  Port 1011\n", 0, 0 },
		{ "/home/alice/.ssh/inc/20-b.conf", "Host web\n  Port 2020\n  User b\n",
		  0, 0 },
		{ "/t/abs.conf", "Match host nothing\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	const char *names[] = { "/t/main" };
	struct clientconf *c;
	struct client_host h;
	char *err = NULL;

	c = load_files(files, names, 1, &err);
	assert_non_null(c);
	resolve(c, "web", NULL, 0, &h);
	assert_int_equal(h.port, 1010);
	assert_string_equal(h.user, "b");
	client_host_free(&h);
	/* a Match that ends an included file does not leak into the includer */
	resolve(c, "other", NULL, 0, &h);
	assert_string_equal(h.user, "mainuser");
	client_host_free(&h);
	assert_int_equal(clientconf_files(c)->n, 4);
	assert_string_equal(clientconf_files(c)->v[1], "/home/alice/.ssh/inc/10-a.conf");
	clientconf_free(c);
}

/* The lines as ssh read them, for checks that judge the text: the default
 * files in order (the user's marked), Includes where they stand with
 * "~user/" expanded and quotes honoured, the Host/Match block of each line
 * (an included file starts in its Include's block; its own end with it). */
static void
test_directives(void **state)
{
	static const struct mfile files[] = {
		{ "/home/alice/.ssh/config", "Host web\n  Include ~bob/\"my hosts\"\n"
		  "  ForwardAgent=yes\n", 0, 0 },
		{ "/home/bob/my hosts", "User b # comment\nHost db\n  Port 1\n", 0, 0 },
		{ "/etc/ssh/ssh_config", "Bogus yes\nForwardAgent no\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	static const struct {
		const char *file, *kw;
		int line, ac, depth, user;
		long block;
	} want[] = {
		{ "/home/alice/.ssh/config", "host", 1, 1, 0, 1, 0 },
		{ "/home/alice/.ssh/config", "include", 2, 1, 0, 1, 0 },
		{ "/home/bob/my hosts", "user", 1, 1, 1, 1, 0 },
		{ "/home/bob/my hosts", "host", 2, 1, 1, 1, 3 },
		{ "/home/bob/my hosts", "port", 3, 1, 1, 1, 3 },
		{ "/home/alice/.ssh/config", "forwardagent", 3, 1, 0, 1, 0 },
		{ "/etc/ssh/ssh_config", "bogus", 1, 1, 0, 0, -1 },
		{ "/etc/ssh/ssh_config", "forwardagent", 2, 1, 0, 0, -1 },
	};
	const struct ssh_directives *dl;
	struct clientconf *c;
	char *err = NULL;

	memset(&the_fs, 0, sizeof(the_fs));
	the_fs.files = files;
	/* ssh stops at the unknown keyword; the lines after it are still
	 * what the files say */
	c = clientconf_read_all("/home/alice", "alice", &mio, &err);
	assert_non_null(c);
	assert_err_has(err, "/etc/ssh/ssh_config:1: Bad configuration option: bogus");
	dl = clientconf_directives(c);
	assert_int_equal(dl->n, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < dl->n; i++) {
		assert_string_equal(dl->v[i].file, want[i].file);
		assert_string_equal(dl->v[i].keyword, want[i].kw);
		assert_int_equal(dl->v[i].line, want[i].line);
		assert_int_equal(dl->v[i].ac, want[i].ac);
		assert_int_equal(dl->v[i].depth, want[i].depth);
		assert_int_equal(dl->v[i].user, want[i].user);
		assert_int_equal(dl->v[i].block, want[i].block);
	}
	assert_string_equal(dl->v[1].av[0], "~bob/my hosts");
	assert_string_equal(dl->v[2].args, "b # comment");
	assert_string_equal(dl->v[5].spelled, "ForwardAgent");
	assert_string_equal(dl->v[5].args, "yes");
	clientconf_free(c);
	/* without a home only the system file is read */
	c = clientconf_read_all(NULL, NULL, &mio, &err);
	assert_err_has(err, "Bad configuration option");
	assert_int_equal(clientconf_directives(c)->n, 2);
	clientconf_free(c);
	/* clientconf_load keeps the list too, and stops at the error */
	assert_null(clientconf_load(NULL, 0, "/home/alice", "alice", &mio, &err));
	free(err);
}

/* An Include inside an inactive block is read (and checked), but nothing in
 * it applies, whatever its own Host lines say. */
static void
test_include_inactive(void **state)
{
	static const struct mfile files[] = {
		{ "/t/main", "Host nomatch\n  Include /t/inc\nHost *\n  Port 1\n", 0, 0 },
		{ "/t/inc", "Host *\n  User leaked\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	static const struct mfile bad[] = {
		{ "/t/main", "Host nomatch\n  Include /t/inc\n", 0, 0 },
		{ "/t/inc", "Bogus yes\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	const char *names[] = { "/t/main" };
	struct clientconf *c;
	struct client_host h;
	char *err = NULL;

	c = load_files(files, names, 1, &err);
	assert_non_null(c);
	resolve(c, "x", NULL, 0, &h);
	assert_string_equal(h.user, "alice");
	assert_int_equal(h.port, 1);
	client_host_free(&h);
	clientconf_free(c);
	assert_null(load_files(bad, names, 1, &err));
	assert_err_has(err, "/t/inc:1: Bad configuration option: bogus");
}

/* No -F: ~/.ssh/config (user: relative includes under ~/.ssh, owner and
 * mode checked) then /etc/ssh/ssh_config (system: includes under /etc/ssh);
 * missing files are fine. */
static void
test_default_files(void **state)
{
	static const struct mfile files[] = {
		{ "/home/alice/.ssh/config", "Include extra\nHost web\n  Port 1\n", 0, 0 },
		{ "/home/alice/.ssh/extra", "Host web\n  User fromextra\n", 0, 0 },
		{ "/etc/ssh/ssh_config", "Include ssh_config.d/*.conf\nHost *\n  Port 2\n"
		  "  User sys\n", 0, 0 },
		{ "/etc/ssh/ssh_config.d/a.conf", "Host *\n  ConnectTimeout 7\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	static const struct mfile badperm[] = {
		{ "/home/alice/.ssh/config", "Host web\n", 1, 0 },
		{ NULL, NULL, 0, 0 },
	};
	static const struct mfile unreadable[] = {
		{ "/home/alice/.ssh/config", "Host web\n", 0, 1 },
		{ "/etc/ssh/ssh_config", "Port 3\n", 1, 0 },
		{ NULL, NULL, 0, 0 },
	};
	struct clientconf *c;
	struct client_host h;
	char *err = NULL;

	c = load_files(files, NULL, 0, &err);
	assert_non_null(c);
	resolve(c, "web", NULL, 0, &h);
	assert_int_equal(h.port, 1);
	assert_string_equal(h.user, "fromextra");
	assert_int_equal(h.connect_timeout, 7);
	client_host_free(&h);
	resolve(c, "db", NULL, 0, &h);
	assert_int_equal(h.port, 2);
	assert_string_equal(h.user, "sys");
	client_host_free(&h);
	clientconf_free(c);

	c = load_files(NULL, NULL, 0, &err);
	assert_non_null(c);
	assert_int_equal(clientconf_files(c)->n, 0);
	clientconf_free(c);

	assert_null(load_files(badperm, NULL, 0, &err));
	assert_err_has(err, "Bad owner or permissions on /home/alice/.ssh/config");

	/* an unreadable ~/.ssh/config is skipped, as ssh does; the system
	 * file is not checked for owner and mode */
	c = load_files(unreadable, NULL, 0, &err);
	assert_non_null(c);
	resolve(c, "web", NULL, 0, &h);
	assert_int_equal(h.port, 3);
	client_host_free(&h);
	clientconf_free(c);
}

static void
test_ignore_unknown(void **state)
{
	struct clientconf *c = load_text(
	    "Host special\n"
	    "  IgnoreUnknown UseKeychain,Add*\n"
	    "Host *\n"
	    "  UseKeychain yes\n"
	    "  AddKeysToAgent yes\n");
	struct client_host h;

	resolve(c, "special", NULL, 0, &h);
	client_host_free(&h);
	assert_err_has(resolve_err(c, "other"), "/t/config:4: Bad configuration option: "
	    "usekeychain");
	clientconf_free(c);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		int line;
		const char *says;
	} cases[] = {
		{ "Host a\n  Frobnicate yes\n", 2, "Bad configuration option: frobnicate" },
		{ "Port\n", 1, "no argument after keyword \"port\"" },
		{ "User \"unterminated\n", 1, "invalid quotes" },
		{ "Port 0\n", 1, "Bad port '0'" },
		{ "Port 65536\n", 1, "Bad port" },
		{ "Port abc\n", 1, "Bad port" },
		{ "User a b\n", 1, "extra arguments at end of line" },
		{ "User \"\"\n", 1, "Missing argument" },
		{ "IdentitiesOnly maybe\n", 1, "unsupported option \"maybe\"" },
		{ "StrictHostKeyChecking sometimes\n", 1, "unsupported option" },
		{ "ConnectTimeout 5x\n", 1, "invalid time value" },
		{ "ConnectionAttempts -1\n", 1, "integer value too small" },
		{ "ServerAliveCountMax lots\n", 1, "integer value invalid" },
		{ "\n\nMatch nosuch x\n", 3, "Unsupported Match attribute nosuch" },
		{ "Match host\n", 1, "Missing Match criteria for host" },
		{ "Match user a host b all\n", 1, "cannot be combined" },
		{ "Match all host x\n", 1, "cannot be combined" },
		{ "Match #comment\n", 1, "One or more attributes required" },
		{ "ProxyJump @bad\n", 1, "Invalid ProxyJump \"@bad\"" },
		{ "ProxyJump host:0\n", 1, "Invalid ProxyJump" },
		{ "UserKnownHostsFile a none\n", 1, "\"none\" argument must appear alone" },
		{ "GlobalKnownHostsFile \"\"\n", 1, "empty argument" },
		{ "Host \"\"\n", 1, "keyword host empty argument" },
		{ "Ciphers aes128-ctr,rot13\n", 1, "Bad ciphers" },
		{ "KexAlgorithms +nope\n", 1, "Bad kexalgorithms" },
		{ "HostKeyAlgorithms nomatch*\n", 1, "Bad hostkeyalgorithms" },
		{ "LogLevel LOUD\n", 1, "unsupported log level" },
		{ "EscapeChar ab\n", 1, "Bad escape character" },
		{ "SendEnv A=B\n", 1, "Invalid environment name" },
		{ "SetEnv NOEQUALS\n", 1, "Invalid SetEnv" },
		{ "LocalForward 8080\n", 1, "Missing target argument" },
		{ "IdentityAgent ${UNCLOSED\n", 1, "Invalid environment expansion" },
		{ "ForwardAgent $bad-name\n", 1, "Invalid environment name" },
		{ "StreamLocalBindMask 999\n", 1, "Bad mask" },
		{ "RekeyLimit 10\n", 1, "RekeyLimit too small" },
		{ "ControlPersist forever\n", 1, "Bad ControlPersist argument" },
		{ "AddKeysToAgent confirm never\n", 1, "invalid time value" },
		{ "CanonicalizePermittedCNAMEs nocolon\n", 1, "Invalid permitted CNAME" },
		{ "FingerprintHash crc32\n", 1, "Invalid hash algorithm" },
		{ "GSSAPIKexAlgorithms yes\n", 1, "Bad GSSAPI KexAlgorithms" },
		{ "Include ~/x\n", 0, NULL },	/* fine in a -F (user) file */
		{ "Include /t/GLOBFAIL*\n", 1, "glob failed for /t/GLOBFAIL*" },
		{ "Include \"\"\n", 1, "keyword include empty argument" },
		{ "Include /t/config\n", 1, "Too many recursive configuration includes" },
	};

	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		if (cases[i].says == NULL) {
			clientconf_free(load_text(cases[i].text));
			continue;
		}
		assert_err_has(load_err(cases[i].text, cases[i].line), cases[i].says);
	}
}

/* What ssh only warns about, or ignores, loads. */
static void
test_accepted(void **state)
{
	struct clientconf *c = load_text(
	    "Protocol 2\n"
	    "Cipher blowfish\n"
	    "UseRoaming no\n"
	    "RSAAuthentication yes\n"
	    "GSSAPIAuthentication yes\n"
	    "GSSAPIDelegateCredentials no\n"
	    "SendEnv LANG LC_*\n"
	    "HashKnownHosts yes\n"
	    "Ciphers -3des-cbc\n"
	    "HostKeyAlgorithms +ssh-rsa*\n"
	    "KexAlgorithms gss-group14-sha256-,curve25519-sha256\n"
	    "ForwardAgent $SSH_AUTH_SOCK\n"
	    "AddKeysToAgent 1h\n"
	    "LocalForward 8080 localhost:80\n"
	    "RemoteForward 9090\n"
	    "Match host=x,y user=*\n"
	    "  Port 1\n");

	clientconf_free(c);
}

static void
test_system_file_errors(void **state)
{
	static const struct mfile tilde[] = {
		{ "/etc/ssh/ssh_config", "Include ~/x\n", 0, 0 },
		{ NULL, NULL, 0, 0 },
	};
	const char *missing[] = { "/t/nonexistent" };
	const char *none[] = { "none" };
	struct clientconf *c;
	char *err = NULL;

	assert_null(load_files(tilde, NULL, 0, &err));
	assert_err_has(err, "/etc/ssh/ssh_config:1: bad include path ~/x");
	assert_null(load_files(NULL, missing, 1, &err));
	assert_err_has(err, "Can't open user config file /t/nonexistent");
	c = load_files(NULL, none, 1, &err);
	assert_non_null(c);
	clientconf_free(c);
}

static void
test_hostname_token_error(void **state)
{
	struct clientconf *c = load_text("Host a\n  HostName %h.%d\nHost b\n"
	    "  HostName x\nMatch host y\n");
	struct client_host h;

	assert_err_has(resolve_err(c, "a"), "unknown key %d");
	resolve(c, "b", NULL, 0, &h);
	client_host_free(&h);
	clientconf_free(c);
	c = load_text("Host a\n  HostName %h%\nMatch host z\n");
	/* Match host expands HostName first: the error is the Match line's */
	assert_err_has(resolve_err(c, "a"), "/t/config:3:");
	clientconf_free(c);
}

static void
test_limits(void **state)
{
	struct buf b;
	struct clientconf *c;

	buf_init(&b);
	for (int i = 0; i < CLIENTCONF_MAX_DIRECTIVES + 1; i++)
		buf_puts(&b, "Port 22\n");
	/* the file itself is the first event */
	assert_err_has(load_err(b.data, CLIENTCONF_MAX_DIRECTIVES),
	    "more than 100000 directives");
	buf_free(&b);

	buf_init(&b);
	buf_puts(&b, "Host x\n");
	for (int i = 0; i < 101; i++)
		buf_printf(&b, "  IdentityFile /k/%d\n", i);
	c = load_text(b.data);
	assert_err_has(resolve_err(c, "x"), "Too many identity files");
	clientconf_free(c);
	buf_free(&b);
}

/* ------------------------------------------------------- --resolve mode */

static void
print_list(const char *key, const struct strlist *l)
{
	if (l->n == 0) {
		printf("%s none\n", key);	/* only "none" empties them */
		return;
	}
	printf("%s", key);
	for (size_t i = 0; i < l->n; i++)
		printf(" %s", l->v[i]);
	printf("\n");
}

static int
resolve_main(int argc, char **argv)
{
	struct passwd *pw = getpwuid(getuid());
	const char *files[1];
	struct clientconf *c;
	struct client_host h;
	char *err = NULL;

	if (argc < 4 || pw == NULL) {
		fprintf(stderr, "usage: %s --resolve FILE HOST [USER [PORT]]\n", argv[0]);
		return 2;
	}
	files[0] = argv[2];
	if ((c = clientconf_load(files, 1, pw->pw_dir, pw->pw_name, &clientconf_io_fs,
	    &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return 255;
	}
	if (clientconf_resolve(c, argv[3], argc > 4 && *argv[4] ? argv[4] : NULL,
	    argc > 5 ? atoi(argv[5]) : 0, &h, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		clientconf_free(c);
		return 255;
	}
	printf("user %s\nhostname %s\nport %d\nidentitiesonly %s\n"
	    "stricthostkeychecking %s\n", h.user, h.hostname, h.port,
	    h.identities_only ? "yes" : "no", h.strict_host_key_checking);
	for (size_t i = 0; i < h.identity_files.n; i++)
		printf("identityfile %s\n", h.identity_files.v[i]);
	if (h.proxy_command)
		printf("proxycommand %s\n", h.proxy_command);
	if (h.proxy_jump) {
		/* as ssh -G prints it: numeric hosts bracketed, port when given */
		char *extra, *user, *host;
		int port;

		if (clientconf_jump_split(h.proxy_jump, &extra, &user, &host, &port) == 0) {
			int num = strchr(host, ':') != NULL ||
			    strspn(host, "1234567890.") == strlen(host);
			printf("proxyjump %s%s%s%s%s%s%s", extra ? extra : "", extra ? "," : "",
			    user ? user : "", user ? "@" : "", num ? "[" : "", host,
			    num ? "]" : "");
			if (port > 0)
				printf(":%d", port);
			printf("\n");
			free(extra);
			free(user);
			free(host);
		}
	}
	if (h.connect_timeout > 0)
		printf("connecttimeout %d\n", h.connect_timeout);
	else
		printf("connecttimeout none\n");
	if (h.host_key_alias)
		printf("hostkeyalias %s\n", h.host_key_alias);
	print_list("userknownhostsfile", &h.user_known_hosts);
	print_list("globalknownhostsfile", &h.global_known_hosts);
	for (size_t i = 0; i < h.notes.n; i++)
		fprintf(stderr, "note: %s\n", h.notes.v[i]);
	client_host_free(&h);
	clientconf_free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_and_first_value_wins),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_host_patterns),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_final),
		cmocka_unit_test(test_match_exec),
		cmocka_unit_test(test_identity_files),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_jump_split),
		cmocka_unit_test(test_known_hosts_and_alias),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_syntax_forms),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_inactive),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_default_files),
		cmocka_unit_test(test_ignore_unknown),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_system_file_errors),
		cmocka_unit_test(test_hostname_token_error),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_certificate_file),
	};

	if (argc >= 2 && strcmp(argv[1], "--resolve") == 0)
		return resolve_main(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
