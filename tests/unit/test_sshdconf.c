/* test_sshdconf.c - the sshd_config engine: parsing as servconf.c does
 * (first value wins, lists accumulate, Include inline, Match), errors with
 * file:line, the effective configuration for a connection, and sshd -T
 * output compared with what the real Debian 9.2p1 sshd printed for the same
 * files (fixtures/sshd_config/NAME.sshd-T, recorded with sshd -T). */
#include <errno.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/sshdconf.h"

/* An in-memory file system for sshdconf_io. */
struct memfile {
	const char *path;
	const char *text;
	size_t len;		/* 0: strlen(text) */
};

struct memfs {
	const struct memfile *files;
	size_t nfiles;
	const char *const *globs;	/* pattern, match..., NULL, pattern, ..., NULL NULL */
	int glob_fails;
	int reads;
};

static int
mem_read(void *arg, const char *path, const char **data, size_t *len)
{
	struct memfs *fs = arg;

	fs->reads++;
	for (size_t i = 0; i < fs->nfiles; i++) {
		if (strcmp(fs->files[i].path, path) != 0)
			continue;
		if (fs->files[i].text == NULL) {
			errno = EACCES;
			return -1;
		}
		*data = fs->files[i].text;
		*len = fs->files[i].len ? fs->files[i].len : strlen(fs->files[i].text);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int
mem_glob(void *arg, const char *pattern, struct strlist *out)
{
	struct memfs *fs = arg;
	const char *const *g = fs->globs;

	if (fs->glob_fails)
		return -1;
	while (g != NULL && *g != NULL) {
		int hit = strcmp(*g, pattern) == 0;
		for (g++; *g != NULL; g++)
			if (hit)
				strlist_add(out, *g);
		g++;
	}
	return 0;
}

static const char *
mem_home(void *arg, const char *name)
{
	(void)arg;
	if (name == NULL || strcmp(name, "root") == 0)
		return "/root";
	if (strcmp(name, "alice") == 0)
		return "/home/alice/";
	return NULL;
}

static struct sshd_config *
parse_fs(struct memfs *fs, const char *main)
{
	struct sshdconf_io io = { .read = mem_read, .glob = mem_glob,
	    .home_of = mem_home, .ctx = fs };

	return sshdconf_parse(main, &io);
}

/* Parse one text as /etc/ssh/sshd_config. */
static struct sshd_config *
parse_text(const char *text)
{
	static struct memfile f;
	static struct memfs fs;

	f.path = "/etc/ssh/sshd_config";
	f.text = text;
	f.len = 0;
	memset(&fs, 0, sizeof(fs));
	fs.files = &f;
	fs.nfiles = 1;
	return parse_fs(&fs, "/etc/ssh/sshd_config");
}

static struct sshd_eff *
eff_for(struct sshd_config *c, const char *user, const char *addr)
{
	struct sshd_conn conn;

	memset(&conn, 0, sizeof(conn));
	conn.user = user;
	conn.addr = addr;
	return sshdconf_effective(c, &conn);
}

static void
assert_no_errors(const struct sshd_config *c)
{
	for (size_t i = 0; i < sshdconf_nerrors(c); i++) {
		const struct sshdconf_error *e = sshdconf_error_at(c, i);
		print_error("unexpected error %s:%d: %s\n", e->file, e->line, e->msg);
	}
	assert_int_equal(sshdconf_nerrors(c), 0);
}

/* The first error, which must exist and be at line. */
static const struct sshdconf_error *
error_at_line(const struct sshd_config *c, int line)
{
	const struct sshdconf_error *e;

	assert_true(sshdconf_nerrors(c) > 0);
	e = sshdconf_error_at(c, 0);
	assert_int_equal(e->line, line);
	return e;
}

static void
test_defaults(void **state)
{
	struct sshd_config *c = parse_text("");
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	const struct sshd_value *v;
	char *o;

	assert_no_errors(c);
	assert_string_equal(sshd_eff_str(e, "passwordauthentication"), "yes");
	assert_int_equal(sshd_eff_bool(e, "PubkeyAuthentication"), 1);
	assert_int_equal(sshd_eff_bool(e, "usepam"), 0);
	assert_int_equal(sshd_eff_bool(e, "permitrootlogin"), -1);
	assert_string_equal(sshd_eff_str(e, "permitrootlogin"), "without-password");
	assert_string_equal(sshd_eff_str(e, "requiredrsasize"), "1024");
	v = sshd_eff_get(e, "authorizedkeysfile");
	assert_non_null(v);
	assert_int_equal(v->n, 2);
	assert_string_equal(v->v[0], ".ssh/authorized_keys");
	assert_string_equal(v->v[1], ".ssh/authorized_keys2");
	assert_null(v->file);
	o = sshd_eff_origin(e, "authorizedkeysfile");
	assert_string_equal(o, "default");
	free(o);
	assert_null(sshd_eff_get(e, "nosuchkeyword"));
	assert_null(sshd_eff_get(e, "protocol"));	/* ignored by sshd */
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_first_wins_and_lists(void **state)
{
	struct sshd_config *c = parse_text(
	    "PasswordAuthentication no\n"
	    "PasswordAuthentication yes\n"
	    "AuthorizedKeysFile .ssh/a .ssh/b\n"
	    "AuthorizedKeysFile .ssh/c\n"
	    "AllowUsers root\n"
	    "AllowUsers alice bob\n"
	    "Port 22\nPort 2222\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	const struct sshd_value *v;
	char *o;

	assert_no_errors(c);
	assert_int_equal(sshd_eff_bool(e, "passwordauthentication"), 0);
	o = sshd_eff_origin(e, "passwordauthentication");
	assert_string_equal(o, "/etc/ssh/sshd_config:1");
	free(o);
	v = sshd_eff_get(e, "authorizedkeysfile");
	assert_int_equal(v->n, 2);
	assert_string_equal(v->v[1], ".ssh/b");
	assert_int_equal(v->line, 3);
	v = sshd_eff_get(e, "allowusers");
	assert_int_equal(v->n, 3);
	assert_string_equal(v->v[2], "bob");
	assert_int_equal(v->line, 5);
	v = sshd_eff_get(e, "port");
	assert_int_equal(v->n, 2);
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_lexing(void **state)
{
	struct sshd_config *c = parse_text(
	    "  pAsSwOrDaUtHeNtIcAtIoN=no\r\n"
	    "MaxAuthTries = 3 # comment\n"
	    "\"Banner\" \"/etc/my banner\"\n"
	    "ForceCommand echo 'a b' # kept: the rest of the line\n"
	    "AllowUsers \"x y\" z\\\"w\n"
	    "# PermitRootLogin no\n"
	    "\t\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	const struct sshd_value *v;

	assert_no_errors(c);
	assert_int_equal(sshd_eff_bool(e, "passwordauthentication"), 0);
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "3");
	assert_string_equal(sshd_eff_str(e, "banner"), "/etc/my banner");
	assert_string_equal(sshd_eff_str(e, "forcecommand"),
	    "echo 'a b' # kept: the rest of the line");
	v = sshd_eff_get(e, "allowusers");
	assert_int_equal(v->n, 2);
	assert_string_equal(v->v[0], "x y");
	assert_string_equal(v->v[1], "z\"w");
	assert_string_equal(sshd_eff_str(e, "permitrootlogin"), "without-password");
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_value_forms(void **state)
{
	struct sshd_config *c = parse_text(
	    "PermitRootLogin prohibit-password\n"
	    "LoginGraceTime 1h2m3s\n"
	    "Compression delayed\n"
	    "AllowTcpForwarding all\n"
	    "LogLevel QUIET\n"
	    "SyslogFacility local3\n"
	    "FingerprintHash md5\n"
	    "IPQoS 0x10\n"
	    "RekeyLimit 1G 1h\n"
	    "MaxStartups 5\n"
	    "StreamLocalBindMask 22\n"
	    "UnusedConnectionTimeout 0\n"
	    "RevokedKeys revoked\n"
	    "TrustedUserCAKeys ~/ca\n"
	    "AuthorizedKeysFile ~/keys ~alice/k %h/.ssh/x\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	const struct sshd_value *v;

	assert_no_errors(c);
	assert_string_equal(sshd_eff_str(e, "permitrootlogin"), "without-password");
	assert_string_equal(sshd_eff_str(e, "logingracetime"), "3723");
	assert_string_equal(sshd_eff_str(e, "compression"), "yes");
	assert_string_equal(sshd_eff_str(e, "allowtcpforwarding"), "yes");
	assert_string_equal(sshd_eff_str(e, "loglevel"), "SILENT");	/* Debian */
	assert_string_equal(sshd_eff_str(e, "syslogfacility"), "LOCAL3");
	assert_string_equal(sshd_eff_str(e, "fingerprinthash"), "MD5");
	v = sshd_eff_get(e, "ipqos");
	assert_int_equal(v->n, 2);
	assert_string_equal(v->v[0], "lowdelay");
	assert_string_equal(v->v[1], "lowdelay");
	v = sshd_eff_get(e, "rekeylimit");
	assert_string_equal(v->v[0], "1073741824");
	assert_string_equal(v->v[1], "3600");
	assert_string_equal(sshd_eff_str(e, "maxstartups"), "5:30:5");
	assert_string_equal(sshd_eff_str(e, "streamlocalbindmask"), "022");
	assert_string_equal(sshd_eff_str(e, "unusedconnectiontimeout"), "none");
	/* sshd makes relative file names absolute against its cwd, "/" */
	assert_string_equal(sshd_eff_str(e, "revokedkeys"), "//revoked");
	assert_string_equal(sshd_eff_str(e, "trustedusercakeys"), "/root/ca");
	v = sshd_eff_get(e, "authorizedkeysfile");
	assert_int_equal(v->n, 3);
	assert_string_equal(v->v[0], "/root/keys");
	assert_string_equal(v->v[1], "/home/alice/k");
	assert_string_equal(v->v[2], "%h/.ssh/x");
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		int line;
		const char *needle;
	} cases[] = {
		{ "PasswordAuthentication no\nNoSuchThing yes\n", 2, "Bad configuration option" },
		{ "Port\n", 1, "no argument" },
		{ "PasswordAuthentication maybe\n", 1, "unsupported option" },
		{ "MaxAuthTries many\n", 1, "integer value invalid" },
		{ "Match User root\n  Ciphers aes128-ctr\n", 2, "not allowed within a Match" },
		{ "\n\nMatch Colour blue\n", 3, "Unsupported Match attribute" },
		{ "Match all User root\n", 1, "cannot be combined" },
		{ "Match Address 10.0.0.1/8\n", 1, "Invalid Match address" },
		{ "AllowUsers \"root\n", 1, "invalid quotes" },
		{ "PubkeyAcceptedAlgorithms foo\n", 1, "Bad key types" },
		{ "Ciphers aes*\n", 1, "Bad SSH2 cipher spec" },
		{ "PasswordAuthentication no yes\n", 1, "extra arguments" },
		{ "AuthorizedKeysCommand /bin/k\n", 1, "without AuthorizedKeysCommandUser" },
		{ "PasswordAuthentication no\nAuthenticationMethods password\n", 2,
		  "cannot be satisfied" },
		{ "AuthenticationMethods publickey\nMatch User a\nAuthenticationMethods any\n",
		  3, "must appear alone" },
		{ "Subsystem a /x\nSubsystem a /y\n", 2, "already defined" },
		{ "RDomain 1\n", 1, "not supported" },
		{ "AddressFamily inet\nListenAddress ::1\n", 2, "bad addr" },
		{ "PubkeyAcceptedAlgorithms RSA\n", 1, "no algorithm" },
		{ "Match Invalid-User\n", 1, "Invalid-User" },
		{ "PasswordAuthentication no\0junk\nMaxAuthTries 3\n", 1, "noMaxAuthTries" },
	};

	for (size_t i = 0; i < KA_ARRLEN(cases); i++) {
		struct memfile f = { "/etc/ssh/sshd_config", cases[i].text, 0 };
		struct memfs fs = { &f, 1, NULL, 0, 0 };
		struct sshd_config *c;
		const struct sshdconf_error *e;

		if (strstr(cases[i].needle, "noMaxAuthTries") != NULL)
			f.len = sizeof("PasswordAuthentication no\0junk\nMaxAuthTries 3\n") - 1;
		c = parse_fs(&fs, "/etc/ssh/sshd_config");
		if (sshdconf_nerrors(c) == 0)
			fail_msg("case %zu: no error for %s", i, cases[i].text);
		e = error_at_line(c, cases[i].line);
		if (strstr(e->msg, cases[i].needle) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, e->msg, cases[i].needle);
		assert_string_equal(e->file, "/etc/ssh/sshd_config");
		assert_int_equal(e->unknown, 0);
		sshdconf_free(c);
	}
}

static void
test_error_messages_printable(void **state)
{
	struct sshd_config *c = parse_text("Bad\x1b[31mKeyword yes\n");
	const struct sshdconf_error *e = error_at_line(c, 1);

	assert_null(strchr(e->msg, 0x1b));
	assert_non_null(strstr(e->msg, "\\x1b"));
	sshdconf_free(c);
}

static void
test_unreadable(void **state)
{
	struct memfile files[] = {
		{ "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
		  "PasswordAuthentication no\n", 0 },
		{ "/etc/ssh/sshd_config.d/a.conf", NULL, 0 },
	};
	const char *globs[] = { "/etc/ssh/sshd_config.d/*.conf",
	    "/etc/ssh/sshd_config.d/a.conf", NULL, NULL };
	struct memfs fs = { files, 2, globs, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/nonexistent/sshd_config");
	const struct sshdconf_error *e;
	struct sshd_eff *eff;

	/* the main file: one "unknown" error, and compiled defaults */
	assert_int_equal(sshdconf_nerrors(c), 1);
	e = sshdconf_error_at(c, 0);
	assert_int_equal(e->unknown, 1);
	assert_int_equal(e->line, 0);
	assert_string_equal(e->file, "/nonexistent/sshd_config");
	eff = sshdconf_effective(c, NULL);
	assert_int_equal(sshd_eff_bool(eff, "passwordauthentication"), 1);
	sshd_eff_free(eff);
	assert_int_equal(sshdconf_files(c)->n, 0);
	sshdconf_free(c);

	/* an Included file that cannot be read */
	c = parse_fs(&fs, "/etc/ssh/sshd_config");
	assert_int_equal(sshdconf_nerrors(c), 1);
	e = sshdconf_error_at(c, 0);
	assert_int_equal(e->unknown, 1);
	assert_string_equal(e->file, "/etc/ssh/sshd_config.d/a.conf");
	assert_non_null(strstr(e->msg, "line 1"));
	sshdconf_free(c);

	/* a glob that fails is sshd's error */
	fs.glob_fails = 1;
	c = parse_fs(&fs, "/etc/ssh/sshd_config");
	e = error_at_line(c, 1);
	assert_int_equal(e->unknown, 0);
	assert_non_null(strstr(e->msg, "glob failed"));
	sshdconf_free(c);
}

static void
test_include(void **state)
{
	struct memfile files[] = {
		{ "/etc/ssh/sshd_config",
		  "Include /etc/ssh/sshd_config.d/*.conf\n"
		  "PasswordAuthentication yes\n"
		  "Include extra.conf\n"
		  "AllowUsers main\n"
		  "Match User alice\n"
		  "  Include /etc/ssh/in-match.conf\n"
		  "  MaxSessions 3\n", 0 },
		{ "/etc/ssh/sshd_config.d/10-a.conf", "PasswordAuthentication no\n"
		  "AllowUsers a\n", 0 },
		{ "/etc/ssh/sshd_config.d/20-b.conf", "PubkeyAuthentication no\n"
		  "Match User bob\n  MaxAuthTries 1\n", 0 },
		{ "/etc/ssh/extra.conf", "AllowUsers extra\n", 0 },
		{ "/etc/ssh/in-match.conf", "X11Forwarding yes\nMaxSessions 9\n", 0 },
	};
	const char *globs[] = {
		"/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/10-a.conf",
		"/etc/ssh/sshd_config.d/20-b.conf", NULL,
		"/etc/ssh/extra.conf", "/etc/ssh/extra.conf", NULL,
		"/etc/ssh/in-match.conf", "/etc/ssh/in-match.conf", NULL, NULL };
	struct memfs fs = { files, KA_ARRLEN(files), globs, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/etc/ssh/sshd_config");
	struct sshd_eff *e;
	const struct sshd_value *v;
	const struct strlist *fl;

	assert_no_errors(c);
	fl = sshdconf_files(c);
	assert_int_equal(fl->n, 5);
	assert_string_equal(fl->v[0], "/etc/ssh/sshd_config");
	assert_string_equal(fl->v[1], "/etc/ssh/sshd_config.d/10-a.conf");

	e = sshdconf_effective(c, NULL);
	/* the drop-in came first */
	assert_int_equal(sshd_eff_bool(e, "passwordauthentication"), 0);
	v = sshd_eff_get(e, "passwordauthentication");
	assert_string_equal(v->file, "/etc/ssh/sshd_config.d/10-a.conf");
	assert_int_equal(v->line, 1);
	/* a Match in an included file ends with it */
	v = sshd_eff_get(e, "allowusers");
	assert_int_equal(v->n, 3);
	assert_string_equal(v->v[1], "extra");
	assert_string_equal(v->v[2], "main");
	assert_string_equal(sshd_eff_str(e, "maxsessions"), "10");
	assert_string_equal(sshd_eff_str(e, "x11forwarding"), "no");
	sshd_eff_free(e);

	e = eff_for(c, "alice", NULL);
	assert_string_equal(sshd_eff_str(e, "maxsessions"), "9");
	assert_string_equal(sshd_eff_str(e, "x11forwarding"), "yes");
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "6");
	sshd_eff_free(e);
	e = eff_for(c, "bob", NULL);
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "1");
	assert_string_equal(sshd_eff_str(e, "maxsessions"), "10");
	sshd_eff_free(e);
	sshdconf_free(c);
}

/* The lines as sshd read them, for checks that judge the text: Includes
 * where they stand, words as sshd splits them (quotes, comments), the
 * Match block each line is in (an included file starts in its Include's
 * block and its own Match ends with it), and where a fix would go. */
static void
test_directives(void **state)
{
	static const struct memfile files[] = {
		{ "/etc/ssh/sshd_config", "Include \"/etc/ssh/sshd_config.d/*.conf\" # stock\n"
		  "Port 22\n"
		  "  AuthorizedKeysFile \".ssh/my keys\" .ssh/b\n"
		  "Match User alice\n"
		  "  Include extra.conf\n"
		  "  PubkeyAcceptedKeyTypes=ssh-ed25519\n", 0 },
		{ "/etc/ssh/sshd_config.d/a b.conf", "Match User bob\nX11Forwarding yes\n", 0 },
		{ "/etc/ssh/extra.conf", "LogLevel VERBOSE\n", 0 },
	};
	static const char *const globs[] = {
		"/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/a b.conf", NULL,
		"/etc/ssh/extra.conf", "/etc/ssh/extra.conf", NULL, NULL,
	};
	struct memfs fs = { files, 3, globs, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/etc/ssh/sshd_config");
	const struct ssh_directives *dl = sshdconf_directives(c);
	static const struct {
		const char *file, *kw;
		int line, ac, depth;
		long block;
	} want[] = {
		{ "/etc/ssh/sshd_config", "include", 1, 1, 0, -1 },
		{ "/etc/ssh/sshd_config.d/a b.conf", "match", 1, 2, 1, 1 },
		{ "/etc/ssh/sshd_config.d/a b.conf", "x11forwarding", 2, 1, 1, 1 },
		{ "/etc/ssh/sshd_config", "port", 2, 1, 0, -1 },
		{ "/etc/ssh/sshd_config", "authorizedkeysfile", 3, 2, 0, -1 },
		{ "/etc/ssh/sshd_config", "match", 4, 2, 0, 5 },
		{ "/etc/ssh/sshd_config", "include", 5, 1, 0, 5 },
		{ "/etc/ssh/extra.conf", "loglevel", 1, 1, 1, 5 },
		{ "/etc/ssh/sshd_config", "pubkeyacceptedkeytypes", 6, 1, 0, 5 },
	};
	char *d;

	assert_no_errors(c);
	assert_int_equal(dl->n, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < dl->n; i++) {
		assert_string_equal(dl->v[i].file, want[i].file);
		assert_string_equal(dl->v[i].keyword, want[i].kw);
		assert_int_equal(dl->v[i].line, want[i].line);
		assert_int_equal(dl->v[i].ac, want[i].ac);
		assert_int_equal(dl->v[i].depth, want[i].depth);
		assert_int_equal(dl->v[i].block, want[i].block);
	}
	assert_string_equal(dl->v[0].av[0], "/etc/ssh/sshd_config.d/*.conf");
	assert_string_equal(dl->v[4].spelled, "AuthorizedKeysFile");
	assert_string_equal(dl->v[4].args, "\".ssh/my keys\" .ssh/b");
	assert_string_equal(dl->v[4].av[0], ".ssh/my keys");
	assert_string_equal(dl->v[8].spelled, "PubkeyAcceptedKeyTypes");
	assert_string_equal(dl->v[8].args, "ssh-ed25519");
	assert_int_equal(sshdconf_first_match_line(c), 4);
	d = sshdconf_dropin(c, "50-keyaudit.conf");
	assert_string_equal(d, "/etc/ssh/sshd_config.d/50-keyaudit.conf");
	free(d);
	/* a name the pattern does not take, and no Include at all */
	assert_null(sshdconf_dropin(c, "50-keyaudit"));
	sshdconf_free(c);
	c = parse_text("Port 22\nMatch all\n  Include /etc/ssh/sshd_config.d/*.conf\n");
	assert_null(sshdconf_dropin(c, "50-keyaudit.conf"));
	assert_int_equal(sshdconf_first_match_line(c), 2);
	sshdconf_free(c);
}

static void
test_include_loop(void **state)
{
	struct memfile files[] = {
		{ "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\n"
		  "Include /etc/ssh/sshd_config\n", 0 },
	};
	const char *globs[] = { "/etc/ssh/sshd_config", "/etc/ssh/sshd_config", NULL, NULL };
	struct memfs fs = { files, 1, globs, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/etc/ssh/sshd_config");
	const struct sshdconf_error *e;

	/* 2^17 files if nothing stopped it: the directive budget does */
	assert_true(sshdconf_nerrors(c) > 0);
	e = sshdconf_error_at(c, 0);
	assert_non_null(strstr(e->msg, "Too many recursive"));
	assert_true(fs.reads < 2000);
	e = sshdconf_error_at(c, sshdconf_nerrors(c) - 1);
	assert_int_equal(e->unknown, 1);
	sshdconf_free(c);
}

static void
test_match(void **state)
{
	struct sshd_config *c = parse_text(
	    "PasswordAuthentication no\n"
	    "AllowUsers a\n"
	    "Match User root\n"
	    "  PasswordAuthentication yes\n"
	    "  AllowUsers b\n"
	    "Match Address 10.0.0.0/8,!10.9.0.0/16\n"
	    "  PasswordAuthentication maybe-not-reached\n");
	struct sshd_eff *e;

	/* line 7: a bad value even in a block that never applies */
	error_at_line(c, 7);
	sshdconf_free(c);

	c = parse_text(
	    "PasswordAuthentication no\n"
	    "AllowUsers a\n"
	    "Match User root\n"
	    "  PasswordAuthentication yes\n"
	    "  AllowUsers b\n"
	    "  AllowUsers c\n"
	    "Match Address 10.0.0.0/8,!10.9.0.0/16\n"
	    "  PasswordAuthentication no\n"
	    "  MaxAuthTries 2\n"
	    "  AllowUsers d\n"
	    "Match Group wheel,!adm\n"
	    "  MaxSessions 1\n"
	    "Match Host *.EXAMPLE.com LocalPort 2222\n"
	    "  Banner /etc/issue\n");
	assert_no_errors(c);
	e = sshdconf_effective(c, NULL);
	assert_int_equal(sshd_eff_bool(e, "passwordauthentication"), 0);
	assert_int_equal(sshd_eff_get(e, "allowusers")->n, 1);
	sshd_eff_free(e);

	/* the first matching block wins per keyword; lists of matching
	 * blocks accumulate and replace the global list */
	e = eff_for(c, "root", "10.1.2.3");
	assert_int_equal(sshd_eff_bool(e, "passwordauthentication"), 1);
	assert_int_equal(sshd_eff_get(e, "passwordauthentication")->line, 4);
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "2");
	assert_int_equal(sshd_eff_get(e, "allowusers")->n, 3);
	assert_string_equal(sshd_eff_get(e, "allowusers")->v[2], "d");
	sshd_eff_free(e);

	e = eff_for(c, "root", "10.9.0.1");
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "6");
	sshd_eff_free(e);

	{
		const char *g1[] = { "staff", "wheel" }, *g2[] = { "wheel", "adm" };
		struct sshd_conn conn = { 0 };

		conn.user = "alice";
		conn.groups = g1;
		conn.ngroups = 2;
		e = sshdconf_effective(c, &conn);
		assert_string_equal(sshd_eff_str(e, "maxsessions"), "1");
		sshd_eff_free(e);
		conn.groups = g2;	/* a negated group vetoes */
		e = sshdconf_effective(c, &conn);
		assert_string_equal(sshd_eff_str(e, "maxsessions"), "10");
		sshd_eff_free(e);
		conn.groups = g1;
		conn.invalid_user = 1;	/* no account: no groups */
		e = sshdconf_effective(c, &conn);
		assert_string_equal(sshd_eff_str(e, "maxsessions"), "10");
		sshd_eff_free(e);

		memset(&conn, 0, sizeof(conn));
		conn.user = "x";
		conn.host = "web1.example.COM";
		conn.lport = 2222;
		e = sshdconf_effective(c, &conn);
		assert_string_equal(sshd_eff_str(e, "banner"), "/etc/issue");
		sshd_eff_free(e);
		conn.lport = 22;
		e = sshdconf_effective(c, &conn);
		assert_string_equal(sshd_eff_str(e, "banner"), "none");
		sshd_eff_free(e);
	}
	sshdconf_free(c);
}

static void
test_match_all(void **state)
{
	/* Match all is active when sshd starts, too: global-only keywords
	 * are allowed in it, and its lists replace the global ones. */
	struct sshd_config *c = parse_text(
	    "AllowUsers a b\n"
	    "Match all\n"
	    "  Port 2222\n"
	    "  AllowUsers c\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);

	assert_no_errors(c);
	assert_string_equal(sshd_eff_str(e, "port"), "2222");
	assert_int_equal(sshd_eff_get(e, "allowusers")->n, 1);
	assert_string_equal(sshd_eff_str(e, "allowusers"), "c");
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_algorithms(void **state)
{
	struct sshd_config *c = parse_text(
	    "PubkeyAcceptedAlgorithms -rsa-sha2-*,ssh-ed25519\n"
	    "Match User legacy\n"
	    "  PubkeyAcceptedAlgorithms +ssh-dss\n"
	    "Match User pattern\n"
	    "  PubkeyAcceptedAlgorithms ecdsa-sha2-nistp2*,ssh-rsa\n"
	    "Match User none\n"
	    "  PubkeyAcceptedAlgorithms -*\n");
	struct sshd_eff *e;

	assert_no_errors(c);
	e = sshdconf_effective(c, NULL);
	assert_false(sshd_eff_accepts_alg(e, "ssh-ed25519"));
	assert_false(sshd_eff_accepts_alg(e, "rsa-sha2-512"));
	assert_true(sshd_eff_accepts_alg(e, "ecdsa-sha2-nistp256"));
	assert_false(sshd_eff_accepts_alg(e, "ssh-rsa"));
	sshd_eff_free(e);

	/* relative to the compiled default, not to the global value */
	e = eff_for(c, "legacy", NULL);
	assert_true(sshd_eff_accepts_alg(e, "ssh-dss"));
	assert_true(sshd_eff_accepts_alg(e, "ssh-ed25519"));
	assert_true(sshd_eff_accepts_alg(e, "rsa-sha2-256"));
	sshd_eff_free(e);

	e = eff_for(c, "pattern", NULL);
	/* patterns expand in the order of everything supported (sshd -T) */
	assert_string_equal(sshd_eff_str(e, "pubkeyacceptedalgorithms"),
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-rsa");
	assert_true(sshd_eff_accepts_alg(e, "ssh-rsa"));
	assert_false(sshd_eff_accepts_alg(e, "ecdsa-sha2-nistp384"));
	sshd_eff_free(e);

	/* sshd assembles twice: an empty list becomes the default */
	e = eff_for(c, "none", NULL);
	assert_true(sshd_eff_accepts_alg(e, "ssh-ed25519"));
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_aliases(void **state)
{
	struct sshd_config *c = parse_text(
	    "ChallengeResponseAuthentication no\n"
	    "PubkeyAcceptedKeyTypes ssh-ed25519\n"
	    "KeepAlive no\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);

	assert_no_errors(c);
	assert_int_equal(sshd_eff_bool(e, "kbdinteractiveauthentication"), 0);
	assert_int_equal(sshd_eff_bool(e, "ChallengeResponseAuthentication"), 0);
	assert_string_equal(sshd_eff_str(e, "pubkeyacceptedkeytypes"), "ssh-ed25519");
	assert_int_equal(sshd_eff_bool(e, "tcpkeepalive"), 0);
	sshd_eff_free(e);
	sshdconf_free(c);
}

/* Dump lines of keyaudit vs the recorded sshd -T output. */
static void
compare_dump(const char *conf, const char *expect, const struct sshd_conn *conn)
{
	size_t len, elen;
	char *text = tu_read_file(conf, &len);
	char *want = tu_read_file(expect, &elen);
	struct memfile f = { "/etc/ssh/sshd_config", text, len };
	struct memfs fs = { &f, 1, NULL, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/etc/ssh/sshd_config");
	struct sshd_eff *e;
	struct buf out;

	assert_no_errors(c);
	e = sshdconf_effective(c, conn);
	buf_init(&out);
	sshd_eff_dump(e, &out);
	if (out.data == NULL || strcmp(out.data, want) != 0) {
		const char *a = out.data ? out.data : "", *b = want;
		while (*a && *a == *b) {
			a++;
			b++;
		}
		fail_msg("%s: dump differs from %s at:\n  keyaudit: %.80s\n  sshd -T:  %.80s",
		    conf, expect, a, b);
	}
	buf_free(&out);
	sshd_eff_free(e);
	sshdconf_free(c);
	free(text);
	free(want);
}

static void
test_dump_matches_sshd(void **state)
{
	static const char *const plain[] = {
		"01-empty", "02-debian-stock", "25-algorithms", "27-numbers",
		"28-strings", "33-listen", "35-logging", "36-deprecated",
		"42-crlf-blanks", "45-misc-flags", "46-gssapi",
	};
	struct sshd_conn conn;
	const char *groups[] = { "root" }, *wgroups[] = { "www-data" };

	for (size_t i = 0; i < KA_ARRLEN(plain); i++) {
		char *conf = xasprintf("fixtures/sshd_config/%s.conf", plain[i]);
		char *exp = xasprintf("fixtures/sshd_config/%s.sshd-T", plain[i]);
		compare_dump(conf, exp, NULL);
		free(conf);
		free(exp);
	}
	memset(&conn, 0, sizeof(conn));
	conn.user = "root";
	conn.host = "h";
	conn.addr = "10.0.0.1";
	conn.groups = groups;
	conn.ngroups = 1;
	compare_dump("fixtures/sshd_config/43-match-many-keywords.conf",
	    "fixtures/sshd_config/43-match-many-keywords.root.sshd-T", &conn);
	conn.host = NULL;
	compare_dump("fixtures/sshd_config/12-match-multiple.conf",
	    "fixtures/sshd_config/12-match-multiple.root.sshd-T", &conn);
	memset(&conn, 0, sizeof(conn));
	conn.user = "www-data";
	conn.groups = wgroups;
	conn.ngroups = 1;
	compare_dump("fixtures/sshd_config/07-match-group.conf",
	    "fixtures/sshd_config/07-match-group.www-data.sshd-T", &conn);
}

/* sshd -T output read back as a configuration gives the same output
 * (setenv aside: sshd prints one line per variable, and SetEnv keeps only
 * its first line). */
static void
test_dump_roundtrip(void **state)
{
	const char *conf = "fixtures/sshd_config/43-match-many-keywords.conf";
	size_t len;
	char *text = tu_read_file(conf, &len);
	struct memfile f = { "/etc/ssh/sshd_config", text, len };
	struct memfs fs = { &f, 1, NULL, 0, 0 };
	struct sshd_config *c = parse_fs(&fs, "/etc/ssh/sshd_config");
	struct sshd_eff *e = eff_for(c, "root", "10.0.0.1");
	struct sshd_config *c2;
	struct sshd_eff *e2;
	struct buf a, b;

	buf_init(&a);
	sshd_eff_dump(e, &a);
	c2 = parse_text(a.data);
	assert_no_errors(c2);
	e2 = sshdconf_effective(c2, NULL);
	buf_init(&b);
	sshd_eff_dump(e2, &b);
	assert_string_equal(a.data, b.data);
	buf_free(&a);
	buf_free(&b);
	sshd_eff_free(e);
	sshd_eff_free(e2);
	sshdconf_free(c);
	sshdconf_free(c2);
	free(text);
}

static void
test_bounds(void **state)
{
	struct buf b;
	struct sshd_config *c;
	const struct sshdconf_error *e;

	/* more words than SSHDCONF_MAX_ARGS: keyaudit's limit, not sshd's */
	buf_init(&b);
	buf_puts(&b, "AllowUsers");
	for (int i = 0; i < SSHDCONF_MAX_ARGS + 1; i++)
		buf_printf(&b, " u%d", i);
	buf_puts(&b, "\nPasswordAuthentication no\n");
	c = parse_text(b.data);
	e = error_at_line(c, 1);
	assert_int_equal(e->unknown, 1);
	{
		struct sshd_eff *eff = sshdconf_effective(c, NULL);
		assert_int_equal(sshd_eff_bool(eff, "passwordauthentication"), 0);
		sshd_eff_free(eff);
	}
	sshdconf_free(c);
	buf_free(&b);

	/* more directives than SSHDCONF_MAX_DIRECTIVES */
	buf_init(&b);
	for (int i = 0; i < SSHDCONF_MAX_DIRECTIVES + 10; i++)
		buf_puts(&b, "AcceptEnv X\n");
	c = parse_text(b.data);
	assert_true(sshdconf_nerrors(c) >= 1);
	e = sshdconf_error_at(c, sshdconf_nerrors(c) - 1);
	assert_int_equal(e->unknown, 1);
	assert_int_equal(e->line, SSHDCONF_MAX_DIRECTIVES + 1);
	sshdconf_free(c);
	buf_free(&b);
}

static void
test_dump_format(void **state)
{
	struct sshd_config *c = parse_text("AuthenticationMethods publickey,password publickey\n"
	    "Subsystem sftp /usr/lib/sftp-server -l INFO\nPasswordAuthentication yes\n");
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	struct buf out;

	assert_no_errors(c);
	buf_init(&out);
	sshd_eff_dump(e, &out);
	assert_non_null(strstr(out.data, "\nauthenticationmethods publickey,password publickey\n"));
	assert_non_null(strstr(out.data, "\nsubsystem sftp /usr/lib/sftp-server -l INFO\n"));
	assert_non_null(strstr(out.data, "\nauthorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2\n"));
	assert_null(strstr(out.data, "debianbanner"));
	assert_true(strncmp(out.data, "port 22\naddressfamily any\nlistenaddress [::]:22\n", 48) == 0);
	buf_free(&out);
	sshd_eff_free(e);
	sshdconf_free(c);
}


/* Port x ListenAddress is a product: 100 x 100 stops at 4096 lines with an
 * error (sshd itself cannot listen on more than 16 sockets), instead of
 * growing with whatever a hostile host's config holds. */
static void
test_listen_product_bounded(void **state)
{
	struct buf b;
	struct sshd_config *c;
	const struct sshdconf_error *e;
	const struct sshd_value *v;
	struct sshd_eff *eff;

	buf_init(&b);
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "Port %d\n", 2000 + i);
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "ListenAddress 10.0.0.%d\n", i + 1);
	c = sshdconf_parse_text("/etc/ssh/sshd_config", b.data, 0);
	assert_true(sshdconf_nerrors(c) > 0);
	e = sshdconf_error_at(c, 0);
	assert_non_null(strstr(e->msg, "more than 4096 listen addresses"));
	eff = eff_for(c, "alice", NULL);
	v = sshd_eff_get(eff, "listenaddress");
	assert_int_equal(v->n, 4096);
	sshd_eff_free(eff);
	sshdconf_free(c);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_listen_product_bounded),
		cmocka_unit_test(test_first_wins_and_lists),
		cmocka_unit_test(test_lexing),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_messages_printable),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_all),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_dump_matches_sshd),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_dump_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
