/* test_release.c - parse/release.c's tables, every entry, against
 * fixtures/releases/openssh-tags.txt: what each release tag's own source
 * says in full (tests/releases-kw/extract.py reads servconf.c/.h,
 * auth-options.c, myproposal.h, sshd.c and Makefile.in at every tag
 * V_7_4_P1..V_10_5_P1). The tables are spans of releases; the fixture is one
 * whole snapshot per release, so each table row is checked at every release
 * it covers and at the ones it does not. Then the engine's use of them:
 * sshdconf.c and the authorized_keys verdict. */
#include <ctype.h>
#include <errno.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/authkeys.h"
#include "scanner/parse/release.h"
#include "scanner/parse/sshdconf.h"

#define TAGS "fixtures/releases/openssh-tags.txt"

struct fx {
	struct strlist lines;
	int rels[64];
	size_t nrels;
	struct strlist kwnames, aknames, critnames;
};

static int
rel_of(const char *s)
{
	int a, b;

	assert_int_equal(sscanf(s, "%d.%d", &a, &b), 2);
	return REL(a, b);
}

static void
add_unique(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s);
}

static void
fx_load(struct fx *f)
{
	size_t len;
	char *text = tu_read_file(TAGS, &len), *save = NULL, *line;

	memset(f, 0, sizeof(*f));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char rel[16], kind[16], rest[8192];
		int r;

		if (line[0] == '#')
			continue;
		strlist_add(&f->lines, line);
		rest[0] = '\0';
		assert_true(sscanf(line, "%15s %15s %8191[^\n]", rel, kind, rest) >= 2);
		r = rel_of(rel);
		if (f->nrels == 0 || f->rels[f->nrels - 1] != r) {
			assert_true(f->nrels < 64);
			f->rels[f->nrels++] = r;
		}
		if (strcmp(kind, "kw") == 0) {
			char name[128];

			assert_int_equal(sscanf(rest, "%127s", name), 1);
			add_unique(&f->kwnames, name);
		} else if (strcmp(kind, "ak") == 0 || strcmp(kind, "match") == 0) {
			char *s2 = NULL, *w;

			for (w = strtok_r(rest, " ", &s2); w != NULL;
			    w = strtok_r(NULL, " ", &s2)) {
				char *slash = strchr(w, '/');

				if (slash != NULL)
					*slash = '\0';
				add_unique(kind[0] == 'a' ? &f->aknames :
				    &f->critnames, w);
			}
		}
	}
	free(text);
}

static void
fx_free(struct fx *f)
{
	strlist_free(&f->lines);
	strlist_free(&f->kwnames);
	strlist_free(&f->aknames);
	strlist_free(&f->critnames);
}

/* The fixture's line "REL KIND ..." (rest after KIND), or NULL. */
static const char *
fx_get(const struct fx *f, int rel, const char *kind, const char *first)
{
	for (size_t i = 0; i < f->lines.n; i++) {
		char r[16], k[16], w[128];
		int n = 0;

		if (sscanf(f->lines.v[i], "%15s %15s %n", r, k, &n) != 2 ||
		    rel_of(r) != rel || strcmp(k, kind) != 0)
			continue;
		if (first == NULL)
			return f->lines.v[i] + n;
		if (sscanf(f->lines.v[i] + n, "%127s", w) == 1 &&
		    strcmp(w, first) == 0)
			return f->lines.v[i] + n;
	}
	return NULL;
}

static const char *
state_name(enum rel_kw_state s)
{
	switch (s) {
	case RKW_OK: return "ok";
	case RKW_DEPRECATED: return "deprecated";
	case RKW_UNSUPPORTED: return "unsupported";
	case RKW_IGNORE: return "ignore";
	default: return "unknown";
	}
}

/* Every keyword of every release, and its absence elsewhere. */
static void
test_keywords_every_release(void **state)
{
	struct fx f;
	size_t checked = 0;

	(void)state;
	fx_load(&f);
	assert_int_equal(f.nrels, 32);		/* 7.4 .. 10.5 */
	assert_int_equal(f.rels[f.nrels - 1], REL_NEWEST);
	for (size_t r = 0; r < f.nrels; r++) {
		for (size_t k = 0; k < f.kwnames.n; k++) {
			const char *name = f.kwnames.v[k];
			const char *want = fx_get(&f, f.rels[r], "kw", name);
			struct rel_kw_info info;
			enum rel_kw_state got = release_sshd_keyword(f.rels[r],
			    name, &info);
			char st[32] = "unknown", sc[4] = "";

			if (want != NULL)
				assert_int_equal(sscanf(want, "%*s %31s %3s", st, sc), 2);
			if (strcmp(st, state_name(got)) != 0)
				fail_msg("%d %s: table says %s, source says %s",
				    f.rels[r], name, state_name(got), st);
			if (want != NULL) {
				unsigned wantscope = sc[0] == 'A' ?
				    (RKW_GLOBAL | RKW_MATCH) : RKW_GLOBAL;
				if (info.scope != wantscope)
					fail_msg("%d %s: scope %u, source %s",
					    f.rels[r], name, info.scope, sc);
				assert_non_null(info.cite);
				assert_true(info.since <= f.rels[r]);
			}
			/* case does not matter to sshd */
			{
				char up[128];
				size_t i;

				for (i = 0; name[i] != '\0' && i < sizeof(up) - 1; i++)
					up[i] = (char)toupper((unsigned char)name[i]);
				up[i] = '\0';
				assert_int_equal(release_sshd_keyword(f.rels[r],
				    up, NULL), got);
			}
			checked++;
		}
	}
	assert_true(checked > 4000);
	fx_free(&f);
}

/* The entries the issue names, written out by hand. */
static void
test_keywords_named(void **state)
{
	struct rel_kw_info i;

	(void)state;
	assert_int_equal(release_sshd_keyword(REL(8, 1), "Include", NULL), RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(8, 2), "Include", &i), RKW_OK);
	assert_int_equal(i.since, REL(8, 2));
	assert_int_equal(release_sshd_keyword(REL(9, 0), "RequiredRSASize", &i),
	    RKW_UNKNOWN);
	assert_int_equal(i.since, REL(9, 1));	/* the next release to know it */
	assert_int_equal(release_sshd_keyword(REL(9, 1), "RequiredRSASize", NULL), RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(9, 7), "PerSourcePenalties", NULL),
	    RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(9, 8), "PerSourcePenalties", NULL), RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(8, 4), "PubkeyAcceptedAlgorithms", NULL),
	    RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(8, 5), "PubkeyAcceptedAlgorithms", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(10, 5), "PubkeyAcceptedKeyTypes", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(8, 4), "HostbasedAcceptedAlgorithms",
	    NULL), RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(7, 4), "UsePrivilegeSeparation", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(7, 5), "UsePrivilegeSeparation", NULL),
	    RKW_DEPRECATED);
	assert_int_equal(release_sshd_keyword(REL(10, 3), "PAMAuthenticationViaKbdInt",
	    NULL), RKW_DEPRECATED);
	assert_int_equal(release_sshd_keyword(REL(10, 4), "PAMAuthenticationViaKbdInt",
	    NULL), RKW_UNKNOWN);
	/* 10.4's GSSAPI misspelling, fixed in 10.5 */
	assert_int_equal(release_sshd_keyword(REL(10, 4), "GSSAPIAuthentication", NULL),
	    RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(10, 4), "GssAuthentication", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(10, 5), "GSSAPIAuthentication", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(7, 5), "LogLevel", &i), RKW_OK);
	assert_int_equal(i.scope, RKW_GLOBAL);
	assert_int_equal(release_sshd_keyword(REL(7, 6), "LogLevel", &i), RKW_OK);
	assert_int_equal(i.scope, RKW_GLOBAL | RKW_MATCH);
	assert_int_equal(release_sshd_keyword(REL(10, 4), "PAMServiceName", &i), RKW_OK);
	assert_int_equal(i.scope, RKW_GLOBAL);
	assert_int_equal(release_sshd_keyword(REL(9, 9), "RefuseConnection", NULL), RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(10, 0), "SshdAuthPath", NULL), RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(9, 9), "SshdAuthPath", NULL), RKW_UNKNOWN);
	/* outside the modelled range: the nearest end */
	assert_int_equal(release_sshd_keyword(REL(6, 6), "Include", NULL), RKW_UNKNOWN);
	assert_int_equal(release_sshd_keyword(REL(11, 0), "RefuseConnection", NULL),
	    RKW_OK);
	assert_int_equal(release_sshd_keyword(REL(9, 2), "NoSuchKeyword", NULL),
	    RKW_UNKNOWN);
}

static void
test_vendor_and_renames(void **state)
{
	struct rel_kw_info i;
	const char *now, *cite;

	(void)state;
	assert_true(release_vendor_keyword(REL(8, 4), "GSSAPIKeyExchange", &i));
	assert_true(release_vendor_keyword(REL(10, 0), "DebianBanner", &i));
	assert_int_equal(i.state, RKW_OK);
	assert_true(release_vendor_keyword(REL(9, 2), "PermitBlacklistedKeys", &i));
	assert_int_equal(i.state, RKW_DEPRECATED);
	assert_true(release_vendor_keyword(REL(9, 2), "GSSUseSessionCCache", &i));
	assert_int_equal(i.state, RKW_UNSUPPORTED);
	assert_true(release_vendor_keyword(REL(9, 2), "GSSAPIUseSessionCredCache", NULL));
	assert_true(release_vendor_keyword(REL(9, 2), "GSSAPIStoreCredentialsOnRekey", NULL));
	assert_true(release_vendor_keyword(REL(9, 2), "GSSAPIKexAlgorithms", NULL));
	assert_true(release_vendor_keyword(REL(9, 2), "GSSAPICleanupCreds", NULL));
	assert_false(release_vendor_keyword(REL(9, 2), "UsePAM", NULL));
	/* no upstream release knows a vendor keyword */
	assert_int_equal(release_sshd_keyword(REL(9, 2), "DebianBanner", NULL), RKW_UNKNOWN);

	assert_int_equal(release_renamed("PubkeyAcceptedKeyTypes", &now, &cite), REL(8, 5));
	assert_string_equal(now, "pubkeyacceptedalgorithms");
	assert_int_equal(release_renamed("HostbasedAcceptedKeyTypes", &now, &cite),
	    REL(8, 5));
	assert_string_equal(now, "hostbasedacceptedalgorithms");
	assert_int_equal(release_renamed("ChallengeResponseAuthentication", &now, &cite),
	    REL(8, 7));
	assert_string_equal(now, "kbdinteractiveauthentication");
	assert_int_equal(release_renamed("UsePAM", &now, &cite), 0);
}

/* Every authorized_keys option of every release, and its absence. */
static void
test_authkeys_options(void **state)
{
	struct fx f;

	(void)state;
	fx_load(&f);
	assert_true(f.aknames.n >= 17);
	for (size_t r = 0; r < f.nrels; r++) {
		const char *line = fx_get(&f, f.rels[r], "ak", NULL);

		assert_non_null(line);
		for (size_t k = 0; k < f.aknames.n; k++) {
			const char *o = f.aknames.v[k];
			char *w = xasprintf(" %s ", o), *wn = xasprintf(" %s/neg ", o);
			char *padded = xasprintf(" %s ", line);
			int known = strstr(padded, w) != NULL || strstr(padded, wn) != NULL;
			int neg = strstr(padded, wn) != NULL;
			char *no = xasprintf("no-%s", o), *val = xasprintf("%s=\"x\"", o);

			if (release_authkeys_option(f.rels[r], o, NULL) != known)
				fail_msg("%d option %s: table %d, source %d", f.rels[r],
				    o, !known, known);
			assert_int_equal(release_authkeys_option(f.rels[r], no, NULL),
			    known && neg);
			assert_int_equal(release_authkeys_option(f.rels[r], val, NULL),
			    known);
			free(w);
			free(wn);
			free(padded);
			free(no);
			free(val);
		}
	}
	fx_free(&f);
}

static void
test_authkeys_named(void **state)
{
	int since;

	(void)state;
	assert_false(release_authkeys_option(REL(8, 1), "no-touch-required", &since));
	assert_int_equal(since, REL(8, 2));
	assert_true(release_authkeys_option(REL(8, 2), "no-touch-required", NULL));
	assert_true(release_authkeys_option(REL(8, 2), "NO-TOUCH-REQUIRED", NULL));
	assert_false(release_authkeys_option(REL(8, 3), "verify-required", &since));
	assert_int_equal(since, REL(8, 4));
	assert_true(release_authkeys_option(REL(8, 4), "verify-required", NULL));
	assert_false(release_authkeys_option(REL(7, 6), "expiry-time=\"20300101\"", NULL));
	assert_true(release_authkeys_option(REL(7, 7), "expiry-time=\"20300101\"", NULL));
	assert_false(release_authkeys_option(REL(7, 7), "permitlisten=\"1234\"", NULL));
	assert_true(release_authkeys_option(REL(7, 8), "permitlisten=\"1234\"", NULL));
	assert_false(release_authkeys_option(REL(10, 5), "no-restrict", NULL));
	assert_false(release_authkeys_option(REL(10, 5), "bogus", &since));
	assert_int_equal(since, 0);
}

static void
test_match_criteria(void **state)
{
	struct fx f;
	int since;

	(void)state;
	fx_load(&f);
	for (size_t r = 0; r < f.nrels; r++) {
		const char *line = fx_get(&f, f.rels[r], "match", NULL);
		char *padded = xasprintf(" %s ", line);

		for (size_t k = 0; k < f.critnames.n; k++) {
			char *w = xasprintf(" %s ", f.critnames.v[k]);
			int known = strstr(padded, w) != NULL;

			if (release_match_criterion(f.rels[r], f.critnames.v[k],
			    NULL) != known)
				fail_msg("%d Match %s: table %d, source %d",
				    f.rels[r], f.critnames.v[k], !known, known);
			free(w);
		}
		free(padded);
	}
	fx_free(&f);
	assert_false(release_match_criterion(REL(9, 8), "Invalid-User", &since));
	assert_int_equal(since, REL(9, 9));
	assert_true(release_match_criterion(REL(9, 9), "Invalid-User", NULL));
	assert_false(release_match_criterion(REL(9, 9), "Version", &since));
	assert_int_equal(since, REL(10, 0));
	assert_true(release_match_criterion(REL(10, 0), "version", NULL));
	assert_false(release_match_criterion(REL(7, 6), "RDomain", NULL));
	assert_true(release_match_criterion(REL(7, 7), "RDomain", NULL));
}

/* Defaults, -G/-V, -T case and log programs at every release. */
static void
test_forms_and_defaults(void **state)
{
	struct fx f;

	(void)state;
	fx_load(&f);
	for (size_t r = 0; r < f.nrels; r++) {
		int rel = f.rels[r];
		const char *pk = fx_get(&f, rel, "pk", NULL);
		const char *ca = fx_get(&f, rel, "ca", NULL);
		const char *go = fx_get(&f, rel, "getopt", NULL);
		const char *pr = fx_get(&f, rel, "programs", NULL);
		const char *tc = fx_get(&f, rel, "tcase", NULL);
		const char *const *lp = release_log_programs(rel);
		struct buf b = { 0 };
		char *pkc = xasprintf(",%s,", pk);

		assert_string_equal(release_default_pubkey_algs(rel), pk);
		assert_string_equal(release_default_kex(rel),
		    fx_get(&f, rel, "kex", NULL));
		assert_string_equal(release_default_ciphers(rel),
		    fx_get(&f, rel, "cipher", NULL));
		assert_string_equal(release_default_macs(rel),
		    fx_get(&f, rel, "mac", NULL));
		/* every name in the default is one the release knows */
		{
			char *kx = xasprintf(",%s,", release_default_kex(rel));
			int ml = strstr(kx, ",mlkem768x25519-sha256,") != NULL;

			assert_int_equal(*release_kex_extra(rel) != '\0', ml);
			free(kx);
		}
		if (strcmp(ca, "-") == 0)
			assert_null(release_default_ca_algs(rel));
		else
			assert_string_equal(release_default_ca_algs(rel), ca);
		assert_int_equal(release_ssh_rsa_default(rel),
		    strstr(pkc, ",ssh-rsa,") != NULL);
		assert_int_equal(release_has_sshd_G(rel), strchr(go, 'G') != NULL);
		assert_int_equal(release_has_sshd_V(rel), strchr(go, 'V') != NULL);
		for (size_t i = 0; lp[i] != NULL; i++) {
			if (i > 0)
				buf_putc(&b, ' ');
			buf_puts(&b, lp[i]);
		}
		buf_putc(&b, '\0');
		assert_string_equal(b.data, pr);
		assert_int_equal(release_sshd_T_camelcase(rel), atoi(tc));
		buf_free(&b);
		free(pkc);
	}
	fx_free(&f);
}

/* The ones not in the fixture, from the source by hand (see release.c). */
static void
test_other_defaults(void **state)
{
	(void)state;
	assert_true(release_has_dsa(REL(9, 7)));
	assert_false(release_has_dsa(REL(9, 8)));
	assert_false(release_has_dsa(REL(10, 0)));
	assert_int_equal(release_rsa_min_bits(REL(7, 5)), 768);
	assert_int_equal(release_rsa_min_bits(REL(7, 6)), 1024);
	assert_int_equal(release_rsa_min_bits(REL(9, 1)), 1024);
	assert_false(release_penalties_default(REL(9, 7)));
	assert_true(release_penalties_default(REL(9, 8)));
	assert_true(release_separate_challenge_response(REL(8, 6)));
	assert_false(release_separate_challenge_response(REL(8, 7)));
}

/* ----------------------------------------------------- the engine's use */

struct one {
	const char *text;
};

static int
one_read(void *arg, const char *path, const char **data, size_t *len)
{
	struct one *o = arg;

	if (strcmp(path, "/etc/ssh/sshd_config") != 0) {
		errno = ENOENT;
		return -1;
	}
	*data = o->text;
	*len = strlen(o->text);
	return 0;
}

static int
one_glob(void *arg, const char *pattern, struct strlist *out)
{
	(void)arg;
	(void)pattern;
	(void)out;
	return 0;
}

static const char *
one_home(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return "/root";
}

static struct sshd_config *
parse_rel(const char *text, int rel)
{
	static struct one o;
	static struct sshdconf_io io;

	o.text = text;
	memset(&io, 0, sizeof(io));
	io.read = one_read;
	io.glob = one_glob;
	io.home_of = one_home;
	io.ctx = &o;
	io.release = rel;
	return sshdconf_parse("/etc/ssh/sshd_config", &io);
}

/* The first error's message, or "" */
static const char *
first_error(const struct sshd_config *c)
{
	return sshdconf_nerrors(c) > 0 ? sshdconf_error_at(c, 0)->msg : "";
}

static void
expect_error(const char *text, int rel, const char *want)
{
	struct sshd_config *c = parse_rel(text, rel);

	if (want == NULL) {
		if (sshdconf_nerrors(c) != 0)
			fail_msg("%d: '%s': unexpected error %s", rel, text,
			    first_error(c));
	} else if (strstr(first_error(c), want) == NULL)
		fail_msg("%d: '%s': got '%s', want '%s'", rel, text,
		    first_error(c), want);
	sshdconf_free(c);
}

static void
test_engine_keywords(void **state)
{
	(void)state;
	expect_error("Include /etc/ssh/sshd_config.d/*.conf\n", REL(8, 0),
	    "Bad configuration option: Include");
	expect_error("Include /etc/ssh/sshd_config.d/*.conf\n", REL(8, 2), NULL);
	expect_error("PubkeyAcceptedAlgorithms +ssh-rsa\n", REL(8, 4),
	    "Bad configuration option: PubkeyAcceptedAlgorithms");
	expect_error("PubkeyAcceptedKeyTypes +ssh-rsa\n", REL(8, 4), NULL);
	expect_error("HostbasedAcceptedAlgorithms +ssh-rsa\n", REL(8, 0),
	    "Bad configuration option");
	expect_error("RequiredRSASize 2048\n", REL(8, 7),
	    "Bad configuration option: RequiredRSASize");
	expect_error("RequiredRSASize 2048\n", REL(9, 1), NULL);
	expect_error("PerSourcePenalties authfail:1\n", REL(9, 8), NULL);
	expect_error("PerSourcePenalties authfail:1\n", REL(9, 2),
	    "Bad configuration option");
	expect_error("UsePrivilegeSeparation sandbox\n", REL(7, 4), NULL);
	expect_error("PAMAuthenticationViaKbdInt yes\n", REL(10, 4),
	    "Bad configuration option");
	expect_error("GSSAPIAuthentication no\n", REL(10, 4),
	    "Bad configuration option");
	expect_error("GssAuthentication no\n", REL(10, 4), NULL);
	expect_error("Match user x\n\tLogLevel DEBUG\n", REL(7, 5),
	    "not allowed within a Match block");
	expect_error("Match user x\n\tLogLevel DEBUG\n", REL(7, 6), NULL);
	expect_error("Match user x\n\tSubsystem sftp internal-sftp\n", REL(9, 4),
	    "not allowed within a Match block");
	expect_error("Match user x\n\tIgnoreRhosts no\n", REL(8, 2),
	    "not allowed within a Match block");
	/* Debian's own keywords stay known */
	expect_error("DebianBanner no\nGSSAPIKeyExchange no\n", REL(8, 4), NULL);
	/* DSA is gone in 10.0 */
	expect_error("PubkeyAcceptedAlgorithms +ssh-dss\n", REL(9, 2), NULL);
	expect_error("PubkeyAcceptedAlgorithms +ssh-dss\n", REL(10, 0),
	    "Bad key types");
	/* release 0 is the model */
	expect_error("PerSourcePenalties authfail:1\n", 0, "Bad configuration option");
	expect_error("Match user x\n\tLogLevel DEBUG\n", 0, NULL);
}

static void
test_engine_match(void **state)
{
	struct sshd_config *c;
	struct sshd_eff *e;
	struct sshd_conn conn;

	(void)state;
	expect_error("Match Invalid-User\n\tPasswordAuthentication no\n", REL(9, 8),
	    "Unsupported Match attribute Invalid-User");
	expect_error("Match Invalid-User\n\tPasswordAuthentication no\n", REL(9, 9),
	    NULL);
	expect_error("Match Version OpenSSH_10*\n\tPasswordAuthentication no\n",
	    REL(9, 9), "Unsupported Match attribute Version");
	expect_error("Match RDomain x\n\tPasswordAuthentication no\n", REL(7, 6),
	    "Unsupported Match attribute RDomain");
	expect_error("Match user=alice\n\tPasswordAuthentication no\n", REL(10, 0),
	    NULL);

	c = parse_rel("Match Invalid-User\n\tPasswordAuthentication no\n"
	    "Match Version OpenSSH_10.0*\n\tMaxAuthTries 2\n"
	    "Match user=bob\n\tMaxSessions 3\n", REL(10, 0));
	assert_int_equal(sshdconf_nerrors(c), 0);
	memset(&conn, 0, sizeof(conn));
	conn.user = "bob";
	conn.invalid_user = 1;
	e = sshdconf_effective(c, &conn);
	assert_string_equal(sshd_eff_str(e, "passwordauthentication"), "no");
	assert_string_equal(sshd_eff_str(e, "maxauthtries"), "2");
	assert_string_equal(sshd_eff_str(e, "maxsessions"), "3");
	sshd_eff_free(e);
	conn.invalid_user = 0;
	conn.user = "alice";
	e = sshdconf_effective(c, &conn);
	assert_string_equal(sshd_eff_str(e, "passwordauthentication"), "yes");
	assert_string_equal(sshd_eff_str(e, "maxsessions"), "10");
	sshd_eff_free(e);
	sshdconf_free(c);
}

static void
test_engine_defaults(void **state)
{
	struct sshd_config *c;
	struct sshd_eff *e;

	(void)state;
	c = parse_rel("", REL(8, 4));
	e = sshdconf_effective(c, NULL);
	assert_true(sshd_eff_accepts_alg(e, "ssh-rsa"));
	assert_string_equal(sshd_eff_str(e, "pubkeyacceptedalgorithms"),
	    release_default_pubkey_algs(REL(8, 4)));
	assert_string_equal(sshd_eff_str(e, "hostkeyalgorithms"),
	    release_default_pubkey_algs(REL(8, 4)));
	sshd_eff_free(e);
	sshdconf_free(c);

	c = parse_rel("", REL(9, 2));
	e = sshdconf_effective(c, NULL);
	assert_false(sshd_eff_accepts_alg(e, "ssh-rsa"));
	sshd_eff_free(e);
	sshdconf_free(c);

	c = parse_rel("PubkeyAcceptedAlgorithms -rsa-sha2-256\n", REL(10, 3));
	e = sshdconf_effective(c, NULL);
	assert_true(sshd_eff_accepts_alg(e, "webauthn-sk-ecdsa-sha2-nistp256@openssh.com"));
	assert_false(sshd_eff_accepts_alg(e, "rsa-sha2-256"));
	sshd_eff_free(e);
	sshdconf_free(c);

	/* 10.0's key exchange default, and ML-KEM accepted from 9.9 */
	c = parse_rel("KexAlgorithms +diffie-hellman-group14-sha256\n", REL(10, 0));
	assert_int_equal(sshdconf_nerrors(c), 0);
	e = sshdconf_effective(c, NULL);
	assert_string_equal(sshd_eff_str(e, "kexalgorithms"),
	    "mlkem768x25519-sha256,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
	    "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
	    "ecdh-sha2-nistp521,diffie-hellman-group14-sha256");
	sshd_eff_free(e);
	sshdconf_free(c);
	expect_error("KexAlgorithms mlkem768x25519-sha256\n", REL(9, 9), NULL);
	expect_error("KexAlgorithms mlkem768x25519-sha256\n", REL(9, 8),
	    "Bad SSH2 KexAlgorithms");

	/* before 8.7 keyboard-interactive is KbdInteractiveAuthentication OR
	 * ChallengeResponseAuthentication (bullseye's sshd -T agrees) */
	{
		static const struct {
			const char *conf;
			int rel;
			const char *want;
		} kc[] = {
			{ "", REL(8, 4), "yes" },
			{ "KbdInteractiveAuthentication no\n", REL(8, 4), "yes" },
			{ "KbdInteractiveAuthentication no\n", REL(8, 7), "no" },
			{ "ChallengeResponseAuthentication no\n", REL(8, 4), "no" },
			{ "ChallengeResponseAuthentication no\n", REL(8, 7), "no" },
			{ "KbdInteractiveAuthentication yes\n"
			  "ChallengeResponseAuthentication no\n", REL(8, 4), "yes" },
			{ "ChallengeResponseAuthentication no\n"
			  "KbdInteractiveAuthentication yes\n", REL(8, 7), "no" },
			{ "SKeyAuthentication no\n", REL(7, 6), "no" },
			{ "SKeyAuthentication no\n", REL(7, 8), "yes" },
		};

		for (size_t i = 0; i < sizeof(kc) / sizeof(kc[0]); i++) {
			c = parse_rel(kc[i].conf, kc[i].rel);
			assert_int_equal(sshdconf_nerrors(c), 0);
			e = sshdconf_effective(c, NULL);
			if (strcmp(sshd_eff_str(e, "kbdinteractiveauthentication"),
			    kc[i].want) != 0)
				fail_msg("%d '%s': kbdint %s, want %s", kc[i].rel,
				    kc[i].conf, sshd_eff_str(e,
				    "kbdinteractiveauthentication"), kc[i].want);
			sshd_eff_free(e);
			sshdconf_free(c);
		}
	}

	c = parse_rel("", REL(7, 5));
	e = sshdconf_effective(c, NULL);
	assert_string_equal(sshd_eff_str(e, "requiredrsasize"), "768");
	sshd_eff_free(e);
	sshdconf_free(c);
}

/* PerSourcePenalties' words by release (servconf.c: refuseconnection: from
 * 9.9, 787597513; invaliduser: from 10.3, 49480f193; trixie's 10.0 sshd
 * refuses invaliduser:, sid's 10.6 takes it) and RefuseConnection (9.9). */
static void
test_engine_penalties_refuse(void **state)
{
	struct sshd_config *c;
	struct sshd_eff *e;

	(void)state;
	expect_error("PerSourcePenalties invaliduser:5s\n", REL(10, 0),
	    "unsupported PerSourcePenalties keyword invaliduser:5s");
	expect_error("PerSourcePenalties invaliduser:5s\n", REL(10, 3), NULL);
	expect_error("PerSourcePenalties refuseconnection:5s\n", REL(9, 8),
	    "unsupported PerSourcePenalties keyword");
	expect_error("PerSourcePenalties refuseconnection:5s\n", REL(9, 9), NULL);
	expect_error("PerSourcePenalties no\n", REL(9, 8), NULL);
	expect_error("PerSourcePenalties no authfail:5\n", REL(9, 8),
	    "must appear alone");
	expect_error("PerSourcePenalties authfail:x\n", REL(9, 8),
	    "invalid PerSourcePenalties time value");
	expect_error("PerSourcePenalties\n", REL(9, 8), "no argument after keyword");
	expect_error("PerSourcePenalties max-sources4:65536 overflow:permissive\n",
	    REL(9, 8), NULL);
	expect_error("Match User x\n\tPerSourcePenalties no\n", REL(10, 0),
	    "not allowed within a Match block");
	expect_error("RefuseConnection yes\n", REL(9, 8),
	    "Bad configuration option: RefuseConnection");
	expect_error("RefuseConnection maybe\n", REL(9, 9), "unsupported option");

	c = parse_rel("RefuseConnection no\nMatch User bob\n\tRefuseConnection yes\n",
	    REL(10, 0));
	assert_int_equal(sshdconf_nerrors(c), 0);
	e = sshdconf_effective(c, NULL);
	assert_int_equal(sshd_eff_bool(e, "refuseconnection"), 0);
	sshd_eff_free(e);
	{
		struct sshd_conn conn = { .user = "bob" };

		e = sshdconf_effective(c, &conn);
		assert_int_equal(sshd_eff_bool(e, "refuseconnection"), 1);
		sshd_eff_free(e);
	}
	sshdconf_free(c);

	/* the target's sshd -T answer is read as its release prints it */
	c = sshdconf_parse_text("sshd -T", "port 22\nRefuseConnection yes\n"
	    "persourcepenalties crash:90 authfail:5\n", REL(10, 0));
	assert_int_equal(sshdconf_nerrors(c), 0);
	e = sshdconf_effective(c, NULL);
	assert_int_equal(sshd_eff_bool(e, "refuseconnection"), 1);
	sshd_eff_free(e);
	sshdconf_free(c);
	c = sshdconf_parse_text("sshd -T", "refuseconnection yes\n", 0);
	assert_int_not_equal(sshdconf_nerrors(c), 0);
	sshdconf_free(c);
}

static void
test_authkeys_release(void **state)
{
	static const char text[] =
	    "no-touch-required ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBM1"
	    "tVHE4RDcvv8C0kfBwb0E6eUsxUo7wuHThHfRZp/D a\n"
	    "verify-required,command=\"x,y\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBM1"
	    "tVHE4RDcvv8C0kfBwb0E6eUsxUo7wuHThHfRZp/D b\n"
	    "command=\"verify-required\",restrict ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBM1"
	    "tVHE4RDcvv8C0kfBwb0E6eUsxUo7wuHThHfRZp/D c\n";
	struct ak_file f;
	char *u;

	(void)state;
	ak_parse(text, strlen(text), &f);
	assert_int_equal(f.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(f.lines[i].status, AK_KEY);
	ak_apply_release(&f, 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(f.lines[i].status, AK_KEY);
	ak_apply_release(&f, REL(8, 3));
	assert_int_equal(f.lines[0].status, AK_KEY);
	assert_int_equal(f.lines[1].status, AK_BAD_OPTIONS);
	assert_non_null(strstr(f.lines[1].error, "verify-required"));
	assert_non_null(strstr(f.lines[1].error, "OpenSSH 8.3"));
	assert_non_null(strstr(f.lines[1].error, "8.4"));
	/* a quoted value is not an option */
	assert_int_equal(f.lines[2].status, AK_KEY);
	ak_apply_release(&f, REL(8, 0));
	assert_int_equal(f.lines[0].status, AK_BAD_OPTIONS);
	ak_file_free(&f);

	u = ak_unknown_option("from=\"a,b\",no-pty,bogus=\"1\"", REL(9, 2));
	assert_string_equal(u, "bogus");
	free(u);
	assert_null(ak_unknown_option("from=\"a,b\",no-pty", REL(7, 4)));
	assert_null(ak_unknown_option(NULL, REL(7, 4)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords_every_release),
		cmocka_unit_test(test_keywords_named),
		cmocka_unit_test(test_vendor_and_renames),
		cmocka_unit_test(test_authkeys_options),
		cmocka_unit_test(test_authkeys_named),
		cmocka_unit_test(test_match_criteria),
		cmocka_unit_test(test_forms_and_defaults),
		cmocka_unit_test(test_other_defaults),
		cmocka_unit_test(test_engine_keywords),
		cmocka_unit_test(test_engine_match),
		cmocka_unit_test(test_engine_defaults),
		cmocka_unit_test(test_engine_penalties_refuse),
		cmocka_unit_test(test_authkeys_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
