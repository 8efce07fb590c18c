/* test_sshdpolicy.c - the hardening checks against the real OpenSSH
 * binaries: each fix keyaudit prints is applied to a copy of the
 * configuration and `sshd -T` must then show the hardened value (and a new
 * scan must be clean); the removed/renamed keyword tables must agree with
 * what sshd logs; host key modes must agree with what sshd loads; the
 * client checks must agree with `ssh -G`. sshd -T reads host keys, so the
 * sshd oracles run as root and are skipped otherwise. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "checks/check.h"
#include "scanner/policy.h"

static char tmpdir[] = "/tmp/ka-test-sshdpol-XXXXXX";
static char *hostkey;

static int
setup(void **state)
{
	char *cmd;
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	hostkey = xasprintf("%s/hostkey", tmpdir);
	cmd = xasprintf("ssh-keygen -q -t ed25519 -N '' -f '%s' </dev/null >/dev/null 2>&1",
	    hostkey);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	free(hostkey);
	return rc == 0 ? 0 : -1;
}

static int
is_root(void)
{
	return geteuid() == 0 && access("/usr/sbin/sshd", X_OK) == 0;
}

/* ---------------------------------------------- an in-memory file tree */

struct tfile {
	char *path;
	struct buf text;
};

struct tree {
	struct tfile f[16];
	size_t n;
	const char *version;
	const char *user;	/* an audited account, or NULL */
};

static struct tfile *
tree_get(struct tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->f[i].path, path) == 0)
			return &t->f[i];
	assert_true(t->n < 16);
	t->f[t->n].path = xstrdup(path);
	buf_init(&t->f[t->n].text);
	buf_puts(&t->f[t->n].text, "");
	return &t->f[t->n++];
}

static void
tree_set(struct tree *t, const char *path, const char *text)
{
	struct tfile *f = tree_get(t, path);

	f->text.len = 0;
	buf_puts(&f->text, text);
}

static void
tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->f[i].path);
		buf_free(&t->f[i].text);
	}
	t->n = 0;
}

static struct snap_file *
add_node(struct snapshot *s, const char *path, enum snap_ftype type, uint32_t mode)
{
	struct snap_file *f = snap_file_add(s, path);

	f->type = type;
	f->mode = mode;
	return f;
}

static void
add_account(struct snapshot *s, const char *name, uint32_t uid)
{
	struct snap_account *a;
	struct snap_group *g;

	s->accounts = xreallocarray(s->accounts, s->naccounts + 1, sizeof(*s->accounts));
	a = &s->accounts[s->naccounts++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	a->uid = a->gid = uid;
	a->gecos = xstrdup("");
	a->home = uid ? xasprintf("/home/%s", name) : xstrdup("/root");
	a->shell = xstrdup("/bin/bash");
	a->expire_day = -1;
	s->groups = xreallocarray(s->groups, s->ngroups + 1, sizeof(*s->groups));
	g = &s->groups[s->ngroups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->gid = uid;
}

/* The snapshot a collector would have made of the tree. */
static void
tree_snapshot(const struct tree *t, struct snapshot *s)
{
	struct snap_glob *g;

	snapshot_init(s);
	s->target = xstrdup("t");
	s->hostname = xstrdup("t");
	s->transport = xstrdup("file");
	s->collected_at = 1767225600;
	s->sshd_version = t->version ? xstrdup(t->version) : NULL;
	s->sshd_config_path = xstrdup("/etc/ssh/sshd_config");
	s->privileged = 1;
	s->accounts_known = 1;
	add_account(s, "root", 0);
	if (t->user != NULL) {
		add_account(s, t->user, 1000);
		strlist_add(&s->users, t->user);
	}
	add_node(s, "/", SNAP_DIR, 0755);
	add_node(s, "/etc", SNAP_DIR, 0755);
	add_node(s, "/etc/ssh", SNAP_DIR, 0755);
	add_node(s, "/etc/ssh/sshd_config.d", SNAP_DIR, 0755);
	g = snap_glob_add(s, "/etc/ssh/sshd_config.d/*.conf");
	for (size_t i = 0; i < t->n; i++) {
		struct snap_file *f = add_node(s, t->f[i].path, SNAP_REG, 0644);

		f->has_content = 1;
		f->content = xstrdup(t->f[i].text.data);
		f->content_len = t->f[i].text.len;
		f->size = (int64_t)f->content_len;
		if (strncmp(t->f[i].path, "/etc/ssh/sshd_config.d/", 23) == 0)
			strlist_add(&g->matches, t->f[i].path);
	}
	/* glob(3) order */
	for (size_t i = 1; i < g->matches.n; i++)
		for (size_t j = i; j > 0 && strcmp(g->matches.v[j - 1], g->matches.v[j]) > 0; j--) {
			char *x = g->matches.v[j];
			g->matches.v[j] = g->matches.v[j - 1];
			g->matches.v[j - 1] = x;
		}
	/* what an Include naming the file itself globs to */
	for (size_t i = 0; i < t->n; i++)
		strlist_add(&snap_glob_add(s, t->f[i].path)->matches, t->f[i].path);
}

/* Findings of one rule (and the policy, if any) for the tree. */
static void
tree_scan(const struct tree *t, const char *rule, const struct ka_policy *p,
    struct ka_host_result *r)
{
	struct snapshot s;
	struct strlist only = { 0 };
	struct ka_options o = { 0 };

	strlist_add(&only, rule);
	o.only = &only;
	o.policy = p;
	tree_snapshot(t, &s);
	host_result_init(r, s.target);
	engine_check_snapshot(&s, &o, r);
	snapshot_free(&s);
	strlist_free(&only);
}

static char *
replace_all(const char *s, const char *from, const char *to)
{
	struct buf b;
	size_t fl = strlen(from);

	buf_init(&b);
	buf_puts(&b, "");
	while (*s != '\0') {
		if (strncmp(s, from, fl) == 0) {
			buf_puts(&b, to);
			s += fl;
		} else
			buf_putc(&b, *s++);
	}
	return buf_steal(&b);
}

/* Write the tree under tmpdir (Include paths moved along) and return what
 * sshd -T prints for it, with -C spec when not NULL. */
static char *
sshd_T(const struct tree *t, const char *spec)
{
	char *root = xasprintf("%s/root", tmpdir), *cmd, *etc;
	struct buf out;
	char line[4096];
	FILE *p;

	cmd = xasprintf("rm -rf '%s' && mkdir -p '%s/etc/ssh/sshd_config.d'", root, root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	etc = xasprintf("%s/etc/ssh/", root);
	for (size_t i = 0; i < t->n; i++) {
		char *path = xasprintf("%s%s", root, t->f[i].path);
		char *text = replace_all(t->f[i].text.data, "/etc/ssh/", etc);
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		free(text);
		free(path);
	}
	cmd = xasprintf("/usr/sbin/sshd -T -f '%s/etc/ssh/sshd_config' -h '%s'%s%s 2>&1",
	    root, hostkey, spec ? " -C " : "", spec ? spec : "");
	p = popen(cmd, "r");
	assert_non_null(p);
	buf_init(&out);
	while (fgets(line, sizeof(line), p) != NULL)
		buf_puts(&out, line);
	assert_int_equal(pclose(p), 0);
	free(cmd);
	free(etc);
	free(root);
	return buf_steal(&out);
}

/* "kw value" line of sshd -T output: the value. Caller frees. */
static char *
T_value(const char *out, const char *kw)
{
	size_t kl = strlen(kw);

	for (const char *s = out; s != NULL && *s != '\0';) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n > kl && strncmp(s, kw, kl) == 0 && s[kl] == ' ')
			return xstrndup(s + kl + 1, n - kl - 1);
		s = nl ? nl + 1 : NULL;
	}
	fail_msg("sshd -T printed no %s", kw);
	return NULL;
}

/* Text between the first pair of single quotes after marker. */
static char *
quoted_after(const char *s, const char *marker)
{
	const char *p = strstr(s, marker), *q;

	assert_non_null(p);
	p = strchr(p, '\'');
	assert_non_null(p);
	q = strchr(p + 1, '\'');
	assert_non_null(q);
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/*
 * Do what a fix says, to the tree: "add 'LINE' to FILE[ before line N ...]"
 * or "in FILE line N[ (in its Match block)], change the line to 'LINE'".
 */
static void
apply_fix(struct tree *t, const char *fix)
{
	char file[1024];
	int lineno = 0;
	char *cfg;
	struct tfile *f;
	struct buf nb;
	const char *s;
	int cur = 1;

	if (strncmp(fix, "add '", 5) == 0) {
		const char *to = strstr(fix, "' to ");

		cfg = quoted_after(fix, "add");
		assert_non_null(to);
		assert_int_equal(sscanf(to + 5, "%1023[^, ]", file), 1);
		if ((s = strstr(to, " before line ")) != NULL)
			lineno = atoi(s + 13);
	} else if (strncmp(fix, "in ", 3) == 0) {
		assert_int_equal(sscanf(fix + 3, "%1023s line %d", file, &lineno), 2);
		cfg = quoted_after(fix, "change the line to");
	} else {
		fail_msg("fix not understood: %s", fix);
		return;
	}
	f = tree_get(t, file);
	buf_init(&nb);
	buf_puts(&nb, "");
	s = f->text.data;
	if (lineno == 0) {
		buf_puts(&nb, s);
		buf_printf(&nb, "%s\n", cfg);
	} else {
		int replace = strncmp(fix, "in ", 3) == 0;
		while (*s != '\0' || cur == lineno) {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);

			if (cur == lineno)
				buf_printf(&nb, "%s\n", cfg);
			if (cur != lineno || !replace)
				buf_append(&nb, s, n);
			s += n;
			cur++;
			if (n == 0)
				break;
		}
	}
	buf_free(&f->text);
	f->text = nb;
	free(cfg);
}

/* One case: the scan finds rule, its fix is as expected, and after applying
 * it sshd -T shows want for kw and a new scan finds nothing. */
static void
fix_case(struct tree *t, const char *rule, const char *spec, const char *kw,
    const char *want, const char *expect_fix)
{
	struct ka_host_result r;
	char *out, *v;

	tree_scan(t, rule, NULL, &r);
	if (r.nfindings != 1) {
		tu_dump(&r);
		fail_msg("%s: %zu findings, expected 1", rule, r.nfindings);
	}
	assert_string_equal(tu_fix(&r.findings[0]), expect_fix);
	apply_fix(t, tu_fix(&r.findings[0]));
	host_result_free(&r);

	tree_scan(t, rule, NULL, &r);
	if (r.nfindings != 0) {
		tu_dump(&r);
		fail_msg("%s still reported after its fix", rule);
	}
	host_result_free(&r);
	if (!is_root())
		return;
	out = sshd_T(t, spec);
	v = T_value(out, kw);
	assert_string_equal(v, want);
	free(v);
	free(out);
}

/* ------------------------------------------------------ fix placement */

/* Debian's layout: a default value is fixed by a drop-in, which sshd reads
 * before the rest of the main file. */
static void
test_fix_dropin(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };

	tree_set(&t, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
	    "PasswordAuthentication no\nMatch User alice\n  X11Forwarding yes\n");
	tree_set(&t, "/etc/ssh/sshd_config.d/10-base.conf", "KbdInteractiveAuthentication no\n");
	fix_case(&t, "sshd.max-auth-tries", NULL, "maxauthtries", "4",
	    "add 'MaxAuthTries 4' to /etc/ssh/sshd_config.d/50-keyaudit.conf, then "
	    "run: sshd -t && systemctl reload ssh");
	/* and it wins even over a later line in the main file */
	tree_set(&t, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
	    "PasswordAuthentication no\nLogLevel INFO\n");
	fix_case(&t, "sshd.log-level", NULL, "loglevel", "VERBOSE",
	    "in /etc/ssh/sshd_config line 3, change the line to 'LogLevel VERBOSE', "
	    "then run: sshd -t && systemctl reload ssh");
	tree_free(&t);
}

/* A new line goes before the first Match block, not at the end where it
 * would belong to that block. */
static void
test_fix_before_match(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };
	char *out, *v;

	tree_set(&t, "/etc/ssh/sshd_config", "PasswordAuthentication no\n"
	    "Match User alice\n  X11Forwarding yes\n");
	if (is_root()) {
		/* appended at the end, LogLevel only applies to alice */
		struct tree wrong = { 0 };
		tree_set(&wrong, "/etc/ssh/sshd_config", "PasswordAuthentication no\n"
		    "Match User alice\n  X11Forwarding yes\nLogLevel VERBOSE\n");
		out = sshd_T(&wrong, NULL);
		v = T_value(out, "loglevel");
		assert_string_equal(v, "INFO");
		free(v);
		free(out);
		tree_free(&wrong);
	}
	fix_case(&t, "sshd.log-level", "user=bob,host=h,addr=192.0.2.1", "loglevel",
	    "VERBOSE", "add 'LogLevel VERBOSE' to /etc/ssh/sshd_config before line 2 "
	    "(its first Match block), then run: sshd -t && systemctl reload ssh");
	tree_free(&t);
}

/* A value set in a drop-in is changed where it is set. */
static void
test_fix_in_dropin(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };

	tree_set(&t, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
	    "X11Forwarding no\n");
	tree_set(&t, "/etc/ssh/sshd_config.d/50-cloud-init.conf", "# cloud\nX11Forwarding yes\n");
	fix_case(&t, "sshd.x11-forwarding", NULL, "x11forwarding", "no",
	    "in /etc/ssh/sshd_config.d/50-cloud-init.conf line 2, change the line to "
	    "'X11Forwarding no', then run: sshd -t && systemctl reload ssh");
	tree_free(&t);
}

/* A Match block that weakens a setting for one user: its own line. Not
 * Debian: the unit is sshd. */
static void
test_fix_match_user(void **state)
{
	struct tree t = { .version = "OpenSSH_9.6p1, OpenSSL 3.2.1 30 Jan 2024", .user = "alice" };

	tree_set(&t, "/etc/ssh/sshd_config", "AllowTcpForwarding no\nMatch User alice\n"
	    "  AllowTcpForwarding yes\n");
	fix_case(&t, "sshd.tcp-forwarding", "user=alice,host=h,addr=192.0.2.1",
	    "allowtcpforwarding", "no", "in /etc/ssh/sshd_config line 3 (in its Match "
	    "block), change the line to 'AllowTcpForwarding no', then run: sshd -t && "
	    "systemctl reload sshd");
	tree_free(&t);
}

/* An algorithm list set by a line is written out: the admin's list less
 * and plus what is needed, never a relative form that would be relative
 * to the default; a default gets the relative form, which is exact. */
static void
test_alg_line(void **state)
{
	char *list = xstrdup("rsa-sha2-512,ssh-rsa,ecdsa-sha2-nistp256");
	char *words[] = { list };
	struct sshd_value set = { .keyword = "pubkeyacceptedalgorithms", .v = words, .n = 1,
	    .file = "/etc/ssh/sshd_config", .line = 7 };
	struct sshd_value dflt = set;
	const char *add[] = { "ssh-ed25519", NULL }, *drop[] = { "ssh-rsa", NULL };
	char *l;

	(void)state;
	l = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", &set, NULL, add);
	assert_string_equal(l, "PubkeyAcceptedAlgorithms "
	    "rsa-sha2-512,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519");
	free(l);
	l = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", &set, drop, NULL);
	assert_string_equal(l, "PubkeyAcceptedAlgorithms rsa-sha2-512,ecdsa-sha2-nistp256");
	free(l);
	dflt.file = NULL;
	l = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", &dflt, NULL, add);
	assert_string_equal(l, "PubkeyAcceptedAlgorithms +ssh-ed25519");
	free(l);
	l = sshdpolicy_alg_line("PubkeyAcceptedAlgorithms", &dflt, drop, NULL);
	assert_string_equal(l, "PubkeyAcceptedAlgorithms -ssh-rsa");
	free(l);
	free(list);
}

/* The policy family's fix for a forbidden cipher: paste it, and sshd -T has
 * no CBC cipher left. */
static void
test_fix_policy_forbid(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };
	struct ka_policy *p = NULL;
	struct ka_host_result r;
	char *err = NULL, *out, *v;
	const char *text = "forbid Ciphers /-cbc$/\n";

	assert_int_equal(policy_parse(text, strlen(text), "p", &p, &err), 0);
	tree_set(&t, "/etc/ssh/sshd_config",
	    "Ciphers aes256-cbc,aes128-ctr,aes128-cbc,chacha20-poly1305@openssh.com\n");
	tree_scan(&t, "policy.forbid", p, &r);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(tu_fix(&r.findings[0]), "in /etc/ssh/sshd_config line 1, change "
	    "the line to 'Ciphers aes128-ctr,chacha20-poly1305@openssh.com', then run: "
	    "sshd -t && systemctl reload ssh");
	apply_fix(&t, tu_fix(&r.findings[0]));
	host_result_free(&r);
	tree_scan(&t, "policy.forbid", p, &r);
	assert_int_equal(r.nfindings, 0);
	host_result_free(&r);
	if (is_root()) {
		out = sshd_T(&t, NULL);
		v = T_value(out, "ciphers");
		assert_string_equal(v, "aes128-ctr,chacha20-poly1305@openssh.com");
		free(v);
		free(out);
	}
	policy_free(p);
	tree_free(&t);
}

/* ------------------------------------------ removed and renamed keywords */

struct oldkw {
	const char *line;	/* as written */
	const char *now;	/* sshd -T keyword it sets, or NULL: ignored */
	const char *value;	/* what sshd -T then prints */
};

static const struct oldkw removed[] = {
	{ "Protocol 2", NULL, NULL },
	{ "UsePrivilegeSeparation sandbox", NULL, NULL },
	{ "RSAAuthentication yes", NULL, NULL },
	{ "RhostsRSAAuthentication no", NULL, NULL },
	{ "RhostsAuthentication no", NULL, NULL },
	{ "KeyRegenerationInterval 3600", NULL, NULL },
	{ "ServerKeyBits 1024", NULL, NULL },
	{ "UseLogin no", NULL, NULL },
	{ "AuthorizedKeysFile2 .ssh/other", NULL, NULL },
	{ "PAMAuthenticationViaKbdInt no", NULL, NULL },
	{ "CheckMail no", NULL, NULL },
	{ "VerifyReverseMapping no", NULL, NULL },
	{ "ReverseMappingCheck no", NULL, NULL },
	{ "PermitBlacklistedKeys no", NULL, NULL },
	{ "KerberosGetAFSToken no", NULL, NULL },
	{ "KerberosTgtPassing no", NULL, NULL },
	{ "AFSTokenPassing no", NULL, NULL },
	{ "GSSUseSessionCCache no", NULL, NULL },
	{ "GSSAPIUseSessionCredCache no", NULL, NULL },
};

static const struct oldkw renamed[] = {
	{ "ChallengeResponseAuthentication no", "kbdinteractiveauthentication", "no" },
	{ "SkeyAuthentication no", "kbdinteractiveauthentication", "no" },
	{ "PubkeyAcceptedKeyTypes ssh-ed25519", "pubkeyacceptedalgorithms", "ssh-ed25519" },
	{ "HostbasedAcceptedKeyTypes ssh-ed25519", "hostbasedacceptedalgorithms", "ssh-ed25519" },
	{ "DSAAuthentication no", "pubkeyauthentication", "no" },
	{ "KeepAlive no", "tcpkeepalive", "no" },
};

/* sshd -t on a one-line config: 0 accepted; its stderr in *err. */
static int
sshd_t_line(const char *line, char **err)
{
	char *cfg = xasprintf("%s/one.conf", tmpdir), *cmd, buf[1024];
	FILE *f = fopen(cfg, "w"), *p;
	struct buf b;
	int rc;

	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
	cmd = xasprintf("/usr/sbin/sshd -t -f '%s' -h '%s' 2>&1", cfg, hostkey);
	p = popen(cmd, "r");
	buf_init(&b);
	buf_puts(&b, "");
	while (fgets(buf, sizeof(buf), p) != NULL)
		buf_puts(&b, buf);
	rc = pclose(p);
	*err = buf_steal(&b);
	free(cmd);
	free(cfg);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
test_old_keywords(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };
	struct ka_host_result r;
	char *text, *err, *out, *v;

	for (size_t i = 0; i < sizeof(removed) / sizeof(*removed); i++) {
		text = xasprintf("%s\n", removed[i].line);
		tree_set(&t, "/etc/ssh/sshd_config", text);
		tree_scan(&t, "sshd.removed-keyword", NULL, &r);
		if (r.nfindings != 1)
			fail_msg("%s: %zu sshd.removed-keyword findings", removed[i].line,
			    r.nfindings);
		assert_int_equal(r.findings[0].line, 1);
		host_result_free(&r);
		free(text);
		if (!is_root())
			continue;
		/* sshd accepts the line and does nothing with it */
		assert_int_equal(sshd_t_line(removed[i].line, &err), 0);
		if (strncmp(removed[i].line, "Protocol", 8) != 0 &&
		    strstr(err, "Deprecated option") == NULL &&
		    strstr(err, "Unsupported option") == NULL)
			fail_msg("%s: sshd said '%s'", removed[i].line, err);
		free(err);
	}
	for (size_t i = 0; i < sizeof(renamed) / sizeof(*renamed); i++) {
		text = xasprintf("%s\n", renamed[i].line);
		tree_set(&t, "/etc/ssh/sshd_config", text);
		tree_scan(&t, "sshd.deprecated-keyword", NULL, &r);
		if (r.nfindings != 1)
			fail_msg("%s: %zu sshd.deprecated-keyword findings", renamed[i].line,
			    r.nfindings);
		host_result_free(&r);
		free(text);
		if (!is_root())
			continue;
		/* the old name still sets the new keyword */
		out = sshd_T(&t, NULL);
		v = T_value(out, renamed[i].now);
		assert_string_equal(v, renamed[i].value);
		free(v);
		free(out);
	}
	/* current names are not reported */
	tree_set(&t, "/etc/ssh/sshd_config", "KbdInteractiveAuthentication no\n"
	    "PubkeyAcceptedAlgorithms ssh-ed25519\nTCPKeepAlive no\nHostKey /etc/ssh/k\n");
	tree_scan(&t, "sshd.deprecated-keyword", NULL, &r);
	assert_int_equal(r.nfindings, 0);
	host_result_free(&r);
	tree_scan(&t, "sshd.removed-keyword", NULL, &r);
	assert_int_equal(r.nfindings, 0);
	host_result_free(&r);
	tree_free(&t);
}

/* ---------------------------------------------------------- host keys */

/* Debian's sshd loads a root-owned host key only without group/other
 * bits: files.hostkey-perms must fire exactly when it refuses. */
static void
test_hostkey_modes_match_sshd(void **state)
{
	static const unsigned modes[] = { 0600, 0400, 0640, 0644, 0604, 0660, 0700 };
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };

	tree_set(&t, "/etc/ssh/sshd_config", "HostKey /etc/ssh/ssh_host_ed25519_key\n");
	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
		struct snapshot s;
		struct strlist only = { 0 };
		struct ka_options o = { 0 };
		struct ka_host_result r;
		struct snap_file *k;
		int reported;

		strlist_add(&only, "files.hostkey-perms");
		o.only = &only;
		tree_snapshot(&t, &s);
		k = add_node(&s, "/etc/ssh/ssh_host_ed25519_key", SNAP_REG, modes[i]);
		k->size = 411;
		host_result_init(&r, s.target);
		engine_check_snapshot(&s, &o, &r);
		reported = tu_count(&r, "files.hostkey-perms") == 1;
		host_result_free(&r);
		snapshot_free(&s);
		strlist_free(&only);
		assert_int_equal(reported, (modes[i] & 077) != 0);
		if (is_root()) {
			char *copy = xasprintf("%s/hk-%o", tmpdir, modes[i]);
			char *cmd = xasprintf("cp '%s' '%s' && chmod %o '%s' && "
			    "/usr/sbin/sshd -t -f /dev/null -h '%s' >/dev/null 2>&1",
			    hostkey, copy, modes[i], copy, copy);
			int loads = system(cmd) == 0;

			if (loads == reported)
				fail_msg("mode %04o: sshd %s the key, keyaudit %s it", modes[i],
				    loads ? "loads" : "refuses", reported ? "reports" :
				    "accepts");
			free(cmd);
			free(copy);
		}
	}
	tree_free(&t);
}

/* ------------------------------------------------------ client side */

struct ccase {
	const char *config;
	int weak;		/* ssh -G gives a weak value for some host */
};

static const char *const client_hosts[] = { "bastion", "web.lab", "internal", "other" };

/* Does ssh -G give kw a weak value for any of the hosts? */
static int
ssh_G_weak(const char *config, const char *kw)
{
	char *cfg = xasprintf("%s/ssh_config", tmpdir);
	FILE *f = fopen(cfg, "w");
	int weak = 0;

	assert_non_null(f);
	fputs(config, f);
	fclose(f);
	for (size_t i = 0; i < sizeof(client_hosts) / sizeof(*client_hosts); i++) {
		char *cmd = xasprintf("ssh -G -F '%s' %s 2>/dev/null", cfg, client_hosts[i]);
		FILE *p = popen(cmd, "r");
		char line[1024];
		size_t kl = strlen(kw);

		assert_non_null(p);
		while (fgets(line, sizeof(line), p) != NULL) {
			if (strncmp(line, kw, kl) != 0 || line[kl] != ' ')
				continue;
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(kw, "forwardagent") == 0)
				weak |= strcmp(line + kl + 1, "no") != 0;
			else
				weak |= strcmp(line + kl + 1, "false") == 0;
		}
		pclose(p);
		free(cmd);
	}
	free(cfg);
	return weak;
}

/* Does keyaudit report rule for a ~/.ssh/config with this text, and more
 * files (path, text, ..., NULL) beside it? */
static int
client_reported_with(const char *rule, const char *config, const char *const *more)
{
	struct snapshot s;
	struct strlist only = { 0 };
	struct ka_options o = { 0 };
	struct ka_host_result r;
	struct snap_file *f;
	int reported;

	snapshot_init(&s);
	s.target = xstrdup("t");
	s.collected_at = 1767225600;
	s.accounts_known = 1;
	add_account(&s, "alice", 1000);
	s.client_user = xstrdup("alice");
	add_node(&s, "/etc/ssh/ssh_config", SNAP_NOENT, 0);
	f = add_node(&s, "/home/alice/.ssh/config", SNAP_REG, 0600);
	f->uid = f->gid = 1000;
	f->has_content = 1;
	f->content = xstrdup(config);
	f->content_len = strlen(config);
	for (; more != NULL && *more != NULL; more += 2) {
		f = add_node(&s, more[0], SNAP_REG, 0644);
		f->has_content = 1;
		f->content = xstrdup(more[1]);
		f->content_len = strlen(more[1]);
	}
	strlist_add(&only, rule);
	o.only = &only;
	host_result_init(&r, s.target);
	engine_check_snapshot(&s, &o, &r);
	reported = r.nfindings > 0;
	host_result_free(&r);
	snapshot_free(&s);
	strlist_free(&only);
	return reported;
}

static int
client_reported(const char *rule, const char *config)
{
	return client_reported_with(rule, config, NULL);
}

static void
client_cases(const char *rule, const char *kw, const struct ccase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int reported = client_reported(rule, cases[i].config);

		if (reported != cases[i].weak)
			fail_msg("case %zu: keyaudit %s, expected %d:\n%s", i,
			    reported ? "reports" : "is silent", cases[i].weak,
			    cases[i].config);
		if (access("/usr/bin/ssh", X_OK) == 0 &&
		    ssh_G_weak(cases[i].config, kw) != cases[i].weak)
			fail_msg("case %zu: ssh -G disagrees with the test's "
			    "expectation:\n%s", i, cases[i].config);
	}
}

static void
test_client_forward_agent(void **state)
{
	static const struct ccase cases[] = {
		{ "ForwardAgent yes\n", 1 },
		{ "ForwardAgent no\n", 0 },
		{ "Host bastion\n  ForwardAgent yes\nHost *\n  ForwardAgent no\n", 1 },
		{ "Host *\n  ForwardAgent no\nHost bastion\n  ForwardAgent yes\n", 0 },
		{ "Host * !internal\n  ForwardAgent $SSH_AUTH_SOCK\n", 1 },
		{ "Match all\n  ForwardAgent no\nHost bastion\n  ForwardAgent yes\n", 0 },
		{ "Match all # every host\n  ForwardAgent no\nHost *\n  ForwardAgent yes\n", 0 },
		/* one pattern, not a list: "bastion,*" matches no probe, so
		 * the Host * line decides (the checks' own reader took it for
		 * every host and stayed silent) */
		{ "Host bastion,*\n  ForwardAgent no\nHost *\n  ForwardAgent yes\n", 1 },
		{ "# nothing\n", 0 },
	};

	client_cases("client.forward-agent", "forwardagent", cases,
	    sizeof(cases) / sizeof(*cases));
	/* A block for hosts none of the probes match: keyaudit cannot know
	 * which hosts the user reaches, so the line is reported anyway. */
	assert_int_equal(client_reported("client.forward-agent",
	    "Host nowhere.invalid\n  ForwardAgent yes\n"), 1);
}

/* ssh -G -F config for host "other": its forwardagent value. */
static char *
ssh_G_forwardagent(const char *config)
{
	char *cfg = xasprintf("%s/ssh_config", tmpdir), *cmd, line[1024], *v = NULL;
	FILE *f = fopen(cfg, "w"), *p;

	assert_non_null(f);
	fputs(config, f);
	fclose(f);
	cmd = xasprintf("ssh -G -F '%s' other 2>/dev/null", cfg);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p) != NULL)
		if (strncmp(line, "forwardagent ", 13) == 0)
			v = xstrndup(line + 13, strcspn(line + 13, "\n"));
	pclose(p);
	free(cmd);
	free(cfg);
	return v;
}

/*
 * Include as ssh reads it, where the checks' own reader did not: a quoted
 * file name with a blank (it split on blanks and kept the quotes) and
 * "~user/" (it took the word as a path relative to ~/.ssh). keyaudit reads
 * the included ForwardAgent yes now; ssh -G, given the same lines over
 * real files, agrees.
 */
static void
test_client_include(void **state)
{
	static const char *const blank[] = {
		"/home/alice/.ssh/my hosts.conf", "ForwardAgent yes\n", NULL,
	};
	static const char *const tilde[] = {
		"/home/alice/.ssh/more.conf", "ForwardAgent yes\n", NULL,
	};

	assert_int_equal(client_reported_with("client.forward-agent",
	    "Include \"/home/alice/.ssh/my hosts.conf\"\n", blank), 1);
	assert_int_equal(client_reported_with("client.forward-agent",
	    "Include ~alice/.ssh/more.conf\n", tilde), 1);
	if (access("/usr/bin/ssh", X_OK) != 0 || geteuid() != 0)
		return;
	{
		/* the same lines, over files ssh can open: a blank under
		 * tmpdir, and ~root/ (this test's own home) */
		char *dir = xstrdup("/root/.ka-test-client-XXXXXX"), *file, *cmd, *v;
		char *cfg;
		FILE *f;

		assert_non_null(mkdtemp(dir));
		file = xasprintf("%s/my hosts.conf", tmpdir);
		f = fopen(file, "w");
		assert_non_null(f);
		fputs("ForwardAgent yes\n", f);
		fclose(f);
		cfg = xasprintf("Include \"%s\"\n", file);
		v = ssh_G_forwardagent(cfg);
		assert_non_null(v);
		assert_string_equal(v, "yes");
		free(v);
		free(cfg);
		free(file);

		file = xasprintf("%s/more.conf", dir);
		f = fopen(file, "w");
		assert_non_null(f);
		fputs("ForwardAgent yes\n", f);
		fclose(f);
		cfg = xasprintf("Include ~root/%s/more.conf\n", dir + strlen("/root/"));
		v = ssh_G_forwardagent(cfg);
		assert_non_null(v);
		assert_string_equal(v, "yes");
		free(v);
		free(cfg);
		free(file);
		cmd = xasprintf("rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
		free(dir);
	}
}

static void
test_client_strict_host_key_checking(void **state)
{
	static const struct ccase cases[] = {
		{ "Host *.lab\n  StrictHostKeyChecking no\n", 1 },
		{ "StrictHostKeyChecking accept-new\nHost *.lab\n  StrictHostKeyChecking no\n", 0 },
		{ "StrictHostKeyChecking off\n", 1 },
		{ "StrictHostKeyChecking=ask\n", 0 },
		{ "Host other\n  StrictHostKeyChecking yes\nHost *\n  StrictHostKeyChecking no\n", 1 },
	};

	client_cases("client.strict-host-key-checking", "stricthostkeychecking", cases,
	    sizeof(cases) / sizeof(*cases));
}

/* ----------------------------------------- the lines as sshd reads them */

/*
 * An Include names a file whose name holds a blank, quoted as sshd_config(5)
 * allows. The checks read the lines through sshdconf.c now; the reader they
 * had split Include on blanks and kept the quotes, so it never opened the
 * file and missed the old keyword in it, and a drop-in fix was computed
 * from the wrong pattern. sshd reads the file: -T shows the value it sets.
 */
static void
test_include_quoted(void **state)
{
	struct tree t = { .version = "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023" };
	struct ka_host_result r;

	tree_set(&t, "/etc/ssh/sshd_config",
	    "Include \"/etc/ssh/my site.conf\" /etc/ssh/sshd_config.d/\"*.conf\"\n");
	tree_set(&t, "/etc/ssh/my site.conf", "ChallengeResponseAuthentication no\n");
	tree_scan(&t, "sshd.deprecated-keyword", NULL, &r);
	if (r.nfindings != 1)
		tu_dump(&r);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].path, "/etc/ssh/my site.conf");
	assert_int_equal(r.findings[0].line, 1);
	host_result_free(&r);
	/* the second pattern, quoted mid-word, is Debian's drop-in directory */
	fix_case(&t, "sshd.max-auth-tries", NULL, "maxauthtries", "4",
	    "add 'MaxAuthTries 4' to /etc/ssh/sshd_config.d/50-keyaudit.conf, then "
	    "run: sshd -t && systemctl reload ssh");
	if (is_root()) {
		char *out = sshd_T(&t, NULL), *v = T_value(out, "kbdinteractiveauthentication");

		assert_string_equal(v, "no");
		free(v);
		free(out);
	}
	tree_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_dropin),
		cmocka_unit_test(test_fix_before_match),
		cmocka_unit_test(test_fix_in_dropin),
		cmocka_unit_test(test_fix_match_user),
		cmocka_unit_test(test_fix_policy_forbid),
		cmocka_unit_test(test_alg_line),
		cmocka_unit_test(test_old_keywords),
		cmocka_unit_test(test_include_quoted),
		cmocka_unit_test(test_hostkey_modes_match_sshd),
		cmocka_unit_test(test_client_forward_agent),
		cmocka_unit_test(test_client_strict_host_key_checking),
		cmocka_unit_test(test_client_include),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
