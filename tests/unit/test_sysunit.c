/* test_sysunit.c - the distribution layers (scanner/parse/sysunit.c and
 * checks/distro.c): systemd unit and environment files as systemd reads
 * them, sshd's command line from ExecStart=, ssh.socket's ListenStream=
 * over drop-ins, -o ahead of sshd_config, and a drop-in that overrides the
 * main file. tests/distro/run.sh holds the same against real sshd. */
#include "tests/unit/testutil.h"
#include "scanner/parse/sysunit.h"
#include "scanner/parse/sshdconf.h"

static void
test_unit_collect(void **state)
{
	struct unit_values v = { 0 };
	const char *unit =
	    "[Unit]\nListenStream=99\n"
	    "[Socket]\n"
	    "# ListenStream=1\n"
	    "; ListenStream=2\n"
	    "ListenStream = 22\n"
	    "ListenStream=[::1]:2222 \\\n"
	    "\n"
	    "Accept=no\n"
	    "[Install]\nListenStream=98\n";

	(void)state;
	unit_collect("/u", unit, strlen(unit), "Socket", "ListenStream", &v);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0].value, "22");
	assert_int_equal(v.v[0].line, 6);
	/* a trailing backslash joins the next line (here an empty one) */
	assert_string_equal(v.v[1].value, "[::1]:2222");
	assert_int_equal(v.v[1].line, 7);
	/* a drop-in: the empty assignment resets, then one value */
	unit = "[Socket]\nListenStream=\nListenStream=2200\n";
	unit_collect("/d", unit, strlen(unit), "Socket", "ListenStream", &v);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.v[0].value, "2200");
	assert_string_equal(v.v[0].file, "/d");
	assert_int_equal(v.v[0].line, 3);
	unit_values_free(&v);
}

static void
test_envfile(void **state)
{
	struct unit_values env = { 0 };
	const char *be = "CRYPTO_POLICY='-oCiphers=aes256-ctr -oMACs=hmac-sha2-256'\n";
	const char *sys = "# System-wide crypto policy:\n# CRYPTO_POLICY=\n"
	    "OPTIONS=\"-u0\"\nexport SSH_USE_STRONG_RNG=0\n";

	(void)state;
	envfile_apply("/be", be, strlen(be), &env);
	envfile_apply("/sys", sys, strlen(sys), &env);
	assert_int_equal(env.n, 3);
	assert_string_equal(env.v[0].value,
	    "CRYPTO_POLICY=-oCiphers=aes256-ctr -oMACs=hmac-sha2-256");
	assert_string_equal(env.v[0].file, "/be");
	assert_string_equal(env.v[1].value, "OPTIONS=-u0");
	assert_string_equal(env.v[2].value, "SSH_USE_STRONG_RNG=0");
	/* the opt-out: a later empty assignment replaces the policy */
	envfile_apply("/sys", "CRYPTO_POLICY=\n", 15, &env);
	assert_string_equal(env.v[0].value, "CRYPTO_POLICY=");
	assert_string_equal(env.v[0].file, "/sys");
	unit_values_free(&env);
}

static void
test_cmdline(void **state)
{
	struct unit_values env = { 0 };
	struct unit_value exec = { "/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY", "/unit", 11 };
	struct sshd_cmdline c = { 0 };
	const char *be = "CRYPTO_POLICY='-oCiphers=aes256-ctr -oPubkeyAcceptedKeyTypes=rsa-sha2-256'\n"
	    "OPTIONS='-p 2200 -o LogLevel=VERBOSE -Do UseDNS=no'\n";

	(void)state;
	envfile_apply("/be", be, strlen(be), &env);
	assert_int_equal(sshd_cmdline_parse(&exec, &env, &c), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.v[0].text, "Port 2200");
	assert_string_equal(c.v[1].text, "LogLevel=VERBOSE");
	assert_string_equal(c.v[2].text, "UseDNS=no");	/* -D then -o, one word */
	assert_string_equal(c.v[3].text, "Ciphers=aes256-ctr");
	assert_string_equal(c.v[3].file, "/be");
	assert_int_equal(c.v[3].line, 1);
	assert_string_equal(c.v[4].text, "PubkeyAcceptedKeyTypes=rsa-sha2-256");
	sshd_cmdline_free(&c);

	/* ${NAME} is one word; an unset $NAME is no word; quotes group */
	exec.value = "-/usr/sbin/sshd -D ${X} $UNSET \"-oBanner=/etc/a b\"";
	unit_values_free(&env);
	envfile_apply("/e", "X=-oMaxAuthTries=3\n", 19, &env);
	assert_int_equal(sshd_cmdline_parse(&exec, &env, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].text, "MaxAuthTries=3");
	assert_string_equal(c.v[0].file, "/e");
	assert_string_equal(c.v[1].text, "Banner=/etc/a b");
	assert_string_equal(c.v[1].file, "/unit");
	sshd_cmdline_free(&c);

	/* not sshd */
	exec.value = "/bin/kill -HUP $MAINPID";
	assert_int_equal(sshd_cmdline_parse(&exec, &env, &c), -1);
	assert_int_equal(c.n, 0);
	unit_values_free(&env);
}

static void
test_listen_addrs(void **state)
{
	struct strlist l = { 0 };

	(void)state;
	assert_int_equal(unit_listen_addrs("22", &l), 0);
	assert_int_equal(unit_listen_addrs("127.0.0.1:2222", &l), 0);
	assert_int_equal(unit_listen_addrs("[::1]:2200", &l), 0);
	assert_int_equal(unit_listen_addrs("/run/ssh.sock", &l), -1);
	assert_int_equal(unit_listen_addrs("vsock::22", &l), -1);
	assert_int_equal(unit_listen_addrs("70000", &l), -1);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "0.0.0.0:22");
	assert_string_equal(l.v[1], "[::]:22");
	assert_string_equal(l.v[2], "127.0.0.1:2222");
	assert_string_equal(l.v[3], "[::1]:2200");
	strlist_free(&l);
}

/* ---------------------------------------------------------- snapshots */

static struct snap_file *
add_type(struct snapshot *s, const char *path, enum snap_ftype t)
{
	struct snap_file *f = snap_file_add(s, path);

	f->type = t;
	f->mode = t == SNAP_DIR ? 0755 : 0644;
	return f;
}

static void
add_text(struct snapshot *s, const char *path, const char *text)
{
	struct snap_file *f = add_type(s, path, SNAP_REG);

	f->content = xstrdup(text);
	f->content_len = strlen(text);
	f->has_content = 1;
}

static void
add_link(struct snapshot *s, const char *path, const char *to)
{
	add_type(s, path, SNAP_LNK)->link = xstrdup(to);
}

static void
add_glob(struct snapshot *s, const char *pattern, const char *match)
{
	struct snap_glob *g = snap_glob_add(s, pattern);

	if (match != NULL)
		strlist_add(&g->matches, match);
}

/* Every unit path collected and absent, every directory there. */
static void
units_absent(struct snapshot *s)
{
	static const char *const dirs[] = { "/", "/etc", "/etc/systemd",
	    "/etc/systemd/system", "/etc/systemd/system/sockets.target.wants",
	    "/run", "/run/systemd", "/run/systemd/generator",
	    "/run/systemd/generator/ssh.socket.d", "/usr", "/usr/lib",
	    "/usr/lib/systemd", "/usr/lib/systemd/system", "/etc/ssh",
	    "/etc/systemd/system/ssh.socket.d", NULL };

	for (size_t i = 0; dirs[i] != NULL; i++)
		add_type(s, dirs[i], SNAP_DIR);
	for (size_t d = 0; sysunit_dirs[d] != NULL; d++)
		for (size_t u = 0; sysunit_units[u] != NULL; u++) {
			char *p = xasprintf("%s/%s", sysunit_dirs[d], sysunit_units[u]);
			add_type(s, p, SNAP_NOENT);
			free(p);
		}
	for (size_t i = 0; sysunit_files[i] != NULL; i++)
		add_type(s, sysunit_files[i], SNAP_NOENT);
}

static void
test_socket(void **state)
{
	struct snapshot s;
	struct sshd_socket k;

	(void)state;
	snapshot_init(&s);
	/* nothing collected: unknown */
	assert_int_equal(sysunit_socket(&s, &k), -1);
	units_absent(&s);
	add_text(&s, "/usr/lib/systemd/system/ssh.socket",
	    "[Socket]\nListenStream=22\nAccept=no\n");
	assert_int_equal(sysunit_socket(&s, &k), 0);	/* not enabled */
	add_link(&s, "/etc/systemd/system/sockets.target.wants/ssh.socket",
	    "/usr/lib/systemd/system/ssh.socket");
	/* drop-ins: by file name across directories; /etc's b.conf hides
	 * the generator's b.conf */
	add_glob(&s, "/etc/systemd/system/ssh.socket.d/*.conf",
	    "/etc/systemd/system/ssh.socket.d/b.conf");
	add_text(&s, "/etc/systemd/system/ssh.socket.d/b.conf",
	    "[Socket]\nListenStream=2202\n");
	add_glob(&s, "/run/systemd/generator/ssh.socket.d/*.conf",
	    "/run/systemd/generator/ssh.socket.d/a.conf");
	add_glob(&s, "/run/systemd/generator/ssh.socket.d/*.conf",
	    "/run/systemd/generator/ssh.socket.d/b.conf");
	add_text(&s, "/run/systemd/generator/ssh.socket.d/a.conf",
	    "[Socket]\nListenStream=\nListenStream=2201\n");
	add_text(&s, "/run/systemd/generator/ssh.socket.d/b.conf",
	    "[Socket]\nListenStream=\nListenStream=9999\n");
	assert_int_equal(sysunit_socket(&s, &k), 1);
	assert_string_equal(k.unit, "ssh.socket");
	assert_int_equal(k.dropins.n, 2);
	assert_string_equal(k.dropins.v[0], "/run/systemd/generator/ssh.socket.d/a.conf");
	assert_string_equal(k.dropins.v[1], "/etc/systemd/system/ssh.socket.d/b.conf");
	/* 22 reset by a.conf, then 2201, then b.conf's 2202 */
	assert_int_equal(k.listen.n, 2);
	assert_string_equal(k.listen.v[0].value, "2201");
	assert_string_equal(k.listen.v[1].value, "2202");
	assert_string_equal(k.listen.v[1].file, "/etc/systemd/system/ssh.socket.d/b.conf");
	sshd_socket_free(&k);
	/* masked in /etc: not loaded */
	add_link(&s, "/etc/systemd/system/ssh.socket", "/dev/null");
	assert_int_equal(sysunit_socket(&s, &k), -1);
	sshd_socket_free(&k);
	snapshot_free(&s);
}

static void
test_service_cmdline(void **state)
{
	struct snapshot s;
	struct sshd_cmdline c;

	(void)state;
	snapshot_init(&s);
	units_absent(&s);
	add_text(&s, "/usr/lib/systemd/system/sshd.service",
	    "[Service]\nEnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config\n"
	    "EnvironmentFile=-/etc/sysconfig/sshd\n"
	    "ExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY\n");
	add_type(&s, "/etc/crypto-policies", SNAP_DIR);
	add_type(&s, "/etc/crypto-policies/back-ends", SNAP_DIR);
	add_type(&s, "/usr/share", SNAP_DIR);
	add_type(&s, "/usr/share/crypto-policies", SNAP_DIR);
	add_type(&s, "/usr/share/crypto-policies/FIPS", SNAP_DIR);
	add_link(&s, "/etc/crypto-policies/back-ends/opensshserver.config",
	    "/usr/share/crypto-policies/FIPS/opensshserver.txt");
	add_text(&s, "/usr/share/crypto-policies/FIPS/opensshserver.txt",
	    "CRYPTO_POLICY='-oPubkeyAcceptedKeyTypes=rsa-sha2-256'\n");
	sysunit_sshd_cmdline(&s, &c);
	assert_string_equal(c.unit, "/usr/lib/systemd/system/sshd.service");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].text, "PubkeyAcceptedKeyTypes=rsa-sha2-256");
	/* the origin is the path the unit names, not the link's target */
	assert_string_equal(c.v[0].file, "/etc/crypto-policies/back-ends/opensshserver.config");
	sshd_cmdline_free(&c);
	/* a drop-in's empty ExecStart= then its own */
	add_glob(&s, "/etc/systemd/system/sshd.service.d/*.conf",
	    "/etc/systemd/system/sshd.service.d/x.conf");
	add_type(&s, "/etc/systemd/system/sshd.service.d", SNAP_DIR);
	add_text(&s, "/etc/systemd/system/sshd.service.d/x.conf",
	    "[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D -oMaxAuthTries=2\n");
	sysunit_sshd_cmdline(&s, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].text, "MaxAuthTries=2");
	sshd_cmdline_free(&c);
	snapshot_free(&s);
}

/* sshd -o: ahead of the file, so it wins; a Match block still applies
 * over it (sshd copies a matching block's values over its options). */
static void
test_cmdopt_precedence(void **state)
{
	struct sshd_cmdopt o[] = {
		{ "PubkeyAcceptedKeyTypes=rsa-sha2-256", "/be", 1 },
		{ "Ciphers=aes128-ctr", "/be", 1 },
	};
	struct sshd_config *c = sshdconf_parse_text_opts("cfg",
	    "Ciphers aes256-ctr\nPubkeyAcceptedAlgorithms ssh-ed25519\n"
	    "Match User bob\n\tPubkeyAcceptedAlgorithms ssh-ed25519\n", 0, o, 2);
	struct sshd_conn bob = { .user = "bob" };
	struct sshd_eff *g, *b;
	const struct sshd_value *v;

	(void)state;
	assert_int_equal(sshdconf_nerrors(c), 0);
	g = sshdconf_effective(c, NULL);
	v = sshd_eff_get(g, "pubkeyacceptedalgorithms");
	assert_string_equal(v->v[0], "rsa-sha2-256");
	assert_string_equal(v->file, "/be");
	assert_int_equal(v->line, 1);
	assert_string_equal(sshd_eff_str(g, "ciphers"), "aes128-ctr");
	b = sshdconf_effective(c, &bob);
	assert_string_equal(sshd_eff_str(b, "pubkeyacceptedalgorithms"), "ssh-ed25519");
	sshd_eff_free(g);
	sshd_eff_free(b);
	sshdconf_free(c);
}

static void
test_dropin_overrides(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	struct ka_options o = { 0 };
	struct strlist only = { 0 };
	const struct ka_finding *f;

	(void)state;
	snapshot_init(&s);
	s.target = xstrdup("t");
	units_absent(&s);
	add_type(&s, "/etc/ssh/sshd_config.d", SNAP_DIR);
	add_text(&s, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
	    "PasswordAuthentication no\nPermitRootLogin without-password\nAcceptEnv LANG\n"
	    "LoginGraceTime 2m\nAuthorizedKeysFile .ssh/a .ssh/b\n"
	    "Match User x\n\tPasswordAuthentication no\n");
	add_glob(&s, "/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/50-cloud-init.conf");
	add_text(&s, "/etc/ssh/sshd_config.d/50-cloud-init.conf",
	    "PasswordAuthentication yes\nPermitRootLogin prohibit-password\nAcceptEnv LC_*\n"
	    "LoginGraceTime 120\nAuthorizedKeysFile .ssh/a\n");
	strlist_add(&only, "sshd.dropin-overrides");
	strlist_add(&only, "sshd.password-auth");
	o.only = &only;
	host_result_init(&r, "t");
	engine_check_snapshot(&s, &o, &r);
	/* PasswordAuthentication and AuthorizedKeysFile (the first whole
	 * list wins): PermitRootLogin and LoginGraceTime are the same values
	 * spelled otherwise, AcceptEnv accumulates, the Match line is no
	 * global line */
	assert_int_equal(tu_count(&r, "sshd.dropin-overrides"), 2);
	f = tu_find(&r, "sshd.dropin-overrides", NULL, "/etc/ssh/sshd_config");
	assert_non_null(f);
	assert_int_equal(f->line, 2);
	{
		int akf = 0;

		for (size_t i = 0; i < r.nfindings; i++)
			if (strcmp(r.findings[i].rule->id, "sshd.dropin-overrides") == 0 &&
			    r.findings[i].line == 6)
				akf = 1;
		assert_true(akf);
	}
	f = tu_find(&r, "sshd.dropin-overrides", NULL, "/etc/ssh/sshd_config");
	assert_non_null(f);
	assert_int_equal(f->line, 2);
	assert_non_null(strstr(f->message, "/etc/ssh/sshd_config.d/50-cloud-init.conf:1"));
	f = tu_find(&r, "sshd.password-auth", NULL, "/etc/ssh/sshd_config.d/50-cloud-init.conf");
	assert_non_null(f);
	assert_int_equal(f->line, 1);
	host_result_free(&r);
	strlist_free(&only);
	snapshot_free(&s);
}

/* The target's sshd -T runs without the command line: where an option
 * sets a keyword, its different answer is no disagreement, and where
 * another keyword disagrees, sshd's answer is taken with the command line
 * applied over it. */
static void
test_sshd_t_without_cmdline(void **state)
{
	const char *cfg = "PubkeyAcceptedAlgorithms ssh-ed25519,rsa-sha2-256\n";
	struct snapshot s;
	struct ka_host_result r;
	struct ka_options o = { 0 };
	struct strlist only = { 0 };
	struct sshd_config *plain;
	struct sshd_eff *e;
	struct buf dump;

	(void)state;
	snapshot_init(&s);
	s.target = xstrdup("t");
	units_absent(&s);
	add_text(&s, "/etc/ssh/sshd_config", cfg);
	add_text(&s, "/usr/lib/systemd/system/sshd.service",
	    "[Service]\nEnvironmentFile=-/etc/sysconfig/sshd\n"
	    "ExecStart=/usr/sbin/sshd -D $OPTIONS\n");
	add_type(&s, "/etc/sysconfig", SNAP_DIR);
	add_text(&s, "/etc/sysconfig/sshd", "OPTIONS='-oPubkeyAcceptedKeyTypes=rsa-sha2-256'\n");
	plain = sshdconf_parse_text("/etc/ssh/sshd_config", cfg, 0);
	e = sshdconf_effective(plain, NULL);
	buf_init(&dump);
	sshd_eff_dump(e, &dump);
	s.sshd_t = xcalloc(1, sizeof(*s.sshd_t));
	s.sshd_t[0].user = xstrdup("root");
	s.sshd_t[0].output = buf_steal(&dump);
	s.nsshd_t = 1;
	strlist_add(&s.users, "root");
	strlist_add(&only, "sshd.engine-disagrees");
	o.only = &only;
	host_result_init(&r, "t");
	engine_check_snapshot(&s, &o, &r);
	assert_int_equal(tu_count(&r, "sshd.engine-disagrees"), 0);
	host_result_free(&r);
	/* another keyword differs: reported, and the option still stands */
	free(s.sshd_t[0].output);
	buf_init(&dump);
	sshd_eff_dump(e, &dump);
	buf_puts(&dump, "maxauthtries 2\n");
	s.sshd_t[0].output = buf_steal(&dump);
	host_result_init(&r, "t");
	{
		struct ka_ctx ctx;

		ctx_init(&ctx, &s, &o, &r);
		assert_int_equal(ctx.nusers, 1);
		assert_int_equal(ctx.users[0].disagree.n, 1);
		assert_string_equal(ctx.users[0].disagree.v[0], "maxauthtries");
		assert_string_equal(sshd_eff_str(ctx.users[0].eff, "pubkeyacceptedalgorithms"),
		    "rsa-sha2-256");
		ctx_free(&ctx);
	}
	host_result_free(&r);
	sshd_eff_free(e);
	sshdconf_free(plain);
	strlist_free(&only);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_collect),
		cmocka_unit_test(test_envfile),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_listen_addrs),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_service_cmdline),
		cmocka_unit_test(test_cmdopt_precedence),
		cmocka_unit_test(test_dropin_overrides),
		cmocka_unit_test(test_sshd_t_without_cmdline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
